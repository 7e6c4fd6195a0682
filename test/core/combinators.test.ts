import { describe, expect, it } from 'vitest'
import { path, pathPatternToRegExp, viewerRequest, viewerResponse, when } from 'edgeware'
import { createEvent } from 'edgeware/testing'

describe('pathPatternToRegExp (CloudFront path patterns)', () => {
  const cases: [string, string, boolean][] = [
    ['/images/*.jpg', '/images/a.jpg', true],
    ['/images/*.jpg', '/images/a/b/c.jpg', true], // * crosses /
    ['/images/*.jpg', '/images/.jpg', true], // * may be empty
    ['/images/*.jpg', '/images/a.JPG', false], // case-sensitive
    ['/images/*.jpg', '/images/a.jpgx', false], // anchored
    ['/images/*.jpg', '/x/images/a.jpg', false],
    ['/a?c', '/abc', true],
    ['/a?c', '/ac', false], // ? is exactly one
    ['/a?c', '/abbc', false],
    ['/a?c', '/a/c', true],
    ['*', '/anything/at/all', true],
    ['/api/*', '/api/', true],
    ['/api/*', '/api', false],
    ['/a.b', '/aXb', false], // . is literal
    ['/(x)+[y]', '/(x)+[y]', true], // regex metacharacters are literal
    ['/price$', '/price$', true],
  ]
  for (const [pattern, uri, expected] of cases) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'} ${uri}`, () => {
      expect(pathPatternToRegExp(pattern).test(uri)).toBe(expected)
    })
  }
  it('refuses an empty or non-string pattern', () => {
    expect(() => pathPatternToRegExp('')).toThrow(/non-empty string/)
    expect(() => pathPatternToRegExp(5 as never)).toThrow(/non-empty string/)
  })
})

describe('path()', () => {
  it('runs its middleware only on matching uris, then continues the chain', async () => {
    const seen: string[] = []
    const h = viewerRequest(
      path('/api/*', async (c, next) => {
        seen.push('api ' + c.request.uri)
        await next()
      }),
      async (c) => void seen.push('end ' + c.request.uri),
    )
    await h(createEvent('viewer-request', { uri: '/api/users' }))
    await h(createEvent('viewer-request', { uri: '/home' }))
    expect(seen).toEqual(['api /api/users', 'end /api/users', 'end /home'])
  })

  it('a responder inside path() ends the whole chain', async () => {
    let after = false
    const h = viewerRequest(
      path('/old-?', async (c) => void c.redirect('/new', 301)),
      async () => void (after = true),
    )
    const out = await h(createEvent('viewer-request', { uri: '/old-1' }))
    expect(out).toMatchObject({ status: '301' })
    expect(after).toBe(false)
  })

  it('a pattern without a leading slash matches like CloudFront (images/* = /images/*)', async () => {
    let hit = false
    await viewerRequest(path('images/*', async () => void (hit = true)))(createEvent('viewer-request', { uri: '/images/x.png' }))
    expect(hit).toBe(true)
  })

  it('works in response stages (matched against the request uri)', async () => {
    const h = viewerResponse(path('/static/*', async (c) => void c.response.headers.set('cache-control', 'immutable')))
    const out = await h(createEvent('viewer-response', { uri: '/static/app.js' }))
    expect(out.headers['cache-control']?.[0]?.value).toBe('immutable')
  })
})

describe('when()', () => {
  it('runs middleware when the predicate holds, otherwise skips to next', async () => {
    const seen: string[] = []
    const h = viewerRequest(
      when(
        (c) => c.request.method === 'POST',
        async (_c, next) => {
          seen.push('post-only')
          await next()
        },
        async (_c, next) => {
          seen.push('post-only-2')
          await next()
        },
      ),
      async (c) => void seen.push(c.request.method),
    )
    await h(createEvent('viewer-request', { method: 'POST' }))
    await h(createEvent('viewer-request'))
    expect(seen).toEqual(['post-only', 'post-only-2', 'POST', 'GET'])
  })

  it('nests with path()', async () => {
    let hit = 0
    const h = viewerRequest(path('/a/*', when((c) => c.request.cookies.has('beta'), async () => void hit++)))
    await h(createEvent('viewer-request', { uri: '/a/x', cookies: { beta: '1' } }))
    await h(createEvent('viewer-request', { uri: '/a/x' }))
    await h(createEvent('viewer-request', { uri: '/b', cookies: { beta: '1' } }))
    expect(hit).toBe(1)
  })

  it('refuses a non-function predicate', () => {
    expect(() => when('yes' as never)).toThrow(/predicate/)
  })
})
