/**
 * The four stage factories: `viewerRequest`, `originRequest`, `originResponse`, `viewerResponse`.
 * Each returns an async Lambda handler that checks the event, builds the stage's context, runs the onion and
 * returns exactly what CloudFront expects: the (mutated) request or a generated response in request stages,
 * the response in response stages.
 */
import { resolveLimits, type LimitsProfile } from '../cloudfront/limits.js'
import type {
  CfEvent,
  CfRequest,
  CfResponse,
  CfResultResponse,
  LambdaContext,
  RequestStage,
  ResponseStage,
  Stage,
} from '../cloudfront/types.js'
import { compose, RESOLVED } from './compose.js'
import { OriginRequest } from './origin-request.js'
import { VIEWER_REQUEST_READ_ONLY } from './read-only.js'
import { RequestCtx, WritableRequest } from './request.js'
import { applyToResponse, ResponseCtx } from './response-stage.js'
import { assertEvent } from './event.js'
import { kind } from './errors.js'
import { buildGeneratedResponse } from './response.js'
import type {
  BaseContext,
  EdgeHandler,
  EdgeResponseInit,
  ErrorDecision,
  Middleware,
  OriginRequestContext,
  OriginResponseContext,
  StageOptions,
  ViewerRequestContext,
  ViewerResponseContext,
} from './types.js'

const EMPTY_CONTEXT: LambdaContext = Object.freeze({})

/**
 * What a stage factory takes: an optional options object, then middleware. (One signature with a union of tuples
 * rather than overloads, so combinators like `path(...)` infer the stage's context from their position.)
 *
 * @example
 * ```ts
 * const args: StageArgs<ViewerRequestContext> = [{ onError: 'pass-through' }, myMiddleware]
 * ```
 */
export type StageArgs<C extends BaseContext> = [options: StageOptions<C>, ...middleware: Middleware<C>[]] | Middleware<C>[]

/** Deep copy of plain JSON data (events are JSON): cheaper than structuredClone for small objects. */
export function cloneJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length)
    for (let i = 0; i < value.length; i++) out[i] = cloneJson(value[i] as unknown)
    return out as T
  }
  const out: Record<string, unknown> = {}
  for (const k in value) {
    const v = cloneJson((value as Record<string, unknown>)[k])
    // a "__proto__" key (JSON.parse makes it an own property) must stay a property, not become the prototype
    if (k === '__proto__') Object.defineProperty(out, k, { value: v, writable: true, enumerable: true, configurable: true })
    else out[k] = v
  }
  return out as T
}

function errorLine(stage: Stage, requestId: unknown, err: unknown, handled?: string): string {
  const e = err instanceof Error ? err : undefined
  const line: Record<string, unknown> = {
    level: 'error',
    stage,
    requestId: typeof requestId === 'string' ? requestId : undefined,
    error: e ? `${e.name}: ${e.message}` : String(err),
    stack: e?.stack,
  }
  if (handled !== undefined) line.handled = handled
  return JSON.stringify(line)
}

type AnyOptions = StageOptions<BaseContext>

function splitArgs(stage: Stage, args: readonly unknown[]): [AnyOptions, Middleware<BaseContext>[]] {
  let options: AnyOptions = {}
  let rest = args
  const first = args[0]
  if (first !== undefined && typeof first !== 'function') {
    if (first === null || typeof first !== 'object') {
      throw new TypeError(`edgeware: ${stage}() takes an optional options object and then middleware functions; got ${kind(first)} first`)
    }
    options = first as AnyOptions
    rest = args.slice(1)
  }
  for (let i = 0; i < rest.length; i++) {
    if (typeof rest[i] !== 'function') {
      throw new TypeError(`edgeware: ${stage}() middleware #${i + 1} must be a function, got ${kind(rest[i])}`)
    }
  }
  const onError = options.onError
  if (onError !== undefined && onError !== 'throw' && onError !== 'pass-through' && typeof onError !== 'function') {
    throw new TypeError(`edgeware: onError must be 'throw', 'pass-through' or a function, got ${JSON.stringify(onError)}`)
  }
  const lim = options.limits as unknown
  if (lim !== undefined && lim !== 'classic' && lim !== 'current' && (typeof lim !== 'object' || lim === null || typeof (lim as { maxUrlChars?: unknown }).maxUrlChars !== 'number')) {
    throw new TypeError(`edgeware: limits must be 'classic', 'current' or a limits profile object, got ${JSON.stringify(lim) ?? String(lim)}`)
  }
  const margin = options.deadlineMarginMs
  if (margin !== undefined && (typeof margin !== 'number' || !(margin >= 0))) {
    throw new TypeError(`edgeware: deadlineMarginMs must be a number ≥ 0, got ${String(margin)}`)
  }
  return [options, rest as Middleware<BaseContext>[]]
}

/** How one stage builds its context, reads its result and answers for `onError`. */
interface StageImpl {
  make(ev: CfEvent, lc: LambdaContext, limits: LimitsProfile, margin: number): BaseContext & { _dispose(): void }
  result(c: BaseContext): CfRequest | CfResultResponse | CfResponse
  /** What `onError: 'pass-through'` restores: the request (request stages) or the response. */
  snapshot(ev: CfEvent): CfRequest | CfResponse
  /** An `onError` response init turned into the stage's result. */
  answer(init: EdgeResponseInit, snapshot: CfRequest | CfResponse, limits: LimitsProfile): CfResultResponse | CfResponse
}

function requestImpl(stage: RequestStage, makeRequest: (raw: CfRequest, limits: LimitsProfile) => WritableRequest): StageImpl {
  return {
    make: (ev, lc, limits, margin) =>
      new RequestCtx(stage, ev, lc, limits, margin, makeRequest(ev.Records[0]!.cf.request, limits)) as unknown as BaseContext & { _dispose(): void },
    result: (c) => (c as unknown as RequestCtx)._result(),
    snapshot: (ev) => cloneJson(ev.Records[0]!.cf.request),
    answer: (init, _snapshot, limits) => buildGeneratedResponse(stage, limits, init),
  }
}

function responseImpl(stage: ResponseStage): StageImpl {
  return {
    make: (ev, lc, limits, margin) => new ResponseCtx(stage, ev, lc, limits, margin) as unknown as BaseContext & { _dispose(): void },
    result: (c) => (c as unknown as ResponseCtx).response.raw,
    snapshot: (ev) => cloneJson(ev.Records[0]!.cf.response!),
    answer: (init, snapshot, limits) => applyToResponse(stage, snapshot as CfResponse, init, limits),
  }
}

/** @internal builds a stage handler. */
export function createHandler<S extends Stage>(stage: S, args: readonly unknown[], impl: StageImpl): EdgeHandler<S> {
  const [options, middleware] = splitArgs(stage, args)
  const limits = resolveLimits(options.limits)
  const margin = options.deadlineMarginMs ?? 100
  const onError = options.onError ?? 'throw'
  const snapshotNeeded = onError !== 'throw'
  const run = compose(middleware)

  async function fail(err: unknown, c: BaseContext, snapshot: CfRequest | CfResponse | undefined): Promise<CfRequest | CfResultResponse | CfResponse> {
    const log = (e: unknown, handled?: string): void => console.error(errorLine(stage, c.config.requestId, e, handled))
    let decision: ErrorDecision | undefined = onError === 'pass-through' ? onError : 'throw'
    if (typeof onError === 'function') {
      try {
        decision = await onError(err, c)
      } catch (err2) {
        log(err2, 'onError threw')
        throw err2
      }
    }
    if (decision === undefined || decision === 'throw') {
      log(err)
      throw err
    }
    if (decision === 'pass-through') {
      log(err, decision)
      return snapshot!
    }
    log(err, 'response')
    return impl.answer(decision, snapshot!, limits)
  }

  const handler = async function edgewareHandler(event: CfEvent, context?: LambdaContext): Promise<CfRequest | CfResultResponse | CfResponse> {
    const ev = assertEvent(event, stage)
    const snapshot = snapshotNeeded ? impl.snapshot(ev) : undefined
    const c = impl.make(ev, context ?? EMPTY_CONTEXT, limits, margin)
    try {
      const done = run(c)
      if (done !== RESOLVED) await done
    } catch (err) {
      return fail(err, c, snapshot)
    } finally {
      c._dispose()
    }
    return impl.result(c)
  }
  Object.defineProperty(handler, 'stage', { value: stage, enumerable: true })
  return handler as unknown as EdgeHandler<S>
}

const viewerRequestImpl = /* @__PURE__ */ requestImpl('viewer-request', (raw, limits) => new WritableRequest(raw, 'viewer-request', limits, VIEWER_REQUEST_READ_ONLY))

/**
 * A viewer-request handler: runs on every viewer request, before the cache. Return nothing special: the (mutated)
 * request goes on, or a responder (`c.redirect`, `c.json`, …) answers the viewer directly.
 *
 * @example
 * ```ts
 * export const handler = viewerRequest(async (c, next) => {
 *   if (c.request.uri === '/old') return void c.redirect('/new', 301)
 *   c.request.headers.set('x-ab', c.request.cookies.get('ab') ?? 'A')
 *   await next()
 * })
 * ```
 */
export function viewerRequest(...args: StageArgs<ViewerRequestContext>): EdgeHandler<'viewer-request'> {
  return createHandler('viewer-request', args, viewerRequestImpl)
}

/**
 * An origin-request handler: runs on cache misses, before the origin. `c.request.origin` can be read and replaced.
 * A generated response is cached by CloudFront.
 *
 * @example
 * ```ts
 * export const handler = originRequest(async (c, next) => {
 *   c.request.origin = { custom: { ...c.request.origin.custom!, domainName: 'blog.example.com' } }
 *   c.request.headers.set('host', 'blog.example.com')
 *   await next()
 * })
 * ```
 */
export function originRequest(...args: StageArgs<OriginRequestContext>): EdgeHandler<'origin-request'> {
  return createHandler('origin-request', args, requestImpl('origin-request', (raw, limits) => new OriginRequest(raw, limits)))
}

/**
 * An origin-response handler: runs on every origin response (any status) before it is cached. Status, headers
 * and body (static content) may be changed.
 *
 * @example
 * ```ts
 * export const handler = originResponse(async (c, next) => {
 *   c.response.headers.set('cache-control', 'public, max-age=300')
 *   await next()
 * })
 * ```
 */
export function originResponse(...args: StageArgs<OriginResponseContext>): EdgeHandler<'origin-response'> {
  return createHandler('origin-response', args, responseImpl('origin-response'))
}

/**
 * A viewer-response handler: runs before a response goes back to the viewer (not for origin statuses ≥ 400 or
 * viewer-request generated responses). Headers may change; the status may not.
 *
 * @example
 * ```ts
 * export const handler = viewerResponse(async (c, next) => {
 *   c.response.headers.set('strict-transport-security', 'max-age=63072000')
 *   await next()
 * })
 * ```
 */
export function viewerResponse(...args: StageArgs<ViewerResponseContext>): EdgeHandler<'viewer-response'> {
  return createHandler('viewer-response', args, responseImpl('viewer-response'))
}

