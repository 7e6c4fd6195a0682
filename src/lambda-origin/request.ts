/**
 * The incoming HTTP request, read once for every integration: path and raw query, headers with repeats (the
 * forwarding headers the integration adds included), body bytes, and the per-request ids and times the events
 * carry.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { OriginHeaders, OriginRequest } from './types.js'

/** A request as the integration sees it. */
export interface IncomingRequest {
  method: string
  /** The path, not decoded. */
  path: string
  /** The query string without `?`, not decoded. */
  query: string
  /** Headers in order, repeats kept, with the integration's `X-Forwarded-*` and `X-Amzn-Trace-Id`. */
  headers: [string, string][]
  body: Buffer
  /** The viewer's address: the last `X-Forwarded-For` entry received, else the connection's address. */
  forwardedIp: string
  /** The connection's address. */
  remoteIp: string
  /** When the integration received it (epoch ms). */
  now: number
}

const EMPTY = Buffer.alloc(0)

function headerList(h: OriginHeaders | undefined): [string, string][] {
  const out: [string, string][] = []
  const add = (k: unknown, v: unknown): void => {
    if (typeof k !== 'string' || typeof v !== 'string') throw new TypeError(`lambda origin: request headers must be name/value strings, got ${JSON.stringify(k)}: ${typeof v === 'string' ? JSON.stringify(v) : typeof v}`)
    out.push([k, v])
  }
  if (h === undefined) return out
  if (h === null || typeof h !== 'object') throw new TypeError(`lambda origin: request.headers must be name/value pairs, a record or Headers, got ${h === null ? 'null' : typeof h}`)
  if (Array.isArray(h)) for (const pair of h as readonly unknown[]) add((pair as unknown[] | null)?.[0], (pair as unknown[] | null)?.[1])
  else if (h instanceof Headers) h.forEach((v, k) => add(k, v))
  else {
    const rec = h as Readonly<Record<string, unknown>>
    for (const k in rec) {
      const v = rec[k]
      if (Array.isArray(v)) for (const one of v) add(k, one)
      else add(k, v)
    }
  }
  return out
}

/** The last value of header `name` (any case), if any. */
export function lastHeader(headers: readonly (readonly [string, string])[], name: string): string | undefined {
  for (let i = headers.length - 1; i >= 0; i--) if (headers[i]![0].toLowerCase() === name) return headers[i]![1]
  return undefined
}

/** `Root=1-<epoch seconds hex>-<24 hex>`, the trace header the integrations add. */
const traceId = (now: number): string => `Root=1-${Math.floor(now / 1000).toString(16)}-${randomBytes(12).toString('hex')}`

/**
 * Reads `req` as the integration receives it, and adds the forwarding headers every integration adds:
 * `X-Forwarded-For` (what came in, with the connection's address appended), `X-Forwarded-Port`,
 * `X-Forwarded-Proto` and `X-Amzn-Trace-Id` [ELB-LAMBDA: "The load balancer adds the following headers to every
 * request"; API Gateway and function URLs alike: 3P], with lowercase names when `lower` (the integration's casing).
 */
export function readRequest(req: OriginRequest, lower: boolean, now = Date.now()): IncomingRequest {
  if (req === null || typeof req !== 'object') throw new TypeError(`lambda origin: the request must be an object, got ${req === null ? 'null' : typeof req}`)
  if (typeof req.method !== 'string' || !/^[A-Za-z]+$/.test(req.method)) throw new TypeError(`lambda origin: request.method must be an HTTP method, got ${JSON.stringify(req.method)}`)
  if (typeof req.path !== 'string' || !req.path.startsWith('/')) throw new TypeError(`lambda origin: request.path must start with "/", got ${JSON.stringify(req.path)}`)
  const q = req.path.indexOf('?')
  const path = q < 0 ? req.path : req.path.slice(0, q)
  const query = q < 0 ? '' : req.path.slice(q + 1)
  const remoteIp = req.remoteIp ?? '127.0.0.1'
  const proto = req.protocol ?? 'https'
  const received = headerList(req.headers)
  const headers: [string, string][] = []
  let xff: string | undefined
  for (const h of received) {
    const n = h[0].toLowerCase()
    if (n === 'x-forwarded-for') xff = xff === undefined ? h[1] : `${xff}, ${h[1]}`
    else if (n !== 'x-forwarded-port' && n !== 'x-forwarded-proto' && n !== 'x-amzn-trace-id') headers.push(h)
  }
  const name = (n: string): string => (lower ? n.toLowerCase() : n)
  headers.push(
    [name('X-Amzn-Trace-Id'), traceId(now)],
    [name('X-Forwarded-For'), xff === undefined || xff.trim() === '' ? remoteIp : `${xff}, ${remoteIp}`],
    [name('X-Forwarded-Port'), proto === 'https' ? '443' : '80'],
    [name('X-Forwarded-Proto'), proto],
  )
  const entries = xff?.split(',').map((s) => s.trim()).filter(Boolean)
  const forwardedIp = entries && entries.length > 0 ? entries[entries.length - 1]! : remoteIp
  if (req.body !== undefined && typeof req.body !== 'string' && !(req.body instanceof Uint8Array)) throw new TypeError(`lambda origin: request.body must be a string or a Uint8Array, got ${req.body === null ? 'null' : typeof req.body}`)
  const body = req.body === undefined ? EMPTY : typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength)
  return { method: req.method.toUpperCase(), path, query, headers, body, forwardedIp, remoteIp, now }
}

/** Query string pairs in order; `decode`: percent-decoded names and values (API Gateway), else raw (ALB). */
export function queryPairs(query: string, decode: boolean): [string, string][] {
  const out: [string, string][] = []
  if (query === '') return out
  for (const part of query.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    const k = eq < 0 ? part : part.slice(0, eq)
    const v = eq < 0 ? '' : part.slice(eq + 1)
    out.push(decode ? [pct(k), pct(v)] : [k, v])
  }
  return out
}

/** Percent-decodes, leaving a malformed sequence as it is. */
export function pct(s: string): string {
  if (!s.includes('%')) return s
  try {
    return decodeURIComponent(s)
  } catch {
    return s.replace(/%[0-9A-Fa-f]{2}/g, (m) => {
      try {
        return decodeURIComponent(m)
      } catch {
        return m
      }
    })
  }
}

/** Groups pairs by name (`fold`: names compared case-insensitively, the first spelling kept). */
export function group(pairs: readonly (readonly [string, string])[], fold: boolean): Map<string, string[]> {
  const out = new Map<string, string[]>()
  const spelled = new Map<string, string>()
  for (const [k, v] of pairs) {
    let key = k
    if (fold) {
      const lk = k.toLowerCase()
      const first = spelled.get(lk)
      if (first === undefined) spelled.set(lk, k)
      else key = first
    }
    const list = out.get(key)
    if (list) list.push(v)
    else out.set(key, [v])
  }
  return out
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const two = (n: number): string => (n < 10 ? `0${n}` : String(n))

/** `12/Mar/2020:19:03:58 +0000`, API Gateway's request time. */
export function requestTime(now: number): string {
  const d = new Date(now)
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
}

/** An API Gateway style id: 11 random bytes in base64 (`TWegAcC4EowCHnA=`). */
export const gatewayId = (): string => randomBytes(11).toString('base64')

/** A request id (UUID). */
export const uuid = (): string => randomUUID()

/** A stable id of `length` lowercase letters and digits derived from `seed` (an API id, a function URL id). */
export function stableId(seed: string, length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'
  const bytes = createHash('sha256').update(seed).digest()
  let out = ''
  for (let i = 0; out.length < length; i++) out += alphabet[bytes[i % bytes.length]! % alphabet.length]
  return out
}
