/**
 * The request side of the contexts: a read-only view (response stages), the writable request of viewer-request /
 * origin-request, and the request-stage context with its responders. Thin views over CloudFront's own objects:
 * reads and writes go to the live request, so the handler can return it as it is.
 */
import { parse as parseCookie } from 'cookie'
import type { LimitsProfile } from '../cloudfront/limits.js'
import { assertHeaderValue, statusText, uriProblem } from '../cloudfront/rules.js'
import type { CfEvent, CfHeader, CfHeaders, CfOrigin, CfRequest, CfRequestBody, CfResultResponse, LambdaContext, RequestStage, Stage } from '../cloudfront/types.js'
import { BaseCtx } from './base.js'
import { kind, ruleError } from './errors.js'
import { CfHeaderMap, headerList, type HeaderWriteMode } from './headers.js'
import { assertGeneratedSize, assertStatus, buildGeneratedResponse, byteLength, GeneratedResponse, toBase64 } from './response.js'
import type { EdgeCookies, EdgeGeneratedResponse, EdgeRequest, EdgeRequestBody, EdgeRequestView, EdgeResponseInit, RedirectOptions } from './types.js'

// eslint-disable-next-line no-control-regex
const BAD_QUERY_CHAR = /[\u0000-\u0020#\u007f]/

const EMPTY_COOKIES: Record<string, string> = Object.freeze(Object.create(null) as Record<string, string>)

/** Cookies parsed from every `Cookie` header entry with `cookie` (first occurrence of a name wins). */
class Cookies implements EdgeCookies {
  readonly #map: Record<string, string>
  constructor(map: Record<string, string>) {
    this.#map = map
  }
  get(name: string): string | undefined {
    return this.#map[name]
  }
  has(name: string): boolean {
    return this.#map[name] !== undefined
  }
  all(): Record<string, string> {
    return { ...this.#map }
  }
}

function parseCookies(list: CfHeader[] | undefined): Record<string, string> {
  if (list === undefined || list.length === 0) return EMPTY_COOKIES
  if (list.length === 1) return parseCookie(list[0]!.value) as Record<string, string>
  const out = Object.create(null) as Record<string, string>
  for (let i = 0; i < list.length; i++) {
    const parsed = parseCookie(list[i]!.value)
    for (const k in parsed) if (out[k] === undefined && parsed[k] !== undefined) out[k] = parsed[k]!
  }
  return out
}

/** The request body (IncludeBody), decoded from CloudFront's base64 [RLE]. */
class RequestBody implements EdgeRequestBody {
  readonly #raw: CfRequestBody
  constructor(raw: CfRequestBody) {
    this.#raw = raw
  }
  get inputTruncated(): boolean {
    return this.#raw.inputTruncated === true
  }
  bytes(): Uint8Array {
    const b = this.#raw
    const buf = b.encoding === 'text' ? Buffer.from(b.data, 'utf8') : Buffer.from(b.data, 'base64')
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
  }
  text(): string {
    const b = this.#raw
    return b.encoding === 'text' ? b.data : Buffer.from(b.data, 'base64').toString('utf8')
  }
  json<T = unknown>(): T {
    const text = this.text()
    try {
      return JSON.parse(text) as T
    } catch (err) {
      throw new SyntaxError(`the request body is not valid JSON (${(err as Error).message}): ${JSON.stringify(text.slice(0, 80))}`)
    }
  }
}

/** Read-only request view (response stages); the base of the writable request. */
export class RequestView implements EdgeRequestView {
  readonly raw: CfRequest
  #headers: CfHeaderMap | undefined
  readonly #stage: Stage
  readonly #mode: HeaderWriteMode
  #cookies: Cookies | undefined
  #cookieSrc: CfHeader[] | undefined
  #cookieLen = 0
  #query: URLSearchParams | undefined
  #queryStr: string | undefined

  constructor(raw: CfRequest, stage: Stage, mode: HeaderWriteMode) {
    this.raw = raw
    this.#stage = stage
    this.#mode = mode
  }

  /** Created on first use. */
  get headers(): CfHeaderMap {
    return (this.#headers ??= new CfHeaderMap(this.raw.headers, this.#stage, this.#mode))
  }

  get method(): string {
    return this.raw.method
  }
  // [EVT]: method and clientIp are read-only in every stage; uri and querystring in response stages
  set method(value: string) {
    this.#readOnly('method', value)
  }
  get uri(): string {
    return this.raw.uri
  }
  set uri(value: string) {
    this.#readOnly('uri', value)
  }
  get querystring(): string {
    return this.raw.querystring
  }
  set querystring(value: string) {
    this.#readOnly('querystring', value)
  }
  get clientIp(): string {
    return this.raw.clientIp
  }
  set clientIp(value: string) {
    this.#readOnly('clientIp', value)
  }

  /** The origin in origin events (read-only here; replaceable in origin-request), else undefined [EVT]. */
  get origin(): CfOrigin | undefined {
    return this.raw.origin
  }
  set origin(value: CfOrigin | undefined) {
    if (this.#stage !== 'viewer-request') this.#readOnly('origin', value)
    ruleError('OriginNotAllowed', `the origin can only be set in origin-request, not ${this.#stage}`, value, this.#stage)
  }

  #readOnly(field: string, value: unknown): never {
    ruleError('ReadOnlyField', `request.${field} is read-only in ${this.#stage}`, value, this.#stage)
  }

  get query(): URLSearchParams {
    const qs = this.raw.querystring
    if (this.#query === undefined || this.#queryStr !== qs) {
      this.#query = new URLSearchParams(qs)
      this.#queryStr = qs
    }
    return this.#query
  }

  get cookies(): EdgeCookies {
    const list = headerList(this.raw.headers, 'cookie')
    if (this.#cookies === undefined || this.#cookieSrc !== list || (list !== undefined && list.length !== this.#cookieLen)) {
      this.#cookies = new Cookies(parseCookies(list))
      this.#cookieSrc = list
      this.#cookieLen = list === undefined ? 0 : list.length
    }
    return this.#cookies
  }
}

/** The request in viewer-request / origin-request: uri, querystring, headers and body are writable. */
export class WritableRequest extends RequestView implements EdgeRequest {
  readonly #stage: RequestStage
  readonly #limits: LimitsProfile

  /** `readOnly`: the stage's read-only header list. */
  constructor(raw: CfRequest, stage: RequestStage, limits: LimitsProfile, readOnly: ReadonlySet<string>) {
    super(raw, stage, readOnly)
    this.#stage = stage
    this.#limits = limits
  }

  override get uri(): string {
    return this.raw.uri
  }
  // [EVT]: the uri must begin with '/'; [RALL]: uri + query string < 8,192 characters
  override set uri(value: string) {
    const problem = uriProblem(value)
    if (problem !== undefined) ruleError('InvalidUri', `the uri ${problem}, got ${JSON.stringify(value) ?? String(value)}`, value, this.#stage)
    this.#checkLength(value, this.raw.querystring)
    this.raw.uri = value
  }

  override get querystring(): string {
    return this.raw.querystring
  }
  // [RALL]: no spaces, control characters or '#'; no leading '?' [EVT] (a leading '?' is dropped)
  override set querystring(value: string) {
    if (typeof value !== 'string') {
      ruleError('InvalidQuerystring', `the query string must be a string, got ${typeof value}`, value, this.#stage)
    }
    if (value.charCodeAt(0) === 63 /* ? */) value = value.slice(1)
    if (BAD_QUERY_CHAR.test(value)) {
      ruleError('InvalidQuerystring', `the query string must not contain spaces, control characters or "#": ${JSON.stringify(value)}`, value, this.#stage)
    }
    this.#checkLength(this.raw.uri, value)
    this.raw.querystring = value
  }

  #checkLength(uri: string, qs: string): void {
    const total = uri.length + qs.length
    if (total >= this.#limits.maxUrlChars) {
      ruleError(
        'UriTooLong',
        `uri + query string is ${total} characters; CloudFront requires fewer than ${this.#limits.maxUrlChars}`,
        total,
        this.#stage,
      )
    }
  }

  get body(): EdgeRequestBody | undefined {
    const b = this.raw.body
    return b === undefined ? undefined : new RequestBody(b)
  }

  // [RLE]: action 'replace', text 40 KB / 1 MB (UTF-8 bytes), base64 53.2 KB / 1.33 MB (characters of data)
  replaceBody(data: string | Uint8Array): void {
    let encoding: 'text' | 'base64'
    let encoded: string
    if (typeof data === 'string') {
      encoding = 'text'
      encoded = data
    } else if (data instanceof Uint8Array) {
      encoding = 'base64'
      encoded = toBase64(data)
    } else {
      ruleError('InvalidBody', `replaceBody takes a string or a Uint8Array, got ${kind(data)}`, data, this.#stage)
    }
    const max = this.#limits.replaceBody[this.#stage][encoding]
    const size = encoding === 'text' ? byteLength(encoded) : encoded.length
    if (size > max) {
      ruleError(
        'BodyTooLarge',
        `the replacement body is ${size} ${encoding === 'text' ? 'bytes of text' : 'base64 characters'}, over the ${this.#stage} limit of ${max}`,
        size,
        this.#stage,
      )
    }
    const body = this.raw.body
    if (body === undefined) this.raw.body = { inputTruncated: false, action: 'replace', encoding, data: encoded }
    else {
      body.action = 'replace'
      body.encoding = encoding
      body.data = encoded
    }
  }
}


const JSON_TYPE = 'application/json; charset=utf-8'
const TEXT_TYPE = 'text/plain; charset=utf-8'
const HTML_TYPE = 'text/html; charset=utf-8'
const REDIRECTS = new Set([301, 302, 303, 307, 308])
/** Two slashes or backslashes first, once browsers have dropped tabs and leading spaces: another host. */
const OTHER_HOST = /^[\t ]*[/\\]\t*[/\\]/

/**
 * The start of a redirect `location` that makes it leave the site while it looks like a path (`//host`, or a form
 * with a backslash such as `/\host`, which browsers read as `//host`), or undefined.
 * @internal
 */
export function otherHostLocation(location: string): string | undefined {
  return OTHER_HOST.exec(location)?.[0]
}

/** viewer-request / origin-request context. */
export class RequestCtx<S extends RequestStage = RequestStage, R extends WritableRequest = WritableRequest> extends BaseCtx<S> {
  readonly request: R
  #response: GeneratedResponse | undefined

  constructor(stage: S, event: CfEvent, lambdaContext: LambdaContext, limits: LimitsProfile, marginMs: number, request: R) {
    super(stage, event, lambdaContext, limits, marginMs)
    this.request = request
  }

  get response(): EdgeGeneratedResponse | undefined {
    return this.#response
  }

  /** @internal the CloudFront result: the generated response, or the (mutated) request. */
  _result(): CfRequest | CfResultResponse {
    return this.#response !== undefined ? this.#response.raw : this.request.raw
  }

  respond(init: EdgeResponseInit): EdgeGeneratedResponse {
    return this.#set(buildGeneratedResponse(this.stage, this.limits, init))
  }

  #set(raw: CfResultResponse): EdgeGeneratedResponse {
    const res = new GeneratedResponse(raw, this.stage)
    this.#response = res
    this._responded = true
    return res
  }

  redirect(location: string, status: 301 | 302 | 303 | 307 | 308 = 302, options?: RedirectOptions): EdgeGeneratedResponse {
    if (!REDIRECTS.has(status)) {
      ruleError('InvalidStatus', `a redirect status must be 301, 302, 303, 307 or 308, got ${String(status)}`, status, this.stage)
    }
    assertHeaderValue('location', location, this.stage)
    const other = otherHostLocation(location)
    // a backslash form is never allowed: browsers disagree with servers on what it means
    if (other !== undefined && (options?.allowProtocolRelative !== true || other.includes('\\'))) {
      ruleError('UnsafeRedirect', `the location ${JSON.stringify(location)} leads to another host (//host); use an absolute URL or allowProtocolRelative`, location, this.stage)
    }
    // fast path: a known-good header, no checks beyond the value's
    return this.#quick(status, { location: [{ key: 'Location', value: location }] })
  }

  /** A generated response from known-good headers (the responders' fast path): only the size is checked. */
  #quick(status: number, headers: CfHeaders, body?: string): EdgeGeneratedResponse {
    const raw: CfResultResponse = { status: String(status), statusDescription: statusText(status), headers }
    if (body !== undefined) {
      raw.bodyEncoding = 'text'
      raw.body = body
    }
    assertGeneratedSize(this.stage, this.limits, raw)
    return this.#set(raw)
  }

  text(body: string, status = 200, headers?: Record<string, string>): EdgeGeneratedResponse {
    return this.#typed(TEXT_TYPE, body, status, headers)
  }

  json(value: unknown, status = 200, headers?: Record<string, string>): EdgeGeneratedResponse {
    let body: string | undefined
    try {
      body = JSON.stringify(value)
    } catch (err) {
      ruleError('InvalidBody', `c.json() can't serialize the value: ${(err as Error).message}`, value, this.stage)
    }
    if (body === undefined) {
      ruleError('InvalidBody', `c.json() got a value JSON can't represent (${typeof value})`, value, this.stage)
    }
    return this.#typed(JSON_TYPE, body, status, headers)
  }

  html(body: string, status = 200, headers?: Record<string, string>): EdgeGeneratedResponse {
    return this.#typed(HTML_TYPE, body, status, headers)
  }

  #typed(type: string, body: string, status: number, headers: Record<string, string> | undefined): EdgeGeneratedResponse {
    if (headers !== undefined || typeof body !== 'string' || status === 204) {
      return this.respond({ status, headers: withType(type, headers), body })
    }
    // fast path: only our own content-type header
    assertStatus(status, this.stage)
    return this.#quick(status, { 'content-type': [{ key: 'Content-Type', value: type }] }, body)
  }
}

function withType(type: string, headers: Record<string, string> | undefined): Record<string, string> {
  if (headers === undefined) return { 'Content-Type': type }
  for (const k in headers) if (k.toLowerCase() === 'content-type') return headers
  return { 'Content-Type': type, ...headers }
}


