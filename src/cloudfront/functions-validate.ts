/**
 * The result validator of CloudFront Functions (reference/cloudfront-functions.md §3): what a function may return
 * for each event type, the value-map shapes, header rules shared with Lambda@Edge ([RALL]: disallowed and
 * read-only headers, control characters), status codes, bodies and sizes. A violation here is CloudFront's 502
 * (`FunctionValidationError`). Also the event checks (§2) and the merge rule of `value` / `multiValue`.
 */
import type { Violation } from '../core/errors.js'
import { VIEWER_REQUEST_READ_ONLY } from '../core/read-only.js'
import { resolveFunctionLimits, type FunctionLimits } from './functions-limits.js'
import { FUNCTION_EVENT_TYPES, type FunctionEventType } from './functions-types.js'
import { hasInvalidHeaderValueChar, hasInvalidQuerystringChar, isDisallowedHeader, isValidHeaderName } from './rules.js'
import { isObject, show } from './show.js'
import { isValidBase64, utf8Length } from './validate.js'

/**
 * Read-only headers of CloudFront Functions per event type [RALL]: viewer-request as for Lambda@Edge; in
 * viewer-response only `Warning` and `Via` (Lambda@Edge also locks `Content-Length`, `Content-Encoding` and
 * `Transfer-Encoding` there).
 *
 * @example
 * ```ts
 * FUNCTION_READ_ONLY_HEADERS['viewer-response'].has('content-length') // false
 * ```
 */
export const FUNCTION_READ_ONLY_HEADERS: Readonly<Record<FunctionEventType, ReadonlySet<string>>> = {
  'viewer-request': VIEWER_REQUEST_READ_ONLY,
  'viewer-response': new Set(['warning', 'via']),
}

/**
 * Every code `validateFunctionResult` and `checkFunctionEvent` report.
 *
 * @example
 * ```ts
 * FUNCTION_VIOLATION_CODES.includes('ReadOnlyHeader') // true
 * ```
 */
export const FUNCTION_VIOLATION_CODES = [
  'InvalidEvent',
  'InvalidResult',
  'InvalidJson',
  'WrongResultKind',
  'InvalidStatus',
  'InvalidStatusDescription',
  'InvalidHeaders',
  'InvalidHeaderName',
  'InvalidHeaderValue',
  'DisallowedHeader',
  'ReadOnlyHeader',
  'InvalidCookies',
  'InvalidCookieName',
  'InvalidCookieValue',
  'InvalidQuerystring',
  'InvalidUri',
  'UriTooLong',
  'ReadOnlyField',
  'BodyNotAllowed',
  'InvalidBody',
  'InvalidBodyEncoding',
  'InvalidBase64',
  'ResponseTooLarge',
  'InvalidOriginChange',
  'OriginChangeNotAllowed',
] as const

/**
 * Codes of warnings: accepted, but probably not what the author meant.
 * `MultivalueSpelling`: a `multivalue` key (AWS's sample test events spell it so); CloudFront reads `multiValue`.
 * `MissingField`: an event without `cookies` / `querystring` / `headers` (CloudFront always sends them).
 *
 * @example
 * ```ts
 * FUNCTION_WARNING_CODES.includes('MultivalueSpelling') // true
 * ```
 */
export const FUNCTION_WARNING_CODES = ['MultivalueSpelling', 'MissingField'] as const

const hasOwn = Object.prototype.hasOwnProperty
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/
/** RFC 6265 cookie-name (token) characters. */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const TYPES: ReadonlySet<string> = new Set(FUNCTION_EVENT_TYPES)

/** Which map a value-map check looks at: it decides the names, values and codes. */
type MapKind = 'header' | 'querystring' | 'cookie' | 'set-cookie'

const SHAPE_CODE: Record<MapKind, string> = { header: 'InvalidHeaders', querystring: 'InvalidQuerystring', cookie: 'InvalidCookies', 'set-cookie': 'InvalidCookies' }
const VALUE_CODE: Record<MapKind, string> = { header: 'InvalidHeaderValue', querystring: 'InvalidQuerystring', cookie: 'InvalidCookieValue', 'set-cookie': 'InvalidCookieValue' }

interface State {
  readonly out: Violation[]
  readonly warn: Violation[]
  readonly lim: FunctionLimits
}

function own(o: Record<string, unknown> | undefined, k: string): unknown {
  return o !== undefined && hasOwn.call(o, k) ? o[k] : undefined
}

function sameList(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) {
    const x: unknown = a[i]
    const y: unknown = b[i]
    if (!isObject(x) || !isObject(y) || x.value !== y.value) return false
  }
  return true
}

/**
 * The values CloudFront sends for one entry of a value map the function returned, given the entry the event held
 * (the merge rule [EVT-2023]): a `multiValue` the function changed wins and `value` is ignored; otherwise `value`
 * is applied and the later values of an unchanged `multiValue` are kept. `[]` for a deleted entry.
 *
 * @example
 * ```ts
 * effectiveValues({ value: 'x', multiValue: [{ value: 'a' }, { value: 'b' }] }, { value: 'a', multiValue: [{ value: 'a' }, { value: 'b' }] })
 * // ['x', 'b']
 * ```
 */
export function effectiveValues(entry: unknown, input?: unknown): string[] {
  if (!isObject(entry)) return []
  const mv = entry.multiValue
  if (Array.isArray(mv)) {
    const inMv = isObject(input) ? input.multiValue : undefined
    if (!sameList(mv, inMv)) return mv.map((e: unknown) => (isObject(e) && typeof e.value === 'string' ? e.value : ''))
    const rest = mv.slice(1).map((e: unknown) => (isObject(e) ? String(e.value) : ''))
    return typeof entry.value === 'string' ? [entry.value, ...rest] : rest
  }
  return typeof entry.value === 'string' ? [entry.value] : []
}

function sameValues(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

/** A name in a value map: headers lowercase tokens [EVT], cookies RFC 6265 tokens, query names without control characters. */
function checkName(kind: MapKind, name: string, path: string, st: State): void {
  if (kind === 'header') {
    if (!isValidHeaderName(name)) st.out.push({ code: 'InvalidHeaderName', message: `${show(name)} is not a valid HTTP header name`, path })
    else if (name !== name.toLowerCase()) st.out.push({ code: 'InvalidHeaderName', message: `header names must be lowercase in CloudFront Functions, got ${show(name)}`, path })
  } else if (kind === 'querystring') {
    if (CONTROL.test(name)) st.out.push({ code: 'InvalidQuerystring', message: `query string parameter name ${show(name)} contains a control character`, path })
  } else if (!COOKIE_NAME.test(name)) {
    st.out.push({ code: 'InvalidCookieName', message: `${show(name)} is not a valid cookie name (RFC 6265 token)`, path })
  }
}

/** A value (or a response cookie's attributes, `semicolons` allowed there) of a value map. */
function checkValue(kind: MapKind, v: unknown, path: string, st: State, semicolons = kind === 'header' || kind === 'querystring'): void {
  const code = VALUE_CODE[kind]
  if (typeof v !== 'string') {
    st.out.push({ code, message: `${path} must be a string, got ${show(v)}`, path })
    return
  }
  const bad = kind === 'header' ? hasInvalidHeaderValueChar(v) : CONTROL.test(v) || (!semicolons && v.includes(';'))
  if (bad) st.out.push({ code, message: `${path} contains CR, LF, another control character${semicolons ? '' : ' or ;'}: ${show(v)}`, path })
}

/** One entry `{ value, multiValue? }` (response cookies: `{ value, attributes?, multiValue? }`). */
function checkEntry(kind: MapKind, e: unknown, path: string, st: State): void {
  if (!isObject(e)) {
    st.out.push({ code: SHAPE_CODE[kind], message: `${path} must be an object { value: string${kind === 'set-cookie' ? ', attributes?: string' : ''} }, got ${show(e)}`, path })
    return
  }
  checkValue(kind, e.value, `${path}.value`, st)
  if (kind === 'set-cookie' && e.attributes !== undefined) checkValue('set-cookie', e.attributes, `${path}.attributes`, st, true)
  if (e.multivalue !== undefined && e.multiValue === undefined) {
    st.warn.push({ code: 'MultivalueSpelling', message: `${path}.multivalue is ignored: CloudFront reads multiValue`, path: `${path}.multivalue` })
  }
  const mv = e.multiValue
  if (mv === undefined) return
  if (!Array.isArray(mv)) {
    st.out.push({ code: SHAPE_CODE[kind], message: `${path}.multiValue must be an array of { value }, got ${show(mv)}`, path: `${path}.multiValue` })
    return
  }
  for (let i = 0; i < mv.length; i++) {
    const one: unknown = mv[i]
    const p = `${path}.multiValue[${i}]`
    if (!isObject(one)) st.out.push({ code: SHAPE_CODE[kind], message: `${p} must be an object { value }, got ${show(one)}`, path: p })
    else {
      checkValue(kind, one.value, `${p}.value`, st)
      if (kind === 'set-cookie' && one.attributes !== undefined) checkValue('set-cookie', one.attributes, `${p}.attributes`, st, true)
    }
  }
}

/**
 * A value map (headers, query string, cookies) against the input's: shape, names, values, disallowed headers that
 * were added or changed [RALL], read-only headers that were added, changed or deleted [RALL].
 */
function checkMap(kind: MapKind, map: unknown, path: string, input: Record<string, unknown> | undefined, readOnly: ReadonlySet<string> | undefined, st: State): void {
  if (map === undefined) return
  if (!isObject(map)) {
    st.out.push({ code: SHAPE_CODE[kind], message: `${path} must be an object of name → { value }, got ${show(map)}`, path })
    return
  }
  for (const name in map) {
    if (!hasOwn.call(map, name)) continue
    const entry = map[name]
    if (entry === undefined) continue
    const p = `${path}.${name}`
    checkName(kind, name, p, st)
    checkEntry(kind, entry, p, st)
    if (kind === 'header' && isDisallowedHeader(name.toLowerCase())) {
      const before = own(input, name)
      if (!sameValues(effectiveValues(entry, before), effectiveValues(before))) {
        st.out.push({ code: 'DisallowedHeader', message: `${name} is a disallowed header: functions can't add or change it`, path: p })
      }
    }
  }
  if (readOnly === undefined) return
  for (const name of readOnly) {
    const before = own(input, name)
    const after = own(map, name)
    const a = effectiveValues(before)
    const b = effectiveValues(after, before)
    if (sameValues(a, b)) continue
    const what = a.length === 0 ? 'add' : b.length === 0 ? 'delete' : 'change'
    st.out.push({ code: 'ReadOnlyHeader', message: `the function tried to ${what} the read-only header ${name}`, path: `${path}.${name}` })
  }
}

/** Bytes of a header map's names and values (every value CloudFront would send). */
function mapBytes(map: unknown): number {
  if (!isObject(map)) return 0
  let n = 0
  for (const name in map) {
    if (!hasOwn.call(map, name)) continue
    for (const v of effectiveValues(map[name])) n += utf8Length(name) + utf8Length(v)
  }
  return n
}

function checkBody(body: unknown, headers: unknown, st: State): void {
  let data: unknown = body
  if (isObject(body)) {
    const enc = body.encoding
    if (enc !== 'text' && enc !== 'base64') st.out.push({ code: 'InvalidBodyEncoding', message: `body.encoding must be "text" or "base64", got ${show(enc)}`, path: 'body.encoding' })
    data = body.data
    if (typeof data !== 'string') {
      st.out.push({ code: 'InvalidBody', message: `body.data must be a string, got ${show(data)}`, path: 'body.data' })
      return
    }
    if (enc === 'base64' && !isValidBase64(data)) st.out.push({ code: 'InvalidBase64', message: 'body.data is not valid base64 (body.encoding is "base64")', path: 'body.data' })
  } else if (typeof body !== 'string') {
    st.out.push({ code: 'InvalidBody', message: `body must be a string or { encoding, data }, got ${show(body)}`, path: 'body' })
    return
  }
  const size = utf8Length(data as string) + mapBytes(headers)
  if (size > st.lim.responseBytes) {
    st.out.push({ code: 'ResponseTooLarge', message: `the response is ${size} bytes (body + headers), over the limit of ${st.lim.responseBytes} bytes`, path: 'body' })
  }
}

function checkResponse(eventType: FunctionEventType, r: Record<string, unknown>, input: Record<string, unknown> | undefined, st: State): void {
  const s = r.statusCode
  if (typeof s !== 'number' || !Number.isInteger(s) || s < 200 || s > 599) {
    const hint = s === undefined ? ' (it is required)' : typeof s === 'string' ? ' (a number: CloudFront Functions read an integer, not a string as Lambda@Edge does)' : ''
    st.out.push({ code: 'InvalidStatus', message: `statusCode must be an integer from 200 to 599${hint}, got ${show(s)}`, path: 'statusCode' })
  }
  if (r.statusDescription !== undefined && typeof r.statusDescription !== 'string') {
    st.out.push({ code: 'InvalidStatusDescription', message: `statusDescription must be a string, got ${show(r.statusDescription)}`, path: 'statusDescription' })
  }
  const inHeaders = input !== undefined && isObject(input.headers) ? input.headers : undefined
  checkMap('header', r.headers, 'headers', inHeaders, eventType === 'viewer-response' ? FUNCTION_READ_ONLY_HEADERS['viewer-response'] : undefined, st)
  checkMap('set-cookie', r.cookies, 'cookies', undefined, undefined, st)
  if (r.body !== undefined) checkBody(r.body, r.headers, st)
}

function querystringLength(qs: unknown): number {
  if (typeof qs === 'string') return qs.length
  if (!isObject(qs)) return 0
  let n = 0
  for (const name in qs) if (hasOwn.call(qs, name)) for (const v of effectiveValues(qs[name])) n += name.length + v.length + 2
  return n > 0 ? n - 1 : 0
}

function checkRequest(r: Record<string, unknown>, input: Record<string, unknown> | undefined, st: State): void {
  if (input !== undefined && r.method !== input.method) {
    st.out.push({ code: 'ReadOnlyField', message: `request.method is read-only (${show(input.method)} → ${show(r.method)})`, path: 'method' })
  }
  const uri = r.uri
  if (typeof uri !== 'string' || uri[0] !== '/') st.out.push({ code: 'InvalidUri', message: `uri must be a string starting with /, got ${show(uri)}`, path: 'uri' })
  const qs = r.querystring
  if (typeof qs === 'string') {
    if (hasInvalidQuerystringChar(qs)) st.out.push({ code: 'InvalidQuerystring', message: `querystring can't contain spaces, control characters or #, got ${show(qs)}`, path: 'querystring' })
  } else checkMap('querystring', qs, 'querystring', undefined, undefined, st)
  const total = (typeof uri === 'string' ? uri.length : 0) + querystringLength(qs)
  if (total >= st.lim.maxUrlChars) st.out.push({ code: 'UriTooLong', message: `uri + querystring is ${total} characters; it must be under ${st.lim.maxUrlChars}`, path: 'uri' })
  const inHeaders = input !== undefined && isObject(input.headers) ? input.headers : undefined
  checkMap('header', r.headers, 'headers', inHeaders, FUNCTION_READ_ONLY_HEADERS['viewer-request'], st)
  checkMap('cookie', r.cookies, 'cookies', undefined, undefined, st)
  if (r.body !== undefined) st.out.push({ code: 'BodyNotAllowed', message: "a request can't carry a body in CloudFront Functions (return a response to answer with one)", path: 'body' })
}

function run(eventType: FunctionEventType, event: unknown, result: unknown, st: State): 'request' | 'response' | undefined {
  if (!TYPES.has(eventType)) {
    st.out.push({ code: 'InvalidEvent', message: `unknown event type ${show(eventType)}: CloudFront Functions run on viewer-request or viewer-response` })
    return undefined
  }
  const expects = eventType === 'viewer-request' ? 'the request or a response object' : 'the response object'
  if (!isObject(result)) {
    st.out.push({ code: 'InvalidResult', message: `a ${eventType} function must return ${expects}, got ${show(result)}`, path: '' })
    return undefined
  }
  try {
    JSON.stringify(result)
  } catch (e) {
    st.out.push({ code: 'InvalidJson', message: `the result can't be serialised: ${e instanceof Error ? e.message : show(e)}`, path: '' })
    return undefined
  }
  const ev = isObject(event) ? event : undefined
  const looksLikeRequest = result.statusCode === undefined && (result.uri !== undefined || result.method !== undefined)
  if (eventType === 'viewer-response') {
    if (looksLikeRequest) st.out.push({ code: 'WrongResultKind', message: 'a viewer-response function must return the response (event.response), not the request', path: '' })
    else checkResponse(eventType, result, ev !== undefined && isObject(ev.response) ? ev.response : undefined, st)
    return 'response'
  }
  if (result.statusCode !== undefined) {
    checkResponse(eventType, result, undefined, st)
    return 'response'
  }
  if (!looksLikeRequest && (result.status !== undefined || (result.headers === undefined && result.querystring === undefined))) {
    const hint = result.status !== undefined ? ' (a response needs statusCode, a number; status is Lambda@Edge)' : ''
    st.out.push({ code: 'WrongResultKind', message: `a viewer-request function must return ${expects}${hint}`, path: '' })
    return undefined
  }
  checkRequest(result, ev !== undefined && isObject(ev.request) ? ev.request : undefined, st)
  return 'request'
}

/**
 * Checks what a CloudFront Function returned the way CloudFront does, and says whether it is the request or a
 * response. `event` is what the function received (read-only headers and `method` are compared with it).
 * Violations are CloudFront's 502 (`FunctionValidationError`); warnings are accepted. It never throws.
 *
 * @example
 * ```ts
 * const { kind, violations } = checkFunctionResult('viewer-request', event, { statusCode: 302, headers: { location: { value: '/x' } } })
 * // kind: 'response', violations: []
 * ```
 */
export function checkFunctionResult(
  eventType: FunctionEventType,
  event: unknown,
  result: unknown,
  limits?: Partial<FunctionLimits>,
): { kind: 'request' | 'response' | undefined; violations: Violation[]; warnings: Violation[] } {
  const st: State = { out: [], warn: [], lim: resolveFunctionLimits(limits) }
  let kind: 'request' | 'response' | undefined
  try {
    kind = run(eventType, event, result, st)
  } catch (e) {
    st.out.push({ code: 'InvalidJson', message: `reading the result threw: ${e instanceof Error ? e.message : show(e)}`, path: '' })
  }
  return { kind, violations: st.out, warnings: st.warn }
}

/**
 * Every rule a CloudFront Function's result breaks (`[]`: CloudFront accepts it), each with a stable code.
 *
 * @example
 * ```ts
 * import { validateFunctionResult } from 'edgeware/cloudfront'
 * const request = { ...event.request, headers: { ...event.request.headers, host: { value: 'evil.example' } } }
 * validateFunctionResult('viewer-request', event, request)[0].code // 'ReadOnlyHeader'
 * ```
 */
export function validateFunctionResult(eventType: FunctionEventType, event: unknown, result: unknown, limits?: Partial<FunctionLimits>): Violation[] {
  return checkFunctionResult(eventType, event, result, limits).violations
}

// ---------------------------------------------------------------------------------------------------------------
// Events

function evMap(kind: MapKind, map: unknown, path: string, st: State): void {
  if (map === undefined) {
    st.warn.push({ code: 'MissingField', message: `${path} is missing (CloudFront always sends it; the function sees {})`, path })
    return
  }
  if (!isObject(map)) {
    st.out.push({ code: 'InvalidEvent', message: `${path} must be an object of name → { value }, got ${show(map)}`, path })
    return
  }
  const inner: State = { out: [], warn: st.warn, lim: st.lim }
  for (const name in map) {
    if (!hasOwn.call(map, name)) continue
    checkName(kind, name, `${path}.${name}`, inner)
    checkEntry(kind, map[name], `${path}.${name}`, inner)
  }
  for (const v of inner.out) st.out.push({ ...v, code: 'InvalidEvent' })
}

/** [EVT-2023]: CloudFront parses `Cookie` / `Set-Cookie` into the `cookies` map; the event's headers never hold them. */
function evCookieHeader(headers: unknown, name: 'cookie' | 'set-cookie', path: string, st: State): void {
  if (!isObject(headers) || !hasOwn.call(headers, name)) return
  st.out.push({ code: 'InvalidEvent', message: `${path}.${name}: CloudFront parses ${name === 'cookie' ? 'Cookie' : 'Set-Cookie'} into ${path.replace(/headers$/, 'cookies')}, so the event's headers never hold it`, path: `${path}.${name}` })
}

function evString(o: Record<string, unknown>, k: string, path: string, st: State, optional = false): void {
  const v = o[k]
  if ((optional && v === undefined) || typeof v === 'string') return
  st.out.push({ code: 'InvalidEvent', message: `${path}.${k} must be a string, got ${show(v)}`, path: `${path}.${k}` })
}

function checkEvent(event: unknown, eventType: FunctionEventType | undefined, st: State): void {
  if (!isObject(event)) {
    st.out.push({ code: 'InvalidEvent', message: `a CloudFront Functions event must be an object { version, context, viewer, request }, got ${show(event)}`, path: '' })
    return
  }
  if (event.version !== '1.0') st.out.push({ code: 'InvalidEvent', message: `version must be "1.0", got ${show(event.version)}`, path: 'version' })
  let type = eventType
  const ctx = event.context
  if (!isObject(ctx)) st.out.push({ code: 'InvalidEvent', message: `context must be an object, got ${show(ctx)}`, path: 'context' })
  else {
    for (const k of ['distributionDomainName', 'distributionId', 'requestId', 'endpoint']) evString(ctx, k, 'context', st, true)
    const et = ctx.eventType
    if (typeof et !== 'string' || !TYPES.has(et)) st.out.push({ code: 'InvalidEvent', message: `context.eventType must be viewer-request or viewer-response, got ${show(et)}`, path: 'context.eventType' })
    else if (eventType !== undefined && et !== eventType) st.out.push({ code: 'InvalidEvent', message: `context.eventType is ${show(et)}, not a ${eventType} event`, path: 'context.eventType' })
    else type = et as FunctionEventType
  }
  if (!isObject(event.viewer)) st.out.push({ code: 'InvalidEvent', message: `viewer must be an object { ip }, got ${show(event.viewer)}`, path: 'viewer' })
  else evString(event.viewer, 'ip', 'viewer', st)
  const req = event.request
  if (!isObject(req)) st.out.push({ code: 'InvalidEvent', message: `request must be an object, got ${show(req)}`, path: 'request' })
  else {
    evString(req, 'method', 'request', st)
    if (typeof req.uri !== 'string' || req.uri[0] !== '/') st.out.push({ code: 'InvalidEvent', message: `request.uri must be a string starting with /, got ${show(req.uri)}`, path: 'request.uri' })
    evMap('querystring', req.querystring, 'request.querystring', st)
    evMap('header', req.headers, 'request.headers', st)
    evCookieHeader(req.headers, 'cookie', 'request.headers', st)
    evMap('cookie', req.cookies, 'request.cookies', st)
  }
  const res = event.response
  if (type === 'viewer-response') {
    if (!isObject(res)) st.out.push({ code: 'InvalidEvent', message: `response must be an object in a viewer-response event, got ${show(res)}`, path: 'response' })
    else {
      if (typeof res.statusCode !== 'number' || !Number.isInteger(res.statusCode)) st.out.push({ code: 'InvalidEvent', message: `response.statusCode must be an integer, got ${show(res.statusCode)}`, path: 'response.statusCode' })
      evString(res, 'statusDescription', 'response', st, true)
      evMap('header', res.headers, 'response.headers', st)
      evCookieHeader(res.headers, 'set-cookie', 'response.headers', st)
      evMap('set-cookie', res.cookies, 'response.cookies', st)
    }
  } else if (res !== undefined && type !== undefined) {
    st.out.push({ code: 'InvalidEvent', message: `response is only present in viewer-response events, not ${type}`, path: 'response' })
  }
}

/**
 * Whether `event` is a well-formed CloudFront Functions event (of `eventType`, when given). Problems are
 * `InvalidEvent` violations; warnings flag what CloudFront would never send but a function can still run with (a
 * missing `cookies` map, a `multivalue` key). It never throws.
 *
 * @example
 * ```ts
 * checkFunctionEvent(JSON.parse(fs.readFileSync('country-de.json', 'utf8'))).violations // []
 * ```
 */
export function checkFunctionEvent(event: unknown, eventType?: FunctionEventType): { violations: Violation[]; warnings: Violation[] } {
  const st: State = { out: [], warn: [], lim: resolveFunctionLimits() }
  try {
    checkEvent(event, eventType, st)
  } catch (e) {
    st.out.push({ code: 'InvalidEvent', message: `the event could not be read: ${e instanceof Error ? e.message : show(e)}`, path: '' })
  }
  return { violations: st.out, warnings: st.warn }
}
