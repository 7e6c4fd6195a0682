// Lambda origins at the local edge: a behavior (or an origin group member) whose origin is `lambda = { … }` sends
// its requests, as CloudFront sends them to a custom origin, through the integration (REST API, HTTP API, ALB with
// and without multi-value headers, function URL) to the function; the integration's answer comes back as the
// origin's response. Repeated query strings and headers, binary bodies, a malformed result, timeouts, failover,
// HEAD, the function's console lines and live reload, through a real `edgeware dev`.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/simulator/index.js'
import { startHarness, startTestOrigin, type Harness, type TestOrigin } from './helpers.js'

// One handler for every integration: it answers in the format of the event it got (REST payload 1.0, payload 2.0,
// ALB with or without multi-value headers).
const echo = `export const handler = async (event) => {
  const v2 = event.version === '2.0'
  const alb = !!(event.requestContext && event.requestContext.elb)
  const path = v2 ? event.rawPath : event.path
  console.log('hello from ' + path)
  if (path.endsWith('/hang')) await new Promise(() => {})
  if (path.endsWith('/throw')) throw new Error('kaput')
  if (path.endsWith('/malformed')) return 'just a string'
  if (path.endsWith('/binary')) {
    const bytes = event.isBase64Encoded ? event.body : Buffer.from(event.body || '', 'utf8').toString('base64')
    const headers = { 'content-type': 'application/octet-stream' }
    return alb && event.multiValueHeaders ? { statusCode: 200, multiValueHeaders: { 'content-type': ['application/octet-stream'] }, body: bytes, isBase64Encoded: true } : { statusCode: 200, headers, body: bytes, isBase64Encoded: true }
  }
  const body = JSON.stringify(event)
  if (v2) return { statusCode: 200, headers: { 'content-type': 'application/json' }, cookies: ['a=1; Path=/', 'b=2; Path=/'], body }
  if (alb && !event.multiValueHeaders) return { statusCode: 200, statusDescription: '200 OK', headers: { 'content-type': 'application/json', 'set-cookie': 'a=1; Path=/' }, body }
  return { statusCode: 200, multiValueHeaders: { 'content-type': ['application/json'], 'set-cookie': ['a=1; Path=/', 'b=2; Path=/'], 'x-multi': ['1', '2'] }, body }
}
`
const version = (v: string): string => `export const handler = async () => ({ statusCode: 200, headers: { 'content-type': 'text/plain' }, body: '${v}' })\n`
// The origin-request event of a Lambda origin: a custom origin at the API's domain.
const oreq = `exports.handler = async (event) => {
  const request = event.Records[0].cf.request
  const o = request.origin.custom
  request.headers['x-origin-seen'] = [{ key: 'X-Origin-Seen', value: o.protocol + '://' + o.domainName + ':' + o.port }]
  return request
}
`

let dir: string
let backup: TestOrigin
let h: Harness
let n = 0
const u = (): string => `${++n}-${Date.now().toString(36)}`
type Echo = Record<string, unknown> & { headers: Record<string, string>; requestContext: Record<string, unknown> }
const echoOf = async (res: Response): Promise<Echo> => (await res.json()) as Echo

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgeware-lambda-origins-'))
  writeFileSync(join(dir, 'echo.mjs'), echo)
  writeFileSync(join(dir, 'version.mjs'), version('v1'))
  writeFileSync(join(dir, 'oreq.js'), oreq)
  backup = await startTestOrigin('backup')
  const lambda = (id: string, settings: string, extra = ''): string => `[[edge.origins]]\nid = "${id}"\nlambda = { handler = "echo.mjs", ${settings} }\n${extra}`
  const behavior = (pattern: string, originId: string, extra = ''): string =>
    `[[edge.behaviors]]\npath_pattern = "${pattern}"\norigin = "${originId}"\ncache_policy = "CachingDisabled"\norigin_request_policy = "AllViewerExceptHostHeader"\n${extra}`
  const all = 'allowed_methods = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]\n'
  h = await startHarness(
    parseConfig(
      `name = "lambda-origins"
[edge]
limits = "current"
${lambda('rest', 'integration = "rest", timeout = 1', 'origin_path = "/v1"\n')}
${lambda('http', 'integration = "http", timeout = 1')}
${lambda('alb', 'integration = "alb"')}
${lambda('albmv', 'integration = "alb", multi_value_headers = true')}
${lambda('url', 'integration = "url"')}
${lambda('slow', 'integration = "url", timeout = 5', 'read_timeout = 1\nconnection_attempts = 1\n')}
[[edge.origins]]
id = "ver"
lambda = { handler = "version.mjs", integration = "http" }
[[edge.origins]]
id = "backup"
url = "${backup.url}"
[[edge.origin_groups]]
id = "ha"
members = ["http", "backup"]
failover_status_codes = [500]
${behavior('/rest/*', 'rest', all)}
${behavior('/http/*', 'http', all)}
${behavior('/alb/*', 'alb', all)}
${behavior('/albmv/*', 'albmv', all)}
${behavior('/url/*', 'url', `${all}origin_request = "oreq.js"\n`)}
${behavior('/slow/*', 'slow')}
${behavior('/ver', 'ver')}
${behavior('/ha/*', 'ha')}
[edge.default_behavior]
origin = "backup"
`,
      join(dir, 'wrangler.toml'),
    ),
    { watch: true },
  )
}, 60_000)

afterAll(async () => {
  await h?.close()
  await backup?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('each integration, through the edge', () => {
  it('REST API: the prod stage then origin_path, as the build deploys the origin path; repeated query strings in multiValueQueryStringParameters, multiValueHeaders answered', async () => {
    const res = await h.get('/rest/items?a=1&a=2')
    expect(res.status).toBe(200)
    const e = await echoOf(res)
    expect(e).toMatchObject({ resource: '/{proxy+}', path: '/v1/rest/items', httpMethod: 'GET', multiValueQueryStringParameters: { a: ['1', '2'] } })
    expect(e.requestContext).toMatchObject({ stage: 'prod', path: '/prod/v1/rest/items' })
    expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/'])
    expect(res.headers.get('x-multi')).toBe('1, 2')
    expect(res.headers.get('x-cache')).toBe('Miss from cloudfront')
  })

  it('HTTP API: payload 2.0, repeated query strings joined, cookies as set-cookie headers', async () => {
    const res = await h.get('/http/items?a=1&a=2', { headers: { cookie: 'x=1; y=2' } })
    const e = await echoOf(res)
    expect(e).toMatchObject({ version: '2.0', rawPath: '/http/items', rawQueryString: 'a=1&a=2', queryStringParameters: { a: '1,2' }, cookies: ['x=1', 'y=2'] })
    expect((e.requestContext as { domainName: string }).domainName).toMatch(/\.execute-api\.us-east-1\.amazonaws\.com$/)
    expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/'])
  })

  it('ALB without multi-value headers: the last value of a repeated query string; with them: every value, and multiValueHeaders answered', async () => {
    const off = await echoOf(await h.get('/alb/items?a=1&a=2'))
    expect(off).toMatchObject({ path: '/alb/items', queryStringParameters: { a: '2' } })
    expect(off).not.toHaveProperty('multiValueQueryStringParameters')
    const res = await h.get('/albmv/items?a=1&a=2')
    const on = await echoOf(res)
    expect(on).toMatchObject({ path: '/albmv/items', multiValueQueryStringParameters: { a: ['1', '2'] } })
    expect(on.multiValueHeaders).toMatchObject({ host: [expect.stringMatching(/\.elb\.amazonaws\.com$/)] })
    expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/'])
  })

  it('function URL: the request as CloudFront sends a custom origin (the API domain as Host), the origin-request event shows that origin', async () => {
    const res = await h.get('/url/items?q=1', { headers: { 'x-viewer': 'yes' } })
    const e = await echoOf(res)
    const domain = (e.requestContext as { domainName: string }).domainName
    expect(domain).toMatch(/^[a-z0-9]{32}\.lambda-url\.us-east-1\.on\.aws$/)
    expect(e.headers).toMatchObject({ host: domain, 'x-viewer': 'yes', 'x-origin-seen': `https://${domain}:443`, 'user-agent': expect.any(String), via: expect.stringMatching(/CloudFront/) })
    expect(e.headers['x-forwarded-for']).toMatch(/^127\.0\.0\.1/)
  })

  it('binary bodies both ways (HTTP API, function URL, ALB); a REST API without binary media types sends the base64 text', async () => {
    const bytes = randomBytes(2048)
    for (const p of ['/http/binary', '/url/binary', '/alb/binary', '/albmv/binary']) {
      const res = await h.get(p, { method: 'POST', body: bytes, headers: { 'content-type': 'application/octet-stream' } })
      expect(res.status, p).toBe(200)
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes), p).toBe(true)
    }
    const text = Buffer.from('plain text body')
    const rest = await h.get('/rest/binary', { method: 'POST', body: text, headers: { 'content-type': 'text/plain' } })
    expect(await rest.text()).toBe(text.toString('base64'))
    expect(h.logs.some((l) => l.startsWith('[rest]') && l.includes('RestBinaryNotDecoded'))).toBe(true)
  })

  it('HEAD: the integration’s answer without a body', async () => {
    const res = await h.get(`/url/${u()}`, { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect((await res.arrayBuffer()).byteLength).toBe(0)
  })

  it('the function’s console lines appear in the dev log under its name', async () => {
    const path = `/url/${u()}`
    await h.get(path)
    expect(h.logs.some((l) => l.startsWith('[url] ') && l.includes(`INFO hello from ${path}`))).toBe(true)
  })
})

describe('the integration’s own answers', () => {
  it('a malformed result is the integration’s 502, the rule in the dev log', async () => {
    const res = await h.get('/rest/malformed')
    expect(res.status).toBe(502)
    expect(await res.json()).toEqual({ message: 'Internal server error' })
    expect(res.headers.get('x-cache')).toBe('Error from cloudfront')
    expect(h.logs.find((l) => l.startsWith('[rest]') && l.includes('RestMalformedResult'))).toContain(`(x-amz-cf-id ${res.headers.get('x-amz-cf-id')})`)
    const alb = await h.get('/alb/malformed')
    expect(alb.status).toBe(502)
    expect(alb.headers.get('server')).toBe('awselb/2.0')
  })

  it('a function timeout is the REST API’s 502 and the HTTP API’s 500; a function slower than the read timeout is CloudFront’s 504', async () => {
    const [rest, http, slow] = await Promise.all([h.get('/rest/hang'), h.get('/http/hang'), h.get('/slow/hang')])
    expect(rest.status).toBe(502)
    expect(http.status).toBe(500)
    expect(await http.json()).toEqual({ message: 'Internal Server Error' })
    expect(slow.status).toBe(504)
    const rec = await h.record(slow.headers.get('x-amz-cf-id')!)
    expect(rec.error).toMatchObject({ code: 'OriginReadError' })
    expect(h.logs.some((l) => l.startsWith('[rest]') && l.includes('FunctionTimeout'))).toBe(true)
  })

  it('an origin group fails over on the function’s error status', async () => {
    const res = await h.get(`/ha/${u()}/throw`)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-origin')).toBe('backup')
    expect((await h.record(res.headers.get('x-amz-cf-id')!)).failover).toEqual(['http', 'backup'])
    const direct = await echoOf(await h.get(`/ha/${u()}`))
    expect(direct.version).toBe('2.0')
  })
})

describe('live reload', () => {
  it('a saved handler is bundled again; the next request runs the new code', async () => {
    expect(await (await h.get('/ver')).text()).toBe('v1')
    const reloaded = h.dev.nextReload()
    writeFileSync(join(dir, 'version.mjs'), version('v2'))
    expect(await reloaded).toEqual(['ver'])
    expect(await (await h.get('/ver')).text()).toBe('v2')
  })
})
