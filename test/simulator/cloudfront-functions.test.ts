// CloudFront Functions at the local edge (cloudfront-functions.md §3, §5, §6): AWS-form functions from
// edge-functions/cff-examples on behaviors of a real `edgeware dev`, their results checked as CloudFront checks
// them, a CloudFront Function beside Lambda@Edge in CloudFront's order, the origin helpers, key value stores
// and live reload of both the function and its store (`edgeware kvs --store` included).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run as kvs } from '../../src/cli/kvs.js'
import { parseConfig, startDev } from '../../src/simulator/index.js'
import { startHarness, startTestOrigin, type Harness, type TestOrigin } from './helpers.js'

const EXAMPLES = fileURLToPath(new URL('../../edge-functions/cff-examples/', import.meta.url))

// Beside Lambda@Edge: each stage appends its name to x-order (the request on its way, the response on its way back).
const oreq = `exports.handler = async (event) => {
  const request = event.Records[0].cf.request
  const seen = request.headers['x-order'] ? request.headers['x-order'][0].value : ''
  request.headers['x-order'] = [{ key: 'X-Order', value: seen + ',oreq' }]
  return request
}
`
const oresp = `exports.handler = async (event) => {
  const { request, response } = event.Records[0].cf
  response.headers['x-order'] = [{ key: 'X-Order', value: request.headers['x-order'][0].value + ',oresp' }]
  return response
}
`
const cffOrderRequest = `function handler(event) {
  event.request.headers['x-order'] = { value: 'cff-vreq' }
  return event.request
}
`
const cffOrderResponse = `function handler(event) {
  var h = event.response.headers
  h['x-order'] = { value: h['x-order'].value + ',cff-vresp' }
  h['x-saw-status'] = { value: String(event.response.statusCode) }
  return event.response
}
`
// The 2.0 origin helpers, by path: an origin id, a group, an unknown id (a 502), a Host header for the origin.
const selectOrigin = `import cf from 'cloudfront'
function handler(event) {
  var uri = event.request.uri
  if (uri.indexOf('/select/backup') === 0) cf.selectRequestOriginById('backup')
  else if (uri.indexOf('/select/group') === 0) cf.createRequestOriginGroup({ originIds: ['down', 'backup'], failoverCriteria: { statusCodes: [502, 503] } })
  else if (uri.indexOf('/select/nowhere') === 0) cf.selectRequestOriginById('nowhere')
  else if (uri.indexOf('/select/host') === 0) cf.updateRequestOrigin({ hostHeader: 'api.example.com', customHeaders: { 'x-from-function': 'yes' } })
  return event.request
}
`
const broken = `function handler(event) {
  var uri = event.request.uri
  if (uri === '/broken/throw') throw new Error('kaput')
  if (uri === '/broken/invalid') { event.request.headers['x-forwarded-proto'] = { value: 'https' }; return event.request }
  if (uri === '/broken/loop') { for (;;) {} }
  return event.request
}
`
// A cookie and a header with two values, as the function's result maps back onto the request.
const multi = `function handler(event) {
  var r = event.request
  r.cookies.session = { value: 'abc' }
  r.headers['x-multi'] = { value: 'a', multiValue: [{ value: 'a' }, { value: 'b' }] }
  return r
}
`
// A 403 the function generates, on a behavior with a viewer-response function and a custom error response for 403.
const deny = `function handler(event) {
  if (event.request.uri.indexOf('/deny/no') === 0) return { statusCode: 403, statusDescription: 'Forbidden', headers: { 'content-type': { value: 'text/plain' } }, body: 'denied by function' }
  return event.request
}
`
// The event each function receives, as the body it answers with.
const echoRequest = `function handler(event) {
  return { statusCode: 200, statusDescription: 'OK', headers: { 'content-type': { value: 'application/json' } }, body: JSON.stringify(event) }
}
`
const echoResponse = `function handler(event) {
  var r = event.response
  r.body = JSON.stringify(event)
  return r
}
`
// A file rewritten during the run (live reload).
const versioned = (v: string): string => `function handler(event) {
  return { statusCode: 200, statusDescription: 'OK', headers: { 'x-version': { value: '${v}' } }, body: '${v}' }
}
`

let dir: string
let origin: TestOrigin
let backup: http.Server
let dead: http.Server
let backupHits = 0
let h: Harness
let n = 0
const u = (): string => `${++n}-${Date.now().toString(36)}`
const kvsFile = (): string => join(dir, 'routes.kvs.json')
const originSaw = (path: string) => origin.requests.filter((r) => r.url.startsWith(path))

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgeware-cff-'))
  for (const f of ['redirect-by-country.js', 'true-client-ip.js', 'security-headers.js', 'spa-rewrite.js', 'kvs-path-rewrite.js', 'origin-by-country.js', 'cache-control.js', 'normalize-query.js']) copyFileSync(join(EXAMPLES, f), join(dir, f))
  writeFileSync(join(dir, 'oreq.js'), oreq)
  writeFileSync(join(dir, 'oresp.js'), oresp)
  writeFileSync(join(dir, 'order-vreq.js'), cffOrderRequest)
  writeFileSync(join(dir, 'order-vresp.js'), cffOrderResponse)
  writeFileSync(join(dir, 'select.js'), selectOrigin)
  writeFileSync(join(dir, 'broken.js'), broken)
  writeFileSync(join(dir, 'versioned.js'), versioned('v1'))
  writeFileSync(join(dir, 'multi.js'), multi)
  writeFileSync(join(dir, 'deny.js'), deny)
  writeFileSync(join(dir, 'echo-request.js'), echoRequest)
  writeFileSync(join(dir, 'echo-response.js'), echoResponse)
  writeFileSync(kvsFile(), JSON.stringify({ data: [{ key: 'kvs', value: 'v2-kvs' }] }))
  for (const region of ['us-east-1', 'eu-central-1']) {
    mkdirSync(join(dir, region, 'assets'), { recursive: true })
    writeFileSync(join(dir, region, 'assets', 'where.txt'), region)
  }
  origin = await startTestOrigin('main')
  backup = http.createServer((req, res) => {
    backupHits++
    res.writeHead(200, { 'content-type': 'application/json', 'x-origin': 'backup' })
    res.end(JSON.stringify({ origin: 'backup', url: req.url, host: req.headers.host }))
  })
  await new Promise<void>((r) => backup.listen(0, '127.0.0.1', r))
  const backupPort = (backup.address() as { port: number }).port
  dead = http.createServer((_req, res) => {
    res.writeHead(503)
    res.end()
  })
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r))
  const deadPort = (dead.address() as { port: number }).port
  const behavior = (pattern: string, keys: string, policies = 'cache_policy = "CachingDisabled"\norigin_request_policy = "AllViewerExceptHostHeader"'): string =>
    `[[edge.behaviors]]\npath_pattern = "${pattern}"\norigin = "main"\n${policies}\n${keys}\n`
  const toml = `name = "cff"
[[edge.origins]]
id = "main"
url = "${origin.url}"
[[edge.origins]]
id = "backup"
url = "http://localhost:${backupPort}"
[[edge.origins]]
id = "down"
url = "http://localhost:${deadPort}"
[[edge.origins]]
id = "us"
s3 = { dir = "us-east-1", bucket = "site-assets-us-east-1", region = "us-east-1" }
[[edge.origins]]
id = "eu"
s3 = { dir = "eu-central-1", bucket = "site-assets-eu-central-1", region = "eu-central-1" }
[[edge.key_value_stores]]
id = "routes"
data = "routes.kvs.json"
[edge.cloudfront_functions.kvs-path-rewrite]
key_value_store = "routes"
[edge.cloudfront_functions.spa-rewrite]
runtime = "cloudfront-js-1.0"
[[edge.origin_request_policies]]
id = "country"
headers = ["cloudfront-viewer-country"]
query_strings = "all"
${behavior('/redirect/*', 'viewer_request_function = "redirect-by-country.js"', 'cache_policy = "CachingDisabled"\norigin_request_policy = "country"')}
${behavior('/headers/*', 'viewer_request_function = "true-client-ip.js"\nviewer_response_function = "security-headers.js"')}
${behavior('/app/*', 'viewer_request_function = "spa-rewrite.js"')}
${behavior('/norm/*', 'viewer_request_function = "normalize-query.js"')}
${behavior('/multi/*', 'viewer_request_function = "multi.js"')}
${behavior('/kvs/*', 'viewer_request_function = "kvs-path-rewrite.js"')}
${behavior('/order/*', 'viewer_request_function = "order-vreq.js"\norigin_request = "oreq.js"\norigin_response = "oresp.js"\nviewer_response_function = "order-vresp.js"', 'cache_policy = "CachingOptimized"\norigin_request_policy = "AllViewerExceptHostHeader"')}
${behavior('/select/*', 'viewer_request_function = "select.js"')}
${behavior('/broken/*', 'viewer_request_function = "broken.js"\nviewer_response_function = "cache-control.js"')}
${behavior('/versioned', 'viewer_request_function = "versioned.js"')}
${behavior('/echo/*', 'viewer_request_function = "echo-request.js"')}
${behavior('/echo-response/*', 'viewer_response_function = "echo-response.js"')}
${behavior('/errors/*', 'viewer_request_function = "echo-request.js"')}
${behavior('/deny/*', 'viewer_request_function = "deny.js"\nviewer_response_function = "security-headers.js"')}
[[edge.custom_error_responses]]
error_code = 403
response_page_path = "/errors/403.html"
response_code = 200
[[edge.behaviors]]
path_pattern = "/assets/*"
origin = "us"
viewer_request_function = "origin-by-country.js"
origin_request_policy = "country"
cache_policy = "CachingDisabled"
[edge.default_behavior]
origin = "main"
`
  writeFileSync(join(dir, 'wrangler.toml'), toml)
  h = await startHarness(parseConfig(toml, join(dir, 'wrangler.toml')), { watch: true })
}, 60_000)

afterAll(async () => {
  await h?.close()
  await origin?.close()
  for (const s of [backup, dead]) await new Promise<void>((r) => (s ? s.close(() => r()) : r()))
  rmSync(dir, { recursive: true, force: true })
})

describe('AWS-form CloudFront Functions on behaviors', () => {
  it('redirect: a generated response goes straight back (FunctionGeneratedResponse), the origin never sees it', async () => {
    const path = `/redirect/${u()}`
    const res = await h.get(path, { headers: { 'x-edgeware-viewer-country': 'DE' } })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe(`https://${new URL(h.dev.url).host}/de/index.html`)
    expect(res.headers.get('x-cache')).toBe('FunctionGeneratedResponse from cloudfront')
    expect(originSaw(path)).toHaveLength(0)
    const rec = await h.record(res.headers.get('x-amz-cf-id')!)
    expect(rec).toMatchObject({ status: 302, cache: 'FunctionGeneratedResponse', stages: [{ stage: 'viewer-request', fn: 'redirect-by-country', outcome: 'generated' }] })
    expect(rec.stages[0]!.utilization).toEqual(expect.any(Number))
    // Not from Germany: on to the origin.
    const gb = await h.get(`/redirect/${u()}`, { headers: { 'x-edgeware-viewer-country': 'GB' } })
    expect(gb.status).toBe(200)
    expect(gb.headers.get('x-cache')).toBe('Miss from cloudfront')
  })

  it('header add (viewer-request) and security headers (viewer-response, on what CloudFront shows it)', async () => {
    const path = `/headers/${u()}`
    const res = await h.get(path)
    expect(res.status).toBe(200)
    expect(originSaw(path)[0]!.headers['true-client-ip']).toBe('127.0.0.1')
    expect(res.headers.get('strict-transport-security')).toBe('max-age=63072000; includeSubdomains; preload')
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    // the body went through untouched (a viewer-response function never sees it)
    expect(JSON.parse(await res.text())).toMatchObject({ origin: 'main', url: path })
    const rec = await h.record(res.headers.get('x-amz-cf-id')!)
    expect(rec.stages.map((s) => [s.stage, s.fn])).toEqual([
      ['viewer-request', 'true-client-ip'],
      ['viewer-response', 'security-headers'],
    ])
  })

  it('SPA rewrite (cloudfront-js-1.0): routes load the index document from the origin', async () => {
    const id = u()
    expect((await h.get(`/app/${id}/settings`)).status).toBe(200)
    expect((await h.get(`/app/${id}/`)).status).toBe(200)
    expect((await h.get(`/app/${id}/main.js`)).status).toBe(200)
    expect(originSaw(`/app/${id}`).map((r) => r.url)).toEqual([`/app/${id}/settings/index.html`, `/app/${id}/index.html`, `/app/${id}/main.js`])
  })

  it('a returned request maps back: a query string returned as a string (normalize-query), cookies and multiValue headers', async () => {
    const id = u()
    await h.get(`/norm/${id}?b=2&a=1&a=0`)
    expect(originSaw(`/norm/${id}`).map((r) => r.url)).toEqual([`/norm/${id}?a=0&a=1&b=2`])
    const path = `/multi/${u()}`
    await h.get(path, { headers: { cookie: 'theme=dark' } })
    const seen = originSaw(path)[0]!
    expect(seen.headers.cookie).toBe('theme=dark; session=abc')
    expect(seen.rawHeaders.filter((_, i, a) => i % 2 === 1 && a[i - 1]!.toLowerCase() === 'x-multi')).toEqual(['a', 'b'])
  })

  it('the event is CloudFront\'s: version 1.0, context without functionArn, viewer.ip, lowercase headers without disallowed ones, Cookie and Set-Cookie parsed into cookies, integer statusCode', async () => {
    const path = `/echo/${u()}`
    const res = await h.get(`${path}?x=1&x=2&y&ID=42`, { headers: { 'X-Mixed-Case': 'v', cookie: 'a=1; b=2; Cookie1=v', 'x-forwarded-proto': 'http', 'x-real-ip': '192.0.2.1' } })
    const event = (await res.json()) as Record<string, any>
    expect(event.version).toBe('1.0')
    expect(Object.keys(event.context).sort()).toEqual(['distributionDomainName', 'distributionId', 'eventType', 'requestId'])
    expect(event.context).toMatchObject({ eventType: 'viewer-request', requestId: res.headers.get('x-amz-cf-id'), distributionDomainName: expect.stringMatching(/\.cloudfront\.net$/) })
    expect(event.viewer).toEqual({ ip: '127.0.0.1' })
    expect(event.request).toMatchObject({ method: 'GET', uri: path, cookies: { a: { value: '1' }, b: { value: '2' }, Cookie1: { value: 'v' } } })
    // Only header names are lowercased: query and cookie names keep their case (AWS's example event).
    expect(event.request.querystring).toEqual({ x: { value: '1', multiValue: [{ value: '1' }, { value: '2' }] }, y: { value: '' }, ID: { value: '42' } })
    expect(event.request.headers['x-mixed-case']).toEqual({ value: 'v' })
    expect(Object.keys(event.request.headers).filter((n) => n !== n.toLowerCase() || n === 'cookie')).toEqual([])
    // Disallowed headers can't be read either [RALL].
    expect(event.request.headers['x-forwarded-proto']).toBeUndefined()
    expect(event.request.headers['x-real-ip']).toBeUndefined()
    expect('response' in event).toBe(false)

    const back = await h.get(`/echo-response/hdr/set-cookie/${encodeURIComponent('s=1; Path=/')}/${u()}`)
    const seen = JSON.parse(await back.text()) as Record<string, any>
    expect(seen.context.eventType).toBe('viewer-response')
    expect(seen.response.statusCode).toBe(200)
    expect(seen.response.headers['set-cookie']).toBeUndefined()
    expect(seen.response.cookies).toEqual({ s: { value: '1', attributes: 'Path=/' } })
    expect('body' in seen.response).toBe(false)
  })

  it('the log line shows the compute utilization; console.log lines appear under the function name', async () => {
    const path = `/kvs/${u()}`
    const res = await h.get(path)
    const id = res.headers.get('x-amz-cf-id')!
    await h.record(id)
    expect(h.logs.find((l) => l.startsWith(`[edge] GET ${path} 200 Miss`))).toMatch(/ · VReq \d+\.\dms compute \d+%/)
    expect(h.logs.some((l) => l.startsWith('[kvs-path-rewrite]') && l.includes(id) && l.includes('rewrote /kvs/'))).toBe(true)
  })
})

describe('key value stores', () => {
  it('a lookup rewrites the path from the store', async () => {
    const id = u()
    await h.get(`/kvs/${id}`)
    expect(originSaw(`/v2-kvs/${id}`)).toHaveLength(1)
  })

  it('an edit with edgeware kvs --store reaches the running edge', async () => {
    const reloaded = new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (h.logs.some((l) => l.includes('key value store routes reloaded'))) {
          clearInterval(t)
          resolve()
        }
      }, 20)
    })
    expect(await kvs(['put', 'kvs', 'v3-kvs', '--store', 'routes', '--config', join(dir, 'wrangler.toml')])).toBe(0)
    expect(JSON.parse(readFileSync(kvsFile(), 'utf8')).data).toEqual([{ key: 'kvs', value: 'v3-kvs' }])
    await reloaded
    const id = u()
    await h.get(`/kvs/${id}`)
    expect(originSaw(`/v3-kvs/${id}`)).toHaveLength(1)
  })

  it('a store file that breaks a rule is reported and the previous content stays', async () => {
    writeFileSync(kvsFile(), JSON.stringify({ data: [{ key: 'kvs', value: 'a' }, { key: 'kvs', value: 'b' }] }))
    for (let i = 0; i < 200 && !h.logs.some((l) => l.includes('DuplicateKey')); i++) await new Promise((r) => setTimeout(r, 20))
    expect(h.logs.find((l) => l.includes('DuplicateKey'))).toMatch(/key value store routes: .*still serving the previous content/)
    const id = u()
    await h.get(`/kvs/${id}`)
    expect(originSaw(`/v3-kvs/${id}`)).toHaveLength(1)
  })

  it('a store file saved in another encoding than UTF-8 is reported naming the byte, and the previous content stays', async () => {
    writeFileSync(kvsFile(), Buffer.concat([Buffer.from('{"data":[{"key":"kvs","value":"caf'), Buffer.from([0xe9]), Buffer.from('"}]}')]))
    for (let i = 0; i < 200 && !h.logs.some((l) => l.includes('not UTF-8')); i++) await new Promise((r) => setTimeout(r, 20))
    expect(h.logs.find((l) => l.includes('not UTF-8'))).toMatch(/key value store routes: .*byte 34 \(0xe9\).*still serving the previous content/)
    const id = u()
    await h.get(`/kvs/${id}`)
    expect(originSaw(`/v3-kvs/${id}`)).toHaveLength(1)
  })
})

describe('the origin helpers', () => {
  it('updateRequestOrigin to an S3 bucket domain serves that bucket (origin-by-country)', async () => {
    const de = await h.get('/assets/where.txt', { headers: { 'x-edgeware-viewer-country': 'DE' } })
    expect(await de.text()).toBe('eu-central-1')
    const us = await h.get('/assets/where.txt', { headers: { 'x-edgeware-viewer-country': 'US' } })
    expect(await us.text()).toBe('us-east-1')
  })

  it('selectRequestOriginById goes to that origin; an unknown id is CloudFront’s 502 with the rule in the log', async () => {
    const before = backupHits
    const res = await h.get(`/select/backup/${u()}`)
    expect(await res.json()).toMatchObject({ origin: 'backup' })
    expect(backupHits).toBe(before + 1)
    // The log names the behavior and the origin the function chose.
    expect(await h.record(res.headers.get('x-amz-cf-id')!)).toMatchObject({ behavior: '/select/*', origin: 'backup' })
    const bad = await h.get(`/select/nowhere/${u()}`)
    expect(bad.status).toBe(502)
    const rec = await h.record(bad.headers.get('x-amz-cf-id')!)
    expect(rec.error).toMatchObject({ code: 'FunctionValidationError', fn: 'select', stage: 'viewer-request', detail: expect.stringContaining('"nowhere" is not an origin of the distribution') })
  })

  it('createRequestOriginGroup fails over on its statuses; updateRequestOrigin sets the Host and custom headers', async () => {
    const res = await h.get(`/select/group/${u()}`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ origin: 'backup' })
    const rec = await h.record(res.headers.get('x-amz-cf-id')!)
    expect(rec.failover).toEqual(['down', 'backup'])
    // The function is not run again for the failover [GEN].
    expect(rec.stages.map((s) => s.stage)).toEqual(['viewer-request'])
    const path = `/select/host/${u()}`
    await h.get(path)
    expect(originSaw(path)[0]!.headers).toMatchObject({ host: 'api.example.com', 'x-from-function': 'yes' })
  })
})

describe('failures', () => {
  it('a throw is 503 FunctionExecutionError; an invalid result 502 FunctionValidationError; the rule in the log line', async () => {
    const thrown = await h.get('/broken/throw')
    expect(thrown.status).toBe(503)
    expect(thrown.headers.get('x-cache')).toBe('Error from cloudfront')
    const t = await h.record(thrown.headers.get('x-amz-cf-id')!)
    expect(t.error).toMatchObject({ code: 'FunctionExecutionError', fn: 'broken', stage: 'viewer-request', detail: 'FunctionThrew: broken threw Error: kaput' })
    const invalid = await h.get('/broken/invalid')
    expect(invalid.status).toBe(502)
    const i = await h.record(invalid.headers.get('x-amz-cf-id')!)
    expect(i.error).toMatchObject({ code: 'FunctionValidationError', fn: 'broken' })
    expect(i.error!.detail).toMatch(/x-forwarded-proto/)
    const line = h.logs.find((l) => l.includes(invalid.headers.get('x-amz-cf-id')!) && l.startsWith('[edge]'))!
    expect(line).toContain('✗ broken viewer-request → 502 FunctionValidationError:')
  })

  it('a function past the compute limit is stopped: 503 ComputeLimitExceeded', async () => {
    const res = await h.get('/broken/loop')
    expect(res.status).toBe(503)
    const rec = await h.record(res.headers.get('x-amz-cf-id')!)
    expect(rec.error!.detail).toMatch(/^ComputeLimitExceeded:/)
  })

  it('a 4xx the function generates reaches the viewer as it is: no custom error page, no viewer-response function; an error page is fetched without viewer functions', async () => {
    const res = await h.get(`/deny/no/${u()}`)
    expect(res.status).toBe(403)
    expect(await res.text()).toBe('denied by function')
    expect(res.headers.get('x-cache')).toBe('FunctionGeneratedResponse from cloudfront')
    expect(res.headers.get('strict-transport-security')).toBeNull()
    expect(originSaw('/errors/403.html')).toHaveLength(0)
    // The behavior's viewer-response function runs on what the origin answers, and the custom error page on its 403.
    const ok = await h.get(`/deny/yes/${u()}`)
    expect(ok.status).toBe(200)
    expect(ok.headers.get('strict-transport-security')).toBe('max-age=63072000; includeSubdomains; preload')
    const fromOrigin = await h.get(`/deny/status/403/${u()}`)
    expect(fromOrigin.status).toBe(200)
    // The page is fetched through its own behavior without running that behavior's viewer-request function.
    expect(await fromOrigin.json()).toMatchObject({ origin: 'main', url: '/errors/403.html' })
    expect(originSaw('/errors/403.html')).toHaveLength(1)
    expect(fromOrigin.headers.get('strict-transport-security')).toBeNull()
  })

  it('viewer-response does not run on an origin error status', async () => {
    const res = await h.get('/broken/status/404')
    expect(res.status).toBe(404)
    expect(res.headers.get('cache-control')).toBeNull()
    const ok = await h.get('/broken/fine')
    expect(ok.headers.get('cache-control')).toBe('public, max-age=63072000')
  })
})

describe('a CloudFront Function beside Lambda@Edge', () => {
  it('CFF viewer-request → cache → origin-request → origin → origin-response → cache → CFF viewer-response; hits skip the origin side', async () => {
    const path = `/order/${u()}/cc/max-age%3D60`
    const miss = await h.get(path)
    expect(miss.headers.get('x-cache')).toBe('Miss from cloudfront')
    expect(originSaw(path)[0]!.headers['x-order']).toBe('cff-vreq,oreq')
    expect(miss.headers.get('x-order')).toBe('cff-vreq,oreq,oresp,cff-vresp')
    expect(miss.headers.get('x-saw-status')).toBe('200')
    const missRec = await h.record(miss.headers.get('x-amz-cf-id')!)
    expect(missRec.stages.map((s) => s.stage)).toEqual(['viewer-request', 'origin-request', 'origin-response', 'viewer-response'])
    const hit = await h.get(path)
    expect(hit.headers.get('x-cache')).toBe('Hit from cloudfront')
    expect(hit.headers.get('x-order')).toBe('cff-vreq,oreq,oresp,cff-vresp')
    expect((await h.record(hit.headers.get('x-amz-cf-id')!)).stages.map((s) => s.stage)).toEqual(['viewer-request', 'viewer-response'])
    expect(originSaw(path)).toHaveLength(1)
  })
})

describe('live reload', () => {
  it('a saved function is compiled again and swapped in; one the runtime refuses keeps the previous one', async () => {
    expect(await (await h.get('/versioned')).text()).toBe('v1')
    const reloaded = h.dev.nextReload()
    writeFileSync(join(dir, 'versioned.js'), versioned('v2'))
    expect(await reloaded).toEqual(['versioned'])
    expect(await (await h.get('/versioned')).text()).toBe('v2')
    writeFileSync(join(dir, 'versioned.js'), 'function handler(event) { const m = new Map(); return event.request }')
    for (let i = 0; i < 200 && !h.logs.some((l) => l.includes('versioned: rebuild failed')); i++) await new Promise((r) => setTimeout(r, 20))
    expect(h.logs.find((l) => l.includes('versioned: rebuild failed'))).toBeDefined()
    expect(await (await h.get('/versioned')).text()).toBe('v2')
  })
})

describe('at start', () => {
  it('a function the runtime refuses and a store file that breaks a rule stop the start, each named', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'edgeware-cff-bad-'))
    try {
      writeFileSync(join(bad, 'old.js'), 'const a = 1\nfunction handler(event) { return event.request }\n')
      writeFileSync(join(bad, 'store.json'), '{"data":[{"key":"a"}]}')
      writeFileSync(join(bad, 'latin1.json'), Buffer.from([0x7b, 0xff, 0x7d]))
      writeFileSync(join(bad, 'reader.js'), 'import cf from "cloudfront"\nasync function handler(event) { return event.request }\n')
      writeFileSync(join(bad, 'latin.js'), 'import cf from "cloudfront"\nasync function handler(event) { return event.request }\n')
      const toml = `name = "bad"\n[[edge.origins]]\nid = "app"\nurl = "${origin.url}"\n[edge.default_behavior]\norigin = "app"\nviewer_request_function = "old.js"\n[[edge.behaviors]]\npath_pattern = "/r/*"\norigin = "app"\nviewer_request_function = "reader.js"\n[edge.cloudfront_functions.old]\nruntime = "cloudfront-js-1.0"\n[edge.cloudfront_functions.reader]\nkey_value_store = "s"\n[[edge.key_value_stores]]\nid = "s"\ndata = "store.json"\n[[edge.behaviors]]\npath_pattern = "/l/*"\norigin = "app"\nviewer_request_function = "latin.js"\n[edge.cloudfront_functions.latin]\nkey_value_store = "l"\n[[edge.key_value_stores]]\nid = "l"\ndata = "latin1.json"\n`
      const err = await startDev({ config: parseConfig(toml, join(bad, 'wrangler.toml')), port: 0, watch: false, logger: { info: () => {}, error: () => {} } }).catch((e: unknown) => e as Error)
      expect(err).toBeInstanceOf(Error)
      expect((err as Error).message).toMatch(/^key value store s: .*InvalidValue: .*data\[0\]: the value of "a" must be a string/m)
      expect((err as Error).message).toMatch(/^key value store l: InvalidImportFile: .*latin1\.json: the import file is not UTF-8: byte 1 \(0xff\)/m)
      expect((err as Error).message).toMatch(/^CloudFront Function old: .*old\.js:1:0 UnsupportedSyntax: .*const/m)
    } finally {
      rmSync(bad, { recursive: true, force: true })
    }
  })
})
