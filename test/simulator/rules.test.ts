import { describe, expect, it } from 'vitest'
import { behaviorMatcher, cacheKey, cacheTtl, filterCookies, filterQueryString, matchPathPattern, normalizeAcceptEncoding, type KeySettings, type TtlSettings } from '../../src/simulator/index.js'
import type { CfHeaders } from '../../src/cloudfront/types.js'

const s = (o: Partial<TtlSettings> = {}): TtlSettings => ({ defaultTtl: 100, minTtl: 0, maxTtl: 1000, ...o })
const cc = (v: string): CfHeaders => ({ 'cache-control': [{ key: 'Cache-Control', value: v }] })

describe('path patterns', () => {
  it.each([
    ['/api/*', '/api/x/y', true],
    ['/api/*', '/api', false],
    ['/api/*', '/API/x', false],
    ['api/*', '/api/x', true],
    ['*.jpg', '/a/b.jpg', true],
    ['/img/?.png', '/img/a.png', true],
    ['/img/?.png', '/img/ab.png', false],
    ['/a.b', '/aXb', false],
    ['/a+b', '/a+b', true],
  ])('%s vs %s → %s', (p, path, want) => {
    expect(matchPathPattern(p, path)).toBe(want)
  })
  it('picks the first match, else the default (last)', () => {
    const m = behaviorMatcher(['/api/v1/*', '/api/*', '*'])
    expect(m('/api/v1/x')).toBe(0)
    expect(m('/api/x')).toBe(1)
    expect(m('/x')).toBe(2)
  })
})

describe('cache TTL', () => {
  it('uses s-maxage over max-age, clamped to [min, max]', () => {
    expect(cacheTtl(200, cc('max-age=50, s-maxage=20'), s())).toBe(20)
    expect(cacheTtl(200, cc('max-age=50'), s())).toBe(50)
    expect(cacheTtl(200, cc('max-age=5000'), s())).toBe(1000)
    expect(cacheTtl(200, cc('max-age=5'), s({ minTtl: 30 }))).toBe(30)
  })
  it('uses default_ttl without caching headers, Expires otherwise', () => {
    expect(cacheTtl(200, {}, s())).toBe(100)
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(cacheTtl(200, { expires: [{ value: 'Thu, 01 Jan 2026 00:01:00 GMT' }] }, s(), now)).toBe(60)
  })
  it('does not cache no-store / no-cache / private when min_ttl is 0, caches for min_ttl otherwise', () => {
    expect(cacheTtl(200, cc('no-store'), s())).toBe(0)
    expect(cacheTtl(200, cc('private, max-age=60'), s())).toBe(0)
    expect(cacheTtl(200, cc('no-cache'), s({ minTtl: 5 }))).toBe(5)
  })
  it('caches 302 only when asked', () => {
    expect(cacheTtl(302, {}, s())).toBe(0)
    expect(cacheTtl(302, cc('max-age=30'), s())).toBe(30)
  })
  it('caches 404, 414 and 5xx for the larger of the error caching minimum TTL and the origin max-age (capped at max_ttl)', () => {
    expect(cacheTtl(404, {}, s())).toBe(10)
    expect(cacheTtl(503, cc('max-age=1'), s())).toBe(10)
    expect(cacheTtl(503, cc('max-age=60'), s())).toBe(60)
    expect(cacheTtl(500, cc('max-age=5000'), s())).toBe(1000)
    expect(cacheTtl(414, cc('no-store'), s())).toBe(10)
    expect(cacheTtl(502, {}, s(), Date.now(), 30)).toBe(30)
    expect(cacheTtl(504, {}, s({ maxTtl: 0 }), Date.now(), 0)).toBe(0)
  })
  it('caches 400, 403, 405, 412 and 415 only when the origin sends max-age or s-maxage; never 416', () => {
    for (const status of [400, 403, 405, 412, 415]) {
      expect(cacheTtl(status, {}, s())).toBe(0)
      expect(cacheTtl(status, cc('s-maxage=30'), s())).toBe(30)
    }
    expect(cacheTtl(416, cc('max-age=30'), s())).toBe(0)
  })
})

describe('Accept-Encoding normalisation (§1.3)', () => {
  it('keeps br and gzip, in that order, of what the policy enables', () => {
    expect(normalizeAcceptEncoding('gzip, deflate, br', { gzip: true, brotli: true })).toBe('br,gzip')
    expect(normalizeAcceptEncoding('gzip, deflate, br', { gzip: true, brotli: false })).toBe('gzip')
    expect(normalizeAcceptEncoding('br;q=1.0', { gzip: true, brotli: true })).toBe('br')
    expect(normalizeAcceptEncoding('deflate, gzip;q=0', { gzip: true, brotli: true })).toBe('identity')
    expect(normalizeAcceptEncoding(undefined, { gzip: true, brotli: true })).toBeUndefined()
  })
})

describe('cache key', () => {
  const req = (qs: string, headers: CfHeaders = {}) => ({ uri: '/a', querystring: qs, headers })
  it('filters query strings', () => {
    expect(filterQueryString('a=1&b=2&a=3', { kind: 'list', names: ['a'] })).toBe('a=1&a=3')
    expect(filterQueryString('a=1&b=2&c', { kind: 'allExcept', names: ['b'] })).toBe('a=1&c')
    expect(filterQueryString('a=1', { kind: 'none' })).toBe('')
    expect(filterQueryString('a=1', { kind: 'all' })).toBe('a=1')
  })
  it('filters cookies', () => {
    const h = { cookie: [{ value: 'sid=1; theme=dark; ab=b' }] }
    expect(filterCookies(h, { kind: 'allExcept', names: ['theme'] })).toBe('sid=1; ab=b')
    expect(filterCookies(h, { kind: 'list', names: ['nope'] })).toBeUndefined()
  })
  it('differs exactly on the configured parts', () => {
    const set: KeySettings = { headers: ['x-v'], cookies: { kind: 'list', names: ['sid'] }, queryStrings: { kind: 'list', names: ['q'] } }
    const k = (qs: string, h: CfHeaders = {}) => cacheKey('0', req(qs, h), set)
    expect(k('q=1&z=1')).toBe(k('q=1&z=2'))
    expect(k('q=1')).not.toBe(k('q=2'))
    expect(k('', { 'x-v': [{ value: 'a' }] })).not.toBe(k('', { 'x-v': [{ value: 'b' }] }))
    expect(k('', { 'x-w': [{ value: 'a' }] })).toBe(k(''))
    expect(k('', { cookie: [{ value: 'sid=1; t=a' }] })).toBe(k('', { cookie: [{ value: 't=b; sid=1' }] }))
    expect(k('', { cookie: [{ value: 'sid=1' }] })).not.toBe(k('', { cookie: [{ value: 'sid=2' }] }))
  })
  it('holds the normalised Accept-Encoding when the policy enables compression, nothing for identity', () => {
    const set: KeySettings = { headers: [], cookies: { kind: 'none' }, queryStrings: { kind: 'none' }, acceptEncoding: { gzip: true, brotli: true } }
    const k = (ae?: string) => cacheKey('0', req('', ae === undefined ? {} : { 'accept-encoding': [{ value: ae }] }), set)
    expect(k('gzip, br')).toBe(k('br, deflate, gzip'))
    expect(k('gzip')).not.toBe(k('br,gzip'))
    expect(k('deflate')).toBe(k())
  })
})
