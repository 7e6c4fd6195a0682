/**
 * `spaFallback(options)` for a viewer-request CloudFront Function: the twin of `edgeware/middleware`'s.
 * @module
 */
import type { CffRequest } from '../../cloudfront/functions-types.js'
import type { SpaFallbackOptions } from '../../middleware/spa-fallback/index.js'
import type { FunctionHook } from '../compose.js'
import { pathMatcher } from '../_shared/index.js'

/**
 * Serves the app's index document for client-side routes (paths without an extension), as
 * `edgeware/middleware`'s `spaFallback` does: excluded paths and methods other than GET/HEAD are left alone.
 *
 * @example
 * ```ts
 * import { viewerRequestFunction, spaFallback } from 'edgeware/functions'
 * export const handler = viewerRequestFunction(spaFallback({ exclude: ['/api/*'] }))
 * ```
 */
export function spaFallback(options?: SpaFallbackOptions): FunctionHook {
  const o = options !== undefined ? options : {}
  const index = o.index !== undefined ? o.index : '/index.html'
  if (typeof index !== 'string' || index.charAt(0) !== '/' || /[\s?#]/.test(index)) {
    throw new TypeError('spaFallback(): index must be a path starting with "/", got ' + JSON.stringify(index))
  }
  const excluded = pathMatcher('spaFallback', o.exclude)
  const methods = (o.methods !== undefined ? o.methods : ['GET', 'HEAD']).map(function (m) {
    return m.toUpperCase()
  })
  return {
    name: 'spaFallback',
    request: function spaFallbackRequest(request: CffRequest): undefined {
      const uri = request.uri
      if (methods.indexOf(request.method) !== -1 && uri.slice(uri.lastIndexOf('/') + 1).indexOf('.') === -1 && !(excluded !== undefined && excluded(uri))) {
        request.uri = index
      }
      return undefined
    },
  }
}
