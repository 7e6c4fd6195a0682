/**
 * Fetch API interop: a CloudFront request as a `Request`, and a `Response` back as a CloudFront generated
 * response, so fetch-based code (Hono apps, `fetch` handlers) can run in a request stage.
 */
import { EdgeRuleError } from '../core/errors.js'
import { headerList, putHeader } from '../core/headers.js'
import { assertGeneratedSize, toBase64 } from '../core/response.js'
import { resolveLimits, type LimitsProfile } from './limits.js'
import { canonicalHeaderKey, isDisallowedHeader, statusText } from './rules.js'
import type { EdgeResponseInit } from '../core/types.js'
import type { CfHeader, CfHeaders, CfRequest, CfResultResponse, RequestStage } from './types.js'

/**
 * Options for `toFetchRequest`.
 *
 * @example
 * ```ts
 * toFetchRequest(c.request.raw, { scheme: 'https', host: c.config.distributionDomainName, signal: c.signal })
 * ```
 */
export interface ToFetchRequestOptions {
  /** URL scheme (default: the `CloudFront-Forwarded-Proto` header when present, else `https`). */
  scheme?: 'http' | 'https'
  /** Host when the request has no Host header (e.g. the distribution domain name). */
  host?: string
  /** Passed to the `Request` (e.g. `c.signal`). */
  signal?: AbortSignal
}

/**
 * Options for `fromFetchResponse`.
 *
 * @example
 * ```ts
 * await fromFetchResponse(res, { stage: 'viewer-request', isBinary: (type) => type.startsWith('image/') })
 * ```
 */
export interface FromFetchResponseOptions {
  /** When given, the result is checked against that stage's generated-response size limit (`EdgeRuleError`). */
  stage?: RequestStage
  /** Limits profile for that check (default classic). */
  limits?: LimitsProfile | 'classic' | 'current'
  /** Decides whether a body is binary (sent base64) from its content type; default: anything not textual. */
  isBinary?: (contentType: string) => boolean
}

/** Hop-by-hop and framing headers a generated response must not carry (CloudFront frames the response itself). */
const DROPPED_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
])

const TEXT_TYPE = /^(?:text\/|application\/(?:json|javascript|ecmascript|xml|x-www-form-urlencoded|graphql|ld\+json|manifest\+json)|image\/svg\+xml)|[+/](?:json|xml)(?:\s*;|$)/i
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i

/**
 * The default binary test: a body is text when its content type is textual (text/*, JSON, XML, JavaScript,
 * form data, SVG) in UTF-8 (or with no charset); everything else is sent base64.
 *
 * @example
 * ```ts
 * isBinaryContentType('image/png') // true
 * isBinaryContentType('application/json; charset=utf-8') // false
 * ```
 */
export function isBinaryContentType(contentType: string): boolean {
  if (contentType === '') return false
  if (!TEXT_TYPE.test(contentType)) return true
  const cs = CHARSET.exec(contentType)
  return cs !== null && !/^utf-?8$/i.test(cs[1]!) && !/^us-ascii$/i.test(cs[1]!)
}

/**
 * Converts a `Headers` object or a plain record to CloudFront's header map. Repeated headers (and every
 * `Set-Cookie` of a `Headers`) become separate entries; `key` is the record's spelling, or the canonical
 * capitalisation for a `Headers` (whose names are lowercase).
 *
 * @example
 * ```ts
 * toCfHeaders({ 'Content-Type': 'text/plain', 'Set-Cookie': ['a=1', 'b=2'] })
 * // { 'content-type': [{ key: 'Content-Type', value: 'text/plain' }], 'set-cookie': [{…a=1}, {…b=2}] }
 * ```
 */
export function toCfHeaders(headers: Headers | Record<string, string | readonly string[]>): CfHeaders {
  const out: CfHeaders = {}
  if (typeof Headers !== 'undefined' && headers instanceof Headers) {
    headers.forEach((value, name) => {
      if (name === 'set-cookie') return
      push(out, name, canonicalHeaderKey(name), value)
    })
    const cookies = headers.getSetCookie()
    for (const c of cookies) push(out, 'set-cookie', 'Set-Cookie', c)
    return out
  }
  if (headers === null || typeof headers !== 'object') {
    throw new EdgeRuleError('InvalidHeaders', `headers must be a Headers object or a record of name → value(s), got ${headers === null ? 'null' : typeof headers}`, headers)
  }
  const rec = headers as Record<string, string | readonly string[]>
  for (const name in rec) {
    const v = rec[name]
    const lower = name.toLowerCase()
    if (typeof v === 'string') push(out, lower, name, v)
    else if (Array.isArray(v)) for (const one of v) push(out, lower, name, String(one))
    else throw new EdgeRuleError('InvalidHeaderValue', `the value of header ${name} must be a string or an array of strings, got ${typeof v}`, v)
  }
  return out
}

function push(out: CfHeaders, lower: string, key: string, value: string): void {
  const entry: CfHeader = { key, value }
  const list = headerList(out, lower)
  if (list === undefined) putHeader(out, lower, [entry])
  else list.push(entry)
}

/**
 * Converts CloudFront's header map to a `Headers` object (every entry appended, so repeated headers are kept).
 * Throws `EdgeRuleError('InvalidHeaderValue')` naming a header that `Headers` refuses.
 *
 * @example
 * ```ts
 * fromCfHeaders(request.headers).get('user-agent') // 'curl/7.66.0'
 * ```
 */
export function fromCfHeaders(headers: CfHeaders): Headers {
  const out = new Headers()
  for (const name in headers) {
    const list = headers[name]!
    for (let i = 0; i < list.length; i++) {
      const value = list[i]!.value
      try {
        out.append(name, value)
      } catch (err) {
        throw new EdgeRuleError('InvalidHeaderValue', `header ${name} can't be represented in a Fetch Headers object: ${JSON.stringify(value)} (${(err as Error).message})`, value)
      }
    }
  }
  return out
}

/**
 * Builds a Fetch `Request` from a CloudFront request: URL from the Host header, the uri and the query string;
 * all headers; the IncludeBody body decoded (GET/HEAD never carry one).
 *
 * @example
 * ```ts
 * const req = toFetchRequest(c.request.raw, { signal: c.signal })
 * const res = await app.fetch(req)
 * ```
 */
export function toFetchRequest(request: CfRequest, opts: ToFetchRequestOptions = {}): Request {
  if (request === null || typeof request !== 'object' || typeof request.uri !== 'string' || request.headers === null || typeof request.headers !== 'object') {
    throw new EdgeRuleError('InvalidRequest', 'toFetchRequest needs a CloudFront request object ({ uri, querystring, method, headers, … })', request)
  }
  const host = request.headers['host']?.[0]?.value ?? opts.host
  if (host === undefined || host === '') {
    throw new EdgeRuleError('InvalidRequest', 'the request has no Host header: pass opts.host (e.g. the distribution domain name)', request.headers)
  }
  const scheme = opts.scheme ?? (request.headers['cloudfront-forwarded-proto']?.[0]?.value === 'http' ? 'http' : 'https')
  const qs = request.querystring
  const url = `${scheme}://${host}${request.uri}${qs ? '?' + qs : ''}`
  const method = request.method || 'GET'
  let body: Uint8Array | string | undefined
  const b = request.body
  if (b !== undefined && b.data !== '' && method !== 'GET' && method !== 'HEAD') {
    body = b.encoding === 'text' ? b.data : Buffer.from(b.data, 'base64')
  }
  const headers = fromCfHeaders(request.headers)
  const init: RequestInit = { method, headers }
  if (body !== undefined) init.body = body as BodyInit
  if (opts.signal !== undefined) init.signal = opts.signal
  try {
    return new Request(url, init)
  } catch (err) {
    throw new EdgeRuleError('InvalidRequest', `can't build a Fetch Request for ${method} ${url}: ${(err as Error).message}`, url)
  }
}

/**
 * Reads a Fetch `Response` into what `c.respond` takes: the status (200–599), `statusText` as the description when
 * it has one, the headers (disallowed, hop-by-hop and framing headers dropped, each `Set-Cookie` a separate value,
 * names in canonical case), and the body: text when textual, the bytes when binary (by content type, or any
 * non-identity content-encoding). 204/304 and empty bodies carry no body. Nothing is encoded twice: `c.respond`
 * base64-encodes a binary body once and checks the whole response against the stage's rules.
 *
 * @example
 * ```ts
 * const res = await app.fetch(toFetchRequest(c.request.raw))
 * c.respond(await toResponseInit(res))
 * ```
 */
export function toResponseInit(response: Response, isBinary?: (contentType: string) => boolean): Promise<ResponseInitOf> {
  return readResponse(response, isBinary ?? isBinaryContentType, undefined)
}

type ResponseInitOf = EdgeResponseInit & { headers: Record<string, string | string[]> }

/** `toResponseInit`, with the stage (when known) carried by its errors. */
async function readResponse(response: Response, isBinary: (contentType: string) => boolean, stage: RequestStage | undefined): Promise<ResponseInitOf> {
  if (response === null || typeof response !== 'object' || typeof (response as Response).status !== 'number') {
    throw new EdgeRuleError('InvalidResponse', 'a Fetch Response is needed here', response, stage)
  }
  const status = response.status
  if (status < 200 || status > 599) {
    throw new EdgeRuleError('InvalidStatus', `CloudFront only accepts a generated status from 200 to 599, got ${status}`, status, stage)
  }
  const headers: Record<string, string | string[]> = {}
  response.headers.forEach((value, name) => {
    if (name === 'set-cookie' || DROPPED_RESPONSE_HEADERS.has(name) || isDisallowedHeader(name)) return
    const key = canonicalHeaderKey(name)
    const had = headers[key]
    headers[key] = had === undefined ? value : typeof had === 'string' ? [had, value] : [...had, value]
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) headers['Set-Cookie'] = cookies
  const init: ResponseInitOf = { status, headers }
  if (response.statusText) init.statusDescription = response.statusText
  if (status !== 204 && status !== 304 && response.body !== null) {
    const bytes = new Uint8Array(await response.arrayBuffer())
    if (bytes.byteLength > 0) {
      const encoding = response.headers.get('content-encoding')
      const binary = (encoding !== null && !/^identity$/i.test(encoding)) || isBinary(response.headers.get('content-type') ?? '')
      init.body = binary ? bytes : new TextDecoder().decode(bytes)
    }
  } else if (response.body !== null) {
    await response.body.cancel()
  }
  return init
}

/**
 * Converts a Fetch `Response` to a CloudFront generated response ({@link toResponseInit}'s reading): status as a
 * string, headers in CloudFront's format, a textual body as text and a binary one as base64.
 *
 * @example
 * ```ts
 * const res = await app.fetch(toFetchRequest(c.request.raw))
 * return fromFetchResponse(res, { stage: 'viewer-request' })
 * ```
 */
export async function fromFetchResponse(response: Response, opts: FromFetchResponseOptions = {}): Promise<CfResultResponse> {
  const init = await readResponse(response, opts.isBinary ?? isBinaryContentType, opts.stage)
  const out: CfResultResponse = { status: String(init.status), statusDescription: init.statusDescription ?? statusText(init.status), headers: toCfHeaders(init.headers) }
  const body = init.body
  if (typeof body === 'string') {
    out.bodyEncoding = 'text'
    out.body = body
  } else if (body !== undefined) {
    out.bodyEncoding = 'base64'
    out.body = toBase64(body)
  }
  if (opts.stage !== undefined) assertGeneratedSize(opts.stage, resolveLimits(opts.limits), out)
  return out
}
