/**
 * CloudFront's cache rules, as pure functions (they run inside the workerd edge too).
 * TTL: "Managing how long content stays in the cache (expiration)" in the CloudFront Developer Guide;
 * cache key: the behavior's cache settings (headers, cookies, query strings).
 */
import type { CfHeaders } from '../cloudfront/types.js'
import type { CacheSettings } from './config.js'

/** Status codes CloudFront caches by default (with the TTL rules). */
const CACHEABLE = new Set([200, 203, 204, 300, 301, 410])
/** Error codes CloudFront caches for the error caching minimum TTL (default 10 s) when the origin says nothing. */
const ERROR_CACHEABLE = new Set([400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504])
/**
 * CloudFront's default error caching minimum TTL, seconds.
 *
 * @example
 * ```ts
 * cacheTtl(404, {}, settings) === ERROR_CACHING_MIN_TTL // true
 * ```
 */
export const ERROR_CACHING_MIN_TTL = 10

const first = (h: CfHeaders, name: string): string | undefined => h[name]?.[0]?.value

/**
 * `Cache-Control` directives, lowercase names; a bare directive maps to `''`.
 *
 * @example
 * ```ts
 * parseCacheControl(['public, max-age=60']).get('max-age') // '60'
 * ```
 */
export function parseCacheControl(values: readonly string[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const v of values) {
    for (const part of v.split(',')) {
      const p = part.trim()
      if (!p) continue
      const eq = p.indexOf('=')
      const k = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase()
      const val = eq < 0 ? '' : p.slice(eq + 1).trim().replace(/^"|"$/g, '')
      if (!out.has(k)) out.set(k, val)
    }
  }
  return out
}

/**
 * How long (seconds) CloudFront keeps a response, 0 = not cached.
 * `s-maxage` wins over `max-age`, then `Expires`; the value is clamped to [min_ttl, max_ttl]; without any of
 * them `default_ttl` applies. `no-store` / `no-cache` / `private` are honoured (not cached) only when min_ttl is 0;
 * otherwise CloudFront caches for min_ttl. Error codes without caching headers are cached for 10 s.
 *
 * @example
 * ```ts
 * cacheTtl(200, { 'cache-control': [{ value: 'max-age=600' }] }, settings) // 600 (if within min/max)
 * ```
 */
export function cacheTtl(status: number, headers: CfHeaders, settings: CacheSettings, now = Date.now()): number {
  const cacheable = CACHEABLE.has(status)
  const errorCacheable = ERROR_CACHEABLE.has(status)
  const cc = parseCacheControl((headers['cache-control'] ?? []).map((h) => h.value))
  const clamp = (v: number): number => Math.min(Math.max(v, settings.minTtl), settings.maxTtl)
  if (cc.has('no-store') || cc.has('no-cache') || cc.has('private')) {
    return settings.minTtl > 0 && (cacheable || errorCacheable) ? settings.minTtl : 0
  }
  let explicit: number | undefined
  const sMax = cc.get('s-maxage')
  const max = cc.get('max-age')
  if (sMax !== undefined && /^\d+$/.test(sMax)) explicit = Number(sMax)
  else if (max !== undefined && /^\d+$/.test(max)) explicit = Number(max)
  else {
    const exp = first(headers, 'expires')
    if (exp !== undefined) {
      const t = Date.parse(exp)
      explicit = Number.isNaN(t) ? 0 : Math.max(0, Math.floor((t - now) / 1000))
    }
  }
  if (cacheable) return clamp(explicit ?? settings.defaultTtl)
  if (errorCacheable) return explicit !== undefined ? clamp(explicit) : ERROR_CACHING_MIN_TTL
  // 302, 303, 307, …: cached only when the origin asks for it.
  return explicit !== undefined ? clamp(explicit) : 0
}

/**
 * The query string filtered by the behavior's settings (what goes in the cache key and to the origin).
 *
 * @example
 * ```ts
 * filterQueryString('q=1&utm=x', ['q']) // 'q=1'
 * ```
 */
export function filterQueryString(qs: string, setting: CacheSettings['queryStrings']): string {
  if (setting === 'none') return ''
  if (setting === 'all' || qs === '') return qs
  const keep = new Set(setting)
  return qs
    .split('&')
    .filter((p) => {
      const eq = p.indexOf('=')
      const k = eq < 0 ? p : p.slice(0, eq)
      let name = k
      try {
        name = decodeURIComponent(k.replace(/\+/g, ' '))
      } catch {
        /* keep raw */
      }
      return keep.has(name) || keep.has(k)
    })
    .join('&')
}

/**
 * `name=value` pairs of every `Cookie` header entry.
 *
 * @example
 * ```ts
 * parseCookies({ cookie: [{ value: 'a=1; b=2' }] }) // [['a', '1'], ['b', '2']]
 * ```
 */
export function parseCookies(headers: CfHeaders): [string, string][] {
  const out: [string, string][] = []
  for (const h of headers['cookie'] ?? []) {
    for (const part of h.value.split(';')) {
      const p = part.trim()
      if (!p) continue
      const eq = p.indexOf('=')
      out.push(eq < 0 ? [p, ''] : [p.slice(0, eq).trim(), p.slice(eq + 1).trim()])
    }
  }
  return out
}

/**
 * The cookies the behavior forwards (and keys on), as one `Cookie` header value, or undefined for none.
 *
 * @example
 * ```ts
 * filterCookies({ cookie: [{ value: 'sid=1; theme=dark' }] }, ['sid']) // 'sid=1'
 * ```
 */
export function filterCookies(headers: CfHeaders, setting: CacheSettings['cookies']): string | undefined {
  if (setting !== 'all' && setting.length === 0) return undefined
  const pairs = parseCookies(headers).filter(([k]) => setting === 'all' || setting.includes(k))
  return pairs.length ? pairs.map(([k, v]) => `${k}=${v}`).join('; ') : undefined
}

/**
 * The cache key of a request under a behavior: the uri, the filtered query string, the values of the listed
 * headers and cookies. Two requests with the same key share one cached object.
 *
 * @example
 * ```ts
 * cacheKey(0, { uri: '/a', querystring: 'x=1', headers: {} }, settings)
 * ```
 */
export function cacheKey(behavior: number, req: { uri: string; querystring: string; headers: CfHeaders }, settings: CacheSettings): string {
  let key = `${behavior}\u0000${req.uri}\u0000${filterQueryString(req.querystring, settings.queryStrings)}`
  for (const h of settings.headers) {
    const vals = req.headers[h]
    key += `\u0000${h}:${vals ? vals.map((v) => v.value).join('\u0001') : ''}`
  }
  if (settings.cookies === 'all' || settings.cookies.length > 0) key += `\u0000c:${filterCookies(req.headers, settings.cookies) ?? ''}`
  return key
}
