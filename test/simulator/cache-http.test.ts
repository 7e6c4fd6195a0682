// HTTP around the cache as CloudFront does it (reference §6, §7, §1.2, §4.3): compression, Range and conditional
// requests answered from the cached object, revalidation of expired objects, collapsed forwarding.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/simulator/index.js'
import { rawExchange, startHarness, type Harness } from './helpers.js'

const LAST_MODIFIED = 'Wed, 01 Jan 2025 00:00:00 GMT'
const text = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => 'edgeware '[i % 9]).join(''))
const PAGE = text(20_000)

/** Requests the origin received, by path. */
const seen: { url: string; headers: http.IncomingHttpHeaders }[] = []
const count = (path: string): number => seen.filter((r) => r.url === path).length

/**
 * The origin, by path segment: `/size/<n>/` bytes of text/html; `/type/<type>/`; `/cc/<cache-control>/`;
 * `/etag/<etag>/`; `/encoded/` (Content-Encoding: identity); `/chunked/` (no Content-Length); `/status/<code>/`;
 * `/revalidate/<etag|lm>/` (max-age=1; a matching conditional gets 304, counted in X-Refreshes); `/fails-later/`
 * (a conditional request gets 503); `/slow/<ms>/`; `/changes/` (a new ETag each time); `/vary/<value>/`.
 */
const origin = http.createServer((req, res) => {
  const url = req.url ?? '/'
  seen.push({ url, headers: req.headers })
  const seg = (name: string): string | undefined => new RegExp(`/${name}/([^/]+)`).exec(url)?.[1]
  const n = count(url)
  const body = seg('size') ? text(Number(seg('size'))) : PAGE
  const headers: Record<string, string> = { 'content-type': decodeURIComponent(seg('type') ?? 'text/html; charset=utf-8'), 'cache-control': decodeURIComponent(seg('cc') ?? 'max-age=60'), 'x-count': String(n) }
  if (seg('etag')) headers['etag'] = decodeURIComponent(seg('etag')!)
  if (url.includes('/encoded/')) headers['content-encoding'] = 'identity'
  const mode = seg('revalidate')
  if (mode || url.includes('/fails-later/')) {
    headers['cache-control'] = 'max-age=1'
    if (mode !== 'lm') headers['etag'] = '"r1"'
    if (mode !== 'etag') headers['last-modified'] = LAST_MODIFIED
    const conditional = req.headers['if-none-match'] === '"r1"' || req.headers['if-modified-since'] === LAST_MODIFIED
    if (conditional && url.includes('/fails-later/')) {
      res.writeHead(503, { 'content-type': 'text/plain' })
      return res.end('down')
    }
    if (conditional) {
      res.writeHead(304, { 'cache-control': 'max-age=1', 'x-refreshes': String(n - 1) })
      return res.end()
    }
  }
  if (url.includes('/changes/')) headers['etag'] = `"c${n}"`
  if (seg('vary')) headers['vary'] = decodeURIComponent(seg('vary')!)
  const status = Number(seg('status') ?? 200)
  const answer = (): void => {
    if (url.includes('/chunked/')) {
      res.writeHead(status, headers)
      res.write(body.subarray(0, 1000))
      return void res.end(body.subarray(1000))
    }
    res.writeHead(status, { ...headers, 'content-length': String(body.byteLength) })
    res.end(req.method === 'HEAD' ? undefined : body)
  }
  const slow = seg('slow')
  if (slow) setTimeout(answer, Number(slow))
  else answer()
})

// viewer-response reports the encoding and length it saw; origin-request / origin-response report the revalidation.
const VRESP = `exports.handler = async (event) => {
  const r = event.Records[0].cf.response
  const h = (n) => r.headers[n] ? r.headers[n][0].value : 'none'
  r.headers['x-vresp-saw'] = [{ key: 'X-VResp-Saw', value: r.status + ' ' + h('content-encoding') + ' ' + h('content-length') + ' ' + h('content-range') }]
  if (event.Records[0].cf.request.uri.includes('/recode/')) r.headers['content-encoding'] = [{ key: 'Content-Encoding', value: 'gzip' }]
  return r
}
`
const OREQ = `exports.handler = async (event) => {
  const r = event.Records[0].cf.request
  r.headers['x-oreq-saw'] = [{ key: 'X-OReq-Saw', value: r.headers['if-none-match'] ? r.headers['if-none-match'][0].value : 'none' }]
  return r
}
`
const ORESP = `exports.handler = async (event) => {
  const r = event.Records[0].cf.response
  r.headers['x-oresp-saw'] = [{ key: 'X-OResp-Saw', value: r.status }]
  return r
}
`

let dir: string
let h: Harness
let n = 0
const u = (): string => `t${++n}-${Date.now().toString(36)}`

/** A GET that leaves the body as it came (fetch would decompress it). */
function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const r = http.request(h.dev.url + path, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    r.on('error', reject)
    r.end()
  })
}
const BR = { 'accept-encoding': 'gzip, deflate, br' }

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgeware-cache-http-'))
  writeFileSync(join(dir, 'vresp.js'), VRESP)
  writeFileSync(join(dir, 'oreq.js'), OREQ)
  writeFileSync(join(dir, 'oresp.js'), ORESP)
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r))
  const url = `http://localhost:${(origin.address() as AddressInfo).port}`
  h = await startHarness(
    parseConfig(
      `name = "cache-http"
[[edge.origins]]
id = "main"
url = "${url}"
[edge.default_behavior]
origin = "main"
cache_policy = "CachingOptimized"
[[edge.behaviors]]
path_pattern = "/vresp/*"
origin = "main"
cache_policy = "CachingOptimized"
viewer_response = "vresp.js"
[[edge.behaviors]]
path_pattern = "/fns/*"
origin = "main"
cache_policy = "CachingOptimized"
origin_request = "oreq.js"
origin_response = "oresp.js"
[[edge.behaviors]]
path_pattern = "/off/*"
origin = "main"
cache_policy = "CachingOptimized"
compress = false
[[edge.behaviors]]
path_pattern = "/gzip-only/*"
origin = "main"
cache_policy = "gzip-only"
[[edge.behaviors]]
path_pattern = "/legacy/*"
origin = "main"
cache = { default_ttl = 60 }
[[edge.behaviors]]
path_pattern = "/disabled/*"
origin = "main"
cache_policy = "CachingDisabled"
[[edge.cache_policies]]
id = "gzip-only"
brotli = false
`,
      join(dir, 'wrangler.toml'),
    ),
  )
}, 60_000)
afterAll(async () => {
  await h?.close()
  origin.closeAllConnections()
  await new Promise((r) => origin.close(r))
  rmSync(dir, { recursive: true, force: true })
})

describe('compression', () => {
  it('Brotli for a viewer accepting br and gzip, Gzip for one accepting gzip, none without: three variants, each compressed once', async () => {
    const p = `/${u()}`
    const br = await get(p, BR)
    expect(br.headers['content-encoding']).toBe('br')
    expect(Number(br.headers['content-length'])).toBe(br.body.byteLength)
    expect(br.body.byteLength).toBeLessThan(PAGE.byteLength / 5)
    expect(brotliDecompressSync(br.body)).toEqual(PAGE)
    expect(br.headers['vary']).toBe('Accept-Encoding')
    const gz = await get(p, { 'accept-encoding': 'gzip' })
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(gz.body)).toEqual(PAGE)
    const plain = await get(p)
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.body).toEqual(PAGE)
    expect(count(p)).toBe(3)
    // The origin was asked for the normalised value.
    expect(seen.filter((r) => r.url === p).map((r) => r.headers['accept-encoding'])).toEqual(['br,gzip', 'gzip', undefined])
    // Hits serve the stored bytes.
    const again = await get(p, { 'accept-encoding': 'br;q=1, gzip, identity' })
    expect(again.headers['x-cache']).toBe('Hit from cloudfront')
    expect(again.body).toEqual(br.body)
    expect(count(p)).toBe(3)
  })

  it('a strong ETag becomes weak, a weak one stays, an invalid one is removed', async () => {
    expect((await get(`/etag/%22v1%22/${u()}`, BR)).headers['etag']).toBe('W/"v1"')
    expect((await get(`/etag/W%2F%22v2%22/${u()}`, BR)).headers['etag']).toBe('W/"v2"')
    const bad = await get(`/etag/v3/${u()}`, BR)
    expect(bad.headers['content-encoding']).toBe('br')
    expect(bad.headers['etag']).toBeUndefined()
    expect((await get(`/etag/%22v4%22/${u()}`)).headers['etag']).toBe('"v4"') // not compressed: as the origin sent it
  })

  it('only 1,000 to 10,000,000 bytes, only listed types, only 200/403/404, never over Content-Encoding or a chunked body', async () => {
    const enc = async (path: string): Promise<string | undefined> => (await get(path, BR)).headers['content-encoding']
    expect(await enc(`/size/999/${u()}`)).toBeUndefined()
    expect(await enc(`/size/1000/${u()}`)).toBe('br')
    expect(await enc(`/size/10000000/${u()}`)).toBe('br')
    expect(await enc(`/size/10000001/${u()}`)).toBeUndefined()
    expect(await enc(`/type/image%2Fpng/${u()}`)).toBeUndefined()
    expect(await enc(`/type/application%2Fjson/${u()}`)).toBe('br')
    expect(await enc(`/type/TEXT%2FCSS%3B%20charset%3Dutf-8/${u()}`)).toBe('br')
    expect(await enc(`/status/404/${u()}`)).toBe('br')
    expect(await enc(`/status/403/${u()}`)).toBe('br')
    expect(await enc(`/status/500/${u()}`)).toBeUndefined()
    expect(await enc(`/encoded/${u()}`)).toBe('identity')
    expect(await enc(`/chunked/${u()}`)).toBeUndefined()
  })

  it('not where the behavior does not compress: compress = false, a policy without that coding, the legacy form, HTTP/1.0', async () => {
    expect((await get(`/off/${u()}`, BR)).headers['content-encoding']).toBeUndefined()
    expect((await get(`/gzip-only/${u()}`, { 'accept-encoding': 'br' })).headers['content-encoding']).toBeUndefined()
    expect((await get(`/gzip-only/${u()}`, BR)).headers['content-encoding']).toBe('gzip')
    expect((await get(`/legacy/${u()}`, BR)).headers['content-encoding']).toBeUndefined()
    const old = await rawExchange(h.dev.url, [`GET /${u()} HTTP/1.0\r\nHost: x\r\nAccept-Encoding: br, gzip\r\n\r\n`])
    expect(old.text).toMatch(/^HTTP\/1\.1 200 /)
    expect(old.text.toLowerCase()).not.toContain('content-encoding')
  })

  it('viewer-response sees the compressed response, Content-Encoding and Content-Length read-only there', async () => {
    const r = await get(`/vresp/${u()}`, BR)
    expect(r.headers['x-vresp-saw']).toBe(`200 br ${r.body.byteLength} none`)
    const changed = await get(`/vresp/recode/${u()}`, BR)
    expect(changed.status).toBe(502)
  })
})

describe('Range and conditional requests, from the cached object', () => {
  it('206 for one range (from to, open-ended, suffix), cut from the whole object an origin that ignores Range sent once', async () => {
    const p = `/${u()}`
    const a = await get(p, { range: 'bytes=0-99' })
    expect(a.status).toBe(206)
    expect(a.headers['content-range']).toBe(`bytes 0-99/${PAGE.byteLength}`)
    expect(a.body).toEqual(PAGE.subarray(0, 100))
    expect(seen.find((r) => r.url === p)?.headers['range']).toBeUndefined()
    const b = await get(p, { range: 'bytes=19990-' })
    expect(b.headers['content-range']).toBe(`bytes 19990-19999/${PAGE.byteLength}`)
    expect(b.body).toEqual(PAGE.subarray(19_990))
    const c = await get(p, { range: 'bytes=-5' })
    expect(c.body).toEqual(PAGE.subarray(PAGE.byteLength - 5))
    expect(c.headers['x-cache']).toBe('Hit from cloudfront')
    expect(count(p)).toBe(1)
  })

  it('416 for a range past the end (not cached); the whole object for an invalid spec or several ranges', async () => {
    const p = `/${u()}`
    const past = await get(p, { range: 'bytes=20000-' })
    expect(past.status).toBe(416)
    expect(past.headers['content-range']).toBe(`bytes */${PAGE.byteLength}`)
    expect(past.headers['x-cache']).toBe('Error from cloudfront')
    for (const range of ['bytes=9-2', 'bytes=a-b', 'items=0-1', 'bytes=0-1,5-6']) {
      const r = await get(p, { range })
      expect([range, r.status]).toEqual([range, 200])
      expect(r.body.byteLength).toBe(PAGE.byteLength)
    }
    expect((await get(p)).status).toBe(200)
  })

  it('the whole object for a chunked origin response; a range of the compressed bytes for a compressed one', async () => {
    const chunked = await get(`/chunked/${u()}`, { range: 'bytes=0-9' })
    expect(chunked.status).toBe(200)
    expect(chunked.body.byteLength).toBe(PAGE.byteLength)
    const p = `/${u()}`
    const whole = await get(p, BR)
    const part = await get(p, { ...BR, range: 'bytes=0-9' })
    expect(part.status).toBe(206)
    expect(part.headers['content-encoding']).toBe('br')
    expect(part.body).toEqual(whole.body.subarray(0, 10))
  })

  it('If-Range: the range with the current ETag, the whole object with another', async () => {
    const p = `/etag/%22v1%22/${u()}`
    expect((await get(p, { range: 'bytes=0-1', 'if-range': '"v1"' })).status).toBe(206)
    expect((await get(p, { range: 'bytes=0-1', 'if-range': '"v0"' })).status).toBe(200)
  })

  it('304 from the edge for If-None-Match (weak comparison) or If-Modified-Since; If-None-Match wins', async () => {
    const p = `/revalidate/both/${u()}`
    expect((await get(p)).status).toBe(200)
    const inm = await get(p, { 'if-none-match': 'W/"r1"' })
    expect(inm.status).toBe(304)
    expect(inm.body.byteLength).toBe(0)
    expect(inm.headers['etag']).toBe('"r1"')
    expect((await get(p, { 'if-modified-since': LAST_MODIFIED })).status).toBe(304)
    expect((await get(p, { 'if-modified-since': 'Tue, 31 Dec 2024 00:00:00 GMT' })).status).toBe(200)
    expect((await get(p, { 'if-none-match': '"other"', 'if-modified-since': LAST_MODIFIED })).status).toBe(200)
    expect(count(p)).toBe(1)
  })

  it('a request that is not cached sends Range to the origin and passes its answer on', async () => {
    const p = `/disabled/${u()}`
    const r = await get(p, { range: 'bytes=0-1' })
    expect(seen.find((x) => x.url === p)?.headers['range']).toBe('bytes=0-1')
    expect(r.status).toBe(200) // this origin ignores Range; uncached, the edge doesn't cut it
  })
})

describe('revalidation of expired objects', () => {
  it('a conditional GET with the ETag; the origin 304 refreshes the copy: RefreshHit, then Hit', async () => {
    const p = `/fns/revalidate/etag/${u()}`
    const first = await get(p)
    await new Promise((r) => setTimeout(r, 1100))
    const refreshed = await get(p)
    expect(refreshed.status).toBe(200)
    expect(refreshed.body).toEqual(first.body)
    expect(refreshed.headers['x-cache']).toBe('RefreshHit from cloudfront')
    expect(refreshed.headers['x-refreshes']).toBe('1')
    const rec = await h.record(String(refreshed.headers['x-amz-cf-id']))
    expect(rec.cache).toBe('RefreshHit')
    // origin-request saw the revalidation's If-None-Match; origin-response the 304.
    const asked = seen.filter((r) => r.url === p)
    expect(asked[1]!.headers['if-none-match']).toBe('"r1"')
    expect(asked[1]!.headers['x-oreq-saw']).toBe('"r1"')
    expect(refreshed.headers['x-oresp-saw']).toBe('304')
    expect((await get(p)).headers['x-cache']).toBe('Hit from cloudfront')
    expect(count(p)).toBe(2)
  })

  it('If-Modified-Since from Last-Modified when there is no ETag; a compressed copy stays compressed', async () => {
    const p = `/revalidate/lm/${u()}`
    const first = await get(p, BR)
    expect(first.headers['content-encoding']).toBe('br')
    await new Promise((r) => setTimeout(r, 1100))
    const refreshed = await get(p, BR)
    expect(refreshed.headers['x-cache']).toBe('RefreshHit from cloudfront')
    expect(refreshed.headers['content-encoding']).toBe('br')
    expect(refreshed.body).toEqual(first.body)
    expect(seen.filter((r) => r.url === p)[1]!.headers['if-modified-since']).toBe(LAST_MODIFIED)
  })

  it('a new object from the origin replaces the copy (Miss); a 5xx serves the stale copy', async () => {
    const p = `/changes/cc/max-age%3D1/${u()}`
    await get(p)
    await new Promise((r) => setTimeout(r, 1100))
    const next = await get(p)
    expect(next.headers['x-cache']).toBe('Miss from cloudfront')
    expect(next.headers['etag']).toBe('"c2"')
    const q = `/fails-later/${u()}`
    const first = await get(q)
    await new Promise((r) => setTimeout(r, 1100))
    const stale = await get(q)
    expect(stale.status).toBe(200)
    expect(stale.headers['x-cache']).toBe('Hit from cloudfront')
    expect(stale.body).toEqual(first.body)
  })
})

describe('collapsed forwarding', () => {
  it('Vary: * under MinTTL 0 sends every request to the origin, unconditionally; under MinTTL > 0 the copy is served', async () => {
    const p = `/legacy/${u()}/vary/*/etag/%22v1%22/`
    expect((await get(p)).headers['x-cache']).toBe('Miss from cloudfront')
    expect((await get(p)).headers['x-cache']).toBe('Miss from cloudfront')
    expect(seen.filter((r) => r.url === p).map((r) => r.headers['if-none-match'] ?? 'none')).toEqual(['none', 'none'])
    const q = `/${u()}/vary/*/` // CachingOptimized: MinTTL 1
    await get(q)
    expect((await get(q)).headers['x-cache']).toBe('Hit from cloudfront')
    expect(count(q)).toBe(1)
  })

  it('simultaneous misses for one key make one origin request; every viewer gets the same object', async () => {
    const p = `/slow/300/${u()}`
    const all = await Promise.all(Array.from({ length: 10 }, () => get(p)))
    expect(count(p)).toBe(1)
    expect(new Set(all.map((r) => r.status))).toEqual(new Set([200]))
    expect(all.every((r) => r.body.equals(PAGE))).toBe(true)
    expect(all.map((r) => r.headers['x-cache']).sort()).toEqual([...Array(9).fill('Hit from cloudfront'), 'Miss from cloudfront'])
  })

  it('errors included: they all get the origin’s 500', async () => {
    const p = `/slow/300/status/500/cc/no-store/${u()}`
    const all = await Promise.all(Array.from({ length: 5 }, () => get(p)))
    expect(count(p)).toBe(1)
    expect(all.map((r) => r.status)).toEqual([500, 500, 500, 500, 500])
  })

  it('a slow origin does not hold requests for other keys', async () => {
    const slow = get(`/slow/1500/${u()}`)
    const t0 = Date.now()
    const quick = await get(`/${u()}`)
    expect(quick.status).toBe(200)
    expect(Date.now() - t0).toBeLessThan(1000)
    expect((await slow).status).toBe(200)
  })
})
