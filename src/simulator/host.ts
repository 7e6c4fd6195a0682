/**
 * The Node side of the local edge. On the function channel (a WebSocket from the edge's Durable Object) it starts
 * direct containers when the edge asks (the edge then calls them itself, see container.ts), tells the edge when one
 * crashes or times out (with the reply for the call it was running), retires them, and prints the lines containers
 * post and the request lines, and runs CloudFront Functions when the edge asks (cloudfront-functions.ts); through
 * the `HOST` service binding, `POST /origin` fetches a custom origin, serves an S3 origin's local directory
 * (s3-origin.ts, no further network hop) or calls a Lambda origin (lambda-origins.ts), `POST /compress`
 * compresses an object the edge is about to cache, and `GET /config` is the edge's configuration after a reload
 * of wrangler.toml.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { promisify } from 'node:util'
import { brotliCompress, constants as zlibConstants, gzip as gzipCompress } from 'node:zlib'
import type { LimitsProfile } from '../cloudfront/limits.js'
import type { AccessLog } from './access-log.js'
import { STAGES, type Stage } from '../cloudfront/types.js'
import type { Container, DirectEnd, InvokeOutcome, LambdaFunction } from './lambda.js'
import { formatRequestLine, type DevLogger, type Paint } from './log.js'
import { fetchOrigin, type OriginResult } from './origin-fetch.js'
import { functionFailed, type EdgeWorkerConfig, type LogRecord, type OriginCall, type OriginReply } from './protocol.js'
import type { LocalCloudFrontFunctions } from './cloudfront-functions.js'
import type { LocalLambdaOrigins } from './lambda-origins.js'
import { localS3, type LocalBucket } from './s3-origin.js'
import { noFunctionReply, stageReply, type VerdictLine } from './verdict.js'
import type { WsConnection } from './ws-server.js'

/** Options of {@link createHostHandler}. */
export interface HostOptions {
  functions: Map<string, LambdaFunction>
  limits: LimitsProfile
  logger: DevLogger
  paint: Paint
  verbose: boolean
  /** The S3 origins' buckets and the directories served as them. */
  buckets?: readonly LocalBucket[]
  /** The CloudFront Functions the edge asks to run. */
  cloudfrontFunctions?: Pick<LocalCloudFrontFunctions, 'run'>
  /** The Lambda origins, reached at their API's domain. */
  lambdaOrigins?: Pick<LocalLambdaOrigins, 'serves' | 'fetch'>
  /** The edge's configuration now (the edge asks after a reload of wrangler.toml). */
  edgeConfig?: () => EdgeWorkerConfig
  /** Called with every finished request (tests, benches). */
  onRequest?: (r: LogRecord) => void
  /** Where each request's access log line goes (`edgeware dev --log-file`). */
  accessLog?: AccessLog
}

const brotli = promisify(brotliCompress)
const gzip = promisify(gzipCompress)
/**
 * CloudFront doesn't publish its compression levels: Brotli quality 5 and Gzip level 6 (zlib's default) are
 * what CDNs commonly use for compression on the fly, and quick enough for objects of up to 10 MB.
 */
const BROTLI_OPTIONS = { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5 } }
const GZIP_OPTIONS = { level: 6 }

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/**
 * Builds the host: `http` is the `HOST` service binding (a Node `(req, res)` listener, origin fetches only),
 * `message` handles the function channel (WebSocket text messages: container requests and log records).
 *
 * @example
 * ```ts
 * const host = createHostHandler({ functions, limits: classic, logger: consoleLogger, paint: paint(false), verbose: false })
 * new Miniflare({ serviceBindings: { HOST: { node: host.http } }, … })
 * ```
 */
export function createHostHandler(opts: HostOptions): {
  http: (req: IncomingMessage, res: ServerResponse) => void
  message: (conn: WsConnection, text: string) => void
  /** Prints what direct containers post. */
  lines: (lines: VerdictLine[]) => void
  /** A direct container is gone: the edge hears it (and the reply to what it was running). */
  directEnded: (end: DirectEnd) => void
  /** A function was reloaded: the edge counts its containers as old (it may start one beyond the maximum). */
  swapped: (fnName: string) => void
  /** The S3 origins changed (a reload of wrangler.toml). */
  setBuckets: (buckets: readonly LocalBucket[]) => void
} {
  const { functions, limits, logger, paint: p, verbose } = opts
  /** A bucket's 403 for a key it lacks, explained once per key in the log. */
  const s3Note = (line: string): void => logger.info(`${p.dim('[s3]')} ${p.yellow('⚠')} ${line}`)
  let s3 = localS3(opts.buckets ?? [], s3Note)
  const verdict = { limits, verbose, paint: p }
  /** A container that failed to start, when no request's log line will tell it (no call took the answer). */
  const startFailed = (fnName: string, out: InvokeOutcome): void =>
    logger.error(`${p.cyan(`[${fnName}]`)} ${p.red('✗')} a container failed to start: ${out.ok ? '' : out.message}`)
  const lines = (ls: VerdictLine[]): void => {
    for (const l of ls) {
      if (l.error) logger.error(l.line)
      else logger.info(l.line)
    }
  }
  /** Direct containers the edge holds, by id; and the edge's connection (the last one that spoke). */
  const leased = new Map<string, Container>()
  let edge: WsConnection | undefined
  /**
   * Failed starts the edge was told of (`f`), by spawn id, until it says which call got the answer (`F`): the
   * error line names that call (the one the start was asked for may have been served by another container since).
   */
  const failedStarts = new Map<string, { fnName: string; stage: Stage; out: InvokeOutcome }>()

  /** The edge asks for a direct container of `fnName` (spawn `id`): `c<id>\n<container>\n<port>`, or `f<id>\n<reply>`. */
  function spawn(conn: WsConnection, id: string, fnName: string, stage: Stage, requestId: string): void {
    const fn = functions.get(fnName)
    if (!fn) {
      conn.send(`f${id}\n${noFunctionReply(fnName, stage)}`)
      return
    }
    const t0 = performance.now()
    fn.lease().then(
      (c) => {
        // (Already dead: the edge heard `x` first, or fails to connect; either way it stops waiting for it.)
        if (!c.dead) leased.set(c.id, c)
        if (conn.closed) fn.retire(c)
        else void c.ready!.then((port) => conn.send(`c${id}\n${c.id}\n${port}`))
      },
      (e: unknown) => {
        // The container died before it could serve (its code exits or runs out of memory as it loads).
        // Or its start-up ran past the function's timeout (top-level code that never ends).
        const kind = (e as { kind?: string } | undefined)?.kind === 'timeout' ? ('timeout' as const) : ('crash' as const)
        const out = { ok: false as const, kind, message: e instanceof Error ? e.message : String(e), ms: performance.now() - t0, cold: true }
        const v = stageReply(fnName, stage, requestId, '', out, verdict)
        if (conn.closed) {
          startFailed(fnName, out)
          return
        }
        failedStarts.set(id, { fnName, stage, out })
        conn.send(`f${id}\n${v.reply}`)
      },
    )
  }

  const directEnded = (end: DirectEnd): void => {
    // One that died before it served: the edge hears of it as a failed start (`f`), or fails to connect to it.
    if (!leased.delete(end.container)) return
    // `x<container>\n<call>\n<reply>` for the call it was running, `x<container>\n` when idle.
    let reply = ''
    if (end.running) {
      const v = stageReply(end.fn, end.running.stage, end.running.requestId, '', end.running.outcome, verdict)
      lines(v.lines)
      reply = `${end.running.call}\n${v.reply}`
    }
    if (edge && !edge.closed) edge.send(`x${end.container}\n${reply}`)
  }

  /** The origin's answer: an S3 origin's folder, a Lambda origin through its integration, a custom origin over HTTP. */
  function fetchFrom(call: OriginCall, body: Buffer): Promise<OriginResult> {
    if (call.s3) return s3.fetch(call.method, call.url, call.headers)
    const lambdas = opts.lambdaOrigins
    if (lambdas && URL.canParse(call.url) && lambdas.serves(new URL(call.url).hostname)) return lambdas.fetch(call, body)
    return fetchOrigin({
      method: call.method,
      url: call.url,
      headers: call.headers,
      ...(body.byteLength ? { body } : {}),
      readTimeout: call.readTimeout,
      keepaliveTimeout: call.keepaliveTimeout,
      connectTimeoutMs: call.connectionTimeout * 1000,
      connectionAttempts: call.connectionAttempts,
    })
  }

  async function origin(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const call = JSON.parse(decodeURIComponent(String(req.headers['x-edgeware-call'] ?? ''))) as OriginCall
    const r = await fetchFrom(call, await readBody(req))
    const meta: OriginReply = r.ok
      ? { ok: true, status: r.status, statusDescription: r.statusDescription, headers: r.headers, ms: r.ms }
      : { ok: false, status: r.status, code: r.code, message: r.message, ms: r.ms }
    const payload = r.ok ? r.body : Buffer.alloc(0)
    res.writeHead(200, { 'x-edgeware-origin': encodeURIComponent(JSON.stringify(meta)), 'content-length': payload.byteLength })
    res.end(payload)
  }

  /** `POST /compress?coding=br|gzip`: the body compressed as CloudFront would (see edge/compress.ts). */
  async function compress(coding: string | null, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req)
    const out = coding === 'br' ? await brotli(body, BROTLI_OPTIONS) : coding === 'gzip' ? await gzip(body, GZIP_OPTIONS) : undefined
    if (!out) {
      res.writeHead(400)
      res.end()
      return
    }
    res.writeHead(200, { 'content-length': out.byteLength })
    res.end(out)
  }

  function logRecords(records: LogRecord[]): void {
    for (const r of records) {
      const line = formatRequestLine(r, p)
      if (r.status >= 500) logger.error(line)
      else logger.info(line)
      opts.accessLog?.write(r)
      opts.onRequest?.(r)
    }
  }

  const http = function edgewareHost(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://host')
    if (url.pathname === '/compress') {
      compress(url.searchParams.get('coding'), req, res).catch((e: unknown) => {
        logger.error(`${p.red('[edge] compression failed')} ${e instanceof Error ? e.message : String(e)}`)
        if (!res.headersSent) res.writeHead(500)
        res.end()
      })
      return
    }
    if (url.pathname === '/config' && opts.edgeConfig) {
      const body = JSON.stringify(opts.edgeConfig())
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
      res.end(body)
      return
    }
    if (url.pathname !== '/origin') {
      res.writeHead(404)
      res.end()
      return
    }
    origin(req, res).catch((e: unknown) => {
      logger.error(`${p.red('[edge] internal error')} ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
      if (!res.headersSent) {
        const meta: OriginReply = { ok: false, status: 502, code: 'EdgeError', message: String(e), ms: 0 }
        res.writeHead(200, { 'x-edgeware-origin': encodeURIComponent(JSON.stringify(meta)) })
        res.end()
      } else res.end()
    })
  }

  /**
   * A message on the function channel: log records first, one `l<record json>\n` line each, then optionally a
   * CloudFront Function call `id\nv\nfn\noriginIds\neventJson` (answered `v<id>\n<reply json>`), a
   * spawn request `id\ns\nfn\nstage\nrequestId` (a direct container for that call), an overdue call
   * `0\nk\ncontainer\ncall\nstage\nrequestId`, a retirement `0\nr\ncontainer`, or the call a failed start answered
   * `0\nF\nspawn\nstage\nrequestId` (both empty: none).
   */
  const message = (conn: WsConnection, text: string): void => {
    edge = conn
    let at = 0
    if (text.charCodeAt(0) === 108 /* l */) {
      const records: LogRecord[] = []
      while (text.charCodeAt(at) === 108) {
        const nl = text.indexOf('\n', at)
        const end = nl < 0 ? text.length : nl
        try {
          records.push(JSON.parse(text.slice(at + 1, end)) as LogRecord)
        } catch (e) {
          logger.error(`${p.red('[edge] bad log record')} ${String(e)}`)
        }
        at = end + 1
      }
      logRecords(records)
      if (at >= text.length) return
    }
    const next = (): string => {
      const nl = text.indexOf('\n', at)
      const part = text.slice(at, nl)
      at = nl + 1
      return part
    }
    const id = next()
    const kind = next()
    if (kind === 'v') {
      const fn = next()
      const originIds = next()
      conn.send(`v${id}\n${runCloudFrontFunction(fn, originIds, text.slice(at))}`)
      return
    }
    if (kind === 'F') {
      const sid = next()
      const f = failedStarts.get(sid)
      if (!f) return
      failedStarts.delete(sid)
      const stage = next() as Stage
      const requestId = text.slice(at)
      // The call that got the answer: its log line tells it (in verbose mode, the failure in full here too).
      if (requestId) lines(stageReply(f.fnName, stage || f.stage, requestId, '', f.out, verdict).lines)
      // No call took it (they were all served by other containers): the start-up's own line.
      else startFailed(f.fnName, f.out)
      return
    }
    if (kind === 'k') {
      // A call the edge sent a container long past the timeout, unanswered: `0\nk\ncontainer\ncall\nstage\nrequestId`.
      const c = leased.get(next())
      const call = Number(next())
      const stage = next() as Stage
      if (c && STAGES.includes(stage)) c.fn.overdue(c, call, stage, text.slice(at))
      return
    }
    if (kind === 'r') {
      const c = leased.get(text.slice(at))
      if (c) {
        leased.delete(c.id)
        c.fn.retire(c)
      }
      return
    }
    if (kind === 's') {
      const fn = next()
      const stage = next() as Stage
      spawn(conn, id, fn, stage, text.slice(at))
    }
  }

  /** A CloudFront Function's reply (JSON); an unexpected failure of the engine is the function's 503. */
  function runCloudFrontFunction(fn: string, originIds: string, eventJson: string): string {
    try {
      if (!opts.cloudfrontFunctions) throw new Error('this distribution has no CloudFront Functions')
      return opts.cloudfrontFunctions.run(fn, originIds, eventJson)
    } catch (e) {
      logger.error(`${p.red('[edge] internal error')} ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
      return JSON.stringify(functionFailed(String(e)))
    }
  }

  const swapped = (fnName: string): void => {
    if (edge && !edge.closed) edge.send(`g${fnName}`)
  }

  const setBuckets = (buckets: readonly LocalBucket[]): void => {
    s3 = localS3(buckets, s3Note)
  }

  return { http, message, lines, directEnded, swapped, setBuckets }
}
