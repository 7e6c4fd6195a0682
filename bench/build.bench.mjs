#!/usr/bin/env node
// `edgeware build` benchmark: build time of the example wrangler.toml, bundle and zip size per function, and the
// cold start of each built function (require time of index.js in a fresh node process, median of 15), each
// against a baseline built the same way in the same run: the smallest Lambda@Edge function,
// `exports.handler = async e => e.Records[0].cf.request`.
// Run: `node bench/build.bench.mjs` (or `npm run bench -- build`). Bundles src/build with esbuild itself (_lib.mjs).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { unzipSync } from 'fflate'
import { buildLibrary, kib, machine, median, requireOnce, root, tempDir } from './_lib.mjs'

const work = tempDir('build')
const { build } = await buildLibrary()

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
const baseFn = base.result.functions[0]
const targets = [['baseline (empty)', baseFn], ...ex.result.functions.map((f) => [f.name, f])]
const dirs = targets.map(([, f]) => {
  const dir = tempDir('fn', tmpdir())
  for (const [name, data] of Object.entries(unzipSync(readFileSync(f.zip)))) writeFileSync(join(dir, name), data)
  return dir
})
const samples = targets.map(() => [])
for (let round = 0; round < COLD; round++) targets.forEach((_, i) => samples[i].push(requireOnce(join(dirs[i], 'index.js'), dirs[i])))
const colds = samples.map(median)
console.log(`\nper function: bundle, zip (share of its limit), cold start = CPU time of require() of index.js, median of ${COLD} fresh processes (${machine()})`)
const w = Math.max(...targets.map(([n]) => n.length))
targets.forEach(([name, f], i) => {
  console.log(
    `  ${name.padEnd(w)}  bundle ${kib(f.bundleBytes).padStart(9)}  zip ${kib(f.zipBytes).padStart(9)} (${(f.share * 100).toFixed(2).padStart(5)}% of ${f.limitBytes / 1048576} MiB)` +
      `  cold ${colds[i].toFixed(2).padStart(6)} ms  ${(colds[i] / colds[0]).toFixed(2)}x baseline`,
  )
})
