/**
 * The contexts a middleware receives, one class per kind of stage. They are thin views over CloudFront's own
 * event objects: reads and writes go to the live request/response, so the handler can return them as they are.
 */
import { parse as parseCookie } from 'cookie'
import type { LimitsProfile } from '../cloudfront/limits.js'
import { assertOrigin } from '../cloudfront/origin-rules.js'
import { assertHeaderValue, statusText } from '../cloudfront/rules.js'
import type {
  CfConfig,
  CfEvent,
  CfHeader,
  CfOrigin,
  CfRequest,
  CfRequestBody,
  CfResponse,
  CfResultResponse,
  LambdaContext,
  RequestStage,
  ResponseStage,
  Stage,
} from '../cloudfront/types.js'
import { EdgeRuleError } from './errors.js'
import { CfHeaderMap, type HeaderWriteMode } from './headers.js'
import { assertStatus, buildGeneratedResponse, byteLength, GeneratedResponse, toBase64 } from './response.js'
import type {
  EdgeCookies,
  EdgeGeneratedResponse,
  EdgeOriginRequest,
  EdgeRequest,
  EdgeRequestBody,
  EdgeRequestView,
  EdgeResponse,
  EdgeResponseInit,
} from './types.js'

// eslint-disable-next-line no-control-regex
const BAD_QUERY_CHAR = /[\u0000-\u0020#\u007f]/
// eslint-disable-next-line no-control-regex
const BAD_URI_CHAR = /[\u0000-\u001f\u007f]/

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
  readonly headers: CfHeaderMap
  #cookies: Cookies | undefined
  #cookieSrc: CfHeader[] | undefined
  #cookieLen = 0
  #query: URLSearchParams | undefined
  #queryStr: string | undefined

  constructor(raw: CfRequest, stage: Stage, mode: HeaderWriteMode) {
    this.raw = raw
    this.headers = new CfHeaderMap(raw.headers, stage, mode)
  }

  get method(): string {
    return this.raw.method
  }
  get uri(): string {
    return this.raw.uri
  }
  get querystring(): string {
    return this.raw.querystring
  }
  get clientIp(): string {
    return this.raw.clientIp
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
    const list = this.raw.headers['cookie']
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

  constructor(raw: CfRequest, stage: RequestStage, limits: LimitsProfile) {
    super(raw, stage, 'stage')
    this.#stage = stage
    this.#limits = limits
  }

  override get uri(): string {
    return this.raw.uri
  }
  // [EVT]: the uri must begin with '/'; [RALL]: uri + query string < 8,192 characters
  override set uri(value: string) {
    if (typeof value !== 'string' || value.charCodeAt(0) !== 47 /* / */) {
      throw new EdgeRuleError('InvalidUri', `the uri must be a string starting with "/", got ${JSON.stringify(value) ?? String(value)}`, value, this.#stage)
    }
    if (BAD_URI_CHAR.test(value)) {
      throw new EdgeRuleError('InvalidUri', `the uri contains a control character: ${JSON.stringify(value)}`, value, this.#stage)
    }
    this.#checkLength(value, this.raw.querystring)
    this.raw.uri = value
  }

  override get querystring(): string {
    return this.raw.querystring
  }
  // [RALL]: no spaces, control characters or '#'; no leading '?' [EVT] (a leading '?' is dropped)
  override set querystring(value: string) {
    if (typeof value !== 'string') {
      throw new EdgeRuleError('InvalidQuerystring', `the query string must be a string, got ${typeof value}`, value, this.#stage)
    }
    if (value.charCodeAt(0) === 63 /* ? */) value = value.slice(1)
    if (BAD_QUERY_CHAR.test(value)) {
      throw new EdgeRuleError('InvalidQuerystring', `the query string must not contain spaces, control characters or "#": ${JSON.stringify(value)}`, value, this.#stage)
    }
    this.#checkLength(this.raw.uri, value)
    this.raw.querystring = value
  }

  #checkLength(uri: string, qs: string): void {
    const total = uri.length + qs.length
    if (total >= this.#limits.maxUrlChars) {
      throw new EdgeRuleError(
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
      throw new EdgeRuleError('InvalidBody', `replaceBody takes a string or a Uint8Array, got ${data === null ? 'null' : typeof data}`, data, this.#stage)
    }
    const max = this.#limits.replaceBody[this.#stage][encoding]
    const size = encoding === 'text' ? byteLength(encoded) : encoded.length
    if (size > max) {
      throw new EdgeRuleError(
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

/** The request in origin-request: adds `origin` (validated on set). */
export class OriginRequest extends WritableRequest implements EdgeOriginRequest {
  readonly #limits: LimitsProfile
  constructor(raw: CfRequest, limits: LimitsProfile) {
    super(raw, 'origin-request', limits)
    this.#limits = limits
  }
  get origin(): CfOrigin {
    return this.raw.origin!
  }
  set origin(value: CfOrigin) {
    assertOrigin(value, this.#limits, 'origin-request')
    this.raw.origin = value
  }
}

/** What every context shares. */
export abstract class BaseCtx<S extends Stage> {
  readonly stage: S
  readonly event: CfEvent
  readonly config: CfConfig
  readonly lambdaContext: LambdaContext
  readonly limits: LimitsProfile
  /** @internal set by responders: the rest of the chain is skipped. */
  _responded = false
  #vars: Map<string, unknown> | undefined
  #ac: AbortController | undefined
  #timer: ReturnType<typeof setTimeout> | undefined
  readonly #marginMs: number

  constructor(stage: S, event: CfEvent, lambdaContext: LambdaContext, limits: LimitsProfile, marginMs: number) {
    this.stage = stage
    this.event = event
    this.config = event.Records[0]!.cf.config
    this.lambdaContext = lambdaContext
    this.limits = limits
    this.#marginMs = marginMs
  }

  get requestId(): string {
    return this.config.requestId
  }

  remainingMs(): number {
    const f = this.lambdaContext.getRemainingTimeInMillis
    if (typeof f !== 'function') return Infinity
    const ms = f.call(this.lambdaContext)
    return typeof ms === 'number' && !Number.isNaN(ms) ? ms : Infinity
  }

  /** Created on first read: no controller or timer exists unless a middleware asks for the signal. */
  get signal(): AbortSignal {
    if (this.#ac !== undefined) return this.#ac.signal
    const ac = new AbortController()
    this.#ac = ac
    const remaining = this.remainingMs()
    if (remaining !== Infinity) {
      const delay = remaining - this.#marginMs
      const reason = (): DOMException =>
        new DOMException(`the Lambda deadline is ${this.#marginMs} ms away (${this.stage}, request ${this.requestId})`, 'TimeoutError')
      if (delay <= 0) ac.abort(reason())
      else {
        this.#timer = setTimeout(() => ac.abort(reason()), delay)
        this.#timer.unref?.()
      }
    }
    return ac.signal
  }

  set(key: string, value: unknown): void {
    ;(this.#vars ??= new Map()).set(key, value)
  }

  get<T = unknown>(key: string): T | undefined {
    return this.#vars?.get(key) as T | undefined
  }

  /** @internal clears the deadline timer once the invocation is over. */
  _dispose(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer)
      this.#timer = undefined
    }
  }
}

const JSON_TYPE = 'application/json; charset=utf-8'
const TEXT_TYPE = 'text/plain; charset=utf-8'
const HTML_TYPE = 'text/html; charset=utf-8'
const REDIRECTS = new Set([301, 302, 303, 307, 308])

/** viewer-request / origin-request context. */
export class RequestCtx<S extends RequestStage = RequestStage> extends BaseCtx<S> {
  readonly request: S extends 'origin-request' ? OriginRequest : WritableRequest
  #response: GeneratedResponse | undefined

  constructor(stage: S, event: CfEvent, lambdaContext: LambdaContext, limits: LimitsProfile, marginMs: number) {
    super(stage, event, lambdaContext, limits, marginMs)
    const raw = event.Records[0]!.cf.request
    this.request = (stage === 'origin-request' ? new OriginRequest(raw, limits) : new WritableRequest(raw, stage, limits)) as S extends 'origin-request'
      ? OriginRequest
      : WritableRequest
  }

  get response(): EdgeGeneratedResponse | undefined {
    return this.#response
  }

  /** @internal the CloudFront result: the generated response, or the (mutated) request. */
  _result(): CfRequest | CfResultResponse {
    return this.#response !== undefined ? this.#response.raw : this.request.raw
  }

  respond(init: EdgeResponseInit): EdgeGeneratedResponse {
    const res = new GeneratedResponse(buildGeneratedResponse(this.stage, this.limits, init), this.stage)
    this.#response = res
    this._responded = true
    return res
  }

  redirect(location: string, status: 301 | 302 | 303 | 307 | 308 = 302): EdgeGeneratedResponse {
    if (!REDIRECTS.has(status)) {
      throw new EdgeRuleError('InvalidStatus', `a redirect status must be 301, 302, 303, 307 or 308, got ${String(status)}`, status, this.stage)
    }
    assertHeaderValue('location', location, this.stage)
    return this.respond({ status, headers: { Location: location } })
  }

  text(body: string, status = 200, headers?: Record<string, string>): EdgeGeneratedResponse {
    return this.respond({ status, headers: withType(TEXT_TYPE, headers), body })
  }

  json(value: unknown, status = 200, headers?: Record<string, string>): EdgeGeneratedResponse {
    const body = JSON.stringify(value)
    if (body === undefined) {
      throw new EdgeRuleError('InvalidBody', `c.json() got a value JSON can't represent (${typeof value})`, value, this.stage)
    }
    return this.respond({ status, headers: withType(JSON_TYPE, headers), body })
  }

  html(body: string, status = 200, headers?: Record<string, string>): EdgeGeneratedResponse {
    return this.respond({ status, headers: withType(HTML_TYPE, headers), body })
  }
}

function withType(type: string, headers: Record<string, string> | undefined): Record<string, string> {
  if (headers === undefined) return { 'Content-Type': type }
  for (const k in headers) if (k.toLowerCase() === 'content-type') return headers
  return { 'Content-Type': type, ...headers }
}

/** The response in origin-response / viewer-response. */
export class ResponseView implements EdgeResponse {
  readonly raw: CfResponse
  readonly headers: CfHeaderMap
  readonly #stage: ResponseStage

  constructor(raw: CfResponse, stage: ResponseStage) {
    this.raw = raw
    this.#stage = stage
    this.headers = new CfHeaderMap(raw.headers, stage, 'stage')
  }

  get status(): number {
    return Number(this.raw.status)
  }
  // [RLE]: viewer-response can't change the status; origin-response may set 200–599 [UPD]
  set status(value: number) {
    if (this.#stage === 'viewer-response') {
      if (value === Number(this.raw.status)) return
      throw new EdgeRuleError('StatusChanged', `a viewer-response function can't change the status (${this.raw.status} → ${String(value)})`, value, this.#stage)
    }
    assertStatus(value, this.#stage)
    this.raw.status = String(value)
    const text = statusText(value)
    if (text !== '') this.raw.statusDescription = text
  }

  get statusDescription(): string {
    return this.raw.statusDescription ?? ''
  }
  set statusDescription(value: string) {
    assertHeaderValue('statusDescription', value, this.#stage)
    this.raw.statusDescription = value
  }

  get body(): string | Uint8Array | undefined {
    const b = this.raw.body
    if (b === undefined) return undefined
    if (this.raw.bodyEncoding === 'base64') {
      const buf = Buffer.from(b, 'base64')
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
    }
    return b
  }
  // [UPD]: only origin-response may replace the body ('' removes it); viewer-response body changes are unsupported [RLE]
  set body(value: string | Uint8Array | undefined) {
    if (this.#stage !== 'origin-response') {
      throw new EdgeRuleError('BodyNotAllowed', `only an origin-response function can set the response body, not ${this.#stage}`, value, this.#stage)
    }
    if (value === undefined) {
      delete this.raw.body
      delete this.raw.bodyEncoding
    } else if (typeof value === 'string') {
      this.raw.body = value
      this.raw.bodyEncoding = 'text'
    } else if (value instanceof Uint8Array) {
      this.raw.body = toBase64(value)
      this.raw.bodyEncoding = 'base64'
    } else {
      throw new EdgeRuleError('InvalidBody', `a response body must be a string, a Uint8Array or undefined, got ${value === null ? 'null' : typeof value}`, value, this.#stage)
    }
  }
}

/** origin-response / viewer-response context. */
export class ResponseCtx<S extends ResponseStage = ResponseStage> extends BaseCtx<S> {
  readonly request: RequestView
  readonly response: ResponseView

  constructor(stage: S, event: CfEvent, lambdaContext: LambdaContext, limits: LimitsProfile, marginMs: number) {
    super(stage, event, lambdaContext, limits, marginMs)
    const cf = event.Records[0]!.cf
    this.request = new RequestView(cf.request, stage, 'read-only')
    this.response = new ResponseView(cf.response!, stage)
  }
}
