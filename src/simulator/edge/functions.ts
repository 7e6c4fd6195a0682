/**
 * A behavior's CloudFront Functions at the edge (reference cloudfront-functions.md §3, §5, §6): the viewer event
 * goes to the host, which runs the function in its sandbox and answers in Lambda@Edge's form (the request to go
 * on with and the origin it chose, a generated response, the edited response, or CloudFront's 502 / 503).
 */
import { statusText } from '../../cloudfront/rules.js'
import type { CfHeaders, CfRequest } from '../../cloudfront/types.js'
import type { FunctionEventType } from '../../distribution/model.js'
import type { FunctionReply } from '../protocol.js'
import { bodyBytes, event, type Ctx, type EdgeResponse, type Failure } from './context.js'
import { withOrigins, type BehaviorPlan } from './plan.js'
import type { StageOutcome } from './stages.js'

async function run(ctx: Ctx, plan: BehaviorPlan, fn: string, eventType: FunctionEventType, req: CfRequest, res?: EdgeResponse): Promise<FunctionReply> {
  const response = res ? { headers: res.headers, status: String(res.status), statusDescription: res.statusDescription } : undefined
  const reply = await ctx.link.runFunction(fn, plan.originIds, JSON.stringify(event(ctx.cfg, eventType, ctx.requestId, req, response)))
  const outcome = !reply.ok ? 'error' : reply.request ? 'request' : eventType === 'viewer-request' ? 'generated' : 'response'
  ctx.log.stages.push({ stage: eventType, fn, ms: reply.ms, cold: false, outcome, utilization: reply.utilization })
  return reply
}

/**
 * The request a function returned, each header the viewer sent under the viewer's own casing (the function saw
 * names lowercase only: a viewer's `x-MiXeD` still reaches the origin as `x-MiXeD`); headers the function added keep
 * their canonical keys.
 */
function viewerCasing(out: CfRequest, sent: CfHeaders): CfRequest {
  for (const name in out.headers) {
    const key = sent[name]?.[0]?.key
    if (key !== undefined) for (const e of out.headers[name]!) e.key = key
  }
  return out
}

const failure = (r: Extract<FunctionReply, { ok: false }>, eventType: FunctionEventType, fn: string): Failure => ({ status: r.status, code: r.code, message: r.message, stage: eventType, fn, detail: r.detail })

/**
 * Runs the behavior's viewer-request CloudFront Function: a failure, a generated response (straight back to the
 * viewer), or the request to go on with — under the behavior's plan, or the one for the origin the function chose.
 *
 * @example
 * ```ts
 * const vr = await functionRequest(ctx, plan, 'router', request)
 * if (vr.request) plan = vr.plan ?? plan
 * ```
 */
export async function functionRequest(ctx: Ctx, plan: BehaviorPlan, fn: string, req: CfRequest): Promise<StageOutcome> {
  const r = await run(ctx, plan, fn, 'viewer-request', req)
  if (!r.ok) return { failed: failure(r, 'viewer-request', fn) }
  if (r.request) {
    const request = viewerCasing(r.request, req.headers)
    return r.origins ? { request, plan: withOrigins(plan, r.origins) } : { request }
  }
  const g = r.response
  const status = Number(g.status)
  return { generated: { status, statusDescription: g.statusDescription ?? statusText(status), headers: g.headers, body: bodyBytes(g.body, g.bodyEncoding) } }
}

/**
 * Runs the behavior's viewer-response CloudFront Function on what CloudFront shows it (the status and headers,
 * no body): the response with its status, headers and, when the function set one, body replaced.
 *
 * @example
 * ```ts
 * const out = await functionResponse(ctx, plan, 'headers', viewerRequest, res)
 * ```
 */
export async function functionResponse(ctx: Ctx, plan: BehaviorPlan, fn: string, req: CfRequest, res: EdgeResponse): Promise<{ res: EdgeResponse; failed?: undefined } | { failed: Failure; res?: undefined }> {
  const r = await run(ctx, plan, fn, 'viewer-response', req, res)
  if (!r.ok) return { failed: failure(r, 'viewer-response', fn) }
  const out = r.response!
  const status = Number(out.status)
  const body = out.body === undefined ? res.body : bodyBytes(out.body, out.bodyEncoding)
  return { res: { status, statusDescription: out.statusDescription ?? (status === res.status ? res.statusDescription : statusText(status)), headers: out.headers, body } }
}
