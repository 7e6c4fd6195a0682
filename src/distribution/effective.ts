/**
 * A behavior's effective settings: what goes in the cache key and what reaches the origin, from its cache policy
 * and origin request policy (reference §1.2, §1.3, §2.2, §6.1), or from the legacy `cache = { … }`.
 */
import { S3_OVERRIDES_WITHHELD } from './managed.js'
import type { CachePolicy, CacheSettings, EffectiveSettings, NameSelection, OriginRequestPolicy } from './model.js'
import { show, type Reader } from './problems.js'
import { readHeaderName, unionSelection } from './selection.js'
import { readTtls } from './ttl.js'

const isCloudFrontHeader = (h: string): boolean => h.startsWith('cloudfront-')
const viewerOnly = (s: NameSelection): NameSelection => {
  if (s.kind !== 'list') return s
  const names = s.names.filter((h) => !isCloudFrontHeader(h))
  return names.length ? { kind: 'list', names } : { kind: 'none' }
}
const namesOf = (s: NameSelection): string[] => (s.kind === 'list' ? s.names : [])

/**
 * What reaches an S3 origin when a managed AllViewer-like origin request policy withholds S3's response overrides
 * [MORP-cur]: every query string but those (what each of these policies forwards), plus the cache policy's (always
 * forwarded; a local choice, the page is SILENT on the pair).
 */
function s3QueryStrings(cp: CachePolicy, orp: OriginRequestPolicy | undefined): NameSelection | undefined {
  if (orp?.kind !== 'managed' || !S3_OVERRIDES_WITHHELD.policies.has(orp.awsId ?? '')) return undefined
  return unionSelection(cp.queryStrings, { kind: 'allExcept', names: [...S3_OVERRIDES_WITHHELD.params] })
}

/**
 * The legacy `cache = { … }` settings a behavior gets without `cache` and without `cache_policy`: one day
 * (min 0, max one year), nothing in the key but the path.
 */
export const DEFAULT_LEGACY_CACHE: Readonly<CacheSettings> = Object.freeze({ defaultTtl: 86_400, minTtl: 0, maxTtl: 31_536_000, headers: [], cookies: [], queryStrings: 'none' })

/** Reads `cache = { default_ttl, min_ttl, max_ttl, headers, cookies, query_strings }` (the legacy form). */
export function readLegacyCache(r: Reader, v: unknown, key: string): CacheSettings {
  const t = r.table(v, key)
  if (v === undefined || !t) return { ...DEFAULT_LEGACY_CACHE, headers: [], cookies: [] }
  r.unknownKeys(t, key, ['default_ttl', 'min_ttl', 'max_ttl', 'headers', 'cookies', 'query_strings'])
  const ttl = readTtls(r, t, key)
  const headers: string[] = []
  ;(r.stringList(t.headers, `${key}.headers`) ?? []).forEach((h, i) => {
    const lower = readHeaderName(r, h, `${key}.headers[${i}]`)
    if (lower !== undefined && !headers.includes(lower)) headers.push(lower)
  })
  let cookies: string[] | 'all' = []
  if (t.cookies === 'all') cookies = 'all'
  else if (typeof t.cookies === 'string' && t.cookies !== 'none') {
    r.fail(`${key}.cookies`, `expected "all", "none" or an array of cookie names, got ${show(t.cookies)}`, t.cookies)
  } else if (t.cookies !== 'none') cookies = r.stringList(t.cookies, `${key}.cookies`) ?? []
  let queryStrings: CacheSettings['queryStrings'] = DEFAULT_LEGACY_CACHE.queryStrings
  if (t.query_strings === 'all' || t.query_strings === 'none') queryStrings = t.query_strings
  else if (Array.isArray(t.query_strings)) queryStrings = r.stringList(t.query_strings, `${key}.query_strings`) ?? 'none'
  else if (t.query_strings !== undefined) r.fail(`${key}.query_strings`, `expected "all", "none" or an array of names, got ${show(t.query_strings)}`, t.query_strings)
  return { ...ttl, headers, cookies, queryStrings }
}

/**
 * The effective settings of the legacy form, as the local edge applies it: the cache key and what is forwarded
 * are the same names, and there is no Accept-Encoding normalisation or compression.
 *
 * @example
 * ```ts
 * legacyEffective(DEFAULT_LEGACY_CACHE).forward.queryStrings // { kind: 'none' }
 * ```
 */
export function legacyEffective(c: CacheSettings): EffectiveSettings {
  const headers: NameSelection = c.headers.length ? { kind: 'list', names: [...c.headers] } : { kind: 'none' }
  const cookies: NameSelection = c.cookies === 'all' ? { kind: 'all' } : c.cookies.length ? { kind: 'list', names: [...c.cookies] } : { kind: 'none' }
  const queryStrings: NameSelection = c.queryStrings === 'all' || c.queryStrings === 'none' ? { kind: c.queryStrings } : { kind: 'list', names: [...c.queryStrings] }
  return {
    ttl: { min: c.minTtl, default: c.defaultTtl, max: c.maxTtl },
    cacheKey: { headers: [...c.headers], cookies, queryStrings },
    acceptEncoding: { gzip: false, brotli: false },
    forward: { headers: viewerOnly(headers), cookies: structuredClone(cookies), queryStrings: structuredClone(queryStrings) },
    cloudfrontHeaders: c.headers.filter(isCloudFrontHeader),
    compress: false,
  }
}

/**
 * The effective settings of a cache policy plus an optional origin request policy: the key is the cache policy's;
 * the origin gets the union of both (reference §2.2); CloudFront compresses when the behavior asks, a gzip/brotli
 * flag is on, caching is not disabled and `Accept-Encoding` is not a key header (§6.1).
 *
 * @example
 * ```ts
 * const e = policyEffective(findManaged(MANAGED_CACHE_POLICIES, 'CachingOptimized')!, findManaged(MANAGED_ORIGIN_REQUEST_POLICIES, 'AllViewerExceptHostHeader'), true)
 * e.forward.headers // { kind: 'allExcept', names: ['host'] }
 * ```
 */
export function policyEffective(cp: CachePolicy, orp: OriginRequestPolicy | undefined, compress: boolean): EffectiveSettings {
  const keyHeaders = namesOf(cp.headers)
  let fwdHeaders = viewerOnly(cp.headers)
  const cloudfront = new Set(keyHeaders.filter(isCloudFrontHeader))
  let cookies = structuredClone(cp.cookies)
  let queryStrings = structuredClone(cp.queryStrings)
  if (orp) {
    const h = orp.headers
    if (h.kind === 'allViewerAndCloudFront') {
      fwdHeaders = { kind: 'all' }
      for (const n of h.names) cloudfront.add(n)
    } else {
      for (const n of namesOf(h)) if (isCloudFrontHeader(n)) cloudfront.add(n)
      fwdHeaders = unionSelection(fwdHeaders, viewerOnly(h))
    }
    cookies = unionSelection(cookies, orp.cookies)
    queryStrings = unionSelection(queryStrings, orp.queryStrings)
  }
  const s3Query = s3QueryStrings(cp, orp)
  return {
    ttl: { min: cp.minTtl, default: cp.defaultTtl, max: cp.maxTtl },
    cacheKey: { headers: keyHeaders, cookies: structuredClone(cp.cookies), queryStrings: structuredClone(cp.queryStrings) },
    acceptEncoding: { gzip: cp.gzip, brotli: cp.brotli },
    forward: { headers: fwdHeaders, cookies, queryStrings, ...(s3Query ? { s3QueryStrings: s3Query } : {}) },
    cloudfrontHeaders: [...cloudfront],
    compress: compress && (cp.gzip || cp.brotli) && cp.maxTtl > 0 && !keyHeaders.includes('accept-encoding'),
  }
}

/**
 * A cache policy in the legacy form the build writes today: its TTLs and its key (an `all_except` list
 * widens to all).
 *
 * @example
 * ```ts
 * legacyProjection(findManaged(MANAGED_CACHE_POLICIES, 'CachingDisabled')!).maxTtl // 0
 * ```
 */
export function legacyProjection(cp: CachePolicy): CacheSettings {
  const names = (s: NameSelection): string[] | 'all' | 'none' => (s.kind === 'list' ? [...s.names] : s.kind === 'none' ? 'none' : 'all')
  const cookies = names(cp.cookies)
  return {
    defaultTtl: cp.defaultTtl,
    minTtl: cp.minTtl,
    maxTtl: cp.maxTtl,
    headers: namesOf(cp.headers),
    cookies: cookies === 'none' ? [] : cookies,
    queryStrings: names(cp.queryStrings),
  }
}
