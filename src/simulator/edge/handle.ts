/**
 * One viewer request through the local edge, top to bottom (reference lambda-edge.md §5.2, cloudfront-distribution.md):
 * the viewer's headers, the URL limit, the behavior, CloudFront's protocol and method checks, viewer-request (a
 * CloudFront Function or Lambda@Edge), the default root object and the `CloudFront-*` headers, then the object
 * (cache, origin group, origin-request / origin-response) and the way back (custom error response, response
 * headers policy, viewer-response).
 */
import type { CfRequest } from '../../cloudfront/types.js'
import { newRequestId, type Ctx, type Env, type HostLink } from './context.js'
import { deliver, fail, failed, finish } from './deliver.js'
import { getObject } from './fetch-object.js'
import { functionRequest } from './functions.js'
import { planFor } from './plan.js'
import { redirectPage, respond } from './respond.js'
import { requestStage, requestBody } from './stages.js'
import { readViewer, viewerGate, withCloudFrontHeaders } from './viewer.js'

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
  const cfg = env.EDGE
  const url = new URL(request.url)
  const requestId = newRequestId()
  const method = request.method
  const clientIp = request.headers.get('cf-connecting-ip') ?? '127.0.0.1'
  const log = { requestId, method, path: url.pathname + url.search, status: 0, cache: 'Miss' as const, stages: [], totalMs: 0 }
  const ctx: Ctx = { cfg, env, link, requestId, log, t0: Date.now(), method, proto, clientIp, rawBody: undefined }

  const intake = readViewer(ctx, request)
  if ('status' in intake) return fail(ctx, intake)
  const uri = url.pathname
  const querystring = url.search.length > 1 ? url.search.slice(1) : ''
  // URI + query string must stay below 8,192 characters [RALL], [QUO].
  if (uri.length + querystring.length >= cfg.maxUrlChars) {
    return fail(ctx, { status: 414, code: 'UrlTooLong', message: `The request URL is ${uri.length + querystring.length} characters, CloudFront's limit is ${cfg.maxUrlChars}.` })
  }
  const plan = planFor(cfg, uri)
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

  // What the cache and the origin see: the default root object, the CloudFront-* headers (added after viewer-request).
  const keyed: CfRequest = { ...viewerReq, uri: rootObject(viewerReq.uri, cfg.defaultRootObject), headers: withCloudFrontHeaders(ctx, p, intake, viewerReq.headers) }
  const got = await getObject(ctx, p, keyed)
  if (got.failed) return failed(ctx, p, viewerReq, keyed, got.failed)
  return deliver(ctx, p, viewerReq, keyed, got.res, got.source)
}
