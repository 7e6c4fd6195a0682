/**
 * What one request carries through the edge (edge/handle.ts): the configuration, the links to the host, the
 * request's id and log record, and the viewer's connection. Plus the small helpers every step shares.
 */
import { canonicalHeaderKey } from '../../cloudfront/rules.js'
import type { CfEvent, CfHeaders, CfRequest, CfResponse, Stage } from '../../cloudfront/types.js'
import type { FrontInfo } from '../front-wire.js'
import type { EdgeWorkerConfig, FunctionReply, InvokeReply, LogRecord } from '../protocol.js'

/** A service binding or Durable Object stub. */
export interface Fetcher {
  fetch(input: string | Request, init?: RequestInit): Promise<Response>
}
interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown
  get(id: unknown): Fetcher
}

/** The edge worker's bindings. */
export interface Env {
  EDGE: EdgeWorkerConfig
  HOST: Fetcher
  /** `ws://127.0.0.1:<port>/<token>`: the host's function channel. */
  CHANNEL: string
  EDGE_DO: DurableObjectNamespaceLike
}

/**
 * The edge's link to the functions (calls on each container's WebSocket, kept open by the Durable Object across
 * requests) and to the Node host (CloudFront Functions and log records on its WebSocket, the configuration after a
 * reload).
 */
export interface HostLink {
  invoke(fn: string, stage: Stage, requestId: string, eventJson: string): Promise<InvokeReply>
  /** Runs a CloudFront Function in the host on a viewer event; `originIds`: the behavior's origins' ids (JSON). */
  runFunction(fn: string, originIds: string, eventJson: string): Promise<FunctionReply>
  log(rec: LogRecord): void
  /** The configuration of a generation (a reload of wrangler.toml makes a new one; the host has it). */
  config(generation: number): EdgeWorkerConfig | Promise<EdgeWorkerConfig>
}

/** One request at the edge. */
export interface Ctx {
  cfg: EdgeWorkerConfig
  env: Env
  link: HostLink
  requestId: string
  log: LogRecord
  t0: number
  /** The viewer's method. */
  method: string
  /** The listener the viewer came in on. */
  proto: 'http' | 'https'
  clientIp: string
  /** What the front saw of the request on the wire (absent for a request that didn't come through it). */
  wire: FrontInfo | undefined
  /** The viewer's headers as they arrived (for the log), once read. */
  viewer?: CfHeaders
  /** The viewer's body (non-GET/HEAD), as a request function may have replaced it. */
  rawBody: Uint8Array | undefined
}

/** A response inside the edge: from the cache, an origin or a function. */
export interface EdgeResponse {
  status: number
  statusDescription: string
  headers: CfHeaders
  body: Uint8Array
}

/** A CloudFront error answer the edge gives itself (its HTML page), and why (for the log). */
export interface Failure {
  status: number
  code: string
  message: string
  stage?: Stage
  /** The function that failed (for the log). */
  fn?: string
  /** What went wrong, in one line for the developer (the error and the user's source line, or the rule broken). */
  detail?: string
  /** The origin (not a function) failed: a custom error response and a stale object may stand in. */
  origin?: boolean
}

const enc = new TextEncoder()

/**
 * CloudFront's request id: 40 random bytes, URL-safe base64.
 *
 * @example
 * ```ts
 * newRequestId() // '4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ=='
 * ```
 */
export function newRequestId(): string {
  const b = new Uint8Array(40)
  crypto.getRandomValues(b)
  let s = ''
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!)
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_')
}

/**
 * Bytes as base64 (in chunks: no argument-count limit).
 *
 * @example
 * ```ts
 * toBase64(new TextEncoder().encode('hi')) // 'aGk='
 * ```
 */
export function toBase64(bytes: Uint8Array): string {
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

/**
 * A function's `body` / `bodyEncoding` as bytes.
 *
 * @example
 * ```ts
 * bodyBytes('aGk=', 'base64') // Uint8Array [104, 105]
 * ```
 */
export function bodyBytes(body: string | undefined, encoding: string | undefined): Uint8Array {
  if (body === undefined || body === '') return new Uint8Array(0)
  return encoding === 'base64' ? fromBase64(body) : enc.encode(body)
}

/**
 * Appends one header entry (CloudFront's casing for the key unless given).
 *
 * @example
 * ```ts
 * addHeader(headers, 'x-seen', '1') // headers['x-seen'] gains { key: 'X-Seen', value: '1' }
 * ```
 */
export function addHeader(h: CfHeaders, name: string, value: string, key = canonicalHeaderKey(name)): void {
  const list = h[name]
  if (list) list.push({ key, value })
  else h[name] = [{ key, value }]
}

/**
 * A deep copy of a header map.
 *
 * @example
 * ```ts
 * const copy = cloneHeaders(request.headers)
 * ```
 */
export function cloneHeaders(h: CfHeaders): CfHeaders {
  const out: CfHeaders = {}
  for (const k in h) out[k] = h[k]!.map((e) => ({ ...e }))
  return out
}

/**
 * The first value of a header.
 *
 * @example
 * ```ts
 * first(headers, 'host') // 'd111111abcdef8.cloudfront.net'
 * ```
 */
export const first = (h: CfHeaders, name: string): string | undefined => h[name]?.[0]?.value

/**
 * A Lambda@Edge event for `stage`.
 *
 * @example
 * ```ts
 * JSON.stringify(event(cfg, 'viewer-request', requestId, request))
 * ```
 */
export function event(cfg: EdgeWorkerConfig, stage: Stage, requestId: string, request: CfRequest, response?: CfResponse): CfEvent {
  const cf: CfEvent['Records'][number]['cf'] = {
    config: { distributionDomainName: cfg.distributionDomainName, distributionId: cfg.distributionId, eventType: stage, requestId },
    request,
  }
  if (response) cf.response = response
  return { Records: [{ cf }] }
}
