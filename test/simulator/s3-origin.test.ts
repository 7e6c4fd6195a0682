// S3 origins: a real folder served as the bucket's REST endpoint behind OAC, directly and through the local edge,
// with AWS-style origin-request functions that switch the origin to a bucket.
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CfEvent } from '../../src/cloudfront/types.js'
import { eventViolations } from '../../src/cloudfront/validate.js'
import { bucketOfDomain, parseConfig, serveS3, type LocalBucket } from '../../src/simulator/index.js'
import { startHarness, startTestOrigin, type Harness, type TestOrigin } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'edgeware-s3-'))
const site = join(dir, 'site')
const eu = join(dir, 'eu')
const html = '<!doctype html><title>home</title>'
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 3])
const mtime = new Date('2026-03-01T10:00:00Z')
const md5 = (b: Buffer | string): string => `"${createHash('md5').update(b).digest('hex')}"`

beforeAll(() => {
  mkdirSync(join(site, 'assets'), { recursive: true })
  mkdirSync(join(site, 'errors'), { recursive: true })
  mkdirSync(eu, { recursive: true })
  writeFileSync(join(site, 'index.html'), html)
  writeFileSync(join(site, 'assets', 'logo.png'), png)
  writeFileSync(join(site, 'assets', 'data.unknownext'), 'x')
  writeFileSync(join(site, 'assets', 'digits.txt'), '0123456789')
  writeFileSync(join(site, 'errors', '404.html'), '<h1>not here</h1>')
  mkdirSync(join(site, 'geo'), { recursive: true })
  mkdirSync(join(site, 'app'), { recursive: true })
  mkdirSync(join(eu, 'geo'), { recursive: true })
  writeFileSync(join(site, 'geo', 'hello.txt'), 'served from the us-east-1 bucket')
  writeFileSync(join(eu, 'geo', 'hello.txt'), 'served from the eu-west-1 bucket')
  writeFileSync(join(site, 'app', 'page.html'), 'the page in the bucket')
  writeFileSync(join(dir, 'secret.txt'), 'outside the bucket')
  utimesSync(join(site, 'index.html'), mtime, mtime)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the bucket as S3 answers GetObject / HeadObject', () => {
  const bucket = (): LocalBucket => ({ bucket: 'site-assets', region: 'us-east-1', dir: site })
  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    serveS3(bucket(), { method, path, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [{ key: k, value: v }]])) })
  const h = (r: Awaited<ReturnType<typeof get>>, name: string): string | undefined => (r.ok ? r.headers[name]?.[0]?.value : undefined)

  it('serves an object with its type, S3 MD5 ETag, Last-Modified, Accept-Ranges and S3 headers', async () => {
    const r = await get('/index.html')
    expect(r.ok && r.status).toBe(200)
    expect(r.ok && r.body.toString()).toBe(html)
    expect(h(r, 'content-type')).toBe('text/html')
    expect(h(r, 'etag')).toBe(md5(html))
    expect(h(r, 'last-modified')).toBe(mtime.toUTCString())
    expect(h(r, 'accept-ranges')).toBe('bytes')
    expect(h(r, 'content-length')).toBe(String(html.length))
    expect(h(r, 'server')).toBe('AmazonS3')
    expect(h(r, 'x-amz-request-id')).toMatch(/^[0-9A-F]{16}$/)
    expect(h(r, 'x-amz-id-2')).toBeTruthy()
    const bin = await get('/assets/logo.png')
    expect(bin.ok && Buffer.compare(bin.body, png)).toBe(0)
    expect(h(bin, 'content-type')).toBe('image/png')
    expect(h(await get('/assets/data.unknownext'), 'content-type')).toBe('binary/octet-stream')
  })

  it('answers HEAD with the headers and no body', async () => {
    const r = await get('/index.html', {}, 'HEAD')
    expect(r.ok && r.status).toBe(200)
    expect(r.ok && r.body.byteLength).toBe(0)
    expect(h(r, 'content-length')).toBe(String(html.length))
  })

  it("answers a missing key, a directory, the bucket root and a key outside the folder with S3's 403 AccessDenied XML (no s3:ListBucket)", async () => {
    for (const path of ['/missing.html', '/assets', '/assets/', '/', '/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const r = await get(path)
      expect(r.ok && r.status, path).toBe(403)
      expect(h(r, 'content-type')).toBe('application/xml')
      const xml = r.ok ? r.body.toString() : ''
      expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Error><Code>AccessDenied<\/Code><Message>Access Denied<\/Message><RequestId>[0-9A-F]{16}<\/RequestId><HostId>[^<]+<\/HostId><\/Error>$/)
      expect(xml).not.toContain('outside the bucket')
    }
  })

  it('refuses writes with AccessDenied (the bucket policy grants s3:GetObject only)', async () => {
    for (const m of ['PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS']) {
      const r = await get('/index.html', {}, m)
      expect(r.ok && r.status, m).toBe(403)
    }
  })

  it('answers one byte range with 206 and Content-Range, an unsatisfiable one with 416 InvalidRange', async () => {
    const r = await get('/assets/digits.txt', { range: 'bytes=2-4' })
    expect(r.ok && r.status).toBe(206)
    expect(r.ok && r.body.toString()).toBe('234')
    expect(h(r, 'content-range')).toBe('bytes 2-4/10')
    expect(h(r, 'content-length')).toBe('3')
    expect(h(await get('/assets/digits.txt', { range: 'bytes=-3' }), 'content-range')).toBe('bytes 7-9/10')
    expect(h(await get('/assets/digits.txt', { range: 'bytes=8-' }), 'content-range')).toBe('bytes 8-9/10')
    expect(h(await get('/assets/digits.txt', { range: 'bytes=5-100' }), 'content-range')).toBe('bytes 5-9/10')
    const bad = await get('/assets/digits.txt', { range: 'bytes=10-20' })
    expect(bad.ok && bad.status).toBe(416)
    expect(bad.ok && bad.body.toString()).toMatch(/<Code>InvalidRange<\/Code><Message>The requested range is not satisfiable<\/Message><RangeRequested>bytes=10-20<\/RangeRequested><ActualObjectSize>10<\/ActualObjectSize>/)
    const status = async (headers: Record<string, string>): Promise<number | false> => {
      const r = await get('/assets/digits.txt', headers)
      return r.ok && r.status
    }
    // Several ranges or a malformed one: the whole object.
    for (const range of ['bytes=0-1,3-4', 'bytes=x-y', 'items=0-1']) expect(await status({ range }), range).toBe(200)
    // If-Range: the range only while the object is the one named.
    expect(await status({ range: 'bytes=0-0', 'if-range': md5('0123456789') })).toBe(206)
    expect(await status({ range: 'bytes=0-0', 'if-range': '"other"' })).toBe(200)
  })

  it('answers conditional requests as S3 does: 304 for a matching If-None-Match / unmodified If-Modified-Since, 412 PreconditionFailed', async () => {
    const etag = md5(html)
    const status = async (headers: Record<string, string>): Promise<number | false> => {
      const r = await get('/index.html', headers)
      return r.ok && r.status
    }
    expect(await status({ 'if-none-match': etag })).toBe(304)
    expect(await status({ 'if-none-match': '"other"' })).toBe(200)
    expect(await status({ 'if-modified-since': mtime.toUTCString() })).toBe(304)
    expect(await status({ 'if-modified-since': new Date(mtime.getTime() - 1000).toUTCString() })).toBe(200)
    // If-None-Match wins over If-Modified-Since.
    expect(await status({ 'if-none-match': '"other"', 'if-modified-since': mtime.toUTCString() })).toBe(200)
    expect(await status({ 'if-match': etag })).toBe(200)
    expect(await status({ 'if-match': '"other"' })).toBe(412)
    expect(await status({ 'if-unmodified-since': new Date(mtime.getTime() - 1000).toUTCString() })).toBe(412)
    // If-Match wins over If-Unmodified-Since.
    expect(await status({ 'if-match': etag, 'if-unmodified-since': new Date(mtime.getTime() - 1000).toUTCString() })).toBe(200)
    const r = await get('/index.html', { 'if-match': '"other"' })
    expect(r.ok && r.body.toString()).toMatch(/<Code>PreconditionFailed<\/Code><Message>At least one of the pre-conditions you specified did not hold<\/Message><Condition>If-Match<\/Condition>/)
    const nm = await get('/index.html', { 'if-none-match': etag })
    expect(nm.ok && nm.body.byteLength).toBe(0)
    expect(h(nm, 'etag')).toBe(etag)
  })

  it('finds the bucket in every virtual-hosted S3 domain form', () => {
    expect(bucketOfDomain('site-assets.s3.amazonaws.com')).toBe('site-assets')
    expect(bucketOfDomain('site-assets.s3.eu-west-1.amazonaws.com')).toBe('site-assets')
    expect(bucketOfDomain('site-assets.s3-eu-west-1.amazonaws.com')).toBe('site-assets')
    expect(bucketOfDomain('my.dotted.bucket.s3.us-east-1.amazonaws.com')).toBe('my.dotted.bucket')
    expect(bucketOfDomain('example.com')).toBeUndefined()
  })
})

// Origin-request in the shape of AWS's examples: switch to an S3 origin by query string, or to a regional bucket by
// the viewer's country.
const toS3 = `'use strict'
exports.handler = async (event) => {
  const request = event.Records[0].cf.request
  const q = new URLSearchParams(request.querystring)
  if (q.get('useS3Origin') === 'true' || q.get('bucket')) {
    const domainName = (q.get('bucket') || 'site-assets') + '.s3.amazonaws.com'
    request.origin = { s3: { domainName, region: '', authMethod: 'none', path: '', customHeaders: {} } }
    request.headers['host'] = [{ key: 'host', value: domainName }]
  }
  return request
}
`
const byCountry = `'use strict'
exports.handler = async (event) => {
  const request = event.Records[0].cf.request
  const country = request.headers['cloudfront-viewer-country'] ? request.headers['cloudfront-viewer-country'][0].value : ''
  if (country === 'DE' || country === 'IE') {
    const region = 'eu-west-1'
    const domainName = 'site-assets-' + region + '.s3.' + region + '.amazonaws.com'
    request.origin.s3.region = region
    request.origin.s3.domainName = domainName
    request.headers['host'] = [{ key: 'host', value: domainName }]
  }
  return request
}
`
const echoEvent = `'use strict'
exports.handler = async (event) => ({ status: '200', headers: { 'cache-control': [{ key: 'Cache-Control', value: 'no-store' }] }, body: JSON.stringify(event) })
`

let h: Harness
let app: TestOrigin
beforeAll(async () => {
  app = await startTestOrigin('app')
  writeFileSync(join(dir, 'to-s3.js'), toS3)
  writeFileSync(join(dir, 'by-country.js'), byCountry)
  writeFileSync(join(dir, 'echo-event.js'), echoEvent)
  h = await startHarness(
    parseConfig(
      `name = "s3-edge"
[[edge.origins]]
id = "assets"
s3 = { dir = "site", bucket = "site-assets", region = "us-east-1" }
[[edge.origins]]
id = "assets-eu"
s3 = { dir = "eu", bucket = "site-assets-eu-west-1", region = "eu-west-1" }
[[edge.origins]]
id = "app"
url = "${app.url}"
[edge]
default_root_object = "index.html"
[edge.default_behavior]
origin = "assets"
cache_policy = "CachingOptimized"
[[edge.behaviors]]
path_pattern = "/app/*"
origin = "app"
origin_request = "to-s3.js"
cache_policy = "CachingDisabled"
origin_request_policy = "AllViewerExceptHostHeader"
[[edge.behaviors]]
path_pattern = "/geo/*"
origin = "assets"
origin_request = "by-country.js"
cache_policy = "CachingDisabled"
origin_request_policy = "geo"
[[edge.behaviors]]
path_pattern = "/event/*"
origin = "assets"
origin_request = "echo-event.js"
[[edge.behaviors]]
path_pattern = "/event-all/*"
origin = "assets"
origin_request = "echo-event.js"
cache_policy = "CachingDisabled"
origin_request_policy = "AllViewer"
[[edge.behaviors]]
path_pattern = "/event-custom/*"
origin = "assets"
origin_request = "echo-event.js"
cache_policy = "CachingDisabled"
origin_request_policy = "every-query"
[[edge.origin_request_policies]]
id = "every-query"
query_strings = "all"
[[edge.origin_request_policies]]
id = "geo"
headers = ["cloudfront-viewer-country"]
`,
      join(dir, 'wrangler.toml'),
    ),
  )
}, 60_000)
afterAll(async () => {
  await h?.close()
  await app?.close()
})

describe('an S3 origin through the local edge', () => {
  it('serves the folder, cached by the behavior (Miss, then Hit), with the object headers S3 sent', async () => {
    const first = await h.get('/assets/logo.png')
    expect(first.status).toBe(200)
    expect(Buffer.from(await first.arrayBuffer()).equals(png)).toBe(true)
    expect(first.headers.get('x-cache')).toBe('Miss from cloudfront')
    expect(first.headers.get('content-type')).toBe('image/png')
    expect(first.headers.get('etag')).toBe(md5(png))
    expect(first.headers.get('server')).toBe('AmazonS3')
    const second = await h.get('/assets/logo.png')
    expect(second.headers.get('x-cache')).toBe('Hit from cloudfront')
    expect(second.headers.get('age')).toMatch(/^\d+$/)
  })

  it('answers a missing key with the 403 AccessDenied XML, Error from cloudfront', async () => {
    const res = await h.get('/nothing/here.html')
    expect(res.status).toBe(403)
    expect(res.headers.get('x-cache')).toBe('Error from cloudfront')
    expect(res.headers.get('content-type')).toBe('application/xml')
    expect(await res.text()).toContain('<Code>AccessDenied</Code>')
  })

  it('says in the log, once per key, which object the bucket lacks, and that the path pattern stays in the key', async () => {
    const notes = (key: string): string[] => h.logs.filter((l) => l.includes(`bucket site-assets has no object "${key}"`))
    expect((await h.get('/missing/page.html')).status).toBe(403)
    await expect.poll(() => notes('missing/page.html')).toHaveLength(1)
    expect(notes('missing/page.html')[0]).toContain('S3 answers 403 AccessDenied')
    expect(notes('missing/page.html')[0]).not.toContain('is the object')
    // a folder named like the behavior's path: the object is there without the prefix; said once for two requests
    expect((await h.get('/public/index.html')).status).toBe(403)
    expect((await h.get('/public/index.html')).status).toBe(403)
    await expect.poll(() => notes('public/index.html')).toHaveLength(1)
    expect(notes('public/index.html')[0]).toMatch(/ \(no file .*site\/public\/index\.html\).*site\/index\.html is the object "index\.html": the object key is the request's whole path, the behavior's path pattern included/)
  })

  it('serves the default root object for / only (not for /assets/)', async () => {
    const root = await h.get('/')
    expect(root.status).toBe(200)
    expect(await root.text()).toBe(html)
    expect((await h.get('/assets/')).status).toBe(403)
  })

  it('gives origin-request an s3 origin shaped like CloudFront\'s (domainName, region, authMethod, path, customHeaders)', async () => {
    const res = await h.get('/event/x')
    const ev = (await res.json()) as CfEvent
    expect(eventViolations(ev, 'origin-request')).toEqual([])
    const req = ev.Records[0]!.cf.request
    expect(req.origin).toEqual({ s3: { authMethod: 'none', customHeaders: {}, domainName: 'site-assets.s3.us-east-1.amazonaws.com', path: '', region: 'us-east-1' } })
    expect(req.headers['host']).toEqual([{ key: 'Host', value: 'site-assets.s3.us-east-1.amazonaws.com' }])
    expect(req.headers['user-agent']).toEqual([{ key: 'User-Agent', value: 'Amazon CloudFront' }])
  })

  it("withholds S3's response-content-* overrides under the managed AllViewer policy, not under a custom one", async () => {
    const query = '?a=1&response-content-type=text/html&response-content-disposition=attachment&response-content-encoding=gzip&b=2'
    const seen = async (path: string): Promise<string> => ((await (await h.get(`${path}${query}`)).json()) as CfEvent).Records[0]!.cf.request.querystring
    expect(await seen('/event-all/x')).toBe('a=1&b=2')
    expect(await seen('/event-custom/x')).toBe(query.slice(1))
  })

  it('resolves an origin-request switch from a custom origin to a configured bucket to its folder', async () => {
    const viaApp = await h.get('/app/page.html')
    expect(viaApp.headers.get('x-origin')).toBe('app')
    const viaS3 = await h.get('/app/page.html?useS3Origin=true')
    expect(viaS3.status).toBe(200)
    expect(await viaS3.text()).toBe('the page in the bucket')
    expect(viaS3.headers.get('server')).toBe('AmazonS3')
    const missing = await h.get('/app/other.html?useS3Origin=true')
    expect(missing.status).toBe(403)
    expect(await missing.text()).toContain('<Code>AccessDenied</Code>')
  })

  it("answers a switch to a bucket no S3 origin names with CloudFront's 502 OriginDnsError", async () => {
    const res = await h.get('/app/x?bucket=somebody-elses-bucket')
    expect(res.status).toBe(502)
    const rec = await h.record(res.headers.get('x-amz-cf-id')!)
    expect(rec.error?.code).toBe('OriginDnsError')
    expect(rec.error?.message).toMatch(/no \[\[edge\.origins\]\] S3 origin has bucket "somebody-elses-bucket" \(local buckets: site-assets, site-assets-eu-west-1\)/)
  })

  it('follows a region switch by the viewer country (CloudFront-Viewer-Country forwarded by the policy) to the regional bucket', async () => {
    const us = await h.get('/geo/hello.txt', { headers: { 'x-edgeware-viewer-country': 'US' } })
    expect(await us.text()).toBe('served from the us-east-1 bucket')
    const de = await h.get('/geo/hello.txt', { headers: { 'x-edgeware-viewer-country': 'DE' } })
    expect(await de.text()).toBe('served from the eu-west-1 bucket')
    // Without a country (none configured, none sent) the header is absent and the function keeps the origin.
    expect(await (await h.get('/geo/hello.txt')).text()).toBe('served from the us-east-1 bucket')
  })
})
