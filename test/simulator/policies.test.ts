// Cache policies, origin request policies and response headers policies at the local edge (reference §1–§3).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/simulator/index.js'
import { startHarness, startTestOrigin, type Harness, type TestOrigin } from './helpers.js'

let dir: string
let origin: TestOrigin
let h: Harness
let n = 0
/** A fresh path segment per call, so tests never share cache entries. */
const u = (): string => `t${++n}-${Date.now().toString(36)}`
const seen = async (res: Response): Promise<{ url: string; headers: Record<string, string> }> => (await res.json()) as { url: string; headers: Record<string, string> }
const enc = (s: string): string => encodeURIComponent(s)

// A viewer-response function that reports whether it saw the policy's X-Site header and tags the response.
const vresp = `'use strict'
exports.handler = async (event) => {
  const response = event.Records[0].cf.response
  response.headers['x-vresp-saw-site'] = [{ key: 'X-VResp-Saw-Site', value: String(response.headers['x-site'] !== undefined) }]
  response.headers['x-site'] = [{ key: 'X-Site', value: 'set by viewer-response' }]
  return response
}
`

const toml = (order: string): string => `name = "policies"
[dev]
response_headers_policy_order = "${order}"
[[edge.origins]]
id = "main"
url = "${origin.url}"
[edge.default_behavior]
origin = "main"
[[edge.behaviors]]
path_pattern = "/opt/*"
origin = "main"
cache_policy = "CachingOptimized"
[[edge.behaviors]]
path_pattern = "/all/*"
origin = "main"
cache_policy = "CachingDisabled"
origin_request_policy = "AllViewerExceptHostHeader"
[[edge.behaviors]]
path_pattern = "/custom/*"
origin = "main"
cache_policy = "by-lang"
origin_request_policy = "extra"
[[edge.behaviors]]
path_pattern = "/short/*"
origin = "main"
cache_policy = "one-second"
[[edge.behaviors]]
path_pattern = "/auth/*"
origin = "main"
cache_policy = "by-auth"
[[edge.behaviors]]
path_pattern = "/rhp/*"
origin = "main"
cache_policy = "CachingOptimized"
response_headers_policy = "site"
allowed_methods = ["GET", "HEAD", "OPTIONS"]
viewer_response = "vresp.js"
[[edge.behaviors]]
path_pattern = "/strict/*"
origin = "main"
cache_policy = "CachingOptimized"
response_headers_policy = "strict"
[[edge.behaviors]]
path_pattern = "/managed/*"
origin = "main"
cache_policy = "CachingOptimized"
response_headers_policy = "SecurityHeadersPolicy"

[[edge.cache_policies]]
id = "by-lang"
min_ttl = 0
default_ttl = 60
max_ttl = 120
headers = ["accept-language"]
cookies = { all_except = ["tracking"] }
query_strings = ["q"]
gzip = false
brotli = false
[[edge.cache_policies]]
id = "one-second"
min_ttl = 0
default_ttl = 1
max_ttl = 1
[[edge.cache_policies]]
id = "by-auth"
headers = ["authorization"]
[[edge.origin_request_policies]]
id = "extra"
headers = ["x-extra"]
cookies = "none"
query_strings = "all"
[[edge.response_headers_policies]]
id = "site"
security = { frame_options = "DENY", content_type_options = true, override = false }
cors = { allow_origins = ["https://a.example", "https://*.b.example"], allow_methods = ["GET", "POST"], allow_headers = ["x-token"], expose_headers = ["x-origin"], allow_credentials = true, max_age = 600, override = false }
custom = [{ name = "X-Site", value = "policy", override = false }, { name = "X-Origin", value = "policy", override = false }]
remove = ["x-origin", "x-origin-count", "server"]
server_timing = { enabled = true, sampling_rate = 0 }
[[edge.response_headers_policies]]
id = "strict"
security = { frame_options = "DENY", hsts = "max-age=63072000; includeSubDomains", override = true }
`

beforeAll(async () => {
  origin = await startTestOrigin('main')
  dir = mkdtempSync(join(tmpdir(), 'edgeware-policies-'))
  writeFileSync(join(dir, 'vresp.js'), vresp)
  h = await startHarness(parseConfig(toml('before-viewer-response'), join(dir, 'wrangler.toml')))
}, 60_000)
afterAll(async () => {
  await h?.close()
  await origin?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('a cache policy', () => {
  it('keys on the path alone under CachingOptimized: other query strings, cookies and user agents hit the same object', async () => {
    const p = `/opt/${u()}`
    expect((await h.get(`${p}?a=1`)).headers.get('x-cache')).toBe('Miss from cloudfront')
    for (const init of [{ headers: { 'user-agent': 'other/1' } }, { headers: { cookie: 'sid=2' } }] as RequestInit[]) expect((await h.get(`${p}?a=2`, init)).headers.get('x-cache')).toBe('Hit from cloudfront')
    expect(origin.hits(p)).toBe(1)
  })

  it('sends the origin only the path, CloudFront\'s User-Agent and Host, X-Forwarded-For and Via', async () => {
    const res = await h.get(`/opt/${u()}?a=1`, { headers: { 'user-agent': 'curl/8', cookie: 'sid=1', referer: 'https://x', 'x-forwarded-for': '198.51.100.7', 'cache-control': 'no-cache' } })
    const s = await seen(res)
    expect(s.url).not.toContain('?')
    expect(s.headers['user-agent']).toBe('Amazon CloudFront')
    expect(s.headers['host']).toBe('localhost')
    expect(s.headers['cookie']).toBeUndefined()
    expect(s.headers['referer']).toBeUndefined()
    expect(s.headers['x-forwarded-for']).toBe('198.51.100.7, 127.0.0.1')
    expect(s.headers['via']).toMatch(/^1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)$/)
    // Forwarded as is whatever the policies say [CUST].
    expect(s.headers['cache-control']).toBe('no-cache')
  })

  it('normalises Accept-Encoding (gzip and brotli on): the key and the origin get br,gzip / gzip / br / identity', async () => {
    const p = `/opt/${u()}`
    const ae = async (value: string) => {
      const res = await h.get(p, { headers: { 'accept-encoding': value } })
      return { cache: res.headers.get('x-cache'), sent: (await seen(res)).headers['accept-encoding'] }
    }
    expect(await ae('gzip, deflate, br')).toEqual({ cache: 'Miss from cloudfront', sent: 'br,gzip' })
    expect(await ae('br, gzip')).toEqual({ cache: 'Hit from cloudfront', sent: 'br,gzip' })
    expect(await ae('gzip')).toEqual({ cache: 'Miss from cloudfront', sent: 'gzip' })
    expect(await ae('deflate')).toEqual({ cache: 'Miss from cloudfront', sent: 'identity' })
    // identity is not in the key: a viewer without Accept-Encoding hits that object.
    expect((await h.get(p, { headers: { 'accept-encoding': '' } })).headers.get('x-cache')).toBe('Hit from cloudfront')
  })

  it('caches a no-store response for MinTTL when MinTTL > 0 (CachingOptimized: 1 s)', async () => {
    const p = `/opt/cc/no-store/${u()}`
    await (await h.get(p)).text()
    expect((await h.get(p)).headers.get('x-cache')).toBe('Hit from cloudfront')
    await new Promise((r) => setTimeout(r, 1100))
    expect((await h.get(p)).headers.get('x-cache')).toBe('Miss from cloudfront')
  })

  it('caps the origin max-age at MaxTTL', async () => {
    const p = `/short/cc/${enc('max-age=3600')}/${u()}`
    await (await h.get(p)).text()
    expect((await h.get(p)).headers.get('x-cache')).toBe('Hit from cloudfront')
    await new Promise((r) => setTimeout(r, 1100))
    expect((await h.get(p)).headers.get('x-cache')).toBe('Miss from cloudfront')
  })

  it('keys on its headers, cookies (all but the excluded) and query strings; the origin request policy adds to what is forwarded, not to the key', async () => {
    const p = `/custom/${u()}`
    const get = (qs: string, headers: Record<string, string>) => h.get(`${p}${qs}`, { headers })
    const first = await get('?q=1&z=1', { 'accept-language': 'en', cookie: 'sid=1; tracking=a', 'x-extra': 'one', 'x-other': 'o' })
    expect(first.headers.get('x-cache')).toBe('Miss from cloudfront')
    const s = await seen(first)
    expect(s.url).toBe(`${p}?q=1&z=1`) // the policy forwards every query string
    expect(s.headers['cookie']).toBe('sid=1') // tracking is excluded from the key and, with the origin request policy's none, from the origin
    expect(s.headers['x-extra']).toBe('one')
    expect(s.headers['accept-language']).toBe('en')
    expect(s.headers['x-other']).toBeUndefined()
    const hit = (qs: string, headers: Record<string, string>) => get(qs, headers).then((r) => r.headers.get('x-cache'))
    expect(await hit('?q=1&z=2', { 'accept-language': 'en', cookie: 'sid=1; tracking=b', 'x-extra': 'two' })).toBe('Hit from cloudfront')
    expect(await hit('?q=2', { 'accept-language': 'en', cookie: 'sid=1' })).toBe('Miss from cloudfront')
    expect(await hit('?q=1', { 'accept-language': 'de', cookie: 'sid=1' })).toBe('Miss from cloudfront')
    expect(await hit('?q=1', { 'accept-language': 'en', cookie: 'sid=2' })).toBe('Miss from cloudfront')
  })

  it('forwards Authorization on GET only when the cache key holds it; POST always', async () => {
    const optGet = await seen(await h.get(`/opt/${u()}`, { headers: { authorization: 'Bearer a' } }))
    expect(optGet.headers['authorization']).toBeUndefined()
    const allGet = await seen(await h.get(`/all/${u()}`, { headers: { authorization: 'Bearer a' } }))
    expect(allGet.headers['authorization']).toBeUndefined() // all viewer headers don't bring it
    const keyed = await seen(await h.get(`/auth/${u()}`, { headers: { authorization: 'Bearer a' } }))
    expect(keyed.headers['authorization']).toBe('Bearer a')
    const post = await seen(await h.get(`/opt/${u()}`, { method: 'POST', body: 'x', headers: { authorization: 'Bearer a' } }))
    expect(post.headers['authorization']).toBe('Bearer a')
  })

  it('keeps only the Vary values CloudFront keeps', async () => {
    const res = await h.get(`/custom/hdr/vary/${enc('Accept-Language, X-Nope, Accept-Encoding, Cookie')}/${u()}`)
    expect(res.headers.get('vary')).toBe('Accept-Language, Accept-Encoding, Cookie')
    const gone = await h.get(`/opt/hdr/vary/${enc('X-Nope')}/${u()}`)
    expect(gone.headers.has('vary')).toBe(false)
  })
})

describe('an origin request policy', () => {
  it('AllViewerExceptHostHeader forwards every viewer header, cookie and query string but Host (the origin domain) under CachingDisabled (never cached)', async () => {
    const p = `/all/${u()}`
    const res = await h.get(`${p}?x=1&y=2`, { headers: { 'user-agent': 'curl/8', cookie: 'a=1; b=2', 'x-anything': 'yes', referer: 'https://r' } })
    expect(res.headers.get('x-cache')).toBe('Miss from cloudfront')
    const s = await seen(res)
    expect(s.url).toBe(`${p}?x=1&y=2`)
    expect(s.headers).toMatchObject({ 'user-agent': 'curl/8', cookie: 'a=1; b=2', 'x-anything': 'yes', referer: 'https://r', host: 'localhost' })
    expect((await h.get(`${p}?x=1&y=2`)).headers.get('x-cache')).toBe('Miss from cloudfront')
  })

  it("forwards conditional and Range headers when the answer can't be cached, and passes the origin's answer through", async () => {
    const s = await seen(await h.get(`/all/${u()}`, { headers: { 'if-none-match': '"x"', range: 'bytes=0-1' } }))
    expect(s.headers['if-none-match']).toBe('"x"')
    expect(s.headers['range']).toBe('bytes=0-1')
  })
})

describe('a response headers policy', () => {
  it('removes first, then adds; an added header the origin sent is kept unless override', async () => {
    const res = await h.get(`/rhp/hdr/x-frame-options/SAMEORIGIN/hdr/server/nginx/${u()}`)
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN') // override = false: the origin's value wins
    expect(res.headers.get('x-content-type-options')).toBe('nosniff') // not sent by the origin: added
    expect(res.headers.get('x-origin-count')).toBeNull() // removed
    expect(res.headers.get('x-origin')).toBe('policy') // removed, then added: the policy's value
    expect(res.headers.get('server')).toBe('CloudFront') // a removed Server becomes CloudFront's
    const strict = await h.get(`/strict/hdr/x-frame-options/SAMEORIGIN/${u()}`)
    expect(strict.headers.get('x-frame-options')).toBe('DENY') // override = true
    expect(strict.headers.get('strict-transport-security')).toBe('max-age=63072000; includeSubDomains')
  })

  it('adds CORS headers only to CORS requests from allowed origins (wildcard label included), preflight ones only to preflights', async () => {
    const p = `/rhp/${u()}`
    const plain = await h.get(p)
    expect(plain.headers.get('access-control-allow-origin')).toBeNull()
    const cors = await h.get(p, { headers: { origin: 'https://a.example' } })
    expect(cors.headers.get('access-control-allow-origin')).toBe('https://a.example')
    expect(cors.headers.get('access-control-allow-credentials')).toBe('true')
    expect(cors.headers.get('access-control-expose-headers')).toBe('x-origin')
    expect(cors.headers.get('access-control-allow-methods')).toBeNull()
    expect((await h.get(p, { headers: { origin: 'https://api.b.example' } })).headers.get('access-control-allow-origin')).toBe('https://api.b.example')
    expect((await h.get(p, { headers: { origin: 'https://evil.example' } })).headers.get('access-control-allow-origin')).toBeNull()
    const pre = await h.get(p, { method: 'OPTIONS', headers: { origin: 'https://a.example', 'access-control-request-method': 'POST' } })
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET, POST')
    expect(pre.headers.get('access-control-allow-headers')).toBe('x-token')
    expect(pre.headers.get('access-control-max-age')).toBe('600')
    expect(pre.headers.get('access-control-expose-headers')).toBeNull()
  })

  it('applies to hits and misses alike, never to the cached object', async () => {
    const p = `/rhp/${u()}`
    const miss = await h.get(p, { headers: { origin: 'https://a.example' } })
    expect(miss.headers.get('x-cache')).toBe('Miss from cloudfront')
    const hit = await h.get(p, { headers: { origin: 'https://x.b.example' } })
    expect(hit.headers.get('x-cache')).toBe('Hit from cloudfront')
    expect(hit.headers.get('access-control-allow-origin')).toBe('https://x.b.example')
    expect(hit.headers.get('x-origin')).toBe('policy')
    expect((await h.get(p)).headers.get('access-control-allow-origin')).toBeNull()
  })

  it('adds Server-Timing at its sampling rate, or whenever the viewer sends Pragma: server-timing', async () => {
    const p = `/rhp/${u()}`
    expect((await h.get(p)).headers.get('server-timing')).toBeNull() // rate 0
    const hit = await h.get(p, { headers: { pragma: 'server-timing' } })
    expect(hit.headers.get('server-timing')).toMatch(/^cdn-cache-hit,cdn-pop;desc="LOCAL1-P1",cdn-rid;desc="[A-Za-z0-9_=-]+",cdn-hit-layer;desc="EDGE",cdn-downstream-fbl;dur=\d+$/)
    const miss = await h.get(`/rhp/hdr/server-timing/${enc('app;dur=5')}/${u()}`, { headers: { pragma: 'no-cache, server-timing' } })
    expect(miss.headers.get('server-timing')).toMatch(/^app;dur=5,cdn-upstream-layer;desc="EDGE",cdn-upstream-dns;dur=0,cdn-upstream-fbl;dur=\d+,cdn-cache-miss,cdn-pop;desc="LOCAL1-P1",cdn-rid;desc="/)
  })

  it('runs before viewer-response by default: the function sees (and may change) the policy headers', async () => {
    const res = await h.get(`/rhp/${u()}`)
    expect(res.headers.get('x-vresp-saw-site')).toBe('true')
    expect(res.headers.get('x-site')).toBe('set by viewer-response')
  })

  it('runs after viewer-response with response_headers_policy_order = "after-viewer-response"', async () => {
    const after = await startHarness(parseConfig(toml('after-viewer-response'), join(dir, 'wrangler.toml')))
    try {
      const res = await after.get(`/rhp/${u()}`)
      expect(res.headers.get('x-vresp-saw-site')).toBe('false')
      expect(res.headers.get('x-site')).toBe('set by viewer-response') // present: the policy doesn't override it
    } finally {
      await after.close()
    }
  })

  it('SecurityHeadersPolicy (managed): nosniff replaces the origin value, the other headers keep the origin value', async () => {
    const res = await h.get(`/managed/hdr/x-content-type-options/bogus/hdr/referrer-policy/no-referrer/${u()}`)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('referrer-policy')).toBe('no-referrer')
    expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000')
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN')
    expect(res.headers.get('x-xss-protection')).toBe('1; mode=block')
  })
})
