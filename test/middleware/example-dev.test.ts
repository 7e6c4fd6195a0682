/**
 * The example site served by the local edge (`npm run dev`), end to end: the root wrangler.toml, real
 * bundles of edge-functions/, Miniflare, the embedded example origins and dynalite. Ports are made free
 * ones (origins, seed and dev server rewritten to match) so the suite never collides with a running `npm run dev`.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SignJWT } from 'jose'
import { loadLocalSecrets } from '../../src/build/environment.js'
import { loadConfig } from '../../src/simulator/config.js'
import { startDev, type DevServer } from '../../src/simulator/dev.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
let dev: DevServer
let tmp: string
const logs: string[] = []

async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const port = (s.address() as { port: number }).port
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return port
}

beforeAll(async () => {
  const config = await loadConfig(join(root, 'wrangler.toml'))
  tmp = mkdtempSync(join(tmpdir(), 'edgeware-example-'))
  const remap = new Map<number, number>()
  for (const o of config.edge.origins) {
    if (o.kind !== 'custom') continue
    const url = new URL(o.url)
    const port = await freePort()
    remap.set(Number(url.port), port)
    url.port = String(port)
    o.url = url.href.replace(/\/$/, '')
  }
  if (config.edge.dynamodb?.seed) {
    const rules = JSON.parse(readFileSync(config.edge.dynamodb.seed, 'utf8')) as { port?: number }[]
    for (const r of rules) if (r.port !== undefined && remap.has(r.port)) r.port = remap.get(r.port)!
    const seed = join(tmp, 'seed.json')
    writeFileSync(seed, JSON.stringify(rules))
    config.edge.dynamodb.seed = seed
  }
  dev = await startDev({ config, port: 0, watch: false, logger: { info: (l) => logs.push(l), error: (l) => logs.push(l) } })
}, 120_000)

afterAll(async () => {
  await dev?.close()
  if (tmp) rmSync(tmp, { recursive: true, force: true })
})

const get = (path: string, init?: RequestInit) => fetch(new URL(path, dev.url), { redirect: 'manual', ...init })

describe('example site on the local edge', () => {
  it('serves the home page through all four stages', async () => {
    const res = await get('/?utm_source=newsletter')
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('Answered by example origin')
    // origin-response: security headers; viewer-response: the A/B cookie for a new viewer
    expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=/)
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(res.headers.getSetCookie().some((c) => /^ab=(a|b); Path=\//.test(c))).toBe(true)
    // viewer-request stripped the tracking parameter before the origin saw the URL
    expect(html).not.toContain('utm_source')
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

  it('answers /api/* with the Hono app and passes unknown API routes to the origin', async () => {
    const hello = await get('/api/hello?name=Ada')
    expect(hello.status).toBe(200)
    expect(await hello.json()).toMatchObject({ hello: 'Ada' })
    const echo = await get('/api/echo', { method: 'POST', body: JSON.stringify({ a: 1 }), headers: { 'content-type': 'application/json' } })
    expect(await echo.json()).toEqual({ method: 'POST', contentType: 'application/json', body: '{"a":1}' })
    const unknown = await get('/api/unknown')
    expect(unknown.status).toBe(404)
    expect(await unknown.text()).toContain('Answered by example origin')
  })

  it('routes by host through the DynamoDB origin table and sorts the query string', async () => {
    // fetch() can't set Host: use node:http
    const html = await new Promise<string>((resolve, reject) => {
      const u = new URL(dev.url)
      request({ host: '127.0.0.1', port: u.port, path: '/?b=2&a=1&fbclid=x', headers: { host: 'blog.localhost' } }, (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (d: string) => (body += d))
        res.on('end', () => resolve(body))
      })
        .on('error', reject)
        .end()
    })
    expect(html).toContain('example origin <b>blog</b>')
    expect(html).toContain('GET /?a=1&amp;b=2')
    expect(await (await get('/about')).text()).toContain('example origin <b>app</b>')
  })

  it('serves /static/* from the S3 origin (public/) under CachingOptimized with the SecurityHeadersPolicy headers', async () => {
    const css = await get('/static/style.css')
    expect(css.status).toBe(200)
    const body = await css.text()
    expect(body).toBe(readFileSync(join(root, 'public', 'static', 'style.css'), 'utf8'))
    expect(css.headers.get('content-type')).toBe('text/css')
    expect(css.headers.get('etag')).toBe(`"${createHash('md5').update(body).digest('hex')}"`)
    expect(css.headers.get('x-cache')).toBe('Miss from cloudfront')
    expect(css.headers.get('x-content-type-options')).toBe('nosniff')
    expect(css.headers.get('strict-transport-security')).toBe('max-age=31536000')
    expect(css.headers.get('x-frame-options')).toBe('SAMEORIGIN')
    expect((await get('/static/style.css')).headers.get('x-cache')).toBe('Hit from cloudfront')
    const missing = await get('/static/nope.css')
    expect(missing.status).toBe(403)
    expect(await missing.text()).toContain('<Code>AccessDenied</Code>')
  })

  it('keeps a returning viewer on their variant', async () => {
    const res = await get('/about', { headers: { cookie: 'ab=b' } })
    expect(res.status).toBe(200)
    expect(res.headers.getSetCookie().filter((c) => c.startsWith('ab='))).toEqual([])
  })
})
