/**
 * The public middleware contract: contexts per stage, middleware, handler and options types.
 * Implementations live in ./context.ts, ./compose.ts and ./stages.ts.
 */
import type { LimitsProfile } from '../cloudfront/limits.js'
import type {
  CfConfig,
  CfEvent,
  CfHeaders,
  CfOrigin,
  CfRequest,
  CfRequestResult,
  CfResponse,
  CfResultResponse,
  LambdaCallback,
  LambdaContext,
  RequestStage,
  ResponseStage,
  Stage,
} from '../cloudfront/types.js'

/**
 * Values carried between middleware with `c.set` / `c.get`. Extend it by declaration merging:
 *
 * @example
 * ```ts
 * declare module 'edgeware' {
 *   interface ContextVariableMap { user: { id: string } }
 * }
 * c.set('user', { id: '1' }); c.get('user')?.id
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface ContextVariableMap {}

/**
 * Header helpers over CloudFront's own header map (`{ lowercase: [{ key, value }] }`).
 * Names are case-insensitive; the original `key` casing is kept; repeated headers stay separate entries.
 * Writes are checked against the stage's rules and throw `EdgeRuleError` at the call site.
 *
 * @example
 * ```ts
 * export const handler = viewerRequest(async (c, next) => {
 *   const ua = c.request.headers.get('user-agent') ?? ''
 *   c.request.headers.set('x-mobile', /Mobile/.test(ua) ? '1' : '0').delete('x-debug')
 *   await next()
 * })
 * ```
 */
export interface EdgeHeaders {
  /** First value of a header, or undefined. */
  get(name: string): string | undefined
  /** Every value of a header, one per entry. */
  getAll(name: string): string[]
  has(name: string): boolean
  /** Replaces every entry of `name` with one entry (or one per value when given an array). */
  set(name: string, value: string | readonly string[]): this
  /** Adds one more entry. */
  append(name: string, value: string): this
  /** Removes every entry of `name`. */
  delete(name: string): this
  /** `[lowercaseName, value]` pairs, one per entry. */
  entries(): IterableIterator<[string, string]>
  [Symbol.iterator](): IterableIterator<[string, string]>
  /** The underlying CloudFront header map (the live object, not a copy). */
  readonly raw: CfHeaders
}

/**
 * Parsed `Cookie` request headers (parsed lazily with `cookie`).
 *
 * @example
 * ```ts
 * export const handler = viewerRequest(async (c, next) => {
 *   if (!c.request.cookies.has('session')) return void c.redirect('/login', 302)
 *   await next()
 * })
 * ```
 */
export interface EdgeCookies {
  get(name: string): string | undefined
  has(name: string): boolean
  /** All cookies as a plain object (first occurrence of a name wins). */
  all(): Record<string, string>
}

/**
 * The request body exposed with IncludeBody, decoded from CloudFront's base64.
 *
 * @example
 * ```ts
 * export const handler = viewerRequest(async (c, next) => {
 *   const body = c.request.body // undefined unless IncludeBody is on for the association
 *   if (body && !body.inputTruncated && body.text().includes('<script')) return void c.text('Rejected', 400)
 *   await next()
 * })
 * ```
 */
export interface EdgeRequestBody {
  /** True when CloudFront truncated the body (over 40 KB in viewer-request, 1 MB in origin-request). */
  readonly inputTruncated: boolean
  /** The body as bytes. */
  bytes(): Uint8Array
  /** The body decoded as UTF-8. */
  text(): string
  /** The body parsed as JSON. */
  json<T = unknown>(): T
}

/**
 * A read-only view of the request (response stages, and the base of the request stages' view).
 *
 * @example
 * ```ts
 * export const handler = viewerResponse(async (c, next) => {
 *   if (c.request.uri.startsWith('/api/')) c.response.headers.set('cache-control', 'no-store')
 *   await next()
 * })
 * ```
 */
export interface EdgeRequestView {
  readonly method: string
  readonly uri: string
  /** Raw query string, no leading `?`, `""` when none. */
  readonly querystring: string
  /** Parsed query string (computed on first read). */
  readonly query: URLSearchParams
  readonly headers: EdgeHeaders
  readonly cookies: EdgeCookies
  readonly clientIp: string
  /** The origin in origin events (origin-request, origin-response), else undefined. */
  readonly origin?: CfOrigin | undefined
  /** The underlying CloudFront request object. */
  readonly raw: CfRequest
}

/**
 * The request in viewer-request and origin-request: uri, query string, headers and body are writable.
 *
 * @example
 * ```ts
 * export const handler = viewerRequest(async (c, next) => {
 *   if (c.request.uri.endsWith('/')) c.request.uri += 'index.html'
 *   c.request.querystring = ''
 *   await next()
 * })
 * ```
 */
export interface EdgeRequest extends EdgeRequestView {
  uri: string
  querystring: string
  /** Undefined unless IncludeBody is on for this association and the request has a body. */
  readonly body: EdgeRequestBody | undefined
  /** Replaces the body sent to the origin (`action: 'replace'`), checked against the stage's limit. */
  replaceBody(data: string | Uint8Array): void
}

/**
 * The request in origin-request: the origin is readable and replaceable (validated on set).
 *
 * @example
 * ```ts
 * export const handler = originRequest(async (c, next) => {
 *   const s3 = c.request.origin.s3
 *   if (s3) c.request.headers.set('x-bucket', s3.domainName)
 *   await next()
 * })
 * ```
 */
export interface EdgeOriginRequest extends EdgeRequest {
  origin: CfOrigin
}

/**
 * What a responder accepts. `body` as bytes is sent base64-encoded.
 *
 * @example
 * ```ts
 * const init: EdgeResponseInit = { status: 503, headers: { 'retry-after': '30' }, body: 'Back soon' }
 * export const handler = viewerRequest(async (c) => { c.respond(init) })
 * ```
 */
export interface EdgeResponseInit {
  status: number
  statusDescription?: string
  headers?: Record<string, string | readonly string[]>
  body?: string | Uint8Array
}

/**
 * A response generated by a request-stage middleware (after a responder ran).
 *
 * @example
 * ```ts
 * export const handler = viewerRequest(async (c, next) => {
 *   await next()
 *   c.response?.headers.set('x-generated', 'edge') // set when a responder ran further in
 * }, async (c) => { c.text('hello') })
 * ```
 */
export interface EdgeGeneratedResponse {
  readonly status: number
  readonly headers: EdgeHeaders
  /** The CloudFront result object that will be returned. */
  readonly raw: CfResultResponse
}

/**
 * The response in origin-response and viewer-response.
 *
 * @example
 * ```ts
 * export const handler = originResponse(async (c, next) => {
 *   if (c.response.status === 404) c.response.body = 'Not here'
 *   await next()
 * })
 * ```
 */
export interface EdgeResponse {
  /** Numeric status. Setting it in viewer-response throws `EdgeRuleError` (StatusChanged). */
  status: number
  statusDescription: string
  readonly headers: EdgeHeaders
  /** Replaces the body: origin-response only (throws elsewhere); `''` removes it. Bytes are sent base64. */
  body: string | Uint8Array | undefined
  /** The underlying CloudFront response object. */
  readonly raw: CfResponse
}

/**
 * What every context has.
 *
 * @example
 * ```ts
 * const log: Middleware<BaseContext> = async (c, next) => {
 *   await next()
 *   console.log(JSON.stringify({ stage: c.stage, requestId: c.requestId, leftMs: c.remainingMs() }))
 * }
 * ```
 */
export interface BaseContext<S extends Stage = Stage> {
  readonly stage: S
  readonly event: CfEvent
  readonly config: CfConfig
  /** `config.requestId`, the id CloudFront logs as x-edge-request-id (`''` for an event without one). */
  readonly requestId: string
  readonly lambdaContext: LambdaContext
  readonly limits: LimitsProfile
  /** Aborts shortly before the Lambda deadline (`context.getRemainingTimeInMillis()`). */
  readonly signal: AbortSignal
  /** Milliseconds until the Lambda deadline (Infinity when the context gives none). */
  remainingMs(): number
  set<K extends keyof ContextVariableMap>(key: K, value: ContextVariableMap[K]): void
  set(key: string, value: unknown): void
  get<K extends keyof ContextVariableMap>(key: K): ContextVariableMap[K] | undefined
  get<T = unknown>(key: string): T | undefined
}

/**
 * Options of `c.redirect`.
 *
 * @example
 * ```ts
 * c.redirect('//cdn.example.com/app.js', 302, { allowProtocolRelative: true })
 * ```
 */
export interface RedirectOptions {
  /** Allow a protocol-relative `//host/path` location (refused by default: it looks like a path). */
  allowProtocolRelative?: boolean
}

/**
 * viewer-request and origin-request contexts. Responders end the chain with a generated response.
 *
 * @example
 * ```ts
 * const maintenance: Middleware<RequestContext> = async (c, next) => {
 *   if (c.request.headers.has('x-maintenance')) return void c.html('<h1>Back soon</h1>', 503)
 *   await next()
 * }
 * ```
 */
export interface RequestContext<S extends RequestStage = RequestStage> extends BaseContext<S> {
  readonly request: S extends 'origin-request' ? EdgeOriginRequest : EdgeRequest
  /** The generated response, once a responder ran (visible to outer middleware after `next()`). */
  readonly response: EdgeGeneratedResponse | undefined
  respond(init: EdgeResponseInit): EdgeGeneratedResponse
  /**
   * A redirect to `location`. A location that leaves the site while looking like a path is refused
   * (`EdgeRuleError` UnsafeRedirect): `//host` unless `allowProtocolRelative`, and `/\host`, `\\host` always.
   */
  redirect(location: string, status?: 301 | 302 | 303 | 307 | 308, options?: RedirectOptions): EdgeGeneratedResponse
  text(body: string, status?: number, headers?: Record<string, string>): EdgeGeneratedResponse
  json(value: unknown, status?: number, headers?: Record<string, string>): EdgeGeneratedResponse
  html(body: string, status?: number, headers?: Record<string, string>): EdgeGeneratedResponse
}

/**
 * origin-response and viewer-response contexts.
 *
 * @example
 * ```ts
 * const noSniff: Middleware<ResponseContext> = async (c, next) => {
 *   c.response.headers.set('x-content-type-options', 'nosniff')
 *   await next()
 * }
 * ```
 */
export interface ResponseContext<S extends ResponseStage = ResponseStage> extends BaseContext<S> {
  readonly request: EdgeRequestView
  readonly response: EdgeResponse
}

/**
 * The context of a viewer-request function: the viewer's request is writable, responders answer without the cache.
 *
 * @example
 * ```ts
 * const auth: Middleware<ViewerRequestContext> = async (c, next) => {
 *   if (!c.request.headers.has('authorization')) return void c.text('Unauthorized', 401)
 *   await next()
 * }
 * export const handler = viewerRequest(auth)
 * ```
 */
export type ViewerRequestContext = RequestContext<'viewer-request'>
/**
 * The context of an origin-request function (a cache miss): the request and its origin are writable, responders answer instead of the origin.
 *
 * @example
 * ```ts
 * const toBlog: Middleware<OriginRequestContext> = async (c, next) => {
 *   if (c.request.uri.startsWith('/blog/')) c.request.headers.set('x-origin-path', c.request.origin.custom?.path ?? '')
 *   await next()
 * }
 * export const handler = originRequest(toBlog)
 * ```
 */
export type OriginRequestContext = RequestContext<'origin-request'>
/**
 * The context of an origin-response function: the origin's response (status, headers, body) before it is cached.
 *
 * @example
 * ```ts
 * const cacheErrors: Middleware<OriginResponseContext> = async (c, next) => {
 *   if (c.response.status >= 500) c.response.headers.set('cache-control', 'max-age=10')
 *   await next()
 * }
 * export const handler = originResponse(cacheErrors)
 * ```
 */
export type OriginResponseContext = ResponseContext<'origin-response'>
/**
 * The context of a viewer-response function: headers of the response sent to the viewer (status and body are fixed).
 *
 * @example
 * ```ts
 * const hsts: Middleware<ViewerResponseContext> = async (c, next) => {
 *   c.response.headers.set('strict-transport-security', 'max-age=63072000')
 *   await next()
 * }
 * export const handler = viewerResponse(hsts)
 * ```
 */
export type ViewerResponseContext = ResponseContext<'viewer-response'>

/**
 * Any stage's context.
 *
 * @example
 * ```ts
 * const tag: Middleware<AnyContext> = async (c, next) => {
 *   await next()
 *   if ('respond' in c) c.response?.headers.set('x-stage', c.stage)
 *   else c.response.headers.set('x-stage', c.stage)
 * }
 * ```
 */
export type AnyContext = ViewerRequestContext | OriginRequestContext | OriginResponseContext | ViewerResponseContext

/**
 * The context type for a stage.
 *
 * @example
 * ```ts
 * const tagOrigin = (c: ContextFor<'origin-request'>) => {
 *   c.request.headers.set('x-origin', c.request.origin.custom?.domainName ?? 's3')
 * }
 * export const handler = originRequest(async (c, next) => { tagOrigin(c); await next() })
 * ```
 */
export type ContextFor<S extends Stage> = S extends 'viewer-request'
  ? ViewerRequestContext
  : S extends 'origin-request'
    ? OriginRequestContext
    : S extends 'origin-response'
      ? OriginResponseContext
      : ViewerResponseContext

/**
 * Calls the rest of the chain. Calling it twice throws.
 *
 * @example
 * ```ts
 * const timed: Middleware<AnyContext> = async (c, next: Next) => {
 *   const started = Date.now()
 *   await next()
 *   console.log(c.stage, Date.now() - started, 'ms')
 * }
 * ```
 */
export type Next = () => Promise<void>

/**
 * Middleware: `(c, next) => Promise<void>`, koa/Hono onion order. Returning a responder's result
 * (`return c.redirect('/new')`) is allowed for brevity; the value itself is ignored.
 *
 * @example
 * ```ts
 * const timing: Middleware<ViewerRequestContext> = async (c, next) => { await next() }
 * ```
 */
export type Middleware<C extends BaseContext = AnyContext> = (
  c: C,
  next: Next,
) => Promise<void | EdgeGeneratedResponse> | void | EdgeGeneratedResponse

/**
 * What `onError` decides: rethrow (CloudFront answers 503), pass the request/response on unchanged, or answer.
 *
 * @example
 * ```ts
 * const decide = (error: unknown): ErrorDecision =>
 *   error instanceof EdgeRuleError ? 'throw' : { status: 502, body: 'Bad gateway' }
 * export const handler = viewerRequest({ onError: decide }, async (c, next) => { await next() })
 * ```
 */
export type ErrorDecision = 'throw' | 'pass-through' | EdgeResponseInit

/**
 * Options every stage factory takes as an optional first argument.
 *
 * @example
 * ```ts
 * const options: StageOptions<ViewerRequestContext> = { onError: 'pass-through', limits: 'current', deadlineMarginMs: 200 }
 * export const handler = viewerRequest(options, async (c, next) => { await next() })
 * ```
 */
export interface StageOptions<C extends BaseContext = AnyContext> {
  /**
   * What to do when a middleware throws. Default `'throw'`: log one JSON line with the request id and rethrow.
   * `'pass-through'`: fail open (the original request/response goes on). A function decides per error;
   * returning a response init answers with it (request stages) or replaces status/headers/body where allowed.
   */
  onError?: 'throw' | 'pass-through' | ((error: unknown, c: C) => ErrorDecision | Promise<ErrorDecision>)
  /** Limits profile (default `classic`). */
  limits?: LimitsProfile | 'classic' | 'current'
  /** How long before the Lambda deadline `c.signal` aborts, ms (default 100). */
  deadlineMarginMs?: number
}

/**
 * The Lambda handler a stage factory returns. It also carries its stage.
 *
 * @example
 * ```ts
 * const handler: EdgeHandler<'viewer-request'> = viewerRequest(async (c, next) => { await next() })
 * handler.stage // 'viewer-request'
 * ```
 */
export interface EdgeHandler<S extends Stage = Stage> {
  (event: CfEvent, context?: LambdaContext, callback?: LambdaCallback): Promise<S extends RequestStage ? CfRequestResult : CfResponse>
  readonly stage: S
}
