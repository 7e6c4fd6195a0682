/**
 * CloudFront's invalidation paths (reference cloudfront-distribution.md §10.1 [INV]): what a path may look like,
 * and which cached paths it removes.
 */

/**
 * What is wrong with an invalidation path, or undefined: it must start with `/` (as the API requires), and `*` may
 * only be its last character.
 *
 * @example
 * ```ts
 * invalidationPathProblem('/images/*') // undefined
 * invalidationPathProblem('/images/*.jpg') // '"/images/*.jpg": a * is allowed only as the last character of an invalidation path'
 * ```
 */
export function invalidationPathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return `${JSON.stringify(path)}: an invalidation path must start with "/" (try "/${path}")`
  const star = path.indexOf('*')
  if (star >= 0 && star !== path.length - 1) return `${JSON.stringify(path)}: a * is allowed only as the last character of an invalidation path`
  return undefined
}

/**
 * Whether an invalidation path removes a cached object, given the object's path as cached (its URI, and the query
 * string its cache key holds after `?`): the same path exactly, or — for a path ending in `*` — any path that
 * starts with what comes before the `*`. Case-sensitive; a query string counts only when the path names it or a `*`
 * covers it. Headers, cookies and encodings don't matter: every variant of a path goes.
 *
 * @example
 * ```ts
 * invalidates('/docs/*', '/docs/a.html') // true
 * invalidates('/img.jpg', '/img.jpg?w=100') // false: name the query string, or use /img.jpg*
 * invalidates('/Docs/*', '/docs/a.html') // false
 * ```
 */
export function invalidates(path: string, cached: string): boolean {
  return path.endsWith('*') ? cached.startsWith(path.slice(0, -1)) : cached === path
}
