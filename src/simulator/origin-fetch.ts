/**
 * Fetches a custom origin the way CloudFront does: the request's final headers (original-case keys, Host as the
 * functions left it), the origin's connection timeout and attempts, its read timeout, keep-alive connections, and
 * CloudFront's answers when the origin fails: 502 when it refuses, resets or can't be resolved, 504 when it
 * doesn't answer in time.
 */
import http from 'node:http'
import https from 'node:https'
import type { CfHeaders } from '../cloudfront/types.js'
import { isDisallowedHeader, wireHeaderName } from '../cloudfront/rules.js'

/** What came back from the origin. */
export type OriginResult =
  | { ok: true; status: number; statusDescription: string; headers: CfHeaders; body: Buffer; ms: number }
  | { ok: false; status: 502 | 504; code: string; message: string; ms: number }

/** A request to the origin. */
export interface OriginRequest {
  method: string
  url: string
  headers: CfHeaders
  body?: Buffer
  /** Seconds without a response byte before CloudFront gives up (504). */
  readTimeout: number
  /** Seconds a connection stays open between requests. */
  keepaliveTimeout: number
  /** Connect timeout, ms (CloudFront's default connection timeout is 10 s). */
  connectTimeoutMs?: number
  /**
   * `ConnectionAttempts` (default 1 here; CloudFront's default is 3): tries when the connection is refused or times
   * out, and — for GET and HEAD — after a read timeout [FAIL], [CUST].
   */
  connectionAttempts?: number
}

const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer'])
const agents = new Map<string, http.Agent>()

function agentFor(protocol: string, keepaliveS: number): http.Agent {
  const k = `${protocol}:${keepaliveS}`
  let a = agents.get(k)
  if (!a) {
    const o = { keepAlive: true, keepAliveMsecs: 1000, maxSockets: 64, timeout: keepaliveS * 1000 }
    a = protocol === 'https:' ? new https.Agent({ ...o, rejectUnauthorized: true }) : new http.Agent(o)
    agents.set(k, a)
  }
  return a
}

/**
 * Adds one header of an origin's response as CloudFront keeps it: hop-by-hop headers dropped, and the ones
 * functions may not see left out [RALL].
 *
 * @example
 * ```ts
 * addResponseHeader(headers, 'Cache-Control', 'max-age=60') // headers['cache-control'] = [{ key: 'Cache-Control', value: 'max-age=60' }]
 * ```
 */
export function addResponseHeader(headers: CfHeaders, key: string, value: string): void {
  const name = key.toLowerCase()
  if (HOP.has(name) || isDisallowedHeader(name)) return
  ;(headers[name] ??= []).push({ key, value })
}

/**
 * Closes the kept-alive origin connections.
 *
 * @example
 * ```ts
 * closeOriginAgents() // on shutdown
 * ```
 */
export function closeOriginAgents(): void {
  for (const a of agents.values()) a.destroy()
  agents.clear()
}

/**
 * Sends a request to the origin, trying again as the connection attempts allow. Never rejects: failures are
 * CloudFront's 502/504 answers (the time of every try counted).
 *
 * @example
 * ```ts
 * const r = await fetchOrigin({ method: 'GET', url: 'http://localhost:8788/', headers: {}, readTimeout: 30, keepaliveTimeout: 5, connectionAttempts: 3 })
 * if (r.ok) console.log(r.status, r.body.toString())
 * ```
 */
export async function fetchOrigin(req: OriginRequest): Promise<OriginResult> {
  const attempts = req.connectionAttempts ?? 1
  const retryReads = req.method === 'GET' || req.method === 'HEAD'
  let ms = 0
  for (let i = 1; ; i++) {
    const r = await fetchOnce(req)
    ms += r.ms
    // Tried again: a connection that couldn't be made, and (GET/HEAD) no answer in time.
    const again = !r.ok && i < attempts && (r.code === 'OriginConnectError' || (retryReads && r.code === 'OriginReadError'))
    if (!again) return r.ok || i === 1 ? { ...r, ms } : { ...r, ms, message: `${r.message.replace(/\.$/, '')}; ${i} attempts.` }
  }
}

function fetchOnce(req: OriginRequest): Promise<OriginResult> {
  const start = performance.now()
  const ms = (): number => performance.now() - start
  return new Promise((resolve) => {
    let url: URL
    try {
      url = new URL(req.url)
    } catch {
      resolve({ ok: false, status: 502, code: 'OriginUrlInvalid', message: `CloudFront can't build an origin URL from ${JSON.stringify(req.url)}.`, ms: ms() })
      return
    }
    const raw: string[] = []
    for (const name in req.headers) {
      // Framing is CloudFront's: the length of the body actually sent (a function may have replaced it).
      if (HOP.has(name) || name === 'content-length' || name === 'transfer-encoding') continue
      // The map's name says which header it is; `key` only its casing (see wireHeaderName).
      for (const e of req.headers[name]!) raw.push(wireHeaderName(name, e.key), e.value)
    }
    if (req.body) raw.push('Content-Length', String(req.body.byteLength))
    // `localhost` is the loopback address the example origins listen on (127.0.0.1; CloudFront forbids IPs in domainName).
    const host = url.hostname === 'localhost' ? '127.0.0.1' : url.hostname.replace(/^\[|\]$/g, '')
    const mod = url.protocol === 'https:' ? https : http
    let done = false
    const finish = (r: OriginResult): void => {
      if (done) return
      done = true
      resolve(r)
    }
    let r: http.ClientRequest
    try {
      r = mod.request({
        host,
        port: url.port || (url.protocol === 'https:' ? 443 : 80),
        method: req.method,
        path: url.pathname + url.search,
        headers: raw,
        agent: agentFor(url.protocol, req.keepaliveTimeout),
        servername: url.hostname,
        setHost: false,
      })
    } catch (e) {
      finish({ ok: false, status: 502, code: 'OriginRequestInvalid', message: `CloudFront can't send this request to the origin: ${(e as Error).message}`, ms: ms() })
      return
    }
    const readMs = req.readTimeout * 1000
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = (): void => {
      finish({ ok: false, status: 504, code: 'OriginReadError', message: `The origin ${url.host} did not respond within the origin read timeout (${req.readTimeout} s).`, ms: ms() })
      r.destroy()
    }
    const rearm = (): void => {
      clearTimeout(timer)
      timer = setTimeout(timeout, readMs)
    }
    const connectMs = req.connectTimeoutMs ?? 10_000
    r.on('socket', (s) => {
      // The read timeout runs from the connection (or at once on a kept-alive one); connecting has its own.
      if (!s.connecting) return rearm()
      const ct = setTimeout(() => {
        finish({ ok: false, status: 504, code: 'OriginConnectError', message: `CloudFront could not connect to the origin ${url.host} within the connection timeout (${connectMs / 1000} s).`, ms: ms() })
        r.destroy()
      }, connectMs)
      s.once('connect', () => {
        clearTimeout(ct)
        rearm()
      })
      s.once('close', () => clearTimeout(ct))
    })
    r.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      const code = e.code ?? 'ERR'
      // [RLE], [E502]: NonS3OriginDnsError is CloudFront's name for a custom origin; the others are the access
      // log's detailed result types [LOG].
      if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
        finish({ ok: false, status: 502, code: 'NonS3OriginDnsError', message: `CloudFront couldn't resolve the origin domain name ${url.hostname} (${code}).`, ms: ms() })
      } else if (code === 'ECONNREFUSED') {
        finish({ ok: false, status: 502, code: 'OriginConnectError', message: `CloudFront wasn't able to connect to the origin ${url.host} (ECONNREFUSED: connection refused).`, ms: ms() })
      } else if (code === 'ECONNRESET' || code === 'EPIPE') {
        finish({ ok: false, status: 502, code: 'OriginCommError', message: `The origin ${url.host} closed the connection before a complete response (${code}: connection reset).`, ms: ms() })
      } else finish({ ok: false, status: 502, code: 'OriginError', message: `The origin ${url.host} failed: ${code}: ${e.message}`, ms: ms() })
    })
    r.on('response', (res) => {
      const chunks: Buffer[] = []
      rearm()
      res.on('data', (c: Buffer) => {
        chunks.push(c)
        rearm()
      })
      res.on('error', () => {
        /* reported by 'aborted'/'close' */
      })
      res.on('close', () => {
        clearTimeout(timer)
        if (!res.complete) {
          finish({ ok: false, status: 502, code: 'OriginCommError', message: `The origin ${url.host} closed the connection before a complete response (ECONNRESET: connection reset).`, ms: ms() })
          return
        }
      })
      res.on('end', () => {
        clearTimeout(timer)
        const headers: CfHeaders = {}
        const rh = res.rawHeaders
        for (let i = 0; i < rh.length; i += 2) addResponseHeader(headers, rh[i]!, rh[i + 1]!)
        finish({ ok: true, status: res.statusCode ?? 502, statusDescription: res.statusMessage ?? '', headers, body: Buffer.concat(chunks), ms: ms() })
      })
    })
    r.end(req.body)
  })
}
