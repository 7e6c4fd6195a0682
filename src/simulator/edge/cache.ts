/**
 * The edge's cache: one in-memory store (like one edge location), bounded in bytes with the least recently used
 * entries evicted first. Expired entries are kept until evicted, so an origin error can fall back on them
 * (reference §4.3). What is cached and for how long: `storeTtl`.
 */
import { invalidates } from '../../cloudfront/invalidation.js'
import type { CfHeaders } from '../../cloudfront/types.js'
import { cacheTtl, ERROR_CACHING_MIN_TTL, parseCacheControl } from '../cache-rules.js'
import type { EdgeWorkerConfig } from '../protocol.js'
import type { EdgeResponse } from './context.js'
import type { BehaviorPlan } from './plan.js'

/** A cached response. */
export interface CacheEntry extends EdgeResponse {
  storedAt: number
  /** Fresh until `storedAt + ttlMs`. */
  ttlMs: number
  bytes: number
  /** Served stale (after an origin error) until this time [HSC]. */
  staleUntil?: number
  /** The path as cached (the URI, and the query string the key holds): what an invalidation path matches [INV]. */
  path: string
  /** The origin's own `ETag` / `Last-Modified`, for revalidation (the stored ETag may be a compressed copy's). */
  validators: Validators
  /** Never served without asking the origin, which is asked without conditional headers (`Vary: *`, MinTTL 0 [CUST]). */
  asksOrigin?: boolean
}

/** What an expired object is revalidated with. */
export interface Validators {
  etag?: string
  lastModified?: string
}

const cache = new Map<string, CacheEntry>()
let cacheBytes = 0

function entryBytes(headers: CfHeaders, body: Uint8Array): number {
  let n = body.byteLength + 64
  for (const k in headers) for (const e of headers[k]!) n += k.length + e.value.length + 8
  return n
}

/**
 * The entry for a key, fresh or not (and marked most recently used).
 *
 * @example
 * ```ts
 * const e = cacheGet(key); if (e && isFresh(e, Date.now())) …
 * ```
 */
export function cacheGet(key: string): CacheEntry | undefined {
  const e = cache.get(key)
  if (e) {
    cache.delete(key)
    cache.set(key, e)
  }
  return e
}

/**
 * Whether an entry may be served without going to the origin: within its TTL, or within a stale-serving window.
 *
 * @example
 * ```ts
 * if (entry && isFresh(entry, Date.now())) return entry
 * ```
 */
export function isFresh(e: CacheEntry, now: number): boolean {
  return now - e.storedAt < e.ttlMs || (e.staleUntil !== undefined && now < e.staleUntil)
}

/**
 * Stores a response for `ttl` seconds (replacing what the key held), then evicts beyond the size bound.
 *
 * @example
 * ```ts
 * cachePut(cfg, key, res, 60, Date.now(), { path: '/a', validators: {} })
 * ```
 */
export function cachePut(cfg: EdgeWorkerConfig, key: string, res: EdgeResponse, ttl: number, now: number, about: Pick<CacheEntry, 'path' | 'validators' | 'asksOrigin'>): void {
  const old = cache.get(key)
  if (old) {
    cache.delete(key)
    cacheBytes -= old.bytes
  }
  const e: CacheEntry = { status: res.status, statusDescription: res.statusDescription, headers: res.headers, body: res.body, storedAt: now, ttlMs: ttl * 1000, bytes: entryBytes(res.headers, res.body), ...about }
  if (e.bytes > cfg.maxCacheBytes) return
  cache.set(key, e)
  cacheBytes += e.bytes
  // Evict the least recently used entries (Map keeps insertion order; a read re-inserts) over the bound.
  for (const [k, v] of cache) {
    if (cacheBytes <= cfg.maxCacheBytes) break
    cache.delete(k)
    cacheBytes -= v.bytes
  }
}

/**
 * The error caching minimum TTL for a status: its custom error response's, else CloudFront's 10 s [ERR].
 *
 * @example
 * ```ts
 * errorCachingMinTtl(cfg, 503) // 10 unless a custom error response for 503 says otherwise
 * ```
 */
export function errorCachingMinTtl(cfg: EdgeWorkerConfig, status: number): number {
  return cfg.customErrorResponses.find((c) => c.errorCode === status)?.errorCachingMinTtl ?? ERROR_CACHING_MIN_TTL
}

/**
 * How long a response to this request is cached, seconds (0: not cached): only responses to the behavior's cached
 * methods (GET, HEAD, and OPTIONS when listed) [HSC], [API-CM]; HEAD answers are not stored (a GET fills the entry
 * HEAD is served from); the TTL rules of `cacheTtl`.
 *
 * @example
 * ```ts
 * const ttl = storeTtl(cfg, plan, 'GET', res, Date.now())
 * if (ttl > 0) cachePut(cfg, key, res, ttl, Date.now())
 * ```
 */
export function storeTtl(cfg: EdgeWorkerConfig, plan: BehaviorPlan, method: string, res: EdgeResponse, now: number): number {
  if (method === 'HEAD' || !plan.cached.has(method)) return 0
  return cacheTtl(res.status, res.headers, plan.ttl, now, errorCachingMinTtl(cfg, res.status))
}

/**
 * An expired entry stands in for an origin that answers 5xx or not at all, for the error caching minimum TTL
 * (then CloudFront asks the origin again) [HSC] — unless the object said `stale-if-error=0` [EXP].
 *
 * @example
 * ```ts
 * const stale = serveStale(cfg, expiredEntry, 503, Date.now()) // the entry, or undefined
 * ```
 */
export function serveStale(cfg: EdgeWorkerConfig, e: CacheEntry | undefined, status: number, now: number): CacheEntry | undefined {
  if (!e || status < 500) return undefined
  const cc = parseCacheControl((e.headers['cache-control'] ?? []).map((h) => h.value))
  if (cc.get('stale-if-error') === '0') return undefined
  e.staleUntil = now + errorCachingMinTtl(cfg, status) * 1000
  return e
}

/**
 * Removes every entry an invalidation path matches (`invalidates`, [INV]: every variant of a path) and returns how
 * many. The paths are valid ones (`invalidationPathProblem`).
 *
 * @example
 * ```ts
 * invalidate(['/docs/*']) // 12
 * ```
 */
export function invalidate(paths: readonly string[]): number {
  let n = 0
  for (const [key, e] of cache) {
    if (!paths.some((p) => invalidates(p, e.path))) continue
    cache.delete(key)
    cacheBytes -= e.bytes
    n++
  }
  return n
}
