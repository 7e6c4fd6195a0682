/**
 * CloudFront's cache rules, as pure functions (they run inside the workerd edge too).
 * TTL: "Managing how long content stays in the cache (expiration)" [EXP] and error caching [ERR], [HSC]; cache key:
 * the behavior's cache policy or legacy cache settings (reference cloudfront-distribution.md §1.1–§1.3, §4.2).
 */
import type { CfHeaders } from '../cloudfront/types.js'
import type { NameSelection } from '../distribution/model.js'
import { selects } from '../distribution/name-selection.js'

/** Status codes CloudFront caches with the behavior's TTLs. */
const CACHEABLE = new Set([200, 203, 204, 300, 301, 410])
/** Error codes cached for the error caching minimum TTL whatever the origin says [HSC] (§4.2). */
const ERROR_ALWAYS_CACHED = new Set([404, 414, 500, 501, 502, 503, 504])
/** Error codes cached only when the origin sends `max-age` / `s-maxage` [HSC] (§4.2). */
const ERROR_CACHED_IF_TOLD = new Set([400, 403, 405, 412, 415])
/** CloudFront never caches a 416 [ERR]. */
const NEVER_CACHED = 416

/**
 * CloudFront's default error caching minimum TTL, seconds [ERR], [HSC].
 *
 * @example
 * ```ts
 * cacheTtl(404, {}, settings) === ERROR_CACHING_MIN_TTL // true
 * ```
 */
export const ERROR_CACHING_MIN_TTL = 10

/** A behavior's TTLs, seconds. */
export interface TtlSettings {
  minTtl: number
  defaultTtl: number
  maxTtl: number
}

/** What goes in a cache key besides the path. */
export interface KeySettings {
  /** Lowercase header names (their values are in the key). */
  headers: readonly string[]
  cookies: NameSelection
  queryStrings: NameSelection
  /** Accept-Encoding normalisation (§1.3): the normalised value is in the key when either flag is on. */
  acceptEncoding?: { gzip: boolean; brotli: boolean }
}

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

/** `s-maxage`, else `max-age` (seconds), if the origin sent one. */
function maxAge(cc: Map<string, string>): number | undefined {
  const v = cc.get('s-maxage') ?? cc.get('max-age')
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined
}

/** Seconds until `Expires` (0 when invalid or past), if the origin sent it. */
function expiresIn(headers: CfHeaders, now: number): number | undefined {
  const exp = first(headers, 'expires')
  if (exp === undefined) return undefined
  const t = Date.parse(exp)
  return Number.isNaN(t) ? 0 : Math.max(0, Math.floor((t - now) / 1000))
}

/**
 * How long (seconds) CloudFront keeps a response, 0 = not cached.
 * - 2xx/3xx [EXP]: `s-maxage` wins over `max-age`, then `Expires` (only max-age counts when both are sent), clamped
 *   to [min_ttl, max_ttl]; without any of them `default_ttl`. `no-store` / `no-cache` / `private` are honoured
 *   (not cached) when min_ttl is 0; otherwise CloudFront caches for min_ttl. 302, 307, … only when the origin asks.
 * - errors [ERR], [HSC]: 404, 414 and 5xx for max(error caching minimum TTL, the origin's max-age/s-maxage/Expires
 *   capped at max_ttl); 400, 403, 405, 412, 415 likewise but only when the origin sends max-age/s-maxage;
 *   416 never.
 *
 * @example
 * ```ts
 * cacheTtl(200, { 'cache-control': [{ value: 'max-age=600' }] }, settings) // 600 (if within min/max)
 * cacheTtl(503, {}, settings, Date.now(), 30) // 30: a custom error response's error_caching_min_ttl
 * ```
 */
export function cacheTtl(status: number, headers: CfHeaders, settings: TtlSettings, now = Date.now(), errorCachingMinTtl = ERROR_CACHING_MIN_TTL): number {
  const cc = parseCacheControl((headers['cache-control'] ?? []).map((h) => h.value))
  const clamp = (v: number): number => Math.min(Math.max(v, settings.minTtl), settings.maxTtl)
  if (status === NEVER_CACHED) return 0
  if (ERROR_ALWAYS_CACHED.has(status) || ERROR_CACHED_IF_TOLD.has(status)) {
    const told = maxAge(cc)
    if (told === undefined && ERROR_CACHED_IF_TOLD.has(status)) return 0
    const fromOrigin = told ?? expiresIn(headers, now) ?? 0
    return Math.max(errorCachingMinTtl, Math.min(fromOrigin, settings.maxTtl))
  }
  const cacheable = CACHEABLE.has(status)
  if (cc.has('no-store') || cc.has('no-cache') || cc.has('private')) return settings.minTtl > 0 && cacheable ? settings.minTtl : 0
  const explicit = maxAge(cc) ?? expiresIn(headers, now)
  if (cacheable) return clamp(explicit ?? settings.defaultTtl)
  return explicit !== undefined ? clamp(explicit) : 0
}

/**
 * Whether a response says `Vary: *` and the behavior's MinTTL is 0: CloudFront caches it, but every request for it
 * still goes to the origin, without conditional headers [CUST].
 *
 * @example
 * ```ts
 * asksOriginEachTime({ vary: [{ key: 'Vary', value: '*' }] }, 0) // true
 * ```
 */
export function asksOriginEachTime(headers: CfHeaders, minTtl: number): boolean {
  return minTtl === 0 && (headers['vary'] ?? []).some((e) => e.value.split(',').some((v) => v.trim() === '*'))
}

/**
 * The query string a selection lets through (into the cache key, or to the origin), parameters in their order.
 *
 * @example
 * ```ts
 * filterQueryString('q=1&utm=x', { kind: 'list', names: ['q'] }) // 'q=1'
 * ```
 */
export function filterQueryString(qs: string, sel: NameSelection): string {
  if (sel.kind === 'none') return ''
  if (sel.kind === 'all' || qs === '') return qs
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
      return sel.kind === 'list' ? sel.names.includes(name) || sel.names.includes(k) : !sel.names.includes(name) && !sel.names.includes(k)
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
 * The cookies a selection lets through, as one `Cookie` header value, or undefined for none.
 *
 * @example
 * ```ts
 * filterCookies({ cookie: [{ value: 'sid=1; theme=dark' }] }, { kind: 'list', names: ['sid'] }) // 'sid=1'
 * ```
 */
export function filterCookies(headers: CfHeaders, sel: NameSelection): string | undefined {
  if (sel.kind === 'none' || headers['cookie'] === undefined) return undefined
  const pairs = parseCookies(headers).filter(([k]) => selects(sel, k))
  return pairs.length ? pairs.map(([k, v]) => `${k}=${v}`).join('; ') : undefined
}

/**
 * The normalised `Accept-Encoding` of reference §1.3 when a cache policy enables gzip and/or brotli: `br,gzip`,
 * `gzip` or `br` (what the viewer accepts of the enabled ones), `identity` when it accepts neither, undefined when
 * the viewer sent no Accept-Encoding. A coding with `q=0` counts as not accepted.
 *
 * @example
 * ```ts
 * normalizeAcceptEncoding('gzip, deflate, br', { gzip: true, brotli: true }) // 'br,gzip'
 * normalizeAcceptEncoding('deflate', { gzip: true, brotli: false }) // 'identity'
 * ```
 */
export function normalizeAcceptEncoding(value: string | undefined, flags: { gzip: boolean; brotli: boolean }): string | undefined {
  if (value === undefined) return undefined
  let br = false
  let gzip = false
  for (const part of value.split(',')) {
    const [coding = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase())
    if (params.some((p) => /^q=0(\.0*)?$/.test(p))) continue
    if (coding === 'br') br = true
    else if (coding === 'gzip') gzip = true
  }
  br &&= flags.brotli
  gzip &&= flags.gzip
  return br && gzip ? 'br,gzip' : br ? 'br' : gzip ? 'gzip' : 'identity'
}

/**
 * The cache key of a request: `prefix` (the behavior, and the method for OPTIONS), the uri, the query string and
 * the header and cookie values the settings name, and the normalised Accept-Encoding. Two requests with the same
 * key share one cached object.
 *
 * @example
 * ```ts
 * cacheKey('0', { uri: '/a', querystring: 'x=1', headers: {} }, { headers: [], cookies: { kind: 'none' }, queryStrings: { kind: 'all' } })
 * ```
 */
export function cacheKey(prefix: string, req: { uri: string; querystring: string; headers: CfHeaders }, settings: KeySettings): string {
  let key = `${prefix}\u0000${req.uri}\u0000${filterQueryString(req.querystring, settings.queryStrings)}`
  for (const h of settings.headers) {
    const vals = req.headers[h]
    key += `\u0000${h}:${vals ? vals.map((v) => v.value).join('\u0001') : ''}`
  }
  if (settings.cookies.kind !== 'none') key += `\u0000c:${filterCookies(req.headers, settings.cookies) ?? ''}`
  const ae = settings.acceptEncoding
  if (ae && (ae.gzip || ae.brotli)) {
    const n = normalizeAcceptEncoding(req.headers['accept-encoding']?.map((e) => e.value).join(','), ae)
    if (n !== undefined && n !== 'identity') key += `\u0000ae:${n}`
  }
  return key
}
