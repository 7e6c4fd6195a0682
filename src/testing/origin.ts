/**
 * `edgeware/testing` for Lambda origins: events shaped exactly as API Gateway (REST, HTTP), an ALB or a function
 * URL sends them for a request that came through CloudFront, and running a handler with one the way the
 * integration would (result read back into its HTTP response, with its verdict).
 */
import type { LambdaContext } from '../cloudfront/types.js'
import { detectIntegration, checkEvent } from '../lambda-origin/detect.js'
import type { AlbEvent, FunctionUrlEvent, HttpApiEvent, RestApiEvent } from '../lambda-origin/events.js'
import { createIntegration } from '../lambda-origin/integration.js'
import { callHandler, lambdaContext, type CallEnd } from './lambda-call.js'
import type { FunctionOutcome, Integration, IntegrationSettings, JsonObject, OriginResponse, OriginVerdict } from '../lambda-origin/types.js'

/**
 * The Lambda origin events `createEvent` builds, by the name `edgeware event` and `edgeware invoke --event` know.
 *
 * @example
 * ```ts
 * ORIGIN_EVENTS['apigateway-http'] // 'http'
 * ```
 */
export const ORIGIN_EVENTS = { 'apigateway-rest': 'rest', 'apigateway-http': 'http', alb: 'alb', 'function-url': 'url' } as const satisfies Record<string, Integration>

/**
 * An origin event's name.
 *
 * @example
 * ```ts
 * const kind: OriginEventKind = 'function-url'
 * ```
 */
export type OriginEventKind = keyof typeof ORIGIN_EVENTS

/**
 * The event type of each kind.
 *
 * @example
 * ```ts
 * const e: OriginEventTypes['alb'] = createEvent('alb')
 * ```
 */
export interface OriginEventTypes {
  'apigateway-rest': RestApiEvent
  'apigateway-http': HttpApiEvent
  alb: AlbEvent
  'function-url': FunctionUrlEvent
}

/**
 * What `createEvent` can set in an origin event: the request (as the CloudFront stages' overrides) and the
 * integration's settings.
 *
 * @example
 * ```ts
 * createEvent('alb', { path: '/search', querystring: 'name=tony&name=chou', multiValueHeaders: true })
 * ```
 */
export interface OriginEventOverrides {
  /** HTTP method (default GET, or POST when `body` is given). */
  method?: string
  /** The path the function sees (REST: without the stage). Default `/`. */
  path?: string
  /** Same as `path` (the CloudFront stages' name for it). */
  uri?: string
  /** Query string; a leading `?` is dropped. */
  querystring?: string
  /** Request headers to set over the defaults (arrays for repeated headers; `null` removes one). */
  headers?: Record<string, string | readonly string[] | null | undefined>
  /** Cookies, sent as one `Cookie` header (values URI-encoded). */
  cookies?: Record<string, string>
  /** Request body (a string is UTF-8); encoded as the integration encodes it for its `Content-Type`. */
  body?: string | Uint8Array
  /** The viewer's IP (CloudFront's `X-Forwarded-For`). Default `203.0.113.178`. */
  clientIp?: string
  /** ALB: the target group's multi-value headers (default false). */
  multiValueHeaders?: boolean
  /** REST and HTTP APIs: the stage (REST default `prod`, HTTP `$default`). */
  stage?: string
  /** REST and HTTP APIs: stage variables. */
  stageVariables?: Record<string, string>
  /** REST: the API's binary media types (default none). */
  binaryMediaTypes?: string[]
  /** The region (default `us-east-1`). */
  region?: string
  /** `requestContext.authorizer` (REST, HTTP, function URL): e.g. `{ jwt: { claims, scopes } }` for an HTTP API. */
  authorizer?: JsonObject
  /** When the request arrived (epoch ms or a Date; default now). */
  time?: number | Date
}

/** The CloudFront server a request through the distribution comes from (documentation range). */
const CLOUDFRONT_ADDRESS = '198.51.100.10'

function settingsFor(integration: Integration, o: OriginEventOverrides): IntegrationSettings {
  const s: IntegrationSettings = { integration }
  if (o.multiValueHeaders !== undefined) s.multiValueHeaders = o.multiValueHeaders
  if (o.stage !== undefined) s.stage = o.stage
  if (o.stageVariables !== undefined) s.stageVariables = o.stageVariables
  if (o.binaryMediaTypes !== undefined) s.binaryMediaTypes = o.binaryMediaTypes
  if (o.region !== undefined) s.region = o.region
  return s
}

function requestHeaders(host: string, o: OriginEventOverrides): [string, string][] {
  const headers = new Map<string, [string, string][]>()
  const put = (name: string, values: readonly string[]): void => void headers.set(name.toLowerCase(), values.map((v) => [name, v]))
  // What CloudFront forwards with an origin request policy that passes the viewer's headers but not Host.
  put('Host', [host])
  put('User-Agent', ['curl/7.66.0'])
  put('Accept', ['*/*'])
  put('Via', ['2.0 2d8e6f0e1b1e4c7f9a2b3c4d5e6f7a8b.cloudfront.net (CloudFront)'])
  put('X-Amz-Cf-Id', ['4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ=='])
  put('X-Forwarded-For', [o.clientIp ?? '203.0.113.178'])
  if (o.cookies !== undefined) put('Cookie', [Object.entries(o.cookies).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ')])
  if (o.headers !== undefined) {
    if (o.headers === null || typeof o.headers !== 'object') throw new TypeError(`createEvent: headers must be an object, got ${o.headers === null ? 'null' : typeof o.headers}`)
    for (const [name, v] of Object.entries(o.headers)) {
      if (v === null || v === undefined) headers.delete(name.toLowerCase())
      else if (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))) put(name, typeof v === 'string' ? [v] : v)
      else throw new TypeError(`createEvent: headers.${name} must be a string or an array of strings`)
    }
  }
  return [...headers.values()].flat()
}

/**
 * Builds the event `kind`'s integration sends for a request that came through CloudFront (a fresh object each
 * call), with your overrides applied. Used by `createEvent` for the origin event names.
 *
 * @example
 * ```ts
 * const event = createOriginEvent('apigateway-http', { path: '/items', querystring: 'id=1', cookies: { session: 'x' } })
 * event.cookies // ['session=x']
 * ```
 */
export function createOriginEvent<K extends OriginEventKind>(kind: K, overrides: OriginEventOverrides = {}): OriginEventTypes[K] {
  const integration: Integration | undefined = ORIGIN_EVENTS[kind]
  if (integration === undefined) throw new TypeError(`createEvent: unknown event ${JSON.stringify(kind)}; use one of ${Object.keys(ORIGIN_EVENTS).join(', ')}`)
  const o = overrides
  const api = createIntegration(settingsFor(integration, o))
  const s = api.settings
  let path = o.path ?? o.uri ?? '/'
  if (typeof path !== 'string' || !path.startsWith('/')) throw new TypeError(`createEvent: path must start with "/", got ${JSON.stringify(path)}`)
  // A REST request through the API's execute-api endpoint names the stage first.
  if (integration === 'rest') path = `/${s.stage}${path === '/' ? '' : path}`
  const query = o.querystring === undefined ? '' : o.querystring.replace(/^\?/, '')
  const now = o.time === undefined ? Date.now() : typeof o.time === 'number' ? o.time : o.time.getTime()
  const built = api.event(
    {
      method: o.method ?? (o.body !== undefined ? 'POST' : 'GET'),
      path: query ? `${path}?${query}` : path,
      headers: requestHeaders(s.domainName, o),
      ...(o.body !== undefined ? { body: o.body } : {}),
      remoteIp: CLOUDFRONT_ADDRESS,
    },
    { now },
  )
  const event = built.event
  if (o.authorizer !== undefined) {
    if (integration === 'alb') throw new TypeError('createEvent: an ALB event has no authorizer')
    ;(event.requestContext as JsonObject).authorizer = structuredClone(o.authorizer)
  }
  return event as unknown as OriginEventTypes[K]
}

/**
 * Options of {@link invokeOrigin}.
 *
 * @example
 * ```ts
 * await invokeOrigin(handler, event, { integration: 'http', timeoutMs: 1000 })
 * ```
 */
export interface InvokeOriginOptions {
  /** The integration (default: the one the event comes from). */
  integration?: Integration
  /** REST: the API's binary media types (default none). */
  binaryMediaTypes?: string[]
  /** The function's timeout in ms (default 3000, Lambda's default). */
  timeoutMs?: number
  /** REST and HTTP APIs: the integration timeout in ms (default 29,000 / 30,000). */
  integrationTimeoutMs?: number
  /** Fields of the Lambda context object. */
  context?: Partial<LambdaContext>
}

/**
 * What the integration made of one invocation.
 *
 * @example
 * ```ts
 * const { response, verdict, result }: OriginInvocation = await invokeOrigin(handler, event)
 * ```
 */
export interface OriginInvocation {
  integration: Integration
  /** The function's result as the integration read it (after a JSON round trip); `null` when it failed. */
  result: unknown
  /** The HTTP response the integration sends, with its body as UTF-8 text in `text`. */
  response: OriginResponse & { text: string }
  /** Whether the integration answered with the function's response, and which rules it met on the way. */
  verdict: OriginVerdict
  /** What the function threw (or called back with), when it did. */
  error?: unknown
  /** Milliseconds the handler took. */
  durationMs: number
}

/**
 * Any Lambda handler for an origin event, async or callback style.
 *
 * @example
 * ```ts
 * const handler: OriginHandler = async (event) => ({ statusCode: 200, body: 'ok' })
 * ```
 */
export type OriginHandler = (event: never, context: LambdaContext, callback: (err?: unknown, result?: unknown) => void) => unknown

/** How the integration reads one call's end: the result across the JSON boundary, or the function's failure. */
function outcome(end: CallEnd, timeoutMs: number): FunctionOutcome {
  if (!end.ok && end.kind === 'timeout') return { ok: false, kind: 'timeout', message: `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds` }
  if (!end.ok) return { ok: false, kind: 'error', message: end.error instanceof Error ? (end.error.stack ?? `${end.error.name}: ${end.error.message}`) : String(end.error) }
  try {
    return { ok: true, json: JSON.stringify(end.value) ?? 'null' }
  } catch (e) {
    return { ok: false, kind: 'not-json', message: (e as Error).message }
  }
}

/**
 * Runs an origin handler (a plain one, or a Hono app through `hono/aws-lambda`) with `event` the way its
 * integration would, and resolves to the HTTP response the integration sends and its verdict. A throw, a timeout
 * or a malformed result is not a rejection: it is the integration's own error answer, with the rule in the
 * verdict. Rejects only for an event that is not one of the integrations' (the problems listed).
 *
 * @example
 * ```ts
 * const { response, verdict } = await invokeOrigin(handler, createEvent('apigateway-rest', { path: '/hello' }))
 * expect(verdict.valid).toBe(true)
 * expect(response.status).toBe(200)
 * ```
 */
export async function invokeOrigin(handler: OriginHandler, event: object, opts: InvokeOriginOptions = {}): Promise<OriginInvocation> {
  if (typeof handler !== 'function') throw new TypeError(`invokeOrigin: the handler must be a function, got ${handler === null ? 'null' : typeof handler}`)
  const integration = opts.integration ?? detectIntegration(event)
  if (integration === undefined) throw new TypeError('invokeOrigin: the event is not one an API Gateway REST or HTTP API, an ALB or a function URL sends (pass `integration` to say which)')
  const problems = checkEvent(integration, event)
  if (problems.length) throw new TypeError(`invokeOrigin: not a valid ${integration} event:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`)
  const api = createIntegration({
    integration,
    ...(opts.binaryMediaTypes !== undefined ? { binaryMediaTypes: opts.binaryMediaTypes } : {}),
    ...(opts.integrationTimeoutMs !== undefined ? { integrationTimeoutMs: opts.integrationTimeoutMs } : {}),
  })
  const timeoutMs = opts.timeoutMs ?? 3000
  if (!(timeoutMs > 0)) throw new TypeError(`invokeOrigin: timeoutMs must be a positive number, got ${String(timeoutMs)}`)
  const ev = event as JsonObject
  const rc = (ev.requestContext ?? {}) as { requestId?: unknown }
  const started = Date.now()
  const context = lambdaContext(
    {
      functionName: 'api',
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${api.settings.region}:123456789012:function:api`,
      memoryLimitInMB: '128',
      logGroupName: '/aws/lambda/api',
      // A function URL's request id is the invocation's.
      ...(integration === 'url' && typeof rc.requestId === 'string' ? { awsRequestId: rc.requestId } : {}),
    },
    started + timeoutMs,
    opts.context,
  )
  const wait = api.settings.integrationTimeoutMs
  const waitMs = wait !== undefined && wait < timeoutMs ? wait : timeoutMs
  const end = await callHandler(handler, structuredClone(ev), context, waitMs)
  // The integration gave up before the function's own timeout.
  const out: FunctionOutcome = !end.ok && end.kind === 'timeout' && waitMs < timeoutMs ? { ok: false, kind: 'integration-timeout', message: `no answer within ${wait} ms` } : outcome(end, timeoutMs)
  const { response, verdict } = api.respond(ev, out)
  return {
    integration,
    result: out.ok ? JSON.parse(out.json) : null,
    response: { ...response, text: Buffer.from(response.body).toString('utf8') },
    verdict,
    ...(!end.ok && end.kind === 'error' ? { error: end.error } : {}),
    durationMs: Date.now() - started,
  }
}
