// The local edge (`edgeware dev`): requests/s and added latency through the four stages, on cache hits and on
// misses, against direct requests to the same origin measured side by side in this run; cache hits on a behavior
// with a cache policy + an origin request policy + a response headers policy against the legacy-settings behavior;
// a 100 KB miss from an S3 origin (a local folder) against the same file from a custom origin; hits and misses of a
// 20 KB text page compressed (Brotli) against the same page uncompressed; 100 simultaneous misses of one key (origin
// requests: 1); memory after 10,000 requests vs after 100, and after 10,000 compressed hits. Loopback only.
// Run: `node bench/dev.bench.mjs` (or `npm run bench -- dev`).
//
// The load generator runs in its own process (keep-alive connections, fixed concurrency, fixed duration) so it
// does not share an event loop with the edge's Node host; the origin runs in this process. Each phase first warms
// up at the measured concurrency (BENCH_WARM_MS, default 1000 ms: every container isolate and workerd get their
// JIT-compiled code, which otherwise takes much of a 3 s window), then measures; CPU is counted over the measured
// part only.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { join } from 'node:path'
import { importSource, machine, tempDir } from './_lib.mjs'

const work = tempDir('dev')
mkdirSync(join(work, 'fns'))

const DURATION_MS = Number(process.env.BENCH_MS ?? 3000)
const WARM_MS = Number(process.env.BENCH_WARM_MS ?? 1000)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8)
const SERIAL = 400

// --- the simulator, bundled from src (TypeScript) ---
const { startDev, parseConfig } = await importSource(`export { startDev, parseConfig } from './src/simulator/index.ts'`)

// --- four edgeware-made pass-through functions (the real runtime, one header each) ---
const fns = {
  'viewer-request': `import { viewerRequest } from 'edgeware'\nexport const handler = viewerRequest(async (c, next) => { c.request.headers.set('x-vreq', '1'); await next() })\n`,
  'origin-request': `import { originRequest } from 'edgeware'\nexport const handler = originRequest(async (c, next) => { c.request.headers.set('x-oreq', '1'); await next() })\n`,
  'origin-response': `import { originResponse } from 'edgeware'\nexport const handler = originResponse(async (c, next) => { await next(); c.response.headers.set('x-oresp', '1') })\n`,
  'viewer-response': `import { viewerResponse } from 'edgeware'\nexport const handler = viewerResponse(async (c, next) => { await next(); c.response.headers.set('x-vresp', '1') })\n`,
}
for (const [stage, src] of Object.entries(fns)) writeFileSync(join(work, 'fns', `${stage}.ts`), src)

// --- the origin: 1 KiB page; /hit/* and /phit/* cacheable, /miss/* no-store; /big/* a 100 KB file (no-store);
// /z/* a 20 KB text page (cacheable), /zmiss/* the same no-store; /collapse/* the page after 200 ms, counted ---
const page = Buffer.from('<!doctype html><title>bench</title>' + 'x'.repeat(1024 - 36))
const words = 'the local edge compresses text as CloudFront does, once, when it stores an object; '
const text20k = Buffer.from(('<!doctype html><title>bench</title><p>' + words.repeat(400)).slice(0, 20_000))
let collapsed = 0
const big = randomBytes(100 * 1024)
mkdirSync(join(work, 'bucket', 's3', 'big'), { recursive: true })
writeFileSync(join(work, 'bucket', 's3', 'big', 'file.bin'), big)
const origin = http.createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
  if (req.url.startsWith('/z/') || req.url.startsWith('/zmiss/')) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': req.url.startsWith('/z/') ? 'max-age=3600' : 'no-store', 'content-length': text20k.length })
    return res.end(text20k)
  }
  if (req.url.startsWith('/collapse/')) {
    collapsed++
    return setTimeout(() => {
      res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'max-age=3600', 'content-length': page.length })
      res.end(page)
    }, 200)
  }
  if (req.url.startsWith('/big/')) {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store', 'content-length': big.length })
    return res.end(big)
  }
  const cc = req.url.startsWith('/miss/') ? 'no-store' : 'public, max-age=3600'
  res.writeHead(200, { 'content-type': 'text/html', 'cache-control': cc, 'content-length': page.length })
  res.end(page)
})
await new Promise((r) => origin.listen(0, '127.0.0.1', r))
const originPort = origin.address().port

const config = parseConfig(
  `name = "bench"
[[edge.origins]]
id = "o"
url = "http://localhost:${originPort}"
[[edge.origins]]
id = "bucket"
s3 = { dir = "bucket", bucket = "bench-bucket", region = "us-east-1" }
[edge.default_behavior]
origin = "o"
viewer_request = "fns/viewer-request.ts"
origin_request = "fns/origin-request.ts"
origin_response = "fns/origin-response.ts"
viewer_response = "fns/viewer-response.ts"
cache = { default_ttl = 3600 }
[[edge.behaviors]]
path_pattern = "/phit/*"
origin = "o"
viewer_request = "fns/viewer-request.ts"
origin_request = "fns/origin-request.ts"
origin_response = "fns/origin-response.ts"
viewer_response = "fns/viewer-response.ts"
cache_policy = "by-lang"
origin_request_policy = "AllViewerExceptHostHeader"
response_headers_policy = "CORS-with-preflight-and-SecurityHeadersPolicy"
[[edge.behaviors]]
path_pattern = "/z/*"
origin = "o"
viewer_request = "fns/viewer-request.ts"
viewer_response = "fns/viewer-response.ts"
cache_policy = "CachingOptimized"
[[edge.behaviors]]
path_pattern = "/zmiss/*"
origin = "o"
cache_policy = "CachingOptimized"
[[edge.behaviors]]
path_pattern = "/big/*"
origin = "o"
cache_policy = "CachingDisabled"
[[edge.behaviors]]
path_pattern = "/s3/*"
origin = "bucket"
cache_policy = "CachingDisabled"
[[edge.cache_policies]]
id = "by-lang"
default_ttl = 3600
headers = ["accept-language"]
query_strings = "all"
`,
  join(work, 'wrangler.toml'),
)
let requests = 0
const dev = await startDev({ config, port: 0, watch: false, logger: { info() {}, error() {} }, onRequest: () => requests++ })

// --- the load generator (child process) ---
// A minimal HTTP/1.1 keep-alive client on raw sockets (like wrk or autocannon): Node's http client costs ~0.25 ms
// of CPU per request, a quarter of what the edge itself needs, taken from the same 2 cores. It checks each status
// line and reads each whole body (Content-Length or chunked).
const loadScript = join(work, 'load.mjs')
writeFileSync(
  loadScript,
  `import net from 'node:net'
const [base, mode, duration, concurrency, serial, warm] = process.argv.slice(2)
const url = new URL(base)
const idle = []
let seq = 0
const path = () => mode === 'miss' ? '/miss/' + (seq++) : mode === 'phit' ? '/phit/' + (seq++ % 16) : mode.endsWith('zhit') ? '/z/' + (seq++ % 16) : mode.endsWith('zmiss') ? '/zmiss/' + (seq++) : mode.startsWith('/') ? mode : '/hit/' + (seq++ % 16)
// br-zhit, br-zmiss: a viewer accepting Brotli (the stored object is compressed); zhit, zmiss: one accepting nothing
const accept = mode.startsWith('br-') ? 'Accept-Encoding: br, gzip\\r\\n' : ''
function connection() {
  const s = net.connect(Number(url.port), url.hostname)
  s.setNoDelay(true)
  const c = { s, buf: null, done: null, fail: null, dead: false }
  const parse = () => {
    const buf = c.buf
    const he = buf.indexOf('\\r\\n\\r\\n')
    if (he < 0) return
    const head = buf.toString('latin1', 0, he).toLowerCase()
    const status = Number(head.slice(9, 12))
    let end
    const cl = /\\r\\ncontent-length: *(\\d+)/.exec(head)
    if (cl) end = he + 4 + Number(cl[1])
    else if (/\\r\\ntransfer-encoding: *chunked/.test(head)) {
      let at = he + 4
      for (;;) {
        const nl = buf.indexOf('\\r\\n', at)
        if (nl < 0) return
        const size = parseInt(buf.toString('latin1', at, nl), 16)
        at = nl + 2 + size + 2
        if (at > buf.length) return
        if (size === 0) break
      }
      end = at
    } else end = he + 4
    if (buf.length < end) return
    c.buf = buf.length > end ? buf.subarray(end) : null
    const done = c.done
    c.done = c.fail = null
    done(status)
  }
  s.on('data', (chunk) => { c.buf = c.buf ? Buffer.concat([c.buf, chunk]) : chunk; if (c.done) parse() })
  s.on('error', (e) => c.fail && c.fail(e))
  s.on('close', () => { c.dead = true; if (c.fail) c.fail(new Error('connection closed')) })
  return c
}
const get = () => new Promise((resolve, reject) => {
  let c = idle.pop()
  while (c && c.dead) c = idle.pop()
  c ??= connection()
  const t = performance.now()
  c.done = (status) => { idle.push(c); status === 200 ? resolve(performance.now() - t) : reject(new Error('status ' + status)) }
  c.fail = reject
  c.s.write('GET ' + path() + ' HTTP/1.1\\r\\nHost: ' + url.host + '\\r\\n' + accept + 'Connection: keep-alive\\r\\n\\r\\n')
})
for (let i = 0; i < 64; i++) await get()  // fill the cache
// warm up at the measured concurrency (JIT in every isolate on the way)
const w0 = performance.now()
await Promise.all(Array.from({ length: Number(concurrency) }, async () => { while (performance.now() - w0 < Number(warm)) await get() }))
const lat = []
for (let i = 0; i < Number(serial); i++) lat.push(await get())
lat.sort((a, b) => a - b)
let n = 0
process.stdout.write('go\\n') // the parent starts counting CPU
const cpu0 = process.cpuUsage()
const t0 = performance.now()
const conc = []
await Promise.all(Array.from({ length: Number(concurrency) }, async () => { while (performance.now() - t0 < Number(duration)) { conc.push(await get()); n++ } }))
conc.sort((a, b) => a - b)
const secs = (performance.now() - t0) / 1000
const q = (a, p) => a[Math.min(a.length - 1, Math.floor(a.length * p))]
const cpu = process.cpuUsage(cpu0)
for (const c of idle) c.s.destroy()
console.log(JSON.stringify({ lgCpu: (cpu.user + cpu.system) / 1000 / n, rps: n / secs, p50: q(lat, 0.5), p99: q(lat, 0.99), cp50: q(conc, 0.5), cp99: q(conc, 0.99), n }))
`,
)
/** CPU seconds used so far by this process (origin + the edge's Node host) and by workerd. */
function cpu() {
  const u = process.cpuUsage()
  let workerd = 0
  for (const pid of workerdPids()) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      workerd += (Number(f[11]) + Number(f[12])) / 100 // utime + stime, clock ticks (USER_HZ = 100)
    } catch {}
  }
  return { node: (u.user + u.system) / 1e6, workerd }
}
function workerdPids() {
  const out = []
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === process.pid && /workerd/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))) out.push(pid)
    } catch {}
  }
  return out
}
/** One phase; CPU of this process and of workerd over its measured (concurrent) part. */
function measured(base, mode) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [loadScript, base, mode, String(DURATION_MS), String(CONCURRENCY), String(SERIAL), String(WARM_MS)], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    let c0
    let c1
    child.stdout.on('data', (c) => {
      out += c
      if (!c0 && out.startsWith('go\n')) c0 = cpu()
      if (c0 && !c1 && out.endsWith('}\n')) c1 = cpu()
    })
    child.on('exit', (code) => {
      if (code !== 0 || !c0 || !c1) return reject(new Error(`load generator exited ${code}`))
      const r = JSON.parse(out.slice(3))
      r.cpuNode = c1.node - c0.node
      r.cpuWorkerd = c1.workerd - c0.workerd
      resolve(r)
    })
  })
}

function memory() {
  const m = process.memoryUsage()
  let workerd = 0
  // workerd runs as a child process of this one: add its RSS.
  for (const pid of workerdPids()) {
    try {
      workerd += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024
    } catch {}
  }
  return { rss: m.rss, heap: m.heapUsed, workerd }
}
const mb = (b) => (b / 1048576).toFixed(1) + ' MB'
const f = (x) => x.toFixed(2)

const direct = await measured(`http://127.0.0.1:${originPort}`, 'direct')
const hit = await measured(dev.url, 'hit')
const policyHit = await measured(dev.url, 'phit')
const directMiss = await measured(`http://127.0.0.1:${originPort}`, 'direct')
const miss = await measured(dev.url, 'miss')
const customBig = await measured(dev.url, '/big/file.bin')
const s3Big = await measured(dev.url, '/s3/big/file.bin')
const plainHit = await measured(dev.url, 'zhit')
const brHit = await measured(dev.url, 'br-zhit')
const plainMiss = await measured(dev.url, 'zmiss')
const brMiss = await measured(dev.url, 'br-zmiss')
// Requests of the measured part, for CPU per request.
const total = (r) => r.n
const cpuPer = (r) => ((r.cpuNode + r.cpuWorkerd) / total(r)) * 1000

console.log(`dev edge vs direct origin (concurrency ${CONCURRENCY}, ${DURATION_MS} ms each after ${WARM_MS} ms of warm-up, serial latency over ${SERIAL} requests)`)
console.log(`  direct origin          ${direct.rps.toFixed(0).padStart(6)} req/s   median ${f(direct.p50)} ms  p99 ${f(direct.p99)} ms`)
console.log(`  edge hits (VReq+VResp) ${hit.rps.toFixed(0).padStart(6)} req/s   median ${f(hit.p50)} ms  p99 ${f(hit.p99)} ms   added: median ${f(hit.p50 - direct.p50)} ms, p99 ${f(hit.p99 - direct.p99)} ms   ratio ${(hit.rps / direct.rps).toFixed(2)}x of direct req/s`)
console.log(`  edge misses (4 stages) ${miss.rps.toFixed(0).padStart(6)} req/s   median ${f(miss.p50)} ms  p99 ${f(miss.p99)} ms   added: median ${f(miss.p50 - directMiss.p50)} ms, p99 ${f(miss.p99 - directMiss.p99)} ms   ratio ${(miss.rps / directMiss.rps).toFixed(2)}x of direct req/s`)
console.log(`  CPU per request (load-independent): direct ${f(cpuPer(direct))} ms; edge hit ${f(cpuPer(hit))} ms (host ${f((hit.cpuNode / total(hit)) * 1000)} + workerd ${f((hit.cpuWorkerd / total(hit)) * 1000)}); edge miss ${f(cpuPer(miss))} ms`)
console.log(`  load generator (same machine): ${f(hit.lgCpu)} ms CPU per request on hits, ${f(direct.lgCpu)} ms on direct requests`)
console.log(`  => hits on 2 otherwise idle cores, CPU-bound estimate: ~${Math.round(2000 / (cpuPer(hit) + hit.lgCpu))} req/s with this load generator, ~${Math.round(2000 / cpuPer(hit))} req/s for the edge alone`)
console.log(`  machine during the run: ${machine()} (figures above are from a shared machine when the load is well over the cores)`)
console.log(`  goals: >= 2000 req/s on hits: ${hit.rps >= 2000 ? 'met' : 'NOT met'}; < 2 ms added at the median on hits: ${hit.p50 - direct.p50 < 2 ? 'met' : 'NOT met'}`)
console.log(`policies vs legacy settings, cache hits (same VReq+VResp functions; cache policy + AllViewerExceptHostHeader + CORS-with-preflight-and-SecurityHeadersPolicy)`)
console.log(`  legacy behavior        ${hit.rps.toFixed(0).padStart(6)} req/s   median ${f(hit.p50)} ms  p99 ${f(hit.p99)} ms`)
console.log(`  policy behavior        ${policyHit.rps.toFixed(0).padStart(6)} req/s   median ${f(policyHit.p50)} ms  p99 ${f(policyHit.p99)} ms   added: median ${f(policyHit.p50 - hit.p50)} ms   ratio ${(policyHit.rps / hit.rps).toFixed(2)}x of legacy req/s; ${f(policyHit.p50 - direct.p50)} ms added over direct`)
console.log(`  goals: >= 2000 req/s on policy hits: ${policyHit.rps >= 2000 ? 'met' : 'NOT met'}; < 2 ms added at the median over direct: ${policyHit.p50 - direct.p50 < 2 ? 'met' : 'NOT met'}`)
console.log(`a 100 KB miss, no functions, CachingDisabled: S3 origin (a local folder, served by the host) vs a custom origin`)
console.log(`  custom origin          ${customBig.rps.toFixed(0).padStart(6)} req/s   median ${f(customBig.p50)} ms  p99 ${f(customBig.p99)} ms`)
console.log(`  S3 origin              ${s3Big.rps.toFixed(0).padStart(6)} req/s   median ${f(s3Big.p50)} ms  p99 ${f(s3Big.p99)} ms   added: median ${f(s3Big.p50 - customBig.p50)} ms   ratio ${(s3Big.rps / customBig.rps).toFixed(2)}x of custom req/s`)
console.log(`  goal: < 3 ms added at the median: ${s3Big.p50 - customBig.p50 < 3 ? 'met' : 'NOT met'}`)
console.log(`a 20 KB text page (CachingOptimized, VReq+VResp on hits, no functions on misses): Brotli-compressed vs uncompressed`)
console.log(`  uncompressed hits      ${plainHit.rps.toFixed(0).padStart(6)} req/s   median ${f(plainHit.p50)} ms  p99 ${f(plainHit.p99)} ms   CPU ${f(cpuPer(plainHit))} ms/req`)
console.log(`  compressed hits        ${brHit.rps.toFixed(0).padStart(6)} req/s   median ${f(brHit.p50)} ms  p99 ${f(brHit.p99)} ms   CPU ${f(cpuPer(brHit))} ms/req   cost ratio ${(cpuPer(brHit) / cpuPer(plainHit)).toFixed(2)}x (CPU), ${(plainHit.rps / brHit.rps).toFixed(2)}x (req/s)`)
console.log(`  uncompressed misses    ${plainMiss.rps.toFixed(0).padStart(6)} req/s   median ${f(plainMiss.p50)} ms  p99 ${f(plainMiss.p99)} ms   CPU ${f(cpuPer(plainMiss))} ms/req`)
console.log(`  compressed misses      ${brMiss.rps.toFixed(0).padStart(6)} req/s   median ${f(brMiss.p50)} ms  p99 ${f(brMiss.p99)} ms   CPU ${f(cpuPer(brMiss))} ms/req   (compression by the host: +${f(brMiss.p50 - plainMiss.p50)} ms median, +${f(cpuPer(brMiss) - cpuPer(plainMiss))} ms CPU)`)
console.log(`  goals: a compressed hit within 1.2x an uncompressed one (CPU): ${cpuPer(brHit) / cpuPer(plainHit) <= 1.2 ? 'met' : 'NOT met'}; >= 2000 req/s on compressed hits: ${brHit.rps >= 2000 ? 'met' : 'NOT met'}`)

// --- 100 simultaneous misses of one key: collapsed into one origin request ---
{
  const agent = new http.Agent({ keepAlive: false, maxSockets: 100 })
  const statuses = await Promise.all(
    Array.from({ length: 100 }, () => new Promise((resolve, reject) => http.get(dev.url + '/collapse/one', { agent }, (r) => { r.resume(); r.on('end', () => resolve(r.statusCode)) }).on('error', reject))),
  )
  agent.destroy()
  console.log(`100 simultaneous misses of one key (origin answers after 200 ms): origin requests ${collapsed}, viewers answered 200: ${statuses.filter((s) => s === 200).length}   goal (1 origin request): ${collapsed === 1 ? 'met' : 'NOT met'}`)
}

// --- memory after 100 vs after 10,000 requests (hits and misses mixed) ---
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 })
let k = 0
/** `count` requests, 8 at a time, each to `next()` (a path, and the request headers). */
const run = async (count, next) => {
  let left = count
  const one = () =>
    new Promise((resolve, reject) => {
      const [p, headers] = next()
      http.get(dev.url + p, { agent, headers }, (r) => { r.resume(); r.on('end', resolve) }).on('error', reject)
    })
  await Promise.all(Array.from({ length: 8 }, async () => { while (left-- > 0) await one() }))
}
/** Memory after `count` requests (after `warm` first), garbage collected. */
const memoryOver = async (warm, count, next) => {
  await run(warm, next)
  globalThis.gc?.()
  const before = memory()
  await run(count, next)
  globalThis.gc?.()
  await new Promise((r) => setTimeout(r, 200))
  globalThis.gc?.()
  return [before, memory()]
}
const mixed = () => [k++ % 10 === 0 ? `/miss/m${k}` : `/hit/${k % 16}`, {}]
const [m100, m10k] = await memoryOver(100, 9900, mixed)
console.log(`memory after 100 requests: host RSS ${mb(m100.rss)}, heap ${mb(m100.heap)}, workerd RSS ${mb(m100.workerd)}`)
console.log(`memory after 10,000:       host RSS ${mb(m10k.rss)}, heap ${mb(m10k.heap)}, workerd RSS ${mb(m10k.workerd)}   (heap ratio ${(m10k.heap / m100.heap).toFixed(2)}x, RSS ratio ${(m10k.rss / m100.rss).toFixed(2)}x)`)

// --- memory over 10,000 compressed hits (the 20 KB page, Brotli) ---
const [z0, z1] = await memoryOver(100, 10_000, () => [`/z/${k++ % 16}`, { 'accept-encoding': 'br, gzip' }])
console.log(`compressed hits, before 10,000: host RSS ${mb(z0.rss)}, heap ${mb(z0.heap)}, workerd RSS ${mb(z0.workerd)}`)
console.log(`compressed hits, after 10,000:  host RSS ${mb(z1.rss)}, heap ${mb(z1.heap)}, workerd RSS ${mb(z1.workerd)}   (heap ratio ${(z1.heap / z0.heap).toFixed(2)}x, RSS ratio ${(z1.rss / z0.rss).toFixed(2)}x, workerd ${(z1.workerd / z0.workerd).toFixed(2)}x)`)

agent.destroy()
await dev.close()
await new Promise((r) => origin.close(r))
