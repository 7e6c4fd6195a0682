/**
 * CloudFront cache-behavior path patterns for the simulated edge; the compiler is edgeware's one copy
 * (src/cloudfront/path-pattern.ts).
 */
import { compilePathPattern } from '../cloudfront/path-pattern.js'

/**
 * Compiles a CloudFront path pattern to a RegExp anchored on the whole URI path.
 *
 * @example
 * ```ts
 * pathPatternRegExp('/api/*').test('/api/users') // true
 * pathPatternRegExp('*.jp?g').test('/a/b.jpeg') // true
 * ```
 */
export const pathPatternRegExp: (pattern: string) => RegExp = (pattern) => compilePathPattern(pattern)

/**
 * Does a URI path match a CloudFront path pattern?
 *
 * @example
 * ```ts
 * matchPathPattern('/images/*.jpg', '/images/a/b.jpg') // true
 * matchPathPattern('/API/*', '/api/x') // false: case-sensitive
 * ```
 */
export function matchPathPattern(pattern: string, path: string): boolean {
  return compilePathPattern(pattern).test(path)
}

/**
 * The first behavior (in precedence order) whose pattern matches `path`; the default behavior (last) otherwise.
 *
 * @example
 * ```ts
 * const pick = behaviorMatcher(['/api/*', '*'])
 * pick('/api/x') // 0
 * pick('/about') // 1
 * ```
 */
export function behaviorMatcher(patterns: readonly string[]): (path: string) => number {
  const res = patterns.map((p, i) => (i === patterns.length - 1 ? /^/ : compilePathPattern(p)))
  return function matchBehavior(path: string): number {
    for (let i = 0; i < res.length; i++) if (res[i]!.test(path)) return i
    return res.length - 1
  }
}
