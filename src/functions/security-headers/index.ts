/**
 * `securityHeaders(options)` for a viewer-response CloudFront Function: the twin of `edgeware/middleware`'s, same
 * options, same headers.
 * @module
 */
import type { CffRequest, CffResponse } from '../../cloudfront/functions-types.js'
import type { HstsOptions, SecurityHeadersOptions } from '../../middleware/security-headers/index.js'
import type { FunctionHook } from '../compose.js'
import { checkedValue, own } from '../_shared/index.js'

function hstsValue(o: string | HstsOptions): string {
  if (typeof o === 'string') return o
  const maxAge = o.maxAge !== undefined ? o.maxAge : 63072000
  if (!Number.isInteger(maxAge) || maxAge < 0) throw new TypeError('securityHeaders(): hsts.maxAge must be a whole number of seconds >= 0, got ' + JSON.stringify(maxAge))
  return 'max-age=' + maxAge + (o.includeSubDomains === false ? '' : '; includeSubDomains') + (o.preload ? '; preload' : '')
}

function cspValue(o: string | Readonly<Record<string, string | readonly string[]>>): string {
  if (typeof o === 'string') return o
  const parts: string[] = []
  for (const directive in o) {
    if (!own(o, directive)) continue
    if (!/^[a-z-]+$/.test(directive)) throw new TypeError('securityHeaders(): "' + directive + '" is not a CSP directive name')
    const v = o[directive]!
    const sources = typeof v === 'string' ? v : v.join(' ')
    if (/[;,]/.test(sources)) throw new TypeError('securityHeaders(): CSP sources of ' + directive + ' contain ";" or ",": ' + JSON.stringify(sources))
    parts.push(sources ? directive + ' ' + sources : directive)
  }
  return parts.join('; ')
}

function permissionsValue(o: string | Readonly<Record<string, readonly string[]>>): string {
  if (typeof o === 'string') return o
  const parts: string[] = []
  for (const feature in o) {
    if (!own(o, feature)) continue
    if (!/^[a-z-]+$/.test(feature)) throw new TypeError('securityHeaders(): "' + feature + '" is not a Permissions-Policy feature name')
    const list = o[feature]!.map(function (a) {
      return a === 'self' || a === '*' || a.charAt(0) === '"' ? a : '"' + a + '"'
    })
    parts.push(list.length === 1 && list[0] === '*' ? feature + '=*' : feature + '=(' + list.join(' ') + ')')
  }
  return parts.join(', ')
}

/**
 * Adds security headers to every response, as `edgeware/middleware`'s `securityHeaders` does (values computed
 * and checked when the hook is built).
 *
 * @example
 * ```ts
 * import { viewerResponseFunction, securityHeaders } from 'edgeware/functions'
 * export const handler = viewerResponseFunction(securityHeaders({ contentSecurityPolicy: { 'default-src': ["'self'"] } }))
 * ```
 */
export function securityHeaders(options?: SecurityHeadersOptions): FunctionHook {
  const o = options !== undefined ? options : {}
  const headers: string[][] = []
  const add = function (name: string, value: string): void {
    headers.push([name, checkedValue('securityHeaders', name, value)])
  }
  if (o.hsts !== false) add('strict-transport-security', hstsValue(o.hsts !== undefined ? o.hsts : {}))
  if (o.contentSecurityPolicy) add(o.cspReportOnly ? 'content-security-policy-report-only' : 'content-security-policy', cspValue(o.contentSecurityPolicy))
  if (o.contentTypeOptions !== false) add('x-content-type-options', 'nosniff')
  if (o.frameOptions !== false) add('x-frame-options', o.frameOptions !== undefined ? o.frameOptions : 'DENY')
  if (o.referrerPolicy !== false) add('referrer-policy', o.referrerPolicy !== undefined ? o.referrerPolicy : 'strict-origin-when-cross-origin')
  if (o.permissionsPolicy) add('permissions-policy', permissionsValue(o.permissionsPolicy))
  const override = o.override !== false
  return {
    name: 'securityHeaders',
    response: function securityHeadersResponse(response: CffResponse, _request: CffRequest): void {
      const h = response.headers !== undefined ? response.headers : (response.headers = {})
      for (let i = 0; i < headers.length; i++) {
        const name = headers[i]![0]!
        if (override || !own(h, name)) h[name] = { value: headers[i]![1]! }
      }
    },
  }
}
