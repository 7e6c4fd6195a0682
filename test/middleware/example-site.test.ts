/**
 * The example site (`edge-functions/`): each function run with AWS's sample events, unchanged, through
 * `invoke` (CloudFront's validation on), plus the paths the README walkthrough shows.
 */
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CfEvent, CfResponse, EdgeHandler } from 'edgeware'
import { createEvent, invoke, samples } from 'edgeware/testing'
import { handler as siteViewerRequest } from '../../edge-functions/site/viewer-request.js'
import { handler as siteOriginResponse } from '../../edge-functions/site/origin-response.js'
import { handler as siteViewerResponse } from '../../edge-functions/site/viewer-response.js'
import { handler as apiViewerRequest } from '../../edge-functions/api/viewer-request.js'
import { asRequest, asResponse, header, headerAll } from './helpers.js'

const copy = (e: CfEvent): CfEvent => structuredClone(e)
let restore: () => void
beforeAll(() => {
  const orig = console.error
  console.error = () => {}
  restore = () => {
    console.error = orig
  }
})
afterAll(() => restore())

describe('example site with the AWS sample events', () => {
  it('site/viewer-request passes the sample request on, with an A/B variant assigned', async () => {
    const req = asRequest(await invoke(siteViewerRequest, copy(samples.viewerRequestSample)))
    expect(req.uri).toBe('/')
    const variant = header(req.headers, 'x-ab-variant')
    expect(['a', 'b']).toContain(variant)
    expect(header(req.headers, 'cookie')).toBe(`ab=${variant}`)
    expect(header(req.headers, 'host')).toBe('d111111abcdef8.cloudfront.net')
  })

  it('site/origin-response says which origin answered and keeps the origin caching header', async () => {
    const res = (await invoke(siteOriginResponse, copy(samples.originResponseSample))) as CfResponse
    expect(res.status).toBe('200')
    expect(header(res.headers, 'x-routed-to')).toBe('example.org:443') // the sample's custom origin
    expect(header(res.headers, 'cache-control')).toBe('public, max-age=300') // the sample sends none
    // the security headers are the response headers policy's (wrangler.toml), not this function's
    expect(header(res.headers, 'strict-transport-security')).toBeUndefined()
  })

  it('site/viewer-response sets the A/B cookie for a new viewer, consistent with viewer-request', async () => {
    const vreq = asRequest(await invoke(siteViewerRequest, copy(samples.viewerRequestSample)))
    const res = (await invoke(siteViewerResponse, copy(samples.viewerResponseSample))) as CfResponse
    expect(res.status).toBe('200')
    expect(headerAll(res.headers, 'set-cookie')).toEqual([`ab=${header(vreq.headers, 'x-ab-variant')}; Path=/; Max-Age=604800; SameSite=Lax; Secure`])
    expect(header(res.headers, 'content-length')).toBe('9593')
  })

  it('api/viewer-request passes the sample request (/) on: it is not an API route', async () => {
    const event = copy(samples.viewerRequestSample)
    const req = asRequest(await invoke(apiViewerRequest, event))
    expect(req).toEqual(samples.viewerRequestSample.Records[0]!.cf.request)
  })

  const originRequestFile = fileURLToPath(new URL('../../edge-functions/site/origin-request.ts', import.meta.url))
  it('site/origin-request routes the sample origin-request event via the seeded table, the viewer\'s host forwarded', async () => {
    const { startLocalDynamo } = await import('../../src/origin/local.js')
    const seed = fileURLToPath(new URL('../../edge-functions/origins.seed.json', import.meta.url))
    const dynamo = await startLocalDynamo({ table: 'edge-origins', seed })
    const saved = { endpoint: process.env.EDGEWARE_DYNAMODB_ENDPOINT, table: process.env.ORIGINS_TABLE }
    process.env.EDGEWARE_DYNAMODB_ENDPOINT = dynamo.endpoint
    process.env.ORIGINS_TABLE = 'edge-origins'
    try {
      const mod = (await import(/* @vite-ignore */ originRequestFile)) as { handler: EdgeHandler<'origin-request'> }
      const req = asRequest(await invoke(mod.handler, copy(samples.originRequestCustomSample)))
      // host example.org has no rule of its own: the `*` fallback sends it to the example app origin
      expect(req.origin?.custom?.domainName).toBe('localhost')
      expect(req.origin?.custom?.port).toBe(8788)
      // the table's rule sets Host to the origin's name; the viewer's host goes on for the origin's links
      expect(header(req.headers, 'host')).toBe('localhost')
      expect(header(req.headers, 'x-forwarded-host')).toBe('example.org')
      const blog = asRequest(await invoke(mod.handler, createEvent('origin-request', { uri: '/hello', headers: { host: 'blog.localhost:8787' } })))
      expect(blog.origin?.custom?.port).toBe(8789)
      expect(header(blog.headers, 'x-forwarded-host')).toBe('blog.localhost:8787')
    } finally {
      if (saved.endpoint === undefined) delete process.env.EDGEWARE_DYNAMODB_ENDPOINT
      else process.env.EDGEWARE_DYNAMODB_ENDPOINT = saved.endpoint
      if (saved.table === undefined) delete process.env.ORIGINS_TABLE
      else process.env.ORIGINS_TABLE = saved.table
      await dynamo.close()
    }
  })
})

describe('example site walkthrough', () => {
  it('redirects old URLs, strips tracking parameters, and assigns the A/B variant on the home page only', async () => {
    const r = asResponse(await invoke(siteViewerRequest, createEvent('viewer-request', { uri: '/documentation/intro', querystring: 'utm_source=x&v=2' })))
    expect(r.status).toBe('301')
    expect(header(r.headers, 'location')).toBe('/docs/intro?utm_source=x&v=2')
    for (const [from, to] of [['/old', '/docs/redirects'], ['/docs', '/docs/']]) {
      const moved = asResponse(await invoke(siteViewerRequest, createEvent('viewer-request', { uri: from })))
      expect([moved.status, header(moved.headers, 'location')]).toEqual(['301', to])
    }
    const req = asRequest(await invoke(siteViewerRequest, createEvent('viewer-request', { uri: '/docs/', querystring: 'utm_source=x&b=2&a=1', cookies: { ab: 'b' } })))
    expect(req.uri).toBe('/docs/index.html')
    expect(req.querystring).toBe('a=1&b=2')
    // other pages don't vary by variant: no header, so the cache keeps one copy of them
    expect(header(req.headers, 'x-ab-variant')).toBeUndefined()
    const home = asRequest(await invoke(siteViewerRequest, createEvent('viewer-request', { uri: '/', cookies: { ab: 'b' } })))
    expect(home.uri).toBe('/') // the default root object is CloudFront's, after viewer-request
    expect(header(home.headers, 'x-ab-variant')).toBe('b')
  })

  it('caches assets for a year and never caches /private', async () => {
    const assets = (await invoke(siteOriginResponse, createEvent('origin-response', { uri: '/assets/app.js', responseHeaders: { 'cache-control': 'max-age=10' } }))) as CfResponse
    expect(header(assets.headers, 'cache-control')).toBe('public, max-age=31536000, immutable')
    const priv = (await invoke(siteOriginResponse, createEvent('origin-response', { uri: '/private', responseHeaders: { 'cache-control': 'public, max-age=60' } }))) as CfResponse
    expect(header(priv.headers, 'cache-control')).toBe('private, no-store')
    const about = (await invoke(siteOriginResponse, createEvent('origin-response', { uri: '/about', responseHeaders: { 'cache-control': 's-maxage=120' } }))) as CfResponse
    expect(header(about.headers, 'cache-control')).toBe('s-maxage=120')
    // a table rule may send a request to a bucket too; X-Routed-To says so
    const s3 = (await invoke(siteOriginResponse, createEvent('origin-response', { uri: '/a.css', origin: 's3' }))) as CfResponse
    expect(header(s3.headers, 'x-routed-to')).toMatch(/^s3 [a-z0-9.-]+\.s3[.-][a-z0-9.-]*amazonaws\.com/)
  })

  it('answers the API routes at the edge', async () => {
    const hello = asResponse(await invoke(apiViewerRequest, createEvent('viewer-request', { uri: '/api/hello', querystring: 'name=Ada' })))
    expect(JSON.parse(hello.body!)).toMatchObject({ hello: 'Ada' })
    expect(header(hello.headers, 'access-control-allow-origin')).toBe('*')
    const echo = asResponse(await invoke(apiViewerRequest, createEvent('viewer-request', { uri: '/api/echo', body: 'name=John', headers: { 'content-type': 'application/x-www-form-urlencoded' } })))
    expect(JSON.parse(echo.body!)).toEqual({ method: 'POST', contentType: 'application/x-www-form-urlencoded', body: 'name=John' })
    const time = asResponse(await invoke(apiViewerRequest, createEvent('viewer-request', { uri: '/api/time' })))
    expect(Date.parse(JSON.parse(time.body!).now)).not.toBeNaN()
    expect(header(time.headers, 'cache-control')).toBe('no-store')
    const preflight = asResponse(await invoke(apiViewerRequest, createEvent('viewer-request', { uri: '/api/echo', method: 'OPTIONS', headers: { origin: 'https://x.example', 'access-control-request-method': 'POST' } })))
    expect(preflight.status).toBe('204')
  })
})
