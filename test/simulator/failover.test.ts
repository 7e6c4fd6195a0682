// Origin groups (reference §5): failover on the configured statuses, refused and reset connections and timeouts,
// GET/HEAD/OPTIONS only, origin-request and origin-response running again for the secondary; connection attempts.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/simulator/index.js'
import { freePort, startHarness, startTestOrigin, type Harness, type TestOrigin } from './helpers.js'

let dir: string
let primary: TestOrigin
let h: Harness
let n = 0
const u = (): string => `t${++n}-${Date.now().toString(36)}`
const servers: http.Server[] = []
let backupHits = 0

async function serve(handler: http.RequestListener): Promise<number> {
  const s = http.createServer(handler)
  servers.push(s)
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  return (s.address() as AddressInfo).port
}

// origin-request tags the request with the origin it goes to; origin-response tags the response with what it saw.
const oreq = `'use strict'
exports.handler = async (event) => {
  const request = event.Records[0].cf.request
  request.headers['x-oreq-origin'] = [{ key: 'X-OReq-Origin', value: request.origin.custom.domainName + ':' + request.origin.custom.port }]
  return request
}
`
const oresp = `'use strict'
exports.handler = async (event) => {
  const { request, response } = event.Records[0].cf
  response.headers['x-oresp-saw'] = [{ key: 'X-OResp-Saw', value: response.status + ' from ' + request.origin.custom.port }]
  return response
}
`

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgeware-failover-'))
  writeFileSync(join(dir, 'oreq.js'), oreq)
  writeFileSync(join(dir, 'oresp.js'), oresp)
  primary = await startTestOrigin('primary')
  const backup = await serve((req, res) => {
    backupHits++
    const status = /\/backup-status\/(\d{3})\//.exec(req.url ?? '')?.[1]
    res.writeHead(status ? Number(status) : req.url?.includes('/backup-fails/') ? 503 : 200, { 'content-type': 'application/json', 'x-origin': 'backup', 'cache-control': 'no-store' })
    res.end(JSON.stringify({ origin: 'backup', url: req.url, oreq: req.headers['x-oreq-origin'] }))
  })
  const resetter = await serve((req) => req.socket.destroy())
  const refused = await freePort()
  const refused2 = await freePort()
  h = await startHarness(
    parseConfig(
      `name = "failover"
[edge]
limits = "current"
[[edge.origins]]
id = "primary"
url = "${primary.url}"
[[edge.origins]]
id = "backup"
url = "http://localhost:${backup}"
[[edge.origins]]
id = "refused"
url = "http://localhost:${refused}"
connection_attempts = 1
[[edge.origins]]
id = "refused2"
url = "http://localhost:${refused2}"
connection_attempts = 1
[[edge.origins]]
id = "resetter"
url = "http://localhost:${resetter}"
[[edge.origins]]
id = "slow"
url = "${primary.url}"
read_timeout = 1
connection_attempts = 2

[[edge.origin_groups]]
id = "main"
members = ["primary", "backup"]
[[edge.origin_groups]]
id = "on-404"
members = ["primary", "backup"]
failover_status_codes = [404]
[[edge.origin_groups]]
id = "from-refused"
members = ["refused", "backup"]
[[edge.origin_groups]]
id = "from-reset"
members = ["resetter", "backup"]
[[edge.origin_groups]]
id = "from-slow"
members = ["slow", "backup"]
[[edge.origin_groups]]
id = "all-down"
members = ["refused", "refused2"]
[[edge.origin_groups]]
id = "on-400"
members = ["primary", "backup"]
failover_status_codes = [400]

[[edge.custom_error_responses]]
error_code = 405
response_page_path = "/errors/405.html"
response_code = 200
[[edge.custom_error_responses]]
error_code = 400
response_page_path = "/errors/400.html"
response_code = 200

[edge.default_behavior]
origin = "main"
origin_request = "oreq.js"
origin_response = "oresp.js"
cache = { default_ttl = 60 }
[[edge.behaviors]]
path_pattern = "/on-404/*"
origin = "on-404"
[[edge.behaviors]]
path_pattern = "/from-refused/*"
origin = "from-refused"
[[edge.behaviors]]
path_pattern = "/from-reset/*"
origin = "from-reset"
[[edge.behaviors]]
path_pattern = "/from-slow/*"
origin = "from-slow"
[[edge.behaviors]]
path_pattern = "/all-down/*"
origin = "all-down"
[[edge.behaviors]]
path_pattern = "/slow/*"
origin = "slow"
[[edge.behaviors]]
path_pattern = "/paged/*"
origin = "on-400"
`,
      join(dir, 'wrangler.toml'),
    ),
  )
}, 60_000)
afterAll(async () => {
  await h?.close()
  await primary?.close()
  for (const s of servers) await new Promise((r) => s.close(r))
  rmSync(dir, { recursive: true, force: true })
})

const json = async (res: Response): Promise<{ origin: string; oreq?: string }> => (await res.json()) as { origin: string; oreq?: string }

describe('an origin group', () => {
  it('serves from the primary when it answers a status that is not a failover status', async () => {
    const ok = await h.get(`/${u()}`)
    expect((await json(ok)).origin).toBe('primary')
    const nf = await h.get(`/status/404/${u()}`)
    expect(nf.status).toBe(404)
    expect(nf.headers.get('x-origin')).toBe('primary')
  })

  it('fails over on a failover status; origin-request and origin-response run again for the secondary', async () => {
    const before = backupHits
    const res = await h.get(`/status/503/${u()}`)
    expect(res.status).toBe(200)
    const body = await json(res)
    expect(body.origin).toBe('backup')
    expect(body.oreq).toMatch(/^localhost:\d+$/) // origin-request saw the secondary
    expect(res.headers.get('x-oresp-saw')).toMatch(/^200 from \d+$/)
    expect(backupHits).toBe(before + 1)
    const rec = await h.record(res.headers.get('x-amz-cf-id')!)
    expect(rec.stages.map((s) => s.stage)).toEqual(['origin-request', 'origin-response', 'origin-request', 'origin-response'])
    expect(rec.failover).toEqual(['primary', 'backup'])
    expect(h.logs.some((l) => l.includes(` ${new URL(res.url).pathname} 200 Miss`) && l.includes('failover primary → backup'))).toBe(true)
  })

  it('fails over only on the statuses the group lists', async () => {
    expect((await json(await h.get(`/on-404/status/404/${u()}`))).origin).toBe('backup')
    const res = await h.get(`/on-404/status/500/cc/no-store/${u()}`)
    expect(res.status).toBe(500)
    expect(res.headers.get('x-origin')).toBe('primary')
  })

  it('fails over for HEAD and OPTIONS too, never on a cache hit', async () => {
    const head = await h.get(`/status/500/${u()}`, { method: 'HEAD' })
    expect(head.headers.get('x-origin')).toBe('backup')
    const options = await h.get(`/status/500/${u()}`, { method: 'OPTIONS' })
    expect(options.headers.get('x-origin')).toBe('backup')
    const p = `/${u()}`
    await (await h.get(p)).text()
    const hit = await h.get(p)
    expect(hit.headers.get('x-cache')).toBe('Hit from cloudfront')
    expect((await json(hit)).origin).toBe('primary')
  })

  it('fails over when the primary refuses or resets the connection, or times out after its connection attempts', async () => {
    const refused = await h.get(`/from-refused/${u()}`)
    expect((await json(refused)).origin).toBe('backup')
    expect((await h.record(refused.headers.get('x-amz-cf-id')!)).failover).toEqual(['refused', 'backup'])
    expect((await json(await h.get(`/from-reset/${u()}`))).origin).toBe('backup')
    const p = `/from-slow/hang/${u()}`
    const slow = await h.get(p)
    expect((await json(slow)).origin).toBe('backup')
    expect(primary.hits(p)).toBe(2) // read timeout, GET: tried connection_attempts times
  })

  it("answers the last origin's failure when both fail: 502 with CloudFront's detailed result type, or the secondary's status", async () => {
    const down = await h.get(`/all-down/${u()}`)
    expect(down.status).toBe(502)
    expect(down.headers.get('x-cache')).toBe('Error from cloudfront')
    const rec = await h.record(down.headers.get('x-amz-cf-id')!)
    expect(rec.error?.code).toBe('OriginConnectError')
    expect(rec.failover).toEqual(['refused', 'refused2'])
    const both = await h.get(`/status/500/backup-fails/${u()}`)
    expect(both.status).toBe(503)
    expect(both.headers.get('x-origin')).toBe('backup')
  })

  it("gives the primary's status that is not a failover status, and the secondary's failure status, their custom error pages", async () => {
    const own = await h.get(`/paged/status/405/${u()}`)
    expect(own.status).toBe(200)
    expect(((await own.json()) as { url: string }).url).toBe('/errors/405.html')
    expect((await h.record(own.headers.get('x-amz-cf-id')!)).failover).toBeUndefined()
    const second = await h.get(`/paged/status/400/backup-status/400/${u()}`)
    expect(second.status).toBe(200)
    expect(((await second.json()) as { url: string }).url).toBe('/errors/400.html')
    expect((await h.record(second.headers.get('x-amz-cf-id')!)).failover).toEqual(['primary', 'backup'])
  })
})

describe('connection attempts outside a group', () => {
  it('retries a read timeout for GET, not for POST (one try, then 504)', async () => {
    const get = `/slow/hang/${u()}`
    expect((await h.get(get)).status).toBe(504)
    expect(primary.hits(get)).toBe(2)
    const post = `/slow/hang/${u()}`
    const res = await h.get(post, { method: 'POST', body: 'x' })
    expect(res.status).toBe(504)
    expect((await h.record(res.headers.get('x-amz-cf-id')!)).error?.code).toBe('OriginReadError')
    expect(primary.hits(post)).toBe(1)
  })
})
