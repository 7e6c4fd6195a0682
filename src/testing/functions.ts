/**
 * `edgeware/testing` for CloudFront Functions: events shaped like CloudFront's (`createFunctionEvent`, built from
 * the same sample request as `createEvent`), and `invokeFunction`, which runs a function file or its code in the
 * local sandbox and answers as CloudFront would.
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { extname, resolve } from 'node:path'
import type { FunctionLimits } from '../cloudfront/functions-limits.js'
import type { CffEvent, FunctionEventType, FunctionRuntime } from '../cloudfront/functions-types.js'
import { checkFunctionEvent } from '../cloudfront/functions-validate.js'
import { toFunctionEvent } from '../cloudfront-functions/convert.js'
import { compileFunction, runFunction, type CompiledFunction, type FunctionOutcome, type RunOptions } from '../cloudfront-functions/engine.js'
import { FunctionExecutionError } from '../cloudfront-functions/errors.js'
import { KeyValueStore, loadKeyValueStore } from '../cloudfront-functions/kvs.js'
import { EdgeValidationError } from '../core/errors.js'
import { createEvent, type EventOverrides } from './index.js'

/**
 * What `createFunctionEvent` can change: the request (as for `createEvent`) and, in viewer-response events, the
 * response (`set-cookie` response headers become `response.cookies`).
 *
 * @example
 * ```ts
 * const o: FunctionEventOverrides = { uri: '/docs/', querystring: 'a=1&a=2', cookies: { session: 'x' } }
 * ```
 */
export type FunctionEventOverrides = Pick<
  EventOverrides,
  'uri' | 'querystring' | 'method' | 'headers' | 'cookies' | 'clientIp' | 'status' | 'statusDescription' | 'responseHeaders' | 'response' | 'config'
>

/**
 * Builds a CloudFront Functions event for `eventType` from the same sample request `createEvent` uses, with your
 * overrides (`uri`, `method`, `querystring`, `headers`, `cookies`, `clientIp`; in viewer-response `status`,
 * `statusDescription`, `responseHeaders`). A fresh object each call.
 *
 * @example
 * ```ts
 * const event = createFunctionEvent('viewer-request', { uri: '/old', headers: { 'cloudfront-viewer-country': 'DE' } })
 * const res = createFunctionEvent('viewer-response', { status: 404 })
 * ```
 */
export function createFunctionEvent(eventType: FunctionEventType, overrides: FunctionEventOverrides = {}): CffEvent {
  if (eventType !== 'viewer-request' && eventType !== 'viewer-response') {
    throw new TypeError(`createFunctionEvent: CloudFront Functions run on viewer-request or viewer-response, not ${JSON.stringify(eventType)}`)
  }
  for (const k of ['body', 'origin', 'limits']) {
    if (k in overrides) throw new TypeError(`createFunctionEvent: ${k} is not part of a CloudFront Functions event`)
  }
  return toFunctionEvent(createEvent(eventType, overrides))
}

/**
 * Options of {@link invokeFunction} and {@link loadFunction}.
 *
 * @example
 * ```ts
 * await invokeFunction('edge-functions/cff/router.js', event, { runtime: 'cloudfront-js-2.0', kvs: 'routes.kvs.json' })
 * ```
 */
export interface InvokeFunctionOptions extends Omit<RunOptions, 'kvs' | 'limits'> {
  /** Default `cloudfront-js-2.0`. */
  runtime?: FunctionRuntime
  /** The associated key value store: a store, the path of an import-format file, or the import object itself. */
  kvs?: KeyValueStore | string | { data: { key: string; value: string }[] }
  /** Limits (code size, compute, memory, …); default CloudFront's. */
  limits?: Partial<FunctionLimits>
  /** The function's name (default: the file's stem, or `function`). */
  name?: string
}

const SOURCE_EXT = /\.(ts|mts|cts|tsx|js|mjs|cjs)$/i

/** Whether a string is the path of a function file (not code). */
function isFile(s: string): boolean {
  return !s.includes('\n') && SOURCE_EXT.test(s) && existsSync(s)
}

/**
 * Compiles a function from a file or from its code: AWS's plain form (a script with `function handler(event)`)
 * as is; TypeScript, or JavaScript that `export`s `handler`, through `compileCloudFrontFunction` first (as
 * `edgeware build` does). Throws `FunctionError` for code the runtime refuses.
 *
 * @example
 * ```ts
 * const fn = await loadFunction('edge-functions/cff/router.ts', { runtime: 'cloudfront-js-2.0' })
 * ```
 */
export async function loadFunction(fileOrCode: string, options: Pick<InvokeFunctionOptions, 'runtime' | 'limits' | 'name'> = {}): Promise<CompiledFunction> {
  const runtime = options.runtime ?? 'cloudfront-js-2.0'
  if (typeof fileOrCode !== 'string') throw new TypeError(`invokeFunction: give a file path or the function's code, got ${typeof fileOrCode}`)
  if (!isFile(fileOrCode)) return compileFunction(fileOrCode, { runtime, name: options.name ?? 'function', ...(options.limits ? { limits: options.limits } : {}) })
  return (await compileFunctionFile(fileOrCode, options)).fn
}

/**
 * @internal A function file compiled as {@link loadFunction} compiles it, and the source files (absolute paths) it
 * was built from: what `edgeware dev` watches.
 *
 * @example
 * ```ts
 * const { fn, files } = await compileFunctionFile('edge-functions/cff/router.ts', { runtime: 'cloudfront-js-2.0', name: 'router' })
 * ```
 */
export async function compileFunctionFile(file: string, options: Pick<InvokeFunctionOptions, 'runtime' | 'limits' | 'name'> = {}): Promise<{ fn: CompiledFunction; files: string[] }> {
  const runtime = options.runtime ?? 'cloudfront-js-2.0'
  const name = options.name ?? (file.split(/[\\/]/).pop()!.replace(SOURCE_EXT, '').replace(/[^a-zA-Z0-9_-]/g, '-').slice(0, 64) || 'function')
  const source = await readFile(file, 'utf8')
  let code = source
  let files = [resolve(file)]
  if (/^\.(ts|mts|cts|tsx)$/i.test(extname(file)) || /^\s*export\s/m.test(source)) {
    const { compileCloudFrontFunction } = await import('../build/cloudfront-function.js')
    const out = await compileCloudFrontFunction(file, { runtime, ...(options.limits ? { limits: options.limits } : {}) })
    code = out.code
    files = out.inputs.map((i) => resolve(i.path))
  }
  return { fn: compileFunction(code, { runtime, name, ...(options.limits ? { limits: options.limits } : {}) }), files }
}

async function toStore(kvs: InvokeFunctionOptions['kvs'], limits: Partial<FunctionLimits> | undefined): Promise<KeyValueStore | undefined> {
  if (kvs === undefined || kvs instanceof KeyValueStore) return kvs
  if (typeof kvs === 'string') return (await loadKeyValueStore(kvs, limits ? { limits } : {})).store
  return KeyValueStore.fromImport(kvs, limits ? { limits } : {})
}

/**
 * Runs a function like {@link invokeFunction} and resolves to the whole outcome (result or failure, compute
 * utilization, logs, origin changes, warnings about the event too) instead of throwing for a 502 / 503.
 *
 * @example
 * ```ts
 * const out = await runFunctionOutcome('router.js', event, { kvs: 'routes.kvs.json' })
 * console.log(out.computeUtilization, out.logs)
 * ```
 */
export async function runFunctionOutcome(fileOrCode: string | CompiledFunction, event: CffEvent, options: InvokeFunctionOptions = {}): Promise<FunctionOutcome> {
  const { violations, warnings } = checkFunctionEvent(event)
  if (violations.length > 0) throw new EdgeValidationError(violations)
  const fn = typeof fileOrCode === 'string' ? await loadFunction(fileOrCode, options) : fileOrCode
  const { kvs, limits, runtime: _r, name: _n, ...run } = options
  const store = await toStore(kvs, limits)
  const out = runFunction(fn, event, { ...run, ...(store ? { kvs: store } : {}), ...(limits ? { limits } : {}) })
  out.warnings.unshift(...warnings.map((w) => ({ ...w, path: `event.${w.path ?? ''}` })))
  return out
}

/**
 * Runs a CloudFront Function (a file, its code, or a compiled function) on `event` in the local sandbox and
 * resolves to what it returned, as CloudFront reads it. A result CloudFront would refuse rejects with
 * `EdgeValidationError` (the 502, `code` = the rule); a throw, a limit or a promise that never settles rejects
 * with `FunctionExecutionError` (the 503, `rule` = why); code the runtime refuses rejects with `FunctionError`.
 *
 * @example
 * ```ts
 * import { createFunctionEvent, invokeFunction } from 'edgeware/testing'
 * const res = await invokeFunction('edge-functions/cff-examples/redirect-by-country.js', createFunctionEvent('viewer-request', {
 *   headers: { 'cloudfront-viewer-country': 'DE' },
 * }))
 * expect(res).toMatchObject({ statusCode: 302 })
 * ```
 */
export async function invokeFunction(fileOrCode: string | CompiledFunction, event: CffEvent, options: InvokeFunctionOptions = {}): Promise<Record<string, unknown>> {
  const out = await runFunctionOutcome(fileOrCode, event, options)
  if (out.ok) return out.result
  if (out.status === 502) throw new EdgeValidationError(out.violations)
  throw new FunctionExecutionError(out.code, `${out.message} (CloudFront answers 503)`, out.logs, out.error !== undefined ? { cause: out.error } : undefined)
}
