/**
 * Helpers shared by the ready-made middleware (not part of the public API): stage guards, CloudFront
 * path-pattern matching and header-value checks done once, at construction.
 */
import { EdgeRuleError } from '../../core/errors.js'
import type { CfOrigin, Stage } from '../../cloudfront/types.js'
import { compilePathPattern } from '../../cloudfront/path-pattern.js'
import type { OriginRequestContext } from '../../core/types.js'

/**
 * The error a middleware throws when it runs in a stage where CloudFront would reject (or silently ignore)
 * what it does. Rule code `UnsupportedStage`; `value` is the stage.
 */
export function stageError(middleware: string, stage: Stage, why: string): EdgeRuleError {
  return new EdgeRuleError('UnsupportedStage', `${middleware}() can't run in ${stage}: ${why}`, stage, stage)
}

/** Why a request-only middleware can't run in a response stage. */
export const NEEDS_REQUEST_STAGE = 'it rewrites the request or answers it, which CloudFront only allows in viewer-request or origin-request'
/** Why an authentication middleware (basicAuth, jwtAuth) can't run in `stage`: only viewer-request checks every request. */
export function authStageWhy(stage: Stage): string {
  return stage === 'origin-request'
    ? 'the 401 and the authorized response would be cached and served to other viewers without a check; use viewer-request'
    : 'only a request stage can answer with 401, and only viewer-request runs for every request'
}
/** Why a response-only middleware can't run in a request stage. */
export const NEEDS_RESPONSE_STAGE = 'it edits the response, which exists only in origin-response and viewer-response'

/** Characters that must not appear raw in a Location or Set-Cookie value built from request data. */
// eslint-disable-next-line no-control-regex
const UNSAFE_URL_CHAR = /[\u0000-\u0020"<>\\^`{|}\u007f-\u{10ffff}]/u
// eslint-disable-next-line no-control-regex
const UNSAFE_URL_CHARS = /[\u0000-\u0020"<>\\^`{|}\u007f-\u{10ffff}]/gu

function encodeChar(ch: string): string {
  try {
    return encodeURIComponent(ch)
  } catch {
    return '%EF%BF%BD' // a lone surrogate: U+FFFD
  }
}

/**
 * Percent-encodes every character that is not safe in a URL header value (controls, CR/LF, space, quotes,
 * non-ASCII as UTF-8). `%` itself is kept, so an already-encoded URI is not double-encoded.
 */
export function encodeUnsafeUrlChars(s: string): string {
  return UNSAFE_URL_CHAR.test(s) ? s.replace(UNSAFE_URL_CHARS, encodeChar) : s
}

/** Whether a string is a CloudFront path pattern with wildcards. */
export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?')
}

/**
 * Compiles a list of path patterns (exact paths or CloudFront patterns) into one predicate.
 * Exact paths are looked up in a Set; patterns are tried in order.
 */
export function pathMatcher(patterns: readonly string[] | undefined): ((uri: string) => boolean) | undefined {
  if (!patterns || patterns.length === 0) return undefined
  const exact = new Set<string>()
  const res: RegExp[] = []
  for (const p of patterns) {
    if (typeof p !== 'string' || !p.startsWith('/')) {
      throw new TypeError(`path pattern must be a string starting with "/", got ${JSON.stringify(p)}`)
    }
    if (hasWildcard(p)) res.push(compilePathPattern(p))
    else exact.add(p)
  }
  return function matchPath(uri: string): boolean {
    if (exact.has(uri)) return true
    for (const re of res) if (re.test(uri)) return true
    return false
  }
}

/** A header value that is checked once at construction: CR/LF or another control character throws. */
export function checkedValue(middleware: string, name: string, value: string): string {
  // eslint-disable-next-line no-control-regex
  if (typeof value !== 'string' || /[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) {
    throw new EdgeRuleError(
      'InvalidHeaderValue',
      `${middleware}(): the value of ${name} must be a string without CR, LF or control characters, got ${JSON.stringify(value)}`,
      value,
    )
  }
  return value
}

/** RFC 6265 cookie-name / token characters. */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/**
 * An origin given as a domain name (a custom HTTPS origin) or a full CloudFront origin object.
 *
 * @example
 * ```ts
 * abTest({ variants: [{ name: 'b', origin: 'b.example.com' }] }) // or an origin object { custom: {...} } / { s3: {...} }
 * ```
 */
export type OriginTarget = string | CfOrigin

/**
 * Builds the origin object for a target, keeping the current custom origin's settings when only a domain is given.
 * The defaults are CloudFront's, as `toCfOrigin` (src/origin/schema.ts) fills them; calling that instead would add
 * about 1 KB of origin-rule code to every geo/abTest bundle for these eight fields.
 */
export function toOrigin(target: OriginTarget, current: CfOrigin | undefined): CfOrigin {
  if (typeof target !== 'string') return target
  if (current?.custom) return { custom: { ...current.custom, domainName: target } }
  return {
    custom: {
      customHeaders: {},
      domainName: target,
      keepaliveTimeout: 5,
      path: '',
      port: 443,
      protocol: 'https',
      readTimeout: 30,
      sslProtocols: ['TLSv1.2'],
    },
  }
}

/** Checks an origin target at construction: a domain name (no scheme, port or path) or an object with custom/s3. */
export function checkOriginTarget(middleware: string, target: unknown): OriginTarget {
  if (typeof target === 'string') {
    if (!/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(target) || target.length > 253) {
      throw new TypeError(`${middleware}(): origin must be a domain name such as "eu.example.com" (no scheme, port or path), got ${JSON.stringify(target)}`)
    }
    return target
  }
  if (target && typeof target === 'object' && (('custom' in target) !== ('s3' in target))) return target as CfOrigin
  throw new TypeError(`${middleware}(): origin must be a domain name or a CloudFront origin object { custom } or { s3 }, got ${JSON.stringify(target)}`)
}

/** Switches the request to another origin (origin-request) and points Host at it, as AWS's examples do [EX]. */
export function switchOrigin(c: OriginRequestContext, target: OriginTarget): void {
  const origin = toOrigin(target, c.request.origin)
  c.request.origin = origin
  c.request.headers.set('host', origin.custom ? origin.custom.domainName : origin.s3!.domainName)
}
