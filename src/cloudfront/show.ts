/**
 * How the rule checks (`validate.ts`, `origin-rules.ts`) look at and quote the values they judge. Internal: not
 * re-exported by `edgeware/cloudfront`.
 */

/**
 * A value as a rule message quotes it (strings quoted and cut at 80 characters, objects by kind).
 *
 * @example
 * ```ts
 * show('a') // '"a"'; show([1]) // 'an array'
 * ```
 */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v)
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  if (typeof v === 'object') return 'an object'
  if (typeof v === 'bigint') return `${v}n`
  if (typeof v === 'symbol' || typeof v === 'function') return `a ${typeof v}`
  return String(v)
}

/**
 * A plain object (not null, not an array).
 *
 * @example
 * ```ts
 * isObject({}) // true; isObject([]) // false
 * ```
 */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
