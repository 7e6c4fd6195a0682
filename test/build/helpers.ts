/**
 * Helpers for the build tests: temp dirs inside the repo (so `edgeware` resolves by package self-reference),
 * unzipping an artifact and running it in a fresh `node` process the way Lambda loads `index.handler`.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { unzipSync } from 'fflate'
import { expect } from 'vitest'
import type { CfEvent } from 'edgeware'
import { samples } from 'edgeware/testing'
import { build, BuildError, type BuildOptions } from '../../src/build/index.js'

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const FIXTURES = join(REPO, 'test', 'build', 'fixtures')

const made: string[] = []

/** A fresh temp dir under `.edgeware/` (git-ignored) inside the repo. */
export async function tempDir(prefix = 'test-build-'): Promise<string> {
  const base = join(REPO, '.edgeware', 'tmp')
  mkdirSync(base, { recursive: true })
  const dir = await mkdtemp(join(base, prefix))
  made.push(dir)
  return dir
}

/**
 * A fresh temp dir outside the repo, like Lambda's /var/task: no package.json above it says `"type": "module"`,
 * so `index.js` loads as CommonJS exactly as in Lambda.
 */
export async function runDir(prefix = 'edgeware-run-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  made.push(dir)
  return dir
}

/** Removes every temp dir made by `tempDir`. */
export async function cleanTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })))
}

/** Writes files (path relative to `dir` → content), creating folders. */
export function writeTree(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const p = join(dir, rel)
    mkdirSync(dirname(p), { recursive: true })
    writeFileSync(p, text)
  }
}

/** A project in a fresh temp dir (see {@link tempDir}) holding `files`, a `wrangler.toml` among them; resolves to that config's path. */
export async function writeProject(files: Record<string, string>, prefix = 'project-'): Promise<string> {
  const dir = await tempDir(prefix)
  writeTree(dir, files)
  return join(dir, 'wrangler.toml')
}

/** Builds `config` into a fresh directory, expecting a `BuildError` and nothing written; resolves to the error. */
export async function buildFailure(config: BuildOptions['config'], extra: Partial<BuildOptions> = {}): Promise<BuildError> {
  const outDir = join(await tempDir('fail-'), 'out')
  const err = await build({ config, outDir, ...extra }).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(BuildError)
  expect(existsSync(outDir)).toBe(false)
  return err as BuildError
}

const EVENTS: Record<string, CfEvent> = {
  'viewer-request': samples.viewerRequestSample,
  'origin-request': samples.originRequestCustomSample,
  'origin-request-s3-body': samples.originRequestS3BodySample,
  'origin-response': samples.originResponseSample,
  'viewer-response': samples.viewerResponseSample,
}

/** A fresh copy of an AWS sample event (verbatim in edgeware/testing, pinned to the shared reference by test/testing/samples.test.ts). */
export function sampleEvent(name: keyof typeof EVENTS): CfEvent {
  return structuredClone(EVENTS[name]!)
}

/** Unzips a zip file into `dir`; returns the entry names in archive order. */
export function unzipTo(zipPath: string, dir: string): string[] {
  const files = unzipSync(readFileSync(zipPath))
  mkdirSync(dir, { recursive: true })
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data)
  return Object.keys(files)
}

/** One central-directory record of a zip (what `unzip -Z` shows). */
export interface ZipRecord {
  name: string
  madeBy: number
  /** DOS date/time as `YYYY-MM-DD HH:MM:SS`. */
  mtime: string
  /** Unix mode from the high 16 bits of the external attributes. */
  mode: number
  method: number
}

/** Reads a zip's central directory. */
export function zipRecords(zip: Uint8Array): ZipRecord[] {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength)
  let eocd = zip.length - 22
  while (eocd >= 0 && v.getUint32(eocd, true) !== 0x06054b50) eocd--
  const count = v.getUint16(eocd + 10, true)
  let p = v.getUint32(eocd + 16, true)
  const out: ZipRecord[] = []
  for (let i = 0; i < count; i++) {
    if (v.getUint32(p, true) !== 0x02014b50) throw new Error('bad central directory')
    const madeBy = v.getUint8(p + 5)
    const method = v.getUint16(p + 10, true)
    const time = v.getUint16(p + 12, true)
    const date = v.getUint16(p + 14, true)
    const nameLen = v.getUint16(p + 28, true)
    const extraLen = v.getUint16(p + 30, true)
    const commentLen = v.getUint16(p + 32, true)
    const attrs = v.getUint32(p + 38, true)
    const name = new TextDecoder().decode(zip.subarray(p + 46, p + 46 + nameLen))
    const pad = (n: number) => String(n).padStart(2, '0')
    const mtime = `${(date >> 9) + 1980}-${pad((date >> 5) & 15)}-${pad(date & 31)} ${pad(time >> 11)}:${pad((time >> 5) & 63)}:${pad((time & 31) * 2)}`
    out.push({ name, madeBy, mtime, mode: attrs >>> 16, method })
    p += 46 + nameLen + extraLen + commentLen
  }
  return out
}

/** What the handler did in the fresh process. */
export interface FreshRun {
  result?: unknown
  error?: string
  /** Milliseconds spent in `require('./index.js')`. */
  requireMs: number
  stderr: string
}

const RUNNER = `
const start = process.hrtime.bigint()
const mod = require(process.cwd() + '/index.js')
const requireMs = Number(process.hrtime.bigint() - start) / 1e6
let input = ''
process.stdin.on('data', (d) => { input += d })
process.stdin.on('end', () => {
  const event = JSON.parse(input)
  const deadline = Date.now() + 5000
  const context = { functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, functionVersion: '1', awsRequestId: 'test',
    memoryLimitInMB: '128', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f:1',
    getRemainingTimeInMillis: () => deadline - Date.now(), callbackWaitsForEmptyEventLoop: true }
  let done = false
  const finish = (err, result) => {
    if (done) return
    done = true
    process.stdout.write(JSON.stringify(err ? { error: String(err && err.message || err), requireMs } : { result, requireMs }))
  }
  if (typeof mod.handler !== 'function') return finish(new Error('index.handler is not a function'))
  try {
    const r = mod.handler(event, context, finish)
    if (r && typeof r.then === 'function') r.then((v) => finish(null, v), (e) => finish(e))
  } catch (e) { finish(e) }
})
`

/**
 * Runs `index.handler` from `dir` in a fresh `node` process with only Lambda's reserved variables in the
 * environment (plus `env`), feeding it `event`, and returns what it resolved to (or called back with).
 */
export function runFresh(dir: string, event: unknown, env: Record<string, string> = {}): Promise<FreshRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['-e', RUNNER], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', AWS_LAMBDA_FUNCTION_NAME: 'us-east-1.test', TZ: 'UTC', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      if (!out) return reject(new Error(`fresh node exited ${code} without a result: ${err}`))
      resolvePromise({ ...(JSON.parse(out) as Omit<FreshRun, 'stderr'>), stderr: err })
    })
    child.stdin.end(JSON.stringify(event))
  })
}
