// CloudFront Functions, locally:
//  1. each edgeware/functions hook compiled as `edgeware build` compiles it (compileCloudFrontFunction): its size
//     against CloudFront's 10 KB code limit;
//  2. µs per call of that function in the sandbox (runFunction: fresh top-level state, guards, result validated)
//     against its edgeware/middleware twin as a Lambda@Edge handler through `invoke` (event copied, result
//     validated), measured side by side, batches alternating.
// Run: node bench/functions.bench.mjs   (or npm run bench -- functions)
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { importSource, kib, machine, tempDir } from './_lib.mjs'

const lib = await importSource(`
export { compileFunction, runFunction, createFunctionEvent, createEvent, invoke } from './src/testing/index.ts'
export { compileCloudFrontFunction } from './src/build/index.ts'
export { functionLimits } from './src/cloudfront/index.ts'
export { viewerRequest, viewerResponse } from './src/index.ts'
export * as mw from './src/middleware/index.ts'
`)
const dir = tempDir('functions')
const b64 = (s) => Buffer.from(s).toString('base64')

/** name, event type, hook expression (the same for both), event overrides (the common case). */
const cases = [
  ['redirects (hit)', 'viewer-request', "redirects({ '/old': '/new', '/blog/*': '/posts/*' })", { uri: '/blog/2024/x', querystring: 'a=1' }],
  ['redirects (pass)', 'viewer-request', "redirects({ '/old': '/new', '/blog/*': '/posts/*' })", { uri: '/docs/page' }],
  ['normalize', 'viewer-request', 'normalize()', { uri: '/a//b', querystring: 'utm_source=x&b=2&a=1&fbclid=z' }],
  ['directoryIndex', 'viewer-request', 'directoryIndex()', { uri: '/docs/' }],
  ['spaFallback', 'viewer-request', "spaFallback({ exclude: ['/api/*'] })", { uri: '/settings/profile' }],
  ['basicAuth', 'viewer-request', "basicAuth({ username: 'u', password: 'p' })", { headers: { authorization: `Basic ${b64('u:p')}` } }],
  ['cors (preflight)', 'viewer-request', "cors({ origin: ['https://a.example'] })", { method: 'OPTIONS', headers: { origin: 'https://a.example', 'access-control-request-method': 'PUT' } }],
  ['securityHeaders', 'viewer-response', "securityHeaders({ contentSecurityPolicy: { 'default-src': [\"'self'\"] } })", {}],
  ['kvsRouter', 'viewer-request', 'kvsRouter()', { uri: '/api/users' }],
]

async function compile(name, type, expr) {
  const factory = type === 'viewer-request' ? 'viewerRequestFunction' : 'viewerResponseFunction'
  const hook = expr.slice(0, expr.indexOf('('))
  const entry = join(dir, `${name.replace(/\W+/g, '_')}.ts`)
  writeFileSync(entry, `import { ${factory}, ${hook} } from 'edgeware/functions'\nexport const handler = ${factory}(${expr})\n`)
  const out = await lib.compileCloudFrontFunction(entry)
  return { bytes: out.bytes, fn: lib.compileFunction(out.code, { name: hook }) }
}

function twin(type, expr) {
  const mw = new Function('m', `with (m) { return ${expr} }`)(lib.mw)
  return type === 'viewer-request' ? lib.viewerRequest(mw) : lib.viewerResponse(mw)
}

const BATCH = 500
const ROUNDS = 15
/** Best-batch µs per call of the CloudFront Function and of the twin through invoke, batches alternating. */
async function measure(fn, handler, type, overrides, options) {
  const cffEvent = lib.createFunctionEvent(type, overrides)
  const lambdaEvent = lib.createEvent(type, overrides)
  for (let i = 0; i < 300; i++) {
    lib.runFunction(fn, cffEvent, options)
    await lib.invoke(handler, lambdaEvent)
  }
  const times = { cff: [], lambda: [] }
  for (let r = 0; r < ROUNDS; r++) {
    for (const key of r % 2 ? ['lambda', 'cff'] : ['cff', 'lambda']) {
      globalThis.gc?.()
      const t0 = process.hrtime.bigint()
      if (key === 'cff') for (let i = 0; i < BATCH; i++) lib.runFunction(fn, cffEvent, options)
      else for (let i = 0; i < BATCH; i++) await lib.invoke(handler, lambdaEvent)
      times[key].push(Number(process.hrtime.bigint() - t0) / BATCH / 1000)
    }
  }
  return { cff: Math.min(...times.cff), lambda: Math.min(...times.lambda) }
}

const { KeyValueStore } = await importSource(`export { KeyValueStore } from './src/testing/index.ts'`)
const kvs = new KeyValueStore({ '/api': '{"origin":"api"}' })
const limit = lib.functionLimits.codeBytes
console.log(`machine: ${machine()}; code limit ${limit} B (${kib(limit)})`)
console.log(`${'hook'.padEnd(18)} ${'bytes'.padStart(6)} ${'of limit'.padStart(9)} ${'CFF µs'.padStart(8)} ${'L@E µs'.padStart(8)} ${'CFF/L@E'.padStart(8)}`)
for (const [name, type, expr, overrides] of cases) {
  const { bytes, fn } = await compile(name, type, expr)
  const isRouter = expr.startsWith('kvsRouter')
  const { cff, lambda } = isRouter ? { cff: (await measure(fn, twin(type, 'normalize()'), type, overrides, { kvs })).cff, lambda: NaN } : await measure(fn, twin(type, expr), type, overrides, {})
  const ratio = Number.isNaN(lambda) ? '   (no twin)' : `${(cff / lambda).toFixed(2).padStart(7)}x`
  console.log(`${name.padEnd(18)} ${String(bytes).padStart(6)} ${`${((bytes / limit) * 100).toFixed(0)}%`.padStart(9)} ${cff.toFixed(1).padStart(8)} ${Number.isNaN(lambda) ? '       -' : lambda.toFixed(1).padStart(8)} ${ratio}`)
}
