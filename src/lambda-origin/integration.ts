/**
 * One integration, configured once: `event(request)` builds the event it sends the function, `respond(event,
 * outcome)` turns what the function did into the HTTP response it sends back and its verdict. Both pure: running
 * the function is the caller's (origin.ts runs it in a Lambda-like container, `edgeware/testing` in-process).
 */
import { albEvent, albResult } from './alb.js'
import { readRequest, uuid } from './request.js'
import { restEvent, restResult } from './rest.js'
import type { Mapped } from './result.js'
import { errorResponse, idHeaders, LIMITS, violation, type Violation } from './rules.js'
import { resolveSettings, type Resolved } from './settings.js'
import type { FunctionOutcome, Integration, IntegrationSettings, JsonObject, OriginRequest, OriginResponse, OriginRule, OriginVerdict } from './types.js'
import { v2Event, v2RequestId, v2Result } from './v2.js'

/**
 * An exchange's end: what the integration sends back and why.
 *
 * @example
 * ```ts
 * const { response, verdict }: OriginExchange = api.respond(built.event, { ok: true, json: '{"statusCode":204}' })
 * ```
 */
export interface OriginExchange {
  response: OriginResponse
  verdict: OriginVerdict
}

/**
 * The event built for one request.
 *
 * @example
 * ```ts
 * const built: BuiltEvent = api.event({ method: 'GET', path: '/prod/items' })
 * if (built.rejected) return built.rejected.response
 * ```
 */
export interface BuiltEvent {
  event: JsonObject
  /** The event as the function receives it (JSON text). */
  json: string
  /** The invocation's request id (`context.awsRequestId`). */
  awsRequestId: string
  /** Accepted with a loss (a REST body that is not UTF-8 text and not a binary media type). */
  warnings: OriginRule[]
  /** Set when the integration answers without invoking the function (a request over a size limit). */
  rejected?: OriginExchange
}

/**
 * An integration in front of a regional function.
 *
 * @example
 * ```ts
 * const api = createIntegration({ integration: 'rest' })
 * const built = api.event({ method: 'GET', path: '/prod/items?id=1', headers: { accept: 'application/json' } })
 * const { response, verdict } = api.respond(built.event, { ok: true, json: '{"statusCode":200,"body":"[]"}' })
 * ```
 */
export interface LambdaIntegration {
  readonly integration: Integration
  readonly settings: Readonly<Resolved>
  /** Builds the event for `request` (`now`: its arrival, epoch ms; `awsRequestId`: the invocation's id). */
  event(request: OriginRequest, ids?: { awsRequestId?: string; now?: number }): BuiltEvent
  /** The HTTP response and verdict for `event` whose invocation ended with `outcome` (`warnings`: the event's). */
  respond(event: JsonObject, outcome: FunctionOutcome, warnings?: readonly OriginRule[]): OriginExchange
}

const FAILED: Record<Integration, { source: string; error: string; timeout: string }> = {
  rest: {
    source: 'LAMBDA-APIGW',
    error: 'If the function runs but returns an error, or returns a response in the wrong format, API Gateway returns a 502',
    timeout: 'the function timed out before the integration timeout: a function error, and API Gateway returns a 502',
  },
  http: {
    source: 'APIGW-HTTP-TROUBLE',
    error: 'the Lambda integration failed and the HTTP API returns {"message":"Internal Server Error"}',
    timeout: 'the function timed out before the integration timeout: the HTTP API returns {"message":"Internal Server Error"}',
  },
  alb: {
    source: 'ELB-TROUBLE',
    error: 'The target is a Lambda function that returned an error (LambdaUnhandled): the load balancer returns a 502',
    timeout: 'The target is a Lambda function that did not respond before its configured timeout was reached: the load balancer returns a 502',
  },
  url: {
    source: 'URLS-MON',
    error: '5XX series codes indicate server-side errors, such as function errors and timeouts: the function failed',
    timeout: '5XX series codes indicate server-side errors, such as function errors and timeouts: the function timed out',
  },
}

/** The rule an invocation that did not return broke. */
function failure(integration: Integration, out: Extract<FunctionOutcome, { ok: false }>, timeoutMs: number | undefined): Violation {
  const f = FAILED[integration]
  const detail = out.message.split('\n', 1)[0]
  switch (out.kind) {
    case 'integration-timeout':
      return integration === 'rest'
        ? violation('timeout', 'IntegrationTimeout', `INTEGRATION_TIMEOUT: the function did not answer within the REST API's integration timeout (${timeoutMs} ms; at most 29 seconds): API Gateway returns a 504`, 'APIGW-GWRESP')
        : violation('timeout', 'IntegrationTimeout', `the function did not answer within the HTTP API's integration timeout (${timeoutMs} ms; at most 30 seconds): 503 Service Unavailable (3P)`, 'APIGW-LIMITS')
    case 'timeout':
      return violation('failed', 'FunctionTimeout', `${f.timeout} (${detail})`, f.source)
    case 'not-json':
      return violation('failed', 'FunctionResultNotJson', `${f.error} (the result can't be JSON-encoded: ${detail})`, f.source)
    default:
      return violation('failed', 'FunctionError', `${f.error} (${detail})`, f.source)
  }
}

function verdict(violations: readonly OriginRule[], warnings: readonly OriginRule[]): OriginVerdict {
  return { valid: violations.length === 0, violations: violations.map(({ code, message, source, path }) => (path === undefined ? { code, message, source } : { code, message, source, path })), warnings: [...warnings] }
}

/** The request id headers of an event built here (or any event of the integration: AWS's samples too). */
function eventIds(integration: Integration, event: JsonObject): [string, string][] {
  const rc = (event.requestContext ?? {}) as { requestId?: unknown; extendedRequestId?: unknown }
  const id = typeof rc.requestId === 'string' ? rc.requestId : ''
  return idHeaders(integration, id, typeof rc.extendedRequestId === 'string' ? rc.extendedRequestId : undefined)
}

/**
 * Creates an integration from its settings (checked now: a bad one throws `OriginConfigError` naming the rule).
 *
 * @example
 * ```ts
 * const alb = createIntegration({ integration: 'alb', multiValueHeaders: true })
 * alb.event({ method: 'GET', path: '/?name=tony&name=chou' }).event.multiValueQueryStringParameters // { name: ['tony', 'chou'] }
 * ```
 */
export function createIntegration(settings: IntegrationSettings): LambdaIntegration {
  const s = resolveSettings(settings)
  const kind = s.integration
  const apiGateway = kind === 'rest' || kind === 'http'

  const event = (request: OriginRequest, ids: { awsRequestId?: string; now?: number } = {}): BuiltEvent => {
    const r = readRequest(request, kind !== 'rest', ids.now)
    const awsRequestId = ids.awsRequestId ?? uuid()
    const warnings: OriginRule[] = []
    const ev = kind === 'rest' ? restEvent(s, r, uuid(), warnings) : kind === 'alb' ? albEvent(s, r) : v2Event(s, r, v2RequestId(s, awsRequestId))
    const json = JSON.stringify(ev)
    const built: BuiltEvent = { event: ev, json, awsRequestId, warnings }
    const limit = apiGateway ? LIMITS.apiGatewayPayloadBytes : kind === 'alb' ? LIMITS.albBytes : undefined
    let broken: Violation | undefined
    if (limit !== undefined && r.body.byteLength > limit) {
      broken = apiGateway
        ? violation('too-large', 'RequestTooLarge', `REQUEST_TOO_LARGE: the request body is ${r.body.byteLength} bytes, over API Gateway's 10 MB payload size`, 'APIGW-LIMITS')
        : violation('too-large', 'RequestTooLarge', `The maximum size of the request body that you can send to a Lambda function is 1 MB: this one is ${r.body.byteLength} bytes (HTTP 413)`, 'ELB-TROUBLE')
    } else if (Buffer.byteLength(json) > LIMITS.lambdaPayloadBytes) {
      broken = violation('rejected', 'LambdaRequestTooLarge', `the event is ${Buffer.byteLength(json)} bytes, over Lambda's 6 MB synchronous invocation payload: Lambda rejects the invocation${kind === 'rest' ? ' and API Gateway returns a 500' : ''}`, kind === 'rest' ? 'LAMBDA-APIGW' : 'LAMBDA-LIMITS')
    }
    if (broken) built.rejected = { response: errorResponse(kind, broken.answer, eventIds(kind, ev)), verdict: verdict([broken], warnings) }
    return built
  }

  const respond = (ev: JsonObject, outcome: FunctionOutcome, warnings: readonly OriginRule[] = []): OriginExchange => {
    const ids = eventIds(kind, ev)
    let m: Mapped | undefined
    let broken: Violation[]
    if (!outcome.ok) broken = [failure(kind, outcome, s.integrationTimeoutMs)]
    else if (Buffer.byteLength(outcome.json) > LIMITS.lambdaPayloadBytes) {
      broken = [violation('failed', 'LambdaResponseTooLarge', `the function's response is ${Buffer.byteLength(outcome.json)} bytes, over Lambda's 6 MB synchronous invocation payload: the invocation fails`, 'LAMBDA-LIMITS')]
    } else {
      let result: unknown
      try {
        result = JSON.parse(outcome.json)
      } catch (e) {
        return respond(ev, { ok: false, kind: 'not-json', message: (e as Error).message }, warnings)
      }
      m = kind === 'rest' ? restResult(s, ev, result) : kind === 'alb' ? albResult(ev, result, outcome.json) : v2Result(s, result, outcome.json)
      broken = m.violations
    }
    const all = m ? [...warnings, ...m.warnings] : [...warnings]
    if (broken.length || !m) return { response: errorResponse(kind, broken[0]!.answer, ids), verdict: verdict(broken, all) }
    const response: OriginResponse = { status: m.status, headers: [...m.headers, ...ids], body: m.body }
    if (m.statusText !== undefined) response.statusText = m.statusText
    return { response, verdict: verdict([], all) }
  }

  return { integration: kind, settings: s, event, respond }
}
