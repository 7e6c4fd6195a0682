/**
 * The sandbox of one compiled function: a V8 context shaped by `PRELUDE` into the runtime (no code generation
 * from strings, no WebAssembly, its own microtask queue drained before each run returns), and the host side of
 * the bridge the prelude calls (logs, hashing, query strings, the key value store, origin changes, the compute
 * and memory guards). The code runs wrapped in a function, so every run starts from its own top-level state.
 * Nothing of the host's realm reaches the code: `Buffer` is the context's own (the `buffer` package, run inside
 * it), the bridge returns only primitives, and the prelude turns what a host function throws into its own errors.
 */
import { createHash, createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import querystring from 'node:querystring'
import { formatWithOptions } from 'node:util'
import v8 from 'node:v8'
import vm from 'node:vm'
import type { FunctionLimits } from '../cloudfront/functions-limits.js'
import type { FunctionOriginChange } from '../cloudfront/functions-origin.js'
import type { FunctionEventType, FunctionRuntime } from '../cloudfront/functions-types.js'
import type { KeyValueStore } from './kvs.js'
import { PRELUDE } from './prelude.js'
import { requirable, runtimeProfile } from './profiles.js'
import { TICK, type FunctionImport, type Insertion } from './syntax.js'

/** Compute checks between two looks at the clock (a tight loop makes 10,000 in about 25 µs). */
const TICKS_PER_CHECK = 10_000
/** Milliseconds between two looks at the heap during a run (each allocates a little itself). */
const HEAP_CHECK_MS = 1

/** The run in progress: its inputs, guards and what it produced besides its result. */
export interface Call {
  eventJson: string
  raw: string | undefined
  eventType: FunctionEventType
  edgeJson: string
  now: number
  kvs: KeyValueStore | undefined
  limits: FunctionLimits
  /** `performance.now()` at the start. */
  wall0: number
  cpu0: NodeJS.CpuUsage
  heap0: number
  /** Wall-clock ms into the run of the last heap check. */
  heapCheckedAt: number
  killed: 'ComputeLimitExceeded' | 'MemoryLimitExceeded' | undefined
  logs: string[]
  logBytes: number
  logsTruncated: boolean
  originChanges: FunctionOriginChange[]
}

/** What the prelude's run returns. */
export interface RunState {
  done: boolean
  threw: boolean
  value: unknown
  error: unknown
}

interface PreludeApi {
  setFactory(factory: unknown, moduleNames: string[]): void
  dirty(): boolean
}

/**
 * Bytes of V8 heap in use plus the memory outside it V8 accounts for (typed arrays' and Buffers' bytes): what the
 * memory guard compares.
 *
 * @example
 * ```ts
 * const before = heapUsed()
 * ```
 */
export function heapUsed(): number {
  const s = v8.getHeapStatistics()
  return s.used_heap_size + s.external_memory
}

/**
 * CPU time a run has used so far, ms: the process's CPU time, capped by the wall-clock time (neither the time
 * other threads spend nor the time the process waits for a core counts against the function).
 *
 * @example
 * ```ts
 * const ms = elapsedMs(call)
 * ```
 */
export function elapsedMs(call: Pick<Call, 'wall0' | 'cpu0'>): number {
  const c = process.cpuUsage(call.cpu0)
  const cpu = (c.user + c.system) / 1000
  return Math.min(cpu, performance.now() - call.wall0)
}

/** A JSON copy of what the function passed (never its live object, which a getter could change later). */
function snapshot(v: unknown, helper: string): unknown {
  try {
    return JSON.parse(JSON.stringify(v) ?? 'null')
  } catch (e) {
    throw new TypeError(`${helper}(): the argument can't be read as JSON: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`)
  }
}

function log(call: Call, args: ArrayLike<unknown>): void {
  if (call.logsTruncated) return
  // customInspect off: the function's objects are printed, never called with the host's inspect options
  let line = formatWithOptions({ customInspect: false }, ...Array.from(args))
  const room = call.limits.logBytes - call.logBytes
  const bytes = Buffer.byteLength(line, 'utf8')
  if (bytes > room) {
    line = Buffer.from(line, 'utf8').subarray(0, Math.max(0, room)).toString('utf8')
    call.logsTruncated = true
  }
  call.logBytes += Math.min(bytes, room)
  call.logs.push(line)
}

/**
 * The guard the compute checks call: stops a run past the compute limit (wall-clock time first, which costs
 * nothing, then CPU time to be sure) or holding more heap than the memory limit (looked at once a millisecond).
 */
function overtime(call: Call): string | undefined {
  const wall = performance.now() - call.wall0
  if (wall > call.limits.timeoutMs && elapsedMs(call) > call.limits.timeoutMs) {
    call.killed = 'ComputeLimitExceeded'
    return `the function used more than ${call.limits.timeoutMs} ms of CPU and was stopped (compute limit)`
  }
  if (wall - call.heapCheckedAt < HEAP_CHECK_MS) return undefined
  call.heapCheckedAt = wall
  if (heapUsed() - call.heap0 > call.limits.memoryBytes) {
    call.killed = 'MemoryLimitExceeded'
    return `the function allocated more than ${call.limits.memoryBytes} bytes and was stopped (memory limit)`
  }
  return undefined
}

function kvsOpen(call: Call, id: unknown): string | undefined {
  const store = call.kvs
  if (store === undefined) return 'no key value store is associated with this function'
  if (id !== undefined && typeof id !== 'string') return `cf.kvs(id): the id must be a string, got ${typeof id}`
  if (id !== undefined && store.id !== undefined && id !== store.id) return `the key value store ${JSON.stringify(id)} is not associated with this function (its store is ${JSON.stringify(store.id)})`
  return undefined
}

/** The host functions the prelude calls; `current()` is the run in progress. */
function bridge(current: () => Call): Record<string, unknown> {
  return {
    args: () => current(),
    log: (args: ArrayLike<unknown>) => log(current(), args),
    overtime: () => overtime(current()),
    digest(kind: 'hash' | 'hmac', alg: string, key: string | Uint8Array, parts: (string | Uint8Array)[], enc: 'hex' | 'base64' | 'base64url' | 'latin1' | 'buffer') {
      const h = kind === 'hash' ? createHash(alg) : createHmac(alg, key)
      for (const p of Array.from(parts)) h.update(p)
      return h.digest(enc === 'buffer' ? 'hex' : (enc as 'hex')) // 'buffer': hex the prelude makes its Buffer of; latin1: 1.0's byte string
    },
    qsParse: (str: unknown, sep?: string, eq?: string, options?: querystring.ParseOptions) => JSON.stringify(querystring.parse(String(str ?? ''), sep, eq, options)),
    qsStringify: (obj: querystring.ParsedUrlQueryInput, sep?: string, eq?: string, options?: querystring.StringifyOptions) => querystring.stringify(obj, sep, eq, options),
    qsEscape: (s: unknown) => querystring.escape(String(s)),
    qsUnescape: (s: unknown) => querystring.unescape(String(s)),
    kvsOpen: (id: unknown) => kvsOpen(current(), id),
    kvsGet: (key: string) => current().kvs?.get(key),
    kvsMeta: () => JSON.stringify(current().kvs?.meta() ?? {}),
    utf8: (s: string) => Buffer.from(s, 'utf8').toString('latin1'),
    origin(helper: FunctionOriginChange['helper'], arg: unknown) {
      const call = current()
      if (helper === 'selectRequestOriginById') call.originChanges.push({ helper, originId: typeof arg === 'string' ? arg : (snapshot(arg, helper) as string) })
      else call.originChanges.push({ helper, params: snapshot(arg, helper) as Record<string, unknown> })
    },
    bytesFrom(src: string, encoding: unknown) {
      if (encoding !== 'hex' && encoding !== 'base64' && encoding !== 'base64url') throw new TypeError(`String.bytesFrom: encoding must be hex, base64 or base64url, got ${String(encoding)}`)
      return Buffer.from(src, encoding).toString('latin1')
    },
    fromUTF8(s: string) {
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(s, 'latin1'))
      } catch {
        return null
      }
    },
    toUTF8: (s: string) => Buffer.from(s, 'utf8').toString('latin1'),
  }
}

const requireHere = createRequire(import.meta.url)
let bufferScript: vm.Script | undefined

/**
 * The `buffer` package (Node's `Buffer` API in plain JavaScript, with its two helpers) as one script that
 * evaluates to its `Buffer`: compiled once, run in each context, so each context's `Buffer` is of its own realm.
 */
function bufferModule(): vm.Script {
  if (bufferScript !== undefined) return bufferScript
  const files: Record<string, string> = { 'base64-js': 'base64-js/index.js', ieee754: 'ieee754/index.js', buffer: 'buffer/index.js' }
  const defs = Object.entries(files).map(([name, file]) => `${JSON.stringify(name)}: function (module, exports, require) {\n${readFileSync(requireHere.resolve(file), 'utf8')}\n}`)
  const source = `(function () { 'use strict'; var defs = {${defs.join(',\n')}}, cache = {};
  function load(name) { if (!cache[name]) { cache[name] = { exports: {} }; defs[name](cache[name], cache[name].exports, load); } return cache[name].exports; }
  return load('buffer').Buffer; })()`
  bufferScript = new vm.Script(source, { filename: 'edgeware:buffer' })
  return bufferScript
}

/**
 * The function's code as the sandbox runs it: imports blanked (their names become parameters), the compute checks
 * inserted, the whole wrapped in a strict function that returns `handler`. Lines keep their numbers.
 *
 * @example
 * ```ts
 * wrapperSource('function handler(e) { return e.request }', [], [])
 * ```
 */
export function wrapperSource(code: string, imports: readonly FunctionImport[], insertions: readonly Insertion[]): { source: string; prefix: string } {
  let body = code
  for (const imp of imports) body = body.slice(0, imp.start) + body.slice(imp.start, imp.end).replace(/[^\n]/g, ' ') + body.slice(imp.end)
  const sorted = [...insertions].sort((a, b) => b.pos - a.pos || b.rank - a.rank)
  for (const ins of sorted) body = body.slice(0, ins.pos) + ins.text + body.slice(ins.pos)
  const prefix = `(function (${[TICK, 'require', ...imports.map((i) => i.local)].join(', ')}) {"use strict";`
  return { source: `${prefix}${body}\n;return typeof handler === "function" ? handler : undefined})`, prefix }
}

/**
 * One compiled function's V8 context, made on first use and made again after a run left marks on shared state
 * (an added global or an enumerable property on a built-in prototype).
 */
export class Sandbox {
  readonly #runtime: FunctionRuntime
  readonly #script: vm.Script
  readonly #modules: string[]
  #ctx: vm.Context | undefined
  #api: PreludeApi | undefined
  #call: Call | undefined
  static readonly #runner = new vm.Script('__edgewareRun()', { filename: 'edgeware:run' })

  constructor(runtime: FunctionRuntime, source: string, prefix: string, modules: string[], filename: string) {
    this.#runtime = runtime
    this.#modules = modules
    this.#script = new vm.Script(source, { filename, columnOffset: -prefix.length })
  }

  #create(): void {
    const ctx = vm.createContext({}, { codeGeneration: { strings: false, wasm: false }, microtaskMode: 'afterEvaluate' })
    const p = runtimeProfile(this.#runtime)
    const members: Record<string, string[]> = {}
    for (const [k, v] of Object.entries(p.members)) members[k] = [...v]
    const Buffer = this.#runtime === 'cloudfront-js-2.0' ? bufferModule().runInContext(ctx) : undefined
    const cfg = { runtime: this.#runtime, globals: [...p.globals], members, removed: p.removed, ticks: TICKS_PER_CHECK, requirable: requirable(this.#runtime), Buffer }
    const prelude = vm.runInContext(PRELUDE, ctx, { filename: 'edgeware:prelude' }) as (g: unknown, host: unknown, cfg: unknown) => PreludeApi
    const api = prelude(vm.runInContext('globalThis', ctx), bridge(() => this.#call!), cfg)
    api.setFactory(this.#script.runInContext(ctx), this.#modules)
    this.#ctx = ctx
    this.#api = api
  }

  /** Makes the context if there is none (before a run starts its clocks). */
  prepare(): void {
    if (this.#ctx === undefined) this.#create()
  }

  /**
   * Runs the function once for `call` (synchronously: there is nothing a CloudFront Function can wait for) and
   * hands what it returned to `settle` while the run's guards still hold: reading the result may run the
   * function's code too (a getter, a `toJSON`), and that code gets the same limits, logs and bridge.
   */
  run<T>(call: Call, settle: (state: RunState) => T): T {
    this.prepare()
    this.#call = call
    try {
      return settle(Sandbox.#runner.runInContext(this.#ctx!) as RunState)
    } finally {
      this.#call = undefined
      if (this.#api!.dirty()) this.#ctx = undefined
    }
  }
}
