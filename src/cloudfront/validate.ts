/**
 * The result validator: checks what a Lambda@Edge function returned the way CloudFront does after each stage
 * (reference §8 step 2), with CloudFront's own wording where it is known ([ISS-JSON], [ISS-HDR], [ISS-RO],
 * [ISS-1MB]) and a stable code per rule. The local edge runs it on every stage result and `invoke` turns its
 * violations into an `EdgeValidationError`.
 *
 * It works on the result object itself (no JSON round trip): one pass over the header map, sizes counted without
 * encoding the body, and values `JSON.stringify` would drop (`undefined`, functions) treated as absent.
 */
import type { Violation } from '../core/errors.js'
import { resolveLimits, type LimitsProfile } from './limits.js'
import { originViolations } from './origin-rules.js'
import { isObject, show } from './show.js'
import { hasInvalidQuerystringChar, isDisallowedHeader, keySpells, READ_ONLY_HEADERS, uriProblem, wireHeaderName } from './rules.js'
import { STAGES, type CfEvent, type Stage } from './types.js'

/**
 * Every violation code `validateResult` and `eventViolations` can report. The header codes are the same `rule`
 * names `assertHeaderWritable`/`assertHeaderValue` throw as `EdgeRuleError`.
 *
 * @example
 * ```ts
 * import { VIOLATION_CODES } from 'edgeware/cloudfront'
 * VIOLATION_CODES.includes('ReadOnlyHeader') // true
 * ```
 */
export const VIOLATION_CODES = [
  'InvalidEvent',
  'InvalidJson',
  'WrongResultKind',
  'InvalidStatus',
  'StatusChanged',
  'InvalidStatusDescription',
  'InvalidHeaders',
  'InvalidHeaderName',
  'InvalidHeaderValue',
  'DisallowedHeader',
  'ReadOnlyHeader',
  'ViewerCountryAdded',
  'ResponseTooLarge',
  'BodyOn204',
  'InvalidBody',
  'InvalidBodyEncoding',
  'InvalidBase64',
  'BodyTooLarge',
  'BodyNotAllowed',
  'InvalidQuerystring',
  'InvalidUri',
  'UriTooLong',
  'InvalidOrigin',
  'OriginNotAllowed',
  'DuplicateCustomHeader',
  'ReadOnlyField',
] as const

/**
 * A violation code (see `VIOLATION_CODES`).
 *
 * @example
 * ```ts
 * const code: ViolationCode = 'BodyOn204'
 * ```
 */
export type ViolationCode = (typeof VIOLATION_CODES)[number]

/**
 * Codes of warnings `checkResult` reports: results CloudFront accepts but the docs advise against.
 * `NumericStatus`: a number `status` in a response event (AWS's own examples do it; the docs say string).
 * `HeaderKeyMismatch`: a header entry whose `key` spells another name than the map's (AWS's own "override a
 * response header" example does it; the map's name decides which header is sent).
 *
 * @example
 * ```ts
 * checkResult('origin-response', event, { ...response, status: 200 }).warnings[0].code // 'NumericStatus'
 * ```
 */
export const WARNING_CODES = ['NumericStatus', 'HeaderKeyMismatch'] as const

/**
 * CloudFront's own error strings, as seen in real 502 responses and logs.
 *
 * @example
 * ```ts
 * violations[0].message.startsWith(CF_MESSAGES.readOnlyHeader)
 * ```
 */
export const CF_MESSAGES = {
  /** [ISS-JSON] */
  notObject: 'The Lambda function returned invalid JSON: The JSON output must be an object type.',
  /** [ISS-JSON] */
  notParsable: 'The Lambda function returned invalid JSON: The JSON output is not parsable.',
  /** [ISS-HDR] */
  headerValue:
    'The Lambda function returned an invalid entry in the headers object, the value of each header value must be of string or array of string type',
  /** [ISS-RO] */
  readOnlyHeader: 'The Lambda function result failed validation: The function tried to add, delete, or change a read-only header.',
  /** Prefix CloudFront puts before a specific validation failure. */
  failed: 'The Lambda function result failed validation:',
  /** [ISS-1MB], completed by `N bytes which exceeded the CloudFront limit of L bytes`. */
  tooLarge: 'The Lambda function returned an invalid response, the length of the body size and header was',
} as const

/** Whatever CloudFront does with a result depends on the stage: these are its rules, one function per shape. */
interface State {
  readonly out: Violation[]
  readonly warn: Violation[]
  /** Objects already proven JSON-serialisable (used once a walk has visited MEMO_AFTER objects: shared DAGs). */
  memo: Set<object> | undefined
  /** Objects visited by JSON-safety walks so far. */
  visits: number
  /** The ancestors of the object being walked (reused). */
  stack: object[] | undefined
  /** Set once "not parsable" has been reported, so it is reported once. */
  jsonBad: boolean
  /** Byte-size upper bound of the header map (3 bytes per UTF-16 unit), filled by walkHeaders. */
  hdrUpper: number
}

const hasOwn = Object.prototype.hasOwnProperty
const STAGE_SET: ReadonlySet<string> = new Set(STAGES)
const MAX_DEPTH = 1000
/** Small results are walked without a memo (no Set allocated); big shared structures get one. */
const MEMO_AFTER = 64
const FAILED = CF_MESSAGES.failed
/** Standard base64 alphabet, optional `=` padding (CloudFront's decoder does not require it). */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/
/** Control characters other than tab, as in rules.ts (CR/LF: header injection). */
// eslint-disable-next-line no-control-regex
const BAD_VALUE_CHAR = /[\u0000-\u0008\u000a-\u001f\u007f]/

/** RFC 7230 tchar table for ASCII; header names outside it are `InvalidHeaderName`. */
const TCHAR = new Uint8Array(128)
for (const c of "!#$%&'*+-.^_`|~") TCHAR[c.charCodeAt(0)] = 1
for (let c = 48; c <= 57; c++) TCHAR[c] = 1
for (let c = 65; c <= 90; c++) TCHAR[c] = 1
for (let c = 97; c <= 122; c++) TCHAR[c] = 1

/** 0: a lowercase token, 1: a token with uppercase letters, 2: not a token. */
function nameKind(name: string): 0 | 1 | 2 {
  if (name.length === 0) return 2
  let upper = false
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    if (c >= 128 || TCHAR[c] === 0) return 2
    if (c >= 65 && c <= 90) upper = true
  }
  return upper ? 1 : 0
}

const NativeBuffer = (globalThis as { Buffer?: { byteLength(s: string, enc: 'utf8'): number } }).Buffer

/**
 * Exact UTF-8 byte length of a string: `Buffer.byteLength` where there is one, else counted by hand (this module
 * also runs inside workerd). Lone surrogates count 3 bytes, as their U+FFFD replacement does.
 *
 * @example
 * ```ts
 * utf8Length('é😀') // 6
 * ```
 */
export function utf8Length(s: string): number {
  if (NativeBuffer !== undefined) return NativeBuffer.byteLength(s, 'utf8')
  let n = s.length
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) continue
    if (c < 0x800) n += 1
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 2
        i++
      } else n += 2
    } else n += 2
  }
  return n
}

/**
 * Whether `s` is standard base64 (padding optional, no whitespace), as CloudFront's decoder accepts it.
 *
 * @example
 * ```ts
 * isValidBase64('aGk=') // true
 * isValidBase64('not base64!') // false
 * ```
 */
export function isValidBase64(s: string): boolean {
  if (s.length % 4 === 1) return false
  if (!BASE64.test(s)) return false
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0
  return pad === 0 || s.length % 4 === 0
}

/** Why `v` can't go through `JSON.stringify` (cycle, BigInt, a throwing toJSON), or undefined if it can. */
function jsonProblem(v: unknown, st: State, stack: object[], path: string): string | undefined {
  if (typeof v === 'bigint') return `a BigInt at ${path}`
  if (typeof v !== 'object' || v === null) return undefined
  if (st.memo !== undefined && st.memo.has(v)) return undefined
  if (stack.includes(v)) return `a circular reference at ${path}`
  if (stack.length >= MAX_DEPTH) return `nesting deeper than ${MAX_DEPTH} levels at ${path}`
  const toJSON = (v as { toJSON?: unknown }).toJSON
  if (typeof toJSON === 'function') {
    try {
      JSON.stringify(v)
    } catch (e) {
      return `${path} can't be serialised (${e instanceof Error ? e.message : show(e)})`
    }
  } else {
    stack.push(v)
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const p = jsonProblem(v[i], st, stack, `${path}[${i}]`)
        if (p !== undefined) return p
      }
    } else {
      for (const k in v) {
        if (!hasOwn.call(v, k)) continue
        const p = jsonProblem((v as Record<string, unknown>)[k], st, stack, `${path}.${k}`)
        if (p !== undefined) return p
      }
    }
    stack.pop()
  }
  if (++st.visits > MEMO_AFTER) (st.memo ??= new Set()).add(v)
  return undefined
}

/** Reports once that the result is not JSON-serialisable if `v` (a part of the result) is not. */
function jsonCheck(v: unknown, st: State, path: string): void {
  if (st.jsonBad || (typeof v !== 'object' && typeof v !== 'bigint') || v === null) return
  const stack = (st.stack ??= [])
  stack.length = 0
  const p = jsonProblem(v, st, stack, path)
  if (p !== undefined) {
    st.jsonBad = true
    st.out.push({ code: 'InvalidJson', message: `${CF_MESSAGES.notParsable} (${p})`, path })
  }
}

function own(o: Record<string, unknown> | undefined, k: string): unknown {
  return o !== undefined && hasOwn.call(o, k) ? o[k] : undefined
}

/** Value lists of a header (undefined and [] both mean "absent"), compared by value only: `key` casing is free. */
function sameHeader(a: unknown, b: unknown): boolean {
  const al = Array.isArray(a) ? a.length : a === undefined ? 0 : -1
  const bl = Array.isArray(b) ? b.length : b === undefined ? 0 : -1
  if (al !== bl || al < 0) return false
  for (let i = 0; i < al; i++) {
    const x: unknown = (a as unknown[])[i]
    const y: unknown = (b as unknown[])[i]
    if (!isObject(x) || !isObject(y) || x.value !== y.value) return false
  }
  return true
}

function present(list: unknown): boolean {
  return list !== undefined && !(Array.isArray(list) && list.length === 0)
}

/** Structural equality for small JSON-like values (the origin object); `undefined` properties count as absent. */
function jsonEqual(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return typeof a !== 'bigint'
  if (depth > 8 || typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ao = a as Record<string, unknown>
  const bo = b as Record<string, unknown>
  let na = 0
  for (const k in ao) {
    if (!hasOwn.call(ao, k) || ao[k] === undefined) continue
    na++
    if (!hasOwn.call(bo, k) || !jsonEqual(ao[k], bo[k], depth + 1)) return false
  }
  let nb = 0
  for (const k in bo) if (hasOwn.call(bo, k) && bo[k] !== undefined) nb++
  return na === nb
}

/**
 * One pass over a result's header map: shape (object, lowercase token names, arrays of `{ key?, value }`, `key`
 * spelling the name), string values without control characters ([ISS-HDR]), no disallowed header ([RALL]; one that
 * came in the input unchanged is not an addition), `CloudFront-Viewer-Country` not added in viewer-request ([RLE]),
 * JSON-serialisable extras. Sets `st.hdrUpper` to an upper bound of the map's byte size (names + values).
 */
function walkHeaders(
  h: unknown,
  path: string,
  input: Record<string, unknown> | undefined,
  viewerCountryRule: boolean,
  st: State,
): void {
  st.hdrUpper = 0
  if (h === undefined) return
  if (!isObject(h)) {
    st.out.push({ code: 'InvalidHeaders', message: `${FAILED} ${path} must be an object mapping lowercase names to [{ key, value }] arrays, got ${show(h)}`, path })
    jsonCheck(h, st, path)
    return
  }
  const out = st.out
  let upper = 0
  for (const name in h) {
    if (!hasOwn.call(h, name)) continue
    const list = h[name]
    if (list === undefined) continue
    const kind = nameKind(name)
    if (kind === 2) {
      out.push({ code: 'InvalidHeaderName', message: `${FAILED} ${show(name)} is not a valid HTTP header name`, path: `${path}.${name}` })
    } else if (kind === 1) {
      out.push({ code: 'InvalidHeaders', message: `${FAILED} header map keys must be lowercase, got ${show(name)}`, path: `${path}.${name}` })
    }
    const lower = kind === 1 ? name.toLowerCase() : name
    if (isDisallowedHeader(lower) && !sameHeader(own(input, name), list)) {
      out.push({ code: 'DisallowedHeader', message: `${FAILED} ${name} is a disallowed header: functions can't add or change it`, path: `${path}.${name}` })
    }
    if (viewerCountryRule && lower === 'cloudfront-viewer-country' && present(list) && !present(own(input, name))) {
      out.push({ code: 'ViewerCountryAdded', message: `${FAILED} a viewer-request function can't add CloudFront-Viewer-Country`, path: `${path}.${name}` })
    }
    if (!Array.isArray(list)) {
      out.push({ code: 'InvalidHeaders', message: `${CF_MESSAGES.headerValue} (${path}.${name} must be an array of { key, value }, got ${show(list)})`, path: `${path}.${name}` })
      jsonCheck(list, st, `${path}.${name}`)
      continue
    }
    for (let i = 0; i < list.length; i++) {
      const e: unknown = list[i]
      if (!isObject(e)) {
        out.push({ code: 'InvalidHeaders', message: `${CF_MESSAGES.headerValue} (${path}.${name}[${i}] must be a { key, value } object, got ${show(e)})`, path: `${path}.${name}[${i}]` })
        jsonCheck(e, st, `${path}.${name}[${i}]`)
        continue
      }
      let extra = false
      for (const k in e) {
        if (k !== 'key' && k !== 'value') {
          extra = true
          break
        }
      }
      if (extra) jsonCheck(e, st, `${path}.${name}[${i}]`)
      const key = e.key
      if (key !== undefined && typeof key !== 'string') {
        out.push({ code: 'InvalidHeaders', message: `${FAILED} ${path}.${name}[${i}].key must be a string (the header's name in its original case), got ${show(key)}`, path: `${path}.${name}[${i}].key` })
        jsonCheck(key, st, `${path}.${name}[${i}].key`)
      } else if (key !== undefined && kind !== 2 && !keySpells(key, lower)) {
        st.warn.push({
          code: 'HeaderKeyMismatch',
          message: `${path}.${name}[${i}].key is ${show(key)}, which doesn't spell the header name ${name}: CloudFront's docs describe key as the header's name in its original case; the map's name decides which header this is, so it is sent as ${wireHeaderName(lower, key)}`,
          path: `${path}.${name}[${i}].key`,
        })
      }
      const value = e.value
      if (typeof value !== 'string') {
        out.push({ code: 'InvalidHeaderValue', message: `${CF_MESSAGES.headerValue} (${path}.${name}[${i}].value is ${show(value)})`, path: `${path}.${name}[${i}].value` })
        jsonCheck(value, st, `${path}.${name}[${i}].value`)
        continue
      }
      if (BAD_VALUE_CHAR.test(value)) {
        out.push({ code: 'InvalidHeaderValue', message: `${FAILED} the value of header ${name} contains CR, LF or another control character: ${show(value)}`, path: `${path}.${name}[${i}].value` })
      }
      upper += (name.length + value.length) * 3
    }
  }
  st.hdrUpper = upper
}

/** Exact header bytes (names + values, UTF-8); only called when the upper bound is over a limit. */
function headerBytes(h: unknown): number {
  if (!isObject(h)) return 0
  let n = 0
  for (const name in h) {
    const list = h[name]
    if (!hasOwn.call(h, name) || !Array.isArray(list)) continue
    for (const e of list) if (isObject(e) && typeof e.value === 'string') n += utf8Length(name) + utf8Length(e.value)
  }
  return n
}

/** [RALL]: read-only headers can't be added, changed or deleted: diff against the event's input. */
function readOnlyDiff(stage: Stage, h: unknown, input: Record<string, unknown> | undefined, path: string, st: State): void {
  const result = isObject(h) ? h : undefined
  for (const name of READ_ONLY_LISTS[stage]) {
    const a = own(input, name)
    const b = own(result, name)
    if (a === undefined && b === undefined) continue
    if (sameHeader(a, b)) continue
    const what = !present(a) ? 'add' : !present(b) ? 'delete' : 'change'
    st.out.push({
      code: 'ReadOnlyHeader',
      message: `${CF_MESSAGES.readOnlyHeader} (the function tried to ${what} read-only header, headerName : ${name}, in ${stage})`,
      path: `${path}.${name}`,
    })
  }
}

const READ_ONLY_LISTS: Readonly<Record<Stage, readonly string[]>> = {
  'viewer-request': [...READ_ONLY_HEADERS['viewer-request']],
  'origin-request': [...READ_ONLY_HEADERS['origin-request']],
  'origin-response': [...READ_ONLY_HEADERS['origin-response']],
  'viewer-response': [...READ_ONLY_HEADERS['viewer-response']],
}

/** `status`: a string "200"–"599" [GEN]; a number is a warning in response events and an error elsewhere. */
function checkStatus(status: unknown, numberOk: boolean, st: State): void {
  if (status === undefined) {
    st.out.push({ code: 'InvalidStatus', message: `${FAILED} the response has no status (it is required, as a string such as "200")`, path: 'status' })
    return
  }
  let n = -1
  if (typeof status === 'string') {
    if (/^[0-9]{3}$/.test(status)) n = +status
  } else if (typeof status === 'number') {
    if (!numberOk) {
      st.out.push({ code: 'InvalidStatus', message: `${FAILED} status must be a string such as "${status}", got the number ${status}`, path: 'status' })
      return
    }
    if (Number.isInteger(status)) n = status
    st.warn.push({ code: 'NumericStatus', message: `status should be a string ("${status}"), got the number ${status}; CloudFront's docs ask for a string`, path: 'status' })
  }
  if (n < 200 || n > 599) {
    st.out.push({ code: 'InvalidStatus', message: `${FAILED} status must be a string from "200" to "599", got ${show(status)}`, path: 'status' })
    jsonCheck(status, st, 'status')
  }
}

function checkStatusDescription(d: unknown, st: State): void {
  if (d !== undefined && typeof d !== 'string') {
    st.out.push({ code: 'InvalidStatusDescription', message: `${FAILED} statusDescription must be a string, got ${show(d)}`, path: 'statusDescription' })
    jsonCheck(d, st, 'statusDescription')
  }
}

/**
 * Body rules of a response (generated in VReq/OReq, replaced in OResp): a string, `bodyEncoding` text|base64
 * with valid base64, no body on a 204 [GEN], [ISS-204], and headers + body ≤ `limit` bytes [GEN], [QUO].
 */
function checkResponseBody(r: Record<string, unknown>, limit: number, st: State): void {
  const body = r.body
  const enc = r.bodyEncoding
  if (enc !== undefined && enc !== 'text' && enc !== 'base64') {
    st.out.push({ code: 'InvalidBodyEncoding', message: `${FAILED} bodyEncoding must be "text" or "base64", got ${show(enc)}`, path: 'bodyEncoding' })
    jsonCheck(enc, st, 'bodyEncoding')
  }
  if (body !== undefined && (r.status === '204' || r.status === 204)) {
    st.out.push({ code: 'BodyOn204', message: `${FAILED} a 204 response can't have a body (not even ""); omit the body property`, path: 'body' })
  }
  let bodyUpper = 0
  if (body !== undefined) {
    if (typeof body !== 'string') {
      st.out.push({ code: 'InvalidBody', message: `${FAILED} body must be a string, got ${show(body)}`, path: 'body' })
      jsonCheck(body, st, 'body')
    } else {
      if (enc === 'base64' && !isValidBase64(body)) {
        st.out.push({ code: 'InvalidBase64', message: `${FAILED} body is not valid base64 (bodyEncoding is "base64")`, path: 'body' })
      }
      bodyUpper = body.length * 3
    }
  }
  // Cheap bound first (UTF-8 bytes ≤ 3 × UTF-16 units); the exact count only when the bound is over the limit.
  if (bodyUpper + st.hdrUpper <= limit) return
  const exact = (typeof body === 'string' ? utf8Length(body) : 0) + headerBytes(r.headers)
  if (exact > limit) {
    st.out.push({ code: 'ResponseTooLarge', message: `${CF_MESSAGES.tooLarge} ${exact} bytes which exceeded the CloudFront limit of ${limit} bytes`, path: 'body' })
  }
}

/** JSON-safety of the result's top-level values other than `headers` (which walkHeaders covers). */
function topLevelJson(r: Record<string, unknown>, st: State, skipOrigin: boolean): void {
  for (const k in r) {
    if (k === 'headers' || (skipOrigin && k === 'origin') || !hasOwn.call(r, k)) continue
    const v = r[k]
    if ((typeof v === 'object' && v !== null) || typeof v === 'bigint') jsonCheck(v, st, k)
  }
}

function checkGenerated(stage: 'viewer-request' | 'origin-request', r: Record<string, unknown>, lim: LimitsProfile, st: State): void {
  checkStatus(r.status, false, st)
  checkStatusDescription(r.statusDescription, st)
  walkHeaders(r.headers, 'headers', undefined, false, st)
  checkResponseBody(r, lim.generatedResponseBytes[stage], st)
}

function checkResponse(
  stage: 'origin-response' | 'viewer-response',
  r: Record<string, unknown>,
  input: Record<string, unknown> | undefined,
  lim: LimitsProfile,
  st: State,
): void {
  if (r.status === undefined && (r.uri !== undefined || r.method !== undefined)) {
    st.out.push({ code: 'WrongResultKind', message: `${FAILED} a ${stage} function must return the response (with status), not a request`, path: '' })
  } else {
    checkStatus(r.status, true, st)
  }
  if (stage === 'viewer-response' && input !== undefined && r.status !== undefined && String(r.status) !== String(input.status)) {
    st.out.push({ code: 'StatusChanged', message: `${FAILED} a viewer-response function can't change the status (${show(input.status)} → ${show(r.status)})`, path: 'status' })
  }
  checkStatusDescription(r.statusDescription, st)
  const inputHeaders = input !== undefined && isObject(input.headers) ? input.headers : undefined
  walkHeaders(r.headers, 'headers', inputHeaders, false, st)
  if (input !== undefined) readOnlyDiff(stage, r.headers, inputHeaders, 'headers', st)
  if (stage === 'viewer-response') {
    if (r.body !== undefined && !(input !== undefined && r.body === input.body)) {
      st.out.push({ code: 'BodyNotAllowed', message: `${FAILED} a viewer-response function can't set a body (only origin-response can replace it)`, path: 'body' })
    }
    const enc = r.bodyEncoding
    if (enc !== undefined && enc !== 'text' && enc !== 'base64') {
      st.out.push({ code: 'InvalidBodyEncoding', message: `${FAILED} bodyEncoding must be "text" or "base64", got ${show(enc)}`, path: 'bodyEncoding' })
    }
  } else {
    // Origin-response body replacement counts against the origin-facing generated-response limit ([QUO]: 1 MB).
    checkResponseBody(r, lim.generatedResponseBytes['origin-request'], st)
  }
}

function checkRequestBody(stage: 'viewer-request' | 'origin-request', b: unknown, input: Record<string, unknown> | undefined, lim: LimitsProfile, st: State): void {
  const inBody = input?.body
  if (b === undefined || b === inBody || jsonEqual(b, inBody)) return
  if (!isObject(b)) {
    st.out.push({ code: 'InvalidBody', message: `${FAILED} request body must be an object { action, encoding, data }, got ${show(b)}`, path: 'body' })
    return
  }
  const action = b.action
  if (action !== undefined && action !== 'read-only' && action !== 'replace') {
    st.out.push({ code: 'InvalidBody', message: `${FAILED} body.action must be "read-only" or "replace", got ${show(action)}`, path: 'body.action' })
  }
  if (isObject(inBody) && b.inputTruncated !== undefined && b.inputTruncated !== inBody.inputTruncated) {
    st.out.push({ code: 'ReadOnlyField', message: `${FAILED} body.inputTruncated is read-only (${show(inBody.inputTruncated)} → ${show(b.inputTruncated)})`, path: 'body.inputTruncated' })
  }
  if (action !== 'replace') return // read-only: CloudFront ignores encoding and data [EVT]
  const enc = b.encoding ?? 'base64'
  if (enc !== 'text' && enc !== 'base64') {
    st.out.push({ code: 'InvalidBodyEncoding', message: `${FAILED} body.encoding must be "base64" or "text", got ${show(enc)}`, path: 'body.encoding' })
    return
  }
  const data = b.data
  if (typeof data !== 'string') {
    st.out.push({ code: 'InvalidBody', message: `${FAILED} body.data must be a string, got ${show(data)}`, path: 'body.data' })
    return
  }
  const limit = lim.replaceBody[stage][enc]
  if (enc === 'base64') {
    if (!isValidBase64(data)) st.out.push({ code: 'InvalidBase64', message: `${FAILED} body.data is not valid base64 (body.encoding is "base64")`, path: 'body.data' })
    if (data.length > limit) {
      st.out.push({ code: 'BodyTooLarge', message: `${FAILED} the replacement body is ${data.length} base64 characters, over the ${stage} limit of ${limit}`, path: 'body.data' })
    }
  } else if (data.length > limit || (data.length * 3 > limit && utf8Length(data) > limit)) {
    st.out.push({ code: 'BodyTooLarge', message: `${FAILED} the replacement body is ${utf8Length(data)} bytes of text, over the ${stage} limit of ${limit}`, path: 'body.data' })
  }
}

function checkRequest(
  stage: 'viewer-request' | 'origin-request',
  r: Record<string, unknown>,
  input: Record<string, unknown> | undefined,
  lim: LimitsProfile,
  st: State,
): void {
  const out = st.out
  if (input !== undefined) {
    for (const f of ['method', 'clientIp'] as const) {
      if (r[f] !== input[f]) {
        out.push({ code: 'ReadOnlyField', message: `${FAILED} request.${f} is read-only (${show(input[f])} → ${show(r[f])})`, path: f })
      }
    }
  }
  // What the function left as it came in is never judged again: only changed values are checked.
  const uri = r.uri
  const uriChanged = input === undefined || uri !== input.uri
  const uriBad = uriChanged ? uriProblem(uri) : undefined
  if (uriBad !== undefined) out.push({ code: 'InvalidUri', message: `${FAILED} uri ${uriBad}, got ${show(uri)}`, path: 'uri' })
  const qs = r.querystring
  const qsChanged = input === undefined || qs !== input.querystring
  if (qs !== undefined && typeof qs !== 'string') {
    out.push({ code: 'InvalidQuerystring', message: `${FAILED} querystring must be a string (without the leading ?), got ${show(qs)}`, path: 'querystring' })
  } else if (typeof qs === 'string' && qsChanged && hasInvalidQuerystringChar(qs)) {
    out.push({ code: 'InvalidQuerystring', message: `${FAILED} querystring can't contain spaces, control characters or #, got ${show(qs)}`, path: 'querystring' })
  }
  const total = (typeof uri === 'string' ? uri.length : 0) + (typeof qs === 'string' ? qs.length : 0)
  if ((uriChanged || qsChanged) && total >= lim.maxUrlChars) {
    out.push({ code: 'UriTooLong', message: `${FAILED} uri + querystring is ${total} characters; it must be under ${lim.maxUrlChars}`, path: 'uri' })
  }
  const inputHeaders = input !== undefined && isObject(input.headers) ? input.headers : undefined
  walkHeaders(r.headers, 'headers', inputHeaders, stage === 'viewer-request', st)
  if (input !== undefined) readOnlyDiff(stage, r.headers, inputHeaders, 'headers', st)
  const origin = r.origin
  const inOrigin = input?.origin
  const originChanged = origin !== inOrigin && !jsonEqual(origin, inOrigin)
  if (origin !== undefined) {
    if (stage !== 'origin-request') {
      if (originChanged) out.push({ code: 'OriginNotAllowed', message: `${FAILED} request.origin can only be set in origin-request, not ${stage}`, path: 'origin' })
    } else {
      if (originChanged) {
        jsonCheck(origin, st, 'origin')
        for (const v of originViolations(origin, lim, 'origin')) out.push({ ...v, message: `${FAILED} ${v.message}` })
        // [EVT]: an origin access identity can't be used when switching from a custom origin to S3.
        if (isObject(origin) && isObject(origin.s3) && origin.s3.authMethod === 'origin-access-identity' && isObject(inOrigin) && inOrigin.custom !== undefined) {
          out.push({ code: 'InvalidOrigin', message: `${FAILED} origin.s3.authMethod "origin-access-identity" can't be used when switching from a custom origin to S3`, path: 'origin.s3.authMethod' })
        }
      }
      // [EVT]: a custom header name can't also appear in request.headers.
      const which = isObject(origin) ? (isObject(origin.custom) ? 'custom' : isObject(origin.s3) ? 's3' : undefined) : undefined
      const o = which !== undefined ? ((origin as Record<string, unknown>)[which] as Record<string, unknown>) : undefined
      const ch = o !== undefined && isObject(o.customHeaders) ? o.customHeaders : undefined
      const rh = isObject(r.headers) ? r.headers : undefined
      if (ch !== undefined && rh !== undefined) {
        for (const name in ch) {
          const list = own(rh, name)
          if (hasOwn.call(ch, name) && ch[name] !== undefined && present(list) && (originChanged || !sameHeader(list, own(inputHeaders, name)))) {
            out.push({ code: 'DuplicateCustomHeader', message: `${FAILED} origin custom header ${name} duplicates a request header of the same name`, path: `origin.${which}.customHeaders.${name}` })
          }
        }
      }
    }
  }
  checkRequestBody(stage, r.body, input, lim, st)
}

/** `event.Records[0].cf` if it is readable, else undefined. */
function inputCf(event: unknown): Record<string, unknown> | undefined {
  if (!isObject(event)) return undefined
  const recs = event.Records
  if (!Array.isArray(recs)) return undefined
  const rec: unknown = recs[0]
  if (!isObject(rec) || !isObject(rec.cf)) return undefined
  return rec.cf
}

function run(stage: Stage, event: unknown, result: unknown, lim: LimitsProfile, st: State): void {
  if (!STAGE_SET.has(stage)) {
    st.out.push({ code: 'InvalidEvent', message: `unknown stage ${show(stage)}: expected viewer-request, origin-request, origin-response or viewer-response` })
    return
  }
  if (typeof result === 'object' && result !== null && typeof (result as { toJSON?: unknown }).toJSON === 'function') {
    // The Lambda runtime sends JSON.stringify(result): CloudFront judges what toJSON returns, or gets nothing.
    let json: string | undefined
    try {
      json = JSON.stringify(result)
    } catch (e) {
      st.out.push({ code: 'InvalidJson', message: `${CF_MESSAGES.notParsable} (the result's toJSON threw: ${e instanceof Error ? e.message : show(e)})`, path: '' })
      return
    }
    result = json === undefined ? undefined : (JSON.parse(json) as unknown)
  }
  if (typeof result !== 'object' || result === null || Array.isArray(result)) {
    st.out.push({ code: 'InvalidJson', message: `${CF_MESSAGES.notObject} (got ${show(result)})`, path: '' })
    return
  }
  const r = result as Record<string, unknown>
  // origin-request: an origin equal to the event's is neither re-walked nor re-judged (checkRequest does the rest)
  topLevelJson(r, st, stage === 'origin-request' && r.status === undefined)
  const cf = inputCf(event)
  const responseStage = stage === 'origin-response' || stage === 'viewer-response'
  const inputName = responseStage ? 'response' : 'request'
  const input = cf !== undefined && isObject(cf[inputName]) ? (cf[inputName] as Record<string, unknown>) : undefined
  if (input === undefined) {
    st.out.push({
      code: 'InvalidEvent',
      message: `the event has no Records[0].cf.${inputName}, so read-only headers and fields can't be compared with the input`,
      path: `Records[0].cf.${inputName}`,
    })
  }
  if (responseStage) {
    checkResponse(stage, r, input, lim, st)
    return
  }
  const reqStage = stage as 'viewer-request' | 'origin-request'
  if (r.status !== undefined) {
    checkGenerated(reqStage, r, lim, st)
    return
  }
  if (r.uri === undefined && r.method === undefined && r.clientIp === undefined && r.querystring === undefined) {
    st.out.push({
      code: 'WrongResultKind',
      message: `${FAILED} a ${stage} function must return the request (uri, method, headers…) or a generated response (with status)`,
      path: '',
    })
    return
  }
  checkRequest(reqStage, r, input, lim, st)
}

/**
 * Checks a raw handler's result the way CloudFront does, and sorts what it finds into errors (a 502 at the edge)
 * and warnings (accepted, but against the docs: a numeric status in a response event). It never throws.
 *
 * @example
 * ```ts
 * const { violations, warnings } = checkResult('origin-response', event, { ...event.Records[0].cf.response, status: 200 })
 * // violations: [], warnings: [{ code: 'NumericStatus', … }]
 * ```
 */
export function checkResult(
  stage: Stage,
  event: CfEvent | unknown,
  result: unknown,
  limits?: LimitsProfile | 'classic' | 'current',
): { violations: Violation[]; warnings: Violation[] } {
  const st: State = { out: [], warn: [], memo: undefined, visits: 0, stack: undefined, jsonBad: false, hdrUpper: 0 }
  try {
    run(stage, event, result, resolveLimits(limits), st)
  } catch (e) {
    // A getter or proxy that throws: JSON.stringify would throw too.
    st.out.push({ code: 'InvalidJson', message: `${CF_MESSAGES.notParsable} (reading the result threw: ${e instanceof Error ? e.message : show(e)})`, path: '' })
  }
  return { violations: st.out, warnings: st.warn }
}

/**
 * Every rule a stage result breaks (reference §8 step 2), each with a stable `code`, CloudFront's message and a
 * `path` into the result; `[]` means CloudFront would accept it. `event` is the event the function received:
 * read-only headers and fields are diffed against it. `limits` defaults to the `classic` profile.
 *
 * @example
 * ```ts
 * import { validateResult } from 'edgeware/cloudfront'
 * const request = event.Records[0].cf.request
 * validateResult('viewer-request', event, { ...request, headers: { ...request.headers, via: [{ value: 'x' }] } })
 * // [{ code: 'ReadOnlyHeader', message: 'The Lambda function result failed validation: The function tried to add, delete, or change a read-only header. (…)', path: 'headers.via' }]
 * ```
 */
export function validateResult(
  stage: Stage,
  event: CfEvent | unknown,
  result: unknown,
  limits?: LimitsProfile | 'classic' | 'current',
): Violation[] {
  return checkResult(stage, event, result, limits).violations
}

// ---------------------------------------------------------------------------------------------------------------
// Events

function evHeaders(h: unknown, path: string, out: Violation[]): void {
  if (!isObject(h)) {
    out.push({ code: 'InvalidEvent', message: `${path} must be a header map object, got ${show(h)}`, path })
    return
  }
  for (const name in h) {
    if (!hasOwn.call(h, name)) continue
    const list = h[name]
    const p = `${path}.${name}`
    if (nameKind(name) !== 0) out.push({ code: 'InvalidEvent', message: `${p}: header map keys must be lowercase HTTP header names, got ${show(name)}`, path: p })
    if (!Array.isArray(list)) {
      out.push({ code: 'InvalidEvent', message: `${p} must be an array of { key, value }, got ${show(list)}`, path: p })
      continue
    }
    for (let i = 0; i < list.length; i++) {
      const e: unknown = list[i]
      if (!isObject(e)) {
        out.push({ code: 'InvalidEvent', message: `${p}[${i}] must be a { key, value } object, got ${show(e)}`, path: `${p}[${i}]` })
        continue
      }
      if (e.key !== undefined && typeof e.key !== 'string') {
        out.push({ code: 'InvalidEvent', message: `${p}[${i}].key must be a string, got ${show(e.key)}`, path: `${p}[${i}].key` })
      }
      if (typeof e.value !== 'string') {
        out.push({ code: 'InvalidEvent', message: `${p}[${i}].value must be a string, got ${show(e.value)}`, path: `${p}[${i}].value` })
      } else if (BAD_VALUE_CHAR.test(e.value)) {
        out.push({ code: 'InvalidEvent', message: `${p}[${i}].value contains CR, LF or another control character`, path: `${p}[${i}].value` })
      }
    }
  }
}

function evString(o: Record<string, unknown>, k: string, path: string, out: Violation[]): void {
  if (typeof o[k] !== 'string') out.push({ code: 'InvalidEvent', message: `${path}.${k} must be a string, got ${show(o[k])}`, path: `${path}.${k}` })
}

function checkEvent(event: unknown, stage: Stage | undefined, out: Violation[]): void {
  if (stage !== undefined && !STAGE_SET.has(stage)) {
    out.push({ code: 'InvalidEvent', message: `unknown stage ${show(stage)}` })
    return
  }
  if (!isObject(event)) {
    out.push({ code: 'InvalidEvent', message: `a CloudFront event must be an object { Records: [{ cf: … }] }, got ${show(event)}`, path: '' })
    return
  }
  const recs = event.Records
  if (!Array.isArray(recs) || recs.length !== 1) {
    out.push({ code: 'InvalidEvent', message: `Records must be an array of exactly one record, got ${Array.isArray(recs) ? `${recs.length} records` : show(recs)}`, path: 'Records' })
    return
  }
  const rec: unknown = recs[0]
  if (!isObject(rec) || !isObject(rec.cf)) {
    out.push({ code: 'InvalidEvent', message: `Records[0].cf must be an object, got ${show(isObject(rec) ? rec.cf : rec)}`, path: 'Records[0].cf' })
    return
  }
  const cf = rec.cf
  const base = 'Records[0].cf'
  const config = cf.config
  let st: Stage | undefined = stage
  if (!isObject(config)) {
    out.push({ code: 'InvalidEvent', message: `${base}.config must be an object, got ${show(config)}`, path: `${base}.config` })
  } else {
    for (const k of ['distributionDomainName', 'distributionId']) evString(config, k, `${base}.config`, out)
    // AWS's 2020 sample origin events have no requestId: optional, a string when present.
    if (config.requestId !== undefined) evString(config, 'requestId', `${base}.config`, out)
    const et = config.eventType
    if (typeof et !== 'string' || !STAGE_SET.has(et)) {
      out.push({ code: 'InvalidEvent', message: `${base}.config.eventType must be one of viewer-request, origin-request, origin-response, viewer-response, got ${show(et)}`, path: `${base}.config.eventType` })
    } else if (stage !== undefined && et !== stage) {
      out.push({ code: 'InvalidEvent', message: `${base}.config.eventType is ${show(et)}, not a ${stage} event`, path: `${base}.config.eventType` })
    } else st = et as Stage
  }
  const req = cf.request
  const rp = `${base}.request`
  if (!isObject(req)) {
    out.push({ code: 'InvalidEvent', message: `${rp} must be an object, got ${show(req)}`, path: rp })
  } else {
    for (const k of ['clientIp', 'method', 'querystring']) evString(req, k, rp, out)
    if (typeof req.uri !== 'string' || req.uri[0] !== '/') {
      out.push({ code: 'InvalidEvent', message: `${rp}.uri must be a string starting with /, got ${show(req.uri)}`, path: `${rp}.uri` })
    }
    evHeaders(req.headers, `${rp}.headers`, out)
    // Origin events carry the origin. AWS's 2019 sample viewer-request event carries one too (custom and s3 at
    // once): a viewer function can't change it and CloudFront ignores it there, so it is not judged.
    if (st === 'origin-request' && req.origin === undefined) {
      out.push({ code: 'InvalidEvent', message: `${rp}.origin must be an object with exactly one of custom or s3 in an origin-request event, got undefined`, path: `${rp}.origin` })
    } else if (req.origin !== undefined && (st === 'origin-request' || st === 'origin-response')) {
      // The widest profile: the event is CloudFront's own, whichever limits the user picked.
      for (const v of originViolations(req.origin, 'current', `${rp}.origin`)) out.push({ ...v, code: 'InvalidEvent' })
    }
    const b = req.body
    if (b !== undefined) {
      const bp = `${rp}.body`
      if (st === 'origin-response' || st === 'viewer-response') {
        out.push({ code: 'InvalidEvent', message: `${bp} is only present in viewer-request and origin-request events`, path: bp })
      } else if (!isObject(b)) {
        out.push({ code: 'InvalidEvent', message: `${bp} must be an object, got ${show(b)}`, path: bp })
      } else {
        if (typeof b.inputTruncated !== 'boolean') out.push({ code: 'InvalidEvent', message: `${bp}.inputTruncated must be a boolean, got ${show(b.inputTruncated)}`, path: `${bp}.inputTruncated` })
        if (b.action !== 'read-only' && b.action !== 'replace') out.push({ code: 'InvalidEvent', message: `${bp}.action must be "read-only" or "replace", got ${show(b.action)}`, path: `${bp}.action` })
        if (b.encoding !== 'base64' && b.encoding !== 'text') out.push({ code: 'InvalidEvent', message: `${bp}.encoding must be "base64" or "text", got ${show(b.encoding)}`, path: `${bp}.encoding` })
        if (typeof b.data !== 'string') out.push({ code: 'InvalidEvent', message: `${bp}.data must be a string, got ${show(b.data)}`, path: `${bp}.data` })
        else if (b.encoding === 'base64' && !isValidBase64(b.data)) out.push({ code: 'InvalidEvent', message: `${bp}.data is not valid base64`, path: `${bp}.data` })
      }
    }
  }
  const res = cf.response
  const sp = `${base}.response`
  if (st === 'origin-response' || st === 'viewer-response') {
    if (!isObject(res)) {
      out.push({ code: 'InvalidEvent', message: `${sp} must be an object in a ${st} event, got ${show(res)}`, path: sp })
    } else {
      if (typeof res.status !== 'string' || !/^[1-5][0-9]{2}$/.test(res.status)) {
        out.push({ code: 'InvalidEvent', message: `${sp}.status must be a three-digit status string, got ${show(res.status)}`, path: `${sp}.status` })
      }
      if (res.statusDescription !== undefined && typeof res.statusDescription !== 'string') {
        out.push({ code: 'InvalidEvent', message: `${sp}.statusDescription must be a string, got ${show(res.statusDescription)}`, path: `${sp}.statusDescription` })
      }
      evHeaders(res.headers, `${sp}.headers`, out)
    }
  } else if (res !== undefined && st !== undefined) {
    out.push({ code: 'InvalidEvent', message: `${sp} is only present in response events, not ${st}`, path: sp })
  }
}

/**
 * Whether `event` is a well-formed CloudFront event (of `stage`, when given): the record envelope, config,
 * request fields, header maps, origin (origin events only), body (request events only), response (response events
 * only). Every problem is an `InvalidEvent` violation naming the path and the value; it never throws, whatever
 * `event` is (null, strings, cyclic objects, wrong types at any depth).
 *
 * @example
 * ```ts
 * eventViolations(JSON.parse(fs.readFileSync('viewer-request.json', 'utf8')), 'viewer-request') // []
 * eventViolations(null)[0].code // 'InvalidEvent'
 * ```
 */
export function eventViolations(event: unknown, stage?: Stage): Violation[] {
  const out: Violation[] = []
  try {
    checkEvent(event, stage, out)
  } catch (e) {
    out.push({ code: 'InvalidEvent', message: `the event could not be read: ${e instanceof Error ? e.message : show(e)}`, path: '' })
  }
  return out
}
