/**
 * Reading a function's result: the checks every integration's result format shares (an object, a status code,
 * header maps, a string body, base64), each adding the rule it breaks to a {@link Mapped}.
 */
import { HOP_BY_HOP, isBase64, violation, warning, type Answer, type Violation } from './rules.js'
import type { JsonObject, OriginRule } from './types.js'

/** A result read into an HTTP response, with what it broke on the way. */
export interface Mapped {
  status: number
  statusText?: string
  headers: [string, string][]
  body: Uint8Array
  violations: Violation[]
  warnings: OriginRule[]
}

/** A fresh {@link Mapped} for a result that has not been read yet. */
export const mapped = (): Mapped => ({ status: 200, headers: [], body: EMPTY, violations: [], warnings: [] })

const EMPTY = new Uint8Array(0)

export const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v)

/** How a value reads in a message: `a string "hi"`, `null`, `an array`, `the number 3`. */
export function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`
  if (typeof v === 'object') return 'an object'
  return `the ${typeof v} ${String(v)}`
}

/**
 * The result's `statusCode`: an integer from 100 to 599 (a numeric string is read, with a warning), else the
 * rule `code` is broken (answer `malformed`).
 */
export function readStatus(m: Mapped, v: unknown, code: string, source: string): void {
  const n = typeof v === 'string' && /^\d{3}$/.test(v) ? Number(v) : v
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 100 || n > 599) {
    m.violations.push(violation('malformed', code, `statusCode must be an HTTP status code (an integer from 100 to 599), got ${v === undefined ? 'nothing' : describe(v)}`, source, 'statusCode'))
    return
  }
  if (typeof v === 'string') m.warnings.push(warning('StatusCodeString', `statusCode is the string ${JSON.stringify(v)}; it is read as the number ${n} (return a number)`, 'SILENT', 'statusCode'))
  m.status = n
}

/** RFC 9110 token characters: what a header name is made of. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/** Control characters other than tab (CR, LF and NUL among them): never in a header value on the wire. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/
// eslint-disable-next-line no-control-regex
const WIDE = /[^\u0000-\u00ff]/

/**
 * A header value as text HTTP can carry (`undefined`, with the rule `code` broken, when it can't): control
 * characters can't be sent (edgeware's reading: what the integration does with them is not documented, so it is
 * the malformed result's answer); characters past U+00FF go out as their UTF-8 bytes.
 */
export function wireValue(m: Mapped, v: string, path: string, code: string, source: string): string | undefined {
  if (CONTROL.test(v)) {
    m.violations.push(violation('malformed', code, `${path} holds a control character (CR, LF, NUL…), which an HTTP header can't carry: ${describe(v)}`, source, path))
    return undefined
  }
  return WIDE.test(v) ? Buffer.from(v, 'utf8').toString('latin1') : v
}

/** A header value: a string, or a number or boolean written as text; anything else breaks `code`. */
function scalar(m: Mapped, v: unknown, path: string, code: string, source: string): string | undefined {
  if (typeof v === 'string') return wireValue(m, v, path, code, source)
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  m.violations.push(violation('malformed', code, `${path} must be a string, got ${describe(v)}`, source, path))
  return undefined
}

/** A header name HTTP can carry (RFC 9110 token characters); anything else breaks `code`. */
function headerName(m: Mapped, k: string, field: string, code: string, source: string): boolean {
  if (HEADER_NAME.test(k)) return true
  m.violations.push(violation('malformed', code, `${field} has ${describe(k)} as a header name, which is not one (letters, digits and !#$%&'*+-.^_\`|~ only)`, source, `${field}.${k}`))
  return false
}

/** `headers` ({ name: value }): appended to `out`; not an object (or a bad value) breaks `code`. */
export function readHeaders(m: Mapped, v: unknown, field: string, code: string, source: string, out: [string, string][]): void {
  if (v === undefined || v === null) return
  if (!isObject(v)) {
    m.violations.push(violation('malformed', code, `${field} must be an object of header names to values, got ${describe(v)}`, source, field))
    return
  }
  for (const k in v) {
    const s = scalar(m, v[k], `${field}.${k}`, code, source)
    if (s !== undefined && headerName(m, k, field, code, source)) out.push([k, s])
  }
}

/** `multiValueHeaders` ({ name: [values] }): appended to `out`; not objects of arrays breaks `code`. */
export function readMultiHeaders(m: Mapped, v: unknown, field: string, code: string, source: string, out: [string, string][]): void {
  if (v === undefined || v === null) return
  if (!isObject(v)) {
    m.violations.push(violation('malformed', code, `${field} must be an object of header names to arrays of values, got ${describe(v)}`, source, field))
    return
  }
  for (const k in v) {
    const list = v[k]
    if (!headerName(m, k, field, code, source)) continue
    if (!Array.isArray(list)) {
      m.violations.push(violation('malformed', code, `${field}.${k} must be an array of strings, got ${describe(list)}`, source, `${field}.${k}`))
      continue
    }
    list.forEach((one: unknown, i) => {
      const s = scalar(m, one, `${field}.${k}[${i}]`, code, source)
      if (s !== undefined) out.push([k, s])
    })
  }
}

/** `body`: a string, or none; anything else breaks `code`. */
export function readBody(m: Mapped, v: unknown, code: string, source: string): string {
  if (v === undefined || v === null) return ''
  if (typeof v === 'string') return v
  m.violations.push(violation('malformed', code, `body must be a string (JSON.stringify an object), got ${describe(v)}`, source, 'body'))
  return ''
}

/** `isBase64Encoded`: a boolean, or none (false); anything else breaks `code`. */
export function readBase64Flag(m: Mapped, v: unknown, code: string, source: string): boolean {
  if (v === undefined || v === null) return false
  if (typeof v === 'boolean') return v
  m.violations.push(violation('malformed', code, `isBase64Encoded must be true or false, got ${describe(v)}`, source, 'isBase64Encoded'))
  return false
}

/** The body bytes: decoded from base64 when `base64` (bad base64 breaks `code` with `answer`), else UTF-8. */
export function bodyBytes(m: Mapped, body: string, base64: boolean, code: string, answer: Answer, source: string): void {
  if (!base64) {
    m.body = Buffer.from(body, 'utf8')
    return
  }
  if (!isBase64(body)) {
    m.violations.push(violation(answer, code, `isBase64Encoded is true but body is not base64 (${describe(body)})`, source, 'body'))
    return
  }
  m.body = Buffer.from(body, 'base64')
}

/**
 * Sets the response's headers from the function's, without `Content-Length` (the integration computes it from the
 * body it sends) and, where `hopByHop`, without hop-by-hop headers (noted as a warning).
 */
export function setHeaders(m: Mapped, headers: [string, string][], hopByHop: { source: string } | undefined): void {
  for (const h of headers) {
    const n = h[0].toLowerCase()
    if (n === 'content-length') continue
    if (HOP_BY_HOP.has(n)) {
      if (hopByHop) {
        m.warnings.push(warning('HopByHopHeader', `the load balancer does not honor hop-by-hop headers such as Connection or Transfer-Encoding: ${h[0]} is dropped`, hopByHop.source, `headers.${h[0]}`))
        continue
      }
      if (n === 'transfer-encoding') continue
    }
    m.headers.push(h)
  }
}

/** A response with a body and no Content-Type: what `who` sends instead is not documented; edgeware sends none. */
export const noContentType = (who: string): OriginRule =>
  warning('NoContentType', `the response has a body but no Content-Type header: what ${who} sends instead is not documented, and edgeware sends none`, 'SILENT', 'headers')
