// What CloudFront decides about the viewer before any function runs (protocol policy, methods, a GET with a body),
// the local HTTPS listener, and the CloudFront-* headers it adds after viewer-request (reference §8).
import http from 'node:http'
import https from 'node:https'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CfEvent } from '../../src/cloudfront/types.js'
import { deviceOf } from '../../src/simulator/edge/viewer.js'
import { parseConfig, startDev } from '../../src/simulator/index.js'
import { rawExchange, startHarness, startTestOrigin, type Harness, type TestOrigin } from './helpers.js'

let dir: string
let origin: TestOrigin
let h: Harness
let n = 0
const u = (): string => `t${++n}-${Date.now().toString(36)}`

// viewer-request reports what it sees (CloudFront-* headers must not be there yet); origin-request returns its event.
const vreq = `'use strict'
exports.handler = async (event) => {
  const request = event.Records[0].cf.request
  request.headers['x-vreq-saw'] = [{ key: 'X-VReq-Saw', value: Object.keys(request.headers).filter((h) => h.startsWith('cloudfront-') || h.startsWith('x-edgeware-')).join(',') || 'none' }]
  return request
}
`
const oreqEvent = `'use strict'
exports.handler = async (event) => ({ status: '200', headers: { 'cache-control': [{ key: 'Cache-Control', value: 'max-age=60' }] }, body: JSON.stringify(event) })
`

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgeware-viewer-'))
  writeFileSync(join(dir, 'vreq.js'), vreq)
  writeFileSync(join(dir, 'oreq-event.js'), oreqEvent)
  origin = await startTestOrigin('main')
  h = await startHarness(
    parseConfig(
      `name = "viewer"
[dev]
https = true
[dev.viewer]
country = "DE"
city = "Köln"
[[edge.origins]]
id = "main"
url = "${origin.url}"
protocol_policy = "match-viewer"
https_port = 1443
[[edge.origins]]
id = "plain"
url = "${origin.url}"
[edge.default_behavior]
origin = "main"
cache = { default_ttl = 60 }
[[edge.behaviors]]
path_pattern = "/plain/*"
origin = "main"
[[edge.behaviors]]
path_pattern = "/read-only/*"
origin = "main"
allowed_methods = ["GET", "HEAD"]
[[edge.behaviors]]
path_pattern = "/options/*"
origin = "main"
allowed_methods = ["GET", "HEAD", "OPTIONS"]
cached_methods = ["GET", "HEAD", "OPTIONS"]
[[edge.behaviors]]
path_pattern = "/options-uncached/*"
origin = "main"
allowed_methods = ["GET", "HEAD", "OPTIONS"]
[[edge.behaviors]]
path_pattern = "/redirect/*"
origin = "plain"
viewer_request = "vreq.js"
viewer_protocol_policy = "redirect-to-https"
[[edge.behaviors]]
path_pattern = "/https-only/*"
origin = "plain"
viewer_protocol_policy = "https-only"
[[edge.behaviors]]
path_pattern = "/geo/*"
origin = "main"
viewer_request = "vreq.js"
origin_request = "oreq-event.js"
cache_policy = "by-country"
origin_request_policy = "AllViewerAndCloudFrontHeaders-2022-06"
[[edge.behaviors]]
path_pattern = "/order/*"
origin = "main"
origin_request = "oreq-event.js"
cache_policy = "CachingDisabled"
origin_request_policy = "order"
[[edge.cache_policies]]
id = "by-country"
headers = ["cloudfront-viewer-country"]
[[edge.origin_request_policies]]
id = "order"
headers = ["cloudfront-viewer-header-order", "cloudfront-viewer-header-count"]
`,
      join(dir, 'wrangler.toml'),
    ),
  )
}, 60_000)
afterAll(async () => {
  await h?.close()
  await origin?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** A request on the HTTPS listener, trusting its self-signed certificate. */
function viaHttps(path: string, method = 'GET', headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(h.dev.httpsUrl!)
  return new Promise((resolve, reject) => {
    const req = https.request({ host: url.hostname, port: url.port, path, method, headers, ca: h.dev.certificate }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('the requests of a distribution that runs no function', () => {
  it('are logged like any other', async () => {
    const res = await h.get(`/plain/${u()}`)
    const rec = await h.record(res.headers.get('x-amz-cf-id')!)
    expect(rec).toMatchObject({ method: 'GET', status: 200, cache: 'Miss', stages: [] })
  })
})

describe('allowed and cached methods', () => {
  it('answers a method the behavior does not allow with 403 (InvalidRequestMethod), before any function', async () => {
    const res = await h.get(`/read-only/${u()}`, { method: 'POST', body: 'x' })
    expect(res.status).toBe(403)
    expect(res.headers.get('x-cache')).toBe('Error from cloudfront')
    expect(await res.text()).toContain('This distribution is not configured to allow the HTTP request method')
    const rec = await h.record(res.headers.get('x-amz-cf-id')!)
    expect(rec.error?.code).toBe('InvalidRequestMethod')
    expect((await h.get(`/read-only/${u()}`, { method: 'OPTIONS' })).status).toBe(403)
    expect((await h.get(`/read-only/${u()}`, { method: 'HEAD' })).status).toBe(200)
  })

  it('caches OPTIONS only when cached_methods lists it, apart from GET', async () => {
    const p = `/options/${u()}`
    expect((await h.get(p, { method: 'OPTIONS' })).headers.get('x-cache')).toBe('Miss from cloudfront')
    expect((await h.get(p, { method: 'OPTIONS' })).headers.get('x-cache')).toBe('Hit from cloudfront')
    expect((await h.get(p)).headers.get('x-cache')).toBe('Miss from cloudfront')
    const q = `/options-uncached/${u()}`
    await (await h.get(q, { method: 'OPTIONS' })).text()
    expect((await h.get(q, { method: 'OPTIONS' })).headers.get('x-cache')).toBe('Miss from cloudfront')
  })

  it('answers a GET with a body with 403', async () => {
    const url = new URL(h.dev.url)
    const p = `/plain/${u()}`
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, path: p, method: 'GET', headers: { 'content-length': '3' } }, (r) => {
        r.resume()
        resolve(r.statusCode ?? 0)
      })
      req.on('error', reject)
      req.end('abc')
    })
    expect(status).toBe(403)
    expect(origin.hits(p)).toBe(0)
  })
})

describe('the viewer protocol policy', () => {
  it('redirect-to-https: 301 for GET/HEAD and 307 for other methods to the HTTPS listener, before viewer-request', async () => {
    const get = await h.get(`/redirect/a?x=1`)
    expect(get.status).toBe(301)
    expect(get.headers.get('location')).toBe(`${h.dev.httpsUrl}/redirect/a?x=1`)
    expect(get.headers.get('x-cache')).toBe('Redirect from cloudfront')
    expect(get.headers.get('server')).toBe('CloudFront')
    const rec = await h.record(get.headers.get('x-amz-cf-id')!)
    expect(rec.cache).toBe('Redirect')
    expect(rec.stages).toEqual([])
    expect((await h.get('/redirect/a', { method: 'POST', body: 'x' })).status).toBe(307)
    const secure = await viaHttps('/redirect/b')
    expect(secure.status).toBe(200)
    expect(secure.headers['x-cache']).toBe('Miss from cloudfront')
  })

  it('redirect-to-https: 403 for a POST over HTTP/1.0, 301 for its GET', async () => {
    const post = await rawExchange(h.dev.url, [`POST /redirect/${u()} HTTP/1.0\r\nHost: x\r\nContent-Length: 1\r\n\r\nx`])
    expect(post.text).toMatch(/^HTTP\/1\.1 403 /)
    expect(post.text).toMatch(/POST over HTTP\/1\.0/)
    const get = await rawExchange(h.dev.url, [`GET /redirect/${u()} HTTP/1.0\r\nHost: x\r\n\r\n`])
    expect(get.text).toMatch(/^HTTP\/1\.1 301 /)
  })

  it('https-only: 403 over HTTP, served over HTTPS', async () => {
    const res = await h.get(`/https-only/${u()}`)
    expect(res.status).toBe(403)
    expect((await h.record(res.headers.get('x-amz-cf-id')!)).error?.code).toBe('ViewerProtocolPolicy')
    expect((await viaHttps(`/https-only/${u()}`)).status).toBe(200)
  })

  it('says at start when HTTPS is off but a behavior needs it', async () => {
    const logs: string[] = []
    const dev = await startDev({
      config: parseConfig(`[[edge.origins]]\nid = "a"\nurl = "${origin.url}"\n[edge.default_behavior]\norigin = "a"\nviewer_protocol_policy = "https-only"\n`, join(dir, 'plain.toml')),
      port: 0,
      watch: false,
      logger: { info: (l) => logs.push(l), error: (l) => logs.push(l) },
    })
    await dev.close()
    expect(logs).toContain('warning: the default behavior answers plain HTTP with a redirect or a 403 (viewer_protocol_policy); start with --https or [dev] https = true to follow it')
    expect(dev.httpsUrl).toBeUndefined()
  })

  it('allow-all when the behavior does not say (locally): plain HTTP is served', async () => {
    expect((await h.get(`/plain/${u()}`)).status).toBe(200)
  })
})

describe('the HTTPS listener', () => {
  it('serves with a self-signed certificate for 127.0.0.1; the origin protocol follows the viewer with match-viewer', async () => {
    const p = `/geo/${u()}`
    const ev = JSON.parse((await viaHttps(p)).body) as CfEvent
    const req = ev.Records[0]!.cf.request
    expect(req.headers['cloudfront-forwarded-proto']).toEqual([{ key: 'CloudFront-Forwarded-Proto', value: 'https' }])
    expect(req.origin?.custom).toMatchObject({ protocol: 'https', port: 1443 })
    const plain = JSON.parse(await (await h.get(`/geo/${u()}`)).text()) as CfEvent
    expect(plain.Records[0]!.cf.request.headers['cloudfront-forwarded-proto']![0]!.value).toBe('http')
    expect(plain.Records[0]!.cf.request.origin?.custom?.protocol).toBe('http')
  })
})

describe('CloudFront-* headers', () => {
  it('are added after viewer-request from [dev.viewer], the User-Agent and the connection, when a policy names them', async () => {
    const res = await h.get(`/geo/${u()}`, { headers: { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148' } })
    const ev = (await res.json()) as CfEvent
    const headers = ev.Records[0]!.cf.request.headers
    const v = (name: string): string | undefined => headers[name]?.[0]?.value
    expect(v('x-vreq-saw')).toBe('none') // viewer-request saw none of them
    expect(headers['cloudfront-viewer-country']).toEqual([{ key: 'CloudFront-Viewer-Country', value: 'DE' }])
    expect(v('cloudfront-viewer-city')).toBe('K%C3%B6ln')
    expect(v('cloudfront-is-ios-viewer')).toBe('true')
    expect(v('cloudfront-is-mobile-viewer')).toBe('true')
    expect(v('cloudfront-is-desktop-viewer')).toBe('false')
    expect(headers['cloudfront-is-smarttv-viewer']?.[0]?.key).toBe('CloudFront-Is-SmartTV-Viewer')
    expect(v('cloudfront-viewer-http-version')).toBe('1.1')
    expect(v('cloudfront-viewer-address')).toMatch(/^127\.0\.0\.1:[1-9]\d*$/) // the viewer's own port
    expect(v('cloudfront-viewer-asn')).toBeUndefined() // not configured: absent, as for a viewer CloudFront can't place
  })

  it('take per-request values from X-Edgeware-Viewer-<Field>, which no function or origin sees; the country is in the cache key', async () => {
    const p = `/geo/${u()}`
    const get = (country: string) => h.get(p, { headers: { 'x-edgeware-viewer-country': country, 'X-Edgeware-Viewer-ASN': '16509' } })
    const us = await get('US')
    const ev = (await us.json()) as CfEvent
    const headers = ev.Records[0]!.cf.request.headers
    expect(headers['cloudfront-viewer-country']?.[0]?.value).toBe('US')
    expect(headers['cloudfront-viewer-asn']).toEqual([{ key: 'CloudFront-Viewer-ASN', value: '16509' }])
    expect(Object.keys(headers).some((k) => k.startsWith('x-edgeware'))).toBe(false)
    expect(headers['x-vreq-saw']?.[0]?.value).toBe('none')
    expect((await get('US')).headers.get('x-cache')).toBe('Hit from cloudfront')
    expect((await get('FR')).headers.get('x-cache')).toBe('LambdaGeneratedResponse from cloudfront')
  })

  it("give the viewer's header order and count (the override headers not among them)", async () => {
    const url = new URL(h.dev.url)
    const body = await new Promise<string>((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, path: `/order/${u()}`, headers: { 'X-First': '1', 'X-Edgeware-Viewer-Country': 'DE', 'X-Second': '2' } }, (r) => {
        let b = ''
        r.setEncoding('utf8')
        r.on('data', (c: string) => (b += c))
        r.on('end', () => resolve(b))
      })
      req.on('error', reject)
      req.end()
    })
    const headers = (JSON.parse(body) as CfEvent).Records[0]!.cf.request.headers
    const order = headers['cloudfront-viewer-header-order']![0]!.value.split(':')
    expect(order).toEqual(expect.arrayContaining(['Host', 'X-First', 'X-Second']))
    expect(order).not.toContain('X-Edgeware-Viewer-Country')
    expect(headers['cloudfront-viewer-header-count']![0]!.value).toBe(String(order.length))
  })

  it('refuse an X-Edgeware-Viewer-<Field> that names no field with a 400 naming the fields', async () => {
    const res = await h.get(`/geo/${u()}`, { headers: { 'x-edgeware-viewer-planet': 'Mars' } })
    expect(res.status).toBe(400)
    expect(await res.text()).toMatch(/X-Edgeware-Viewer-Planet names no CloudFront-Viewer-\* field .*X-Edgeware-Viewer-Country/)
  })

  it('classify devices from the User-Agent', () => {
    expect(deviceOf('Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Mobile Safari/537.36')).toMatchObject({ android: true, mobile: true, tablet: false, desktop: false })
    expect(deviceOf('Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 Safari/537.36')).toMatchObject({ android: true, tablet: true, mobile: false })
    expect(deviceOf('Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)')).toMatchObject({ ios: true, tablet: true, mobile: false })
    expect(deviceOf('Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36')).toMatchObject({ smarttv: true, desktop: false })
    expect(deviceOf('Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120')).toEqual({ android: false, desktop: true, ios: false, mobile: false, smarttv: false, tablet: false })
    expect(deviceOf('curl/8.0')).toMatchObject({ desktop: true })
  })
})
