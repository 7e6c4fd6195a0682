/**
 * CloudFront cache-behavior path patterns: `*` matches zero or more characters (slashes included), `?` exactly one,
 * everything else literally and case-sensitively; a pattern without a leading `/` is the same as with one.
 * (CloudFront Developer Guide, "Path pattern" in "Cache behavior settings".)
 */

/**
 * Compiles a CloudFront path pattern to a RegExp anchored on the whole URI path.
 *
 * @example
 * ```ts
 * pathPatternRegExp('/api/*').test('/api/users') // true
 * pathPatternRegExp('*.jp?g').test('/a/b.jpeg') // true
 * ```
 */
export function pathPatternRegExp(pattern: string): RegExp {
  if (pattern === '*') return /^/
  const p = pattern.startsWith('/') || pattern.startsWith('*') ? pattern : '/' + pattern
  let src = '^'
  for (const ch of p) {
    if (ch === '*') src += '.*'
    else if (ch === '?') src += '.'
    else src += ch.replace(/[.+^${}()|[\]\\/]/g, '\\$&')
  }
  return new RegExp(src + '$', 's')
}

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
  return pathPatternRegExp(pattern).test(path)
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
  const res = patterns.map((p, i) => (i === patterns.length - 1 ? /^/ : pathPatternRegExp(p)))
  return function matchBehavior(path: string): number {
    for (let i = 0; i < res.length; i++) if (res[i]!.test(path)) return i
    return res.length - 1
  }
}
