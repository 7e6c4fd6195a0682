/**
 * The request flags `edgeware event` reads for every kind of event: `--header 'Name: value'` and
 * `--cookie name=value`, each repeatable. A malformed one throws with the flag's expected form.
 */

/**
 * `--header` values as header overrides (a repeated name keeps every value).
 *
 * @example
 * ```ts
 * headerFlags(['X-A: 1', 'X-A: 2']) // { 'X-A': ['1', '2'] }
 * ```
 */
export function headerFlags(list: readonly string[]): Record<string, string[]> {
  const headers: Record<string, string[]> = {}
  for (const h of list) {
    const i = h.indexOf(':')
    if (i <= 0) throw new Error(`--header must look like 'Name: value', got ${JSON.stringify(h)}`)
    ;(headers[h.slice(0, i).trim()] ??= []).push(h.slice(i + 1).trim())
  }
  return headers
}

/**
 * `--cookie` values as cookies.
 *
 * @example
 * ```ts
 * cookieFlags(['ab=B', 'id=7']) // { ab: 'B', id: '7' }
 * ```
 */
export function cookieFlags(list: readonly string[]): Record<string, string> {
  const cookies: Record<string, string> = {}
  for (const c of list) {
    const i = c.indexOf('=')
    if (i <= 0) throw new Error(`--cookie must look like name=value, got ${JSON.stringify(c)}`)
    cookies[c.slice(0, i)] = c.slice(i + 1)
  }
  return cookies
}
