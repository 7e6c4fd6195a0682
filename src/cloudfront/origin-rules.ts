/**
 * The origin field rules of Lambda@Edge (reference §1.2, [EVT] "Request event: origin"), and the
 * [CUSTHDR] deny list for origin custom headers. Used by `validateResult` for origin-request results and by the
 * origin-switching helpers at the call site (`assertOrigin`).
 */
import { EdgeRuleError, type Violation } from '../core/errors.js'
import { resolveLimits, type LimitsProfile } from './limits.js'
import { isObject, show } from './show.js'
import {
  CUSTOM_HEADER_DENY,
  CUSTOM_HEADER_DENY_PREFIXES,
  hasInvalidHeaderValueChar,
  isDisallowedHeader,
  isValidHeaderName,
} from './rules.js'
import type { CfOrigin, Stage } from './types.js'

/**
 * The values `origin.custom.sslProtocols` may hold [EVT].
 *
 * @example
 * ```ts
 * ORIGIN_SSL_PROTOCOLS.has('TLSv1.2') // true
 * ```
 */
export const ORIGIN_SSL_PROTOCOLS: ReadonlySet<string> = new Set(['TLSv1.2', 'TLSv1.1', 'TLSv1', 'SSLv3'])

/**
 * `origin.s3.authMethod` values [EVT] (origin access control is not supported).
 *
 * @example
 * ```ts
 * S3_AUTH_METHODS.has('origin-access-identity') // true
 * ```
 */
export const S3_AUTH_METHODS: ReadonlySet<string> = new Set(['origin-access-identity', 'none'])

/**
 * Length limits of origin fields [EVT]: custom origin domainName ≤ 253 chars, S3 bucket domainName ≤ 128 chars,
 * path ≤ 255 chars.
 *
 * @example
 * ```ts
 * ORIGIN_FIELD_LIMITS.path // 255
 * ```
 */
export const ORIGIN_FIELD_LIMITS = { customDomainName: 253, s3DomainName: 128, path: 255 } as const

const INVALID = 'InvalidOrigin'
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/
/** Letters, digits, `.`, `-`, `_`: what a DNS name can hold (IDNs arrive punycoded). */
const DNS_NAME = /^[A-Za-z0-9._-]+$/
/** RFC 3986 pchar plus `/`: unreserved, sub-delims, `:`, `@`, and `%XX` escapes. No `?`, `#`, spaces or non-ASCII. */
const URL_PATH = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$/

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v)
}

const hasOwn = Object.prototype.hasOwnProperty

/**
 * Checks `customHeaders` of an origin: CloudFront's header-map shape, no disallowed header ([RALL]),
 * no name CloudFront refuses as an origin custom header ([CUSTHDR]), no CR/LF or control characters.
 */
function customHeaderViolations(h: unknown, at: string, out: Violation[]): void {
  if (h === undefined) return
  if (!isObject(h)) {
    out.push({ code: INVALID, message: `${at} must be a header map object ({ name: [{ key, value }] }), got ${show(h)}`, path: at })
    return
  }
  for (const name in h) {
    if (!hasOwn.call(h, name)) continue
    const list = h[name]
    const p = `${at}.${name}`
    if (list === undefined) continue
    if (name !== name.toLowerCase() || !isValidHeaderName(name)) {
      out.push({ code: INVALID, message: `${p}: custom header names must be lowercase HTTP header names, got ${show(name)}`, path: p })
      continue
    }
    const refused = customHeaderNameProblem(name)
    if (refused) {
      out.push({ code: INVALID, message: `${p}: ${refused}`, path: p })
      continue
    }
    if (!Array.isArray(list)) {
      out.push({ code: INVALID, message: `${p} must be an array of { key, value } entries, got ${show(list)}`, path: p })
      continue
    }
    for (let i = 0; i < list.length; i++) {
      const e: unknown = list[i]
      const ep = `${p}[${i}]`
      if (!isObject(e)) {
        out.push({ code: INVALID, message: `${ep} must be a { key, value } object, got ${show(e)}`, path: ep })
        continue
      }
      if (e.key !== undefined && (typeof e.key !== 'string' || e.key.toLowerCase() !== name)) {
        out.push({ code: INVALID, message: `${ep}.key must spell the header name ${name}, got ${show(e.key)}`, path: `${ep}.key` })
      }
      if (typeof e.value !== 'string') {
        out.push({ code: INVALID, message: `${ep}.value must be a string, got ${show(e.value)}`, path: `${ep}.value` })
      } else if (hasInvalidHeaderValueChar(e.value)) {
        out.push({ code: INVALID, message: `${ep}.value contains CR, LF or another control character: ${show(e.value)}`, path: `${ep}.value` })
      }
    }
  }
}

/**
 * Why an origin custom header name (lowercase) can't be sent: a disallowed header ([RALL]) or one CloudFront
 * refuses as an origin custom header ([CUSTHDR]); `undefined` when it can.
 *
 * @example
 * ```ts
 * customHeaderNameProblem('host') // "CloudFront can't send host as an origin custom header"
 * ```
 */
export function customHeaderNameProblem(lowerName: string): string | undefined {
  if (isDisallowedHeader(lowerName)) return `${lowerName} is a disallowed header and can't be an origin custom header`
  let denied = CUSTOM_HEADER_DENY.has(lowerName)
  for (const pre of CUSTOM_HEADER_DENY_PREFIXES) if (lowerName.startsWith(pre)) denied = true
  return denied ? `CloudFront can't send ${lowerName} as an origin custom header` : undefined
}

/**
 * Every way an origin path breaks CloudFront's rules [EVT]: `""` or starting with `/`, not ending with `/`, at most
 * 255 characters, URL-encoded. Each entry completes a sentence starting with the field's name.
 *
 * @example
 * ```ts
 * originPathProblems('/a/') // ['must not end with /, got "/a/"']
 * ```
 */
export function originPathProblems(v: string): string[] {
  const out: string[] = []
  if (v === '') return out
  if (v[0] !== '/') out.push(`must be "" or start with /, got ${show(v)}`)
  else if (v.endsWith('/')) out.push(`must not end with /, got ${show(v)}`)
  if (v.length > ORIGIN_FIELD_LIMITS.path) out.push(`is ${v.length} characters, more than the ${ORIGIN_FIELD_LIMITS.path} allowed`)
  if (!URL_PATH.test(v)) out.push(`must be URL-encoded, got ${show(v)}`)
  return out
}

/**
 * Why a custom origin's domain name breaks CloudFront's rules [EVT] (no `:`, not an IP address, at most 253
 * characters, a DNS name); `undefined` when it is fine. Completes a sentence starting with the field's name.
 *
 * @example
 * ```ts
 * customDomainNameProblem('10.0.0.1') // 'must be a DNS name, not an IP address, got "10.0.0.1"'
 * ```
 */
export function customDomainNameProblem(d: string): string | undefined {
  if (d.includes(':')) return `must not contain ":" (no port, no IPv6 address), got ${show(d)}`
  if (IPV4.test(d)) return `must be a DNS name, not an IP address, got ${show(d)}`
  if (d.length > ORIGIN_FIELD_LIMITS.customDomainName) return `is ${d.length} characters, more than the ${ORIGIN_FIELD_LIMITS.customDomainName} allowed`
  if (!DNS_NAME.test(d)) return `must be a DNS name (letters, digits, ".", "-", "_"), got ${show(d)}`
  return undefined
}

/**
 * Whether a domain is an S3 website endpoint (`bucket.s3-website-us-east-1.amazonaws.com`, or
 * `bucket.s3-website.eu-central-1.amazonaws.com` in newer regions): CloudFront reaches it as a custom origin, over
 * HTTP only, since website endpoints don't serve HTTPS [S3O], [OAC] (cloudfront-distribution.md §9).
 *
 * @example
 * ```ts
 * isS3WebsiteEndpoint('site.s3-website-us-east-1.amazonaws.com') // true
 * isS3WebsiteEndpoint('site.s3.us-east-1.amazonaws.com') // false: the REST endpoint
 * ```
 */
export function isS3WebsiteEndpoint(domain: string): boolean {
  return /\.s3-website[.-][a-z0-9-]+\.amazonaws\.com(\.cn)?\.?$/i.test(domain)
}

function pathViolations(v: unknown, at: string, out: Violation[]): void {
  if (typeof v !== 'string') {
    out.push({ code: INVALID, message: `${at} must be a string ("" or starting with /), got ${show(v)}`, path: at })
    return
  }
  for (const m of originPathProblems(v)) out.push({ code: INVALID, message: `${at} ${m}`, path: at })
}

function rangeViolation(v: unknown, at: string, min: number, max: number, out: Violation[], profile: string): void {
  if (!isInt(v) || v < min || v > max) {
    out.push({ code: INVALID, message: `${at} must be an integer from ${min} to ${max} (${profile} limits), got ${show(v)}`, path: at })
  }
}

function completionViolation(o: Record<string, unknown>, at: string, out: Violation[]): void {
  const rct = o.responseCompletionTimeout
  if (rct === undefined) return
  const p = `${at}.responseCompletionTimeout`
  if (!isInt(rct) || rct < 0) {
    out.push({ code: INVALID, message: `${p} must be a non-negative integer (0 = default), got ${show(rct)}`, path: p })
  } else if (rct !== 0 && isInt(o.readTimeout) && rct < o.readTimeout) {
    out.push({ code: INVALID, message: `${p} (${rct}) must be greater than or equal to readTimeout (${o.readTimeout}), or 0`, path: p })
  }
}

function customViolations(o: unknown, at: string, lim: LimitsProfile, out: Violation[]): void {
  if (!isObject(o)) {
    out.push({ code: INVALID, message: `${at} must be an object, got ${show(o)}`, path: at })
    return
  }
  const d = o.domainName
  const dp = `${at}.domainName`
  if (typeof d !== 'string' || d === '') {
    out.push({ code: INVALID, message: `${dp} must be a non-empty string, got ${show(d)}`, path: dp })
  } else {
    const m = customDomainNameProblem(d)
    if (m) out.push({ code: INVALID, message: `${dp} ${m}`, path: dp })
  }
  pathViolations(o.path, `${at}.path`, out)
  const port = o.port
  if (!isInt(port) || !(port === 80 || port === 443 || (port >= 1024 && port <= 65535))) {
    out.push({ code: INVALID, message: `${at}.port must be 80, 443 or 1024–65535, got ${show(port)}`, path: `${at}.port` })
  }
  if (o.protocol !== 'http' && o.protocol !== 'https') {
    out.push({ code: INVALID, message: `${at}.protocol must be "http" or "https", got ${show(o.protocol)}`, path: `${at}.protocol` })
  }
  rangeViolation(o.keepaliveTimeout, `${at}.keepaliveTimeout`, lim.keepaliveTimeout.min, lim.keepaliveTimeout.max, out, lim.name)
  rangeViolation(o.readTimeout, `${at}.readTimeout`, lim.readTimeout.min, lim.readTimeout.max, out, lim.name)
  completionViolation(o, at, out)
  const ssl = o.sslProtocols
  const sp = `${at}.sslProtocols`
  if (!Array.isArray(ssl)) {
    out.push({ code: INVALID, message: `${sp} must be an array of ${[...ORIGIN_SSL_PROTOCOLS].join(', ')}, got ${show(ssl)}`, path: sp })
  } else {
    for (let i = 0; i < ssl.length; i++) {
      const s: unknown = ssl[i]
      if (typeof s !== 'string' || !ORIGIN_SSL_PROTOCOLS.has(s)) {
        out.push({ code: INVALID, message: `${sp}[${i}] must be one of ${[...ORIGIN_SSL_PROTOCOLS].join(', ')}, got ${show(s)}`, path: `${sp}[${i}]` })
      }
    }
  }
  customHeaderViolations(o.customHeaders, `${at}.customHeaders`, out)
}

function s3Violations(o: unknown, at: string, lim: LimitsProfile, out: Violation[]): void {
  if (!isObject(o)) {
    out.push({ code: INVALID, message: `${at} must be an object, got ${show(o)}`, path: at })
    return
  }
  const auth = o.authMethod
  if (typeof auth !== 'string' || !S3_AUTH_METHODS.has(auth)) {
    out.push({ code: INVALID, message: `${at}.authMethod must be "origin-access-identity" or "none" (origin access control is not supported), got ${show(auth)}`, path: `${at}.authMethod` })
  }
  const d = o.domainName
  const dp = `${at}.domainName`
  if (typeof d !== 'string' || d === '') {
    out.push({ code: INVALID, message: `${dp} must be the bucket's non-empty DNS name, got ${show(d)}`, path: dp })
  } else if (d !== d.toLowerCase()) {
    out.push({ code: INVALID, message: `${dp} must be lowercase, got ${show(d)}`, path: dp })
  } else if (d.length > ORIGIN_FIELD_LIMITS.s3DomainName) {
    out.push({ code: INVALID, message: `${dp} is ${d.length} characters, more than the ${ORIGIN_FIELD_LIMITS.s3DomainName} allowed`, path: dp })
  } else if (!DNS_NAME.test(d)) {
    out.push({ code: INVALID, message: `${dp} must be a DNS name (letters, digits, ".", "-", "_"), got ${show(d)}`, path: dp })
  }
  pathViolations(o.path, `${at}.path`, out)
  const region = o.region
  if (auth === 'origin-access-identity' && (typeof region !== 'string' || region === '')) {
    out.push({ code: INVALID, message: `${at}.region is required with authMethod "origin-access-identity", got ${show(region)}`, path: `${at}.region` })
  } else if (region !== undefined && typeof region !== 'string') {
    out.push({ code: INVALID, message: `${at}.region must be a string, got ${show(region)}`, path: `${at}.region` })
  }
  if (o.readTimeout !== undefined) {
    if (!lim.s3ReadTimeout) {
      out.push({ code: INVALID, message: `${at}.readTimeout is not supported on S3 origins with the ${lim.name} limits profile, got ${show(o.readTimeout)}`, path: `${at}.readTimeout` })
    } else {
      rangeViolation(o.readTimeout, `${at}.readTimeout`, lim.readTimeout.min, lim.readTimeout.max, out, lim.name)
    }
  }
  completionViolation(o, at, out)
  customHeaderViolations(o.customHeaders, `${at}.customHeaders`, out)
}

/**
 * Every way `origin` breaks CloudFront's origin rules (reference §1.2): exactly one of `custom`/`s3`, and each
 * field's type and range for the limits profile (classic is stricter: keepalive 1–60 s, read 4–60 s, no S3
 * readTimeout). All violations have code `InvalidOrigin` and name the field and the bad value.
 * `path` prefixes each violation's path (default `origin`).
 *
 * @example
 * ```ts
 * originViolations({ custom: { ...event.Records[0].cf.request.origin.custom, port: 79 } })
 * // [{ code: 'InvalidOrigin', message: 'origin.custom.port must be 80, 443 or 1024–65535, got 79', path: 'origin.custom.port' }]
 * ```
 */
export function originViolations(origin: unknown, limits?: LimitsProfile | 'classic' | 'current', path = 'origin'): Violation[] {
  const out: Violation[] = []
  try {
    const lim = resolveLimits(limits)
    if (!isObject(origin)) {
      out.push({ code: INVALID, message: `${path} must be an object with exactly one of custom or s3, got ${show(origin)}`, path })
      return out
    }
    const hasCustom = origin.custom !== undefined
    const hasS3 = origin.s3 !== undefined
    if (hasCustom === hasS3) {
      out.push({
        code: INVALID,
        message: `${path} must have exactly one of custom or s3, got ${hasCustom ? 'both' : 'neither'}`,
        path,
      })
      return out
    }
    if (hasCustom) customViolations(origin.custom, `${path}.custom`, lim, out)
    else s3Violations(origin.s3, `${path}.s3`, lim, out)
  } catch (e) {
    out.push({ code: INVALID, message: `${path} could not be read: ${e instanceof Error ? e.message : show(e)}`, path })
  }
  return out
}

/**
 * Throws `EdgeRuleError('InvalidOrigin', …)` naming every bad field and value unless `origin` is a valid
 * CloudFront origin for the limits profile; throws `EdgeRuleError('OriginNotAllowed', …)` when `stage` is a
 * viewer stage (only origin-request and origin-response events carry an origin).
 *
 * @example
 * ```ts
 * const origin = { custom: { domainName: 'api.example.com', port: 443, protocol: 'https', path: '',
 *   sslProtocols: ['TLSv1.2'], readTimeout: 30, keepaliveTimeout: 5, customHeaders: {} } }
 * assertOrigin(origin, limits.classic, 'origin-request') // ok: origin is now typed CfOrigin
 * ```
 */
export function assertOrigin(
  origin: unknown,
  limits?: LimitsProfile | 'classic' | 'current',
  stage?: Stage,
): asserts origin is CfOrigin {
  if (stage === 'viewer-request' || stage === 'viewer-response') {
    throw new EdgeRuleError('OriginNotAllowed', `the origin can only be set in origin-request (not ${stage})`, origin, stage)
  }
  const v = originViolations(origin, limits)
  if (v.length > 0) throw new EdgeRuleError(INVALID, v.map((x) => x.message).join('; '), origin, stage)
}
