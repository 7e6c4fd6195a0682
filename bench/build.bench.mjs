#!/usr/bin/env node
// `edgeware build` benchmark: build time of the example wrangler.toml, bundle and zip size per function, and the
// cold start of each built function (require time of index.js in a fresh node process, median of 15), each
// against a baseline built the same way in the same run: the smallest Lambda@Edge function,
// `exports.handler = async e => e.Records[0].cf.request`.
// Run: `node bench/build.bench.mjs` (or `npm run bench -- build`). Bundles src/build with esbuild itself.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import * as esbuild from 'esbuild'
import { unzipSync } from 'fflate'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const work = join(root, '.edgeware', 'bench-build')
rmSync(work, { recursive: true, force: true })
mkdirSync(work, { recursive: true })

// src/build → one ESM file two levels below the repo root (bundle.ts finds edgeware's root as ../..)
const lib = join(root, '.edgeware', 'bench', 'build-lib.mjs')
await esbuild.build({
  entryPoints: [join(root, 'src', 'build', 'index.ts')],
  outfile: lib,
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
})
const { build } = await import(pathToFileURL(lib).href)

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`

// baseline project: one empty function
const baseDir = join(work, 'baseline')
mkdirSync(baseDir, { recursive: true })
writeFileSync(join(baseDir, 'empty.cjs'), 'exports.handler = async (e) => e.Records[0].cf.request\n')
writeFileSync(
  join(baseDir, 'wrangler.toml'),
  'name = "baseline"\n[[edge.origins]]\nid = "app"\nurl = "https://app.example.com"\n[edge.default_behavior]\norigin = "app"\nviewer_request = "empty.cjs"\n',
)

const example = join(root, 'wrangler.toml')
const RUNS = 5
async function timeBuild(config, out) {
  const times = []
  let result
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now()
    result = await build({ config, outDir: out })
    times.push(performance.now() - t0)
  }
  return { ms: median(times), result }
}

// warm esbuild's service once so neither side pays its start-up
await build({ config: join(baseDir, 'wrangler.toml'), outDir: join(work, 'warm') })
const base = await timeBuild(join(baseDir, 'wrangler.toml'), join(work, 'out-baseline'))
const ex = await timeBuild(example, join(work, 'out-example'))

console.log(`build time (median of ${RUNS})`)
console.log(`  baseline (1 empty function)      ${base.ms.toFixed(1)} ms`)
console.log(`  example wrangler.toml (${ex.result.functions.length} fns)    ${ex.ms.toFixed(1)} ms   ${(ex.ms / base.ms).toFixed(2)}x baseline`)

// cold start: require time of index.js in a fresh node, from the unzipped artifact (outside the repo, like
// /var/task). Rounds interleave every function and the baseline, so machine noise hits them alike.
const COLD = 15
const RUNNER = `const t=process.hrtime.bigint();const m=require(process.cwd()+'/index.js');const d=Number(process.hrtime.bigint()-t)/1e6;if(typeof m.handler!=='function')process.exit(3);process.stdout.write(String(d))`
const baseFn = base.result.functions[0]
const targets = [['baseline (empty)', baseFn], ...ex.result.functions.map((f) => [f.name, f])]
const dirs = targets.map(([, f]) => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeware-bench-'))
  for (const [name, data] of Object.entries(unzipSync(readFileSync(f.zip)))) writeFileSync(join(dir, name), data)
  return dir
})
const samples = targets.map(() => [])
try {
  for (let round = 0; round < COLD; round++) {
    targets.forEach(([name], i) => {
      const r = spawnSync(process.execPath, ['-e', RUNNER], { cwd: dirs[i], env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1' }, encoding: 'utf8' })
      if (r.status !== 0) throw new Error(`${name}: ${r.stderr}`)
      samples[i].push(Number(r.stdout))
    })
  }
} finally {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
}
const colds = samples.map(median)
console.log(`\nper function: bundle, zip (share of its limit), cold start = require() of index.js, median of ${COLD} fresh processes`)
const w = Math.max(...targets.map(([n]) => n.length))
targets.forEach(([name, f], i) => {
  console.log(
    `  ${name.padEnd(w)}  bundle ${kib(f.bundleBytes).padStart(9)}  zip ${kib(f.zipBytes).padStart(9)} (${(f.share * 100).toFixed(2).padStart(5)}% of ${f.limitBytes / 1048576} MiB)` +
      `  cold ${colds[i].toFixed(2).padStart(6)} ms  ${(colds[i] / colds[0]).toFixed(2)}x baseline`,
  )
})
rmSync(work, { recursive: true, force: true })
rmSync(lib, { force: true })
