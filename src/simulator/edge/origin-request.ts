/**
 * The request CloudFront sends to an origin, as the origin-request event shows it (reference §2.2–§2.4, §1.3;
 * lambda-edge.md §1.4): the viewer headers the behavior forwards, the ones CloudFront always forwards, adds or
 * rewrites, the forwarded cookies and query string, and `request.origin` for the origin tried.
 */
import type { CfHeaders, CfOrigin, CfRequest } from '../../cloudfront/types.js'
import { filterCookies, filterQueryString, normalizeAcceptEncoding } from '../cache-rules.js'
import type { EdgeOrigin } from '../protocol.js'
import { cloneHeaders, first, type Ctx } from './context.js'
import type { BehaviorPlan } from './plan.js'
import { requestBody } from './stages.js'

/** Viewer headers that reach the origin whatever the policies say [CUST] ("forwarded as is"), body framing included. */
const AS_IS = new Set(['cache-control', 'content-encoding', 'content-length', 'content-md5', 'content-type', 'date', 'max-forwards'])
/**
 * Conditional and Range headers, also forwarded as is [CUST] — but only when the answer can't be cached: the edge
 * answers them from full objects (a 304 or 206 must not land in the cache under the object's key).
 */
const CONDITIONAL = new Set(['if-match', 'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since', 'range', 'request-range'])
/** Headers with a rule of their own below. */
const OWN_RULE = new Set(['accept-encoding', 'authorization', 'cookie', 'host', 'user-agent', 'via', 'x-forwarded-for'])

/**
 * Whether a response to this request may be cached (its method is cached and caching isn't off).
 *
 * @example
 * ```ts
 * if (cacheableRequest(plan, ctx.method)) … // conditional and Range headers are answered at the edge
 * ```
 */
export function cacheableRequest(plan: BehaviorPlan, method: string): boolean {
  return plan.cached.has(method) && plan.ttl.maxTtl > 0
}

/**
 * The headers of the origin request.
 * - Host: the origin's domain, unless the behavior forwards Host (custom origins only) [CUST], [MORP], or a
 *   CloudFront Function set the origin's `hostHeader` (cloudfront-functions.md §5.2).
 * - User-Agent: `Amazon CloudFront` unless forwarded [CUST].
 * - Authorization: for GET and HEAD (and OPTIONS when OPTIONS is cached) only when it is in the cache key (an origin
 *   request policy can't name it: [CDK-ORP], [SF-AUTH]; "all viewer headers" don't bring it either); other methods
 *   always [CUST].
 * - Accept-Encoding: with a cache policy's gzip/brotli on, the normalised value (§1.3), `identity` for other
 *   values; otherwise only when forwarded (the legacy form forwards the viewer's value, as the local edge always
 *   has).
 * - X-Forwarded-For: the viewer's value with the client IP appended; Via: CloudFront's hop appended [CUST], [EVT].
 */
function originHeaders(ctx: Ctx, plan: BehaviorPlan, viewer: CfHeaders, origin: EdgeOrigin): CfHeaders {
  const out: CfHeaders = {}
  const cacheable = cacheableRequest(plan, ctx.method)
  for (const name in viewer) {
    if (OWN_RULE.has(name)) continue
    if (plan.forwards(name) || AS_IS.has(name) || (!cacheable && CONDITIONAL.has(name)) || plan.cloudfrontHeaders.includes(name)) out[name] = viewer[name]!.map((e) => ({ ...e }))
  }
  const cookie = filterCookies(viewer, plan.forwardCookies)
  if (cookie !== undefined) out['cookie'] = [{ key: 'Cookie', value: cookie }]
  const ae = viewer['accept-encoding']
  const flags = plan.b.effective.acceptEncoding
  if (ae && !plan.b.legacy && (flags.gzip || flags.brotli)) out['accept-encoding'] = [{ key: 'Accept-Encoding', value: normalizeAcceptEncoding(ae.map((e) => e.value).join(','), flags)! }]
  else if (ae && (plan.b.legacy || plan.forwards('accept-encoding'))) out['accept-encoding'] = ae.map((e) => ({ ...e }))
  const auth = viewer['authorization']
  const keyedMethod = ctx.method === 'GET' || ctx.method === 'HEAD' || (ctx.method === 'OPTIONS' && plan.cached.has('OPTIONS'))
  if (auth && (plan.key.headers.includes('authorization') || !keyedMethod)) out['authorization'] = auth.map((e) => ({ ...e }))
  const xff = viewer['x-forwarded-for']?.map((e) => e.value).join(', ')
  out['x-forwarded-for'] = [{ key: 'X-Forwarded-For', value: xff ? `${xff}, ${ctx.clientIp}` : ctx.clientIp }]
  out['user-agent'] = plan.forwards('user-agent') && viewer['user-agent'] ? viewer['user-agent'].map((e) => ({ ...e })) : [{ key: 'User-Agent', value: 'Amazon CloudFront' }]
  const via = viewer['via']?.map((e) => e.value).join(', ')
  const hop = `1.1 ${ctx.cfg.viaHost} (CloudFront)`
  out['via'] = [{ key: 'Via', value: via ? `${via}, ${hop}` : hop }]
  const host = origin.kind !== 'custom' ? undefined : (origin.hostHeader ?? (plan.forwards('host') ? first(viewer, 'host') : undefined))
  out['host'] = [{ key: 'Host', value: host ?? origin.domainName }]
  return out
}

/**
 * `request.origin` for an origin: an S3 origin with `authMethod: "none"` (the event can't say origin access
 * control: lambda-edge.md §1.2), a custom origin with the protocol and port its protocol policy picks for the
 * viewer's listener.
 */
function eventOrigin(origin: EdgeOrigin, proto: 'http' | 'https'): CfOrigin {
  const customHeaders = cloneHeaders(origin.customHeaders)
  if (origin.kind === 's3') {
    return { s3: { authMethod: 'none', customHeaders, domainName: origin.domainName, path: origin.path, region: origin.region, ...(origin.readTimeout !== undefined ? { readTimeout: origin.readTimeout } : {}) } }
  }
  const protocol = origin.protocolPolicy === 'http-only' ? 'http' : origin.protocolPolicy === 'https-only' ? 'https' : proto
  return {
    custom: {
      customHeaders,
      domainName: origin.domainName,
      keepaliveTimeout: origin.keepaliveTimeout,
      path: origin.path,
      port: protocol === 'https' ? origin.httpsPort : origin.httpPort,
      protocol,
      readTimeout: origin.readTimeout,
      sslProtocols: [...origin.sslProtocols],
    },
  }
}

/**
 * The origin-request event's request for one origin of the behavior (the primary, or the secondary on failover).
 *
 * @example
 * ```ts
 * const req = originRequest(ctx, plan, viewerReq, plan.b.origins[0]!)
 * req.headers['user-agent'] // [{ key: 'User-Agent', value: 'Amazon CloudFront' }] unless forwarded
 * ```
 */
export function originRequest(ctx: Ctx, plan: BehaviorPlan, viewerReq: CfRequest, origin: EdgeOrigin): CfRequest {
  const req: CfRequest = {
    clientIp: ctx.clientIp,
    headers: originHeaders(ctx, plan, viewerReq.headers, origin),
    method: ctx.method,
    origin: eventOrigin(origin, ctx.proto),
    querystring: filterQueryString(viewerReq.querystring, origin.kind === 's3' ? plan.forwardQueryS3 : plan.forwardQuery),
    uri: viewerReq.uri,
  }
  const body = requestBody(ctx, plan, 'origin-request')
  if (body) req.body = body
  return req
}
