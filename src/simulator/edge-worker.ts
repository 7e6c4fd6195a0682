/**
 * The edge, as a workerd (Miniflare) ES-module worker: one Durable Object serves every request (edge/handle.ts: the
 * request path, one module per CloudFront rule set) and keeps the cache and the WebSockets to the functions.
 * Functions run in containers of the Node host, which the edge calls directly (see container.ts; the host starts
 * and supervises them over the WebSocket channel, see host.ts); origins are fetched through the `HOST` service
 * binding. Bundled with esbuild at dev start.
 */
import type { Stage } from '../cloudfront/types.js'
import type { Env, Fetcher, HostLink } from './edge/context.js'
import { newRequestId } from './edge/context.js'
import { handle } from './edge/handle.js'
import { errorPage } from './edge/respond.js'
import { functionFailed, type EdgeWorkerConfig, type FunctionReply, type InvokeReply } from './protocol.js'

interface WebSocketLike {
  accept(): void
  send(data: string): void
  close(code?: number, reason?: string): void
  addEventListener(type: 'message', l: (e: { data: unknown }) => void): void
  addEventListener(type: 'close' | 'error', l: () => void): void
}

/** Longest a log record waits for a message to the host to ride along with. */
const LOG_FLUSH_MS = 5

/**
 * A call a container hasn't answered this long after its function's timeout is reported to the host (which times
 * out running calls itself, within ~10 ms): its container never read it (its event loop is blocked).
 */
const OVERDUE_GRACE_MS = 250
const OVERDUE_CHECK_MS = 100

/** One function call. */
interface Call {
  id: number
  stage: Stage
  requestId: string
  eventJson: string
}

/** A direct container: its own WebSocket, one call at a time. */
interface Slot {
  id: string
  pool: Pool
  ws: WebSocketLike
  call: Call | undefined
  dead: boolean
  /** Runs code older than a live reload (it finishes its call, then turns the next one away). */
  old: boolean
  /** When its call was sent (ms), and the call the host was told is overdue. */
  sentAt: number
  overdue: number
}

/** The containers of one function, as the edge sees them. */
interface Pool {
  fn: string
  max: number
  /** Connected containers not dead (some may be on older code, see Slot.old). */
  slots: Set<Slot>
  /** Asked of the host, not connected yet. */
  starting: number
  idle: Slot[]
  queue: Call[]
}

const lostHost = (why: string): InvokeReply => ({ ok: false, status: 503, code: 'LambdaExecutionError', message: why, ms: 0, cold: false })

/**
 * The edge itself, as a Durable Object: one instance serves every request (one cache, like one edge location)
 * and keeps its WebSockets open between requests (a plain worker may not share I/O across requests): one to the
 * host (container starts, crashes and timeouts, log records) and one to each function container, which it calls
 * directly (a container's pool: up to `containers[fn]`, most recently used first, calls wait when all are busy).
 */
export class EdgeObject {
  private ws: WebSocketLike | undefined
  private connecting: Promise<WebSocketLike> | undefined
  /** Calls not answered yet, by id: on a container or in a queue. */
  private pending: Map<number, (reply: InvokeReply) => void> = new Map()
  /** CloudFront Function calls the host hasn't answered yet, by id. */
  private functionCalls: Map<number, (reply: FunctionReply) => void> = new Map()
  private seq = 0
  private readonly link: HostLink
  /** Log records not sent yet, each `l<json>\n`. */
  private logs = ''
  private logTimer: ReturnType<typeof setTimeout> | undefined
  private pools = new Map<string, Pool>()
  private slots = new Map<string, Slot>()
  /** Container starts asked of the host, by id. */
  private spawns = new Map<number, Pool>()
  /** Containers the host reported gone before they connected. */
  private gone = new Set<string>()
  /** Looks for overdue calls while containers have calls (see checkOverdue). */
  private overdueTimer: ReturnType<typeof setInterval> | undefined
  private readonly token: string
  /** The configuration in force and its generation; the next one while the host is asked for it. */
  private cfg: EdgeWorkerConfig
  private generation = 0
  private loading: { generation: number; config: Promise<EdgeWorkerConfig> } | undefined

  constructor(
    _state: unknown,
    private readonly env: Env,
  ) {
    this.token = env.CHANNEL.slice(env.CHANNEL.lastIndexOf('/') + 1)
    this.cfg = env.EDGE
    this.link = {
      config: (generation) => (generation === this.generation ? this.cfg : this.load(generation)),
      invoke: async (fn, stage, requestId, eventJson) => {
        if (!this.ws) await this.connect()
        const pool = this.pool(fn)
        if (!pool) return { ok: false, status: 503, code: 'LambdaExecutionError', message: `no function ${fn} for ${stage}`, ms: 0, cold: false }
        const call: Call = { id: ++this.seq, stage, requestId, eventJson }
        return new Promise<InvokeReply>((resolve) => {
          this.pending.set(call.id, resolve)
          this.dispatch(pool, call)
        })
      },
      runFunction: async (fn, originIds, eventJson) => {
        if (!this.ws) await this.connect()
        const id = ++this.seq
        return new Promise<FunctionReply>((resolve) => {
          this.functionCalls.set(id, resolve)
          const e = this.toHost(`${id}\nv\n${fn}\n${originIds}\n${eventJson}`)
          if (e === undefined) return
          this.functionCalls.delete(id)
          resolve(functionFailed(`the local edge lost its host: ${String(e)}`))
        })
      },
      log: (rec) => {
        // Batched: sent with the next message to the host, or on their own after a moment of quiet.
        this.logs += `l${JSON.stringify(rec)}\n`
        this.logTimer ??= setTimeout(() => {
          this.logTimer = undefined
          if (!this.logs) return
          // A distribution whose requests ran no function yet has no channel open: open it for the log.
          if (this.ws) this.toHost('')
          else this.connect().then(() => this.logs && this.toHost(''), () => {})
        }, LOG_FLUSH_MS)
      },
    }
  }

  /** The configuration of a newer generation, from the host (once, whatever the number of requests asking). */
  private load(generation: number): Promise<EdgeWorkerConfig> {
    if (this.loading?.generation === generation) return this.loading.config
    const config = (async () => {
      const res = await this.env.HOST.fetch('http://host/config')
      const cfg = (await res.json()) as EdgeWorkerConfig
      if (generation > this.generation) {
        this.cfg = cfg
        this.generation = generation
      }
      return cfg
    })()
    this.loading = { generation, config }
    return config
  }

  /** Sends `text` to the host after the log records waiting; the error when the host is gone (they are dropped then). */
  private toHost(text: string): unknown {
    const logs = this.logs
    this.logs = ''
    try {
      this.ws!.send(logs + text)
      return undefined
    } catch (e) {
      return e
    }
  }

  private pool(fn: string): Pool | undefined {
    let p = this.pools.get(fn)
    if (!p) {
      const max = this.cfg.containers[fn]
      if (max === undefined) return undefined
      p = { fn, max, slots: new Set(), starting: 0, idle: [], queue: [] }
      this.pools.set(fn, p)
    }
    return p
  }

  private answer(call: Call, reply: InvokeReply): void {
    const done = this.pending.get(call.id)
    this.pending.delete(call.id)
    done?.(reply)
  }

  /** On an idle container (the most recently used), else queued, starting a container if the pool may grow. */
  private dispatch(pool: Pool, call: Call): void {
    for (let s = pool.idle.pop(); s; s = pool.idle.pop()) {
      if (s.dead) continue
      this.send(s, call)
      return
    }
    pool.queue.push(call)
    this.grow(pool)
  }

  /** Starts containers for waiting calls: up to the maximum, and always one on the current code (after a reload). */
  private grow(pool: Pool): void {
    let current = 0
    for (const s of pool.slots) if (!s.old) current++
    while (pool.queue.length > pool.starting && (pool.slots.size + pool.starting < pool.max || current + pool.starting < 1)) {
      const call = pool.queue[pool.starting]!
      pool.starting++
      const id = ++this.seq
      this.spawns.set(id, pool)
      const e = this.toHost(`${id}\ns\n${pool.fn}\n${call.stage}\n${call.requestId}`)
      if (e) {
        this.spawns.delete(id)
        pool.starting--
        const head = pool.queue.shift()
        if (head) this.answer(head, lostHost(`the local edge lost its host: ${String(e)}`))
      }
    }
  }

  private send(slot: Slot, call: Call): void {
    slot.call = call
    slot.sentAt = Date.now()
    this.overdueTimer ??= setInterval(() => this.checkOverdue(), OVERDUE_CHECK_MS)
    try {
      slot.ws.send(`${call.id}\n${call.stage}\n${call.requestId}\n${call.eventJson}`)
    } catch {
      slot.call = undefined
      this.drop(slot, true)
      this.dispatch(slot.pool, call)
    }
  }

  /** Reports calls sent well over their timeout ago (see OVERDUE_GRACE_MS); stops when no container has a call. */
  private checkOverdue(): void {
    const now = Date.now()
    let busy = false
    for (const slot of this.slots.values()) {
      const call = slot.call
      if (!call || slot.dead) continue
      busy = true
      if (slot.overdue === call.id || now - slot.sentAt <= (this.cfg.timeouts[slot.pool.fn] ?? 30_000) + OVERDUE_GRACE_MS) continue
      slot.overdue = call.id
      this.toHost(`0\nk\n${slot.id}\n${call.id | 0}\n${call.stage}\n${call.requestId}`)
    }
    if (!busy && this.overdueTimer !== undefined) {
      clearInterval(this.overdueTimer)
      this.overdueTimer = undefined
    }
  }

  /** A container done with a call takes the next one waiting, or waits itself. */
  private release(slot: Slot): void {
    if (slot.dead) return
    const next = slot.pool.queue.shift()
    if (next) this.send(slot, next)
    else slot.pool.idle.push(slot)
  }

  /** A container leaves the pool (`retire`: the host ends it). */
  private drop(slot: Slot, retire: boolean): void {
    if (slot.dead) return
    slot.dead = true
    slot.pool.slots.delete(slot)
    this.slots.delete(slot.id)
    try {
      slot.ws.close()
    } catch {
      /* already closed */
    }
    if (retire) this.toHost(`0\nr\n${slot.id}`)
  }

  /** The host started container `cid` for spawn `sid`, reachable at `where` (`s<slot>`: a socket binding; else a port): connect, then give it work. */
  private async attach(sid: number, cid: string, where: string): Promise<void> {
    const pool = this.spawns.get(sid)
    if (!pool) return
    this.spawns.delete(sid)
    let ws: WebSocketLike
    try {
      const init = { headers: { Upgrade: 'websocket' } }
      const res = (await (where.startsWith('s')
        ? (this.env as unknown as Record<string, Fetcher>)[`C${where.slice(1)}`]!.fetch(`http://container/${this.token}`, init)
        : fetch(`http://127.0.0.1:${where}/${this.token}`, init))) as Response & { webSocket: WebSocketLike | null }
      if (!res.webSocket) throw new Error(`status ${res.status}`)
      ws = res.webSocket
      ws.accept()
    } catch (e) {
      pool.starting--
      this.gone.delete(cid)
      this.toHost(`0\nr\n${cid}`)
      const head = pool.queue.shift()
      if (head) this.answer(head, lostHost(`the local edge could not reach a container of ${pool.fn}: ${String(e)}`))
      this.grow(pool)
      return
    }
    pool.starting--
    const slot: Slot = { id: cid, pool, ws, call: undefined, dead: false, old: false, sentAt: 0, overdue: 0 }
    if (this.gone.delete(cid) || this.pools.get(pool.fn) !== pool) {
      ws.close()
      this.grow(pool)
      return
    }
    pool.slots.add(slot)
    this.slots.set(cid, slot)
    ws.addEventListener('message', (e) => {
      // `id\n<reply>`, or `id\n` alone: the container runs older code (live reload), another one takes the call.
      const text = String(e.data)
      const nl = text.indexOf('\n')
      const call = slot.call
      if (!call || Number(text.slice(0, nl)) !== call.id) return
      slot.call = undefined
      if (nl === text.length - 1) {
        this.drop(slot, true)
        this.dispatch(pool, call)
        return
      }
      this.answer(call, JSON.parse(text.slice(nl + 1)) as InvokeReply)
      this.release(slot)
    })
    // A closed container socket: the host reports why (`x`); until then the slot just gets no more calls.
    this.release(slot)
  }

  /**
   * Messages from the host: a CloudFront Function's answer (`v`), container notices (`c` started, `f` failed to
   * start, `x` gone, `g` reloaded).
   */
  private fromHost(text: string): void {
    const kind = text.charCodeAt(0)
    if (kind === 118 /* v<id>\n<reply> */) {
      const nl = text.indexOf('\n')
      const id = Number(text.slice(1, nl))
      const done = this.functionCalls.get(id)
      this.functionCalls.delete(id)
      done?.(JSON.parse(text.slice(nl + 1)) as FunctionReply)
      return
    }
    if (kind === 103 /* g: a function was reloaded; its containers now run older code */) {
      const pool = this.pools.get(text.slice(1))
      if (!pool) return
      for (const slot of pool.slots) slot.old = true
      this.grow(pool)
      return
    }
    const nl = text.indexOf('\n')
    if (kind === 99 /* c */) {
      const nl2 = text.indexOf('\n', nl + 1)
      void this.attach(Number(text.slice(1, nl)), text.slice(nl + 1, nl2), text.slice(nl2 + 1))
      return
    }
    if (kind === 102 /* f: the container died before it could serve */) {
      const pool = this.spawns.get(Number(text.slice(1, nl)))
      if (!pool) return
      this.spawns.delete(Number(text.slice(1, nl)))
      pool.starting--
      const head = pool.queue.shift()
      if (head) this.answer(head, JSON.parse(text.slice(nl + 1)) as InvokeReply)
      // The host prints the error line for the call that got it (not necessarily the one the start was for).
      this.toHost(`0\nF\n${text.slice(1, nl)}\n${head ? `${head.stage}\n${head.requestId}` : '\n'}`)
      this.grow(pool)
      return
    }
    if (kind === 120 /* x: a container is gone; the reply to what it was running, if anything */) {
      const cid = text.slice(1, nl)
      const slot = this.slots.get(cid)
      if (!slot) {
        this.gone.add(cid)
        return
      }
      const call = slot.call
      slot.call = undefined
      this.drop(slot, false)
      if (call) {
        // The reply is for the call it was running (`<call id>\n<reply>`); one it had already answered (its reply
        // beat this notice) leaves the call sent since, like one it died before reading, to another container.
        const nl2 = text.indexOf('\n', nl + 1)
        if (nl2 > 0 && Number(text.slice(nl + 1, nl2)) === (call.id | 0)) this.answer(call, JSON.parse(text.slice(nl2 + 1)) as InvokeReply)
        else this.dispatch(slot.pool, call)
      }
      this.grow(slot.pool)
    }
  }

  private connect(): Promise<WebSocketLike> {
    this.connecting ??= (async () => {
      const res = (await fetch(this.env.CHANNEL.replace(/^ws/, 'http'), { headers: { Upgrade: 'websocket' } })) as Response & { webSocket: WebSocketLike | null }
      const ws = res.webSocket
      if (!ws) throw new Error(`the host refused the function channel (${res.status})`)
      ws.accept()
      ws.addEventListener('message', (e) => this.fromHost(String(e.data)))
      const lost = (): void => {
        if (this.ws !== ws) return
        this.ws = undefined
        this.connecting = undefined
        // Every call and container goes with the host.
        for (const slot of this.slots.values()) this.drop(slot, false)
        this.pools = new Map()
        this.spawns = new Map()
        this.gone = new Set()
        const pending = this.pending
        this.pending = new Map()
        for (const done of pending.values()) done(lostHost('the local edge lost its host'))
        const calls = this.functionCalls
        this.functionCalls = new Map()
        for (const done of calls.values()) done(functionFailed('the local edge lost its host'))
      }
      ws.addEventListener('close', lost)
      ws.addEventListener('error', lost)
      this.ws = ws
      return ws
    })()
    this.connecting.catch(() => {
      this.connecting = undefined
    })
    return this.connecting
  }

  async fetch(request: Request): Promise<Response> {
    try {
      // The HTTPS listener's requests arrive with an https: URL (see the `https` entrypoint below).
      return await handle(request, this.env, this.link, request.url.startsWith('https:') ? 'https' : 'http')
    } catch (e) {
      // Never let the edge go down: an unexpected failure is CloudFront's generic 502.
      const id = newRequestId()
      const message = e instanceof Error ? e.message : String(e)
      this.link.log({ requestId: id, method: request.method, path: new URL(request.url).pathname, status: 502, cache: 'Error', stages: [], error: { code: 'EdgeError', message }, totalMs: 0 })
      return errorPage(this.cfg, 502, `The local edge failed: ${message}`, id)
    }
  }
}

const edge = (env: Env): Fetcher => env.EDGE_DO.get(env.EDGE_DO.idFromName('edge'))

/** The plain HTTP listener. */
export default {
  fetch(request: Request, env: Env): Promise<Response> {
    return edge(env).fetch(request.url.startsWith('http:') ? request : new Request(request.url.replace(/^https:/, 'http:'), request))
  },
}

/**
 * The HTTPS listener: the host terminates TLS and passes the connection on to this entrypoint's socket, so its
 * requests (and only its) reach the edge with an `https:` URL.
 */
export const https = {
  fetch(request: Request, env: Env): Promise<Response> {
    return edge(env).fetch(new Request(request.url.replace(/^http:/, 'https:'), request))
  },
}
