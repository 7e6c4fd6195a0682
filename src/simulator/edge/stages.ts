/**
 * Running a behavior's Lambda@Edge functions: each stage's event, the call to its container, and what the result
 * means for the request (reference lambda-edge.md §5.2).
 */
import { statusText } from '../../cloudfront/rules.js'
import type { CfEvent, CfRequest, CfResponse, CfResultResponse, Stage } from '../../cloudfront/types.js'
import type { InvokeReply, StageLog } from '../protocol.js'
import { bodyBytes, event, toBase64, type Ctx, type EdgeResponse, type Failure } from './context.js'
import { functionResponse } from './functions.js'
import type { BehaviorPlan } from './plan.js'

async function invoke(ctx: Ctx, fn: string, stage: Stage, ev: CfEvent): Promise<InvokeReply> {
  const reply = await ctx.link.invoke(fn, stage, ctx.requestId, JSON.stringify(ev))
  const entry: StageLog = { stage, fn, ms: reply.ms, cold: reply.cold, outcome: 'error' }
  if (reply.ok) entry.outcome = stage === 'origin-response' || stage === 'viewer-response' ? 'response' : isGenerated(reply.result) ? 'generated' : 'request'
  ctx.log.stages.push(entry)
  return reply
}

function isGenerated(result: unknown): result is CfResultResponse {
  const r = result as Partial<CfRequest & CfResultResponse>
  return r.status !== undefined && r.uri === undefined
}

/**
 * How a request stage ended: exactly one of the three. With the request, the plan it goes on under when a
 * CloudFront Function chose its origin.
 */
export type StageOutcome =
  | { failed: Failure; generated?: undefined; request?: undefined; plan?: undefined }
  | { generated: EdgeResponse; failed?: undefined; request?: undefined; plan?: undefined }
  | { request: CfRequest; plan?: BehaviorPlan; failed?: undefined; generated?: undefined }

const failure = (r: Extract<InvokeReply, { ok: false }>, stage: Stage, fn: string): Failure => ({ status: r.status, code: r.code, message: r.message, stage, fn, ...(r.detail ? { detail: r.detail } : {}) })

/**
 * The IncludeBody `body` of a request event: always base64, truncated at 40 KB / 1 MB with `inputTruncated` [RLE].
 *
 * @example
 * ```ts
 * const body = requestBody(ctx, plan, 'origin-request') // undefined without IncludeBody
 * ```
 */
export function requestBody(ctx: Ctx, plan: BehaviorPlan, stage: 'viewer-request' | 'origin-request'): CfRequest['body'] | undefined {
  const raw = ctx.rawBody
  if (!raw || !plan.b.includeBody.includes(stage)) return undefined
  const max = ctx.cfg.includeBodyBytes[stage]
  const truncated = raw.byteLength > max
  return { inputTruncated: truncated, action: 'read-only', encoding: 'base64', data: toBase64(truncated ? raw.subarray(0, max) : raw) }
}

/**
 * Runs a request stage's function, if the behavior has one: a failure, a generated response, or the request to go
 * on with. A body the function replaced (`action: "replace"`) is what the origin gets [EVT].
 *
 * @example
 * ```ts
 * const vr = await requestStage(ctx, plan, 'viewer-request', request)
 * if (vr.generated) … else if (vr.request) …
 * ```
 */
export async function requestStage(ctx: Ctx, plan: BehaviorPlan, stage: 'viewer-request' | 'origin-request', req: CfRequest): Promise<StageOutcome> {
  const fn = plan.b.functions[stage]
  if (!fn) return { request: req }
  const r = await invoke(ctx, fn, stage, event(ctx.cfg, stage, ctx.requestId, req))
  if (!r.ok) return { failed: failure(r, stage, fn) }
  if (!isGenerated(r.result)) {
    const out = r.result as CfRequest
    if (out.body?.action === 'replace') ctx.rawBody = bodyBytes(out.body.data, out.body.encoding)
    return { request: out }
  }
  const g = r.result
  const status = Number(g.status)
  return { generated: { status, statusDescription: g.statusDescription ?? statusText(status), headers: g.headers ?? {}, body: bodyBytes(g.body, g.bodyEncoding) } }
}

/**
 * Runs a response stage's function, if the behavior has one: the response as the function left it. In
 * origin-response a body the function sets replaces the origin's [UPD]; in viewer-response only the headers and
 * statusDescription apply (the status can't change: the validator enforces it). A viewer-response CloudFront
 * Function runs here too (edge/functions.ts).
 *
 * @example
 * ```ts
 * const out = await responseStage(ctx, plan, 'origin-response', originRequest, res)
 * ```
 */
export async function responseStage(
  ctx: Ctx,
  plan: BehaviorPlan,
  stage: 'origin-response' | 'viewer-response',
  req: CfRequest,
  res: EdgeResponse,
): Promise<{ res: EdgeResponse; failed?: undefined } | { failed: Failure; res?: undefined }> {
  const cff = stage === 'viewer-response' ? plan.b.cloudfrontFunctions['viewer-response'] : undefined
  if (cff) return functionResponse(ctx, plan, cff, req, res)
  const fn = plan.b.functions[stage]
  if (!fn) return { res }
  const r = await invoke(ctx, fn, stage, event(ctx.cfg, stage, ctx.requestId, req, { headers: res.headers, status: String(res.status), statusDescription: res.statusDescription }))
  if (!r.ok) return { failed: failure(r, stage, fn) }
  const out = r.result as CfResponse
  if (stage === 'viewer-response') return { res: { ...res, headers: out.headers ?? {}, statusDescription: out.statusDescription ?? res.statusDescription } }
  const status = Number(out.status)
  const body = typeof out.body === 'string' ? bodyBytes(out.body, out.bodyEncoding) : res.body
  return { res: { status, statusDescription: out.statusDescription ?? statusText(status), headers: out.headers ?? {}, body } }
}
