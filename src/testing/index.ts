/**
 * `edgeware/testing`: build CloudFront events shaped exactly like AWS's samples, and run any Lambda@Edge handler
 * the way CloudFront would (result validated, throws and timeouts reported as the 503 they become); the same for
 * CloudFront Functions (`createFunctionEvent`, `invokeFunction`, the sandbox engine and the local KeyValueStore).
 */
import { resolveLimits, type LimitsProfile } from '../cloudfront/limits.js'
import { statusText } from '../cloudfront/rules.js'
import {
  STAGES,
  type CfConfig,
  type CfEvent,
  type CfHeader,
  type CfHeaders,
  type CfOrigin,
  type CfRequestResult,
  type CfResponse,
  type RequestStage,
  type ResponseStage,
  type Stage,
} from '../cloudfront/types.js'
import { EdgeValidationError } from '../core/errors.js'
import { putHeader } from '../core/headers.js'
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
/**
 * The AWS sample events verbatim (one per stage, and an S3 origin-request with a body), as `createEvent` starts from.
 * They are shared objects: copy one before changing it.
 *
 * @example
 * ```ts
 * import { samples } from 'edgeware/testing'
 * const event = structuredClone(samples.originResponseSample)
 * event.Records[0]!.cf.response!.status = '404'
 * ```
 */
export * as samples from './samples.js'
export { runHandler, type AnyHandler, type InvokeOptions, type RunOutcome } from './run.js'
export {
  createOriginEvent,
  invokeOrigin,
  ORIGIN_EVENTS,
  type OriginEventKind,
  type OriginEventOverrides,
  type OriginEventTypes,
  type InvokeOriginOptions,
  type OriginInvocation,
  type OriginHandler,
} from './origin.js'
export { startLambdaOrigin, checkEvent as checkOriginEvent, detectIntegration, type LambdaOrigin, type LambdaOriginOptions, type OriginCall, type Integration, type OriginResponse, type OriginVerdict, type OriginRule } from '../lambda-origin/index.js'
export type { RestApiEvent, RestApiResult, HttpApiEvent, HttpApiResult, FunctionUrlEvent, AlbEvent, AlbResult } from '../lambda-origin/events.js'
export {
  createFunctionEvent,
  invokeFunction,
  loadFunction,
  runFunctionOutcome,
  type FunctionEventOverrides,
  type InvokeFunctionOptions,
} from './functions.js'
export { compileFunction, runFunction, type CompiledFunction, type CompileOptions, type FunctionOutcome, type RunOptions } from '../cloudfront-functions/engine.js'
export { FunctionError, FunctionExecutionError } from '../cloudfront-functions/errors.js'
export { toFunctionEvent, toLambdaRequest, toLambdaResponse } from '../cloudfront-functions/convert.js'
export {
  KeyValueStore,
  KvsError,
  loadKeyValueStore,
  saveKeyValueStore,
  type KeyValueStoreFile,
  type KeyValueStoreOptions,
  type KvsMeta,
  type LoadKeyValueStoreOptions,
} from '../cloudfront-functions/kvs.js'
export type { FunctionProblem } from '../cloudfront-functions/syntax.js'
import { createOriginEvent, ORIGIN_EVENTS, type OriginEventKind, type OriginEventOverrides, type OriginEventTypes } from './origin.js'
import { runHandler, type AnyHandler, type InvokeOptions } from './run.js'

/**
 * Header overrides: a plain record (`{ 'X-Ab': 'B' }`, arrays for repeated headers) or CloudFront entries; `null` removes.
 *
 * @example
 * ```ts
 * const headers: HeaderOverrides = { 'X-Ab': 'B', vary: ['a', 'b'], 'user-agent': null }
 * ```
 */
export type HeaderOverrides = Record<string, string | readonly string[] | readonly CfHeader[] | null | undefined>

/**
 * What `createEvent` can change in the sample event.
 *
 * @example
 * ```ts
 * const overrides: EventOverrides = { uri: '/api', cookies: { session: 'x' }, body: '{"a":1}' }
 * createEvent('viewer-request', overrides)
 * ```
 */
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
    putHeader(target, key, list)
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
 * with your overrides applied. For a Lambda origin's event (`apigateway-rest`, `apigateway-http`, `alb`,
 * `function-url`) see `createOriginEvent`.
 *
 * @example
 * ```ts
 * const event = createEvent('viewer-request', { uri: '/old', cookies: { ab: 'B' } })
 * const s3 = createEvent('origin-request', { origin: 's3', body: 'name=John' })
 * const notFound = createEvent('origin-response', { status: 404 })
 * const api = createEvent('apigateway-rest', { path: '/orders', querystring: 'id=1' }) // a Lambda origin's event
 * ```
 */
export function createEvent(stage: Stage, overrides?: EventOverrides): CfEvent
export function createEvent<K extends OriginEventKind>(kind: K, overrides?: OriginEventOverrides): OriginEventTypes[K]
export function createEvent(stage: Stage | OriginEventKind, overrides: EventOverrides | OriginEventOverrides = {}): CfEvent | OriginEventTypes[OriginEventKind] {
  // Lambda origins' events: API Gateway REST / HTTP API, ALB, function URL (origin.ts).
  if (typeof stage === 'string' && Object.hasOwn(ORIGIN_EVENTS, stage)) return createOriginEvent(stage as OriginEventKind, overrides as OriginEventOverrides)
  if (!STAGES.includes(stage as Stage)) throw new TypeError(`createEvent: unknown stage ${JSON.stringify(stage)}; use one of ${STAGES.join(', ')} (or a Lambda origin's event: ${Object.keys(ORIGIN_EVENTS).join(', ')})`)
  const event = cloneJson(sampleFor(stage as Stage))
  const cf = event.Records[0]!.cf
  const req = cf.request
  const o = overrides as EventOverrides
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

/**
 * Runs any Lambda@Edge handler (async, or callback style — whichever settles first) on a deep copy of `event`,
 * then checks the result the way CloudFront does (`validateResult`, with the read-only header diff against `event`).
 *
 * - valid result → resolves to the result as CloudFront reads it (after a JSON round trip);
 * - invalid result → rejects with `EdgeValidationError` (`code`, CloudFront's message, `violations`): a 502;
 * - the handler throws or calls back with an error → rejects with `EdgeExecutionError` (`cause` is the error,
 *   `status` 503, `code` 'LambdaExecutionError');
 * - no result within `timeoutMs` → rejects with `EdgeTimeoutError` (a subclass of `EdgeExecutionError`, code
 *   'LambdaTimeout'): also a 503.
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
  const outcome = await runHandler(handler, event, opts)
  if (outcome.violations.length > 0) throw new EdgeValidationError(outcome.violations)
  return outcome.result as CfRequestResult | CfResponse
}
