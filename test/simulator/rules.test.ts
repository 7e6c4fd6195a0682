import { describe, expect, it } from 'vitest'
import { behaviorMatcher, cacheKey, cacheTtl, filterQueryString, matchPathPattern, type CacheSettings } from '../../src/simulator/index.js'
import type { CfHeaders } from '../../src/cloudfront/types.js'

const s = (o: Partial<CacheSettings> = {}): CacheSettings => ({ defaultTtl: 100, minTtl: 0, maxTtl: 1000, headers: [], cookies: [], queryStrings: 'none', ...o })
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
  it('caches error codes for 10 s unless told otherwise; 302 only when asked', () => {
    expect(cacheTtl(404, {}, s())).toBe(10)
    expect(cacheTtl(503, cc('max-age=1'), s())).toBe(1)
    expect(cacheTtl(302, {}, s())).toBe(0)
    expect(cacheTtl(302, cc('max-age=30'), s())).toBe(30)
  })
})

describe('cache key', () => {
  const req = (qs: string, headers: CfHeaders = {}) => ({ uri: '/a', querystring: qs, headers })
  it('filters query strings', () => {
    expect(filterQueryString('a=1&b=2&a=3', ['a'])).toBe('a=1&a=3')
    expect(filterQueryString('a=1', 'none')).toBe('')
    expect(filterQueryString('a=1', 'all')).toBe('a=1')
  })
  it('differs exactly on the configured parts', () => {
    const set = s({ headers: ['x-v'], cookies: ['sid'], queryStrings: ['q'] })
    const k = (qs: string, h: CfHeaders = {}) => cacheKey(0, req(qs, h), set)
    expect(k('q=1&z=1')).toBe(k('q=1&z=2'))
    expect(k('q=1')).not.toBe(k('q=2'))
    expect(k('', { 'x-v': [{ value: 'a' }] })).not.toBe(k('', { 'x-v': [{ value: 'b' }] }))
    expect(k('', { 'x-w': [{ value: 'a' }] })).toBe(k(''))
    expect(k('', { cookie: [{ value: 'sid=1; t=a' }] })).toBe(k('', { cookie: [{ value: 't=b; sid=1' }] }))
    expect(k('', { cookie: [{ value: 'sid=1' }] })).not.toBe(k('', { cookie: [{ value: 'sid=2' }] }))
  })
})
