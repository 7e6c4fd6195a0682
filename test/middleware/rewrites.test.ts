import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { originRequest, originResponse, viewerRequest, viewerResponse } from 'edgeware'
import { createEvent, invoke } from 'edgeware/testing'
import { directoryIndex, normalize, spaFallback, TRACKING_PARAMS } from 'edgeware/middleware'
import { asRequest, asResponse, expectRefused, header, quietErrors } from './helpers.js'

let restore: () => void
beforeAll(() => {
  restore = quietErrors()
})
afterAll(() => restore())

describe('directoryIndex()', () => {
  it('rewrites directory URIs to their index document (S3 origin)', async () => {
    const h = originRequest(directoryIndex())
    const req = asRequest(await invoke(h, createEvent('origin-request', { origin: 's3', uri: '/docs/', querystring: 'v=1' })))
    expect(req.uri).toBe('/docs/index.html')
    expect(req.querystring).toBe('v=1')
    expect(asRequest(await invoke(h, createEvent('origin-request', { uri: '/' }))).uri).toBe('/index.html')
    expect(asRequest(await invoke(h, createEvent('origin-request', { uri: '/docs' }))).uri).toBe('/docs')
    expect(asRequest(await invoke(h, createEvent('origin-request', { uri: '/app.js' }))).uri).toBe('/app.js')
  })

  it('optionally treats extension-less paths as directories, with a custom index', async () => {
    const h = viewerRequest(directoryIndex({ extensionless: true, index: 'default.htm' }))
    expect(asRequest(await invoke(h, createEvent('viewer-request', { uri: '/docs' }))).uri).toBe('/docs/default.htm')
    expect(asRequest(await invoke(h, createEvent('viewer-request', { uri: '/a.b/logo.png' }))).uri).toBe('/a.b/logo.png')
  })

  it('leaves excluded paths alone', async () => {
    const h = viewerRequest(directoryIndex({ exclude: ['/', '/raw/*'] }))
    expect(asRequest(await invoke(h, createEvent('viewer-request', { uri: '/' }))).uri).toBe('/')
    expect(asRequest(await invoke(h, createEvent('viewer-request', { uri: '/raw/x/' }))).uri).toBe('/raw/x/')
    expect(asRequest(await invoke(h, createEvent('viewer-request', { uri: '/docs/' }))).uri).toBe('/docs/index.html')
  })

  it('rejects bad options and response stages', async () => {
    expect(() => directoryIndex({ index: '/index.html' })).toThrow(/file name/)
    await expectRefused(originResponse(directoryIndex() as never), createEvent('origin-response'), 'directoryIndex', 'origin-response')
  })
})

describe('spaFallback()', () => {
  const h = viewerRequest(spaFallback({ exclude: ['/api/*', '/health'] }))
  const uri = async (u: string, method = 'GET') => asRequest(await invoke(h, createEvent('viewer-request', { uri: u, method }))).uri

  it('serves /index.html for client-side routes', async () => {
    expect(await uri('/settings/profile')).toBe('/index.html')
    expect(await uri('/')).toBe('/index.html')
    expect(await uri('/settings', 'HEAD')).toBe('/index.html')
  })

  it('leaves files, excluded paths and other methods alone', async () => {
    expect(await uri('/static/app.3f2a.js')).toBe('/static/app.3f2a.js')
    expect(await uri('/api/users')).toBe('/api/users')
    expect(await uri('/health')).toBe('/health')
    expect(await uri('/form', 'OPTIONS')).toBe('/form')
  })

  it('rejects a bad index and response stages', async () => {
    expect(() => spaFallback({ index: 'index.html' })).toThrow(/starting with "\/"/)
    expect(() => spaFallback({ exclude: ['api/*'] })).toThrow(/starting with "\/"/)
    await expectRefused(viewerResponse(spaFallback() as never), createEvent('viewer-response'), 'spaFallback', 'viewer-response')
  })
})

describe('normalize()', () => {
  const run = async (mw: ReturnType<typeof normalize>, uri: string, querystring: string) => {
    const req = asRequest(await invoke(viewerRequest(mw), createEvent('viewer-request', { uri, querystring })))
    return `${req.uri}${req.querystring ? '?' + req.querystring : ''}`
  }

  it('strips tracking parameters and sorts the rest, keeping raw encoding and repeated order', async () => {
    expect(await run(normalize(), '/p', 'utm_source=news&b=2&fbclid=x&a=%20x&gclid=1&b=1&UTM_X=keep')).toBe('/p?UTM_X=keep&a=%20x&b=2&b=1')
    expect(TRACKING_PARAMS).toContain('utm_*')
  })

  it('keeps only listed parameters, drops empty ones, lowercases and collapses the path', async () => {
    const mw = normalize({ keepParams: ['page', 'q'], dropEmpty: true, lowercasePath: true, removeTrailingSlash: true })
    expect(await run(mw, '/Blog//Post/', 'utm_source=x&q=a&page=2&x=1&page=')).toBe('/blog/post?page=2&q=a')
    expect(await run(mw, '/', 'zzz=1')).toBe('/')
  })

  it('turns backslashes into slashes, so /\\evil.com can never become //evil.com in a redirect', async () => {
    expect(await run(normalize(), '/\\evil.com', '')).toBe('/evil.com')
    expect(await run(normalize(), '/a\\\\b\\c', '')).toBe('/a/b/c')
    expect(await run(normalize({ collapseSlashes: false }), '/\\evil.com', '')).toBe('//evil.com')
    // and the redirect a later middleware builds from it stays on the site
    const h = viewerRequest(normalize(), async (c) => void c.redirect(c.request.uri + '/'))
    const res = asResponse(await invoke(h, createEvent('viewer-request', { uri: '/\\evil.com' })))
    expect(header(res.headers, 'location')).toBe('/evil.com/')
  })

  it('leaves a clean URL untouched', async () => {
    expect(await run(normalize(), '/a/b', 'a=1&b=2')).toBe('/a/b?a=1&b=2')
    expect(await run(normalize({ sortQuery: false, dropParams: [] }), '/a', 'b=1&utm_a=2&a=1')).toBe('/a?b=1&utm_a=2&a=1')
  })

  it('refuses response stages', async () => {
    await expectRefused(originResponse(normalize() as never), createEvent('origin-response'), 'normalize', 'origin-response')
  })
})
