// bench/core.bench.mjs — the per-invocation cost of edgeware's hook pipeline, side by side with a hand-written raw
// Lambda@Edge handler (the floor) and hono/lambda-edge, on the same events: a viewer-request hook that redirects
// /old → /new, reads the `ab` cookie and sets `x-ab`. Also: the minified bundle of each hook and its cold `require`
// time in fresh node processes. Run with `npm run bench -- core` (or `node --expose-gc bench/core.bench.mjs`).
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { coldRequire, edgeBundle, machine, median, tempDir } from './_lib.mjs'

// Child mode: time one contender alone in this fresh process (its own heap, JIT feedback and GC work).
if (process.argv[2] === '--child') {
  const [, , , file, n, warm] = process.argv
  const h = createRequire(import.meta.url)(file).handler
  const events = makeEvents()
  const time = makeTimer()
  await time(h, events, Number(warm))
  globalThis.gc?.()
  process.stdout.write(String(await time(h, events, Number(n))))
  process.exit(0)
}

const dir = tempDir('core')

const SOURCES = {
  raw: `
export const handler = async (event) => {
  const request = event.Records[0].cf.request
  if (request.uri === '/old') {
    return { status: '301', statusDescription: 'Moved Permanently', headers: { location: [{ key: 'Location', value: '/new' }] } }
  }
  let ab = 'A'
  const cookies = request.headers.cookie
  if (cookies) {
    outer: for (const h of cookies) {
      for (const part of h.value.split(';')) {
        const i = part.indexOf('=')
        if (i > 0 && part.slice(0, i).trim() === 'ab') { ab = decodeURIComponent(part.slice(i + 1).trim()); break outer }
      }
    }
  }
  request.headers['x-ab'] = [{ key: 'x-ab', value: ab }]
  return request
}
`,
  edgeware: `
import { viewerRequest, path } from 'edgeware'
export const handler = viewerRequest(
  path('/old', async (c) => void c.redirect('/new', 301)),
  async (c, next) => {
    c.request.headers.set('x-ab', c.request.cookies.get('ab') ?? 'A')
    await next()
  },
)
`,
  hono: `
import { Hono } from 'hono'
import { getCookie } from 'hono/cookie'
import { handle } from 'hono/lambda-edge'
const app = new Hono()
app.get('/old', (c) => c.redirect('/new', 301))
app.all('*', async (c) => {
  const request = c.env.request
  request.headers['x-ab'] = [{ key: 'x-ab', value: getCookie(c, 'ab') ?? 'A' }]
  c.env.callback(null, request)
  return c.body(null, 204)
})
export const handler = handle(app)
`,
  // size only (not timed): the same hook on bench/floor/viewer-request.ts, a deliberately minimal re-implementation
  // of the viewer-request API with the same rule checks (not shipped): how small this API + cookie can get
  floor: `
import { viewerRequest, path } from '${fileURLToPath(new URL('./floor/viewer-request.ts', import.meta.url))}'
export const handler = viewerRequest(
  path('/old', async (c) => void c.redirect('/new', 301)),
  async (c, next) => {
    c.request.headers.set('x-ab', c.request.cookies.get('ab') ?? 'A')
    await next()
  },
)
`,
  // size only (not timed): what any viewer-request function carries before its own code
  empty: `
import { viewerRequest } from 'edgeware'
export const handler = viewerRequest()
`,
}

// bundled as `edgeware build` bundles a function
const bundle = (name) => edgeBundle({ name, source: SOURCES[name], dir })

function makeEvents() {
  const base = {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: 'd111111abcdef8.cloudfront.net',
            distributionId: 'EDFDVBD6EXAMPLE',
            eventType: 'viewer-request',
            requestId: '4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==',
          },
          request: {
            clientIp: '203.0.113.178',
            headers: {
              host: [{ key: 'Host', value: 'd111111abcdef8.cloudfront.net' }],
              'user-agent': [{ key: 'User-Agent', value: 'curl/7.66.0' }],
              accept: [{ key: 'accept', value: '*/*' }],
            },
            method: 'GET',
            querystring: '',
            uri: '/',
          },
        },
      },
    ],
  }
  const mk = (uri, cookie) => {
    const e = structuredClone(base)
    e.Records[0].cf.request.uri = uri
    if (cookie) e.Records[0].cf.request.headers.cookie = [{ key: 'Cookie', value: cookie }]
    return e
  }
  // a mix: 1 redirect in 4; pass-through with and without cookies
  return [
    mk('/old'),
    mk('/', 'ab=B; session=abc123; theme=dark'),
    mk('/products/42', 'theme=light'),
    mk('/about'),
    mk('/old', 'ab=B'),
    mk('/cart', 'session=zzz; ab=C'),
    mk('/blog/post', 'ab=A'),
    mk('/index.html'),
  ]
}

async function check(handlers, events) {
  // all three must give the same answers before we time them
  for (const e of events) {
    const outs = []
    for (const [, h] of handlers) outs.push(await h(structuredClone(e), {}, () => {}))
    const norm = outs.map((o) => (o.status ? `${o.status} ${o.headers.location[0].value}` : `${o.uri} x-ab=${o.headers['x-ab'][0].value}`))
    if (new Set(norm).size !== 1) throw new Error(`handlers disagree on ${e.Records[0].cf.request.uri}: ${norm.join(' | ')}`)
  }
}

// Time is the process's CPU time (user + system), not wall time: on a shared machine other processes steal the CPU
// and would inflate wall-clock figures at random; CPU time only counts the work done here.
// One timing loop compiled per contender (new Function): a shared loop would make its call site megamorphic
// and charge each handler for the others' type feedback.
function makeTimer() {
  const AsyncFunction = (async () => {}).constructor
  return new AsyncFunction(
    'h',
    'events',
    'n',
    `const ctx = {}
     const len = events.length
     const c0 = process.cpuUsage()
     for (let i = 0; i < n; i++) await h(events[i % len], ctx)
     const c = process.cpuUsage(c0)
     return ((c.user + c.system) * 1000) / n`,
  )
}

{
  const names = ['raw', 'edgeware', 'hono']
  const bundles = {}
  for (const n of names) bundles[n] = await bundle(n)
  const require = createRequire(import.meta.url)
  const handlers = names.map((n) => [n, require(bundles[n].file).handler])
  const events = makeEvents()
  await check(handlers, events)

  const WARM = 30_000
  const N = 100_000
  const ROUNDS = 7
  const samples = Object.fromEntries(names.map((n) => [n, []]))
  const self = fileURLToPath(import.meta.url)
  for (let r = 0; r < ROUNDS; r++) {
    // each measurement in a fresh process, contenders interleaved round by round so drift hits all alike
    const order = r % 2 === 0 ? names : [...names].reverse()
    for (const n of order) {
      const out = execFileSync(process.execPath, ['--expose-gc', self, '--child', bundles[n].file, String(N), String(WARM)], { encoding: 'utf8' })
      samples[n].push(Number(out))
    }
  }
  const ns = Object.fromEntries(names.map((n) => [n, median(samples[n])]))
  const ewOver = Math.max(ns.edgeware - ns.raw, 0.001)
  const honoOver = ns.hono - ns.raw

  console.log(`machine: ${machine()} (times are CPU time, so other load inflates them less)`)
  console.log(`viewer-request hook: redirect /old, read cookie ab, set x-ab — ${events.length} events mixed, ${ROUNDS} rounds × ${N} invocations (each in a fresh process after ${WARM} warm-up calls), median CPU time`)
  console.log(`  raw handler (baseline)   ${ns.raw.toFixed(0).padStart(7)} ns/invocation`)
  console.log(`  edgeware                 ${ns.edgeware.toFixed(0).padStart(7)} ns/invocation   overhead vs raw ${ewOver.toFixed(0)} ns (${(ns.edgeware / ns.raw).toFixed(2)}× raw)`)
  console.log(`  hono/lambda-edge         ${ns.hono.toFixed(0).padStart(7)} ns/invocation   overhead vs raw ${honoOver.toFixed(0)} ns (${(ns.hono / ns.raw).toFixed(2)}× raw)`)
  console.log(`  hono overhead / edgeware overhead = ${(honoOver / ewOver).toFixed(1)}× (goal ≥ 10×: ${honoOver / ewOver >= 10 ? 'met' : 'NOT met'})`)

  console.log('\nbundle as `edgeware build` makes it (bundleFunction: minified cjs)')
  for (const n of names) console.log(`  ${n.padEnd(9)} ${(bundles[n].bytes / 1024).toFixed(1).padStart(6)} KB   (gzip ${(bundles[n].gzip / 1024).toFixed(1)} KB)`)
  const empty = await bundle('empty')
  const floor = await bundle('floor')
  await check([['raw', handlers[0][1]], ['floor', require(floor.file).handler]], events)
  const floorCookie = floor.inputs.find(([f]) => f.includes('node_modules/cookie/'))?.[1] ?? 0
  console.log(`  (an empty viewerRequest() ${(empty.bytes / 1024).toFixed(1)} KB, gzip ${(empty.gzip / 1024).toFixed(1)} KB; of the edgeware hook, node_modules/cookie is ${((bundles.edgeware.inputs.find(([f]) => f.includes('node_modules/cookie/'))?.[1] ?? 0) / 1024).toFixed(1)} KB)`)
  console.log(`  edgeware / hono = ${(bundles.edgeware.bytes / bundles.hono.bytes).toFixed(2)} (goal: edgeware < 8 KB: ${bundles.edgeware.bytes < 8 * 1024 ? 'met' : 'NOT met'})`)
  console.log(`  floor: the same hook on bench/floor/viewer-request.ts (a minimal single-file re-implementation of this API, same checks, no fast paths, same answers) ${(floor.bytes / 1024).toFixed(1)} KB, of which cookie ${(floorCookie / 1024).toFixed(1)} KB: the < 8 KB goal is ${floor.bytes < 8 * 1024 ? 'within reach' : 'out of reach for this API + cookie'}`)
  console.log(`  edgeware bundle by module: ${bundles.edgeware.inputs.filter(([, b]) => b > 0).map(([f, b]) => `${f.replace(/^.*node_modules\//, '').replace(/^src\//, '')} ${(b / 1024).toFixed(1)}`).join(', ')}`)

  const RUNS = 15
  console.log(`\ncold require of the bundle (CPU time), fresh node process each, median of ${RUNS}`)
  const cold = {}
  for (const n of names) cold[n] = coldRequire(bundles[n].file, RUNS)
  cold.floor = coldRequire(floor.file, RUNS)
  for (const n of [...names, 'floor']) console.log(`  ${n.padEnd(9)} ${cold[n].toFixed(2).padStart(6)} ms`)
  console.log(`  edgeware − raw ${(cold.edgeware - cold.raw).toFixed(2)} ms, hono − raw ${(cold.hono - cold.raw).toFixed(2)} ms, edgeware − floor ${(cold.edgeware - cold.floor).toFixed(2)} ms`)
}
