/**
 * The CloudFront Functions engine: `compileFunction` checks code against its runtime and its size limit (what
 * CreateFunction and the runtime would refuse, at load time), `runFunction` runs it on one event in its sandbox
 * and answers like CloudFront: the result as CloudFront reads it, or the 502 / 503 with the rule, plus the
 * compute utilization and the logs (as TestFunction reports them).
 */
import { resolveFunctionLimits, type FunctionLimits } from '../cloudfront/functions-limits.js'
import { originChangeViolations, type FunctionOriginChange } from '../cloudfront/functions-origin.js'
import { FUNCTION_EVENT_TYPES, FUNCTION_RUNTIMES, type CffEvent, type FunctionEventType, type FunctionRuntime } from '../cloudfront/functions-types.js'
import { checkFunctionResult } from '../cloudfront/functions-validate.js'
import { isObject } from '../cloudfront/show.js'
import type { Violation } from '../core/errors.js'
import { functionQueryString } from './convert.js'
import { FunctionError } from './errors.js'
import type { KeyValueStore } from './kvs.js'
import { elapsedMs, heapUsed, Sandbox, wrapperSource, type Call, type RunState } from './sandbox.js'
import { checkFunctionSyntax } from './syntax.js'

/**
 * Options of {@link compileFunction}.
 *
 * @example
 * ```ts
 * compileFunction(code, { runtime: 'cloudfront-js-1.0', name: 'redirects', limits: { codeBytes: 8192 } })
 * ```
 */
export interface CompileOptions {
  /** Default `cloudfront-js-2.0`. */
  runtime?: FunctionRuntime
  /** The function's name, `[a-zA-Z0-9-_]{1,64}` as CloudFront requires (default `function`); used in stack traces. */
  name?: string
  /** Limits for the size check and the default limits of its runs. */
  limits?: Partial<FunctionLimits>
}

/**
 * A function that passed the load-time checks, ready to run (its sandbox is made on the first run).
 *
 * @example
 * ```ts
 * const fn = compileFunction('function handler(event) { return event.request }', { runtime: 'cloudfront-js-1.0' })
 * fn.codeBytes // 42
 * ```
 */
export interface CompiledFunction {
  readonly name: string
  readonly runtime: FunctionRuntime
  readonly code: string
  /** UTF-8 bytes of the code (what the size limit counts). */
  readonly codeBytes: number
  /** Whether `handler` is an async function. */
  readonly handlerAsync: boolean
  readonly limits: FunctionLimits
}

interface Compiled extends CompiledFunction {
  readonly sandbox: Sandbox
}

/**
 * Options of one run.
 *
 * @example
 * ```ts
 * runFunction(fn, event, { kvs: store, now: Date.parse('2026-01-01T00:00:00Z') })
 * ```
 */
export interface RunOptions {
  /** The key value store associated with the function (`cf.kvs()` fails without one). */
  kvs?: KeyValueStore
  /** Limits of this run (default: the compiled function's). */
  limits?: Partial<FunctionLimits>
  /** What `request.rawQueryString()` returns (2.0); default: the event's query string serialised, undefined if empty. */
  rawQueryString?: string
  /** `cf.edgeLocation` in viewer-request (default `{ name: 'SEA', serverIp: '127.0.0.1', region: 'us-west-2' }`). */
  edgeLocation?: { name: string; serverIp: string; region: string }
  /** The distribution's origin ids, when known: `selectRequestOriginById` / `createRequestOriginGroup` may name only these. */
  originIds?: readonly string[]
  /** The time `Date` reports during the run, ms since the epoch (default: now). */
  now?: number
}

/** What every run reports, success or not. */
interface OutcomeBase {
  eventType: FunctionEventType
  /** 0–100+: CPU time of the run against the compute budget (`limits.computeBudgetMs`), like TestFunction's ComputeUtilization. */
  computeUtilization: number
  /** CPU time of the run, ms. */
  cpuMs: number
  /** `console.log` lines (at most `limits.logBytes` bytes in all). */
  logs: string[]
  logsTruncated: boolean
  /** Calls of the origin modification helpers, in order. */
  originChanges: FunctionOriginChange[]
  /** Accepted, but probably not meant (e.g. a `multivalue` key). */
  warnings: Violation[]
}

/**
 * What a run produced: the result CloudFront reads (`kind` says whether the request goes on or a response goes
 * back), or CloudFront's failure: a 502 `FunctionValidationError` (the result breaks a rule: `violations`) or a
 * 503 `FunctionExecutionError` (a throw, a limit, a promise that never settles: `code`).
 *
 * @example
 * ```ts
 * const out = runFunction(fn, event)
 * if (out.ok) out.result; else console.log(out.status, out.code, out.message)
 * ```
 */
export type FunctionOutcome =
  | (OutcomeBase & { ok: true; kind: 'request' | 'response'; result: Record<string, unknown> })
  | (OutcomeBase & {
      ok: false
      status: 502 | 503
      errorType: 'FunctionValidationError' | 'FunctionExecutionError'
      /** The first violation's code (502), or `FunctionThrew`, `ComputeLimitExceeded`, `MemoryLimitExceeded`, `HandlerNeverSettled` (503). */
      code: string
      message: string
      violations: Violation[]
      /** What the function threw (503 `FunctionThrew`). */
      error?: unknown
    })

const NAME = /^[a-zA-Z0-9_-]{1,64}$/
const cache = new Map<string, Compiled>()
const CACHE_MAX = 200

function refuse(code: string, message: string, name: string): never {
  throw new FunctionError([{ code, message, line: 1, column: 0 }], `${name}.js`)
}

/**
 * Checks `code` against its runtime (syntax, globals, modules, the top-level `handler`) and the code size limit,
 * and returns the function ready to run; throws `FunctionError` listing every problem. Compiled functions are
 * cached by code, runtime, name and limits: compiling the same code again is a map lookup.
 *
 * @example
 * ```ts
 * import { compileFunction } from 'edgeware/testing'
 * const fn = compileFunction(readFileSync('redirect.js', 'utf8'), { runtime: 'cloudfront-js-2.0', name: 'redirect' })
 * ```
 */
export function compileFunction(code: string, options: CompileOptions = {}): CompiledFunction {
  const runtime = options.runtime ?? 'cloudfront-js-2.0'
  const name = options.name ?? 'function'
  const limits = resolveFunctionLimits(options.limits)
  const key = `${runtime}\0${name}\0${JSON.stringify(limits)}\0${code}`
  const hit = cache.get(key)
  if (hit !== undefined) return hit
  if (!FUNCTION_RUNTIMES.includes(runtime)) refuse('InvalidRuntime', `unknown runtime ${JSON.stringify(runtime)}: use cloudfront-js-1.0 or cloudfront-js-2.0`, name)
  if (!NAME.test(name)) refuse('InvalidFunctionName', `the function name must match [a-zA-Z0-9-_]{1,64}, got ${JSON.stringify(name)}`, 'function')
  if (typeof code !== 'string') refuse('InvalidFunction', `the code must be a string, got ${typeof code}`, name)
  const codeBytes = Buffer.byteLength(code, 'utf8')
  if (codeBytes > limits.codeBytes) refuse('FunctionSizeLimitExceeded', `the code is ${codeBytes} bytes, over the limit of ${limits.codeBytes} bytes`, name)
  const report = checkFunctionSyntax(code, runtime)
  if (report.problems.length > 0) throw new FunctionError(report.problems, `${name}.js`)
  const { source, prefix } = wrapperSource(code, report.imports, report.insertions)
  const sandbox = new Sandbox(runtime, source, prefix, report.imports.map((i) => i.module), `${name}.js`)
  const fn: Compiled = { name, runtime, code, codeBytes, handlerAsync: report.handlerAsync, limits, sandbox }
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!)
  cache.set(key, fn)
  return fn
}

/** The event with the maps CloudFront always sends filled in (AWS's own test events leave `cookies` out). */
function normalized(event: CffEvent): CffEvent {
  const r = event.request
  if (isObject(r) && isObject(r.querystring) && isObject(r.headers) && isObject(r.cookies)) return event
  const request = isObject(r) ? { ...r, querystring: r.querystring ?? {}, headers: r.headers ?? {}, cookies: r.cookies ?? {} } : r
  return { ...event, request } as CffEvent
}

function eventTypeOf(event: unknown): FunctionEventType {
  const t = isObject(event) && isObject(event.context) ? event.context.eventType : undefined
  if (typeof t !== 'string' || !FUNCTION_EVENT_TYPES.includes(t as FunctionEventType)) {
    throw new TypeError(`runFunction: event.context.eventType must be viewer-request or viewer-response, got ${JSON.stringify(t) ?? 'nothing'}`)
  }
  return t as FunctionEventType
}

/** What was thrown, in words (reading it may throw too: a getter is the function's code). */
function describeThrow(e: unknown): string {
  try {
    if (typeof e === 'object' && e !== null) {
      const o = e as { name?: unknown; message?: unknown }
      if (typeof o.message === 'string') return `${typeof o.name === 'string' ? o.name : 'Error'}: ${o.message}`
    }
    return e === null ? 'null' : `a ${typeof e}: ${String(e)}`
  } catch {
    return 'a value that could not be read'
  }
}

function failure(base: OutcomeBase, status: 502 | 503, code: string, message: string, violations: Violation[] = [], error?: unknown): FunctionOutcome {
  return { ...base, ok: false, status, errorType: status === 502 ? 'FunctionValidationError' : 'FunctionExecutionError', code, message, violations, ...(error !== undefined ? { error } : {}) }
}

function killed(fn: Compiled, call: Call, base: OutcomeBase): FunctionOutcome {
  const what = call.killed === 'ComputeLimitExceeded' ? `used more than ${call.limits.timeoutMs} ms of CPU (compute limit)` : `allocated more than ${call.limits.memoryBytes} bytes (memory limit)`
  return failure(base, 503, call.killed!, `${fn.name} ${what} and was stopped`)
}

function judge(fn: Compiled, call: Call, state: RunState, event: CffEvent, heapGrowth: number, base: OutcomeBase, options: RunOptions): FunctionOutcome {
  if (call.killed !== undefined) return killed(fn, call, base)
  if (heapGrowth > call.limits.memoryBytes) {
    return failure(base, 503, 'MemoryLimitExceeded', `${fn.name} allocated about ${heapGrowth} bytes, over the memory limit of ${call.limits.memoryBytes} bytes`)
  }
  if (!state.done) {
    return failure(base, 503, 'HandlerNeverSettled', `${fn.name}: the promise handler returned never settled (a CloudFront Function has nothing to wait for: no timers, no network)`)
  }
  if (state.threw) return failure(base, 503, 'FunctionThrew', `${fn.name} threw ${describeThrow(state.error)}`, [], state.error)
  const { kind, violations, warnings } = checkFunctionResult(base.eventType, event, state.value, call.limits)
  base.warnings.push(...warnings)
  violations.push(...originChangeViolations(base.eventType, call.originChanges, options.originIds))
  if (violations.length > 0 || kind === undefined) {
    const first = violations[0]!
    return failure(base, 502, first.code, first.message, violations)
  }
  let result: Record<string, unknown>
  try {
    result = JSON.parse(JSON.stringify(state.value)) as Record<string, unknown>
  } catch (e) {
    return failure(base, 502, 'InvalidJson', `the result can't be serialised: ${describeThrow(e)}`, [{ code: 'InvalidJson', message: `the result can't be serialised: ${describeThrow(e)}`, path: '' }])
  }
  return { ...base, ok: true, kind, result }
}

/**
 * Runs a compiled function on one event, as CloudFront would: a fresh top-level state, `Date` frozen at the
 * start, the compute and memory guards, the result validated (and the origin helper calls of 2.0). Synchronous:
 * a CloudFront Function has nothing to wait for, so even an async handler has settled (or never will) when the
 * run returns. It throws only for a caller mistake (an event without a valid `context.eventType`).
 *
 * @example
 * ```ts
 * const out = runFunction(fn, createFunctionEvent('viewer-request', { uri: '/old' }))
 * if (out.ok && out.kind === 'response') console.log(out.result.statusCode)
 * ```
 */
export function runFunction(fn: CompiledFunction, event: CffEvent, options: RunOptions = {}): FunctionOutcome {
  const compiled = fn as Compiled
  if (!(compiled.sandbox instanceof Sandbox)) throw new TypeError('runFunction: the function must come from compileFunction()')
  const eventType = eventTypeOf(event)
  const ev = normalized(event)
  const limits = options.limits === undefined ? compiled.limits : resolveFunctionLimits({ ...compiled.limits, ...options.limits })
  compiled.sandbox.prepare()
  const call: Call = {
    eventJson: JSON.stringify(ev),
    raw: options.rawQueryString ?? (functionQueryString(ev.request?.querystring) || undefined),
    eventType,
    edgeJson: JSON.stringify(options.edgeLocation ?? { name: 'SEA', serverIp: '127.0.0.1', region: 'us-west-2' }),
    now: options.now ?? Date.now(),
    kvs: options.kvs,
    limits,
    wall0: 0,
    cpu0: process.cpuUsage(),
    heap0: heapUsed(),
    heapCheckedAt: 0,
    killed: undefined,
    logs: [],
    logBytes: 0,
    logsTruncated: false,
    originChanges: [],
  }
  call.wall0 = performance.now()
  return compiled.sandbox.run(call, (state) => {
    const cpuMs = elapsedMs(call)
    const heapGrowth = heapUsed() - call.heap0
    const base: OutcomeBase = {
      eventType,
      computeUtilization: Math.round((cpuMs / limits.computeBudgetMs) * 100),
      cpuMs,
      logs: call.logs,
      logsTruncated: call.logsTruncated,
      originChanges: call.originChanges,
      warnings: [],
    }
    const outcome = judge(compiled, call, state, ev, heapGrowth, base, options)
    // reading the result ran the function's code again (a getter, a toJSON) and that code hit a limit
    return call.killed !== undefined && (outcome.ok || outcome.status === 502) ? killed(compiled, call, base) : outcome
  })
}
