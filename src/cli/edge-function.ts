/**
 * A Lambda@Edge function as `edgeware invoke` runs it: a source file built exactly as `edgeware build` builds it
 * (the config's `[vars]` and runtime, minified, the refusal of environment variable reads, the check of the stage its
 * handler is made for), or a built zip; loaded in a Lambda-like container of its own (only Lambda's reserved
 * environment variables, source maps on), against the local DynamoDB the config names when asked.
 */
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, extname, isAbsolute, join, normalize, relative, resolve } from 'node:path'
import { bundleFunction, EDGEWARE_OWN } from '../build/bundle.js'
import { envProblem, functionSettings } from '../build/checks.js'
import { secretProblems } from '../build/secrets.js'
import { BuildError } from '../build/errors.js'
import { stageProblem } from '../build/stage-check.js'
import { loadEnvConfig, loadLocalSecrets } from '../build/environment.js'
import { ConfigError, type EdgeConfig } from '../simulator/config.js'
import { SingleContainer } from '../simulator/lambda.js'
import type { SourceDirs } from '../simulator/verdict.js'

/**
 * Why a function can't be invoked (the message says what, with the file and the rule).
 *
 * @example
 * ```ts
 * throw new InvokeError(`no such file: ${file}`)
 * ```
 */
export class InvokeError extends Error {
  override name = 'InvokeError'
}

/**
 * `--config`, else ./wrangler.toml when there is one: loaded (with `env`), or undefined.
 *
 * @example
 * ```ts
 * const config = await readInvokeConfig(values.config, values.env) // undefined: no wrangler.toml here
 * ```
 */
export async function readInvokeConfig(given: string | undefined, env: string | undefined): Promise<EdgeConfig | undefined> {
  const file = resolve(given ?? 'wrangler.toml')
  if (given === undefined && !existsSync(file)) {
    if (env !== undefined) throw new InvokeError(`--env ${env}: there is no wrangler.toml here to take [env.${env}] from (--config FILE)`)
    return undefined
  }
  try {
    return await loadEnvConfig(file, env)
  } catch (e) {
    if (e instanceof ConfigError) throw new InvokeError(`invalid config: ${e.message}`)
    throw e
  }
}

/**
 * What `secret()` (edgeware/secrets) reads in an invoked function: `.dev.vars` next to the config (or
 * ./wrangler.toml), as under `edgeware dev`; a notice (a fresh clone's `.dev.vars.example`) goes to stderr.
 *
 * @example
 * ```ts
 * loadFunction(file, { localSecrets: invokeSecrets(config) })
 * ```
 */
export function invokeSecrets(config: EdgeConfig | undefined): { values: Record<string, string>; source: string } {
  const local = loadLocalSecrets(config?.path ?? resolve('wrangler.toml'), config?.env)
  if (local.notice) console.error(`edgeware invoke: ${local.notice}`)
  return { values: local.values, source: local.file ? basename(local.file) : '.dev.vars' }
}

/** Options of {@link loadFunction}. */
export interface LoadOptions {
  /** The project's config: `[vars]`, runtime, region, the function's memory and timeout and stages. */
  config?: EdgeConfig
  /**
   * Bake in the endpoint of the config's `[edge.dynamodb]` table as `edgeware dev` does: its running dev server's
   * table, else the table dev would open (dynalite with its seed, port and persist; a self-run endpoint; the real
   * table). `onTable` gets the lines that say which.
   */
  local?: boolean
  /** What `local` found, one line each. */
  onTable?: (line: string) => void
  /** The invocation's timeout (ms), instead of the function's. */
  timeoutMs?: number
  /** The function's timeout (ms) when the config doesn't set one: the limit of the stage it is invoked for. */
  defaultTimeoutMs: number
  /** Each line the function prints (Lambda's format: time, request id, level, message). */
  onOutput?: (name: string, line: string) => void
  /** What `secret()` from `edgeware/secrets` reads instead of AWS (`.dev.vars`), and its file's name. */
  localSecrets?: { values: Record<string, string>; source: string }
}

/** A function loaded in its container (named as the config names it, else by the file's stem). */
export interface LoadedFunction {
  container: SingleContainer
  /** Where the user's code is (for the source line of a throw). */
  source: SourceDirs
  close(): Promise<void>
}

/** Unpacks a built zip (`index.js` at its root, as Lambda loads it) into `dir`; returns `index.js`'s code. */
async function unpack(file: string, dir: string): Promise<string> {
  const { unzipSync } = await import('fflate')
  let files: Record<string, Uint8Array>
  try {
    files = unzipSync(readFileSync(file))
  } catch (err) {
    throw new InvokeError(`${file} is not a readable zip: ${(err as Error).message}`)
  }
  if (files['index.js'] === undefined) {
    throw new InvokeError(`${file} has no index.js at its root (Lambda@Edge handlers are index.handler); it holds: ${Object.keys(files).slice(0, 10).join(', ') || 'nothing'}`)
  }
  for (const [name, data] of Object.entries(files)) {
    if (name.endsWith('/')) continue
    const rel = normalize(name)
    if (isAbsolute(rel) || rel.startsWith('..')) throw new InvokeError(`${file} holds an unsafe path: ${name}`)
    mkdirSync(dirname(join(dir, rel)), { recursive: true })
    writeFileSync(join(dir, rel), data)
  }
  return Buffer.from(files['index.js']).toString('utf8')
}

/** Builds a source file as `edgeware build` does, with its source map inline; refuses what the build refuses. */
async function buildSource(abs: string, name: string, config: EdgeConfig | undefined, root: string, dynamoEndpoint: string | undefined): Promise<string> {
  let b
  try {
    b = await bundleFunction({
      entry: abs,
      vars: config?.vars ?? {},
      runtime: config?.edge.runtime ?? 'nodejs22.x',
      sourcemap: 'inline',
      absWorkingDir: root,
      ...(dynamoEndpoint ? { dynamoEndpoint } : {}),
    })
  } catch (e) {
    if (e instanceof BuildError) throw new InvokeError(e.message)
    throw e
  }
  const refused = [...b.envReads.map((r) => envProblem({ name }, r)), ...secretProblems(config ?? { name, vars: {} }, name, b.secrets, b.secretRefusals)]
  if (refused.length) throw new InvokeError(refused.map((p) => p.message).join('\n'))
  return b.code
}

/**
 * Loads a function for `edgeware invoke`: a `.zip` as built, or a source file built as `edgeware build` builds it.
 * Throws {@link InvokeError} for what the build refuses (a bundling error, a read of an environment variable, a
 * handler made for another stage than the config associates the file with) and for a missing file or a bad zip.
 *
 * @example
 * ```ts
 * const f = await loadFunction('edge-functions/site/viewer-request.ts', { config, defaultTimeoutMs: 5000 })
 * const run = await f.container.run(JSON.stringify(event))
 * await f.close()
 * ```
 */
export async function loadFunction(file: string, opts: LoadOptions): Promise<LoadedFunction> {
  const abs = resolve(file)
  let st
  try {
    st = statSync(abs)
  } catch {
    throw new InvokeError(`no such file: ${file}`)
  }
  if (!st.isFile()) throw new InvokeError(`not a file: ${file}`)
  const { config } = opts
  const root = config?.root ?? process.cwd()
  const fn = config?.functions.find((f) => f.entry === abs)
  const zip = extname(abs).toLowerCase() === '.zip'
  const name = fn?.name ?? basename(abs, extname(abs))
  const closers: (() => Promise<void> | void)[] = []
  const close = async (): Promise<void> => {
    for (const c of closers.splice(0).reverse()) await c()
  }
  try {
    let dynamoEndpoint: string | undefined
    if (opts.local) {
      if (!config?.edge.dynamodb) throw new InvokeError(`--local: ${config ? relative(process.cwd(), config.path) : 'there is no wrangler.toml, so it'} has no [edge.dynamodb] table to start`)
      const { DevTableError, openDevTable } = await import('../origin/dev-table.js')
      const onProblem = (m: string): void => opts.onTable?.(`⚠ ${m}`)
      const table = await openDevTable(config, { use: 'invoke', onProblem }).catch((e: unknown) => {
        throw e instanceof DevTableError ? new InvokeError(`--local: ${e.message}`) : e
      })
      closers.push(() => table.close())
      for (const l of table.lines) opts.onTable?.(l)
      dynamoEndpoint = table.endpoint
    }
    let code: string
    let filename: string
    if (zip) {
      const dir = mkdtempSync(join(tmpdir(), 'edgeware-invoke-'))
      closers.push(() => rmSync(dir, { recursive: true, force: true }))
      code = await unpack(abs, dir)
      filename = join(dir, 'index.js')
    } else {
      code = await buildSource(abs, name, config, root, dynamoEndpoint)
      // Named as dev names it, in the project root: the inline source map's paths resolve to the user's files.
      filename = join(root, `${name}.js`)
    }
    const settings = fn && config ? functionSettings(fn, config.edge.limits) : undefined
    const timeoutMs = opts.timeoutMs ?? (settings ? settings.timeoutS * 1000 : opts.defaultTimeoutMs)
    let container: SingleContainer
    try {
      container = await SingleContainer.load({
        name,
        code,
        filename,
        memoryMb: settings?.memoryMb ?? 128,
        timeoutMs,
        region: config?.edge.region ?? 'us-east-1',
        runtime: config?.edge.runtime ?? 'nodejs22.x',
        ...(opts.onOutput ? { onOutput: opts.onOutput } : {}),
        ...(opts.localSecrets ? { localSecrets: opts.localSecrets } : {}),
      })
    } catch (e) {
      throw new InvokeError(`${file}: the function's module fails as it loads: ${(e as Error).message}`)
    }
    closers.push(() => container.close())
    const problem = fn && stageProblem(fn, container.stage, root)
    if (problem) throw new InvokeError(problem.message)
    return { container, source: { root, own: EDGEWARE_OWN }, close }
  } catch (e) {
    await close()
    throw e
  }
}
