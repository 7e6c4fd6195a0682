// bench/floor/viewer-request.ts — NOT shipped, NOT the edgeware runtime. A measurement fixture for the viewer bundle
// size goal (< 8 KB): a deliberately minimal, single-file re-implementation of the viewer-request API (the same
// context members, the same CloudFront rule checks with shorter messages, no fast paths, no other stages), so
// `npm run bench -- core` can show how small a viewer-request bundle with this API and `cookie` can get. If this
// floor is over the goal, trimming src/core can't reach it either. Types are loose on purpose (it is not an API).
/* eslint-disable @typescript-eslint/no-explicit-any */
import { parse } from 'cookie'
type H = Record<string, { key?: string; value: string }[]>
class RuleErr extends Error {
  override name = 'EdgeRuleError'
  constructor(public rule: string, m: string, public value?: unknown, public stage?: string) { super(rule + ': ' + m) }
}
class ValErr extends Error {
  override name = 'EdgeValidationError'
  code: string
  constructor(public violations: { code: string; message: string; path?: string }[]) { super(violations[0]!.message); this.code = violations[0]!.code }
}
const fail = (r: string, m: string, v?: unknown, s?: string): never => { throw new RuleErr(r, m, v, s) }
const DIS = new Set('connection expect keep-alive proxy-authenticate proxy-authorization proxy-connection trailer upgrade x-accel-buffering x-accel-charset x-accel-limit-rate x-accel-redirect x-amzn-auth x-amzn-cf-billing x-amzn-cf-id x-amzn-cf-xff x-amzn-errortype x-amzn-fle-profile x-amzn-header-count x-amzn-header-order x-amzn-lambda-integration-tag x-amzn-requestid x-cache x-forwarded-proto x-real-ip'.split(' '))
const RO = new Set(['cdn-loop', 'content-length', 'host', 'transfer-encoding', 'via'])
const NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const BADV = /[\0-\b\n-\x1f\x7f]/
const ST: Record<number, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 206: 'Partial Content', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified', 307: 'Temporary Redirect', 308: 'Permanent Redirect', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 410: 'Gone', 412: 'Precondition Failed', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' }
const S = 'viewer-request'
const LIM = { generated: 40960, text: 40960, b64: 54476, url: 8192 }
function checkName(n: unknown, ro: Set<string> | null) {
  if (typeof n !== 'string' || !NAME.test(n)) fail('InvalidHeaderName', `"${n}" is not a valid HTTP header name`, n, S)
  const l = (n as string).toLowerCase()
  if (DIS.has(l) || l.startsWith('x-amz-cf-') || l.startsWith('x-edge-')) fail('DisallowedHeader', `${n} is a disallowed header: Lambda@Edge functions can't add or change it`, n, S)
  if (ro && ro.has(l)) fail('ReadOnlyHeader', `${n} is read-only in ${S}: it can't be added, changed or deleted`, n, S)
  if (ro && l === 'cloudfront-viewer-country') fail('ViewerCountryAdded', 'a viewer-request function may not add CloudFront-Viewer-Country', n, S)
  return l
}
function checkValue(n: string, v: unknown): asserts v is string {
  if (typeof v !== 'string' || BADV.test(v)) fail('InvalidHeaderValue', `the value of header ${n} ${typeof v !== 'string' ? 'must be a string, got ' + typeof v : 'contains CR, LF or another control character: ' + JSON.stringify(v)}`, v, S)
}
const list = (h: H, k: string) => { const v = h[k]; return Array.isArray(v) ? v : undefined }
class Headers {
  constructor(public raw: H, private ro: Set<string> | null) {}
  get(n: string) { const l = list(this.raw, n.toLowerCase()); return l && l.length ? l[0]!.value : undefined }
  getAll(n: string) { return (list(this.raw, n.toLowerCase()) ?? []).map((e) => e.value) }
  has(n: string) { return !!list(this.raw, n.toLowerCase())?.length }
  set(n: string, v: string | readonly string[]) {
    const k = checkName(n, this.ro), e = list(this.raw, k), key = e?.[0]?.key ?? n
    const vs = typeof v === 'string' ? [v] : v
    if (!Array.isArray(vs)) checkValue(n, vs)
    const out = vs.map((x) => (checkValue(n, x), { key, value: x }))
    if (out.length) put(this.raw, k, out); else delete this.raw[k]
    return this
  }
  append(n: string, v: string) { const k = checkName(n, this.ro); checkValue(n, v); const e = list(this.raw, k); e ? e.push({ key: e[0]?.key ?? n, value: v }) : put(this.raw, k, [{ key: n, value: v }]); return this }
  delete(n: string) { delete this.raw[checkName(n, this.ro)]; return this }
  *entries(): IterableIterator<[string, string]> { for (const k in this.raw) for (const e of this.raw[k]!) yield [k, e.value] }
  [Symbol.iterator]() { return this.entries() }
}
const put = (h: H, k: string, l: H[string]) => (k === '__proto__' ? Object.defineProperty(h, k, { value: l, writable: true, enumerable: true, configurable: true }) : (h[k] = l))
const bytes = (s: string) => Buffer.byteLength(s)
const b64 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64')
class Req {
  h?: Headers; c?: Record<string, string>; cs?: unknown; q?: URLSearchParams; qs?: string
  constructor(public raw: any) {}
  get headers() { return (this.h ??= new Headers(this.raw.headers, RO)) }
  get method() { return this.raw.method } set method(v) { fail('ReadOnlyField', 'request.method is read-only in ' + S, v, S) }
  get clientIp() { return this.raw.clientIp } set clientIp(v) { fail('ReadOnlyField', 'request.clientIp is read-only in ' + S, v, S) }
  get origin() { return undefined } set origin(v) { fail('OriginNotAllowed', 'the origin can only be set in origin-request, not ' + S, v, S) }
  get uri() { return this.raw.uri }
  set uri(v: string) {
    if (typeof v !== 'string' || v[0] !== '/' || /[\0-\x1f\x7f]/.test(v)) fail('InvalidUri', `the uri must be a string starting with "/" without control characters, got ${JSON.stringify(v)}`, v, S)
    this.len(v, this.raw.querystring); this.raw.uri = v
  }
  get querystring() { return this.raw.querystring }
  set querystring(v: string) {
    if (typeof v !== 'string') fail('InvalidQuerystring', 'the query string must be a string, got ' + typeof v, v, S)
    if (v[0] === '?') v = v.slice(1)
    if (/[\0- #\x7f]/.test(v)) fail('InvalidQuerystring', `the query string must not contain spaces, control characters or "#": ${JSON.stringify(v)}`, v, S)
    this.len(this.raw.uri, v); this.raw.querystring = v
  }
  len(u: string, q: string) { const t = u.length + q.length; if (t >= LIM.url) fail('UriTooLong', `uri + query string is ${t} characters; CloudFront requires fewer than ${LIM.url}`, t, S) }
  get query() { const s = this.raw.querystring; if (this.qs !== s) (this.q = new URLSearchParams(s)), (this.qs = s); return this.q! }
  get cookies() {
    const l = list(this.raw.headers, 'cookie')
    if (this.cs !== l || !this.c) { this.cs = l; const m: Record<string, string> = Object.create(null); for (const e of l ?? []) { const p = parse(e.value); for (const k in p) m[k] ??= p[k]! } this.c = m }
    const m = this.c
    return { get: (n: string) => m[n], has: (n: string) => m[n] !== undefined, all: () => ({ ...m }) }
  }
  get body() {
    const b = this.raw.body
    if (!b) return
    const text = () => (b.encoding === 'text' ? b.data : Buffer.from(b.data, 'base64').toString())
    return { inputTruncated: b.inputTruncated === true, bytes: () => new Uint8Array(Buffer.from(b.data, b.encoding === 'text' ? 'utf8' : 'base64')), text, json: () => { const t = text(); try { return JSON.parse(t) } catch (e) { throw new SyntaxError(`the request body is not valid JSON (${(e as Error).message}): ${JSON.stringify(t.slice(0, 80))}`) } } }
  }
  replaceBody(d: string | Uint8Array) {
    const t = typeof d === 'string'
    if (!t && !(d instanceof Uint8Array)) fail('InvalidBody', 'replaceBody takes a string or a Uint8Array, got ' + typeof d, d, S)
    const data = t ? d : b64(d), size = t ? bytes(data) : data.length, max = t ? LIM.text : LIM.b64
    if (size > max) fail('BodyTooLarge', `the replacement body is ${size} ${t ? 'bytes of text' : 'base64 characters'}, over the ${S} limit of ${max}`, size, S)
    this.raw.body = { ...this.raw.body, inputTruncated: this.raw.body?.inputTruncated ?? false, action: 'replace', encoding: t ? 'text' : 'base64', data }
  }
}
function status(s: unknown): asserts s is number { if (!Number.isInteger(s) || (s as number) < 200 || (s as number) > 599) fail('InvalidStatus', 'status must be an integer from 200 to 599, got ' + JSON.stringify(s), s, S) }
function gen(init: any) {
  if (!init || typeof init !== 'object') fail('InvalidResponse', 'a response init must be an object', init, S)
  status(init.status)
  if (init.statusDescription !== undefined) checkValue('statusDescription', init.statusDescription)
  const res: any = { status: String(init.status), statusDescription: init.statusDescription ?? ST[init.status] ?? '', headers: {} }
  const h = new Headers(res.headers, null)
  const hs = init.headers
  if (hs !== undefined && (hs === null || typeof hs !== 'object')) fail('InvalidHeaders', 'response headers must be a plain object of name → value(s)', hs, S)
  for (const n in hs) { checkName(n, null); for (const v of [].concat(hs[n])) h.append(n, v) }
  const b = init.body
  if (b !== undefined) {
    if (init.status === 204) fail('BodyOn204', 'a 204 response must not carry a body (not even an empty one)', 204, S)
    if (typeof b === 'string') (res.bodyEncoding = 'text'), (res.body = b)
    else if (b instanceof Uint8Array) (res.bodyEncoding = 'base64'), (res.body = b64(b))
    else fail('InvalidBody', 'a response body must be a string or a Uint8Array, got ' + typeof b, b, S)
  }
  let n = typeof res.body === 'string' ? bytes(res.body) : 0
  for (const k in res.headers) for (const e of res.headers[k]) n += bytes(k) + bytes(e.value)
  if (n > LIM.generated) fail('ResponseTooLarge', `the generated response is ${n} bytes (headers + body), over the ${S} limit of ${LIM.generated} bytes`, n, S)
  return res
}
class Ctx {
  stage = S; config: any; request: Req; r?: any; done = false; v?: Map<string, unknown>; ac?: AbortController; t?: any
  constructor(public event: any, public lambdaContext: any, private m: number) { this.config = event.Records[0].cf.config; this.request = new Req(event.Records[0].cf.request) }
  get requestId() { return this.config.requestId }
  remainingMs() { const f = this.lambdaContext.getRemainingTimeInMillis; const ms = typeof f === 'function' ? f.call(this.lambdaContext) : NaN; return typeof ms === 'number' && ms === ms ? ms : Infinity }
  get signal() {
    if (!this.ac) { const ac = (this.ac = new AbortController()), d = this.remainingMs() - this.m; const ab = () => ac.abort(new DOMException(`the Lambda deadline is ${this.m} ms away (${S}, request ${this.requestId})`, 'TimeoutError')); if (d <= 0) ab(); else if (d < Infinity) (this.t = setTimeout(ab, d)).unref?.() }
    return this.ac.signal
  }
  set(k: string, v: unknown) { (this.v ??= new Map()).set(k, v) }
  get(k: string) { return this.v?.get(k) }
  get response() { const r = this.r; return r && { raw: r, status: Number(r.status), headers: new Headers(r.headers, null) } }
  respond(i: any) { this.r = gen(i); this.done = true; return this.response }
  redirect(l: string, s = 302) { if (![301, 302, 303, 307, 308].includes(s)) fail('InvalidStatus', 'a redirect status must be 301, 302, 303, 307 or 308, got ' + s, s, S); return this.respond({ status: s, headers: { Location: l } }) }
  text(b: string, s = 200, h?: any) { return this.respond({ status: s, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...h }, body: b }) }
  html(b: string, s = 200, h?: any) { return this.respond({ status: s, headers: { 'Content-Type': 'text/html; charset=utf-8', ...h }, body: b }) }
  json(v: unknown, s = 200, h?: any) { let b; try { b = JSON.stringify(v) } catch (e) { fail('InvalidBody', "c.json() can't serialize the value: " + (e as Error).message, v, S) } if (b === undefined) fail('InvalidBody', "c.json() got a value JSON can't represent", v, S); return this.respond({ status: s, headers: { 'Content-Type': 'application/json; charset=utf-8', ...h }, body: b }) }
}
const isO = (v: any) => v && typeof v === 'object' && !Array.isArray(v)
function bad(p: string, what: string, v: unknown): never { throw new ValErr([{ code: 'InvalidEvent', message: `Invalid Lambda@Edge event: ${p} must be ${what}, got ${JSON.stringify(v)?.slice(0, 40)}`, path: p }]) }
function checkEvent(e: any) {
  const cf = isO(e) && Array.isArray(e.Records) && isO(e.Records[0]) && e.Records[0].cf
  if (!isO(cf)) bad('Records[0].cf', 'an object', cf)
  const c = cf.config, r = cf.request
  if (!isO(c) || c.eventType !== S) bad('Records[0].cf.config.eventType', '"viewer-request"', c?.eventType)
  for (const k of ['requestId', 'distributionId', 'distributionDomainName']) if (typeof c[k] !== 'string') bad('Records[0].cf.config.' + k, 'a string', c[k])
  if (!isO(r)) bad('Records[0].cf.request', 'an object', r)
  for (const k of ['clientIp', 'method', 'uri', 'querystring']) if (typeof r[k] !== 'string') bad('Records[0].cf.request.' + k, 'a string', r[k])
  if (!isO(r.headers)) bad('Records[0].cf.request.headers', 'an object', r.headers)
  for (const k in r.headers) { const l = r.headers[k]; if (!Array.isArray(l) || !l.every((x: any) => isO(x) && typeof x.value === 'string' && (x.key === undefined || typeof x.key === 'string'))) bad('Records[0].cf.request.headers.' + k, 'an array of { key, value }', l) }
  const b = r.body
  if (b !== undefined && !(isO(b) && typeof b.data === 'string' && (b.encoding === 'text' || b.encoding === 'base64') && typeof b.inputTruncated === 'boolean')) bad('Records[0].cf.request.body', '{ inputTruncated, action, encoding, data }', b)
}
type MW = (c: Ctx, next: () => Promise<void>) => unknown
export function compose(mw: MW[]) {
  return (c: Ctx, outer?: () => Promise<void>) => {
    let idx = -1
    const d = async (i: number): Promise<void> => {
      if (i <= idx) throw new Error('edgeware: next() called multiple times in one middleware')
      idx = i
      if (c.done) return
      if (i === mw.length) return outer?.()
      await mw[i]!(c, () => d(i + 1))
    }
    return d(0)
  }
}
export const path = (p: string, ...mw: MW[]) => { const re = new RegExp('^' + p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$'); const run = compose(mw); return (c: Ctx, n: () => Promise<void>) => (re.test(c.request.uri) ? run(c, n) : n()) }
export function viewerRequest(...args: any[]) {
  const o = typeof args[0] === 'object' ? args.shift() : {}
  for (const f of args) if (typeof f !== 'function') throw new TypeError('edgeware: viewer-request() middleware must be functions, got ' + typeof f)
  const run = compose(args), onError = o.onError ?? 'throw'
  return async (e: any, lc: any = {}) => {
    checkEvent(e)
    const snap = onError !== 'throw' ? structuredClone(e.Records[0].cf.request) : undefined
    const c = new Ctx(e, lc, o.deadlineMarginMs ?? 100)
    const log = (err: any, h?: string) => console.error(JSON.stringify({ level: 'error', stage: S, requestId: c.requestId, error: String(err), stack: err?.stack, handled: h }))
    try { await run(c) } catch (err) {
      let d = onError
      if (typeof d === 'function') try { d = await d(err, c) } catch (e2) { log(e2, 'onError threw'); throw e2 }
      if (!d || d === 'throw') { log(err); throw err }
      log(err, d === 'pass-through' ? d : 'response')
      return d === 'pass-through' ? snap : gen(d)
    } finally { clearTimeout(c.t) }
    return c.r ?? c.request.raw
  }
}
export { RuleErr as EdgeRuleError, ValErr as EdgeValidationError }
