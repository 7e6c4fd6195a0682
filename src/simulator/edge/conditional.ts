/**
 * Range and conditional requests answered from the object the edge holds (reference §7): the edge fetches and
 * caches whole objects, so a cacheable request's `Range`, `If-None-Match` and `If-Modified-Since` never reach the
 * origin; they are answered here, before viewer-response (which sees the 206 or 304 the viewer gets).
 */
import type { CfHeaders, CfRequest } from '../../cloudfront/types.js'
import { notModified, parseRange, rangeStillValid } from '../range-rules.js'
import { first, type Ctx, type EdgeResponse } from './context.js'
import { cacheableRequest } from './origin-request.js'
import type { BehaviorPlan } from './plan.js'

/** Headers of the whole object that don't describe a part of it. */
const WHOLE_ONLY = new Set(['content-length', 'content-range', 'transfer-encoding'])

function without(h: CfHeaders, names: ReadonlySet<string>): CfHeaders {
  const out: CfHeaders = {}
  for (const k in h) if (!names.has(k)) out[k] = h[k]!
  return out
}

/**
 * What the viewer gets of a 200 object for a cacheable GET or HEAD (other responses, and requests whose
 * conditional and Range headers went to the origin, are left as they are):
 * - **304** when `If-None-Match` names the object's `ETag` (weak comparison), else when `If-Modified-Since` is
 *   not before its `Last-Modified` — an edge answer, a local choice where the reference is SILENT;
 * - for a GET with one `Range` (and a matching `If-Range`): **206** with `Content-Range`; **416** with
 *   `Content-Range: bytes *\/<size>` for a range past the end (SILENT; never cached); the whole object for an
 *   invalid spec or several ranges [RANGE] (a choice for several: CloudFront's multipart answer isn't documented)
 *   and for an object the origin sent chunked (no `Content-Length`) [RANGE].
 *
 * @example
 * ```ts
 * const out = fromObject(ctx, plan, viewerReq, got.res) // 206 for `Range: bytes=0-99`
 * ```
 */
export function fromObject(ctx: Ctx, plan: BehaviorPlan, req: CfRequest, res: EdgeResponse): EdgeResponse {
  if (res.status !== 200 || (ctx.method !== 'GET' && ctx.method !== 'HEAD') || !cacheableRequest(plan, ctx.method)) return res
  const h = req.headers
  const obj = { etag: first(res.headers, 'etag'), lastModified: first(res.headers, 'last-modified') }
  if (notModified({ ifNoneMatch: h['if-none-match']?.map((e) => e.value).join(','), ifModifiedSince: first(h, 'if-modified-since') }, obj)) {
    return { ...res, status: 304, statusDescription: 'Not Modified', headers: without(res.headers, WHOLE_ONLY), body: new Uint8Array(0) }
  }
  const range = first(h, 'range')
  if (range === undefined || ctx.method !== 'GET' || /chunked/i.test(first(res.headers, 'transfer-encoding') ?? '') || !rangeStillValid(first(h, 'if-range'), obj)) return res
  const size = res.body.byteLength
  const ask = parseRange(range, size)
  if (ask.kind === 'whole') return res
  if (ask.kind === 'unsatisfiable') {
    return { status: 416, statusDescription: 'Range Not Satisfiable', headers: { 'content-range': [{ key: 'Content-Range', value: `bytes */${size}` }] }, body: new Uint8Array(0) }
  }
  const headers = without(res.headers, WHOLE_ONLY)
  headers['content-range'] = [{ key: 'Content-Range', value: `bytes ${ask.start}-${ask.end}/${size}` }]
  headers['content-length'] = [{ key: 'Content-Length', value: String(ask.end - ask.start + 1) }]
  return { ...res, status: 206, statusDescription: 'Partial Content', headers, body: res.body.subarray(ask.start, ask.end + 1) }
}
