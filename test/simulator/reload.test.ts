import { writeFileSync } from 'node:fs'
import net from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSite, type Harness, type Site } from './helpers.js'

const fnSource = (version: string): string => `
exports.handler = async (event) => {
  const request = event.Records[0].cf.request
  if (request.uri === '/slow') await new Promise((r) => setTimeout(r, 600))
  if (request.uri === '/oom') { const keep = []; for (;;) keep.push(new Array(1e6).fill(Math.random())) }
  if (request.uri === '/exit') process.exit(3)
  if (request.uri === '/version' || request.uri === '/slow') return { status: '200', body: '${version}' }
  request.headers['x-added'] = [{ key: 'X-Added', value: '${version}' }]
  return request
}
`

let site: Site
let dir: string
let h: Harness

beforeAll(async () => {
  site = await startSite('reload', { 'vreq.js': fnSource('v1') }, 'viewer_request = "vreq.js"\ncache = { headers = ["x-added"] }\n', { watch: true, verbose: true })
  dir = site.dir
  h = site.h
}, 60_000)

afterAll(() => site?.close())

describe('live reload', () => {
  it('rebuilds a saved function and swaps it in without dropping the request in flight', async () => {
    expect(await (await h.get('/version')).text()).toBe('v1')
    const inFlight = h.get('/slow')
    await new Promise((r) => setTimeout(r, 100))
    const reloaded = h.dev.nextReload()
    writeFileSync(join(dir, 'vreq.js'), fnSource('v2'))
    expect(await reloaded).toEqual(['vreq'])
    const res = await h.get('/version')
    expect(await res.text()).toBe('v2')
    const rec = await h.record(res.headers.get('x-amz-cf-id')!)
    expect(rec.stages[0]!.cold).toBe(true)
    // the request that was running on the old container finished on the old code
    const old = await inFlight
    expect(old.status).toBe(200)
    expect(await old.text()).toBe('v1')
  })

  it('keeps serving the previous build when the new one does not compile', async () => {
    const reloadedOk = h.dev.nextReload()
    writeFileSync(join(dir, 'vreq.js'), 'exports.handler = async (e) => { return (')
    for (let i = 0; i < 100 && !h.logs.some((l) => l.includes('rebuild failed')); i++) await new Promise((r) => setTimeout(r, 20))
    expect(h.logs.some((l) => l.includes('rebuild failed'))).toBe(true)
    expect(await (await h.get('/version')).text()).toBe('v2')
    writeFileSync(join(dir, 'vreq.js'), fnSource('v3'))
    await reloadedOk
    expect(await (await h.get('/version')).text()).toBe('v3')
  })
})

describe('verbose log', () => {
  it('prints each stage event and what the function changed', async () => {
    const res = await h.get('/echo/verbose')
    const id = res.headers.get('x-amz-cf-id')!
    await h.record(id)
    expect(h.logs.some((l) => l.includes(id) && l.includes('viewer-request event {"Records"'))).toBe(true)
    expect(h.logs.some((l) => l.includes(id) && l.includes('+ headers.x-added.0.value "v3"'))).toBe(true)
    const line = h.logs.find((l) => l.startsWith('[edge] GET /echo/verbose 200 Miss'))
    expect(line).toMatch(/VReq [\d.]+ms (warm|cold)/)
    expect(line).toMatch(/origin [\d.]+ms/)
  })
})

describe('robustness', () => {
  it('answers 503 when a function runs out of memory or exits, and keeps serving', async () => {
    const oom = await h.get('/oom')
    expect(oom.status).toBe(503)
    expect(oom.headers.get('x-cache')).toBe('Error from cloudfront')
    const exit = await h.get('/exit')
    expect(exit.status).toBe(503)
    expect(await (await h.get('/version')).text()).toBe('v3')
  }, 30_000)

  it('survives malformed HTTP and answers the next request', async () => {
    const port = Number(new URL(h.dev.url).port)
    const reply = await new Promise<string>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => s.write('GARBAGE \u0000\u0001 / HTTP/9.9\r\nno colon here\r\n\r\n'))
      let out = ''
      s.on('data', (c) => (out += c.toString()))
      s.on('close', () => resolve(out))
      s.on('error', () => resolve(out))
      setTimeout(() => s.destroy(), 2000)
    })
    expect(reply.slice(0, 40)).toMatch(/^(|HTTP\/1\.[01] [45]\d\d[^]*)$/) // an HTTP error answer (or a closed socket), never a crash
    expect((await h.get('/version')).status).toBe(200)
  })
})

describe('live reload with every container busy', () => {
  it('starts a container on the new code beyond the maximum instead of waiting for the old ones', async () => {
    const busy = await startSite('reload-busy', { 'vreq.js': fnSource('v1') }, 'viewer_request = "vreq.js"\n', { maxContainers: 1, origin: site.origin })
    const { dir: dir2, h: h2 } = busy
    try {
      expect(await (await h2.get('/version')).text()).toBe('v1')
      let slowDone = false
      const slow = h2.get('/slow').then((r) => {
        slowDone = true
        return r
      })
      await new Promise((r) => setTimeout(r, 100))
      writeFileSync(join(dir2, 'vreq.js'), fnSource('v2'))
      await h2.dev.reload()
      const res = await h2.get('/version')
      expect(await res.text()).toBe('v2')
      // answered by a new container while the only one allowed was still busy on the old code
      expect(slowDone).toBe(false)
      expect((await h2.record(res.headers.get('x-amz-cf-id')!)).stages[0]!.cold).toBe(true)
      expect(await (await slow).text()).toBe('v1')
    } finally {
      await busy.close()
    }
  })
})
