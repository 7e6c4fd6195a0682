/**
 * `edgeware invoke <file|zip> --event <file.json|stage> [--limits classic|current] [--timeout MS] [--s3] [--json]`:
 * loads a handler (a .ts/.js/.mjs/.cjs source bundled with esbuild as it would be deployed, or a built .zip with
 * `index.js`), runs it on the event like Lambda would, prints the result and CloudFront's verdict, as
 * `aws lambda invoke` does. Exit code 0: valid result; 1: invalid result (502) or a throw/timeout (503); 2: usage.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { basename, dirname, extname, isAbsolute, join, normalize, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { STAGES, type CfEvent, type Stage } from '../cloudfront/types.js'
import type { Violation } from '../core/errors.js'
import { EdgeExecutionError } from '../core/runtime-errors.js'
import { loadLocalSecrets } from '../build/environment.js'
import { setLocalSecrets } from '../secrets/index.js'
import { createEvent } from '../testing/index.js'
import { runHandler, type AnyHandler } from '../testing/run.js'
import { parseCommand, usageError } from './args.js'
import { isOriginInvocation, run as runOrigin } from './invoke-origin.js'

const USAGE = `usage: edgeware invoke <file.ts|file.js|function.zip> --event <event.json|stage> [options]

  --event E          an event JSON file, or a stage name for its sample event
                     (a Lambda origin's: apigateway-rest | apigateway-http | alb | function-url; '--event alb --help' lists its options)
  --s3               with a stage name: the sample S3 origin (origin events)
  --limits P         classic (default) | current
  --timeout MS       invocation timeout (default: the stage's function timeout)
  --handler NAME     the exported handler (default: handler)
  --json             print one JSON object { stage, valid, result, violations, warnings, error }

  A CloudFront Function instead: --event cff-viewer-request|cff-viewer-response or a CloudFront Functions event
  file, --runtime cloudfront-js-1.0|cloudfront-js-2.0, --kvs store.json (edgeware invoke fn.js --event cff-viewer-request --help)`

/** A loaded handler and the temp directory holding its bundle. */
export interface LoadedHandler {
  handler: AnyHandler
  /** Removes the temporary bundle. */
  cleanup(): void
}

/**
 * Loads a handler the way it would run on Lambda: a source file is bundled with esbuild (platform node, cjs,
 * `conditions: ['edgeware-source']`) into a temp file and required; a `.zip` is unpacked and its `index.js` required.
 *
 * @example
 * ```ts
 * const { handler, cleanup } = await loadHandler('edge-functions/site/viewer-request.ts')
 * ```
 */
export async function loadHandler(file: string, exportName = 'handler'): Promise<LoadedHandler> {
  const abs = resolve(file)
  let st
  try {
    st = statSync(abs)
  } catch {
    throw new Error(`no such file: ${file}`)
  }
  if (!st.isFile()) throw new Error(`not a file: ${file}`)
  const dir = mkdtempSync(join(tmpdir(), 'edgeware-invoke-'))
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true })
  try {
    let entry: string
    if (extname(abs).toLowerCase() === '.zip') {
      const { unzipSync } = await import('fflate')
      let files: Record<string, Uint8Array>
      try {
        files = unzipSync(readFileSync(abs))
      } catch (err) {
        throw new Error(`${file} is not a readable zip: ${(err as Error).message}`)
      }
      if (files['index.js'] === undefined) {
        throw new Error(`${file} has no index.js at its root (Lambda@Edge handlers are index.handler); it holds: ${Object.keys(files).slice(0, 10).join(', ') || 'nothing'}`)
      }
      for (const [name, data] of Object.entries(files)) {
        if (name.endsWith('/')) continue
        const rel = normalize(name)
        if (isAbsolute(rel) || rel.startsWith('..')) throw new Error(`${file} holds an unsafe path: ${name}`)
        mkdirSync(dirname(join(dir, rel)), { recursive: true })
        writeFileSync(join(dir, rel), data)
      }
      // index.js in a zip is CommonJS (the Lambda packaging format); mark the folder so Node reads it as such
      writeFileSync(join(dir, 'package.json'), '{"type":"commonjs"}')
      entry = join(dir, 'index.js')
    } else {
      const esbuild = await import('esbuild')
      let out
      try {
        out = await esbuild.build({
          entryPoints: [abs],
          bundle: true,
          platform: 'node',
          format: 'cjs',
          target: 'node20',
          conditions: ['edgeware-source'],
          write: false,
          logLevel: 'silent',
          sourcemap: 'inline',
          outfile: join(dir, 'index.cjs'),
        })
      } catch (err) {
        const errors = (err as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors
        // an ES module with top-level await can't become CommonJS: load it as the ES module it is
        if (/\.m?js$/i.test(abs) && errors?.some((e) => /top-level await/i.test(e.text))) {
          const mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>
          const handler = mod[exportName]
          if (typeof handler !== 'function') throw new Error(`${file} has no "${exportName}" function export (it exports: ${Object.keys(mod).join(', ') || 'nothing'})`)
          return { handler: handler as AnyHandler, cleanup }
        }
        const detail = errors?.map((e) => `  ${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`).join('\n')
        throw new Error(`can't bundle ${file}:\n${detail ?? (err as Error).message}`)
      }
      entry = join(dir, 'index.cjs')
      writeFileSync(entry, out.outputFiles[0]!.contents)
    }
    const mod = createRequire(entry)(entry) as Record<string, unknown>
    const handler = mod[exportName] ?? (mod.default as Record<string, unknown> | undefined)?.[exportName]
    if (typeof handler !== 'function') {
      throw new Error(`${file} has no "${exportName}" function export (it exports: ${Object.keys(mod).join(', ') || 'nothing'})`)
    }
    return { handler: handler as AnyHandler, cleanup }
  } catch (err) {
    cleanup()
    throw err
  }
}

function readEvent(spec: string, s3: boolean): CfEvent {
  if (STAGES.includes(spec as Stage)) return createEvent(spec as Stage, s3 ? { origin: 's3' } : {})
  let text: string
  try {
    text = readFileSync(spec, 'utf8')
  } catch {
    throw new Error(`--event: ${spec} is neither a stage name (${STAGES.join(', ')}) nor a readable file`)
  }
  try {
    return JSON.parse(text) as CfEvent
  } catch (err) {
    throw new Error(`--event: ${spec} is not valid JSON: ${(err as Error).message}`)
  }
}

function line(v: Violation): string {
  return `  ${v.code}${v.path ? ` at ${v.path}` : ''}: ${v.message}`
}

/**
 * Runs `edgeware invoke` and resolves to the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await run(['edge-functions/site/viewer-request.ts', '--event', 'viewer-request'])
 * ```
 */
export async function run(args: string[]): Promise<number> {
  // A Lambda origin's event (API Gateway, ALB, function URL): invoke-origin.ts.
  if (isOriginInvocation(args)) return runOrigin(args)
  const cff = await import('./invoke-function.js')
  if (cff.isFunctionInvocation(args)) return cff.run(args)
  const parsed = parseCommand(
    'invoke',
    USAGE,
    args,
    {
      event: { type: 'string', short: 'e' },
      s3: { type: 'boolean' },
      limits: { type: 'string' },
      timeout: { type: 'string' },
      handler: { type: 'string' },
      json: { type: 'boolean' },
    },
    true,
  )
  if (typeof parsed === 'number') return parsed
  const { values, positionals } = parsed
  if (positionals.length !== 1 || values.event === undefined) {
    return usageError('invoke', USAGE, 'expected one handler file and --event')
  }
  const limits = values.limits ?? 'classic'
  if (limits !== 'classic' && limits !== 'current') {
    console.error(`edgeware invoke: --limits must be classic or current, got ${JSON.stringify(limits)}`)
    return 2
  }
  let timeoutMs: number | undefined
  if (values.timeout !== undefined) {
    timeoutMs = Number(values.timeout)
    if (!(timeoutMs > 0)) {
      console.error(`edgeware invoke: --timeout must be a positive number of ms, got ${JSON.stringify(values.timeout)}`)
      return 2
    }
  }
  let event: CfEvent
  let loaded: LoadedHandler
  try {
    event = readEvent(values.event, values.s3 === true)
    // secret() (edgeware/secrets) reads .dev.vars next to the config, as under `edgeware dev`.
    const local = loadLocalSecrets(resolve('wrangler.toml'))
    if (local.notice) console.error(`edgeware invoke: ${local.notice}`)
    setLocalSecrets(local.values, local.file ? basename(local.file) : '.dev.vars')
    loaded = await loadHandler(positionals[0]!, values.handler)
  } catch (err) {
    setLocalSecrets(undefined)
    console.error(`edgeware invoke: ${(err as Error).message}`)
    return 1
  }
  const asJson = values.json === true
  try {
    const outcome = await runHandler(loaded.handler, event, { limits, ...(timeoutMs !== undefined ? { timeoutMs } : {}) })
    const valid = outcome.violations.length === 0
    if (asJson) {
      console.log(JSON.stringify({ stage: outcome.stage, valid, result: outcome.result ?? null, violations: outcome.violations, warnings: outcome.warnings }, null, 2))
    } else {
      console.log(JSON.stringify(outcome.result ?? null, null, 2))
      console.log('')
      if (valid) console.log(`VALID: CloudFront accepts this ${outcome.stage} result (limits: ${limits}, ${outcome.durationMs} ms)`)
      else {
        console.log(`INVALID: CloudFront would answer 502 (LambdaValidationError) for this ${outcome.stage} result:`)
        for (const v of outcome.violations) console.log(line(v))
      }
      for (const w of outcome.warnings) console.log(`warning:${line(w).slice(1)}`)
    }
    return valid ? 0 : 1
  } catch (err) {
    if (!(err instanceof EdgeExecutionError) && !(err instanceof Error && err.name === 'EdgeValidationError')) throw err
    const e = err as Error & { code?: string; cause?: unknown }
    const status = err instanceof EdgeExecutionError ? 503 : 400
    if (asJson) {
      const stage = (event as { Records?: { cf?: { config?: { eventType?: string } } }[] }).Records?.[0]?.cf?.config?.eventType ?? null
      console.log(JSON.stringify({ stage, valid: false, result: null, violations: [], warnings: [], error: { name: e.name, code: e.code, status, message: e.message } }, null, 2))
    } else {
      console.log(`ERROR: ${e.message}`)
      const cause = e.cause
      if (cause instanceof Error && cause.stack) console.log(cause.stack.split('\n').map((l) => '  ' + l).join('\n'))
    }
    return 1
  } finally {
    setLocalSecrets(undefined)
    loaded.cleanup()
  }
}
