// The local edge (`edgeware dev`): requests/s and added latency through the four stages, on cache hits and on
// misses, against direct requests to the same origin measured side by side in this run; cache hits on a behavior
// with a cache policy + an origin request policy + a response headers policy against the legacy-settings behavior;
// a 100 KB miss from an S3 origin (a local folder) against the same file from a custom origin; a miss to a warm
// Lambda origin (function URL) against a miss to a plain HTTP origin serving the same 1 KiB page (no functions
// either way); hits and misses of a 20 KB text page compressed (Brotli) against the same page uncompressed; 100
// simultaneous misses of one key (origin requests: 1); memory after 10,000 requests vs after 100, and after 10,000
// compressed hits. Loopback only. Run: `node bench/dev.bench.mjs` (or `npm run bench -- dev`).
//
// The load generator runs in its own process (keep-alive connections, fixed concurrency, fixed duration) so it
// does not share an event loop with the edge's Node host; the origin runs in this process. Each phase first warms
// up at the measured concurrency (BENCH_WARM_MS, default 1000 ms: every container isolate and workerd get their
// JIT-compiled code, which otherwise takes much of a 3 s window), then measures; CPU is counted over the measured
// part only.
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { join } from 'node:path'
import { importSource, machine, tempDir } from './_lib.mjs'
import { describeLoad, loadGenerator, workerdPids } from './_load.mjs'

const work = tempDir('dev')
mkdirSync(join(work, 'fns'))

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
// --- a Lambda origin answering the origin's 1 KiB page, uncacheable ---
writeFileSync(
  join(work, 'fns', 'page.mjs'),
  `const body = '<!doctype html><title>bench</title>' + 'x'.repeat(1024 - 36)\nexport const handler = async () => ({ statusCode: 200, headers: { 'content-type': 'text/html', 'cache-control': 'no-store' }, body })\n`,
)

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
[[edge.origins]]
id = "lambda"
lambda = { handler = "fns/page.mjs", integration = "url" }
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
[[edge.behaviors]]
path_pattern = "/omiss/*"
origin = "o"
cache_policy = "CachingDisabled"
[[edge.behaviors]]
path_pattern = "/lmiss/*"
origin = "lambda"
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

const { measured } = loadGenerator(work)

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

const direct = await measured(`http://127.0.0.1:${originPort}`, '/hit/%16')
const hit = await measured(dev.url, '/hit/%16')
const policyHit = await measured(dev.url, '/phit/%16')
const directMiss = await measured(`http://127.0.0.1:${originPort}`, '/hit/%16')
const miss = await measured(dev.url, '/miss/%')
const customBig = await measured(dev.url, '/big/file.bin')
const s3Big = await measured(dev.url, '/s3/big/file.bin')
const plainMiss = await measured(dev.url, '/omiss/%')
const lambdaMiss = await measured(dev.url, '/lmiss/%')
// A viewer accepting Brotli gets the stored compressed object; one accepting nothing the uncompressed one.
const br = { 'Accept-Encoding': 'br, gzip' }
const zHit = await measured(dev.url, '/z/%16')
const zBrHit = await measured(dev.url, '/z/%16', br)
const zMiss = await measured(dev.url, '/zmiss/%')
const zBrMiss = await measured(dev.url, '/zmiss/%', br)
// Requests of the measured part, for CPU per request.
const total = (r) => r.n
const cpuPer = (r) => ((r.cpuNode + r.cpuWorkerd) / total(r)) * 1000

console.log(`dev edge vs direct origin (${describeLoad()})`)
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
console.log(`a miss, no functions, CachingDisabled, the same 1 KiB page: a warm Lambda origin (function URL) vs a plain HTTP origin`)
console.log(`  HTTP origin            ${plainMiss.rps.toFixed(0).padStart(6)} req/s   median ${f(plainMiss.p50)} ms  p99 ${f(plainMiss.p99)} ms   CPU ${f(cpuPer(plainMiss))} ms/request`)
console.log(`  Lambda origin          ${lambdaMiss.rps.toFixed(0).padStart(6)} req/s   median ${f(lambdaMiss.p50)} ms  p99 ${f(lambdaMiss.p99)} ms   CPU ${f(cpuPer(lambdaMiss))} ms/request   added: median ${f(lambdaMiss.p50 - plainMiss.p50)} ms   ratio ${(lambdaMiss.rps / plainMiss.rps).toFixed(2)}x of HTTP-origin req/s`)
console.log(`  goal: < 2 ms added at the median: ${lambdaMiss.p50 - plainMiss.p50 < 2 ? 'met' : 'NOT met'}`)
console.log(`a 20 KB text page (CachingOptimized, VReq+VResp on hits, no functions on misses): Brotli-compressed vs uncompressed`)
console.log(`  uncompressed hits      ${zHit.rps.toFixed(0).padStart(6)} req/s   median ${f(zHit.p50)} ms  p99 ${f(zHit.p99)} ms   CPU ${f(cpuPer(zHit))} ms/req`)
console.log(`  compressed hits        ${zBrHit.rps.toFixed(0).padStart(6)} req/s   median ${f(zBrHit.p50)} ms  p99 ${f(zBrHit.p99)} ms   CPU ${f(cpuPer(zBrHit))} ms/req   cost ratio ${(cpuPer(zBrHit) / cpuPer(zHit)).toFixed(2)}x (CPU), ${(zHit.rps / zBrHit.rps).toFixed(2)}x (req/s)`)
console.log(`  uncompressed misses    ${zMiss.rps.toFixed(0).padStart(6)} req/s   median ${f(zMiss.p50)} ms  p99 ${f(zMiss.p99)} ms   CPU ${f(cpuPer(zMiss))} ms/req`)
console.log(`  compressed misses      ${zBrMiss.rps.toFixed(0).padStart(6)} req/s   median ${f(zBrMiss.p50)} ms  p99 ${f(zBrMiss.p99)} ms   CPU ${f(cpuPer(zBrMiss))} ms/req   (compression by the host: +${f(zBrMiss.p50 - zMiss.p50)} ms median, +${f(cpuPer(zBrMiss) - cpuPer(zMiss))} ms CPU)`)
console.log(`  goals: a compressed hit within 1.2x an uncompressed one (CPU): ${cpuPer(zBrHit) / cpuPer(zHit) <= 1.2 ? 'met' : 'NOT met'}; >= 2000 req/s on compressed hits: ${zBrHit.rps >= 2000 ? 'met' : 'NOT met'}`)

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
