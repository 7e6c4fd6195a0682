/**
 * `edgeware invoke <function.js|function.ts> --event <event.json|cff-viewer-request|cff-viewer-response>
 * [--runtime cloudfront-js-2.0] [--kvs store.json] [--json]`: runs a CloudFront Function in the local sandbox
 * and prints what TestFunction reports (the output, compute utilization, logs, the error), with CloudFront's
 * verdict. Exit code 0: valid result; 1: refused code, an invalid result (502) or a failed run (503); 2: usage.
 * `edgeware event cff-viewer-request` prints a CloudFront Functions event.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { FUNCTION_RUNTIMES, type CffEvent, type FunctionEventType, type FunctionRuntime } from '../cloudfront/functions-types.js'
import type { Violation } from '../core/errors.js'
import { FunctionError } from '../cloudfront-functions/errors.js'
import { KvsError } from '../cloudfront-functions/kvs.js'
import type { FunctionOutcome } from '../cloudfront-functions/engine.js'
import { createFunctionEvent, loadFunction, runFunctionOutcome } from '../testing/functions.js'
import { parseCommand, usageError } from './args.js'
import { InvokeError, readInvokeConfig } from './edge-function.js'
import { flagValue, readEventFile } from './request-flags.js'

const USAGE = `usage: edgeware invoke <function.js|function.ts> --event <event.json|cff-viewer-request|cff-viewer-response> [options]

  Runs a CloudFront Function (chosen by --runtime, --kvs, a cff-* event or a CloudFront Functions event file).
  The file is AWS's plain form (function handler(event) { … }), or TypeScript / a module exporting handler.

  --event E          an event JSON file, or cff-viewer-request / cff-viewer-response for the sample event
  --runtime R        cloudfront-js-2.0 (default) | cloudfront-js-1.0
  --kvs FILE         the associated key value store (CloudFront's import format)
  --config FILE      the wrangler.toml (default ./wrangler.toml, if any): a function a behavior associates runs with
                     its runtime and its [[edge.key_value_stores]] data, unless --runtime / --kvs say otherwise
  --env NAME         use the environment [env.NAME] of the config
  --json             print one JSON object { eventType, valid, status, …, testResult } (testResult: TestFunction's fields)`

/**
 * The event type a `cff-*` event name stands for; undefined for anything else.
 *
 * @example
 * ```ts
 * functionEventType('cff-viewer-request') // 'viewer-request'
 * ```
 */
export function functionEventType(name: string | undefined): FunctionEventType | undefined {
  return name === 'cff-viewer-request' ? 'viewer-request' : name === 'cff-viewer-response' ? 'viewer-response' : undefined
}

function isFunctionEventFile(path: string): boolean {
  try {
    const e = readEventFile(path, '') as { version?: unknown; context?: unknown } | null
    return e?.version === '1.0' && typeof e.context === 'object'
  } catch {
    return false
  }
}

/**
 * Whether `edgeware invoke`'s arguments ask for a CloudFront Function: `--runtime cloudfront-js-*`, `--kvs`, a
 * `cff-*` event, or an event file in the CloudFront Functions format.
 *
 * @example
 * ```ts
 * isFunctionInvocation(['fn.js', '--event', 'cff-viewer-request']) // true
 * ```
 */
export function isFunctionInvocation(args: readonly string[]): boolean {
  const event = flagValue(args, '--event', '-e')
  return (flagValue(args, '--runtime')?.startsWith('cloudfront-js') ?? false) || flagValue(args, '--kvs') !== undefined || functionEventType(event) !== undefined || (event !== undefined && isFunctionEventFile(event))
}

function readEvent(spec: string): CffEvent {
  const type = functionEventType(spec)
  if (type !== undefined) return createFunctionEvent(type)
  return readEventFile(spec, 'cff-viewer-request / cff-viewer-response') as CffEvent
}

const line = (v: Violation): string => `  ${v.code}${v.path ? ` at ${v.path}` : ''}: ${v.message}`

/** TestFunction's TestResult fields [TR] for an outcome. */
function testResult(out: FunctionOutcome): Record<string, unknown> {
  return {
    ComputeUtilization: String(out.computeUtilization),
    FunctionExecutionLogs: out.logs,
    FunctionErrorMessage: out.ok ? '' : `${out.errorType}: ${out.message}`,
    FunctionOutput: out.ok ? JSON.stringify({ [out.kind]: out.result }) : '',
  }
}

function print(out: FunctionOutcome, runtime: FunctionRuntime): void {
  if (out.ok) console.log(JSON.stringify(out.result, null, 2))
  for (const l of out.logs) console.log(`log: ${l}`)
  if (out.logsTruncated) console.log('log: … (truncated at the log limit)')
  console.log('')
  const cu = `compute utilization ${out.computeUtilization}, ${runtime}`
  if (out.ok) console.log(`VALID: CloudFront ${out.kind === 'response' ? 'answers the viewer with this response' : 'continues with this request'} (${cu})`)
  else if (out.status === 502) {
    console.log(`INVALID: CloudFront would answer 502 (FunctionValidationError) (${cu}):`)
    for (const v of out.violations) console.log(line(v))
  } else console.log(`ERROR: CloudFront would answer 503 (FunctionExecutionError, ${out.code}): ${out.message} (${cu})`)
  for (const o of out.originChanges) console.log(`origin: ${o.helper}(${JSON.stringify(o.helper === 'selectRequestOriginById' ? o.originId : o.params)})`)
  for (const w of out.warnings) console.log(`warning:${line(w).slice(1)}`)
}

/** The runtime and the store's data file the config gives the CloudFront Function in `file`, if it names it. */
async function configuredFunction(file: string, config: string | undefined, env: string | undefined): Promise<{ runtime: FunctionRuntime; kvs?: string } | undefined> {
  const c = await readInvokeConfig(config, env)
  const fn = c?.cloudfrontFunctions.find((f) => f.entry === resolve(file))
  if (!c || !fn) return undefined
  const store = c.edge.keyValueStores.find((s) => s.id === fn.keyValueStore)
  return { runtime: fn.runtime, ...(store ? { kvs: store.data } : {}) }
}

/**
 * Runs `edgeware invoke` for a CloudFront Function and resolves to the exit code.
 *
 * @example
 * ```ts
 * await run(['fn.js', '--event', 'cff-viewer-request', '--runtime', 'cloudfront-js-1.0'])
 * ```
 */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(
    'invoke',
    USAGE,
    args,
    { event: { type: 'string', short: 'e' }, runtime: { type: 'string' }, kvs: { type: 'string' }, config: { type: 'string', short: 'c' }, env: { type: 'string' }, json: { type: 'boolean' } },
    true,
  )
  if (typeof parsed === 'number') return parsed
  const { values, positionals } = parsed
  if (positionals.length !== 1 || values.event === undefined) return usageError('invoke', USAGE, 'expected one function file and --event')
  if (values.runtime !== undefined && !FUNCTION_RUNTIMES.includes(values.runtime as FunctionRuntime)) return usageError('invoke', USAGE, `--runtime must be cloudfront-js-1.0 or cloudfront-js-2.0, got ${JSON.stringify(values.runtime)}`)
  if (!existsSync(positionals[0]!)) {
    console.error(`edgeware invoke: no such file: ${positionals[0]}`)
    return 1
  }
  let out: FunctionOutcome
  let runtime: FunctionRuntime
  try {
    const configured = await configuredFunction(positionals[0]!, values.config, values.env)
    runtime = (values.runtime as FunctionRuntime | undefined) ?? configured?.runtime ?? 'cloudfront-js-2.0'
    const kvs = values.kvs ?? configured?.kvs
    const fn = await loadFunction(positionals[0]!, { runtime })
    const event = readEvent(values.event)
    const options = { runtime, ...(kvs !== undefined ? { kvs } : {}) }
    // A first run warms V8 up (its lazy compilation alone is several times a small function's work), so the
    // compute utilization printed is a warm run's, as at the local edge, comparable with TestFunction's.
    await runFunctionOutcome(fn, event, options)
    out = await runFunctionOutcome(fn, event, options)
  } catch (err) {
    if (err instanceof FunctionError && values.json) {
      console.log(JSON.stringify({ valid: false, error: { name: err.name, code: err.code, message: err.message, problems: err.problems } }, null, 2))
      return 1
    }
    if (err instanceof FunctionError || err instanceof KvsError || err instanceof InvokeError || (err instanceof Error && err.name === 'EdgeValidationError') || (err instanceof Error && err.message.startsWith('--event'))) {
      console.error(`edgeware invoke: ${err.message}`)
      return 1
    }
    throw err
  }
  if (values.json) {
    const { result, ...rest } = out as FunctionOutcome & { result?: unknown }
    console.log(JSON.stringify({ valid: out.ok, ...rest, result: result ?? null, runtime, testResult: testResult(out) }, null, 2))
  } else print(out, runtime)
  return out.ok ? 0 : 1
}
