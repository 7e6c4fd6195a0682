/**
 * The shapes of a Lambda origin: the integrations in front of a regional function, the HTTP request they receive,
 * the event they build, the result the function returns and the HTTP response they send.
 */

/**
 * The integration in front of the function: API Gateway REST API (Lambda proxy, payload 1.0), API Gateway HTTP API
 * (payload 2.0), an Application Load Balancer target group, or a function URL.
 *
 * @example
 * ```ts
 * const integration: Integration = 'http'
 * ```
 */
export type Integration = 'rest' | 'http' | 'alb' | 'url'

/**
 * The integrations, in the order the docs list them.
 *
 * @example
 * ```ts
 * INTEGRATIONS.includes('alb') // true
 * ```
 */
export const INTEGRATIONS: readonly Integration[] = ['rest', 'http', 'alb', 'url']

/**
 * Request headers: name/value pairs in order (a repeated header is several pairs), a record whose arrays are
 * repeated headers, or Fetch `Headers` (which join a repeated header's values with `, `).
 *
 * @example
 * ```ts
 * const headers: OriginHeaders = [['Cookie', 'a=1'], ['Cookie', 'b=2'], ['Accept', '*\/*']]
 * const same: OriginHeaders = { Cookie: ['a=1', 'b=2'], Accept: '*\/*' }
 * ```
 */
export type OriginHeaders = readonly (readonly [string, string])[] | Readonly<Record<string, string | readonly string[]>> | Headers

/**
 * An HTTP request as it reaches the integration (for an origin behind CloudFront: as CloudFront sends it).
 *
 * @example
 * ```ts
 * const req: OriginRequest = { method: 'POST', path: '/prod/orders?id=1', headers: [['content-type', 'application/json']], body: '{"a":1}', remoteIp: '130.176.98.11' }
 * ```
 */
export interface OriginRequest {
  /** HTTP method (`GET`, `POST`, …). */
  method: string
  /** The URL path and query string as received (`/prod/items?id=1`), not decoded. */
  path: string
  /** Headers with repeats (default none). */
  headers?: OriginHeaders
  /** Body bytes (a string is UTF-8). */
  body?: Uint8Array | string
  /** The address the request comes from (behind CloudFront: a CloudFront server). Default `127.0.0.1`. */
  remoteIp?: string
  /** The scheme the request came in on (`X-Forwarded-Proto`, `X-Forwarded-Port`). Default `https`. */
  protocol?: 'http' | 'https'
}

/**
 * The HTTP response the integration sends back.
 *
 * @example
 * ```ts
 * const res: OriginResponse = { status: 200, headers: [['content-type', 'text/plain']], body: new TextEncoder().encode('hi') }
 * ```
 */
export interface OriginResponse {
  status: number
  /** The reason phrase, when the integration sets one (an ALB result's `statusDescription`). */
  statusText?: string
  /** Headers with repeats, in order (several `set-cookie` pairs, …). */
  headers: [string, string][]
  body: Uint8Array
}

/**
 * One rule the exchange met: a violation (the integration answers with its error instead of the function's
 * response) or a warning (accepted, but something is lost or differs from what the function asked).
 *
 * @example
 * ```ts
 * const v: OriginRule = { code: 'RestMalformedResult', message: 'If the function output is of a different format, API Gateway returns a 502 Bad Gateway error response', source: 'APIGW-PROXY' }
 * ```
 */
export interface OriginRule {
  /** Stable name of the rule. */
  code: string
  /** What happened, in the source's words where it has some, with the offending value. */
  message: string
  /** Where the rule comes from (a tag of docs/origins.md's source list). */
  source: string
  /** Where in the result (`headers.x-a`, `statusCode`), when it is about one field. */
  path?: string
}

/**
 * The integration's verdict on one exchange.
 *
 * @example
 * ```ts
 * const verdict: OriginVerdict = { valid: false, violations: [{ code: 'FunctionError', message: '…', source: 'LAMBDA-APIGW' }], warnings: [] }
 * ```
 */
export interface OriginVerdict {
  /** Whether the integration answered with the function's own response. */
  valid: boolean
  /** Why it answered with its own error instead (empty when valid). */
  violations: OriginRule[]
  /** Accepted, with a loss or a difference worth knowing. */
  warnings: OriginRule[]
}

/**
 * How the function invocation ended: its result as JSON text, or a failure (a throw, a timeout, a crash, a
 * result JSON can't encode), or the integration stopped waiting (`integration-timeout`).
 *
 * @example
 * ```ts
 * const out: FunctionOutcome = { ok: true, json: '{"statusCode":200,"body":"hi"}' }
 * ```
 */
export type FunctionOutcome =
  | { ok: true; json: string }
  | { ok: false; kind: 'error' | 'timeout' | 'crash' | 'not-json' | 'integration-timeout'; message: string }

/**
 * Settings of the integration in front of the function.
 *
 * @example
 * ```ts
 * const settings: IntegrationSettings = { integration: 'alb', multiValueHeaders: true, region: 'eu-west-1' }
 * ```
 */
export interface IntegrationSettings {
  integration: Integration
  /** ALB only: the target group's multi-value headers attribute (default false, AWS's default). */
  multiValueHeaders?: boolean
  /** The region of the API, load balancer or function URL (default `us-east-1`). */
  region?: string
  /** The account id in ARNs and `requestContext.accountId` (default `123456789012`). */
  accountId?: string
  /** The API id / function URL id (default: one derived from `name`). */
  apiId?: string
  /** The function's name (default `api`): names the target group, seeds the ids. */
  name?: string
  /** The stage: REST default `prod`, HTTP API default `$default`. */
  stage?: string
  /** REST and HTTP APIs: the stage's variables (default none). */
  stageVariables?: Readonly<Record<string, string>>
  /** REST only: the API's `binaryMediaTypes` (`image/png`, `image/*`, `*\/*`); default none. */
  binaryMediaTypes?: readonly string[]
  /** REST and HTTP APIs: the integration timeout in ms (REST 50–29,000, default 29,000; HTTP 50–30,000, default 30,000). */
  integrationTimeoutMs?: number
}

/**
 * A JSON object (what an event or a result is).
 *
 * @example
 * ```ts
 * const event: JsonObject = JSON.parse(text)
 * ```
 */
export type JsonObject = { [key: string]: unknown }
