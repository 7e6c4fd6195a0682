/**
 * `spaFallback(options)`: single-page apps: serve `/index.html` for client-side routes.
 * @module
 */
import type { Middleware, RequestContext } from '../../core/types.js'
import { NEEDS_REQUEST_STAGE, pathMatcher, stageError } from '../_shared/index.js'

/**
 * Options of {@link spaFallback}.
 *
 * @example
 * ```ts
 * const opts: SpaFallbackOptions = { index: '/app.html', exclude: ['/api/*'] }
 * ```
 */
export interface SpaFallbackOptions {
  /** The document served for client-side routes (default `/index.html`). */
  index?: string
  /** Paths left alone: exact paths or CloudFront patterns such as `/api/*` (default none). */
  exclude?: readonly string[]
  /** Methods rewritten (default `GET` and `HEAD`). */
  methods?: readonly string[]
}

/**
 * Rewrites requests for paths without a file extension (`/settings/profile`) to the app's index document,
 * so deep links into a single-page app load the app. Paths with an extension (`/app.js`, `/logo.svg`) and
 * excluded paths (`/api/*`) are untouched, as are methods other than GET and HEAD.
 *
 * Request stages only; a response stage throws `EdgeRuleError` (`UnsupportedStage`) on first use.
 *
 * @example
 * ```ts
 * import { viewerRequest } from 'edgeware'
 * import { spaFallback } from 'edgeware/middleware'
 *
 * export const handler = viewerRequest(spaFallback({ exclude: ['/api/*'] }))
 * ```
 */
export function spaFallback(options: SpaFallbackOptions = {}): Middleware<RequestContext> {
  const index = options.index ?? '/index.html'
  if (typeof index !== 'string' || !index.startsWith('/') || /[\s?#]/.test(index)) {
    throw new TypeError(`spaFallback(): index must be a path starting with "/", got ${JSON.stringify(index)}`)
  }
  const excluded = pathMatcher(options.exclude)
  const methods = new Set((options.methods ?? ['GET', 'HEAD']).map((m) => m.toUpperCase()))
  return async function spaFallbackMiddleware(c, next) {
    if (c.stage !== 'viewer-request' && c.stage !== 'origin-request') throw stageError('spaFallback', c.stage, NEEDS_REQUEST_STAGE)
    const req = c.request
    const uri = req.uri
    if (methods.has(req.method) && !uri.slice(uri.lastIndexOf('/') + 1).includes('.') && !(excluded && excluded(uri))) {
      req.uri = index
    }
    return next()
  }
}
