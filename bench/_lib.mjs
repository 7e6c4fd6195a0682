// bench/_lib.mjs — helpers shared by the benches (scripts/bench.js runs only *.bench.mjs, so not this file).
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import * as esbuild from 'esbuild'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..')

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

export const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`

/** `N cores, load average L` — benches run on a shared machine; print this next to their figures. */
export const machine = () => `${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}`

/**
 * A fresh directory, removed when the process exits. By default in the project's .edgeware/ (so entries there
 * import 'edgeware' by name, like a user's edge function, and two levels below the root, as bundle.ts expects of
 * its own file); `parent` puts it elsewhere (e.g. os.tmpdir(), outside the repo, like Lambda's /var/task).
 */
export function tempDir(name, parent = join(root, '.edgeware')) {
  mkdirSync(parent, { recursive: true })
  const dir = mkdtempSync(join(parent, `bench-${name}-`))
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/**
 * `source` (ESM re-exports of src/ modules, paths relative to the root) bundled to one ESM file (dependencies left
 * external, one copy of each src module) and imported.
 */
export async function importSource(source) {
  const outfile = join(tempDir('lib'), 'lib.mjs')
  await esbuild.build({
    stdin: { contents: source, resolveDir: root, sourcefile: 'bench-lib.ts', loader: 'ts' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    conditions: ['edgeware-source'],
    logLevel: 'error',
  })
  return import(pathToFileURL(outfile).href)
}

let buildLib
/** src/build (`build`, `bundleFunction`), current source, no `npm run build:lib` needed. */
export const buildLibrary = () => (buildLib ??= importSource(`export * from './src/build/index.ts'`))

/**
 * `source` (or the file `entry`) bundled exactly as `edgeware build` bundles a function (bundleFunction), written
 * to a .cjs file: its path, size, gzip -9 size and bytes per input module (largest first).
 */
export async function edgeBundle({ name, source, entry, vars, dir }) {
  const { bundleFunction } = await buildLibrary()
  name = name.replace(/\W+/g, '_')
  if (source !== undefined) {
    entry = join(dir, `${name}.ts`)
    writeFileSync(entry, source)
  }
  const r = await bundleFunction({ entry, vars, absWorkingDir: root })
  const file = join(dir, `${name}.cjs`)
  writeFileSync(file, r.code)
  const inputs = Object.entries(Object.values(r.metafile.outputs)[0].inputs)
    .map(([f, v]) => [f, v.bytesInOutput])
    .sort((a, b) => b[1] - a[1])
  return { file, code: r.code, bytes: Buffer.byteLength(r.code), gzip: gzipSync(r.code, { level: 9 }).byteLength, inputs }
}

/**
 * CPU time (user + system, ms) of `require(file)` in one fresh node process, which must export a `handler`
 * function. CPU time, not wall time: other processes on a shared machine inflate it far less.
 */
export function requireOnce(file, cwd) {
  const code = `const c0=process.cpuUsage();const m=require(${JSON.stringify(file)});const c=process.cpuUsage(c0);if(typeof m.handler!=='function')process.exit(3);process.stdout.write(String((c.user+c.system)/1000))`
  return Number(execFileSync(process.execPath, ['-e', code], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } }))
}

/** Median of {@link requireOnce} over `runs` fresh processes. */
export function coldRequire(file, runs) {
  return median(Array.from({ length: runs }, () => requireOnce(file)))
}
