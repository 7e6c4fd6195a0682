// A CloudFront Function at the local edge (`edgeware dev`): cache hits on a behavior with a viewer-request
// CloudFront Function that sets one header, side by side with the same hook as a Lambda@Edge viewer-request
// function (edgeware's viewerRequest) and with a plain hit (no function), in this run. The CloudFront Function runs
// in the Node host (node:vm sandbox, one message each way on the edge's existing channel); a plain hit is the floor
// any placement could reach, including running it inside workerd. Run: `node bench/edge-functions.bench.mjs` (or
// `npm run bench -- functions`). BENCH_MS, BENCH_WARM_MS, BENCH_CONCURRENCY as for the dev bench.
import http from 'node:http'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { importSource, machine, tempDir } from './_lib.mjs'
import { describeLoad, loadGenerator } from './_load.mjs'

const work = tempDir('edge-functions')
mkdirSync(join(work, 'fns'))
const { startDev, parseConfig } = await importSource(`export { startDev, parseConfig } from './src/simulator/index.ts'`)

// The same hook twice: one request header set, the request goes on.
writeFileSync(join(work, 'fns', 'vreq.js'), `function handler(event) {\n  event.request.headers['x-vreq'] = { value: '1' }\n  return event.request\n}\n`)
writeFileSync(join(work, 'fns', 'vreq.ts'), `import { viewerRequest } from 'edgeware'\nexport const handler = viewerRequest(async (c, next) => { c.request.headers.set('x-vreq', '1'); await next() })\n`)

const page = Buffer.from('<!doctype html><title>bench</title>' + 'x'.repeat(1024 - 36))
const origin = http.createServer({ keepAliveTimeout: 10_000 }, (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'public, max-age=3600', 'content-length': page.length })
  res.end(page)
})
await new Promise((r) => origin.listen(0, '127.0.0.1', r))

const config = parseConfig(
  `name = "bench-functions"
[[edge.origins]]
id = "o"
url = "http://localhost:${origin.address().port}"
[edge.default_behavior]
origin = "o"
cache = { default_ttl = 3600 }
[[edge.behaviors]]
path_pattern = "/cff/*"
origin = "o"
cache = { default_ttl = 3600 }
viewer_request_function = "fns/vreq.js"
[[edge.behaviors]]
path_pattern = "/lae/*"
origin = "o"
cache = { default_ttl = 3600 }
viewer_request = "fns/vreq.ts"
`,
  join(work, 'wrangler.toml'),
)
const dev = await startDev({ config, port: 0, watch: false, logger: { info() {}, error() {} } })
const { measured } = loadGenerator(work)

const plain = await measured(dev.url, '/hit/%16')
const cff = await measured(dev.url, '/cff/%16')
const lae = await measured(dev.url, '/lae/%16')
const plainAgain = await measured(dev.url, '/hit/%16')

const f = (x) => x.toFixed(2)
const ms = (r, k) => ((r[k] / r.n) * 1000).toFixed(2)
const row = (name, r, base) =>
  `  ${name.padEnd(28)} ${r.rps.toFixed(0).padStart(6)} req/s   median ${f(r.p50)} ms  p99 ${f(r.p99)} ms   CPU ${f(((r.cpuNode + r.cpuWorkerd) / r.n) * 1000)} ms/request (host ${ms(r, 'cpuNode')} + workerd ${ms(r, 'cpuWorkerd')})` +
  (base ? `   ${(r.rps / base.rps).toFixed(2)}x of plain req/s, +${f(r.p50 - base.p50)} ms median` : '')
const floor = { rps: (plain.rps + plainAgain.rps) / 2, p50: (plain.p50 + plainAgain.p50) / 2 }
console.log(`dev cache hits, viewer-request hook (${describeLoad()})`)
console.log(row('plain hit (no function)', plain))
console.log(row('CloudFront Function', cff, floor))
console.log(row('Lambda@Edge (same hook)', lae, floor))
console.log(row('plain hit, again', plainAgain))
console.log(`  CloudFront Function vs Lambda@Edge: ${(cff.rps / lae.rps).toFixed(2)}x req/s, ${f(cff.p50 - lae.p50)} ms median`)
console.log(`  machine during the run: ${machine()}`)

await dev.close()
await new Promise((r) => origin.close(r))
