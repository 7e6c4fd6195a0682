import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { originRequest, originResponse, viewerRequest, viewerResponse } from 'edgeware'
import { createEvent, invoke } from 'edgeware/testing'
import { redirects } from 'edgeware/middleware'
import { asRequest, asResponse, expectRefused, header, quietErrors } from './helpers.js'

let restore: () => void
beforeAll(() => {
  restore = quietErrors()
})
afterAll(() => restore())

const handler = viewerRequest(
  redirects([
    { from: '/old', to: '/new' },
    { from: '/temp', to: '/elsewhere', status: 302, query: 'drop' },
    { from: '/blog/*', to: 'https://blog.example.com/*', status: 308 },
    { from: '/go/*', to: '/*' },
    { from: '/a/*/b/*', to: '/x/$2/$1' },
    { from: /^\/p\/(?<id>\d+)$/, to: '/products/$<id>?ref=p' },
  ]),
)

async function location(uri: string, querystring = ''): Promise<{ status: string; location: string | undefined }> {
  const res = asResponse(await invoke(handler, createEvent('viewer-request', { uri, querystring })))
  return { status: res.status, location: header(res.headers, 'location') }
}

describe('redirects()', () => {
  it('redirects an exact path with 301 and keeps the query string', async () => {
    expect(await location('/old', 'a=1&b=2')).toEqual({ status: '301', location: '/new?a=1&b=2' })
  })

  it('uses the status per rule and can drop the query string', async () => {
    expect(await location('/temp', 'a=1')).toEqual({ status: '302', location: '/elsewhere' })
  })

  it('maps prefix captures into an absolute target', async () => {
    expect(await location('/blog/2024/hello')).toEqual({ status: '308', location: 'https://blog.example.com/2024/hello' })
  })

  it('supports numbered and named captures and merges query strings', async () => {
    expect(await location('/a/one/b/two')).toEqual({ status: '301', location: '/x/two/one' })
    expect(await location('/p/42', 'utm=x')).toEqual({ status: '301', location: '/products/42?ref=p&utm=x' })
  })

  it('passes unmatched requests on unchanged', async () => {
    const event = createEvent('viewer-request', { uri: '/other', querystring: 'q=1' })
    const req = asRequest(await invoke(handler, event))
    expect(req.uri).toBe('/other')
    expect(req.querystring).toBe('q=1')
    // the pattern must match the whole path, not a prefix of it
    expect(asRequest(await invoke(handler, createEvent('viewer-request', { uri: '/p/42x' }))).uri).toBe('/p/42x')
  })

  it('never lets a capture turn a path target into a protocol-relative open redirect', async () => {
    expect((await location('/go//evil.com/x')).location).toBe('/evil.com/x')
    expect((await location('/go/\\evil.com')).location).toBe('/%5Cevil.com')
  })

  it('percent-encodes CR/LF and other unsafe characters captured from the request (no header injection)', async () => {
    const { location: loc } = await location('/blog/x\r\nSet-Cookie: a=b')
    expect(loc).toBe('https://blog.example.com/x%0D%0ASet-Cookie:%20a=b')
    const q = await location('/old', 'a=1\r\nX-Evil: 1')
    expect(q.location).toBe('/new?a=1%0D%0AX-Evil:%201')
    const u = await location('/blog/caf\u00e9')
    expect(u.location).toBe('https://blog.example.com/caf%C3%A9')
  })

  it('works in origin-request too', async () => {
    const h = originRequest(redirects({ '/old': '/new' }))
    const res = asResponse(await invoke(h, createEvent('origin-request', { uri: '/old' })))
    expect(res.status).toBe('301')
  })

  it('refuses targets with CR/LF, bad statuses and bad rules at construction', () => {
    expect(() => redirects({ '/a': '/b\r\nSet-Cookie: x=1' })).toThrow(/control character/)
    expect(() => redirects([{ from: '/a', to: '/b', status: 200 as 301 }])).toThrow(/status must be one of/)
    expect(() => redirects({ 'a': '/b' })).toThrow(/"from" must be a path/)
    expect(() => redirects({ '/a': 'javascript:alert(1)' })).toThrow(/"to" must be a path/)
  })

  it('refuses the response stages on first use', async () => {
    await expectRefused(originResponse(redirects({ '/old': '/new' }) as never), createEvent('origin-response'), 'redirects', 'origin-response')
    await expectRefused(viewerResponse(redirects({ '/old': '/new' }) as never), createEvent('viewer-response'), 'redirects', 'viewer-response')
  })
})
