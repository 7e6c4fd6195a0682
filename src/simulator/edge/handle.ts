/**
 * One viewer request through the local edge, top to bottom (reference lambda-edge.md §5.2, cloudfront-distribution.md):
 * what the front refused, the viewer's headers, the behavior, CloudFront's protocol and method checks,
 * viewer-request (a CloudFront Function or Lambda@Edge), the default root object and the `CloudFront-*` headers,
 * then the object (cache, origin group, origin-request / origin-response) and the way back (custom error response,
 * response headers policy, viewer-response).
 */
import type { CfRequest } from '../../cloudfront/types.js'
import { FRONT_HEADER, parseFrontInfo } from '../front-wire.js'
import type { LogRecord } from '../protocol.js'
import { newRequestId, type Ctx, type Env, type HostLink } from './context.js'
import { deliver, fail, failed, finish } from './deliver.js'
import { getObject } from './fetch-object.js'
import { functionRequest } from './functions.js'
import { answerInvalidation } from './invalidation.js'
import { planFor } from './plan.js'
import { redirectPage, respond } from './respond.js'
import { requestStage, requestBody } from './stages.js'
import { readViewer, refusal, viewerGate, withCloudFrontHeaders } from './viewer.js'

/** The object a request for `/` gets with a default root object (only the root URL [DRO]). */
function rootObject(uri: string, defaultRootObject: string | undefined): string {
  return uri === '/' && defaultRootObject !== undefined ? `/${defaultRootObject}` : uri
}

/**
 * Serves one viewer request that came in on the `proto` listener.
 *
 * @example
 * ```ts
 * return handle(request, env, link, 'http')
 * ```
 */
export async function handle(request: Request, env: Env, link: HostLink, proto: 'http' | 'https'): Promise<Response> {
  const url = new URL(request.url)
  const requestId = newRequestId()
  const method = request.method
  const wire = parseFrontInfo(request.headers.get(FRONT_HEADER))
  // The configuration of the front's generation: a request in flight keeps the one it started with.
  const current = link.config(wire?.generation ?? 0)
  const cfg = current instanceof Promise ? await current : current
  const clientIp = wire?.ip ?? request.headers.get('cf-connecting-ip') ?? '127.0.0.1'
  const t0 = Date.now()
  const log: LogRecord = { requestId, method: wire?.refused?.method ?? method, path: url.pathname + url.search, status: 0, cache: 'Miss', stages: [], totalMs: 0, start: t0 }
  const ctx: Ctx = { cfg, env, link, requestId, log, t0, method, proto, clientIp, wire, rawBody: undefined }
  // What the front refused (CloudFront's size limits, unknown methods): its page, then the connection closes.
  if (wire?.refused) return fail(ctx, refusal(wire.refused))
  if (wire?.invalidation) return answerInvalidation(ctx, request)

  const intake = readViewer(ctx, request)
  if ('status' in intake) return fail(ctx, intake)
  const uri = url.pathname
  const querystring = url.search.length > 1 ? url.search.slice(1) : ''
  const plan = planFor(cfg, uri)
  log.behavior = plan.b.pathPattern
  log.origin = plan.b.origins[0]!.id
  const gate = viewerGate(ctx, plan, url, request)
  if (gate) return 'redirect' in gate ? finish(ctx, redirectPage(cfg, gate.status, gate.redirect, requestId, method), 'Redirect') : fail(ctx, gate.failed)
  if (method !== 'GET' && method !== 'HEAD' && request.body) ctx.rawBody = new Uint8Array(await request.arrayBuffer())

  // viewer-request (a CloudFront Function or Lambda@Edge, before the cache); a generated response goes straight
  // back: no cache, no other stage [GEN], [TRIG]. CloudFront Functions see the CloudFront-* headers the policies
  // name (cloudfront-functions.md §6: AWS's country examples); a viewer-request one may choose the origin (§5.2).
  const { 'viewer-request': cff, 'viewer-response': cffResponse } = plan.b.cloudfrontFunctions
  const vrIn: CfRequest = { clientIp, headers: cff || cffResponse ? withCloudFrontHeaders(ctx, plan, intake, intake.headers) : intake.headers, method, querystring, uri }
  const vrBody = cff ? undefined : requestBody(ctx, plan, 'viewer-request')
  if (vrBody) vrIn.body = vrBody
  const vr = cff ? await functionRequest(ctx, plan, cff, vrIn) : await requestStage(ctx, plan, 'viewer-request', vrIn)
  if (vr.failed) return fail(ctx, vr.failed)
  const generatedBy = cff ? 'FunctionGeneratedResponse' : 'LambdaGeneratedResponse'
  if (vr.generated) return finish(ctx, respond(cfg, method, vr.generated, generatedBy, requestId), generatedBy)
  const { body: _, ...viewerReq } = vr.request
  const p = vr.plan ?? plan
  // The origin the function chose is the one the log names (a miss names the member that answered: origin.ts).
  if (vr.plan) log.origin = p.b.origins[0]!.id

  // What the cache and the origin see: the default root object, the CloudFront-* headers (added after viewer-request).
  const keyed: CfRequest = { ...viewerReq, uri: rootObject(viewerReq.uri, cfg.defaultRootObject), headers: withCloudFrontHeaders(ctx, p, intake, viewerReq.headers) }
  const got = await getObject(ctx, p, keyed)
  if (got.failed) return failed(ctx, p, viewerReq, keyed, got.failed)
  return deliver(ctx, p, viewerReq, keyed, got.res, got.source)
}
