import { ruleError } from '../core/errors.js'
import { ORIGIN_REQUEST_READ_ONLY, ORIGIN_RESPONSE_READ_ONLY, VIEWER_REQUEST_READ_ONLY, VIEWER_RESPONSE_READ_ONLY } from '../core/read-only.js'
import type { Stage } from './types.js'

/**
 * Header rules of Lambda@Edge [RALL] (reference §3). Names are lowercase.
 * Disallowed headers: not exposed to functions, and a function can't add them (502).
 *
 * @example
 * ```ts
 * DISALLOWED_HEADERS.has('x-cache') // true
 * ```
 */
export const DISALLOWED_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'expect',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'trailer',
  'upgrade',
  'x-accel-buffering',
  'x-accel-charset',
  'x-accel-limit-rate',
  'x-accel-redirect',
  'x-amzn-auth',
  'x-amzn-cf-billing',
  'x-amzn-cf-id',
  'x-amzn-cf-xff',
  'x-amzn-errortype',
  'x-amzn-fle-profile',
  'x-amzn-header-count',
  'x-amzn-header-order',
  'x-amzn-lambda-integration-tag',
  'x-amzn-requestid',
  'x-cache',
  'x-forwarded-proto',
  'x-real-ip',
])

/**
 * Disallowed name prefixes: `X-Amz-Cf-*`, `X-Edge-*` [RALL].
 *
 * @example
 * ```ts
 * DISALLOWED_HEADER_PREFIXES.some((p) => 'x-edge-location'.startsWith(p)) // true
 * ```
 */
export const DISALLOWED_HEADER_PREFIXES: readonly string[] = ['x-amz-cf-', 'x-edge-']

/**
 * Read-only headers per stage: can't be added, modified or deleted (502) [RALL].
 *
 * @example
 * ```ts
 * READ_ONLY_HEADERS['viewer-request'].has('host') // true
 * ```
 */
export const READ_ONLY_HEADERS: Readonly<Record<Stage, ReadonlySet<string>>> = {
  'viewer-request': VIEWER_REQUEST_READ_ONLY,
  'origin-request': ORIGIN_REQUEST_READ_ONLY,
  'origin-response': ORIGIN_RESPONSE_READ_ONLY,
  'viewer-response': VIEWER_RESPONSE_READ_ONLY,
}

/**
 * Names CloudFront can't send as origin custom headers [CUSTHDR]. `x-amz-*`, `x-edge-*` are prefixes.
 *
 * @example
 * ```ts
 * CUSTOM_HEADER_DENY.has('cookie') // true
 * ```
 */
export const CUSTOM_HEADER_DENY: ReadonlySet<string> = new Set([
  'cache-control',
  'connection',
  'content-length',
  'cookie',
  'host',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-range',
  'if-unmodified-since',
  'max-forwards',
  'pragma',
  'proxy-authorization',
  'proxy-connection',
  'range',
  'request-range',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
  'x-real-ip',
])
/**
 * Prefixes CloudFront can't send as origin custom headers [CUSTHDR].
 *
 * @example
 * ```ts
 * CUSTOM_HEADER_DENY_PREFIXES.some((p) => 'x-amz-date'.startsWith(p)) // true
 * ```
 */
export const CUSTOM_HEADER_DENY_PREFIXES: readonly string[] = ['x-amz-', 'x-edge-']

/**
 * Whether a (lowercase) header name is disallowed in every stage.
 *
 * @example
 * ```ts
 * isDisallowedHeader('x-amz-cf-pop') // true
 * ```
 */
export function isDisallowedHeader(lowerName: string): boolean {
  if (DISALLOWED_HEADERS.has(lowerName)) return true
  for (const p of DISALLOWED_HEADER_PREFIXES) if (lowerName.startsWith(p)) return true
  return false
}

/**
 * Whether a (lowercase) header name is read-only in a stage.
 *
 * @example
 * ```ts
 * isReadOnlyHeader('viewer-request', 'host') // true
 * isReadOnlyHeader('origin-request', 'host') // false
 * ```
 */
export function isReadOnlyHeader(stage: Stage, lowerName: string): boolean {
  return READ_ONLY_HEADERS[stage].has(lowerName)
}

/** RFC 7230 token characters for a header name. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/** Control characters other than horizontal tab (CR and LF included) are never valid in a header value. */
// eslint-disable-next-line no-control-regex
const BAD_VALUE_CHAR = /[\u0000-\u0008\u000a-\u001f\u007f]/

/**
 * Whether a string is a valid HTTP header name (RFC 7230 token).
 *
 * @example
 * ```ts
 * isValidHeaderName('X-Ab') // true
 * ```
 */
export function isValidHeaderName(name: string): boolean {
  return HEADER_NAME.test(name)
}

/**
 * Whether a header value contains CR, LF or another control character (header injection).
 *
 * @example
 * ```ts
 * hasInvalidHeaderValueChar('a\r\nSet-Cookie: x') // true
 * ```
 */
export function hasInvalidHeaderValueChar(value: string): boolean {
  return BAD_VALUE_CHAR.test(value)
}

/** [RALL]: a query string a function sets can't hold spaces, control characters or `#`. */
// eslint-disable-next-line no-control-regex
const BAD_QUERYSTRING_CHAR = /[\u0000-\u0020\u007f#]/

/**
 * Whether a query string a function sets holds a space, a control character or `#` [RALL] (Lambda@Edge and
 * CloudFront Functions alike).
 *
 * @example
 * ```ts
 * hasInvalidQuerystringChar('a=1&b=two words') // true
 * ```
 */
export function hasInvalidQuerystringChar(qs: string): boolean {
  return BAD_QUERYSTRING_CHAR.test(qs)
}

/**
 * Throws `EdgeRuleError` (`InvalidHeaderName`, `DisallowedHeader`) unless `name` is a valid header name that isn't
 * disallowed in every stage; returns it lowercase. The stage-independent part of `assertHeaderWritable`.
 *
 * @example
 * ```ts
 * assertHeaderName('X-Ab') // 'x-ab'
 * assertHeaderName('X-Cache') // throws EdgeRuleError DisallowedHeader
 * ```
 */
export function assertHeaderName(name: string, stage?: Stage): string {
  if (!isValidHeaderName(name)) ruleError('InvalidHeaderName', `"${name}" is not a valid HTTP header name`, name, stage)
  const lower = name.toLowerCase()
  if (isDisallowedHeader(lower)) ruleError('DisallowedHeader', `${name} is a disallowed header: Lambda@Edge functions can't add or change it`, name, stage)
  return lower
}

/**
 * Throws `EdgeRuleError` unless `name` may be added, changed or removed by a function in `stage`.
 * Used by the header helpers at the call site.
 *
 * @example
 * ```ts
 * assertHeaderWritable('viewer-request', 'host') // throws EdgeRuleError ReadOnlyHeader
 * ```
 */
export function assertHeaderWritable(stage: Stage, name: string): void {
  assertHeaderWritableIn(READ_ONLY_HEADERS[stage], stage, name)
}

/**
 * `assertHeaderWritable` with the stage's read-only list given (the stage contexts pass their own list, so a
 * bundle doesn't carry the other stages' lists).
 *
 * @example
 * ```ts
 * assertHeaderWritableIn(READ_ONLY_HEADERS['viewer-request'], 'viewer-request', 'host') // throws ReadOnlyHeader
 * ```
 */
export function assertHeaderWritableIn(readOnly: ReadonlySet<string>, stage: Stage, name: string): void {
  const lower = assertHeaderName(name, stage)
  if (readOnly.has(lower)) ruleError('ReadOnlyHeader', `${name} is read-only in ${stage}: it can't be added, changed or deleted`, name, stage)
  if (stage === 'viewer-request' && lower === 'cloudfront-viewer-country') {
    ruleError('ViewerCountryAdded', 'a viewer-request function may not add CloudFront-Viewer-Country', name, stage)
  }
}

/**
 * Throws `EdgeRuleError` if a header value is not a string or carries CR/LF or other control characters.
 *
 * @example
 * ```ts
 * assertHeaderValue('x-a', 'ok\r\nx') // throws EdgeRuleError InvalidHeaderValue
 * ```
 */
export function assertHeaderValue(name: string, value: unknown, stage?: Stage): asserts value is string {
  const bad = typeof value !== 'string' ? `must be a string, got ${typeof value}` : hasInvalidHeaderValueChar(value) ? `contains CR, LF or another control character: ${JSON.stringify(value)}` : ''
  if (bad !== '') ruleError('InvalidHeaderValue', `the value of header ${name} ${bad}`, value, stage)
}

/** [EVT]: a uri starts with `/`. Control characters (CR, LF, NUL, …) would change the request line on the wire. */
// eslint-disable-next-line no-control-regex
const BAD_URI_CHAR = /[\u0000-\u001f\u007f]/

/**
 * What is wrong with a `uri` a function sets, or undefined when CloudFront takes it: a string starting with `/`
 * [EVT], without CR, LF, NUL or another control character (they would end the request line early and fetch a
 * different object). The one rule the `c.request.uri` setter and `validateResult` both apply.
 *
 * @example
 * ```ts
 * uriProblem('/a') // undefined
 * uriProblem('/a\r\nX-Injected: 1') // 'contains CR, LF, NUL or another control character'
 * ```
 */
export function uriProblem(uri: unknown): string | undefined {
  return typeof uri !== 'string' || uri.charCodeAt(0) !== 47 /* / */
    ? 'must be a string starting with "/"'
    : BAD_URI_CHAR.test(uri)
      ? 'contains CR, LF, NUL or another control character'
      : undefined
}

/**
 * Whether a header entry's `key` spells `lowerName` (any case), without allocating.
 *
 * @example
 * ```ts
 * keySpells('Last-Modified', 'last-modified') // true
 * keySpells('X-Amz-Meta-Last-Modified', 'last-modified') // false
 * ```
 */
export function keySpells(key: string, lowerName: string): boolean {
  if (key.length !== lowerName.length) return false
  for (let i = 0; i < key.length; i++) {
    let c = key.charCodeAt(i)
    if (c >= 65 && c <= 90) c += 32
    if (c !== lowerName.charCodeAt(i)) return false
  }
  return true
}

/**
 * The name a header entry goes on the wire with: the map's name, in the entry's `key` casing when `key` spells it,
 * else capitalised the way CloudFront fills in an omitted `key` [EVT]. The map's name decides which header it is:
 * AWS's own "override a response header" example puts another header's entry (its `key` included) under
 * `last-modified` to set Last-Modified.
 *
 * @example
 * ```ts
 * wireHeaderName('last-modified', 'X-Amz-Meta-Last-Modified') // 'Last-Modified'
 * wireHeaderName('x-ab', 'X-AB') // 'X-AB'
 * ```
 */
export function wireHeaderName(lowerName: string, key: string | undefined): string {
  return typeof key === 'string' && keySpells(key, lowerName) ? key : canonicalHeaderKey(lowerName)
}

/**
 * The `key` CloudFront inserts when a function omits it: initial capital on each hyphen-separated part [EVT].
 *
 * @example
 * ```ts
 * canonicalHeaderKey('user-agent') // 'User-Agent'
 * ```
 */
export function canonicalHeaderKey(name: string): string {
  let out = ''
  let up = true
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!
    out += up ? ch.toUpperCase() : ch.toLowerCase()
    up = ch === '-'
  }
  return out
}

/**
 * HTTP status reason phrases for `statusDescription`.
 *
 * @example
 * ```ts
 * statusText(302) // 'Found'
 * ```
 */
export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? ''
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 206: 'Partial Content',
  301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict',
  410: 'Gone', 412: 'Precondition Failed', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests',
  500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
}
