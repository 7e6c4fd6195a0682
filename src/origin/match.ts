/**
 * Path-prefix matching and host-key normalisation, both on the hot path: no allocation for the common case.
 *
 * Matching is on path segments: `/static` matches `/static` and `/static/app.js` but not `/statics`;
 * a prefix ending in `/` (`/static/`) matches what starts with it; `/` matches every path.
 * Case-sensitive, like CloudFront paths; the query string is not part of the match.
 */

/**
 * Whether `prefix` matches `uri` on a segment boundary.
 *
 * @example
 * ```ts
 * prefixMatches('/blog', '/blog/2024') // true
 * prefixMatches('/blog', '/blogroll')  // false
 * prefixMatches('/', '/anything')      // true
 * ```
 */
export function prefixMatches(prefix: string, uri: string): boolean {
  const n = prefix.length
  if (n === 1) return true // '/'
  if (!uri.startsWith(prefix)) return false
  return uri.length === n || prefix.charCodeAt(n - 1) === 47 || uri.charCodeAt(n) === 47
}

/**
 * Sorts rules longest prefix first (ties keep their order) so the first match is the longest one.
 *
 * @example
 * ```ts
 * sortByPrefix([{ pathPrefix: '/' }, { pathPrefix: '/api' }])[0].pathPrefix // '/api'
 * ```
 */
export function sortByPrefix<T extends { pathPrefix: string }>(rules: T[]): T[] {
  return rules.sort((a, b) => b.pathPrefix.length - a.pathPrefix.length)
}

/**
 * The longest matching rule of a list sorted with `sortByPrefix`, or undefined.
 *
 * @example
 * ```ts
 * longestMatch(sortByPrefix(rules), '/api/users')
 * ```
 */
export function longestMatch<T extends { pathPrefix: string }>(sorted: readonly T[], uri: string): T | undefined {
  for (let i = 0; i < sorted.length; i++) {
    const r = sorted[i]!
    if (prefixMatches(r.pathPrefix, uri)) return r
  }
  return undefined
}

/**
 * The table key for a Host / X-Forwarded-Host value: the first of a comma-separated list, lowercased, without
 * port and trailing dot. Returns the input itself when it is already normalised (no allocation).
 *
 * @example
 * ```ts
 * normalizeHost('Shop.Example.com:8443') // 'shop.example.com'
 * normalizeHost('[::1]:8080')            // '[::1]'
 * ```
 */
export function normalizeHost(value: string): string {
  let clean = true
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    // A–Z, ':', ',', ' ', tab, or a trailing '.'
    if ((c >= 65 && c <= 90) || c === 58 || c === 44 || c === 32 || c === 9) {
      clean = false
      break
    }
  }
  if (clean && value.charCodeAt(value.length - 1) !== 46) return value
  let v = value
  const comma = v.indexOf(',')
  if (comma >= 0) v = v.slice(0, comma)
  v = v.trim().toLowerCase()
  if (v.startsWith('[')) {
    const end = v.indexOf(']')
    v = end >= 0 ? v.slice(0, end + 1) : v
  } else {
    const colon = v.indexOf(':')
    if (colon >= 0) v = v.slice(0, colon)
  }
  while (v.endsWith('.')) v = v.slice(0, -1)
  return v
}
