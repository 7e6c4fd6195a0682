/**
 * The example site (`edge-functions/`): each function run with AWS's sample events, unchanged, through
 * `invoke` (CloudFront's validation on), `invokeFunction` (the CloudFront Function, in its sandbox, with its
 * KeyValueStore file) and `invokeOrigin` (the Lambda origin, behind its HTTP API), plus the paths the README
 * walkthrough shows.
 */
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CfEvent, CfResponse, EdgeHandler } from 'edgeware'
import { createEvent, createFunctionEvent, invoke, invokeFunction, invokeOrigin, samples, type HttpApiEvent } from 'edgeware/testing'
import { handler as apiOrigin } from '../../edge-functions/api-origin/index.js'
import { referenceEvent } from '../cloudfront-functions/helpers.js'
import { sample } from '../lambda-origin/helpers.js'
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

const ASSET_ROUTER = fileURLToPath(new URL('../../edge-functions/static/asset-router.ts', import.meta.url))
const ASSET_ROUTES = fileURLToPath(new URL('../../edge-functions/static/asset-routes.kvs.json', import.meta.url))

describe('the /static/* CloudFront Function (asset-router) and its KeyValueStore', () => {
  const run = (uri: string, querystring?: string) =>
    invokeFunction(ASSET_ROUTER, createFunctionEvent('viewer-request', { uri, ...(querystring ? { querystring } : {}) }), { kvs: ASSET_ROUTES })

  it("passes AWS's test event on unchanged but for the sorted query string: no route for /blog/index.html", async () => {
    const event = referenceEvent('url-rewrite-single-page-apps/test-objects/file-name-and-extension.json')
    const out = await invokeFunction(ASSET_ROUTER, event, { kvs: ASSET_ROUTES })
    // AWS's test objects spell `multivalue`, which CloudFront's events don't: only each `value` is read
    expect(out).toMatchObject({ method: 'GET', uri: '/blog/index.html', querystring: 'arg=val1&test=true' })
    expect(out.headers).toEqual(event.request.headers)
  })

  it('redirects the old asset names the store holds, keeping the query string, and answers for the whole name only', async () => {
    expect(await run('/static/css/site.css', 'v=3')).toEqual({ statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '/static/style.css?v=3' } } })
    expect(await run('/static/img/logo.png')).toMatchObject({ statusCode: 301, headers: { location: { value: '/static/logo.svg' } } })
    // a key is a whole path or whole segments: a longer name is no match
    expect(await run('/static/css/site.css.map')).toMatchObject({ uri: '/static/css/site.css.map' })
  })

  it('serves /static/v1/ from today\'s files, lowercases paths and collapses slashes, and leaves other paths alone', async () => {
    expect(await run('/static/v1/style.css')).toMatchObject({ uri: '/static/style.css' })
    expect(await run('/static/V1//Logo.SVG')).toMatchObject({ uri: '/static/logo.svg' })
    expect(await run('/static/IMG/Logo.PNG')).toMatchObject({ statusCode: 301 })
    expect(await run('/static/v10/style.css')).toMatchObject({ uri: '/static/v10/style.css' })
    expect(await run('/static/edge-panel.js')).toMatchObject({ uri: '/static/edge-panel.js' })
  })
})

describe('the Lambda origin of /api/* (a plain handler behind an HTTP API)', () => {
  const call = (path: string, overrides: Parameters<typeof createEvent>[1] = {}) => invokeOrigin(apiOrigin, createEvent('apigateway-http', { path, ...overrides }))
  const json = (text: string): unknown => JSON.parse(text)
  const header = (r: { headers: readonly (readonly [string, string])[] }, name: string) => r.headers.find(([k]) => k.toLowerCase() === name)?.[1]

  it("answers AWS's sample HTTP API event, unchanged (a POST), with a 405 the integration passes on", async () => {
    const { response, verdict } = await invokeOrigin(apiOrigin, sample('apigateway-http.json'))
    expect(verdict).toMatchObject({ valid: true, violations: [] })
    expect([response.status, header(response, 'allow'), json(response.text)]).toEqual([405, 'GET, HEAD', { error: 'POST is not allowed: this API only reads' }])
  })

  it('lists the items (filtered by ?q=, case-insensitively) and answers one by id, or a 404', async () => {
    const all = await call('/api/items')
    expect([all.verdict.valid, all.response.status, header(all.response, 'content-type'), header(all.response, 'cache-control')]).toEqual([true, 200, 'application/json', 'no-store'])
    expect((json(all.response.text) as { items: { id: string }[] }).items.map((i) => i.id)).toEqual(['mug', 'tee', 'stickers'])
    expect(json((await call('/api/items', { querystring: 'q=SHIRT' })).response.text)).toEqual({ items: [{ id: 'tee', name: 'Cache-hit T-shirt', price: 2400 }] })
    expect(json((await call('/api/items/mug')).response.text)).toEqual({ id: 'mug', name: 'Edge mug', price: 1200 })
    const missing = await call('/api/items/nope')
    expect([missing.response.status, json(missing.response.text)]).toEqual([404, { error: 'no item nope' }])
    expect((await call('/api/nothing')).response.status).toBe(404)
  })

  it('shows the event it got on /api/event, with the viewer\'s Authorization and cookie values masked', async () => {
    const { response } = await call('/api/event', { querystring: 'a=1', headers: { authorization: 'Bearer secret-token', 'x-demo': 'yes' }, cookies: { session: 'abc', ab: 'b' } })
    expect(response.status).toBe(200)
    const event = json(response.text) as HttpApiEvent
    expect(event).toMatchObject({ version: '2.0', routeKey: '$default', rawPath: '/api/event', rawQueryString: 'a=1', requestContext: { http: { method: 'GET', path: '/api/event' } } })
    expect(event.headers).toMatchObject({ authorization: '(masked)', 'x-demo': 'yes' })
    expect(event.cookies).toEqual(['session=(masked)', 'ab=(masked)'])
    expect(response.text).not.toMatch(/secret-token|abc/)
  })
})

