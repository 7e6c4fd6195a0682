// bench/secrets.bench.mjs — what `secret()` (edgeware/secrets) costs a viewer-request function: the bytes it adds
// to the bundle `edgeware build` makes, its cold `require`, and the first invocation (which reads the secret from
// SSM: here a local stand-in on loopback that checks SigV4, so the figure is the client's own work, without the
// network) against the same hook without it, side by side in fresh processes. The read goes once over plain HTTP
// (an endpoint override) and once over TLS, as on AWS: a TLS front with a self-signed certificate the child trusts
// through NODE_EXTRA_CA_CERTS. `npm run bench -- secrets`.
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { coldRequire, edgeBundle, importSource, kib, machine, median, tempDir } from './_lib.mjs'

const dir = tempDir('secrets')
const SOURCES = {
  plain: `
import { viewerRequest } from 'edgeware'
const KEY = 'a-key-baked-into-the-bundle'
export const handler = viewerRequest(async (c, next) => {
  c.request.headers.set('x-key-length', String(KEY.length))
  await next()
})
`,
  secret: `
import { viewerRequest } from 'edgeware'
import { secret } from 'edgeware/secrets'
export const handler = viewerRequest(async (c, next) => {
  const key = await secret('API_KEY', { signal: c.signal })
  c.request.headers.set('x-key-length', String(key.length))
  await next()
})
`,
}

const bundles = {}
for (const [name, source] of Object.entries(SOURCES)) bundles[name] = await edgeBundle({ name, source, dir, vars: { EDGEWARE_SECRETS_PREFIX: '/bench/' } })

const { startAwsStandin, ssmService, TEST_CREDENTIALS, startTlsFront } = await importSource(
  `export * from './test/aws/server.ts'\nexport { ssmService } from './test/aws/secrets-services.ts'\nexport { startTlsFront } from './test/aws/tls-front.ts'`,
)
const params = new Map([['/bench/API_KEY', { value: 'a-key-read-from-ssm-at-cold-start' }]])
const ssm = await startAwsStandin({ ssm: ssmService(params) })
const tls = await startTlsFront(ssm.url)
const caFile = join(dir, 'standin-ca.pem')
writeFileSync(caFile, tls.certificate)
const ENDPOINTS = { http: ssm.url, https: tls.url }

// One fresh process: require the bundle, then two invocations; wall and CPU ms of each step.
const CHILD = `
const event = ${JSON.stringify({ Records: [{ cf: { config: { distributionDomainName: 'd1.cloudfront.net', distributionId: 'E1', eventType: 'viewer-request', requestId: 'r' }, request: { clientIp: '203.0.113.1', headers: { host: [{ key: 'Host', value: 'd1.cloudfront.net' }] }, method: 'GET', querystring: '', uri: '/' } } }] })}
const ctx = { getRemainingTimeInMillis: () => 5000 }
const now = () => [performance.now(), process.cpuUsage()]
const since = ([w, c]) => { const u = process.cpuUsage(c); return [performance.now() - w, (u.user + u.system) / 1000] }
;(async () => {
  let t = now(); const { handler } = require(process.argv[1]); const req = since(t)
  t = now(); const r1 = await handler(structuredClone(event), ctx); const first = since(t)
  t = now(); await handler(structuredClone(event), ctx); const second = since(t)
  if (r1.headers['x-key-length'][0].value === undefined) process.exit(3)
  process.stdout.write(JSON.stringify({ req, first, second }))
})()
`
function run(file, endpoint) {
  const env = {
    PATH: process.env.PATH,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: 'bench-session-token',
    AWS_ENDPOINT_URL_SSM: ENDPOINTS[endpoint],
    NODE_EXTRA_CA_CERTS: caFile,
  }
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', CHILD, file], { env, encoding: 'utf8' }, (err, out) => (err ? reject(err) : resolve(JSON.parse(out))))
  })
}

const ROUNDS = 15
const RUNS = { plain: ['plain', 'http'], secret: ['secret', 'http'], secretTls: ['secret', 'https'] }
const samples = { plain: [], secret: [], secretTls: [] }
for (let r = 0; r < ROUNDS; r++) {
  const order = Object.keys(RUNS)
  for (const n of r % 2 ? order.reverse() : order) samples[n].push(await run(bundles[RUNS[n][0]].file, RUNS[n][1]))
}
await tls.close()
await ssm.close()
const med = (n, step, i) => median(samples[n].map((s) => s[step][i]))
const requireCpu = { plain: coldRequire(bundles.plain.file, ROUNDS), secret: coldRequire(bundles.secret.file, ROUNDS) }

console.log(`machine: ${machine()}`)
console.log('viewer-request hook setting one header, without and with `await secret(\'API_KEY\')`, bundled as `edgeware build` does')
console.log(`  bundle   plain ${kib(bundles.plain.bytes)} (gzip ${kib(bundles.plain.gzip)})   with secret() ${kib(bundles.secret.bytes)} (gzip ${kib(bundles.secret.gzip)})`)
console.log(`           secret() adds ${bundles.secret.bytes - bundles.plain.bytes} bytes minified, ${bundles.secret.gzip - bundles.plain.gzip} bytes gzip (${(bundles.secret.bytes / bundles.plain.bytes).toFixed(2)}× plain)`)
const own = bundles.secret.inputs.filter(([f]) => f.includes('src/secrets/'))
console.log(`           of which edgeware/secrets: ${own.map(([f, b]) => `${f.replace(/^.*src\/secrets\//, '')} ${b} B`).join(', ')}`)
console.log(`cold require (CPU, median of ${ROUNDS} fresh processes): plain ${requireCpu.plain.toFixed(1)} ms, with secret() ${requireCpu.secret.toFixed(1)} ms (${(requireCpu.secret / requireCpu.plain).toFixed(2)}×)`)
console.log(`first invocation (median of ${ROUNDS} fresh processes; the SSM read goes to a SigV4-checking stand-in on loopback, so no network time):`)
console.log(`  plain                    wall ${med('plain', 'first', 0).toFixed(2)} ms, CPU ${med('plain', 'first', 1).toFixed(2)} ms`)
console.log(`  with secret(), http://   wall ${med('secret', 'first', 0).toFixed(2)} ms, CPU ${med('secret', 'first', 1).toFixed(2)} ms  (loading the client + SigV4 + one GetParameter)`)
console.log(`  with secret(), https://  wall ${med('secretTls', 'first', 0).toFixed(2)} ms, CPU ${med('secretTls', 'first', 1).toFixed(2)} ms  (the same + a TLS handshake, as on AWS)`)
const cost = (n) => `${(med(n, 'first', 0) - med('plain', 'first', 0)).toFixed(1)} ms wall, ${(med(n, 'first', 1) - med('plain', 'first', 1)).toFixed(1)} ms CPU`
console.log(`  cold-start cost of secret() ≈ ${cost('secret')} (http), ${cost('secretTls')} (https), plus one round trip to SSM in us-east-1 on AWS`)
console.log(`second invocation (cached): plain ${med('plain', 'second', 0).toFixed(3)} ms, with secret() ${med('secret', 'second', 0).toFixed(3)} ms wall`)
