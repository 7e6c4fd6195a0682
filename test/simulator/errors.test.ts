// Custom error responses and error caching (reference §4): pages fetched through their own behavior, response
// codes, error caching TTLs, 416, an unavailable page, stale objects when the origin fails.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/simulator/index.js'
import { freePort, startHarness, startTestOrigin, type Harness, type TestOrigin } from './helpers.js'

let dir: string
let main: TestOrigin
let h: Harness
let n = 0
const u = (): string => `t${++n}-${Date.now().toString(36)}`

/** An origin whose answer the test sets: a body with max-age=1, a status, a reset connection. */
let mode: { kind: 'ok'; body: string; cc?: string } | { kind: 'status'; status: number } | { kind: 'reset' } = { kind: 'ok', body: 'v1' }
let flipHits = 0
const flip = http.createServer((req, res) => {
  flipHits++
  if (mode.kind === 'reset') return req.socket.destroy()
  if (mode.kind === 'status') {
    res.writeHead(mode.status, { 'content-type': 'text/plain' })
    return res.end(`status ${mode.status}`)
  }
  res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': mode.cc ?? 'max-age=1' })
  res.end(mode.body)
})

const vresp = `'use strict'
exports.handler = async (event) => {
  const response = event.Records[0].cf.response
  response.headers['x-vresp'] = [{ key: 'X-VResp', value: 'ran' }]
  return response
}
`

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgeware-errors-'))
  mkdirSync(join(dir, 'pages', 'errors'), { recursive: true })
  writeFileSync(join(dir, 'pages', 'errors', '404.html'), 'custom 404 page v1')
  writeFileSync(join(dir, 'pages', 'errors', '500.html'), 'custom 500 page')
  writeFileSync(join(dir, 'pages', 'errors', '502.html'), 'custom 502 page')
  writeFileSync(join(dir, 'pages', 'errors', '416.html'), 'custom 416 page')
  writeFileSync(join(dir, 'vresp.js'), vresp)
  main = await startTestOrigin('main')
  await new Promise<void>((r) => flip.listen(0, '127.0.0.1', r))
  const down = await freePort()
  h = await startHarness(
    parseConfig(
      `name = "errors"
[[edge.origins]]
id = "main"
url = "${main.url}"
[[edge.origins]]
id = "pages"
s3 = { dir = "pages", bucket = "error-pages", region = "us-east-1" }
[[edge.origins]]
id = "down"
url = "http://localhost:${down}"
connection_attempts = 1
[[edge.origins]]
id = "flip"
url = "http://localhost:${(flip.address() as AddressInfo).port}"
connection_attempts = 1
[edge.default_behavior]
origin = "main"
viewer_response = "vresp.js"
response_headers_policy = "tag"
cache = { default_ttl = 60 }
[[edge.behaviors]]
path_pattern = "/errors/*"
origin = "pages"
cache_policy = "CachingOptimized"
[[edge.behaviors]]
path_pattern = "/down/*"
origin = "down"
[[edge.behaviors]]
path_pattern = "/flip/*"
origin = "flip"
cache = { default_ttl = 1, max_ttl = 1 }
[[edge.response_headers_policies]]
id = "tag"
custom = [{ name = "X-Policy", value = "applied" }]
[[edge.custom_error_responses]]
error_code = 404
response_page_path = "/errors/404.html"
response_code = 404
[[edge.custom_error_responses]]
error_code = 500
response_page_path = "/errors/500.html"
response_code = 200
error_caching_min_ttl = 1
[[edge.custom_error_responses]]
error_code = 503
response_page_path = "/errors/missing.html"
response_code = 503
[[edge.custom_error_responses]]
error_code = 416
response_page_path = "/errors/416.html"
response_code = 416
error_caching_min_ttl = 300
[[edge.custom_error_responses]]
error_code = 502
response_page_path = "/errors/502.html"
response_code = 502
`,
      join(dir, 'wrangler.toml'),
    ),
  )
}, 60_000)
afterAll(async () => {
  await h?.close()
  await main?.close()
  await new Promise((r) => flip.close(r))
  rmSync(dir, { recursive: true, force: true })
})

describe('custom error responses', () => {
  it('serve the page through the behavior its path matches (here an S3 origin), with the response code, without viewer-response; the policy applies', async () => {
    const p = `/status/404/${u()}`
    const res = await h.get(p)
    expect(res.status).toBe(404)
    expect(await res.text()).toBe('custom 404 page v1')
    expect(res.headers.get('x-cache')).toBe('Error from cloudfront')
    expect(res.headers.get('server')).toBe('AmazonS3')
    expect(res.headers.get('x-vresp')).toBeNull()
    expect(res.headers.get('x-policy')).toBe('applied')
  })

  it('apply to a cached error too; the page comes from its own behavior\'s cache', async () => {
    const p = `/status/404/${u()}`
    await (await h.get(p)).text()
    writeFileSync(join(dir, 'pages', 'errors', '404.html'), 'custom 404 page v2')
    const again = await h.get(p)
    expect(again.status).toBe(404)
    expect(await again.text()).toBe('custom 404 page v1') // the page is cached (CachingOptimized)
    expect(main.hits(p)).toBe(1) // the 404 is cached (10 s by default)
  })

  it('change the status (500 → 200 with the page) and cache the error for error_caching_min_ttl', async () => {
    const p = `/status/500/${u()}`
    const res = await h.get(p)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('custom 500 page')
    expect(res.headers.get('x-vresp')).toBeNull()
    await (await h.get(p)).text()
    expect(main.hits(p)).toBe(1)
    await new Promise((r) => setTimeout(r, 1100))
    await (await h.get(p)).text()
    expect(main.hits(p)).toBe(2)
  })

  it("give the viewer the page origin's answer when the page can't be had (S3: 403 AccessDenied)", async () => {
    const res = await h.get(`/status/503/${u()}`)
    expect(res.status).toBe(403)
    expect(await res.text()).toContain('<Code>AccessDenied</Code>')
  })

  it('stand in for an origin that cannot be reached; the log keeps why', async () => {
    const res = await h.get(`/down/${u()}`)
    expect(res.status).toBe(502)
    expect(await res.text()).toBe('custom 502 page')
    const rec = await h.record(res.headers.get('x-amz-cf-id')!)
    expect(rec.error?.code).toBe('OriginConnectError')
  })

  it("give an origin's 416 the page, and never cache it, whatever error_caching_min_ttl says", async () => {
    const r416 = `/status/416/${u()}`
    const first = await h.get(r416)
    expect(first.status).toBe(416)
    expect(await first.text()).toBe('custom 416 page')
    expect(first.headers.get('x-cache')).toBe('Error from cloudfront')
    const again = await h.get(r416)
    expect(again.status).toBe(416)
    expect(await again.text()).toBe('custom 416 page')
    expect(main.hits(r416)).toBe(2)
  })

  it('give a range past the end of a cached object the page; the object stays cached', async () => {
    const p = `/sized/${u()}` // with Content-Length: a chunked object is always served whole
    await (await h.get(p)).text()
    const past = await h.get(p, { headers: { range: 'bytes=999999-' } })
    expect(past.status).toBe(416)
    expect(await past.text()).toBe('custom 416 page')
    const whole = await h.get(p)
    expect(whole.status).toBe(200)
    expect(whole.headers.get('x-cache')).toBe('Hit from cloudfront')
    expect(main.hits(p)).toBe(1)
  })

  it('leave statuses without one as they are; 403 is cached only with max-age', async () => {
    const r403 = `/status/403/${u()}`
    await (await h.get(r403)).text()
    await (await h.get(r403)).text()
    expect(main.hits(r403)).toBe(2)
    const r403cached = `/status/403/cc/max-age=60/${u()}`
    await (await h.get(r403cached)).text()
    await (await h.get(r403cached)).text()
    expect(main.hits(r403cached)).toBe(1)
  })
})

describe('an expired object when the origin fails (§4.3)', () => {
  const get = async (p: string) => {
    const res = await h.get(p)
    return { status: res.status, body: await res.text(), cache: res.headers.get('x-cache') }
  }
  const expire = () => new Promise((r) => setTimeout(r, 1100))

  it('is served stale for a 5xx and while the origin does not answer, then for the error caching TTL without asking', async () => {
    mode = { kind: 'ok', body: 'v1' }
    const p = `/flip/${u()}`
    expect(await get(p)).toEqual({ status: 200, body: 'v1', cache: 'Miss from cloudfront' })
    await expire()
    mode = { kind: 'status', status: 503 }
    expect(await get(p)).toEqual({ status: 200, body: 'v1', cache: 'Hit from cloudfront' })
    const before = flipHits
    expect((await get(p)).body).toBe('v1')
    expect(flipHits).toBe(before) // within the error caching minimum TTL: not asked again
    const q = `/flip/${u()}`
    mode = { kind: 'ok', body: 'v2' }
    await get(q)
    await expire()
    mode = { kind: 'reset' }
    expect(await get(q)).toEqual({ status: 200, body: 'v2', cache: 'Hit from cloudfront' })
  })

  it('is not served for a 4xx, nor when the object said stale-if-error=0', async () => {
    mode = { kind: 'ok', body: 'v1' }
    const p = `/flip/${u()}`
    await get(p)
    await expire()
    mode = { kind: 'status', status: 410 }
    expect((await get(p)).status).toBe(410)
    mode = { kind: 'ok', body: 'v1', cc: 'max-age=1, stale-if-error=0' }
    const q = `/flip/${u()}`
    await get(q)
    await expire()
    mode = { kind: 'status', status: 504 }
    expect((await get(q)).status).toBe(504)
  })
})
