// Cost of each ready-made middleware (edgeware/middleware, edgeware/hono):
//  1. bytes it adds to a function bundle made as `edgeware build` makes it (bundleFunction), against an empty
//     stage-factory bundle built the same way;
//  2. ns per invocation of that real bundle (loaded in this process), against the empty pipeline, side by side.
// Run: node bench/middleware.bench.mjs   (or npm run bench -- middleware)
import { createRequire } from 'node:module'
import { edgeBundle, importSource, tempDir } from './_lib.mjs'

const dir = tempDir('mw')
const require = createRequire(import.meta.url)

// Event builders, from the real edgeware/testing (bundled once, not measured).
const { createEvent } = await importSource(`export { createEvent } from './src/testing/index.ts'`)

// Keys for jwtAuth (generated once; the bundle embeds the public JWKS).
const jose = await import('jose')
const { publicKey, privateKey } = await jose.generateKeyPair('RS256')
const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }
const token = await new jose.SignJWT({ sub: 'u1' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setAudience('app').setExpirationTime('1h').sign(privateKey)

const FACTORY = { 'viewer-request': 'viewerRequest', 'origin-request': 'originRequest', 'origin-response': 'originResponse', 'viewer-response': 'viewerResponse' }

/** name, stage, imports, middleware expression, event overrides (the common case: what most requests look like). */
const cases = [
  ['redirects (pass)', 'viewer-request', `import { redirects } from 'edgeware/middleware'`, `redirects([{ from: '/old', to: '/new' }, { from: '/blog/*', to: '/posts/*' }, { from: /^\\/p\\/(\\d+)$/, to: '/products/$1' }])`, { uri: '/docs/page' }],
  ['redirects (hit)', 'viewer-request', `import { redirects } from 'edgeware/middleware'`, `redirects([{ from: '/old', to: '/new' }, { from: '/blog/*', to: '/posts/*' }])`, { uri: '/blog/2024/x', querystring: 'a=1' }],
  ['directoryIndex', 'viewer-request', `import { directoryIndex } from 'edgeware/middleware'`, `directoryIndex()`, { uri: '/docs/' }],
  ['spaFallback', 'viewer-request', `import { spaFallback } from 'edgeware/middleware'`, `spaFallback({ exclude: ['/api/*'] })`, { uri: '/settings/profile' }],
  ['normalize', 'viewer-request', `import { normalize } from 'edgeware/middleware'`, `normalize()`, { uri: '/a//b', querystring: 'utm_source=x&b=2&a=1&fbclid=z' }],
  ['basicAuth', 'viewer-request', `import { basicAuth } from 'edgeware/middleware'`, `basicAuth({ username: 'u', password: 'p' })`, { headers: { authorization: 'Basic ' + Buffer.from('u:p').toString('base64') } }],
  ['jwtAuth (RS256)', 'viewer-request', `import { jwtAuth } from 'edgeware/middleware'`, `jwtAuth({ keys: { keys: [${JSON.stringify(jwk)}] }, audience: 'app' })`, { headers: { authorization: `Bearer ${token}` } }],
  ['cors (preflight)', 'viewer-request', `import { cors } from 'edgeware/middleware'`, `cors({ origin: ['https://a.example'] })`, { method: 'OPTIONS', headers: { origin: 'https://a.example', 'access-control-request-method': 'PUT' } }],
  ['abTest', 'viewer-request', `import { abTest } from 'edgeware/middleware'`, `abTest({ variants: ['a', 'b'] })`, {}],
  ['hono (route)', 'viewer-request', `import { Hono } from 'hono'\nimport { hono } from 'edgeware/hono'\nconst app = new Hono(); app.get('/api/hello', (c) => c.json({ hello: 'edge' }))`, `hono(app)`, { uri: '/api/hello' }],
  ['hono (unmatched)', 'viewer-request', `import { Hono } from 'hono'\nimport { hono } from 'edgeware/hono'\nconst app = new Hono(); app.get('/api/hello', (c) => c.json({ hello: 'edge' }))`, `hono(app)`, { uri: '/index.html' }],
  ['geo', 'origin-request', `import { geo } from 'edgeware/middleware'`, `geo({ block: ['KP'], origin: { DE: 'eu.example.com' } })`, { headers: { 'cloudfront-viewer-country': 'DE' } }],
  ['securityHeaders', 'origin-response', `import { securityHeaders } from 'edgeware/middleware'`, `securityHeaders({ contentSecurityPolicy: { 'default-src': ["'self'"] } })`, {}],
  ['cacheControl', 'origin-response', `import { cacheControl } from 'edgeware/middleware'`, `cacheControl({ rules: [{ path: '/assets/*', value: 'public, max-age=31536000, immutable' }], default: 'public, max-age=300' })`, { uri: '/assets/app.js' }],
]

const baselines = {}
async function build(name, stage, imports, expr) {
  const src = `import { ${FACTORY[stage]} } from 'edgeware'\n${imports}\nexport const handler = ${FACTORY[stage]}(${expr})\n`
  const b = await edgeBundle({ name, source: src, dir })
  return { bytes: b.bytes, gz: b.gzip, handler: require(b.file).handler }
}

const BATCH = 1000
const ROUNDS = 25
/**
 * Best-batch ns per invocation of `handler` and of the empty `base` handler, measured side by side: their batches
 * alternate round by round on the same event; events are cloned before each batch (not timed).
 */
async function measurePair(base, handler, stage, overrides) {
  const json = JSON.stringify(createEvent(stage, overrides))
  // warm up both (JIT, key import, Hono wrapper build)
  for (let i = 0; i < 500; i++) {
    await base(JSON.parse(json), {})
    await handler(JSON.parse(json), {})
  }
  const times = { base: [], mw: [] }
  for (let r = 0; r < ROUNDS; r++) {
    for (const [key, h] of r % 2 ? [['mw', handler], ['base', base]] : [['base', base], ['mw', handler]]) {
      const events = Array.from({ length: BATCH }, () => JSON.parse(json))
      globalThis.gc?.()
      const t0 = process.hrtime.bigint()
      for (let i = 0; i < BATCH; i++) await h(events[i], {})
      times[key].push(Number(process.hrtime.bigint() - t0) / BATCH)
    }
  }
  // best batch: the machine's other load only ever adds time, so the minimum is the stablest estimate
  return { baseNs: Math.min(...times.base), ns: Math.min(...times.mw) }
}

for (const stage of Object.keys(FACTORY)) baselines[stage] = await build(`empty-${stage}`, stage, '', '')
console.log('baseline: empty stage factory bundles (as `edgeware build` makes them: bundleFunction, minified cjs)')
for (const [stage, b] of Object.entries(baselines)) console.log(`  ${stage.padEnd(16)} ${String(b.bytes).padStart(7)} B  (${b.gz} B gzip -9)`)

const rows = []
for (const [name, stage, imports, expr, overrides] of cases) {
  const built = await build(name, stage, imports, expr)
  const base = baselines[stage]
  const { baseNs, ns } = await measurePair(base.handler, built.handler, stage, overrides)
  rows.push({ name, stage, added: built.bytes - base.bytes, addedGz: built.gz - base.gz, ns, baseNs })
}

console.log('\nper middleware: bytes added to the bundle, ns per invocation (best of %d batches of %d)', ROUNDS, BATCH)
console.log(`${'middleware'.padEnd(18)} ${'stage'.padEnd(16)} ${'+bytes'.padStart(8)} ${'+gzip'.padStart(7)} ${'ns/op'.padStart(9)} ${'empty ns/op'.padStart(12)} ${'ratio'.padStart(7)}`)
for (const r of rows) {
  console.log(
    `${r.name.padEnd(18)} ${r.stage.padEnd(16)} ${String(r.added).padStart(8)} ${String(r.addedGz).padStart(7)} ${r.ns.toFixed(0).padStart(9)} ${r.baseNs.toFixed(0).padStart(12)} ${(r.ns / r.baseNs).toFixed(2).padStart(6)}x`,
  )
}
