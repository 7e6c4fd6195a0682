// How long `edgeware dev` takes from the command to its first answer, on the example (wrangler.toml and
// edge-functions/: five functions, two example origins, the local DynamoDB), in a fresh `node bin/edgeware.js dev`
// each run, against the floor measured side by side: a bare Miniflare (workerd) with a one-line worker, started in a
// fresh node process to its first answer. Runs `bin/edgeware.js`, so dist/ must be current (`npm run build:lib`).
// Run: `node bench/dev-start.bench.mjs` (or `npm run bench -- dev-start`); BENCH_RUNS (default 7) runs each.
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { machine, median, root, tempDir } from './_lib.mjs'

const RUNS = Number(process.env.BENCH_RUNS ?? 7)
const work = tempDir('dev-start')

// A free port below the kernel's ephemeral range, so no listen(0) in the runs (dynalite, workerd) can take it.
const isFree = (port) =>
  new Promise((resolve) => {
    const s = createServer()
    s.once('error', () => resolve(false))
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () => s.close(() => resolve(true)))
  })
async function freePort() {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000)
    if (await isFree(port)) return port
  }
}

// The example on ports of this run (8787-8789 may be taken): its config and seed with the ports replaced.
const [edge, app, blog] = [await freePort(), await freePort(), await freePort()]
const ports = (text) => text.replaceAll('8787', String(edge)).replaceAll('8788', String(app)).replaceAll('8789', String(blog))
writeFileSync(join(work, 'origins.seed.json'), ports(readFileSync(join(root, 'edge-functions', 'origins.seed.json'), 'utf8')))
writeFileSync(
  join(work, 'wrangler.toml'),
  ports(readFileSync(join(root, 'wrangler.toml'), 'utf8'))
    .replaceAll('"edge-functions/origins.seed.json"', JSON.stringify(join(work, 'origins.seed.json')))
    .replaceAll('"edge-functions/', `"${join(root, 'edge-functions')}/`)
    .replaceAll('dir = "public"', `dir = ${JSON.stringify(join(root, 'public'))}`),
)

// The floor: Miniflare alone, one worker answering 'ok' on a direct socket, as edgeware dev serves its edge.
writeFileSync(
  join(work, 'bare.mjs'),
  `import { Miniflare } from ${JSON.stringify(join(root, 'node_modules', 'miniflare', 'dist', 'src', 'index.js'))}
const mf = new Miniflare({ modules: true, script: 'export default { fetch: () => new Response("ok") }', host: '127.0.0.1', port: 0, unsafeDirectSockets: [{ host: '127.0.0.1', port: ${edge} }] })
await mf.ready
process.on('SIGTERM', () => mf.dispose().then(() => process.exit(0)))
`,
)

/** ms from spawning `args` to the first 200 on GET /, then SIGTERM and wait for the exit. */
async function firstAnswer(args) {
  const t0 = performance.now()
  const child = spawn(process.execPath, args, { cwd: work, stdio: 'ignore' })
  let ms
  for (;;) {
    try {
      const r = await fetch(`http://127.0.0.1:${edge}/`)
      await r.arrayBuffer()
      if (r.status === 200) {
        ms = performance.now() - t0
        break
      }
    } catch {
      /* not listening yet */
    }
    if (performance.now() - t0 > 60_000) throw new Error(`no answer from ${args.join(' ')} within 60 s`)
    await new Promise((r) => setTimeout(r, 5))
  }
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  await exited
  return ms
}

const dev = []
const bare = []
// alternate, so a change in the machine's load hits both alike
for (let i = 0; i < RUNS; i++) {
  bare.push(await firstAnswer([join(work, 'bare.mjs')]))
  dev.push(await firstAnswer([join(root, 'bin', 'edgeware.js'), 'dev', '--config', join(work, 'wrangler.toml')]))
}
const fmt = (xs) => `median ${Math.round(median(xs))} ms (${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))})`
console.log(`dev start-up to the first answer, ${RUNS} fresh processes each (${machine()})`)
console.log(`  bare Miniflare, one-line worker:           ${fmt(bare)}`)
console.log(`  edgeware dev on the example (5 functions): ${fmt(dev)}`)
console.log(`  ratio edgeware dev / bare Miniflare: ${(median(dev) / median(bare)).toFixed(2)}×`)
