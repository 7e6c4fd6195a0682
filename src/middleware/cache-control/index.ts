/**
 * `cacheControl(options)`: set or override caching headers per path (origin-response).
 * @module
 */
import type { Middleware, OriginResponseContext } from '../../core/types.js'
import { compilePathPattern } from '../../cloudfront/path-pattern.js'
import { checkedValue, hasWildcard, stageError } from '../_shared/index.js'

/**
 * One rule: the first rule whose path matches the request URI wins.
 *
 * @example
 * ```ts
 * const rule: CacheControlRule = { path: '/assets/*', value: 'public, max-age=31536000, immutable' }
 * ```
 */
export interface CacheControlRule {
  /** Exact path or CloudFront path pattern (`/assets/*`, `*.html`). */
  path: string
  /** The `Cache-Control` value, e.g. `public, max-age=31536000, immutable`, or `false` to leave the origin's. */
  value: string | false
  /** Statuses the rule applies to (default: 200, 203, 204, 206, 300, 301, 308, 404, 410 — never a 5xx). */
  statuses?: readonly number[]
  /** Replace a `Cache-Control` the origin sent (default: the `override` option, else `true`). */
  override?: boolean
}

/**
 * Options of {@link cacheControl}.
 *
 * @example
 * ```ts
 * const opts: CacheControlOptions = { rules: [{ path: '/api/*', value: 'no-store' }], default: 'public, max-age=300' }
 * ```
 */
export interface CacheControlOptions {
  /** Rules, first match wins. */
  rules: readonly CacheControlRule[]
  /** Value used when no rule matches (default: leave the origin's header). */
  default?: string
  /** Default for each rule's `override` (default `true`). */
  override?: boolean
  /** Remove `Expires` (and `Pragma`) when a value is set, so they can't contradict it (default `true`). */
  removeExpires?: boolean
}

interface Compiled {
  exact: string | undefined
  re: RegExp | undefined
  value: string | false
  statuses: ReadonlySet<number>
  override: boolean
}

/** RFC 9111 heuristically cacheable statuses: the ones a rule applies to unless it says otherwise. */
const DEFAULT_STATUSES: readonly number[] = [200, 203, 204, 206, 300, 301, 308, 404, 410]

/**
 * Sets `Cache-Control` on origin responses per path, before CloudFront caches them: long-lived immutable
 * assets, short HTML, no caching for an API. Rules are compiled once; a request does one Set lookup or a
 * few RegExp tests. Errors (5xx) are never given a long life unless a rule lists them in `statuses`.
 *
 * origin-response only: that is where the response is cached; in viewer-response a new `Cache-Control`
 * only reaches the browser and silently doesn't change CloudFront's cache. Other stages throw
 * `EdgeRuleError` (`UnsupportedStage`) on first use.
 *
 * @example
 * ```ts
 * import { originResponse } from 'edgeware'
 * import { cacheControl } from 'edgeware/middleware'
 *
 * export const handler = originResponse(
 *   cacheControl({
 *     rules: [
 *       { path: '/assets/*', value: 'public, max-age=31536000, immutable' },
 *       { path: '/api/*', value: 'no-store' },
 *       { path: '*.html', value: 'public, max-age=60, stale-while-revalidate=600' },
 *     ],
 *     default: 'public, max-age=300',
 *   }),
 * )
 * ```
 */
export function cacheControl(options: CacheControlOptions): Middleware<OriginResponseContext> {
  if (!options || !Array.isArray(options.rules)) throw new TypeError('cacheControl(): options.rules must be an array of { path, value }')
  const rules: Compiled[] = options.rules.map((r) => {
    if (typeof r.path !== 'string' || !(r.path.startsWith('/') || r.path.startsWith('*'))) {
      throw new TypeError(`cacheControl(): rule path must start with "/" or "*", got ${JSON.stringify(r.path)}`)
    }
    return {
      exact: hasWildcard(r.path) ? undefined : r.path,
      re: hasWildcard(r.path) ? compilePathPattern(r.path) : undefined,
      value: r.value === false ? false : checkedValue('cacheControl', `Cache-Control for ${r.path}`, r.value),
      statuses: new Set(r.statuses ?? DEFAULT_STATUSES),
      override: r.override ?? options.override ?? true,
    }
  })
  const fallback: Compiled | undefined =
    options.default === undefined
      ? undefined
      : { exact: undefined, re: undefined, value: checkedValue('cacheControl', 'default', options.default), statuses: new Set(DEFAULT_STATUSES), override: options.override ?? true }
  const removeExpires = options.removeExpires !== false

  return async function cacheControlMiddleware(c, next) {
    if (c.stage !== 'origin-response') {
      throw stageError(
        'cacheControl',
        c.stage,
        c.stage === 'viewer-response'
          ? "the response is already cached by then: Cache-Control set here reaches the browser but doesn't change CloudFront's cache; use origin-response"
          : 'there is no origin response to set caching headers on; use origin-response',
      )
    }
    await next()
    const uri = c.request.uri
    let rule = fallback
    for (const r of rules) {
      if (r.exact !== undefined ? r.exact === uri : r.re!.test(uri)) {
        rule = r
        break
      }
    }
    if (!rule || rule.value === false) return
    const res = c.response
    if (!rule.statuses.has(res.status)) return
    const h = res.headers
    if (!rule.override && h.has('cache-control')) return
    h.set('Cache-Control', rule.value)
    if (removeExpires) {
      if (h.has('expires')) h.delete('expires')
      if (h.has('pragma')) h.delete('pragma')
    }
  }
}
