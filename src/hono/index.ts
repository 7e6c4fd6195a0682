/**
 * `edgeware/hono`: run a Hono app in a Lambda@Edge request stage.
 * @module
 */
import type { Hono } from 'hono'
import type { Env, Schema } from 'hono/types'
import { getPath as honoGetPath, getPathNoStrict as honoGetPathNoStrict } from 'hono/utils/url'
import { toFetchRequest, toResponseInit } from '../cloudfront/fetch.js'
import type { Middleware, RequestContext } from '../core/types.js'
import { stageError } from '../middleware/_shared/index.js'

/**
 * The bindings a Hono app sees as `c.env` when it runs through {@link hono}: `c.env.edge` is the edgeware
 * request context (CloudFront config, `c.env.edge.request.raw`, `set`/`get` values of earlier middleware…).
 *
 * @example
 * ```ts
 * const app = new Hono<{ Bindings: EdgeBindings }>()
 * app.get('/api/whoami', (c) => c.json({ requestId: c.env.edge.requestId }))
 * ```
 */
export interface EdgeBindings {
  edge: RequestContext
}

/**
 * Options of {@link hono}.
 *
 * @example
 * ```ts
 * viewerRequest(hono(app, { notFound: 'app' } satisfies HonoBridgeOptions))
 * ```
 */
export interface HonoBridgeOptions {
  /**
   * What an unmatched route does. `'pass'` (default): the request goes on unchanged, to the cache and the
   * origin (the app's own `notFound` handler is not used). `'app'`: the app answers it (its `notFound`
   * handler, by default a 404).
   */
  notFound?: 'pass' | 'app'
  /** Decides whether a response body is binary (sent base64) from its content type (default: anything not textual). */
  isBinary?: (contentType: string) => boolean
}

/** Marks, on the per-request env object, that the sentinel notFound handler ran. */
const UNMATCHED: unique symbol = Symbol('edgeware.hono.unmatched')

interface BridgeEnv extends EdgeBindings {
  [UNMATCHED]?: boolean
}

/**
 * Runs a [Hono](https://hono.dev) app in viewer-request or origin-request. The CloudFront request becomes a
 * Fetch `Request` (URL from the Host header, uri and query string; the IncludeBody body as the request body).
 *
 * - A matched route's `Response` becomes a generated response: status, headers (each `Set-Cookie` separate,
 *   hop-by-hop and disallowed headers dropped), and the body as text, or base64 when binary. It is checked
 *   against the stage's rules; a response over the size limit (40 KB in viewer-request, 1 MB in
 *   origin-request) throws `EdgeRuleError` (`ResponseTooLarge`), which CloudFront turns into a 503.
 * - An unmatched route passes the request on unchanged. How it is detected: the app's routes are mounted,
 *   on first use, on a wrapper app of the same class whose `notFound` handler is a sentinel that flags the
 *   request; the user's handlers and `onError` run as usual, the app's own `notFound` does not (set
 *   `notFound: 'app'` to let the app answer unmatched routes itself). Routes added after the first request
 *   are not seen. When the router has nothing at all for the path (not even middleware), the request passes
 *   on before any Fetch object is built.
 *
 * The Hono app sees the edgeware context as `c.env.edge` ({@link EdgeBindings}); use `c.env.edge.signal` to
 * stop work before the Lambda deadline (`c.req.raw.signal` is not wired: it would cost every request). Errors the app doesn't
 * handle become Hono's 500 response, as on any Hono runtime. Response stages throw `EdgeRuleError`
 * (`UnsupportedStage`) on first use.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono'
 * import { viewerRequest } from 'edgeware'
 * import { hono, type EdgeBindings } from 'edgeware/hono'
 *
 * const app = new Hono<{ Bindings: EdgeBindings }>()
 * app.get('/api/hello', (c) => c.json({ hello: 'edge' }))
 * app.post('/api/echo', async (c) => c.text(await c.req.text()))
 *
 * export const handler = viewerRequest(hono(app)) // other paths go on to the origin
 * ```
 */
export function hono<E extends Env, S extends Schema, B extends string>(app: Hono<E, S, B>, options: HonoBridgeOptions = {}): Middleware<RequestContext> {
  if (!app || typeof app.fetch !== 'function' || !Array.isArray(app.routes)) {
    throw new TypeError('hono(): pass a Hono app (new Hono())')
  }
  const pass = (options.notFound ?? 'pass') === 'pass'
  const isBinary = options.isBinary
  let runner: Hono<E, S, B> | undefined

  function build(): Hono<E, S, B> {
    if (!pass) return app
    // Same class as the user's app (Hono, hono/tiny, hono/quick…) so the same router is used, and the same
    // getPath so `strict: false` still applies.
    const Ctor = app.constructor as new (options: { getPath: typeof app.getPath }) => Hono<E, S, B>
    const wrapper = new Ctor({ getPath: app.getPath })
    wrapper.route('/', app)
    wrapper.notFound((hc) => {
      ;(hc.env as BridgeEnv)[UNMATCHED] = true
      return hc.body(null, 404)
    })
    return wrapper
  }

  return async function honoMiddleware(c, next) {
    if (c.stage !== 'viewer-request' && c.stage !== 'origin-request') {
      throw stageError('hono', c.stage, 'a Hono app answers requests, which CloudFront only allows in viewer-request or origin-request')
    }
    runner ??= build()
    const raw = c.request.raw
    // Fast path: when nothing at all (not even middleware) is routed for this method and path, the request is
    // unmatched: pass it on without building Fetch objects (~20 µs). Only with Hono's own path functions,
    // which read nothing but the URL.
    if (pass && (runner.getPath === honoGetPath || runner.getPath === honoGetPathNoStrict)) {
      const path = runner.getPath({ url: `https://edge${raw.uri}` } as Request)
      if (runner.router.match(raw.method === 'HEAD' ? 'GET' : raw.method, path)[0].length === 0) return next()
    }
    const env: BridgeEnv = { edge: c }
    // No `signal` on the Request: a signal-bound undici Request costs ~30 µs more per call; apps that need the
    // deadline use `c.env.edge.signal`.
    const request = toFetchRequest(raw)
    const response = await runner.fetch(request, env as unknown as E['Bindings'])
    if (env[UNMATCHED] === true) {
      // Release the unused 404 body and pass the request on unchanged.
      await response.body?.cancel()
      return next()
    }
    // No stage here: c.respond checks the status, headers and size against the stage's rules, once.
    c.respond(await toResponseInit(response, isBinary))
  }
}
