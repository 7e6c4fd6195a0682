/**
 * The parts of a custom response headers policy (reference §3.1): `security`, `cors`, `custom`, `remove`,
 * `server_timing`.
 */
import { hasInvalidHeaderValueChar, isDisallowedHeader, isValidHeaderName } from '../cloudfront/rules.js'
import type { CorsSettings, ResponseHeadersPolicy, SecuritySettings } from './model.js'
import { isTable, show, type Reader, type Table } from './problems.js'

const FRAME_OPTIONS = ['DENY', 'SAMEORIGIN'] as const
const REFERRER_POLICIES = [
  'no-referrer',
  'no-referrer-when-downgrade',
  'origin',
  'origin-when-cross-origin',
  'same-origin',
  'strict-origin',
  'strict-origin-when-cross-origin',
  'unsafe-url',
] as const
const CORS_METHODS = ['GET', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'ALL']
/** `Content-Security-Policy` length limit [RHP]. */
const MAX_CSP = 1_783
/**
 * Headers a response headers policy can't remove [RHP]: Lambda@Edge's disallowed headers (the same list, prefixes
 * included) plus these.
 */
const NOT_REMOVABLE = new Set(['content-encoding', 'content-length', 'host', 'transfer-encoding', 'via', 'warning'])
const notRemovable = (lower: string): boolean => NOT_REMOVABLE.has(lower) || isDisallowedHeader(lower)

/** `max-age=N[; includeSubDomains][; preload]`, or the same as a table. */
function readHsts(r: Reader, v: unknown, key: string, override: boolean): SecuritySettings['hsts'] {
  let maxAgeSec: number | undefined
  let includeSubdomains = false
  let preload = false
  if (typeof v === 'string') {
    for (const part of v.split(';').map((s) => s.trim()).filter(Boolean)) {
      const m = /^max-age=(\d+)$/i.exec(part)
      if (m) maxAgeSec = Number(m[1])
      else if (/^includesubdomains$/i.test(part)) includeSubdomains = true
      else if (/^preload$/i.test(part)) preload = true
      else return r.fail(key, `expected "max-age=<seconds>[; includeSubDomains][; preload]", got ${show(v)}`, v)
    }
    if (maxAgeSec === undefined) return r.fail(key, `max-age=<seconds> is required, got ${show(v)}`, v)
  } else if (isTable(v)) {
    r.unknownKeys(v, key, ['max_age', 'include_subdomains', 'preload'])
    maxAgeSec = r.int(v.max_age, `${key}.max_age`, 0, Number.MAX_SAFE_INTEGER)
    if (v.max_age === undefined) r.fail(`${key}.max_age`, 'is required (seconds)')
    includeSubdomains = r.bool(v.include_subdomains, `${key}.include_subdomains`) ?? false
    preload = r.bool(v.preload, `${key}.preload`) ?? false
    if (maxAgeSec === undefined) return undefined
  } else return r.fail(key, `expected "max-age=<seconds>; includeSubDomains" or { max_age, include_subdomains, preload }, got ${show(v)}`, v)
  const value = `max-age=${maxAgeSec}${includeSubdomains ? '; includeSubDomains' : ''}${preload ? '; preload' : ''}`
  return { value, maxAgeSec, includeSubdomains, preload, override }
}

function readXss(r: Reader, v: unknown, key: string, override: boolean): SecuritySettings['xssProtection'] {
  const t = r.table(v, key)
  if (!t) return undefined
  r.unknownKeys(t, key, ['protection', 'mode_block', 'report_uri'])
  const protection = r.bool(t.protection, `${key}.protection`) ?? true
  const modeBlock = r.bool(t.mode_block, `${key}.mode_block`) ?? false
  const reportUri = r.string(t.report_uri, `${key}.report_uri`)
  // [RHP]: ModeBlock and ReportUri are mutually exclusive.
  if (modeBlock && reportUri !== undefined) r.fail(key, 'mode_block and report_uri are mutually exclusive (X-XSS-Protection)', v)
  const value = protection ? `1${modeBlock ? '; mode=block' : ''}${reportUri !== undefined ? `; report=${reportUri}` : ''}` : '0'
  return { value, protection, modeBlock, ...(reportUri !== undefined ? { reportUri } : {}), override }
}

function readSecurity(r: Reader, v: unknown, key: string): SecuritySettings | undefined {
  const t = r.table(v, key)
  if (!t) return undefined
  r.unknownKeys(t, key, ['hsts', 'content_type_options', 'frame_options', 'referrer_policy', 'csp', 'xss_protection', 'override'])
  const override = r.bool(t.override, `${key}.override`) ?? false
  const s: SecuritySettings = {}
  if (t.hsts !== undefined) {
    const h = readHsts(r, t.hsts, `${key}.hsts`, override)
    if (h) s.hsts = h
  }
  if (r.bool(t.content_type_options, `${key}.content_type_options`)) s.contentTypeOptions = { value: 'nosniff', override }
  const frame = r.oneOf(t.frame_options, `${key}.frame_options`, FRAME_OPTIONS)
  if (frame) s.frameOptions = { value: frame, override }
  const referrer = r.oneOf(t.referrer_policy, `${key}.referrer_policy`, REFERRER_POLICIES)
  if (referrer) s.referrerPolicy = { value: referrer, override }
  const csp = r.string(t.csp, `${key}.csp`)
  if (csp !== undefined) {
    if (csp.length > MAX_CSP) r.fail(`${key}.csp`, `Content-Security-Policy may be at most ${MAX_CSP} characters, got ${csp.length}`, csp)
    else if (hasInvalidHeaderValueChar(csp)) r.fail(`${key}.csp`, `contains CR, LF or another control character: ${show(csp)}`, csp)
    else s.csp = { value: csp, override }
  }
  if (t.xss_protection !== undefined) {
    const x = readXss(r, t.xss_protection, `${key}.xss_protection`, override)
    if (x) s.xssProtection = x
  }
  return s
}

/**
 * An `Access-Control-Allow-Origin` candidate: `*`, or `scheme://host[:port]` where `*` may only be the whole
 * leftmost label [RHP].
 */
function corsOriginProblem(o: string): string | undefined {
  if (o === '*') return undefined
  const m = /^(https?):\/\/([^/:?#]+)(:\d{1,5})?$/.exec(o)
  if (!m) return 'expected "*" or scheme://host[:port]'
  const labels = m[2]!.split('.')
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!
    if (!l.includes('*')) continue
    if (l !== '*') return '"*" may not be part of a label'
    if (i === labels.length - 1) return '"*" may not be the top-level domain'
    if (i > 0) return '"*" may only be the leftmost label (not right of a subdomain)'
  }
  return undefined
}

function readNameList(r: Reader, v: unknown, key: string, star: boolean): string[] {
  const list = r.stringList(v, key) ?? []
  return list.filter((n, i) => {
    if ((star && n === '*') || isValidHeaderName(n)) return true
    r.fail(`${key}[${i}]`, `not a header name${star ? ' or "*"' : ''}: ${show(n)}`, n)
    return false
  })
}

function readCors(r: Reader, v: unknown, key: string): CorsSettings | undefined {
  const t = r.table(v, key)
  if (!t) return undefined
  r.unknownKeys(t, key, ['allow_origins', 'allow_methods', 'allow_headers', 'expose_headers', 'allow_credentials', 'max_age', 'override'])
  const allowOrigins = (r.stringList(t.allow_origins, `${key}.allow_origins`) ?? []).filter((o, i) => {
    const bad = corsOriginProblem(o)
    if (bad) r.fail(`${key}.allow_origins[${i}]`, `${bad}, got ${show(o)}`, o)
    return !bad
  })
  if (t.allow_origins === undefined || (Array.isArray(t.allow_origins) && t.allow_origins.length === 0)) {
    r.fail(`${key}.allow_origins`, 'list at least one origin (or "*")', t.allow_origins)
  }
  const allowMethods = t.allow_methods === undefined ? ['ALL'] : (r.stringList(t.allow_methods, `${key}.allow_methods`) ?? [])
  allowMethods.forEach((m, i) => {
    if (!CORS_METHODS.includes(m)) r.fail(`${key}.allow_methods[${i}]`, `expected one of ${CORS_METHODS.join(', ')}, got ${show(m)}`, m)
  })
  if (allowMethods.includes('ALL') && allowMethods.length > 1) r.fail(`${key}.allow_methods`, '"ALL" already includes every method; list it alone', t.allow_methods)
  const allowHeaders = t.allow_headers === undefined ? ['*'] : readNameList(r, t.allow_headers, `${key}.allow_headers`, true)
  const exposeHeaders = readNameList(r, t.expose_headers, `${key}.expose_headers`, true)
  const allowCredentials = r.bool(t.allow_credentials, `${key}.allow_credentials`) ?? false
  const maxAgeSec = r.int(t.max_age, `${key}.max_age`, 0, Number.MAX_SAFE_INTEGER, ' (seconds)')
  const override = r.bool(t.override, `${key}.override`) ?? false
  return { allowOrigins, allowMethods, allowHeaders, exposeHeaders, allowCredentials, ...(maxAgeSec !== undefined ? { maxAgeSec } : {}), override }
}

function readCustom(r: Reader, v: unknown, key: string): ResponseHeadersPolicy['custom'] {
  const out: ResponseHeadersPolicy['custom'] = []
  r.tables(v, key).forEach((e, i) => {
    const k = `${key}[${i}]`
    const t = r.table(e, k)
    if (!t) return
    r.unknownKeys(t, k, ['name', 'value', 'override'])
    const name = r.string(t.name, `${k}.name`, true)
    if (name !== undefined && !isValidHeaderName(name)) r.fail(`${k}.name`, `not a valid header name: ${show(name)}`, name)
    else if (name !== undefined && out.some((c) => c.name.toLowerCase() === name.toLowerCase())) r.fail(`${k}.name`, `duplicate custom header ${show(name)}`, name)
    // [RHP]: the value may be empty.
    const value = t.value === undefined ? undefined : typeof t.value === 'string' ? t.value : r.fail(`${k}.value`, `expected a string, got ${show(t.value)}`, t.value)
    if (t.value === undefined) r.fail(`${k}.value`, 'is required (may be "")')
    if (value !== undefined && hasInvalidHeaderValueChar(value)) r.fail(`${k}.value`, `contains CR, LF or another control character: ${show(value)}`, value)
    const override = r.bool(t.override, `${k}.override`) ?? false
    if (name !== undefined && value !== undefined) out.push({ name, value, override })
  })
  return out
}

function readRemove(r: Reader, v: unknown, key: string): string[] {
  const out: string[] = []
  ;(r.stringList(v, key) ?? []).forEach((n, i) => {
    const lower = n.toLowerCase()
    if (!isValidHeaderName(n)) r.fail(`${key}[${i}]`, `not a valid header name: ${show(n)}`, n)
    else if (notRemovable(lower)) r.fail(`${key}[${i}]`, `CloudFront can't remove ${n} with a response headers policy`, n)
    else if (out.includes(lower)) r.fail(`${key}[${i}]`, `${show(n)} is listed twice`, n)
    else out.push(lower)
  })
  return out
}

function readServerTiming(r: Reader, v: unknown, key: string): ResponseHeadersPolicy['serverTiming'] {
  const t = r.table(v, key)
  if (!t) return undefined
  r.unknownKeys(t, key, ['enabled', 'sampling_rate'])
  const enabled = r.bool(t.enabled, `${key}.enabled`) ?? true
  let samplingRate = 0
  const s = t.sampling_rate
  // [RHP], [CDK-RHP]: 0-100 with at most four decimal places.
  if (s !== undefined) {
    if (typeof s !== 'number' || s < 0 || s > 100 || Math.round(s * 10_000) !== s * 10_000) {
      r.fail(`${key}.sampling_rate`, `expected a percentage from 0 to 100 with at most 4 decimal places, got ${show(s)}`, s)
    } else samplingRate = s
  } else if (enabled) r.fail(`${key}.sampling_rate`, 'is required when server timing is enabled (0-100)')
  return { enabled, samplingRate }
}

/** Reads the header parts of a custom response headers policy (the identity keys are read by the caller). */
export function readResponseHeadersParts(r: Reader, t: Table, key: string): Omit<ResponseHeadersPolicy, 'kind' | 'id' | 'name' | 'awsId' | 'comment'> {
  const out: Omit<ResponseHeadersPolicy, 'kind' | 'id' | 'name' | 'awsId' | 'comment'> = {
    custom: readCustom(r, t.custom, `${key}.custom`),
    remove: readRemove(r, t.remove, `${key}.remove`),
  }
  const security = t.security === undefined ? undefined : readSecurity(r, t.security, `${key}.security`)
  if (security) out.security = security
  const cors = t.cors === undefined ? undefined : readCors(r, t.cors, `${key}.cors`)
  if (cors) out.cors = cors
  const serverTiming = t.server_timing === undefined ? undefined : readServerTiming(r, t.server_timing, `${key}.server_timing`)
  if (serverTiming) out.serverTiming = serverTiming
  if (['security', 'cors', 'custom', 'remove', 'server_timing'].every((k) => t[k] === undefined)) {
    r.fail(key, 'a response headers policy needs at least one of security, cors, custom, remove or server_timing')
  }
  return out
}
