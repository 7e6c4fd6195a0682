/**
 * An object for a request under a behavior: from the cache when fresh, else from the origin (stored when it may
 * be cached), else — when the origin fails with a 5xx or doesn't answer — the expired copy (reference §4.3).
 */
import type { CfRequest } from '../../cloudfront/types.js'
import { cacheKey } from '../cache-rules.js'
import { cacheGet, cachePut, isFresh, serveStale, storeTtl, type CacheEntry } from './cache.js'
import type { Ctx, EdgeResponse, Failure } from './context.js'
import { fetchFromOrigin } from './origin.js'
import type { BehaviorPlan } from './plan.js'
import { filterVary } from './respond.js'

/** An object and where it came from, or why there is none. */
export type Got = { res: EdgeResponse; source: 'Hit' | 'Miss' | 'LambdaGeneratedResponse'; failed?: undefined } | { failed: Failure; res?: undefined }

/** A cached entry as served: its headers with `Age` (the entry itself is left as it is). */
function aged(e: CacheEntry, now: number): EdgeResponse {
  return { status: e.status, statusDescription: e.statusDescription, headers: { ...e.headers, age: [{ key: 'Age', value: String(Math.floor((now - e.storedAt) / 1000)) }] }, body: e.body }
}

/**
 * Looks the request up in the cache (GET and HEAD share an entry; OPTIONS has its own when cached) and goes to the
 * origin on a miss.
 *
 * @example
 * ```ts
 * const got = await getObject(ctx, plan, request)
 * if (!got.failed) got.source // 'Hit' | 'Miss' | 'LambdaGeneratedResponse'
 * ```
 */
export async function getObject(ctx: Ctx, plan: BehaviorPlan, req: CfRequest): Promise<Got> {
  const now = Date.now()
  const key = plan.cached.has(ctx.method) ? cacheKey(ctx.method === 'OPTIONS' ? `${plan.index}:OPTIONS` : String(plan.index), req, plan.key) : undefined
  const entry = key === undefined ? undefined : cacheGet(key)
  if (entry && isFresh(entry, now)) return { res: aged(entry, now), source: 'Hit' }
  const got = await fetchFromOrigin(ctx, plan, req)
  // An origin that failed to answer counts as a 5xx for the stale copy [HSC], [CUST].
  const status = got.failed ? (got.failed.origin ? got.failed.status : 0) : got.source === 'Miss' ? got.res.status : 0
  const stale = serveStale(ctx.cfg, entry, status, now)
  if (stale) return { res: aged(stale, now), source: 'Hit' }
  if (got.failed) return got
  const res = got.source === 'Miss' ? { ...got.res, headers: filterVary(plan, got.res.headers) } : got.res
  if (key !== undefined) {
    const ttl = storeTtl(ctx.cfg, plan, ctx.method, res, now)
    if (ttl > 0) cachePut(ctx.cfg, key, res, ttl, now)
  }
  return { res, source: got.source }
}
