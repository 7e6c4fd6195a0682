// `edgeware dev --log-file`: CloudFront's standard access log (reference §10.2), the console line's Host, behavior and
// origin, and invalidations of the local edge's cache (§10.1).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ACCESS_LOG_FIELDS } from '../../src/simulator/access-log.js'
import { freePort, rawExchange, startSite, type Site } from './helpers.js'

const THROW = `exports.handler = async () => { throw new Error('kaput') }\n`
const BAD = `exports.handler = async (event) => { const r = event.Records[0].cf.response; r.headers['via'] = [{ key: 'Via', value: 'x' }]; return r }\n`
const GEN = `exports.handler = async () => ({ status: '200', body: 'generated' })\n`
// CloudFront Functions on viewer-request: a generated 403 (its own result type, whatever the status), a throw, an
// invalid result.
const CFF = `function handler(event) {
  var uri = event.request.uri
  if (uri.indexOf('/cff/deny') === 0) return { statusCode: 403, statusDescription: 'Forbidden' }
  if (uri.indexOf('/cff/throw') === 0) throw new Error('kaput')
  if (uri.indexOf('/cff/invalid') === 0) { event.request.headers['via'] = { value: 'x' }; return event.request }
  return event.request
}
`

let site: Site
let logFile: string
let tmp: string
let n = 0
const u = (): string => `t${++n}-${Date.now().toString(36)}`

/** The access log's lines (without the header lines), each split into its fields by name. */
function lines(): Record<string, string>[] {
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const values = l.split('\t')
      expect(values).toHaveLength(33)
      return Object.fromEntries(ACCESS_LOG_FIELDS.map((f, i) => [f, values[i]!]))
    })
}
async function lineOf(res: Response | string): Promise<Record<string, string>> {
  const id = typeof res === 'string' ? res : res.headers.get('x-amz-cf-id')!
  await site.h.record(id)
  // The file is written just after the record arrives.
  for (let i = 0; i < 100; i++) {
    const line = lines().find((l) => l['x-edge-request-id'] === id)
    if (line) return line
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`no access log line for ${id}`)
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'edgeware-access-log-'))
  logFile = join(tmp, 'access.log')
  const down = await freePort()
  site = await startSite(
    'access-log',
    { 'throw.js': THROW, 'bad.js': BAD, 'gen.js': GEN, 'cff.js': CFF },
    `cache_policy = "CachingOptimized"
[[edge.origins]]
id = "down"
url = "http://localhost:${down}"
connection_attempts = 1
[[edge.behaviors]]
path_pattern = "/throw/*"
origin = "main"
viewer_request = "throw.js"
[[edge.behaviors]]
path_pattern = "/bad/*"
origin = "main"
viewer_response = "bad.js"
[[edge.behaviors]]
path_pattern = "/gen/*"
origin = "main"
viewer_request = "gen.js"
[[edge.behaviors]]
path_pattern = "/cff/*"
origin = "main"
viewer_request_function = "cff.js"
[[edge.behaviors]]
path_pattern = "/down/*"
origin = "down"
[[edge.behaviors]]
path_pattern = "/ro/*"
origin = "main"
allowed_methods = ["GET", "HEAD"]
[[edge.behaviors]]
path_pattern = "/https/*"
origin = "main"
viewer_protocol_policy = "redirect-to-https"
[[edge.behaviors]]
path_pattern = "/qs/*"
origin = "main"
cache_policy = "by-query"
[[edge.cache_policies]]
id = "by-query"
query_strings = "all"
[[edge.custom_error_responses]]
error_code = 405
response_page_path = "/errors/405.html"
response_code = 200
`,
    { logFile },
  )
}, 60_000)
afterAll(async () => {
  await site?.close()
  rmSync(tmp, { recursive: true, force: true })
})

describe('the access log', () => {
  it("starts with CloudFront's #Version and #Fields lines: the 33 fields in their order", () => {
    const [version, fields] = readFileSync(logFile, 'utf8').split('\n')
    expect(version).toBe('#Version: 1.0')
    expect(fields).toBe(
      '#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end',
    )
  })

  it('a miss, then a hit: one tab-separated line each, every field filled or -', async () => {
    const p = `/${u()}`
    const miss = await site.h.get(`${p}?q=1`, { headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux)', referer: 'https://example.com/', cookie: 'a=1' } })
    const body = await miss.text()
    const l = await lineOf(miss)
    expect(l['date']).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(l['time']).toMatch(/^\d{2}:\d{2}:\d{2}$/)
    expect(l['x-edge-location']).toBe('LOCAL1-P1')
    expect(l['c-ip']).toBe('127.0.0.1')
    expect(l['cs-method']).toBe('GET')
    expect(l['cs(Host)']).toMatch(/^d[0-9a-f]{13}\.cloudfront\.net$/)
    expect(l['cs-uri-stem']).toBe(p)
    expect(l['cs-uri-query']).toBe('q=1')
    expect(l['sc-status']).toBe('200')
    expect(l['cs(Referer)']).toBe('https://example.com/')
    expect(l['cs(User-Agent)']).toBe('Mozilla/5.0%20(X11;%20Linux)')
    expect(l['cs(Cookie)']).toBe('a=1')
    expect(l['x-edge-result-type']).toBe('Miss')
    expect(l['x-edge-response-result-type']).toBe('Miss')
    expect(l['x-edge-detailed-result-type']).toBe('Miss')
    expect(l['x-host-header']).toBe(new URL(site.h.dev.url).host)
    expect(l['cs-protocol']).toBe('http')
    expect(l['cs-protocol-version']).toBe('HTTP/1.1')
    expect(Number(l['cs-bytes'])).toBeGreaterThan(100)
    expect(Number(l['sc-bytes'])).toBeGreaterThan(Buffer.byteLength(body))
    expect(l['time-taken']).toMatch(/^\d+\.\d{3}$/)
    expect(l['time-to-first-byte']).toMatch(/^\d+\.\d{3}$/)
    expect(l['x-forwarded-for']).toBe('-')
    expect(l['ssl-protocol']).toBe('-')
    expect(l['fle-status']).toBe('-')
    expect(Number(l['c-port'])).toBeGreaterThan(0)
    expect(l['sc-content-type']).toBe('application/json')
    expect(l['sc-content-len']).toBe(String(Buffer.byteLength(body)))
    expect(l['sc-range-start']).toBe('-')
    const hit = await site.h.get(`${p}?q=1`)
    expect((await lineOf(hit))['x-edge-result-type']).toBe('Hit')
  })

  it("result types: Error with the specific error, Redirect, Lambda- and FunctionGeneratedResponse, a range's start and end", async () => {
    const detailed = async (res: Response): Promise<[string, string]> => {
      const l = await lineOf(res)
      return [l['x-edge-result-type']!, l['x-edge-detailed-result-type']!]
    }
    expect(await detailed(await site.h.get(`/throw/${u()}`))).toEqual(['Error', 'LambdaExecutionError'])
    expect(await detailed(await site.h.get(`/bad/${u()}`))).toEqual(['Error', 'LambdaValidationError'])
    expect(await detailed(await site.h.get(`/down/${u()}`))).toEqual(['Error', 'OriginConnectError'])
    expect(await detailed(await site.h.get(`/ro/${u()}`, { method: 'POST', body: 'x' }))).toEqual(['Error', 'InvalidRequestMethod'])
    expect(await detailed(await site.h.get(`/status/404/${u()}`))).toEqual(['Error', 'Error'])
    expect(await detailed(await site.h.get(`/https/${u()}`))).toEqual(['Redirect', 'Redirect'])
    expect(await detailed(await site.h.get(`/gen/${u()}`))).toEqual(['LambdaGeneratedResponse', 'LambdaGeneratedResponse'])
    expect(await detailed(await site.h.get(`/cff/deny/${u()}`))).toEqual(['FunctionGeneratedResponse', 'FunctionGeneratedResponse'])
    expect(await detailed(await site.h.get(`/cff/throw/${u()}`))).toEqual(['Error', 'FunctionExecutionError'])
    expect(await detailed(await site.h.get(`/cff/invalid/${u()}`))).toEqual(['Error', 'FunctionValidationError'])
    const unknown = await rawExchange(site.h.dev.url, [`BREW /${u()} HTTP/1.1\r\nHost: x\r\n\r\n`])
    const l = await lineOf(/x-amz-cf-id: (\S+)/i.exec(unknown.text)![1]!)
    expect([l['cs-method'], l['sc-status'], l['x-edge-detailed-result-type']]).toEqual(['BREW', '403', 'InvalidRequestMethod'])
    const p = `/sized/${u()}`
    await (await site.h.get(p)).text()
    const part = await site.h.get(p, { headers: { range: 'bytes=2-5' } })
    const r = await lineOf(part)
    expect([r['sc-status'], r['sc-range-start'], r['sc-range-end'], r['sc-content-len']]).toEqual(['206', '2', '5', '4'])
  })

  it('a custom error response: sc-status is the code the viewer got, the result type stays Error', async () => {
    const res = await site.h.get(`/status/405/${u()}`)
    expect(res.status).toBe(200)
    const l = await lineOf(res)
    expect([l['sc-status'], l['x-edge-result-type'], l['x-edge-response-result-type']]).toEqual(['200', 'Error', 'Error'])
  })

  it('a request over the size limits is not logged (CloudFront cannot parse it); the console still says it', async () => {
    const r = await rawExchange(site.h.dev.url, [`GET /${'a'.repeat(9000)} HTTP/1.1\r\nHost: x\r\n\r\n`])
    const id = /x-amz-cf-id: (\S+)/i.exec(r.text)![1]!
    expect((await site.h.record(id)).status).toBe(413)
    // Lines are written in order: once a later request's line is there, the 413's would be too.
    await lineOf(await site.h.get(`/${u()}`))
    expect(lines().some((l) => l['x-edge-request-id'] === id)).toBe(false)
    expect(site.h.logs.some((l) => l.includes('413 UrlTooLong'))).toBe(true)
  })
})

describe('the console line', () => {
  it('shows the Host, the behavior and the origin', async () => {
    const res = await site.h.get(`/ro/${u()}`)
    const id = res.headers.get('x-amz-cf-id')!
    await site.h.record(id)
    const line = site.h.logs.find((l) => l.startsWith('[edge] GET /ro/') && l.includes('200 Miss'))
    expect(line).toContain(`· ${new URL(site.h.dev.url).host} · /ro/* → main`)
    const d = await site.h.get(`/${u()}`)
    await site.h.record(d.headers.get('x-amz-cf-id')!)
    expect(site.h.logs.at(-1)).toMatch(/ · \* → main/)
  })

  it("a CloudFront Function's compute utilization follows the Host, the behavior and the origin", async () => {
    const res = await site.h.get(`/cff/ok/${u()}`)
    await site.h.record(res.headers.get('x-amz-cf-id')!)
    const line = site.h.logs.find((l) => l.startsWith('[edge] GET /cff/ok/') && l.includes('200 Miss'))
    expect(line).toMatch(new RegExp(` · ${new URL(site.h.dev.url).host} · /cff/\\* → main · VReq \\d+\\.\\dms compute \\d+% · origin `))
  })
})

describe('invalidation', () => {
  it('empties every variant of a matching path, with CloudFront path rules; the next request is a miss', async () => {
    const base = `/inv-${u()}`
    const get = async (p: string, headers: Record<string, string> = {}): Promise<string> => {
      const res = await site.h.get(p, { headers })
      await res.arrayBuffer()
      return res.headers.get('x-cache')!
    }
    for (const p of [`${base}/a`, `${base}/b`, `${base}/A`, `${base}-other`]) await get(p)
    await get(`${base}/a`, { 'accept-encoding': 'br' }) // a second variant of /a (fetch itself sends gzip, deflate)
    expect(await get(`${base}/a`)).toBe('Hit from cloudfront')
    expect(await site.h.dev.invalidate([`${base}/*`])).toBe(4) // /a twice, /b, /A; not -other
    expect(await get(`${base}/a`)).toBe('Miss from cloudfront')
    expect(await get(`${base}-other`)).toBe('Hit from cloudfront')
    // Exact paths, case-sensitive.
    expect(await site.h.dev.invalidate([`${base}/a`])).toBe(1)
    expect(await site.h.dev.invalidate([`${base}/a`])).toBe(0)
    expect(await get(`${base}/A`)).toBe('Miss from cloudfront')
    expect(await site.h.dev.invalidate([`${base.toUpperCase()}/A`])).toBe(0)
    // The console line follows the answer within moments (log records are batched).
    for (let i = 0; i < 100 && !site.h.logs.some((l) => l.includes(`invalidated 1 cached object: ${base}/a`)); i++) await new Promise((r) => setTimeout(r, 20))
    expect(site.h.logs.some((l) => l.includes(`invalidated 1 cached object: ${base}/a`))).toBe(true)
  })

  it('a query string in the key: invalidated only when the path names it or a * covers it', async () => {
    const p = `/qs/${u()}`
    await (await site.h.get(`${p}?a=1`)).text()
    expect(await site.h.dev.invalidate([p])).toBe(0)
    expect(await site.h.dev.invalidate([`${p}?a=1`])).toBe(1)
    await (await site.h.get(`${p}?a=1`)).text()
    expect(await site.h.dev.invalidate([`${p}*`])).toBe(1)
  })

  it("refuses a path that breaks CloudFront's rules, naming it", async () => {
    await expect(site.h.dev.invalidate(['/a/*/b'])).rejects.toThrow('"/a/*/b": a * is allowed only as the last character of an invalidation path')
    await expect(site.h.dev.invalidate(['docs/*'])).rejects.toThrow('"docs/*": an invalidation path must start with "/" (try "/docs/*")')
  })
})
