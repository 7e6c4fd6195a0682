/**
 * The same request in CloudFront's two formats: a Lambda@Edge viewer event as the CloudFront Functions event a
 * function on the same behavior receives (`toFunctionEvent`), and what a function returned as the Lambda@Edge
 * request or response it becomes (`toLambdaRequest`, `toLambdaResponse`), with CloudFront's value / multiValue
 * merge rule applied. The local edge and `createFunctionEvent` use them.
 */
import { effectiveValues } from '../cloudfront/functions-validate.js'
import type { CffBody, CffEvent, CffResponseCookie, CffValues } from '../cloudfront/functions-types.js'
import { canonicalHeaderKey } from '../cloudfront/rules.js'
import type { CfEvent, CfHeaders, CfRequest, CfResponse } from '../cloudfront/types.js'

function add(map: CffValues, name: string, value: string): void {
  const e = map[name]
  if (e === undefined) map[name] = { value }
  else (e.multiValue ??= [{ value: e.value }]).push({ value })
}

/** `a=1&a=2&b` → `{ a: { value: '1', multiValue: [1, 2] }, b: { value: '' } }`; values as sent (not decoded). */
function parseQuery(qs: string): CffValues {
  const out: CffValues = {}
  for (const part of qs.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    add(out, eq === -1 ? part : part.slice(0, eq), eq === -1 ? '' : part.slice(eq + 1))
  }
  return out
}

function convertHeaders(h: CfHeaders, skip: string): CffValues {
  const out: CffValues = {}
  for (const name in h) if (name !== skip) for (const e of h[name]!) add(out, name, e.value)
  return out
}

function parseCookies(h: CfHeaders): CffValues {
  const out: CffValues = {}
  for (const e of h['cookie'] ?? []) {
    for (const pair of e.value.split(';')) {
      const p = pair.trim()
      if (p === '') continue
      const eq = p.indexOf('=')
      add(out, eq === -1 ? p : p.slice(0, eq), eq === -1 ? '' : p.slice(eq + 1))
    }
  }
  return out
}

function parseSetCookies(h: CfHeaders): Record<string, CffResponseCookie> {
  const out: Record<string, CffResponseCookie> = {}
  for (const e of h['set-cookie'] ?? []) {
    const semi = e.value.indexOf(';')
    const pair = semi === -1 ? e.value : e.value.slice(0, semi)
    const eq = pair.indexOf('=')
    const name = (eq === -1 ? pair : pair.slice(0, eq)).trim()
    const one: { value: string; attributes?: string } = { value: eq === -1 ? '' : pair.slice(eq + 1).trim() }
    if (semi !== -1) one.attributes = e.value.slice(semi + 1).trim()
    const prev = out[name]
    if (prev === undefined) out[name] = { ...one }
    else (prev.multiValue ??= [{ value: prev.value, ...(prev.attributes !== undefined ? { attributes: prev.attributes } : {}) }]).push(one)
  }
  return out
}

/**
 * The CloudFront Functions event for a Lambda@Edge viewer event (the same request, in the other format): query
 * string, headers and cookies parsed into `{ value, multiValue? }` maps (values as sent), `Cookie` into
 * `cookies`, `Set-Cookie` into response `cookies`, the status as a number.
 *
 * @example
 * ```ts
 * const cff = toFunctionEvent(createEvent('viewer-request', { uri: '/a', querystring: 'x=1' }))
 * cff.request.querystring // { x: { value: '1' } }
 * ```
 */
export function toFunctionEvent(event: CfEvent): CffEvent {
  const cf = event.Records[0]!.cf
  const eventType = cf.config.eventType
  if (eventType !== 'viewer-request' && eventType !== 'viewer-response') {
    throw new TypeError(`CloudFront Functions run on viewer-request and viewer-response only, not ${eventType}`)
  }
  const req = cf.request
  const out: CffEvent = {
    version: '1.0',
    context: { distributionDomainName: cf.config.distributionDomainName, distributionId: cf.config.distributionId, eventType, requestId: cf.config.requestId },
    viewer: { ip: req.clientIp },
    request: { method: req.method, uri: req.uri, querystring: parseQuery(req.querystring), headers: convertHeaders(req.headers, 'cookie'), cookies: parseCookies(req.headers) },
  }
  if (eventType === 'viewer-response' && cf.response !== undefined) {
    const res = cf.response
    out.response = { statusCode: Number(res.status), statusDescription: res.statusDescription ?? '', headers: convertHeaders(res.headers, 'set-cookie'), cookies: parseSetCookies(res.headers) }
  }
  return out
}


const hasOwn = Object.prototype.hasOwnProperty

function own(o: unknown, k: string): unknown {
  return o !== null && typeof o === 'object' && hasOwn.call(o, k) ? (o as Record<string, unknown>)[k] : undefined
}

/** A value map as Lambda@Edge headers: every value CloudFront sends (the merge rule against `input`), canonical keys. */
function toHeaders(map: CffValues | undefined, input: CffValues | undefined, into: CfHeaders = {}): CfHeaders {
  for (const name in map ?? {}) {
    const values = effectiveValues(map![name], own(input, name))
    if (values.length > 0) into[name] = values.map((value) => ({ key: canonicalHeaderKey(name), value }))
  }
  return into
}

/**
 * A query string map as CloudFront forwards it: `name=value&…` (`name` alone for an empty value), every value
 * the merge rule keeps against the event's map `input`; `''` for none.
 *
 * @example
 * ```ts
 * functionQueryString({ a: { value: '1', multiValue: [{ value: '1' }, { value: '2' }] }, b: { value: '' } }) // 'a=1&a=2&b'
 * ```
 */
export function functionQueryString(qs: unknown, input?: unknown): string {
  const parts: string[] = []
  if (qs !== null && typeof qs === 'object') {
    for (const name in qs) for (const v of effectiveValues((qs as CffValues)[name], own(input, name))) parts.push(v === '' ? name : `${name}=${v}`)
  }
  return parts.join('&')
}

/**
 * The Lambda@Edge request a viewer-request function's returned request becomes (what the cache and the origin
 * see): headers with the merge rule applied against the event's, `cookies` as one `Cookie` header, the query string
 * as sent (`name=value&…`, a string result as is).
 *
 * @example
 * ```ts
 * const out = runFunction(fn, cffEvent)
 * if (out.ok && out.kind === 'request') forward(toLambdaRequest(out.result, cffEvent))
 * ```
 */
export function toLambdaRequest(result: Record<string, unknown>, input: CffEvent): CfRequest {
  const headers = toHeaders(result.headers as CffValues | undefined, input.request.headers)
  const cookies: string[] = []
  const inCookies = input.request.cookies
  for (const name in (result.cookies as CffValues | undefined) ?? {}) {
    for (const v of effectiveValues((result.cookies as CffValues)[name], own(inCookies, name))) cookies.push(`${name}=${v}`)
  }
  if (cookies.length > 0) headers['cookie'] = [{ key: 'Cookie', value: cookies.join('; ') }]
  const qs = result.querystring
  const querystring = typeof qs === 'string' ? qs : functionQueryString(qs, input.request.querystring)
  return { clientIp: input.viewer.ip, method: String(result.method ?? input.request.method), uri: String(result.uri), querystring, headers }
}

/**
 * The Lambda@Edge response a function's returned response becomes (a viewer-request function's answer, or a
 * viewer-response function's edit, merged against the event's response): the status as a string, response
 * `cookies` as `Set-Cookie` headers, the body with its encoding.
 *
 * @example
 * ```ts
 * if (out.ok && out.kind === 'response') reply(toLambdaResponse(out.result, cffEvent))
 * ```
 */
export function toLambdaResponse(result: Record<string, unknown>, input: CffEvent): CfResponse {
  const inRes = input.response
  const headers = toHeaders(result.headers as CffValues | undefined, inRes?.headers)
  const setCookies: { key: string; value: string }[] = []
  const cookies = (result.cookies ?? {}) as Record<string, CffResponseCookie>
  for (const name in cookies) {
    const c = cookies[name]!
    const list = Array.isArray(c.multiValue) ? c.multiValue : [c]
    for (const one of list) setCookies.push({ key: 'Set-Cookie', value: `${name}=${one.value}${one.attributes ? `; ${one.attributes}` : ''}` })
  }
  if (setCookies.length > 0) headers['set-cookie'] = setCookies
  const out: CfResponse = { status: String(result.statusCode), headers }
  if (typeof result.statusDescription === 'string') out.statusDescription = result.statusDescription
  const body = result.body as CffBody | undefined
  if (body !== undefined) {
    out.body = typeof body === 'string' ? body : body.data
    out.bodyEncoding = typeof body === 'string' ? 'text' : body.encoding
  }
  return out
}
