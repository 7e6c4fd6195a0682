/**
 * The Node side of the local edge. On the function channel (a WebSocket from the edge's Durable Object) it runs
 * functions on their containers, validates the results as CloudFront does and prints request lines; through the
 * `HOST` service binding, `POST /origin` fetches the origin.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { LimitsProfile } from '../cloudfront/limits.js'
import type { CfEvent, Stage } from '../cloudfront/types.js'
import { checkResult } from '../cloudfront/validate.js'
import type { LambdaFunction } from './lambda.js'
import { diffLines, formatRequestLine, type DevLogger, type Paint } from './log.js'
import { fetchOrigin } from './origin-fetch.js'
import type { LogRecord, OriginCall, OriginReply } from './protocol.js'
import type { WsConnection } from './ws-server.js'

/** Options of {@link createHostHandler}. */
export interface HostOptions {
  functions: Map<string, LambdaFunction>
  limits: LimitsProfile
  logger: DevLogger
  paint: Paint
  verbose: boolean
  /** Called with every finished request (tests, benches). */
  onRequest?: (r: LogRecord) => void
}

const STAGES = new Set<Stage>(['viewer-request', 'origin-request', 'origin-response', 'viewer-response'])

// CloudFront's viewer-facing texts ([E502], [E503], [ISS-503], [ISS-JSON]).
const TEXT_503_ERROR = "The Lambda function associated with the CloudFront distribution is invalid or doesn't have the required permissions."
const TEXT_503_LIMIT = 'The Lambda function associated with the CloudFront distribution exceeded a Lambda@Edge limit (the function timed out).'
const TEXT_NOT_JSON = 'The Lambda function returned invalid JSON: The JSON output is not parsable.'

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
 * `message` handles the function channel (WebSocket text messages: function calls and log records).
 *
 * @example
 * ```ts
 * const host = createHostHandler({ functions, limits: classic, logger: consoleLogger, paint: paint(false), verbose: false })
 * new Miniflare({ serviceBindings: { HOST: { node: host.http } }, … })
 * ```
 */
export function createHostHandler(opts: HostOptions): { http: (req: IncomingMessage, res: ServerResponse) => void; message: (conn: WsConnection, text: string) => void } {
  const { functions, limits, logger, paint: p, verbose } = opts

  /** Runs one stage and answers the edge with an InvokeReply (JSON). Never rejects. */
  async function runStage(fnName: string, stage: Stage, requestId: string, eventJson: string): Promise<string> {
    try {
      return await runStageUnsafe(fnName, stage, requestId, eventJson)
    } catch (e) {
      logger.error(`${p.red('[edge] internal error')} ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
      return JSON.stringify({ ok: false, status: 503, code: 'LambdaExecutionError', message: TEXT_503_ERROR, ms: 0, cold: false })
    }
  }

  async function runStageUnsafe(fnName: string, stage: Stage, requestId: string, eventJson: string): Promise<string> {
    const fn = functions.get(fnName)
    if (!fn || !STAGES.has(stage)) {
      return JSON.stringify({ ok: false, status: 503, code: 'LambdaExecutionError', message: `no function ${fnName} for ${stage}`, ms: 0, cold: false })
    }
    const out = await fn.invoke(eventJson, requestId)
    const tag = `${p.cyan(`[${fnName}]`)} ${p.dim(requestId)}`
    if (!out.ok) {
      if (out.kind === 'not-json') {
        logger.error(`${tag} ${p.red('✗')} ${stage}: InvalidJson: ${TEXT_NOT_JSON} (${out.message})`)
        return JSON.stringify({ ok: false, status: 502, code: 'InvalidJson', message: TEXT_NOT_JSON, ms: out.ms, cold: out.cold })
      }
      const code = out.kind === 'timeout' ? 'LambdaLimitExceeded' : 'LambdaExecutionError'
      logger.error(`${tag} ${p.red('✗')} ${stage}: ${code}: ${out.message}`)
      return JSON.stringify({ ok: false, status: 503, code, message: out.kind === 'timeout' ? `${TEXT_503_LIMIT} ${out.message}` : TEXT_503_ERROR, ms: out.ms, cold: out.cold })
    }
    const event = JSON.parse(eventJson) as CfEvent
    const result: unknown = JSON.parse(out.json)
    const { violations, warnings } = checkResult(stage, event, result, limits)
    if (verbose) {
      const cf = event.Records[0]!.cf
      const input = stage === 'origin-response' || stage === 'viewer-response' ? cf.response : cf.request
      const changes = diffLines(input, result)
      logger.info(`${tag} ${p.bold(stage)} event ${JSON.stringify(event)}`)
      logger.info(`${tag} ${p.bold(stage)} ${changes.length ? 'changed:\n    ' + changes.join('\n    ') : 'changed nothing'}`)
    }
    for (const w of warnings) logger.info(`${tag} ${p.yellow('⚠')} ${stage}: ${w.code}: ${w.message}${w.path ? ` (at ${w.path})` : ''}`)
    if (violations.length) {
      for (const v of violations) logger.error(`${tag} ${p.red('✗')} ${stage}: ${v.code}: ${v.message}${v.path ? ` (at ${v.path})` : ''}`)
      const message = violations.map((v) => v.message).join(' ')
      return JSON.stringify({ ok: false, status: 502, code: violations.map((v) => v.code).join(','), message, ms: out.ms, cold: out.cold })
    }
    return `{"ok":true,"ms":${out.ms},"cold":${out.cold},"result":${out.json}}`
  }

  async function origin(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const call = JSON.parse(decodeURIComponent(String(req.headers['x-edgeware-call'] ?? ''))) as OriginCall
    const body = await readBody(req)
    const r = await fetchOrigin({ method: call.method, url: call.url, headers: call.headers, ...(body.byteLength ? { body } : {}), readTimeout: call.readTimeout, keepaliveTimeout: call.keepaliveTimeout })
    const meta: OriginReply = r.ok
      ? { ok: true, status: r.status, statusDescription: r.statusDescription, headers: r.headers, ms: r.ms }
      : { ok: false, status: r.status, code: r.code, message: r.message, ms: r.ms }
    const payload = r.ok ? r.body : Buffer.alloc(0)
    res.writeHead(200, { 'x-edgeware-origin': encodeURIComponent(JSON.stringify(meta)), 'content-length': payload.byteLength })
    res.end(payload)
  }

  function logRecords(records: LogRecord[]): void {
    for (const r of records) {
      const line = formatRequestLine(r, p)
      if (r.status >= 500) logger.error(line)
      else logger.info(line)
      opts.onRequest?.(r)
    }
  }

  const http = function edgewareHost(req: IncomingMessage, res: ServerResponse): void {
    if (new URL(req.url ?? '/', 'http://host').pathname !== '/origin') {
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
   * call `id\ni\nfn\nstage\nrequestId\nevent` (or the older single record `0\nl\nrecord`).
   */
  const message = (conn: WsConnection, text: string): void => {
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
    if (kind === 'l') {
      try {
        logRecords([JSON.parse(text.slice(at)) as LogRecord])
      } catch (e) {
        logger.error(`${p.red('[edge] bad log record')} ${String(e)}`)
      }
      return
    }
    if (kind !== 'i') return
    const fn = next()
    const stage = next() as Stage
    const requestId = next()
    void runStage(fn, stage, requestId, text.slice(at)).then((reply) => {
      if (!conn.closed) conn.send(`${id}\n${reply}`)
    })
  }

  return { http, message }
}
