/**
 * `directoryIndex(options)` for a viewer-request CloudFront Function: the twin of `edgeware/middleware`'s.
 * @module
 */
import type { CffRequest } from '../../cloudfront/functions-types.js'
import type { DirectoryIndexOptions } from '../../middleware/directory-index/index.js'
import type { FunctionHook } from '../compose.js'
import { pathMatcher } from '../_shared/index.js'

/**
 * Rewrites `/docs/` (and, with `extensionless`, `/docs`) to the directory's index document, as
 * `edgeware/middleware`'s `directoryIndex` does. In viewer-request the rewrite happens before the cache lookup.
 *
 * @example
 * ```ts
 * import { viewerRequestFunction, directoryIndex } from 'edgeware/functions'
 * export const handler = viewerRequestFunction(directoryIndex({ extensionless: true }))
 * ```
 */
export function directoryIndex(options?: DirectoryIndexOptions): FunctionHook {
  const o = options !== undefined ? options : {}
  const index = o.index !== undefined ? o.index : 'index.html'
  if (typeof index !== 'string' || index === '' || index.charAt(0) === '/' || /[\s?#]/.test(index)) {
    throw new TypeError('directoryIndex(): index must be a file name such as "index.html", got ' + JSON.stringify(index))
  }
  const extensionless = o.extensionless === true
  const excluded = pathMatcher('directoryIndex', o.exclude)
  return {
    name: 'directoryIndex',
    request: function directoryIndexRequest(request: CffRequest): undefined {
      const uri = request.uri
      if (excluded !== undefined && excluded(uri)) return undefined
      if (uri.charAt(uri.length - 1) === '/') request.uri = uri + index
      else if (extensionless && uri.slice(uri.lastIndexOf('/') + 1).indexOf('.') === -1) request.uri = uri + '/' + index
      return undefined
    },
  }
}
