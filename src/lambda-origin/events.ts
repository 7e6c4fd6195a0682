/**
 * The events each integration sends a function and the results it reads back, as types (the fields edgeware
 * builds and AWS documents; integrations may add keys).
 */

/**
 * API Gateway REST API, Lambda proxy integration (payload format 1.0).
 *
 * @example
 * ```ts
 * export const handler = async (event: RestApiEvent): Promise<RestApiResult> => ({ statusCode: 200, body: event.path })
 * ```
 */
export interface RestApiEvent {
  resource: string
  path: string
  httpMethod: string
  headers: Record<string, string> | null
  multiValueHeaders: Record<string, string[]> | null
  queryStringParameters: Record<string, string> | null
  multiValueQueryStringParameters: Record<string, string[]> | null
  requestContext: {
    accountId: string
    apiId: string
    authorizer: Record<string, unknown> | null
    domainName: string
    domainPrefix: string
    extendedRequestId: string
    httpMethod: string
    identity: { sourceIp: string; userAgent: string | null; clientCert: unknown } & Record<string, unknown>
    path: string
    protocol: string
    requestId: string
    requestTime: string
    requestTimeEpoch: number
    resourceId: string | null
    resourcePath: string
    stage: string
  }
  pathParameters: Record<string, string> | null
  stageVariables: Record<string, string> | null
  body: string | null
  isBase64Encoded: boolean
}

/**
 * What a REST API's Lambda proxy integration reads back.
 *
 * @example
 * ```ts
 * const result: RestApiResult = { statusCode: 200, multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] }, body: 'ok' }
 * ```
 */
export interface RestApiResult {
  statusCode: number
  headers?: Record<string, string | number | boolean>
  multiValueHeaders?: Record<string, (string | number | boolean)[]>
  body?: string
  isBase64Encoded?: boolean
}

/**
 * Payload format 2.0: API Gateway HTTP APIs and function URLs.
 *
 * @example
 * ```ts
 * export const handler = async (event: HttpApiEvent) => ({ statusCode: 200, cookies: ['seen=1'], body: event.rawPath })
 * ```
 */
export interface HttpApiEvent {
  version: '2.0'
  routeKey: string
  rawPath: string
  rawQueryString: string
  cookies?: string[]
  headers: Record<string, string>
  queryStringParameters?: Record<string, string>
  requestContext: {
    accountId: string
    apiId: string
    authentication: unknown
    authorizer: Record<string, unknown> | null
    domainName: string
    domainPrefix: string
    http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string }
    requestId: string
    routeKey: string
    stage: string
    time: string
    timeEpoch: number
  }
  body?: string
  pathParameters?: Record<string, string> | null
  isBase64Encoded: boolean
  stageVariables?: Record<string, string> | null
}

/**
 * A function URL's event: payload format 2.0 [URLS].
 *
 * @example
 * ```ts
 * const ip = (event: FunctionUrlEvent) => event.requestContext.http.sourceIp
 * ```
 */
export type FunctionUrlEvent = HttpApiEvent

/**
 * What an HTTP API or a function URL reads back: this object, or any JSON value (then a 200 `application/json`
 * whose body is that value).
 *
 * @example
 * ```ts
 * const result: HttpApiResult = { statusCode: 201, cookies: ['id=1; HttpOnly'], body: '{"ok":true}' }
 * ```
 */
export interface HttpApiResult {
  statusCode: number
  headers?: Record<string, string | number | boolean>
  cookies?: string[]
  body?: string
  isBase64Encoded?: boolean
}

/**
 * An Application Load Balancer's event: `headers` / `queryStringParameters`, or with multi-value headers enabled on
 * the target group `multiValueHeaders` / `multiValueQueryStringParameters`.
 *
 * @example
 * ```ts
 * const names = (event: AlbEvent) => event.multiValueQueryStringParameters?.name ?? [event.queryStringParameters?.name]
 * ```
 */
export interface AlbEvent {
  requestContext: { elb: { targetGroupArn: string } }
  httpMethod: string
  path: string
  queryStringParameters?: Record<string, string>
  multiValueQueryStringParameters?: Record<string, string[]>
  headers?: Record<string, string>
  multiValueHeaders?: Record<string, string[]>
  body: string
  isBase64Encoded: boolean
}

/**
 * What a load balancer reads back (`multiValueHeaders` when the target group has multi-value headers enabled,
 * `headers` otherwise).
 *
 * @example
 * ```ts
 * const result: AlbResult = { statusCode: 200, statusDescription: '200 OK', headers: { 'Content-Type': 'text/plain' }, body: 'ok', isBase64Encoded: false }
 * ```
 */
export interface AlbResult {
  statusCode: number
  statusDescription?: string
  headers?: Record<string, string>
  multiValueHeaders?: Record<string, string[]>
  body?: string
  isBase64Encoded?: boolean
}
