/**
 * CloudFront's compression (reference §6 [COMP]): which objects it compresses, how (Brotli preferred to Gzip), and
 * what it does to the headers. The edge compresses once, when it stores an object from the origin (after
 * origin-response, so a body that function set is compressed too); hits serve the stored bytes. The bytes are
 * compressed by the Node host (zlib; workerd has no Brotli).
 */
import type { CfHeaders, CfRequest } from '../../cloudfront/types.js'
import { normalizeAcceptEncoding } from '../cache-rules.js'
import { first, type Ctx, type EdgeResponse } from './context.js'
import type { BehaviorPlan } from './plan.js'

/** The content types CloudFront compresses [COMP] (parameters such as `; charset=utf-8` ignored: SILENT there). */
const COMPRESSIBLE = new Set([
  'application/dash+xml', 'application/eot', 'application/font', 'application/font-sfnt', 'application/javascript',
  'application/json', 'application/opentype', 'application/otf', 'application/pkcs7-mime', 'application/protobuf',
  'application/rss+xml', 'application/truetype', 'application/ttf', 'application/vnd.apple.mpegurl',
  'application/vnd.mapbox-vector-tile', 'application/vnd.ms-fontobject', 'application/xhtml+xml', 'application/xml',
  'application/x-font-opentype', 'application/x-font-truetype', 'application/x-font-ttf', 'application/x-httpd-cgi',
  'application/x-javascript', 'application/x-mpegurl', 'application/x-opentype', 'application/x-otf', 'application/x-perl',
  'application/x-ttf', 'font/eot', 'font/opentype', 'font/otf', 'font/ttf', 'image/svg+xml', 'text/css', 'text/csv',
  'text/html', 'text/javascript', 'text/js', 'text/plain', 'text/richtext', 'text/tab-separated-values', 'text/xml',
  'text/x-component', 'text/x-java-source', 'text/x-script', 'vnd.apple.mpegurl',
])
/** Statuses whose body CloudFront compresses [COMP]. */
const STATUSES = new Set([200, 403, 404])
/** `Content-Length` bounds, bytes [COMP]. */
const MIN_BYTES = 1000
const MAX_BYTES = 10_000_000

/** An encoding the edge compresses with. */
export type Coding = 'br' | 'gzip'

/**
 * The coding CloudFront compresses a response with for this request, or undefined (reference §6.1): the behavior
 * compresses (`compress`, a gzip/brotli flag, caching on, Accept-Encoding not a key header); the viewer accepts br
 * or gzip (br preferred; an HTTP/1.0 viewer's Accept-Encoding is dropped at the door); the response is a 200, 403
 * or 404 to a GET with no `Content-Encoding`, a `Content-Length` of 1,000 to 10,000,000 bytes (so not chunked) and
 * one of the listed content types.
 *
 * @example
 * ```ts
 * codingFor(ctx, plan, request, res) // 'br' for a 20 KB text/html page and a viewer accepting br
 * ```
 */
export function codingFor(ctx: Ctx, plan: BehaviorPlan, req: CfRequest, res: EdgeResponse): Coding | undefined {
  const flags = plan.b.effective.acceptEncoding
  if (!plan.b.effective.compress || ctx.method !== 'GET' || !STATUSES.has(res.status) || res.headers['content-encoding'] !== undefined) return undefined
  const accepted = normalizeAcceptEncoding(req.headers['accept-encoding']?.map((e) => e.value).join(','), flags)
  const coding: Coding | undefined = accepted === 'br,gzip' || accepted === 'br' ? 'br' : accepted === 'gzip' ? 'gzip' : undefined
  if (coding === undefined) return undefined
  const length = first(res.headers, 'content-length')
  if (length === undefined || !/^\d+$/.test(length.trim()) || Number(length) < MIN_BYTES || Number(length) > MAX_BYTES) return undefined
  if (res.body.byteLength === 0 || /chunked/i.test(first(res.headers, 'transfer-encoding') ?? '')) return undefined
  const type = first(res.headers, 'content-type')?.split(';')[0]!.trim().toLowerCase()
  return type !== undefined && COMPRESSIBLE.has(type) ? coding : undefined
}

/**
 * The response compressed with `coding` (by the host): `Content-Encoding` and `Content-Length` set, a strong
 * `ETag` made weak and an invalid one removed (§6.2), `Accept-Encoding` added to `Vary` (a local choice: SILENT).
 *
 * @example
 * ```ts
 * const coding = codingFor(ctx, plan, request, res)
 * if (coding) res = await compressed(ctx, res, coding)
 * ```
 */
export async function compressed(ctx: Ctx, res: EdgeResponse, coding: Coding): Promise<EdgeResponse> {
  const r = await ctx.env.HOST.fetch(`http://host/compress?coding=${coding}`, { method: 'POST', body: res.body as BodyInit })
  if (!r.ok) return res
  const body = new Uint8Array(await r.arrayBuffer())
  const headers: CfHeaders = { ...res.headers }
  headers['content-encoding'] = [{ key: 'Content-Encoding', value: coding }]
  headers['content-length'] = [{ key: headers['content-length']?.[0]?.key ?? 'Content-Length', value: String(body.byteLength) }]
  const etag = first(headers, 'etag')
  if (etag !== undefined && !etag.startsWith('W/')) {
    if (etag.startsWith('"')) headers['etag'] = [{ key: headers['etag']![0]!.key ?? 'ETag', value: `W/${etag}` }]
    else delete headers['etag']
  }
  const vary = headers['vary']?.map((e) => e.value).join(', ')
  if (!vary) headers['vary'] = [{ key: 'Vary', value: 'Accept-Encoding' }]
  else if (!/(^|,)\s*(accept-encoding|\*)\s*(,|$)/i.test(vary)) headers['vary'] = [{ key: headers['vary']![0]!.key ?? 'Vary', value: `${vary}, Accept-Encoding` }]
  return { ...res, headers, body }
}
