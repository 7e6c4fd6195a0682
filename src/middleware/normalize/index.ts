/**
 * `normalize(options)`: one URL per resource, to raise the cache hit ratio.
 * @module
 */
import type { Middleware, RequestContext } from '../../core/types.js'
import { NEEDS_REQUEST_STAGE, stageError } from '../_shared/index.js'
import { TRACKING_PARAMS } from './tracking.js'

export { TRACKING_PARAMS }

/**
 * Options of {@link normalize}.
 *
 * @example
 * ```ts
 * const opts: NormalizeOptions = { keepParams: ['q', 'page'], lowercasePath: true }
 * ```
 */
export interface NormalizeOptions {
  /** Sort query parameters by name (stable: repeated names keep their order). Default `true`. */
  sortQuery?: boolean
  /**
   * Parameters removed from the query string: names, or prefixes ending in `*` (`utm_*`).
   * Default: {@link TRACKING_PARAMS}. Pass `[]` to keep everything.
   */
  dropParams?: readonly string[]
  /** Keep only these parameters (names or `prefix*`); applied before `dropParams`. */
  keepParams?: readonly string[]
  /** Drop parameters with an empty value (`?a=&b` → ``). Default `false`. */
  dropEmpty?: boolean
  /** Lowercase the path (for case-insensitive origins). Default `false`. */
  lowercasePath?: boolean
  /**
   * Collapse repeated slashes in the path (`/a//b` → `/a/b`). Default `true`. Backslashes are turned into slashes
   * whatever this says: browsers read `/\evil.com` as `//evil.com`.
   */
  collapseSlashes?: boolean
  /** Remove a trailing slash (`/docs/` → `/docs`, `/` stays). Default `false`. */
  removeTrailingSlash?: boolean
}

/** A name list (`name` or `prefix*`) as a predicate over decoded parameter names. */
function nameMatcher(list: readonly string[]): (name: string) => boolean {
  const exact = new Set<string>()
  const prefixes: string[] = []
  for (const n of list) {
    if (typeof n !== 'string' || n === '') throw new TypeError(`normalize(): parameter names must be non-empty strings, got ${JSON.stringify(n)}`)
    if (n.endsWith('*')) prefixes.push(n.slice(0, -1))
    else exact.add(n)
  }
  return (name) => {
    if (exact.has(name)) return true
    for (const p of prefixes) if (name.startsWith(p)) return true
    return false
  }
}

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '))
  } catch {
    return raw
  }
}

/**
 * Normalizes the request URL so equivalent URLs share one cache entry: strips tracking parameters
 * (`utm_*`, `fbclid`, `gclid`, …), sorts the query string, optionally keeps only known parameters, collapses
 * `//`, and lowercases the path if asked. Parameters are rewritten in their raw, percent-encoded form: only
 * their order and presence change.
 *
 * Use it in viewer-request (it runs before CloudFront computes the cache key); origin-request works too but
 * only changes what the origin sees. Response stages throw `EdgeRuleError` (`UnsupportedStage`) on first use.
 *
 * @example
 * ```ts
 * import { viewerRequest } from 'edgeware'
 * import { normalize } from 'edgeware/middleware'
 *
 * export const handler = viewerRequest(normalize({ keepParams: ['page', 'q'], lowercasePath: true }))
 * // /Blog//Post?utm_source=x&q=a&page=2 → /blog/post?page=2&q=a
 * ```
 */
export function normalize(options: NormalizeOptions = {}): Middleware<RequestContext> {
  const sortQuery = options.sortQuery !== false
  const drop = nameMatcher(options.dropParams ?? TRACKING_PARAMS)
  const keep = options.keepParams ? nameMatcher(options.keepParams) : undefined
  const dropEmpty = options.dropEmpty === true
  const lowercasePath = options.lowercasePath === true
  const collapseSlashes = options.collapseSlashes !== false
  const removeTrailingSlash = options.removeTrailingSlash === true

  function normalizeQuery(qs: string): string {
    const parts = qs.split('&')
    const kept: { name: string; part: string }[] = []
    for (const part of parts) {
      if (part === '') continue
      const eq = part.indexOf('=')
      const name = decodeName(eq === -1 ? part : part.slice(0, eq))
      if (keep && !keep(name)) continue
      if (drop(name)) continue
      if (dropEmpty && (eq === -1 || eq === part.length - 1)) continue
      kept.push({ name, part })
    }
    // Array.prototype.sort is stable: repeated names keep their relative order.
    if (sortQuery) kept.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    let out = ''
    for (let i = 0; i < kept.length; i++) out += (i ? '&' : '') + kept[i]!.part
    return out
  }

  return async function normalizeMiddleware(c, next) {
    if (c.stage !== 'viewer-request' && c.stage !== 'origin-request') throw stageError('normalize', c.stage, NEEDS_REQUEST_STAGE)
    const req = c.request
    const qs = req.querystring
    if (qs !== '') {
      const nq = normalizeQuery(qs)
      if (nq !== qs) req.querystring = nq
    }
    let uri = req.uri
    // A raw backslash is a slash to every browser: `/\evil.com` echoed into a Location would be `//evil.com`.
    if (uri.includes('\\')) uri = uri.replace(/\\/g, '/')
    if (collapseSlashes && uri.includes('//')) uri = uri.replace(/\/{2,}/g, '/')
    if (lowercasePath) uri = uri.toLowerCase()
    if (removeTrailingSlash && uri.length > 1 && uri.endsWith('/')) uri = uri.replace(/\/+$/, '') || '/'
    if (uri !== req.uri) req.uri = uri
    return next()
  }
}
