/**
 * `edgeware/testing`: build CloudFront events shaped exactly like AWS's samples, and run any Lambda@Edge handler
 * the way CloudFront would (result validated, throws and timeouts reported as the 503 they become).
 */
import { resolveLimits, triggerLimits, type LimitsProfile } from '../cloudfront/limits.js'
import { statusText } from '../cloudfront/rules.js'
import type {
  CfConfig,
  CfEvent,
  CfHeader,
  CfHeaders,
  CfOrigin,
  CfRequest,
  CfRequestResult,
  CfResponse,
  LambdaCallback,
  LambdaContext,
  RequestStage,
  ResponseStage,
  Stage,
} from '../cloudfront/types.js'
import { validateResult } from '../cloudfront/validate.js'
import { EdgeValidationError, type Violation } from '../core/errors.js'
import { EdgeExecutionError, EdgeTimeoutError } from '../core/runtime-errors.js'
import { cloneJson } from '../core/stages.js'
import type { EdgeHandler } from '../core/types.js'
import {
  originRequestCustomSample,
  originRequestS3BodySample,
  originResponseSample,
  viewerRequestSample,
  viewerResponseSample,
} from './samples.js'

export { EdgeExecutionError, EdgeTimeoutError } from '../core/runtime-errors.js'
export { EdgeValidationError } from '../core/errors.js'
export * as samples from './samples.js'

const STAGES: ReadonlySet<string> = new Set(['viewer-request', 'origin-request', 'origin-response', 'viewer-response'])

/** Header overrides: a plain record (`{ 'X-Ab': 'B' }`, arrays for repeated headers) or CloudFront entries; `null` removes. */
export type HeaderOverrides = Record<string, string | readonly string[] | readonly CfHeader[] | null | undefined>

/** What `createEvent` can change in the sample event. */
export interface EventOverrides {
  /** Request URI (must start with `/`). */
  uri?: string
  /** Query string; a leading `?` is dropped. */
  querystring?: string
  /** HTTP method (default GET, or POST when `body` is given). */
  method?: string
  /** Request headers to set (merged into the sample's; `null` removes one). */
  headers?: HeaderOverrides
  /** Cookies, sent as one `Cookie` header (values URI-encoded). */
  cookies?: Record<string, string>
  /** Viewer IP. */
  clientIp?: string
  /** Request body as with IncludeBody (request stages only): base64, truncated at the stage's limit with `inputTruncated`. */
  body?: string | Uint8Array
  /** Origin in origin events: the sample custom origin, the sample S3 origin, or your own. The Host header follows it. */
  origin?: 'custom' | 's3' | CfOrigin
  /** Response status in response events (a number or CloudFront's string). */
  status?: number | string
  /** Response status description (default: the standard text of `status`). */
  statusDescription?: string
  /** Response headers to set in response events (merged into the sample's; `null` removes one). */
  responseHeaders?: HeaderOverrides
  /** Response fields in one object (same as `status`, `statusDescription`, `responseHeaders`). */
  response?: { status?: number | string; statusDescription?: string; headers?: HeaderOverrides }
  /** `config` fields (distributionDomainName, distributionId, requestId). */
  config?: Partial<CfConfig>
  /** Limits profile used for the IncludeBody truncation (default classic). */
  limits?: LimitsProfile | 'classic' | 'current'
}

function sampleFor(stage: Stage): CfEvent {
  switch (stage) {
    case 'viewer-request':
      return viewerRequestSample
    case 'origin-request':
      return originRequestCustomSample
    case 'origin-response':
      return originResponseSample
    case 'viewer-response':
      return viewerResponseSample
  }
}

function applyHeaders(target: CfHeaders, overrides: HeaderOverrides, what: string): void {
  if (overrides === null || typeof overrides !== 'object') throw new TypeError(`createEvent: ${what} must be an object, got ${typeof overrides}`)
  for (const name in overrides) {
    const v = overrides[name]
    const key = name.toLowerCase()
    if (v === null || v === undefined) {
      delete target[key]
      continue
    }
    const list: CfHeader[] = []
    const values = typeof v === 'string' ? [v] : v
    if (!Array.isArray(values)) throw new TypeError(`createEvent: ${what}.${name} must be a string, an array of strings or CloudFront entries`)
    for (const one of values as readonly unknown[]) {
      if (typeof one === 'string') list.push({ key: name, value: one })
      else if (one !== null && typeof one === 'object' && typeof (one as CfHeader).value === 'string') {
        const h = one as CfHeader
        list.push(h.key === undefined ? { value: h.value } : { key: h.key, value: h.value })
      } else throw new TypeError(`createEvent: ${what}.${name} has an entry that is neither a string nor { key, value }`)
    }
    target[key] = list
  }
}

function originFrom(o: 'custom' | 's3' | CfOrigin): CfOrigin {
  if (o === 'custom') return cloneJson(originRequestCustomSample.Records[0]!.cf.request.origin!)
  if (o === 's3') return cloneJson(originRequestS3BodySample.Records[0]!.cf.request.origin!)
  if (o === null || typeof o !== 'object') throw new TypeError(`createEvent: origin must be 'custom', 's3' or a CloudFront origin object`)
  return cloneJson(o)
}

/**
 * Builds a CloudFront event for `stage`, shaped exactly like the AWS sample events (a fresh deep copy each call),
 * with your overrides applied.
 *
 * @example
 * ```ts
 * const event = createEvent('viewer-request', { uri: '/old', cookies: { ab: 'B' } })
 * const s3 = createEvent('origin-request', { origin: 's3', body: 'name=John' })
 * const notFound = createEvent('origin-response', { status: 404 })
 * ```
 */
export function createEvent(stage: Stage, overrides: EventOverrides = {}): CfEvent {
  if (!STAGES.has(stage)) throw new TypeError(`createEvent: unknown stage ${JSON.stringify(stage)}; use one of ${[...STAGES].join(', ')}`)
  const event = cloneJson(sampleFor(stage))
  const cf = event.Records[0]!.cf
  const req = cf.request
  const o = overrides
  if (o.config !== undefined) Object.assign(cf.config, o.config)
  if (o.uri !== undefined) {
    if (typeof o.uri !== 'string' || !o.uri.startsWith('/')) throw new TypeError(`createEvent: uri must start with "/", got ${JSON.stringify(o.uri)}`)
    req.uri = o.uri
  }
  if (o.querystring !== undefined) req.querystring = o.querystring.startsWith('?') ? o.querystring.slice(1) : o.querystring
  if (o.clientIp !== undefined) req.clientIp = o.clientIp
  if (o.origin !== undefined) {
    if (stage !== 'origin-request' && stage !== 'origin-response') throw new TypeError(`createEvent: only origin events carry an origin, not ${stage}`)
    const origin = originFrom(o.origin)
    req.origin = origin
    const domain = origin.custom?.domainName ?? origin.s3?.domainName
    if (typeof domain === 'string') req.headers['host'] = [{ key: 'Host', value: domain }]
  }
  if (o.cookies !== undefined) {
    const pairs: string[] = []
    for (const k in o.cookies) pairs.push(`${k}=${encodeURIComponent(o.cookies[k]!)}`)
    req.headers['cookie'] = [{ key: 'Cookie', value: pairs.join('; ') }]
  }
  if (o.headers !== undefined) applyHeaders(req.headers, o.headers, 'headers')
  if (o.body !== undefined) {
    if (stage !== 'viewer-request' && stage !== 'origin-request') throw new TypeError(`createEvent: only request stages can carry a body (IncludeBody), not ${stage}`)
    const bytes = typeof o.body === 'string' ? Buffer.from(o.body, 'utf8') : Buffer.from(o.body.buffer, o.body.byteOffset, o.body.byteLength)
    const max = resolveLimits(o.limits).includeBodyBytes[stage as RequestStage]
    const truncated = bytes.byteLength > max
    req.body = {
      inputTruncated: truncated,
      action: 'read-only',
      encoding: 'base64',
      data: (truncated ? bytes.subarray(0, max) : bytes).toString('base64'),
    }
    if (o.method === undefined) req.method = 'POST'
  }
  if (o.method !== undefined) req.method = o.method
  const resOver = { ...o.response }
  if (o.status !== undefined) resOver.status = o.status
  if (o.statusDescription !== undefined) resOver.statusDescription = o.statusDescription
  if (o.responseHeaders !== undefined) resOver.headers = { ...resOver.headers, ...o.responseHeaders }
  if (resOver.status !== undefined || resOver.statusDescription !== undefined || resOver.headers !== undefined) {
    const res = cf.response
    if (res === undefined) throw new TypeError(`createEvent: only response events carry a response, not ${stage}`)
    if (resOver.status !== undefined) {
      res.status = String(resOver.status)
      res.statusDescription = statusText(Number(resOver.status))
    }
    if (resOver.statusDescription !== undefined) res.statusDescription = resOver.statusDescription
    if (resOver.headers !== undefined) applyHeaders(res.headers, resOver.headers, 'responseHeaders')
  }
  return event
}

/** Options for `invoke`. */
export interface InvokeOptions {
  /** Limits profile the result is validated against, and the default timeout (default classic). */
  limits?: LimitsProfile | 'classic' | 'current'
  /** Fields of the Lambda context object (e.g. your own `getRemainingTimeInMillis`). */
  context?: Partial<LambdaContext>
  /** Invocation timeout in ms (default: the stage's function timeout from the profile, 5 s viewer / 30 s origin). */
  timeoutMs?: number
}

/** Any Lambda handler, async or callback style. */
export type AnyHandler = (event: CfEvent, context: LambdaContext, callback: LambdaCallback) => unknown

let invocations = 0

function describeThrown(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err)
}

/**
 * Runs any Lambda@Edge handler (async, or callback style — whichever settles first) on a deep copy of `event`,
 * then checks the result the way CloudFront does (`validateResult`, with the read-only header diff against `event`).
 *
 * - valid result → resolves to the result as CloudFront reads it (after a JSON round trip);
 * - invalid result → rejects with `EdgeValidationError` (`code`, CloudFront's message, `violations`): a 502;
 * - the handler throws or calls back with an error → rejects with `EdgeExecutionError` (`cause` is the error): a 503;
 * - no result within `timeoutMs` → rejects with `EdgeTimeoutError`: a 503.
 *
 * Like the Node.js Lambda runtime, a handler that returns a plain value (no promise) and never calls the callback
 * produces `null`, which CloudFront rejects ("The JSON output must be an object type").
 *
 * @example
 * ```ts
 * const res = await invoke(handler, createEvent('viewer-request', { uri: '/old' }))
 * expect(res).toMatchObject({ status: '301' })
 * ```
 */
export async function invoke<S extends RequestStage>(handler: EdgeHandler<S>, event: CfEvent, opts?: InvokeOptions): Promise<CfRequestResult>
export async function invoke<S extends ResponseStage>(handler: EdgeHandler<S>, event: CfEvent, opts?: InvokeOptions): Promise<CfResponse>
export async function invoke(handler: AnyHandler | EdgeHandler, event: CfEvent, opts?: InvokeOptions): Promise<CfRequestResult | CfResponse>
export async function invoke(handler: AnyHandler | EdgeHandler, event: CfEvent, opts: InvokeOptions = {}): Promise<CfRequestResult | CfResponse> {
  if (typeof handler !== 'function') throw new TypeError(`invoke: the handler must be a function, got ${typeof handler}`)
  const eventType = (event as { Records?: { cf?: { config?: { eventType?: unknown } } }[] } | undefined)?.Records?.[0]?.cf?.config?.eventType
  const stage = (typeof eventType === 'string' && STAGES.has(eventType) ? eventType : (handler as Partial<EdgeHandler>).stage) as Stage | undefined
  if (stage === undefined) {
    throw new EdgeValidationError([
      { code: 'InvalidEvent', message: `Invalid Lambda@Edge event: Records[0].cf.config.eventType must be a stage name, got ${JSON.stringify(eventType)}`, path: 'Records[0].cf.config.eventType' },
    ])
  }
  const limits = resolveLimits(opts.limits)
  const timeoutMs = opts.timeoutMs ?? triggerLimits(stage, limits).timeoutMs
  const deadline = Date.now() + timeoutMs
  const context: LambdaContext = {
    functionName: 'edgeware-invoke',
    functionVersion: '1',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:edgeware-invoke:1',
    memoryLimitInMB: String(triggerLimits(stage, limits).memoryMb),
    awsRequestId: `edgeware-${process.pid}-${++invocations}`,
    logGroupName: '/aws/lambda/us-east-1.edgeware-invoke',
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    ...opts.context,
  }
  const input = cloneJson(event)
  let syncReturn = false
  const result = await new Promise<unknown>((resolve, reject) => {
    let settled = false
    const timer = setTimeout(() => settle(() => reject(new EdgeTimeoutError(timeoutMs, `the ${stage} function timed out after ${timeoutMs} ms (CloudFront answers 503)`))), timeoutMs)
    function settle(fn: () => void): void {
      if (settled) return
      settled = true
      clearTimeout(timer)
      fn()
    }
    const fail = (err: unknown): void =>
      settle(() => reject(new EdgeExecutionError(`the ${stage} function failed: ${describeThrown(err)} (CloudFront answers 503)`, { cause: err })))
    const callback: LambdaCallback = (err, res) => {
      if (err !== undefined && err !== null) fail(err)
      else settle(() => resolve(res))
    }
    let ret: unknown
    try {
      ret = (handler as AnyHandler)(input, context, callback)
    } catch (err) {
      fail(err)
      return
    }
    if (ret !== null && typeof ret === 'object' && typeof (ret as PromiseLike<unknown>).then === 'function') {
      ;(ret as PromiseLike<unknown>).then((v) => settle(() => resolve(v)), fail)
    } else if (handler.length < 3) {
      // the Node.js runtime ignores a plain return value: without a callback the invocation ends with null [ISS-JSON]
      syncReturn = ret !== undefined
      settle(() => resolve(null))
    }
  })
  let parsed: unknown
  try {
    const json = JSON.stringify(result)
    parsed = json === undefined ? null : JSON.parse(json)
  } catch (err) {
    throw new EdgeValidationError([
      { code: 'InvalidJson', message: `The Lambda function returned invalid JSON: The JSON output is not parsable. (${(err as Error).message})` },
    ])
  }
  const violations: Violation[] = validateResult(stage, event, parsed, limits)
  if (violations.length > 0) {
    if (syncReturn) {
      violations.push({
        code: 'SyncReturn',
        message: 'the handler returned a plain value without a promise or a callback; the Lambda runtime ignores it (make the handler async or call callback(null, result))',
      })
    }
    throw new EdgeValidationError(violations)
  }
  return parsed as CfRequestResult | CfResponse
}

export type { CfRequest }
