/**
 * The way back to the viewer: a Range or conditional request answered from the object (§7), a custom error
 * response for an error status (reference §4), the response headers policy (§3) and viewer-response around each
 * other in the configured order, CloudFront's response headers.
 */
import type { CfRequest } from '../../cloudfront/types.js'
import type { LogRecord } from '../protocol.js'
import { accessFields } from './access.js'
import type { Ctx, EdgeResponse, Failure } from './context.js'
import { fromObject } from './conditional.js'
import { getObject, type Source } from './fetch-object.js'
import { planFor, type BehaviorPlan } from './plan.js'
import { applyPolicy } from './response-headers.js'
import { errorPage, respond, type XCache } from './respond.js'
import { responseStage } from './stages.js'

/**
 * Sends the log record and returns the response.
 *
 * @example
 * ```ts
 * return finish(ctx, response, 'Hit')
 * ```
 */
export function finish(ctx: Ctx, res: Response, cache: LogRecord['cache'], error?: LogRecord['error']): Response {
  const log = ctx.log
  log.status = res.status
  log.cache = cache
  if (error) log.error = error
  log.totalMs = Date.now() - ctx.t0
  const host = ctx.viewer?.['host']?.[0]?.value
  if (host !== undefined) log.host = host
  // CloudFront can't log a request over its size limits (it can't parse it) [LOG]; an invalidation isn't a request.
  const why = ctx.wire?.refused?.why
  if (ctx.cfg.accessLog && why !== 'url-too-long' && why !== 'request-too-large' && !ctx.wire?.invalidation) log.access = accessFields(ctx, res)
  ctx.link.log(log)
  return res
}

/**
 * CloudFront's error page for a failure, logged with its code (and stage).
 *
 * @example
 * ```ts
 * return fail(ctx, { status: 502, code: 'OriginConnectError', message: 'refused', origin: true })
 * ```
 */
export function fail(ctx: Ctx, f: Failure): Response {
  const error: LogRecord['error'] = { code: f.code, message: f.message }
  if (f.stage) error.stage = f.stage
  if (f.fn) error.fn = f.fn
  if (f.detail) error.detail = f.detail
  return finish(ctx, errorPage(ctx.cfg, f.status, f.message, ctx.requestId, ctx.method), 'Error', error)
}

/** The response with the behavior's response headers policy applied (a copy), or as it is without one. */
function withPolicy(ctx: Ctx, plan: BehaviorPlan, viewerReq: CfRequest, res: EdgeResponse, source: Source): EdgeResponse {
  if (!plan.policy) return res
  const timing = { hit: source === 'Hit', refresh: source === 'RefreshHit', pop: ctx.cfg.pop, requestId: ctx.requestId, totalMs: Date.now() - ctx.t0, ...(ctx.log.originMs !== undefined ? { originMs: ctx.log.originMs } : {}) }
  return { ...res, headers: applyPolicy(plan.policy, res.headers, { method: ctx.method, headers: viewerReq.headers }, timing) }
}

/**
 * The custom error response for `status`, when one with a page is configured: the page fetched through the
 * behavior its path matches (that behavior's cache and origin; viewer-request doesn't run [TRIG]; origin-request
 * and origin-response do, as for any miss of that behavior: SILENT in the reference) and served with
 * `response_code`. When the page can't be had, the viewer gets what its origin answered [ERR]. Viewer-response
 * doesn't run for it [TRIG]; the request's behavior's response headers policy applies.
 */
async function customErrorPage(ctx: Ctx, plan: BehaviorPlan, viewerReq: CfRequest, keyed: CfRequest, status: number): Promise<Response | undefined> {
  const custom = ctx.cfg.customErrorResponses.find((c) => c.errorCode === status)
  if (!custom?.responsePagePath) return undefined
  const pageCtx: Ctx = { ...ctx, method: 'GET', rawBody: undefined }
  const pagePlan = planFor(ctx.cfg, custom.responsePagePath)
  const page = await getObject(pageCtx, pagePlan, { clientIp: keyed.clientIp, headers: keyed.headers, method: 'GET', querystring: '', uri: custom.responsePagePath })
  if (page.failed) return fail(ctx, page.failed)
  const res = page.res.status >= 400 ? page.res : { ...page.res, status: custom.responseCode!, statusDescription: '' }
  return finish(ctx, respond(ctx.cfg, ctx.method, withPolicy(ctx, plan, viewerReq, res, page.source), 'Error', ctx.requestId), 'Error')
}

/**
 * Answers the viewer with a response from the cache, an origin or origin-request. `viewerReq` is the request as
 * viewer-request left it (what viewer-response sees), `keyed` the one the cache and the origin saw.
 *
 * @example
 * ```ts
 * return deliver(ctx, plan, viewerReq, keyed, got.res, got.source)
 * ```
 */
export async function deliver(ctx: Ctx, plan: BehaviorPlan, viewerReq: CfRequest, keyed: CfRequest, object: EdgeResponse, source: Source): Promise<Response> {
  // A Range or a conditional request is answered from the object (206, 304, 416) before anything else sees it.
  const res = fromObject(ctx, plan, viewerReq, object)
  if (res.status >= 400) {
    const page = await customErrorPage(ctx, plan, viewerReq, keyed, res.status)
    if (page) return page
  }
  const before = ctx.cfg.responseHeadersPolicyOrder === 'before-viewer-response'
  let out = before ? withPolicy(ctx, plan, viewerReq, res, source) : res
  // viewer-response is skipped when the status is >= 400 [TRIG], [RALL].
  if (out.status < 400) {
    const vr = await responseStage(ctx, plan, 'viewer-response', viewerReq, out)
    if (vr.failed) return fail(ctx, vr.failed)
    out = vr.res
  }
  if (!before) out = withPolicy(ctx, plan, viewerReq, out, source)
  // CloudFront reports an error status from the origin (or the cache) as `Error from cloudfront`.
  const xcache: XCache = out.status >= 400 && source !== 'LambdaGeneratedResponse' ? 'Error' : source
  return finish(ctx, respond(ctx.cfg, ctx.method, out, xcache, ctx.requestId), source)
}

/**
 * A failure on the way to the origin: an origin that couldn't be reached or timed out gets the custom error
 * response for its status, when one is configured; anything else is CloudFront's error page.
 *
 * @example
 * ```ts
 * if (got.failed) return failed(ctx, plan, viewerReq, keyed, got.failed)
 * ```
 */
export async function failed(ctx: Ctx, plan: BehaviorPlan, viewerReq: CfRequest, keyed: CfRequest, f: Failure): Promise<Response> {
  if (!f.origin) return fail(ctx, f)
  // The log keeps why, when a custom error page answers instead.
  ctx.log.error = { code: f.code, message: f.message }
  return (await customErrorPage(ctx, plan, viewerReq, keyed, f.status)) ?? fail(ctx, f)
}
