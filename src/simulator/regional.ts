/**
 * A regional Lambda function run like Lambda runs it (the origin behind API Gateway, an ALB or a function URL):
 * worker-thread containers from the same bootstrap as edge functions (lambda.ts), reused while warm, one
 * invocation at a time each, with the function's memory and timeout, Lambda's reserved environment variables plus
 * the function's own, and events and results crossing a JSON boundary. Unlike an edge function it is named without
 * the `us-east-1.` prefix, invoked as `$LATEST` in its own region, and nothing checks its result here: the
 * integration in front of it does (src/lambda-origin/). Calls come from this process over each container's message
 * port; this process times them out and notices crashes.
 */
import { randomUUID } from 'node:crypto'
import type { Worker } from 'node:worker_threads'
import { DEFAULT_MAX_CONTAINERS, spawnContainerThread, type FunctionSetup, type InvokeOutcome } from './lambda.js'

/** Options of a {@link RegionalFunction} (its `region` is also its ARN's). */
export interface RegionalFunctionOptions extends FunctionSetup {
  /** The function name, as Lambda shows it (`AWS_LAMBDA_FUNCTION_NAME`, `context.functionName`). */
  name: string
  /** The function's own environment variables (next to Lambda's reserved ones). */
  environment?: Readonly<Record<string, string>>
  /** Most containers at once (more concurrent calls wait). Default: the machine's cores, between 2 and 4. */
  maxContainers?: number
  /** Each line the function writes, prefixed by the runtime with the request id. */
  onOutput?: (fn: string, line: string, stream: 'stdout' | 'stderr') => void
  /** A container started (cold start) or went away. */
  onContainer?: (fn: string, event: 'start' | 'exit', detail: string) => void
}

/** What a container posts back for one call. */
interface DoneMessage {
  done: number
  json?: string
  notJson?: string
  error?: { name: string; message: string; stack?: string }
}

/** The call a container runs. */
interface Call {
  id: number
  start: number
  cold: boolean
  timer: NodeJS.Timeout
  resolve: (o: InvokeOutcome) => void
}

/** One container: its thread, the code it loaded, the call it runs. */
interface Thread {
  worker: Worker
  code: string
  createdAt: number
  used: boolean
  call?: Call
  dead: boolean
}

let callSeq = 0

/**
 * A regional function's containers. `invoke(eventJson)` runs one call on a warm container, or starts one (a cold
 * start, counted into that call's time and timeout, as for edge functions), or waits for one when `maxContainers`
 * are busy. A call past the timeout kills its container (the next call is cold).
 *
 * @example
 * ```ts
 * const fn = new RegionalFunction({ name: 'api', code, filename: '/app/index.js', memoryMb: 128, timeoutMs: 3000, region: 'eu-west-1' })
 * const out = await fn.invoke(JSON.stringify(event))
 * if (out.ok) console.log(JSON.parse(out.json))
 * await fn.close()
 * ```
 */
export class RegionalFunction {
  private code: string
  private readonly threads = new Set<Thread>()
  private readonly idle: Thread[] = []
  /** Calls waiting for a container (`undefined`: the function closed first). */
  private readonly waiting: ((t: Thread | undefined) => void)[] = []
  private closed = false
  readonly maxContainers: number

  constructor(readonly opts: RegionalFunctionOptions) {
    this.code = opts.code
    this.maxContainers = Math.max(1, opts.maxContainers ?? DEFAULT_MAX_CONTAINERS)
  }

  get name(): string {
    return this.opts.name
  }

  /**
   * Runs one invocation with `eventJson`. Never rejects for the function's own failures: a throw, a crash, a
   * result JSON can't encode or a timeout is an outcome like a result. `awsRequestId` is the id the function sees
   * (default: a fresh UUID).
   */
  async invoke(eventJson: string, awsRequestId: string = randomUUID()): Promise<InvokeOutcome> {
    if (this.closed) throw new Error(`${this.name}: the function is closed`)
    const t = await this.take()
    if (!t || this.closed) return { ok: false, kind: 'crash', message: 'the function is shutting down', ms: 0, cold: false }
    return new Promise<InvokeOutcome>((resolve) => {
      const cold = !t.used
      t.used = true
      // A cold call's time (and timeout) starts with the container.
      const start = cold ? t.createdAt : Date.now()
      const id = ++callSeq
      const timer = setTimeout(() => this.timedOut(t), Math.max(0, start + this.opts.timeoutMs - Date.now()))
      t.call = { id, start, cold, timer, resolve }
      t.worker.postMessage({ invoke: id, requestId: awsRequestId, awsRequestId, event: eventJson, deadline: start + this.opts.timeoutMs })
    })
  }

  /** A warm container, a new one, or the next one to free up. */
  private take(): Promise<Thread | undefined> {
    for (let t = this.idle.pop(); t; t = this.idle.pop()) {
      if (!t.dead && t.code === this.code) return Promise.resolve(t)
      this.retire(t)
    }
    if (this.threads.size < this.maxContainers) return Promise.resolve(this.start())
    return new Promise((ok) => this.waiting.push(ok))
  }

  private start(): Thread {
    const o = this.opts
    const worker = spawnContainerThread({
      functionName: o.name,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${o.region}:123456789012:function:${o.name}`,
      code: this.code,
      filename: o.filename,
      memoryMb: o.memoryMb,
      timeoutMs: o.timeoutMs,
      region: o.region,
      ...(o.runtime !== undefined ? { runtime: o.runtime } : {}),
      ...(o.environment !== undefined ? { environment: o.environment } : {}),
      ...(o.localSecrets ? { localSecrets: o.localSecrets } : {}),
      onOutput: (line, stream) => o.onOutput?.(o.name, line, stream),
    })
    const t: Thread = { worker, code: this.code, createdAt: Date.now(), used: false, dead: false }
    this.threads.add(t)
    o.onContainer?.(o.name, 'start', '')
    worker.on('message', (m: DoneMessage) => {
      const c = t.call
      if (!c || m.done !== c.id) return
      this.finish(t, c, m.json !== undefined ? { ok: true, json: m.json, ms: 0, cold: c.cold } : m.notJson !== undefined ? { ok: false, kind: 'not-json', message: m.notJson, ms: 0, cold: c.cold } : { ok: false, kind: 'error', message: m.error ? (m.error.stack ?? `${m.error.name}: ${m.error.message}`) : 'unknown error', ms: 0, cold: c.cold })
      this.release(t)
    })
    worker.on('error', (e) => this.died(t, `${(e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'Runtime.OutOfMemory: ' : 'Runtime.ExitError: '}${e.message}`))
    worker.on('exit', (code) => this.died(t, `Runtime.ExitError: the function's process exited with code ${code}`))
    return t
  }

  /** Ends the call `c` of `t` with `out` (its time measured here). */
  private finish(t: Thread, c: Call, out: InvokeOutcome): void {
    clearTimeout(c.timer)
    t.call = undefined
    out.ms = Date.now() - c.start
    c.resolve(out)
  }

  /** `t` is free: the next waiting call takes it, or it waits warm. */
  private release(t: Thread): void {
    if (t.dead) return
    if (t.code !== this.code) {
      this.retire(t)
      this.waiting.shift()?.(this.start())
      return
    }
    const next = this.waiting.shift()
    if (next) next(t)
    else this.idle.push(t)
  }

  /** Lambda's words for a timeout; the container is killed and the next call is cold. */
  private timedOut(t: Thread): void {
    const c = t.call
    if (!c) return
    this.finish(t, c, { ok: false, kind: 'timeout', message: `Task timed out after ${(this.opts.timeoutMs / 1000).toFixed(2)} seconds`, ms: 0, cold: c.cold })
    this.kill(t, 'timeout')
  }

  private died(t: Thread, message: string): void {
    if (t.dead) return
    const c = t.call
    if (c) this.finish(t, c, { ok: false, kind: 'crash', message, ms: 0, cold: c.cold })
    this.kill(t, message)
  }

  /** Removes a container that timed out or died; a waiting call gets a new one. */
  private kill(t: Thread, why: string): void {
    if (t.dead) return
    this.retire(t)
    if (!this.closed) this.opts.onContainer?.(this.name, 'exit', why)
    if (!this.closed && this.threads.size < this.maxContainers) this.waiting.shift()?.(this.start())
  }

  private retire(t: Thread): void {
    t.dead = true
    this.threads.delete(t)
    void t.worker.terminate()
  }

  /** New code: calls running finish on their containers, the next ones start cold on the new code. */
  swap(code: string): void {
    this.code = code
  }

  /** Terminates every container; calls still running end as crashes. */
  async close(): Promise<void> {
    this.closed = true
    const all = [...this.threads]
    for (const t of all) {
      const c = t.call
      if (c) this.finish(t, c, { ok: false, kind: 'crash', message: 'the function is shutting down', ms: 0, cold: c.cold })
      t.dead = true
    }
    this.threads.clear()
    this.idle.length = 0
    for (const w of this.waiting.splice(0)) w(undefined)
    await Promise.all(all.map((t) => t.worker.terminate()))
  }
}
