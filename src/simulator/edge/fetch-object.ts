/**
 * An object for a request under a behavior: from the cache when fresh; else from the origin — one request for all
 * the viewers missing the same key at once (collapsed forwarding, reference §1.2), a conditional one when the
 * expired copy has an `ETag` or `Last-Modified` (a 304 refreshes it: `RefreshHit`, §7.2; never for a `Vary: *`
 * copy under MinTTL 0, which is fetched anew each time [CUST]) — compressed when
 * CloudFront would (§6) and stored when it may be cached; else, when the origin fails with a 5xx or doesn't answer,
 * the expired copy (§4.3).
 */
import type { CfHeaders, CfRequest } from '../../cloudfront/types.js'
import { asksOriginEachTime, cacheKey, filterQueryString } from '../cache-rules.js'
import { cacheGet, cachePut, isFresh, serveStale, storeTtl, type CacheEntry, type Validators } from './cache.js'
import { codingFor, compressed } from './compress.js'
import { first, type Ctx, type EdgeResponse, type Failure } from './context.js'
import { fetchFromOrigin } from './origin.js'
import type { BehaviorPlan } from './plan.js'
import { filterVary } from './respond.js'

/** Where an object came from. */
export type Source = 'Hit' | 'RefreshHit' | 'Miss' | 'LambdaGeneratedResponse'

/** An object and where it came from, or why there is none. */
export type Got = { res: EdgeResponse; source: Source; failed?: undefined } | { failed: Failure; res?: undefined }

/** One trip to the origin for every viewer missing a key: its answer, and whether the object is now cached. */
interface Flight {
  got: Got
  stored: boolean
}
/** Trips under way, by method and cache key. */
const flights = new Map<string, Promise<Flight>>()

/** Headers of a cached copy a 304 doesn't replace: its framing and encoding, and its own ETag (weak when compressed). */
const KEPT_ON_REFRESH = new Set(['content-length', 'content-encoding', 'transfer-encoding', 'content-range', 'etag'])

/** A cached entry as served: its headers with `Age` (the entry itself is left as it is). */
function aged(e: EdgeResponse & { storedAt: number }, now: number): EdgeResponse {
  return { status: e.status, statusDescription: e.statusDescription, headers: { ...e.headers, age: [{ key: 'Age', value: String(Math.floor((now - e.storedAt) / 1000)) }] }, body: e.body }
}

function validatorsOf(h: CfHeaders, fallback: Validators = {}): Validators {
  const etag = first(h, 'etag') ?? fallback.etag
  const lastModified = first(h, 'last-modified') ?? fallback.lastModified
  return { ...(etag !== undefined ? { etag } : {}), ...(lastModified !== undefined ? { lastModified } : {}) }
}

/** The conditional headers that revalidate an expired copy, if it has validators (an error status is fetched anew). */
function revalidation(entry: CacheEntry | undefined): CfHeaders | undefined {
  if (!entry || entry.status >= 400 || entry.asksOrigin) return undefined
  const { etag, lastModified } = entry.validators
  if (etag === undefined && lastModified === undefined) return undefined
  const h: CfHeaders = {}
  if (etag !== undefined) h['if-none-match'] = [{ key: 'If-None-Match', value: etag }]
  if (lastModified !== undefined) h['if-modified-since'] = [{ key: 'If-Modified-Since', value: lastModified }]
  return h
}

/**
 * The origin's 304 to a revalidation: the cached copy, its headers updated from the 304's (but for
 * `KEPT_ON_REFRESH`), stored again for the TTL those headers give (§7.2: whether CloudFront reads them is SILENT).
 * A 304 never compresses the copy [COMP].
 */
function refresh(ctx: Ctx, plan: BehaviorPlan, key: string, entry: CacheEntry, notModified: EdgeResponse, now: number): Flight {
  const headers: CfHeaders = { ...entry.headers }
  for (const name in notModified.headers) if (!KEPT_ON_REFRESH.has(name)) headers[name] = notModified.headers[name]!
  const res: EdgeResponse = { status: entry.status, statusDescription: entry.statusDescription, headers: filterVary(plan, headers), body: entry.body }
  // A HEAD revalidates the GET's entry.
  const ttl = storeTtl(ctx.cfg, plan, ctx.method === 'HEAD' ? 'GET' : ctx.method, res, now)
  if (ttl > 0) cachePut(ctx.cfg, key, res, ttl, now, { path: entry.path, validators: validatorsOf(notModified.headers, entry.validators) })
  return { got: { res: aged({ ...res, storedAt: now }, now), source: 'RefreshHit' }, stored: ttl > 0 }
}

/** The trip to the origin for a miss (or an expired copy), and what is stored of its answer. */
async function fromOrigin(ctx: Ctx, plan: BehaviorPlan, req: CfRequest, key: string | undefined, entry: CacheEntry | undefined): Promise<Flight> {
  const conditional = revalidation(entry)
  const got = await fetchFromOrigin(ctx, plan, req, conditional)
  const now = Date.now()
  if (entry && conditional && !got.failed && got.source === 'Miss' && got.res.status === 304) return refresh(ctx, plan, key!, entry, got.res, now)
  // An origin that failed to answer counts as a 5xx for the stale copy [HSC], [CUST].
  const status = got.failed ? (got.failed.origin ? got.failed.status : 0) : got.source === 'Miss' ? got.res.status : 0
  const stale = serveStale(ctx.cfg, entry, status, now)
  if (stale) return { got: { res: aged(stale, now), source: 'Hit' }, stored: true }
  if (got.failed) return { got, stored: false }
  const asksOrigin = got.source === 'Miss' && asksOriginEachTime(got.res.headers, plan.ttl.minTtl)
  let res = got.source === 'Miss' ? { ...got.res, headers: filterVary(plan, got.res.headers) } : got.res
  const validators = validatorsOf(res.headers)
  const coding = got.source === 'Miss' ? codingFor(ctx, plan, req, res) : undefined
  if (coding) res = await compressed(ctx, res, coding)
  let stored = false
  if (key !== undefined) {
    const ttl = storeTtl(ctx.cfg, plan, ctx.method, res, now)
    const qs = filterQueryString(req.querystring, plan.key.queryStrings)
    if (ttl > 0) cachePut(ctx.cfg, key, res, ttl, now, { path: qs ? `${req.uri}?${qs}` : req.uri, validators, ...(asksOrigin ? { asksOrigin } : {}) })
    stored = ttl > 0
  }
  return { got: { res, source: got.source }, stored }
}

/**
 * Looks the request up in the cache (GET and HEAD share an entry; OPTIONS has its own when cached) and goes to the
 * origin otherwise. Viewers that miss a key while a request for it is under way wait for that one's answer,
 * errors included (`Hit` when it was cached) [S3O], [CUST]; other keys never wait for it.
 *
 * @example
 * ```ts
 * const got = await getObject(ctx, plan, request)
 * if (!got.failed) got.source // 'Hit' | 'RefreshHit' | 'Miss' | 'LambdaGeneratedResponse'
 * ```
 */
export async function getObject(ctx: Ctx, plan: BehaviorPlan, req: CfRequest): Promise<Got> {
  const now = Date.now()
  const key = plan.cached.has(ctx.method) ? cacheKey(ctx.method === 'OPTIONS' ? `${plan.index}:OPTIONS` : String(plan.index), req, plan.key) : undefined
  const entry = key === undefined ? undefined : cacheGet(key)
  if (entry && !entry.asksOrigin && isFresh(entry, now)) return { res: aged(entry, now), source: 'Hit' }
  if (key === undefined) return (await fromOrigin(ctx, plan, req, undefined, undefined)).got
  const id = `${ctx.method}\u0000${key}`
  const under = flights.get(id)
  if (under) {
    const { got, stored } = await under
    return got.failed || !stored ? got : { res: got.res, source: 'Hit' }
  }
  const mine = fromOrigin(ctx, plan, req, key, entry)
  flights.set(id, mine)
  try {
    return (await mine).got
  } finally {
    flights.delete(id)
  }
}
