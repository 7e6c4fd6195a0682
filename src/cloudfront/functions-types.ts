/**
 * CloudFront Functions event and result shapes (event structure version "1.0"), exactly as CloudFront passes and
 * reads them. Source: [EVT], [EVT-2023] (reference/cloudfront-functions.md §2, §3) and DefinitelyTyped [DT].
 */

/**
 * The two events a CloudFront Function can be associated with.
 *
 * @example
 * ```ts
 * const eventType: FunctionEventType = 'viewer-request'
 * ```
 */
export type FunctionEventType = 'viewer-request' | 'viewer-response'

/**
 * Both event types, in the order CloudFront runs them.
 *
 * @example
 * ```ts
 * FUNCTION_EVENT_TYPES.includes('viewer-response') // true
 * ```
 */
export const FUNCTION_EVENT_TYPES: readonly FunctionEventType[] = ['viewer-request', 'viewer-response']

/**
 * The JavaScript runtimes of CloudFront Functions (the CloudFormation / API enum) [CFN-FC].
 *
 * @example
 * ```ts
 * const runtime: FunctionRuntime = 'cloudfront-js-2.0'
 * ```
 */
export type FunctionRuntime = 'cloudfront-js-1.0' | 'cloudfront-js-2.0'

/**
 * Both runtimes.
 *
 * @example
 * ```ts
 * FUNCTION_RUNTIMES.includes('cloudfront-js-1.0') // true
 * ```
 */
export const FUNCTION_RUNTIMES: readonly FunctionRuntime[] = ['cloudfront-js-1.0', 'cloudfront-js-2.0']

/**
 * One query string parameter, header or request cookie: `value`, and `multiValue` when the name occurs more than
 * once (its first element repeats `value`) [EVT-2023].
 *
 * @example
 * ```ts
 * const accept: CffValue = { value: 'text/html', multiValue: [{ value: 'text/html' }, { value: 'application/json' }] }
 * ```
 */
export interface CffValue {
  value: string
  multiValue?: { value: string }[]
}

/**
 * A map of name → value: `request.querystring`, `request.headers` (lowercase names, no `cookie`),
 * `request.cookies`, `response.headers` (no `set-cookie`).
 *
 * @example
 * ```ts
 * const headers: CffValues = { host: { value: 'www.example.com' } }
 * ```
 */
export type CffValues = Record<string, CffValue>

/**
 * A response cookie (from `Set-Cookie`): value, attributes, and `multiValue` when the name is set more than once.
 *
 * @example
 * ```ts
 * const c: CffResponseCookie = { value: 'abc', attributes: 'Secure; Path=/' }
 * ```
 */
export interface CffResponseCookie {
  value: string
  attributes?: string
  multiValue?: { value: string; attributes?: string }[]
}

/**
 * `event.request`.
 *
 * @example
 * ```ts
 * event.request.headers['x-ab'] = { value: 'B' }
 * ```
 */
export interface CffRequest {
  /** Read-only. */
  method: string
  /** Starts with `/`; changing it doesn't change the cache behavior or the origin. */
  uri: string
  querystring: CffValues
  headers: CffValues
  cookies: CffValues
}

/**
 * A response body a function sets: text, or `{ encoding, data }` [EVT-2023].
 *
 * @example
 * ```ts
 * const body: CffBody = { encoding: 'base64', data: 'aGk=' }
 * ```
 */
export type CffBody = string | { encoding: 'text' | 'base64'; data: string }

/**
 * `event.response` (viewer-response), and a response a viewer-request function generates.
 *
 * @example
 * ```ts
 * const res: CffResponse = { statusCode: 302, statusDescription: 'Found', headers: { location: { value: '/new' } }, cookies: {} }
 * ```
 */
export interface CffResponse {
  /** An integer, not a string as in Lambda@Edge. */
  statusCode: number
  statusDescription?: string
  headers?: CffValues
  cookies?: Record<string, CffResponseCookie>
  /** Never present in an event (the origin's body is not readable); set it to replace the body. */
  body?: CffBody
}

/**
 * `event.context` [EVT].
 *
 * @example
 * ```ts
 * event.context.eventType // 'viewer-request'
 * ```
 */
export interface CffContext {
  distributionDomainName?: string
  distributionId?: string
  eventType: FunctionEventType
  requestId?: string
  /** Multi-tenant distributions: the connection group's domain instead of `distributionDomainName` [EVT-new]. */
  endpoint?: string
}

/**
 * The event a CloudFront Function receives.
 *
 * @example
 * ```ts
 * function handler(event: CffEvent) { return event.request }
 * ```
 */
export interface CffEvent {
  version: '1.0'
  context: CffContext
  viewer: { ip: string }
  request: CffRequest
  /** viewer-response events only. */
  response?: CffResponse
}

/**
 * What a viewer-request function may return: the request (its `querystring` may be a string [EX-NQS]) or a
 * response for the viewer.
 *
 * @example
 * ```ts
 * const out: CffRequestResult = { statusCode: 401, statusDescription: 'Unauthorized' }
 * ```
 */
export type CffRequestResult = (Omit<CffRequest, 'querystring'> & { querystring: CffValues | string }) | CffResponse
