/**
 * `directoryIndex()`: S3 has no directory indexes; rewrite `/docs/` to `/docs/index.html`.
 * @module
 */
import type { Middleware, RequestContext } from '../../core/types.js'
import { NEEDS_REQUEST_STAGE, pathMatcher, stageError } from '../_shared/index.js'

/**
 * Options of {@link directoryIndex}.
 *
 * @example
 * ```ts
 * const opts: DirectoryIndexOptions = { index: 'index.html', exclude: ['/'] }
 * ```
 */
export interface DirectoryIndexOptions {
  /** The index document appended to URIs ending in `/` (default `index.html`). */
  index?: string
  /**
   * Also treat URIs whose last segment has no extension as directories: `/docs` → `/docs/index.html`
   * (default `false`: only URIs ending in `/` are rewritten).
   */
  extensionless?: boolean
  /** Paths left alone: exact paths or CloudFront patterns, e.g. `['/']` when a custom origin serves the root itself. */
  exclude?: readonly string[]
}

/**
 * Rewrites the request URI to the directory's index document, the way an S3 website endpoint would, so a
 * REST-endpoint S3 origin (with OAI) can serve `/docs/`. The viewer's URL does not change.
 *
 * Request stages only (origin-request is the usual place: the cache key stays `/docs/`); a response stage
 * throws `EdgeRuleError` (`UnsupportedStage`) on first use.
 *
 * @example
 * ```ts
 * import { originRequest } from 'edgeware'
 * import { directoryIndex } from 'edgeware/middleware'
 *
 * export const handler = originRequest(directoryIndex()) // /docs/ → /docs/index.html
 * ```
 */
export function directoryIndex(options: DirectoryIndexOptions = {}): Middleware<RequestContext> {
  const index = options.index ?? 'index.html'
  if (typeof index !== 'string' || index === '' || index.startsWith('/') || /[\s?#]/.test(index)) {
    throw new TypeError(`directoryIndex(): index must be a file name such as "index.html", got ${JSON.stringify(index)}`)
  }
  const extensionless = options.extensionless === true
  const excluded = pathMatcher(options.exclude)
  return async function directoryIndexMiddleware(c, next) {
    if (c.stage !== 'viewer-request' && c.stage !== 'origin-request') throw stageError('directoryIndex', c.stage, NEEDS_REQUEST_STAGE)
    const uri = c.request.uri
    if (excluded && excluded(uri)) return next()
    if (uri.endsWith('/')) {
      c.request.uri = uri + index
    } else if (extensionless) {
      const last = uri.slice(uri.lastIndexOf('/') + 1)
      if (!last.includes('.')) c.request.uri = uri + '/' + index
    }
    return next()
  }
}
