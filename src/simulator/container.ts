/**
 * A container's direct channel: the edge (its Durable Object) calls the container straight over one WebSocket, so
 * an invocation costs the container a socket read and a write, and the host's main thread stays out of the way.
 * The container validates its own result with the host's code (verdict.ts: `checkResult`, the same replies and log
 * lines) and answers the edge itself. The main thread only supervises: it starts containers when the edge asks,
 * watches each one's state (a SharedArrayBuffer, below) for timeouts, reports crashes and timeouts to the edge,
 * prints the lines containers post, and retires containers after a live reload.
 *
 * `serveDirect` runs inside the container's worker thread (dev.ts bundles this module to CommonJS and the
 * container bootstrap in lambda.ts loads it); `ContainerState` is shared by both sides. Internal.
 */
import { rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { LimitsProfile } from '../cloudfront/limits.js'
import { STAGES, type Stage } from '../cloudfront/types.js'
import type { InvokeOutcome } from './lambda.js'
import { paint } from './log.js'
import { internalErrorReply, stageReply, type SourceDirs, type VerdictLine } from './verdict.js'
import { acceptWebSocket, tokenServer, type WsConnection } from './ws-server.js'

/** What every direct container of a dev server shares. */
export interface DirectSetup {
  /** The runtime: this module bundled to CommonJS. */
  runtime: string
  /** The path the edge connects on (`/<token>`). */
  token: string
  limits: LimitsProfile
  verbose: boolean
  color: boolean
  /** The project's and edgeware's directories: a throw's log line names the line of the user's source. */
  source?: SourceDirs
  /**
   * Where containers listen: a directory of Unix sockets `<slot>.sock` the edge has bindings for (cheaper than
   * TCP on loopback), with this many slots; without it, or with every slot taken, a TCP port on 127.0.0.1.
   */
  socketDir?: string
  socketSlots?: number
}

/** What one direct container gets in its `workerData.direct`. */
export interface DirectData extends DirectSetup {
  fnName: string
  state: SharedArrayBuffer
  /** When the main thread created the container (epoch ms): its first call's time includes the start-up. */
  createdAt: number
  /** Its socket slot in `socketDir`, if it got one. */
  slot?: number
}

/** How the bootstrap reports one handler run. */
export interface RunResult {
  json?: string
  notJson?: string
  error?: { name: string; message: string; stack?: string }
}

/** What a direct container posts to the main thread: `ready` is where the edge reaches it (`s<slot>` or a port). */
export type DirectPost = { ready: string } | { lines: VerdictLine[] } | { closed: true }

// Int32 slots, then a Float64 (the invocation's start, epoch ms) and the request id's bytes.
const BUSY = 0
const RETIRED = 1
const STAGE = 2
const ID_LEN = 3
const COLD = 4
/** The edge's id of the call (its message's `id`), so a late notice can't be taken for the next call's. */
const CALL = 5
/** Set once the edge has connected. */
const CONNECTED = 6
// (The Int32 slots take bytes 0-31; the Float64 comes after them.)
const START_AT = 32
const ID_AT = 40
const ID_MAX = 224
/** Bytes of a container's state. */
export const STATE_BYTES = ID_AT + ID_MAX

/** The invocation a container is running, as the main thread reads it. */
export interface Running {
  /** The edge's call id (int32). */
  call: number
  stage: Stage
  requestId: string
  start: number
  cold: boolean
}

/**
 * A container's state, shared between its worker thread (writes it on each invocation) and the main thread (reads
 * it for timeouts and crashes, marks the container retired after a live reload). No messages, no wake-ups.
 */
export class ContainerState {
  private readonly i32: Int32Array
  private readonly f64: Float64Array
  private readonly bytes: Buffer

  constructor(readonly sab: SharedArrayBuffer) {
    this.i32 = new Int32Array(sab, 0, 8)
    this.f64 = new Float64Array(sab, START_AT, 1)
    this.bytes = Buffer.from(sab, ID_AT, ID_MAX)
  }

  /** Worker: an invocation starts (at `startAt`, epoch ms: a first call counts the container's start-up). */
  begin(stage: Stage, requestId: string, cold: boolean, startAt = Date.now(), call = 0): void {
    this.f64[0] = startAt
    this.i32[CALL] = call
    this.i32[STAGE] = STAGES.indexOf(stage)
    this.i32[ID_LEN] = this.bytes.write(requestId, 0, 'latin1')
    this.i32[COLD] = cold ? 1 : 0
    Atomics.store(this.i32, BUSY, 1)
  }

  /** Worker: the reply is sent. */
  end(): void {
    Atomics.store(this.i32, BUSY, 0)
  }

  /** Main thread: the invocation running now, if any. */
  running(): Running | undefined {
    if (Atomics.load(this.i32, BUSY) !== 1) return undefined
    return { call: this.i32[CALL]!, stage: STAGES[this.i32[STAGE]!] ?? 'viewer-request', requestId: this.bytes.toString('latin1', 0, this.i32[ID_LEN]), start: this.f64[0]!, cold: this.i32[COLD] === 1 }
  }

  /** Main thread: this container runs older code (live reload); it turns new calls away. */
  retire(): void {
    Atomics.store(this.i32, RETIRED, 1)
  }

  get retired(): boolean {
    return Atomics.load(this.i32, RETIRED) === 1
  }

  /** Worker: the edge connected. */
  connect(): void {
    Atomics.store(this.i32, CONNECTED, 1)
  }

  /** Main thread: whether the edge has connected (a container whose event loop is blocked never accepts it). */
  get connected(): boolean {
    return Atomics.load(this.i32, CONNECTED) === 1
  }
}

/**
 * Listens on 127.0.0.1 for the edge's one connection and answers its calls: `id\nstage\nrequestId\nevent` in,
 * `id\n<InvokeReply JSON>` out, or `id\n` alone when the container is retired (the edge calls another one).
 * Resolves to where the edge reaches it: `s<slot>` (its Unix socket) or the TCP port.
 */
export function serveDirect(
  data: DirectData,
  /** Runs the handler; `startAt` (epoch ms) is when the call's time started (its deadline is `startAt` + the timeout). */
  run: (eventJson: string, requestId: string, startAt: number, done: (r: RunResult) => void) => void,
  post: (m: DirectPost) => void,
): Promise<string> {
  const state = new ContainerState(data.state)
  const opts = { limits: data.limits, verbose: data.verbose, paint: paint(data.color), ...(data.source ? { source: data.source } : {}) }
  let used = false
  /** The start-up (thread, runtime, the function's module), counted into the first call's time and timeout. */
  let initMs = 0

  const endCall = (): void => state.end()

  const onMessage = (conn: WsConnection, text: string): void => {
    const a = text.indexOf('\n')
    const b = text.indexOf('\n', a + 1)
    const c = text.indexOf('\n', b + 1)
    const id = text.slice(0, a)
    if (state.retired) {
      conn.send(`${id}\n`)
      return
    }
    const stage = text.slice(a + 1, b) as Stage
    const requestId = text.slice(b + 1, c)
    const eventJson = text.slice(c + 1)
    const cold = !used
    used = true
    // The start-up counts against the first call's timeout too (docs/dev.md: it counts toward its first call).
    const startAt = cold ? Date.now() - initMs : Date.now()
    state.begin(stage, requestId, cold, startAt, Number(id) | 0)
    const t0 = performance.now()
    run(eventJson, requestId, startAt, (r) => {
      const ms = performance.now() - t0 + (cold ? initMs : 0)
      const out: InvokeOutcome =
        r.json !== undefined
          ? { ok: true, json: r.json, ms, cold }
          : r.notJson !== undefined
            ? { ok: false, kind: 'not-json', message: r.notJson, ms, cold }
            : { ok: false, kind: 'error', message: r.error ? (r.error.stack ?? `${r.error.name}: ${r.error.message}`) : 'unknown error', ms, cold }
      let reply: string
      try {
        const v = stageReply(data.fnName, stage, requestId, eventJson, out, opts)
        if (v.lines.length) post({ lines: v.lines })
        reply = v.reply
      } catch (e) {
        post({ lines: [{ error: true, line: `${opts.paint.red('[edge] internal error')} ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` }] })
        reply = internalErrorReply()
      }
      conn.send(`${id}\n${reply}`)
      // The call ends once its reply has left: the channel's frames go out at the end of this turn (before this
      // runs). A container that dies or blocks before then (a callback-style handler that answers, then loops) still
      // runs the call, so it times out or crashes with it; if it looked idle, the edge would hand the call to
      // another container, and another.
      setImmediate(endCall)
    })
  }

  const server = tokenServer(data.token, (req, socket) => {
    // One edge, one connection: stop listening (the container's own handles stay out of the handler's event loop).
    server.close()
    state.connect()
    acceptWebSocket(req, socket, onMessage, () => post({ closed: true }))
  })
  return new Promise((ok, fail) => {
    server.once('error', fail)
    const listening = (where: string) => (): void => {
      initMs = Math.max(0, Date.now() - data.createdAt)
      ok(where)
    }
    if (data.socketDir !== undefined && data.slot !== undefined) {
      const path = join(data.socketDir, `${data.slot}.sock`)
      rmSync(path, { force: true })
      server.listen(path, listening(`s${data.slot}`))
    } else server.listen(0, '127.0.0.1', () => listening(String((server.address() as AddressInfo).port))())
  })
}
