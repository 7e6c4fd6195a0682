/**
 * `when` and `path`: run middleware conditionally. Both work with any stage's context.
 */
import { compilePathPattern } from '../cloudfront/path-pattern.js'
import { compose } from './compose.js'
import type { BaseContext, Middleware } from './types.js'

/**
 * Runs `middleware` only when `predicate(c)` is true; otherwise goes straight on with `next()`.
 *
 * @example
 * ```ts
 * export const handler = viewerRequest(
 *   when((c) => c.request.method === 'POST', rateLimit),
 * )
 * ```
 */
export function when<C extends BaseContext>(predicate: (c: C) => boolean, ...middleware: Middleware<C>[]): Middleware<C> {
  if (typeof predicate !== 'function') throw new TypeError(`edgeware: when() needs a predicate function, got ${typeof predicate}`)
  const run = compose(middleware)
  return function whenMiddleware(c, next) {
    return predicate(c) ? run(c, next) : next()
  }
}

/**
 * Compiles a CloudFront path pattern to a RegExp: `*` matches any run of characters (including `/` and none),
 * `?` exactly one character, everything else literally, case-sensitive, anchored at both ends [RALL], per
 * CloudFront's cache-behavior path patterns; `images/*` is read as `/images/*`.
 *
 * @example
 * ```ts
 * pathPatternToRegExp('/images/*.jpg').test('/images/a/b.jpg') // true
 * ```
 */
export const pathPatternToRegExp: (pattern: string) => RegExp = (pattern) => compilePathPattern(pattern)

/**
 * Runs `middleware` only when `c.request.uri` matches a CloudFront path pattern (`*` any run of characters,
 * `?` one character, case-sensitive). The pattern is compiled once. A pattern without a leading `/` also matches
 * as if it had one (CloudFront treats `images/*` and `/images/*` alike).
 *
 * @example
 * ```ts
 * export const handler = viewerRequest(
 *   path('/api/*', auth),
 *   path('/old-?', async (c) => { c.redirect('/new', 301) }),
 * )
 * ```
 */
export function path<C extends BaseContext & { readonly request: { readonly uri: string } }>(
  pattern: string,
  ...middleware: Middleware<C>[]
): Middleware<C> {
  const re = compilePathPattern(pattern)
  const run = compose(middleware)
  return function pathMiddleware(c, next) {
    return re.test(c.request.uri) ? run(c, next) : next()
  }
}
