/**
 * CloudFront cache-behavior path patterns, compiled in one place for `path()`, the ready-made middleware and the
 * simulator's edge: `*` matches zero or more characters (slashes included), `?` exactly one, everything else
 * literally and case-sensitively; a pattern without a leading `/` is the same as with one. Anchored at both ends.
 * (CloudFront Developer Guide, "Path pattern" in "Cache behavior settings".)
 */

/**
 * Compiles a CloudFront path pattern to a RegExp anchored on the whole URI path. With `capture`, each wildcard
 * is a group, in order (`*` → `(.*)`, `?` → `(.)`), for targets such as `redirects()`' `/new/*`.
 *
 * @example
 * ```ts
 * compilePathPattern('/images/*.jpg').test('/images/a/b.jpg') // true
 * compilePathPattern('*.jp?g').test('/a/b.jpeg') // true
 * compilePathPattern('/old/*', true).exec('/old/a/b')?.[1] // 'a/b'
 * ```
 */
export function compilePathPattern(pattern: string, capture?: boolean): RegExp {
  if (typeof pattern !== 'string' || pattern.length === 0) {
    throw new TypeError(`edgeware: a path pattern must be a non-empty string, got ${JSON.stringify(pattern) ?? String(pattern)}`)
  }
  const p = pattern.startsWith('/') || pattern.startsWith('*') ? pattern : '/' + pattern
  // Written for CloudFront Functions too (edgeware/functions bundles it): no default parameter, no for-of, no `s`
  // flag ([\s\S] is `.` with it).
  let src = '^'
  for (let i = 0; i < p.length; i++) {
    const ch = p[i]!
    if (ch === '*') src += capture ? '([\\s\\S]*)' : '[\\s\\S]*'
    else if (ch === '?') src += capture ? '([\\s\\S])' : '[\\s\\S]'
    else src += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(src + '$')
}
