/**
 * The example site served by the local edge (`npm run dev`), end to end: the root wrangler.toml, real
 * bundles of edge-functions/, Miniflare, the embedded example origins and dynalite, on free ports
 * (./example-server.ts) so the suite never collides with a running `npm run dev`.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { SignJWT } from 'jose'
import { loadLocalSecrets } from '../../src/build/environment.js'
import type { DevServer } from '../../src/simulator/dev.js'
import { ROOT as root, send, startExample } from './example-server.js'

let example: Awaited<ReturnType<typeof startExample>>
let dev: DevServer
const logs: string[] = []

beforeAll(async () => {
  example = await startExample({ logger: { info: (l) => logs.push(l), error: (l) => logs.push(l) } })
  dev = example.dev
}, 120_000)

afterAll(async () => {
  await example?.close()
})

const get = (path: string, init?: RequestInit) => fetch(new URL(path, dev.url), { redirect: 'manual', ...init })

describe('example site on the local edge', () => {
  it('serves the home page through all four stages', async () => {
    const res = await get('/?utm_source=newsletter')
    expect(res.status).toBe(200)
    const html = await res.text()
    // the default root object: the origin was asked for /index.html
    expect(html).toContain('Served by example origin <b>app</b>')
    expect(html).toContain('GET /index.html')
    // origin-response: where the page came from; viewer-response: the A/B cookie for a new viewer
    expect(res.headers.get('x-routed-to')).toMatch(/^localhost:\d+$/)
    expect(res.headers.getSetCookie().some((c) => /^ab=(a|b); Path=\//.test(c))).toBe(true)
    // the response headers policy: security headers and CloudFront's Server-Timing, which the page's panel reads
    expect(res.headers.get('strict-transport-security')).toBe('max-age=63072000; includeSubDomains')
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(res.headers.get('server-timing')).toMatch(/cdn-cache-miss.*cdn-rid;desc="/)
    // viewer-request stripped the tracking parameter before the origin saw the URL
    expect(html).not.toContain('utm_source')
    // the page and its panel: stylesheet, logo and script from the bucket
    expect(html).toContain('id="edge-panel"')
    expect(html).toContain('<script src="/static/edge-panel.js" defer></script>')
    const again = await get('/', { headers: { cookie: res.headers.getSetCookie()[0]!.split(';')[0]! } })
    expect(again.headers.get('server-timing')).toMatch(/^cdn-cache-hit,/)
  })

  it('shows each A/B variant its own home page, and other pages to everyone alike', async () => {
    const a = await (await get('/', { headers: { cookie: 'ab=a' } })).text()
    const b = await (await get('/', { headers: { cookie: 'ab=b' } })).text()
    expect(a).toContain('variant <b>a</b>')
    expect(b).toContain('variant <b>b</b>')
    await get('/legal', { headers: { cookie: 'ab=a' } })
    expect((await get('/legal', { headers: { cookie: 'ab=b' } })).headers.get('x-cache')).toBe('Hit from cloudfront')
  })

  it('redirects old URLs at the edge and maps /docs/ to its index document', async () => {
    const r = await get('/documentation/intro')
    expect(r.status).toBe(301)
    expect(r.headers.get('location')).toBe('/docs/intro')
    const docs = await get('/docs/')
    expect(docs.status).toBe(200)
    expect(await docs.text()).toContain('GET /docs/index.html')
  })

  it('/api/me: 401 without a token, the claims with one signed by the local JWT_SECRET (.dev.vars, or .dev.vars.example)', async () => {
    const { values, file } = loadLocalSecrets(join(root, 'wrangler.toml'))
    expect(file).toBe(join(root, existsSync(join(root, '.dev.vars')) ? '.dev.vars' : '.dev.vars.example'))
    const token = await new SignJWT({ sub: 'ada' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1m').sign(new TextEncoder().encode(values.JWT_SECRET))
    const anonymous = await get('/api/me')
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="edge"')
    const me = await get('/api/me', { headers: { authorization: `Bearer ${token}` } })
    expect(me.status).toBe(200)
    expect(await me.json()).toEqual({ sub: 'ada' })
    if (file!.endsWith('.example')) expect(logs.join('\n')).toContain('no .dev.vars next to wrangler.toml: secret() reads .dev.vars.example')
  })

  it('answers /api/* with the Hono app and passes the routes it does not know to the Lambda origin', async () => {
    const hello = await get('/api/hello?name=Ada')
    expect(hello.status).toBe(200)
    expect(await hello.json()).toMatchObject({ hello: 'Ada' })
    const echo = await get('/api/echo', { method: 'POST', body: JSON.stringify({ a: 1 }), headers: { 'content-type': 'application/json' } })
    expect(await echo.json()).toEqual({ method: 'POST', contentType: 'application/json', body: '{"a":1}' })
    // the Lambda origin's 404, answered with the custom error page from the bucket
    const unknown = await get('/api/unknown')
    expect(unknown.status).toBe(404)
    expect(unknown.headers.get('x-cache')).toBe('Error from cloudfront')
    expect(await unknown.text()).toBe(readFileSync(join(root, 'public', 'static', '404.html'), 'utf8'))
  })

  it('routes by host through the DynamoDB origin table and sorts the query string', async () => {
    // fetch() can't set Host
    const port = new URL(dev.url).port
    const { body: html } = await send(port, '/?b=2&a=1&fbclid=x', { headers: { host: `blog.localhost:${port}` } })
    expect(html).toContain('example origin <b>blog</b>')
    expect(html).toContain('GET /index.html?a=1&amp;b=2')
    // the viewer's host reached the origin, which links back to the main site on the same port
    expect(html).toContain(`<a href="//localhost:${port}/">edgeware example</a>`)
    expect(await (await get('/about')).text()).toContain('example origin <b>app</b>')
  })

  it('serves /static/* from the S3 origin (public/) under CachingOptimized with the SecurityHeadersPolicy headers', async () => {
    // A viewer that accepts no compression gets the bucket's bytes and S3's own ETag.
    const css = await get('/static/style.css', { headers: { 'accept-encoding': 'identity' } })
    expect(css.status).toBe(200)
    const body = await css.text()
    expect(body).toBe(readFileSync(join(root, 'public', 'static', 'style.css'), 'utf8'))
    expect(css.headers.get('content-type')).toBe('text/css')
    const etag = `"${createHash('md5').update(body).digest('hex')}"`
    expect(css.headers.get('content-encoding')).toBeNull()
    expect(css.headers.get('etag')).toBe(etag)
    expect(css.headers.get('x-cache')).toBe('Miss from cloudfront')
    expect(css.headers.get('x-content-type-options')).toBe('nosniff')
    expect(css.headers.get('strict-transport-security')).toBe('max-age=31536000')
    expect(css.headers.get('x-frame-options')).toBe('SAMEORIGIN')
    expect((await get('/static/style.css', { headers: { 'accept-encoding': 'identity' } })).headers.get('x-cache')).toBe('Hit from cloudfront')
    // A browser's gets it Brotli-compressed (CachingOptimized compresses text of 1 KB or more), its ETag made weak.
    const br = await get('/static/style.css', { headers: { 'accept-encoding': 'gzip, deflate, br' } })
    expect([br.headers.get('content-encoding'), br.headers.get('etag'), br.headers.get('x-cache')]).toEqual(['br', `W/${etag}`, 'Miss from cloudfront'])
    expect(await br.text()).toBe(body)
    const missing = await get('/static/nope.css')
    expect(missing.status).toBe(403)
    expect(await missing.text()).toContain('<Code>AccessDenied</Code>')
  })

  it('sends /api/items and /api/event to the Lambda origin through its HTTP API, uncached, with the event CloudFront\'s request made', async () => {
    const items = await get('/api/items?q=mug')
    expect([items.status, items.headers.get('x-cache'), items.headers.get('content-type')]).toEqual([200, 'Miss from cloudfront', 'application/json'])
    expect(items.headers.get('apigw-requestid')).toMatch(/^[A-Za-z0-9+/]{15}=$/)
    expect(await items.json()).toEqual({ items: [{ id: 'mug', name: 'Edge mug', price: 1200 }] })
    expect((await get('/api/items?q=mug')).headers.get('x-cache')).toBe('Miss from cloudfront')
    const res = await get('/api/event?x=1', { headers: { authorization: 'Bearer not-a-jwt', cookie: 'ab=b' } })
    const event = (await res.json()) as { rawPath: string; rawQueryString: string; cookies: string[]; headers: Record<string, string>; requestContext: { domainName: string; requestId: string } }
    expect([event.rawPath, event.rawQueryString, event.cookies]).toEqual(['/api/event', 'x=1', ['ab=(masked)']])
    // CloudFront's request: its id, Via, and the API's own domain as Host (AllViewerExceptHostHeader)
    expect(event.headers['x-amz-cf-id']).toBe(res.headers.get('x-amz-cf-id'))
    expect(event.headers['via']).toMatch(/\.cloudfront\.net \(CloudFront\)$/)
    expect(event.headers['host']).toBe(event.requestContext.domainName)
    expect(event.requestContext.domainName).toMatch(/^[a-z0-9]{10}\.execute-api\.us-east-1\.amazonaws\.com$/)
    // Authorization reaches an origin only when the cache policy keys on it, and CachingDisabled doesn't
    expect(event.headers['authorization']).toBeUndefined()
    expect(event.requestContext.requestId).toBe(res.headers.get('apigw-requestid'))
    // the access line is written once the answer is out
    await vi.waitFor(() => expect(logs.join('\n')).toMatch(/GET \/api\/event\?x=1 200 Miss .* \/api\/\* → api · VReq .* origin /))
  })

  it('runs the /static/* CloudFront Function: old asset names redirect from its KeyValueStore, /static/v1/ and uppercase paths share the files\' cached copies', async () => {
    const logo = readFileSync(join(root, 'public', 'static', 'logo.svg'), 'utf8')
    const moved = await get('/static/img/logo.png?v=2')
    expect([moved.status, moved.headers.get('location'), moved.headers.get('x-cache')]).toEqual([301, '/static/logo.svg?v=2', 'FunctionGeneratedResponse from cloudfront'])
    const first = await get('/static/logo.svg')
    expect([first.status, first.headers.get('x-cache'), await first.text()]).toEqual([200, 'Miss from cloudfront', logo])
    // the cache key is the path the function left
    for (const path of ['/static/Logo.SVG', '/static/v1/logo.svg', '/static//LOGO.svg']) {
      const again = await get(path)
      expect([path, again.status, again.headers.get('x-cache'), await again.text()]).toEqual([path, 200, 'Hit from cloudfront', logo])
    }
    await vi.waitFor(() => expect(logs.join('\n')).toMatch(/GET \/static\/img\/logo\.png\?v=2 301 FunctionGeneratedResponse .* \/static\/\* → assets · VReq [\d.]+ms compute \d+%/))
  })

  it('keeps a returning viewer on their variant', async () => {
    const res = await get('/about', { headers: { cookie: 'ab=b' } })
    expect(res.status).toBe(200)
    expect(res.headers.getSetCookie().filter((c) => c.startsWith('ab='))).toEqual([])
  })
})
