/**
 * `securityHeaders(options)`: HSTS, CSP and friends on every response (origin-response or viewer-response).
 * @module
 */
import type { Middleware, ResponseContext } from '../../core/types.js'
import { checkedValue, NEEDS_RESPONSE_STAGE, stageError } from '../_shared/index.js'

/**
 * `Strict-Transport-Security` settings.
 *
 * @example
 * ```ts
 * securityHeaders({ hsts: { maxAge: 31536000, includeSubDomains: true, preload: true } })
 * ```
 */
export interface HstsOptions {
  /** Seconds (default 63072000, two years). */
  maxAge?: number
  /** Default `true`. */
  includeSubDomains?: boolean
  /** Default `false` (only set it once you mean to submit the domain to the preload list). */
  preload?: boolean
}

/**
 * Options of {@link securityHeaders}. Each header can be switched off with `false`.
 *
 * @example
 * ```ts
 * const opts: SecurityHeadersOptions = { frameOptions: 'SAMEORIGIN', contentSecurityPolicy: "default-src 'self'" }
 * ```
 */
export interface SecurityHeadersOptions {
  /** `Strict-Transport-Security` (default `max-age=63072000; includeSubDomains`). */
  hsts?: false | string | HstsOptions
  /**
   * `Content-Security-Policy`: a string, or directives (`{ 'default-src': ["'self'"], 'img-src': ["'self'", 'data:'] }`).
   * Not set by default: a wrong CSP breaks a site.
   */
  contentSecurityPolicy?: false | string | Readonly<Record<string, string | readonly string[]>>
  /** Send the CSP as `Content-Security-Policy-Report-Only` instead (default `false`). */
  cspReportOnly?: boolean
  /** `X-Content-Type-Options: nosniff` (default `true`). */
  contentTypeOptions?: boolean
  /** `X-Frame-Options` (default `DENY`). */
  frameOptions?: false | 'DENY' | 'SAMEORIGIN'
  /** `Referrer-Policy` (default `strict-origin-when-cross-origin`). */
  referrerPolicy?: false | string
  /** `Permissions-Policy`: a string, or features (`{ camera: [], geolocation: ['self'] }` → `camera=(), geolocation=(self)`). Not set by default. */
  permissionsPolicy?: false | string | Readonly<Record<string, readonly string[]>>
  /** Replace a value the origin already sent (default `true`); `false` keeps the origin's. */
  override?: boolean
}

function hstsValue(o: string | HstsOptions): string {
  if (typeof o === 'string') return o
  const maxAge = o.maxAge ?? 63_072_000
  if (!Number.isInteger(maxAge) || maxAge < 0) throw new TypeError(`securityHeaders(): hsts.maxAge must be a whole number of seconds >= 0, got ${JSON.stringify(maxAge)}`)
  return `max-age=${maxAge}${o.includeSubDomains === false ? '' : '; includeSubDomains'}${o.preload ? '; preload' : ''}`
}

function cspValue(o: string | Readonly<Record<string, string | readonly string[]>>): string {
  if (typeof o === 'string') return o
  return Object.entries(o)
    .map(([directive, v]) => {
      if (!/^[a-z-]+$/.test(directive)) throw new TypeError(`securityHeaders(): "${directive}" is not a CSP directive name`)
      const sources = typeof v === 'string' ? v : v.join(' ')
      if (/[;,]/.test(sources)) throw new TypeError(`securityHeaders(): CSP sources of ${directive} contain ";" or ",": ${JSON.stringify(sources)}`)
      return sources ? `${directive} ${sources}` : directive
    })
    .join('; ')
}

function permissionsValue(o: string | Readonly<Record<string, readonly string[]>>): string {
  if (typeof o === 'string') return o
  return Object.entries(o)
    .map(([feature, allow]) => {
      if (!/^[a-z-]+$/.test(feature)) throw new TypeError(`securityHeaders(): "${feature}" is not a Permissions-Policy feature name`)
      const list = allow.map((a) => (a === 'self' || a === '*' ? a : a.startsWith('"') ? a : `"${a}"`))
      return list.length === 1 && list[0] === '*' ? `${feature}=*` : `${feature}=(${list.join(' ')})`
    })
    .join(', ')
}

/**
 * Adds security headers to every response. The values are computed and checked once, when the factory runs;
 * each request only sets the precomputed headers.
 *
 * Runs in origin-response (the headers are cached with the object) or viewer-response (added on every
 * response, cache hits included). A request stage throws `EdgeRuleError` (`UnsupportedStage`) on first use.
 *
 * @example
 * ```ts
 * import { originResponse } from 'edgeware'
 * import { securityHeaders } from 'edgeware/middleware'
 *
 * export const handler = originResponse(
 *   securityHeaders({
 *     contentSecurityPolicy: { 'default-src': ["'self'"], 'img-src': ["'self'", 'data:'] },
 *     permissionsPolicy: { camera: [], geolocation: ['self'] },
 *   }),
 * )
 * ```
 */
export function securityHeaders(options: SecurityHeadersOptions = {}): Middleware<ResponseContext> {
  const headers: [string, string][] = []
  const add = (name: string, value: string) => headers.push([name, checkedValue('securityHeaders', name, value)])
  if (options.hsts !== false) add('Strict-Transport-Security', hstsValue(options.hsts ?? {}))
  if (options.contentSecurityPolicy) {
    add(options.cspReportOnly ? 'Content-Security-Policy-Report-Only' : 'Content-Security-Policy', cspValue(options.contentSecurityPolicy))
  }
  if (options.contentTypeOptions !== false) add('X-Content-Type-Options', 'nosniff')
  if (options.frameOptions !== false) add('X-Frame-Options', options.frameOptions ?? 'DENY')
  if (options.referrerPolicy !== false) add('Referrer-Policy', options.referrerPolicy ?? 'strict-origin-when-cross-origin')
  if (options.permissionsPolicy) add('Permissions-Policy', permissionsValue(options.permissionsPolicy))
  const override = options.override !== false

  return async function securityHeadersMiddleware(c, next) {
    if (c.stage !== 'origin-response' && c.stage !== 'viewer-response') throw stageError('securityHeaders', c.stage, NEEDS_RESPONSE_STAGE)
    await next()
    const h = c.response.headers
    for (const [name, value] of headers) {
      if (override || !h.has(name)) h.set(name, value)
    }
  }
}
