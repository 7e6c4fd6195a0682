/**
 * The edge, as a workerd (Miniflare) ES-module worker: serves the viewer, matches behaviors, runs the stage flow
 * of reference §5.2, keeps the cache and answers like CloudFront. Functions run in containers of the Node host,
 * which the edge calls directly (see container.ts; the host starts and supervises them over the WebSocket
 * channel, see host.ts); origins are fetched through the `HOST` service binding. Bundled with esbuild at dev start.
 */
import { canonicalHeaderKey, isDisallowedHeader, statusText } from '../cloudfront/rules.js'
import type { CfEvent, CfHeaders, CfRequest, CfResponse, CfResultResponse, Stage } from '../cloudfront/types.js'
import { cacheKey, cacheTtl, filterCookies, filterQueryString } from './cache-rules.js'
import { behaviorMatcher } from './path-pattern.js'
import type { EdgeBehavior, EdgeWorkerConfig, InvokeReply, LogRecord, OriginCall, OriginReply, StageLog } from './protocol.js'

type FailedReply = Extract<InvokeReply, { ok: false }>

interface Fetcher {
  fetch(input: string | Request, init?: RequestInit): Promise<Response>
}
interface Env {
  EDGE: EdgeWorkerConfig
  HOST: Fetcher
  /** `ws://127.0.0.1:<port>/<token>`: the host's function channel. */
  CHANNEL: string
  EDGE_DO: DurableObjectNamespaceLike
}
interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown
  get(id: unknown): Fetcher
}
interface WebSocketLike {
  accept(): void
  send(data: string): void
  close(code?: number, reason?: string): void
  addEventListener(type: 'message', l: (e: { data: unknown }) => void): void
  addEventListener(type: 'close' | 'error', l: () => void): void
}

/**
 * The edge's link to the functions (calls on each container's WebSocket, kept open by the Durable Object across
 * requests) and to the Node host (log records on its WebSocket).
 */
interface HostLink {
  invoke(fn: string, stage: Stage, requestId: string, eventJson: string): Promise<InvokeReply>
  log(rec: LogRecord): void
}

interface CacheEntry {
  status: number
  statusDescription: string
  headers: CfHeaders
  body: Uint8Array
  storedAt: number
  ttlMs: number
  bytes: number
}

/** Headers Miniflare adds on its way in; not the viewer's. */
const RUNTIME_HEADERS = new Set(['cf-connecting-ip', 'cf-ray', 'cf-visitor', 'cf-ipcountry', 'cf-worker', 'x-real-ip', 'mf-original-url', 'mf-disable-pretty-error'])
/** Framing headers the edge computes itself when answering. */
const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive'])
/**
 * Headers CloudFront forwards to a custom origin even when the cache settings forward none (CloudFront Developer
 * Guide, "HTTP request headers and CloudFront behavior (custom and Amazon S3 origins)").
 */
// Conditional and Range headers are answered by the edge from full objects, never forwarded (a 304 or 206 from the
// origin must not land in the cache under the object's key).
const ALWAYS_FORWARDED = new Set(['content-type', 'content-length', 'accept-encoding', 'authorization', 'content-encoding', 'content-md5'])

let matcher: ((path: string) => number) | undefined
const cache = new Map<string, CacheEntry>()
let cacheBytes = 0

const enc = new TextEncoder()

function newRequestId(): string {
  const b = new Uint8Array(40)
  crypto.getRandomValues(b)
  let s = ''
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!)
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_')
}

function toBase64(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(s)
}

function fromBase64(s: string): Uint8Array {
  const bin = atob(s)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

function bodyBytes(body: string | undefined, encoding: string | undefined): Uint8Array {
  if (body === undefined || body === '') return new Uint8Array(0)
  return encoding === 'base64' ? fromBase64(body) : enc.encode(body)
}

function addHeader(h: CfHeaders, name: string, value: string, key = canonicalHeaderKey(name)): void {
  const list = h[name]
  if (list) list.push({ key, value })
  else h[name] = [{ key, value }]
}

function cloneHeaders(h: CfHeaders): CfHeaders {
  const out: CfHeaders = {}
  for (const k in h) out[k] = h[k]!.map((e) => ({ ...e }))
  return out
}

function event(cfg: EdgeWorkerConfig, stage: Stage, requestId: string, request: CfRequest, response?: CfResponse): CfEvent {
  const cf: CfEvent['Records'][number]['cf'] = {
    config: { distributionDomainName: cfg.distributionDomainName, distributionId: cfg.distributionId, eventType: stage, requestId },
    request,
  }
  if (response) cf.response = response
  return { Records: [{ cf }] }
}

async function invoke(link: HostLink, log: LogRecord, fn: string, stage: Stage, ev: CfEvent): Promise<InvokeReply> {
  const reply = await link.invoke(fn, stage, log.requestId, JSON.stringify(ev))
  const entry: StageLog = { stage, fn, ms: reply.ms, cold: reply.cold, outcome: 'error' }
  if (reply.ok) entry.outcome = stage === 'origin-response' || stage === 'viewer-response' ? 'response' : isGenerated(reply.result) ? 'generated' : 'request'
  log.stages.push(entry)
  return reply
}

function isGenerated(result: unknown): result is CfResultResponse {
  const r = result as Partial<CfRequest & CfResultResponse>
  return r.status !== undefined && r.uri === undefined
}

const ERROR_TITLES: Record<number, string> = {
  400: 'Bad request.',
  414: 'Request-URI Too Large',
  502: 'The request could not be satisfied.',
  503: 'The request could not be satisfied.',
  504: 'The request could not be satisfied.',
}

function errorPage(cfg: EdgeWorkerConfig, status: number, text: string, requestId: string): Response {
  // The shape of CloudFront's generated error pages (HTML 4.01, "Generated by cloudfront (CloudFront)").
  const html =
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">\n' +
    '<HTML><HEAD><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=iso-8859-1">\n' +
    '<TITLE>ERROR: The request could not be satisfied</TITLE>\n</HEAD><BODY>\n' +
    `<H1>${status} ERROR</H1>\n<H2>${ERROR_TITLES[status] ?? 'The request could not be satisfied.'}</H2>\n<HR noshade size="1px">\n` +
    `${text.replace(/&/g, '&amp;').replace(/</g, '&lt;')}\n<BR clear="all">\n` +
    'If you provide content to customers through CloudFront, you can find steps to troubleshoot and help prevent this error by reviewing the CloudFront documentation.\n' +
    '<BR clear="all">\n<HR noshade size="1px">\n<PRE>\nGenerated by cloudfront (CloudFront)\n' +
    `Request ID: ${requestId}\n</PRE>\n<ADDRESS>\n</ADDRESS>\n</BODY></HTML>`
  return new Response(html, {
    status,
    statusText: statusText(status),
    headers: {
      'content-type': 'text/html',
      server: 'CloudFront',
      'x-cache': 'Error from cloudfront',
      via: `1.1 ${cfg.viaHost} (CloudFront)`,
      'x-amz-cf-pop': cfg.pop,
      'x-amz-cf-id': requestId,
    },
  })
}

function respond(
  cfg: EdgeWorkerConfig,
  method: string,
  status: number,
  statusDescription: string | undefined,
  headers: CfHeaders,
  body: Uint8Array,
  xcache: string,
  requestId: string,
): Response {
  const out = new Headers()
  for (const name in headers) {
    if (FRAMING.has(name)) continue
    for (const e of headers[name]!) out.append(name, e.value)
  }
  out.set('x-cache', `${xcache} from cloudfront`)
  const via = out.get('via')
  out.set('via', via ? `${via}, 1.1 ${cfg.viaHost} (CloudFront)` : `1.1 ${cfg.viaHost} (CloudFront)`)
  out.set('x-amz-cf-pop', cfg.pop)
  out.set('x-amz-cf-id', requestId)
  const noBody = method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200)
  // The body goes out as the origin or function left it: already encoded when Content-Encoding says so, never
  // compressed by the edge itself (CloudFront compresses only when the behavior enables it; not simulated).
  const init = { status, statusText: statusDescription || statusText(status), headers: out, encodeBody: 'manual' } as ResponseInit
  return new Response(noBody ? null : (body as BodyInit), init)
}

function cacheGet(key: string, now: number): CacheEntry | undefined {
  const e = cache.get(key)
  if (!e) return undefined
  if (now - e.storedAt >= e.ttlMs) {
    cache.delete(key)
    cacheBytes -= e.bytes
    return undefined
  }
  return e
}

function cachePut(cfg: EdgeWorkerConfig, key: string, e: CacheEntry): void {
  const old = cache.get(key)
  if (old) {
    cache.delete(key)
    cacheBytes -= old.bytes
  }
  if (e.bytes > cfg.maxCacheBytes) return
  cache.set(key, e)
  cacheBytes += e.bytes
  // Evict the oldest entries (Map keeps insertion order) over the bound.
  for (const [k, v] of cache) {
    if (cacheBytes <= cfg.maxCacheBytes) break
    cache.delete(k)
    cacheBytes -= v.bytes
  }
}

function entryBytes(headers: CfHeaders, body: Uint8Array): number {
  let n = body.byteLength + 64
  for (const k in headers) for (const e of headers[k]!) n += k.length + e.value.length + 8
  return n
}

/** The origin-request headers: what the behavior forwards, plus what CloudFront adds ([EVT] origin-request sample). */
function originHeaders(b: EdgeBehavior, viewer: CfHeaders, clientIp: string, viaHost: string): CfHeaders {
  const out: CfHeaders = {}
  const fwd = new Set(b.cache.headers)
  for (const name in viewer) {
    if (name === 'cookie' || name === 'via' || name === 'x-forwarded-for') continue
    if (fwd.has(name) || ALWAYS_FORWARDED.has(name)) out[name] = viewer[name]!.map((e) => ({ ...e }))
  }
  const cookie = filterCookies(viewer, b.cache.cookies)
  if (cookie !== undefined) out['cookie'] = [{ key: 'Cookie', value: cookie }]
  const xff = viewer['x-forwarded-for']?.map((e) => e.value).join(', ')
  out['x-forwarded-for'] = [{ key: 'X-Forwarded-For', value: xff ? `${xff}, ${clientIp}` : clientIp }]
  if (!fwd.has('user-agent')) out['user-agent'] = [{ key: 'User-Agent', value: 'Amazon CloudFront' }]
  const via = viewer['via']?.map((e) => e.value).join(', ')
  out['via'] = [{ key: 'Via', value: via ? `${via}, 1.1 ${viaHost} (CloudFront)` : `1.1 ${viaHost} (CloudFront)` }]
  if (!fwd.has('host')) {
    const o = b.origin
    out['host'] = [{ key: 'Host', value: o.domainName }]
  }
  return out
}

function requestBody(stage: 'viewer-request' | 'origin-request', b: EdgeBehavior, cfg: EdgeWorkerConfig, raw: Uint8Array | undefined): CfRequest['body'] | undefined {
  if (!raw || !b.includeBody.includes(stage)) return undefined
  // IncludeBody: always base64, truncated at 40 KB / 1 MB with inputTruncated [RLE].
  const max = cfg.includeBodyBytes[stage]
  const truncated = raw.byteLength > max
  return { inputTruncated: truncated, action: 'read-only', encoding: 'base64', data: toBase64(truncated ? raw.subarray(0, max) : raw) }
}

/** The body the origin gets: the viewer's, unless a request function replaced it (`action: "replace"`) [EVT]. */
function replacedBody(req: CfRequest, current: Uint8Array | undefined): Uint8Array | undefined {
  const body = req.body
  if (body && body.action === 'replace') return bodyBytes(body.data, body.encoding)
  return current
}

/** A generated response, decoded. */
interface Generated {
  status: number
  statusDescription: string
  headers: CfHeaders
  body: Uint8Array
}
/** How a request stage ended: exactly one of the three. */
type StageOutcome = { failed: Response; generated?: undefined; request?: undefined } | { generated: Generated; failed?: undefined; request?: undefined } | { request: CfRequest; failed?: undefined; generated?: undefined }

async function handle(request: Request, env: Env, link: HostLink): Promise<Response> {
  const cfg = env.EDGE
  matcher ??= behaviorMatcher(cfg.behaviors.map((b) => b.pathPattern))
  const t0 = Date.now()
  const requestId = newRequestId()
  const url = new URL(request.url)
  const method = request.method
  const log: LogRecord = { requestId, method, path: url.pathname + url.search, status: 0, cache: 'Miss', stages: [], totalMs: 0 }
  const finish = (res: Response, cacheResult: LogRecord['cache'], error?: LogRecord['error']): Response => {
    log.status = res.status
    log.cache = cacheResult
    if (error) log.error = error
    log.totalMs = Date.now() - t0
    link.log(log)
    return res
  }
  const fail = (status: number, code: string, message: string, stage?: Stage): Response =>
    finish(errorPage(cfg, status, message, requestId), 'Error', stage ? { code, message, stage } : { code, message })
  /** A function's failure: CloudFront's answer, and the function and what went wrong for the log. */
  const fnFailed = (r: FailedReply, stage: Stage, fn: string): Response =>
    finish(errorPage(cfg, r.status, r.message, requestId), 'Error', { code: r.code, message: r.message, stage, fn, ...(r.detail ? { detail: r.detail } : {}) })

  const uri = url.pathname
  const querystring = url.search.length > 1 ? url.search.slice(1) : ''
  // URI + query string must stay below 8,192 characters [RALL], [QUO].
  if (uri.length + querystring.length >= cfg.maxUrlChars) {
    return fail(414, 'UrlTooLong', `The request URL is ${uri.length + querystring.length} characters, CloudFront's limit is ${cfg.maxUrlChars}.`)
  }
  const bIndex = matcher(uri)
  const b = cfg.behaviors[bIndex]!
  const headers: CfHeaders = {}
  for (const [name, value] of request.headers) {
    if (RUNTIME_HEADERS.has(name) || isDisallowedHeader(name)) continue
    addHeader(headers, name, value)
  }
  const clientIp = request.headers.get('cf-connecting-ip') ?? '127.0.0.1'
  let rawBody: Uint8Array | undefined
  if (method !== 'GET' && method !== 'HEAD' && request.body) {
    rawBody = new Uint8Array(await request.arrayBuffer())
  }

  /** Runs a request stage's function, if the behavior has one: the error page, a generated response, or the request to go on with. */
  const requestStage = async (stage: 'viewer-request' | 'origin-request', req: CfRequest): Promise<StageOutcome> => {
    const fn = b.functions[stage]
    if (!fn) return { request: req }
    const r = await invoke(link, log, fn, stage, event(cfg, stage, requestId, req))
    if (!r.ok) return { failed: fnFailed(r, stage, fn) }
    if (!isGenerated(r.result)) {
      rawBody = replacedBody(r.result as CfRequest, rawBody)
      return { request: r.result as CfRequest }
    }
    const g = r.result
    const status = Number(g.status)
    return { generated: { status, statusDescription: g.statusDescription ?? statusText(status), headers: g.headers ?? {}, body: bodyBytes(g.body, g.bodyEncoding) } }
  }

  // 1. viewer-request
  const vrIn: CfRequest = { clientIp, headers, method, querystring, uri }
  const vrBody = requestBody('viewer-request', b, cfg, rawBody)
  if (vrBody) vrIn.body = vrBody
  const vr = await requestStage('viewer-request', vrIn)
  if (vr.failed) return vr.failed
  if (vr.generated) {
    // A viewer-request generated response goes straight back: no cache, no other stage [GEN], [TRIG].
    const g = vr.generated
    return finish(respond(cfg, method, g.status, g.statusDescription, g.headers, g.body, 'LambdaGeneratedResponse', requestId), 'LambdaGeneratedResponse')
  }
  const viewerReq = vr.request
  const viewerReqNoBody: CfRequest = { clientIp: viewerReq.clientIp, headers: viewerReq.headers, method: viewerReq.method, querystring: viewerReq.querystring, uri: viewerReq.uri }

  const viewerResponse = async (status: number, statusDescription: string, rHeaders: CfHeaders, body: Uint8Array, xcache: 'Hit' | 'Miss' | 'LambdaGeneratedResponse'): Promise<Response> => {
    const fnVResp = b.functions['viewer-response']
    // viewer-response is skipped when the status is >= 400 [TRIG], [RALL].
    if (fnVResp && status < 400) {
      const ev = event(cfg, 'viewer-response', requestId, viewerReqNoBody, { headers: rHeaders, status: String(status), statusDescription })
      const r = await invoke(link, log, fnVResp, 'viewer-response', ev)
      if (!r.ok) return fnFailed(r, 'viewer-response', fnVResp)
      const resp = r.result as CfResponse
      rHeaders = resp.headers ?? {}
      statusDescription = resp.statusDescription ?? statusDescription
    }
    // A viewer revalidating with the object's ETag gets 304 Not Modified, without a body.
    const inm = viewerReq.headers['if-none-match']?.[0]?.value
    const etag = rHeaders['etag']?.[0]?.value
    if (status === 200 && inm !== undefined && etag !== undefined && inm.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
      return finish(respond(cfg, method, 304, 'Not Modified', rHeaders, new Uint8Array(0), xcache, requestId), xcache)
    }
    // CloudFront reports an error status from the origin (or the cache) as `Error from cloudfront`.
    const header = status >= 400 && xcache !== 'LambdaGeneratedResponse' ? 'Error' : xcache
    return finish(respond(cfg, method, status, statusDescription, rHeaders, body, header, requestId), xcache)
  }

  // 2. cache lookup (GET and HEAD only)
  const cacheable = method === 'GET' || method === 'HEAD'
  const key = cacheable ? cacheKey(bIndex, viewerReq, b.cache) : ''
  if (cacheable) {
    const now = Date.now()
    const hit = cacheGet(key, now)
    if (hit) {
      // Refresh LRU order.
      cache.delete(key)
      cache.set(key, hit)
      // The entry's headers are only read on the way out (a viewer-response function gets a JSON copy): no deep clone.
      const h: CfHeaders = { ...hit.headers, age: [{ key: 'Age', value: String(Math.floor((now - hit.storedAt) / 1000)) }] }
      return viewerResponse(hit.status, hit.statusDescription, h, hit.body, 'Hit')
    }
  }

  // 3. origin-request
  const o = b.origin
  const orIn: CfRequest = {
    clientIp,
    headers: originHeaders(b, viewerReq.headers, clientIp, cfg.viaHost),
    method,
    origin: {
      custom: {
        customHeaders: {},
        domainName: o.domainName,
        keepaliveTimeout: o.keepaliveTimeout,
        path: o.path,
        port: o.port,
        protocol: o.protocol,
        readTimeout: o.readTimeout,
        sslProtocols: ['TLSv1.2'],
      },
    },
    querystring: filterQueryString(viewerReq.querystring, b.cache.queryStrings),
    uri: viewerReq.uri,
  }
  const orBody = requestBody('origin-request', b, cfg, rawBody)
  if (orBody) orIn.body = orBody
  const store = (status: number, statusDescription: string, h: CfHeaders, body: Uint8Array): void => {
    if (method !== 'GET') return
    const ttl = cacheTtl(status, h, b.cache)
    if (ttl > 0) cachePut(cfg, key, { status, statusDescription, headers: h, body, storedAt: Date.now(), ttlMs: ttl * 1000, bytes: entryBytes(h, body) })
  }
  const or = await requestStage('origin-request', orIn)
  if (or.failed) return or.failed
  if (or.generated) {
    // An origin-request generated response is cached; origin and origin-response are skipped [GEN], [TRIG].
    const g = or.generated
    if (cacheable) store(g.status, g.statusDescription, g.headers, g.body)
    return viewerResponse(g.status, g.statusDescription, g.headers, g.body, 'LambdaGeneratedResponse')
  }
  const originReq = or.request

  // 4. the origin
  const c = originReq.origin?.custom
  const spec = c ?? originReq.origin?.s3
  if (!spec) return fail(502, 'InvalidOrigin', 'The request has no origin.', 'origin-request')
  const port = c && c.port && c.port !== (c.protocol === 'https' ? 443 : 80) ? `:${c.port}` : ''
  let target = `${c ? c.protocol : 'https'}://${spec.domainName}${port}${spec.path ?? ''}${originReq.uri}`
  if (originReq.querystring) target += `?${originReq.querystring}`
  const reqHeaders = cloneHeaders(originReq.headers)
  for (const name in spec.customHeaders ?? {}) for (const e of spec.customHeaders[name]!) addHeader(reqHeaders, name, e.value, e.key)
  // CloudFront tells the origin its request id (not visible to functions: X-Amz-Cf-* is disallowed).
  reqHeaders['x-amz-cf-id'] = [{ key: 'X-Amz-Cf-Id', value: requestId }]
  const call: OriginCall = {
    requestId,
    method,
    url: target,
    headers: reqHeaders,
    readTimeout: spec.readTimeout ?? 30,
    keepaliveTimeout: c?.keepaliveTimeout ?? 5,
    ...(c ? {} : { s3: true as const }),
  }
  const oRes = await env.HOST.fetch('http://host/origin', {
    method: 'POST',
    headers: { 'x-edgeware-call': encodeURIComponent(JSON.stringify(call)) },
    ...(rawBody && rawBody.byteLength ? { body: rawBody as BodyInit } : {}),
  })
  const meta = JSON.parse(decodeURIComponent(oRes.headers.get('x-edgeware-origin') ?? '%7B%7D')) as OriginReply
  let body: Uint8Array = new Uint8Array(await oRes.arrayBuffer())
  log.originMs = meta.ms
  if (!meta.ok) return fail(meta.status, meta.code, meta.message)

  // 5. origin-response: for every origin status [RALL]
  let status = meta.status
  let statusDescription = meta.statusDescription
  let rHeaders = meta.headers
  const fnOResp = b.functions['origin-response']
  if (fnOResp) {
    const r = await invoke(link, log, fnOResp, 'origin-response', event(cfg, 'origin-response', requestId, originReq, { headers: rHeaders, status: String(status), statusDescription }))
    if (!r.ok) return fnFailed(r, 'origin-response', fnOResp)
    const resp = r.result as CfResponse
    status = Number(resp.status)
    statusDescription = resp.statusDescription ?? statusText(status)
    rHeaders = resp.headers ?? {}
    // A body set by the function replaces the origin's; untouched, the origin body passes through [UPD].
    if (typeof resp.body === 'string') body = bodyBytes(resp.body, resp.bodyEncoding)
  }
  if (cacheable) store(status, statusDescription, rHeaders, body)
  return viewerResponse(status, statusDescription, rHeaders, body, 'Miss')
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

  constructor(
    _state: unknown,
    private readonly env: Env,
  ) {
    this.token = env.CHANNEL.slice(env.CHANNEL.lastIndexOf('/') + 1)
    this.link = {
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
      log: (rec) => {
        // Batched: sent with the next message to the host, or on their own after a moment of quiet.
        this.logs += `l${JSON.stringify(rec)}\n`
        this.logTimer ??= setTimeout(() => {
          this.logTimer = undefined
          if (this.logs) this.toHost('')
        }, LOG_FLUSH_MS)
      },
    }
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
      const max = this.env.EDGE.containers[fn]
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
      if (slot.overdue === call.id || now - slot.sentAt <= (this.env.EDGE.timeouts[slot.pool.fn] ?? 30_000) + OVERDUE_GRACE_MS) continue
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

  /** Messages from the host: container notices (`c` started, `f` failed to start, `x` gone, `g` reloaded). */
  private fromHost(text: string): void {
    const kind = text.charCodeAt(0)
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
      return await handle(request, this.env, this.link)
    } catch (e) {
      // Never let the edge go down: an unexpected failure is CloudFront's generic 502.
      const id = newRequestId()
      const message = e instanceof Error ? e.message : String(e)
      this.link.log({ requestId: id, method: request.method, path: new URL(request.url).pathname, status: 502, cache: 'Error', stages: [], error: { code: 'EdgeError', message }, totalMs: 0 })
      return errorPage(this.env.EDGE, 502, `The local edge failed: ${message}`, id)
    }
  }
}

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    return env.EDGE_DO.get(env.EDGE_DO.idFromName('edge')).fetch(request)
  },
}
