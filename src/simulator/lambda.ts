/**
 * Lambda-like containers for edge functions: each container is a `worker_threads` Worker running the bundle, which
 * the edge calls directly (container.ts), one invocation at a time, reused while warm, with the function's memory
 * (V8 old-space limit) and timeout (the main thread's watchdog terminates the worker, the next call is cold), only
 * Lambda's reserved environment variables, and events and results crossing a JSON boundary.
 */
import { randomUUID } from 'node:crypto'
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import type { Stage } from '../cloudfront/types.js'
import { ContainerState, STATE_BYTES, type DirectData, type DirectPost, type DirectSetup } from './container.js'
import type { VerdictLine } from './verdict.js'

/** Containers per function by default: one per core, at least 2 (cold starts under concurrency stay visible), at most 4. */
export const DEFAULT_MAX_CONTAINERS = Math.min(4, Math.max(2, availableParallelism()))

/** How an invocation ended. */
export type InvokeOutcome =
  | { ok: true; json: string; ms: number; cold: boolean }
  | { ok: false; kind: 'error' | 'timeout' | 'crash' | 'not-json'; message: string; ms: number; cold: boolean }

/** What every container of a function loads and runs with. */
export interface FunctionSetup {
  /** The bundle (CommonJS, `exports.handler`), source map inlined or not. */
  code: string
  /** Module filename the bundle is loaded as (stack traces, `require` resolution). */
  filename: string
  memoryMb: number
  timeoutMs: number
  /** `AWS_REGION` the function sees. */
  region: string
  /** Lambda runtime (`AWS_EXECUTION_ENV`), default `nodejs22.x`. */
  runtime?: string
  /** What `secret()` from `edgeware/secrets` reads in this function instead of AWS (`.dev.vars`), and its name. */
  localSecrets?: { values: Record<string, string>; source: string }
}

/** Options of a {@link LambdaFunction}. */
export interface LambdaFunctionOptions extends FunctionSetup {
  /** The function name (`site-viewer-request`); Lambda sees `us-east-1.<name>`. */
  name: string
  /**
   * Most containers the edge keeps for this function (concurrent invocations beyond wait). Default: the machine's
   * cores, between 2 and 4 (more busy containers than cores only add thread switching on a local machine).
   */
  maxContainers?: number
  /** Each line the function writes to stdout/stderr, already prefixed by the runtime with the request id. */
  onOutput?: (fn: string, line: string, stream: 'stdout' | 'stderr') => void
  /**
   * A container started (cold start) or went away; `reported` when its end is the answer to a call (the crash or
   * timeout of the call it ran, or of the start-up a call waited for), which the request's log line tells.
   */
  onContainer?: (fn: string, event: 'start' | 'exit', detail: string, reported?: boolean) => void
  /** What containers ({@link LambdaFunction.lease}) need to serve the edge themselves. */
  direct: DirectSetup
  /** Lines a direct container printed (its verdicts: violations, warnings, errors, verbose events). */
  onLines?: (lines: VerdictLine[]) => void
  /** A direct container is gone (crash, timeout, exit): what it was running, if anything. */
  onDirectEnd?: (end: DirectEnd) => void
}

/** How a direct container ended. */
export interface DirectEnd {
  fn: string
  container: string
  /** The invocation it was running and how it ended (a crash or a timeout); none when it was idle. */
  running?: { call: number; stage: Stage; requestId: string; outcome: InvokeOutcome }
}

/** How often the main thread looks at the direct containers for timeouts (one timer for every function). */
const WATCH_MS = 10
const watched = new Set<LambdaFunction>()
let watchdog: NodeJS.Timeout | undefined
const watch = (fn: LambdaFunction): void => {
  watched.add(fn)
  watchdog ??= setInterval(() => {
    for (const f of watched) f.checkTimeouts()
  }, WATCH_MS).unref()
}
const unwatch = (fn: LambdaFunction): void => {
  watched.delete(fn)
  if (watched.size === 0 && watchdog) {
    clearInterval(watchdog)
    watchdog = undefined
  }
}
let containerSeq = 0
/** Socket slots taken, per socket directory (shared by every function of a dev server). */
const slotsTaken = new Map<string, Set<number>>()
function takeSlot(dir: string, count: number): number | undefined {
  let taken = slotsTaken.get(dir)
  if (!taken) slotsTaken.set(dir, (taken = new Set()))
  for (let i = 0; i < count; i++) {
    if (!taken.has(i)) {
      taken.add(i)
      return i
    }
  }
  return undefined
}

/**
 * The container bootstrap. Runs as an `eval` worker (CommonJS). Mirrors the Node.js Lambda runtime: console
 * lines are `<time>\t<requestId>\t<LEVEL>\t<message>`, the handler may be async or callback style, a result that
 * JSON can't encode fails like in Lambda.
 */
const BOOTSTRAP = String.raw`
'use strict'
const { parentPort, workerData } = require('node:worker_threads')
const Module = require('node:module')
const path = require('node:path')
const util = require('node:util')
if (process.setSourceMapsEnabled) process.setSourceMapsEnabled(true)
let currentId = 'undefined'
const write = (stream, level, args) => stream.write(new Date().toISOString() + '\t' + currentId + '\t' + level + '\t' + util.format(...args).replace(/\n/g, '\r') + '\n')
console.log = (...a) => write(process.stdout, 'INFO', a)
console.info = (...a) => write(process.stdout, 'INFO', a)
console.debug = (...a) => write(process.stdout, 'DEBUG', a)
console.warn = (...a) => write(process.stderr, 'WARN', a)
console.error = (...a) => write(process.stderr, 'ERROR', a)
console.trace = (...a) => write(process.stderr, 'TRACE', a)
// The host may run an older Node than the Lambda runtime it stands for: drop the AWS SDK's Node-version warning,
// which the real nodejs22.x runtime would not print; other process warnings go to the log like in Lambda.
process.removeAllListeners('warning')
process.on('warning', (w) => { if (!/NodeVersionSupportWarning/.test(String(w && w.message))) console.warn(String((w && w.stack) || w)) })
// edgeware/secrets reads .dev.vars from here instead of AWS (a global no deployed function has).
if (workerData.localSecrets) globalThis[Symbol.for('edgeware.localSecrets')] = Object.freeze({ values: Object.freeze(workerData.localSecrets.values), source: workerData.localSecrets.source })
let handler, initError
try {
  const m = new Module(workerData.filename, null)
  m.filename = workerData.filename
  m.paths = Module._nodeModulePaths(path.dirname(workerData.filename))
  m._compile(workerData.code, workerData.filename)
  handler = m.exports && m.exports.handler
  if (typeof handler !== 'function') initError = new Error('Runtime.HandlerNotFound: index.handler is undefined or not exported')
} catch (e) { initError = e }
const errInfo = (e) => e instanceof Error ? { name: e.name, message: e.message, stack: e.stack } : { name: 'Error', message: typeof e === 'string' ? e : util.inspect(e) }
// The container's own handles (its direct channel to the edge) don't keep a callback-style handler waiting.
const own = ['TCPSocketWrap', 'TCPServerWrap']
// One invocation; reply gets { json } | { notJson } | { error }, once.
const run = (msg, reply) => {
  currentId = msg.requestId
  let settled = false
  const done = (err, result) => {
    if (settled) return
    settled = true
    if (err !== null && err !== undefined) { reply({ error: errInfo(err) }); return }
    let json
    try { json = JSON.stringify(result) } catch (e) { reply({ notJson: String(e && e.message || e) }); return }
    reply({ json: json === undefined ? 'null' : json })
  }
  if (initError) { done(initError); return }
  const deadline = msg.deadline
  const context = {
    functionName: workerData.functionName,
    functionVersion: workerData.functionVersion,
    invokedFunctionArn: workerData.invokedFunctionArn,
    memoryLimitInMB: String(workerData.memoryMb),
    awsRequestId: msg.awsRequestId,
    logGroupName: '/aws/lambda/' + workerData.functionName,
    logStreamName: workerData.logStreamName,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: (e, r) => done(e, r), succeed: (r) => done(null, r), fail: (e) => done(e || new Error('failed')),
  }
  let ret
  try { ret = handler(JSON.parse(msg.event), context, done) } catch (e) { done(e); return }
  if (ret && typeof ret.then === 'function') { ret.then((v) => done(null, v), (e) => done(e === undefined || e === null ? new Error('Promise rejected') : e)); return }
  // Non-async handler: Lambda waits for the callback; when the event loop empties first, the result is null.
  const idle = () => {
    if (settled) return
    const busy = process.getActiveResourcesInfo().filter((r) => r !== 'MessagePort' && r !== 'Immediate' && r !== 'TTYWrap' && r !== 'PipeWrap')
    for (const r of own) { const i = busy.indexOf(r); if (i >= 0) busy.splice(i, 1) }
    if (busy.length === 0) done(null, null)
    else setTimeout(idle, 1).unref()
  }
  setImmediate(idle)
}
const { randomUUID } = require('node:crypto')
// The main thread ends a container (terminate): its event loop stays alive when the edge's connection closes.
// A container without a direct channel (a regional function, regional.ts, or a SingleContainer) gets its calls on
// this port: { invoke: id, requestId, awsRequestId, event, deadline } in, { done: id, json | notJson | error } out.
parentPort.on('message', (m) => { if (m && m.invoke !== undefined) run(m, (r) => parentPort.postMessage({ done: m.invoke, json: r.json, notJson: r.notJson, error: r.error })) })
if (workerData.direct) {
  // The direct channel (container.ts): the edge calls this container straight.
  const rt = new Module('edgeware-container.js', null)
  rt.filename = 'edgeware-container.js'
  rt._compile(workerData.direct.runtime, 'edgeware-container.js')
  rt.exports.serveDirect(
    workerData.direct,
    (event, requestId, startAt, reply) => run({ requestId, awsRequestId: randomUUID(), event, deadline: startAt + workerData.timeoutMs }, reply),
    (m) => parentPort.postMessage(m),
  ).then((port) => parentPort.postMessage({ ready: port }))
} else {
  // Loaded: the stage its handler carries (viewerRequest() & co.) and what its module threw, if anything.
  parentPort.postMessage({ loaded: { stage: handler && typeof handler.stage === 'string' ? handler.stage : undefined, error: initError && errInfo(initError) } })
}
`

/** What a container thread needs: the function, its settings, and how Lambda names it. */
export interface ThreadOptions extends FunctionSetup {
  /** The name Lambda gives the function (`us-east-1.<name>` at the edge, `<name>` for a regional function). */
  functionName: string
  /** `$LATEST`, or the numbered version CloudFront invokes at the edge. */
  functionVersion: string
  /** The ARN the function was invoked by (`context.invokedFunctionArn`). */
  invokedFunctionArn: string
  /** The function's own environment variables (regional functions only; Lambda@Edge has none). */
  environment?: Readonly<Record<string, string>>
  /** The direct channel's data (edge containers); without it the thread takes its calls on its message port. */
  direct?: DirectData
  /** Each line the function writes, already prefixed by the runtime with the request id. */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void
}

/** `YYYY/MM/DD/[$LATEST|1]<32 hex>`, as Lambda names a log stream. */
const logStreamName = (version: string): string => {
  const d = new Date()
  return `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}/[${version}]${randomUUID().replace(/-/g, '')}`
}

const reservedEnv = (t: ThreadOptions, stream: string): Record<string, string> => ({
  // Lambda's unreserved variables: a regional function's own environment may replace them.
  LANG: 'en_US.UTF-8',
  TZ: ':UTC',
  PATH: '/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin',
  LD_LIBRARY_PATH: '/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib',
  NODE_PATH: '/opt/nodejs/node22/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task',
  ...t.environment,
  AWS_REGION: t.region,
  AWS_DEFAULT_REGION: t.region,
  AWS_LAMBDA_FUNCTION_NAME: t.functionName,
  AWS_LAMBDA_FUNCTION_VERSION: t.functionVersion,
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(t.memoryMb),
  AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${t.functionName}`,
  AWS_LAMBDA_LOG_STREAM_NAME: stream,
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  AWS_EXECUTION_ENV: `AWS_Lambda_${t.runtime ?? 'nodejs22.x'}`,
  AWS_ACCESS_KEY_ID: 'ASIAEDGEWAREDEVLOCAL',
  AWS_SECRET_ACCESS_KEY: 'edgeware-dev-local-secret-access-key',
  AWS_SESSION_TOKEN: 'edgeware-dev-local-session-token',
  AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
  LAMBDA_TASK_ROOT: '/var/task',
  LAMBDA_RUNTIME_DIR: '/var/runtime',
})

/** Calls posted to {@link SingleContainer}s, for their ids. */
let singleCalls = 0

/** Lambda's words for a timeout. */
const timedOutAfter = (ms: number): string => `Task timed out after ${(ms / 1000).toFixed(2)} seconds`

/** What a {@link SingleContainer} needs: the function, its bundle and its settings. */
export type WorkerOptions = Pick<LambdaFunctionOptions, 'name' | 'code' | 'filename' | 'memoryMb' | 'timeoutMs' | 'region' | 'runtime' | 'onOutput' | 'localSecrets'>

/** Calls `each` with every line of `stream` (the last one too, without its newline). */
function eachLine(stream: NodeJS.ReadableStream, each: (line: string) => void): void {
  let buf = ''
  stream.setEncoding('utf8')
  stream.on('data', (chunk: string) => {
    buf += chunk
    let nl: number
    while ((nl = buf.indexOf('\n')) >= 0) {
      each(buf.slice(0, nl))
      buf = buf.slice(nl + 1)
    }
  })
  stream.on('end', () => {
    if (buf) each(buf)
  })
}

/**
 * @internal Starts one container thread: the bootstrap loads the function's code with only Lambda's reserved
 * environment variables (and the function's own, for a regional function), the function's memory as the V8 heap
 * limit, and its output split into lines. The caller supervises it (timeouts, crashes).
 */
export function spawnContainerThread(t: ThreadOptions): Worker {
  const stream = logStreamName(t.functionVersion)
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    env: reservedEnv(t, stream),
    stdout: true,
    stderr: true,
    workerData: {
      code: t.code,
      filename: t.filename,
      functionName: t.functionName,
      functionVersion: t.functionVersion,
      invokedFunctionArn: t.invokedFunctionArn,
      memoryMb: t.memoryMb,
      timeoutMs: t.timeoutMs,
      logStreamName: stream,
      ...(t.localSecrets ? { localSecrets: t.localSecrets } : {}),
      ...(t.direct ? { direct: t.direct } : {}),
    },
    // Lambda's memory setting ~ the V8 heap the function may use.
    resourceLimits: { maxOldGenerationSizeMb: t.memoryMb },
    name: t.functionName,
  })
  worker.unref()
  eachLine(worker.stdout, (line) => t.onOutput?.(line, 'stdout'))
  eachLine(worker.stderr, (line) => t.onOutput?.(line, 'stderr'))
  return worker
}

/** @internal one container (a worker thread). */
export class Container {
  readonly worker: Worker
  readonly id = String(++containerSeq)
  dead = false
  /** The state shared with the worker (the call it runs), and where the edge connects to it (see container.ts). */
  readonly state = new ContainerState(new SharedArrayBuffer(STATE_BYTES))
  readonly ready: Promise<string>
  private readonly slot: number | undefined
  private freeSlot: (() => void) | undefined
  /** When the main thread created it (epoch ms), and whether it listens yet. */
  readonly createdAt = Date.now()
  listening = false
  /** Fails {@link ready} (a start-up that dies or runs past the timeout). */
  failStart: (e: Error & { kind?: 'timeout' }) => void = () => {}

  constructor(
    readonly fn: LambdaFunction,
    code: string,
    opts: LambdaFunctionOptions,
  ) {
    const direct = opts.direct
    if (direct.socketDir !== undefined) {
      const dir = direct.socketDir
      this.slot = takeSlot(dir, direct.socketSlots ?? 0)
      // The slot is free again once the thread is gone.
      if (this.slot !== undefined) this.freeSlot = () => slotsTaken.get(dir)?.delete(this.slot!)
    }
    const qualifiedName = `us-east-1.${opts.name}`
    this.worker = spawnContainerThread({
      functionName: qualifiedName,
      // CloudFront invokes a numbered version.
      functionVersion: '1',
      invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${qualifiedName}:1`,
      code,
      filename: opts.filename,
      memoryMb: opts.memoryMb,
      timeoutMs: opts.timeoutMs,
      region: opts.region,
      ...(opts.runtime !== undefined ? { runtime: opts.runtime } : {}),
      ...(opts.localSecrets ? { localSecrets: opts.localSecrets } : {}),
      direct: { ...direct, fnName: opts.name, state: this.state.sab, createdAt: this.createdAt, slot: this.slot },
      onOutput: (line, stream) => opts.onOutput?.(opts.name, line, stream),
    })
    let readyOk: (where: string) => void = () => {}
    this.ready = new Promise<string>((ok, fail) => {
      readyOk = (where) => {
        this.listening = true
        ok(where)
      }
      this.failStart = fail
    })
    this.ready.catch(() => {})
    this.worker.on('message', (m: DirectPost) => {
      if ('ready' in m) readyOk(m.ready)
      else if ('lines' in m) opts.onLines?.(m.lines)
      // The edge dropped this container's channel: nothing can reach it any more.
      else if ('closed' in m) this.fn.retire(this)
    })
    const died = (message: string): void => {
      if (this.dead) return
      this.dead = true
      this.failStart(new Error(message))
      const r = this.state.running()
      this.fn.directEnded(this, r && { call: r.call, stage: r.stage, requestId: r.requestId, outcome: { ok: false, kind: 'crash', message, ms: Date.now() - r.start, cold: r.cold } })
      this.fn.removed(message, r !== undefined || !this.listening)
    }
    this.worker.on('error', (e) => died(`${(e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'Runtime.OutOfMemory: ' : 'Runtime.ExitError: '}${e.message}`))
    this.worker.on('exit', (code) => {
      this.freeSlot?.()
      died(`Runtime.ExitError: the function's process exited with code ${code}`)
    })
  }

  terminate(): Promise<number> {
    this.dead = true
    return this.worker.terminate()
  }
}

/**
 * One edge function: the containers the edge asked for (it keeps the pool and calls them itself), their watchdog,
 * and a code swap for live reload (the containers on older code finish their call and turn the next one away).
 *
 * @example
 * ```ts
 * const fn = new LambdaFunction({ name: 'site-viewer-request', code, filename: '/app/index.js', memoryMb: 128, timeoutMs: 5000, region: 'us-east-1', direct })
 * const c = await fn.lease() // the edge connects to `await c.ready` and calls it
 * await fn.close()
 * ```
 */
export class LambdaFunction {
  private code: string
  /** Containers started for the edge and not ended yet. */
  private leased = new Set<Container>()
  private closed = false
  readonly maxContainers: number

  constructor(readonly opts: LambdaFunctionOptions) {
    this.code = opts.code
    this.maxContainers = Math.max(1, opts.maxContainers ?? DEFAULT_MAX_CONTAINERS)
  }

  get name(): string {
    return this.opts.name
  }

  /** Containers alive now. */
  get size(): number {
    return this.leased.size
  }

  /**
   * Starts a direct container (a cold start): the edge calls it itself, on its own WebSocket, one invocation at a
   * time. Resolves once it listens (`container.ready` is its port); rejects if it dies first. This process still
   * times its invocations out, reports its crashes (`onDirectEnd`) and retires it after a {@link swap}.
   */
  async lease(): Promise<Container> {
    if (this.closed) throw new Error('the local edge is shutting down')
    const c = new Container(this, this.code, this.opts)
    this.leased.add(c)
    this.opts.onContainer?.(this.opts.name, 'start', '')
    watch(this)
    await c.ready
    return c
  }

  /** Ends a direct container the edge no longer uses (older code after a reload, or a dropped channel). */
  retire(c: Container): void {
    if (!this.leased.delete(c)) return
    void c.terminate()
    this.unwatch()
  }

  private unwatch(): void {
    if (this.leased.size === 0) unwatch(this)
  }

  /** @internal direct containers past their timeout: killed like Lambda's, the edge told. */
  checkTimeouts(): void {
    const now = Date.now()
    const timeoutMs = this.opts.timeoutMs
    for (const c of this.leased) {
      if (c.dead) continue
      if (!c.state.connected) {
        if (now - c.createdAt < timeoutMs) continue
        // Its start-up (the module's top-level code) ran past the timeout, which counts toward the first call: the
        // call that asked for it gets the timeout (the edge hears it as a failed start). Or it listens
        // but its event loop is blocked (a runaway timer armed as it loaded): the edge can't connect, and is told.
        const reported = !c.listening
        if (reported) {
          this.leased.delete(c)
          c.failStart(Object.assign(new Error(this.timeoutMessage()), { kind: 'timeout' as const }))
        }
        this.timedOut(c, undefined, reported)
        continue
      }
      const r = c.state.running()
      if (r && now - r.start >= timeoutMs) this.timedOut(c, { call: r.call, stage: r.stage, requestId: r.requestId, ms: now - r.start, cold: r.cold })
    }
    this.unwatch()
  }

  /**
   * @internal the edge sent `c` a call (the edge's id `call`) well over the timeout ago and has no answer: unless
   * the container runs it (then the watchdog times it out), its event loop is blocked (a runaway timer between
   * calls) and never read it. It is killed, and the call gets the timeout, as if it had run too long.
   */
  overdue(c: Container, call: number, stage: Stage, requestId: string): void {
    if (c.dead || !this.leased.has(c)) return
    if (c.state.running()?.call === call) return
    this.timedOut(c, { call, stage, requestId, ms: this.opts.timeoutMs, cold: false })
  }

  /** Lambda's words for this function's timeout. */
  private timeoutMessage(): string {
    return timedOutAfter(this.opts.timeoutMs)
  }

  /**
   * Kills a container past its timeout (the next call is cold); the edge hears it, with the timeout for `call` if
   * given. `reported`: the timeout answers a call some other way (a start-up the call waited for).
   */
  private timedOut(c: Container, call?: { call: number; stage: Stage; requestId: string; ms: number; cold: boolean }, reported = false): void {
    c.dead = true
    this.directEnded(c, call && { call: call.call, stage: call.stage, requestId: call.requestId, outcome: { ok: false, kind: 'timeout', message: this.timeoutMessage(), ms: call.ms, cold: call.cold } })
    void c.worker.terminate()
    this.removed('timeout', reported || call !== undefined)
  }

  /** @internal a direct container is gone */
  directEnded(c: Container, running: DirectEnd['running']): void {
    if (!this.leased.delete(c)) return
    this.unwatch()
    this.opts.onDirectEnd?.({ fn: this.name, container: c.id, ...(running ? { running } : {}) })
  }

  /** @internal a container died (timeout, crash, out of memory); `reported`: as the answer to a call */
  removed(why: string, reported: boolean): void {
    this.opts.onContainer?.(this.opts.name, 'exit', why, reported)
  }

  /** Swaps in new code: in-flight invocations finish on the old containers, new ones start cold on the new code. */
  swap(code: string): void {
    this.code = code
    // The containers turn the edge's next call away (it asks for a new container) and are retired then.
    for (const c of this.leased) c.state.retire()
  }

  /** Terminates every container. */
  async close(): Promise<void> {
    this.closed = true
    const all = [...this.leased]
    this.leased.clear()
    this.unwatch()
    await Promise.all(all.map((c) => c.terminate()))
  }
}

/** A handler's run in a {@link SingleContainer}, as the bootstrap reports it. */
export type SingleRun = { json: string } | { notJson: string } | { error: { name: string; message: string; stack?: string } }

/**
 * One Lambda container of its own, outside the local edge (`edgeware invoke`; the stage checks of `edgeware build`
 * and `edgeware dev`): the bundle loaded in a worker thread with only Lambda's reserved environment variables, then
 * as many calls as it is given, one at a time.
 *
 * @example
 * ```ts
 * const c = await SingleContainer.load({ name: 'site', code, filename: '/app/site.js', memoryMb: 128, timeoutMs: 5000, region: 'us-east-1' })
 * c.stage // 'viewer-request' for a viewerRequest() handler, undefined for a plain one
 * const r = await c.run(JSON.stringify(event))
 * await c.close()
 * ```
 */
export class SingleContainer {
  private constructor(
    private readonly worker: Worker,
    /** The stage the handler carries (`viewerRequest()` & co.), undefined for a plain handler. */
    readonly stage: string | undefined,
    /** What the module threw as it loaded (every call fails with it, as in Lambda). */
    readonly initError: { name: string; message: string; stack?: string } | undefined,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Starts the container and loads the bundle. Rejects when the module's top-level code runs past the timeout or
   * the thread dies as it loads.
   */
  static async load(opts: WorkerOptions): Promise<SingleContainer> {
    const qualifiedName = `us-east-1.${opts.name}`
    const worker = spawnContainerThread({
      functionName: qualifiedName,
      functionVersion: '1',
      invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${qualifiedName}:1`,
      code: opts.code,
      filename: opts.filename,
      memoryMb: opts.memoryMb,
      timeoutMs: opts.timeoutMs,
      region: opts.region,
      ...(opts.runtime !== undefined ? { runtime: opts.runtime } : {}),
      ...(opts.localSecrets ? { localSecrets: opts.localSecrets } : {}),
      onOutput: (line, stream) => opts.onOutput?.(opts.name, line, stream),
    })
    type Loaded = { stage?: string; error?: { name: string; message: string; stack?: string } }
    try {
      const loaded = await new Promise<Loaded>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${timedOutAfter(opts.timeoutMs)} (the module's top-level code)`)), opts.timeoutMs)
        worker.once('message', (m: { loaded: Loaded }) => {
          clearTimeout(timer)
          resolve(m.loaded)
        })
        worker.once('error', (e) => {
          clearTimeout(timer)
          reject(e)
        })
        worker.once('exit', (code) => {
          clearTimeout(timer)
          reject(new Error(`Runtime.ExitError: the function's process exited with code ${code} as it loaded`))
        })
      })
      return new SingleContainer(worker, loaded.stage, loaded.error, opts.timeoutMs)
    } catch (e) {
      await worker.terminate()
      throw e
    }
  }

  /** Runs the handler on an event (JSON); rejects with Lambda's words when it runs past the timeout or the thread dies. */
  run(eventJson: string, requestId = randomUUID()): Promise<SingleRun> {
    const worker = this.worker
    const id = String(++singleCalls)
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer)
        worker.off('message', onMessage)
        worker.off('error', onError)
        worker.off('exit', onExit)
      }
      const onMessage = (m: { done?: string; json?: string; notJson?: string; error?: { name: string; message: string; stack?: string } }): void => {
        if (m.done !== id) return
        done()
        resolve(m.error ? { error: m.error } : m.notJson !== undefined ? { notJson: m.notJson } : { json: m.json ?? 'null' })
      }
      const onError = (e: Error): void => {
        done()
        reject(Object.assign(new Error(`${(e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'Runtime.OutOfMemory: ' : 'Runtime.ExitError: '}${e.message}`), { kind: 'crash' }))
      }
      const onExit = (code: number): void => {
        done()
        reject(Object.assign(new Error(`Runtime.ExitError: the function's process exited with code ${code}`), { kind: 'crash' }))
      }
      const timer = setTimeout(() => {
        done()
        reject(Object.assign(new Error(timedOutAfter(this.timeoutMs)), { kind: 'timeout' }))
      }, this.timeoutMs)
      worker.on('message', onMessage)
      worker.once('error', onError)
      worker.once('exit', onExit)
      worker.postMessage({ invoke: id, requestId, awsRequestId: requestId, event: eventJson, deadline: Date.now() + this.timeoutMs })
    })
  }

  /** Ends the container. */
  async close(): Promise<void> {
    await this.worker.terminate()
  }
}
