// Lambda origins (src/lambda-origin/): the per-call cost of a warm invocation through startLambdaOrigin's
// handle() (event built, JSON across to a warm worker-thread container, handler run, result read back into the
// integration's HTTP response and verdict) against a plain HTTP server on 127.0.0.1 answering the same JSON over a
// keep-alive connection, measured side by side in this run; and the engine alone (event + respond, no invocation)
// per integration. The "< 2 ms added over a plain HTTP origin" goal is for `edgeware dev` end to end; this is the
// engine's and the container's share of it. Run: `node bench/lambda-origin.bench.mjs` (or
// `npm run bench -- lambda-origin`).
import http from 'node:http'
import { join } from 'node:path'
import { writeFileSync } from 'node:fs'
import { importSource, machine, median, tempDir } from './_lib.mjs'

const { startLambdaOrigin, createIntegration } = await importSource(`export { startLambdaOrigin, createIntegration } from './src/lambda-origin/index.ts'`)

const work = tempDir('lambda-origin')
const BODY = JSON.stringify({ ok: true, items: Array.from({ length: 8 }, (_, i) => ({ id: i, name: `item ${i}` })) })
writeFileSync(join(work, 'api.mjs'), `const body = ${JSON.stringify(BODY)}\nexport const handler = async () => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body })\n`)

// --- the baseline: a plain HTTP origin answering the same body ---
const server = http.createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) })
  res.end(BODY)
})
await new Promise((r) => server.listen(0, '127.0.0.1', r))
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
const port = server.address().port
const plainCall = () =>
  new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/items?id=1', agent, headers: { accept: 'application/json' } }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve(Buffer.concat(chunks)))
    })
    req.on('error', reject)
    req.end()
  })

const N = Number(process.env.BENCH_CALLS ?? 2000)
const ROUNDS = 7
const timed = async (fn, n) => {
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < n; i++) await fn()
  return Number(process.hrtime.bigint() - t0) / n / 1000 // µs per call
}

console.log(`machine: ${machine()}; ${N} sequential calls per round, best of ${ROUNDS} interleaved rounds [median]`)
const request = { method: 'GET', path: '/prod/items?id=1', headers: [['accept', 'application/json'], ['x-forwarded-for', '203.0.113.178']], remoteIp: '198.51.100.10' }
for (const integration of ['rest', 'http', 'alb', 'url']) {
  const origin = await startLambdaOrigin({ root: work, handler: 'api.mjs', integration, maxContainers: 1, onOutput: () => {} })
  const viaOrigin = async () => {
    const call = await origin.handle(request)
    if (call.response.status !== 200) throw new Error(`bench: ${integration} answered ${call.response.status}: ${JSON.stringify(call.verdict)}`)
  }
  await timed(viaOrigin, 200)
  await timed(plainCall, 200)
  const a = []
  const b = []
  for (let r = 0; r < ROUNDS; r++) {
    globalThis.gc?.()
    a.push(await timed(plainCall, N))
    globalThis.gc?.()
    b.push(await timed(viaOrigin, N))
  }
  await origin.close()
  const base = Math.min(...a)
  const ours = Math.min(...b)
  console.log(
    `${integration.padEnd(4)} warm invocation ${ours.toFixed(0)} µs/call [${median(b).toFixed(0)}], plain HTTP origin ${base.toFixed(0)} µs/call [${median(a).toFixed(0)}]: ` +
      `${(ours - base).toFixed(0)} µs added, ratio ${(ours / base).toFixed(2)}x`,
  )
}

// --- the engine alone: building the event and reading the result back, no invocation ---
const result = JSON.stringify({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: BODY })
for (const integration of ['rest', 'http', 'alb', 'url']) {
  const api = createIntegration({ integration })
  const once = () => {
    const built = api.event(request)
    return api.respond(built.event, { ok: true, json: result })
  }
  const M = 50_000
  for (let i = 0; i < 5_000; i++) once()
  const xs = []
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < M; i++) once()
    xs.push(Number(process.hrtime.bigint() - t0) / M / 1000)
  }
  console.log(`${integration.padEnd(4)} engine only (event + respond) ${Math.min(...xs).toFixed(1)} µs/call [${median(xs).toFixed(1)}]`)
}

agent.destroy()
server.close()
