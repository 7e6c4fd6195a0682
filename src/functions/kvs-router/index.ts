/**
 * `kvsRouter(options)`: routing driven by CloudFront KeyValueStore, in a viewer-request CloudFront Function
 * (cloudfront-js-2.0). The store maps path prefixes (optionally per host) to a JSON route: an origin to use, a new
 * prefix, or a redirect. The longest matching prefix wins, as with the DynamoDB origin table.
 * @module
 */
import cf from 'cloudfront'
import type { CffRequest, CffResponse } from '../../cloudfront/functions-types.js'
import type { FunctionHook } from '../compose.js'
import { encodeUnsafeUrlChars, headerValue, queryString, statusText } from '../_shared/index.js'

/**
 * Options of {@link kvsRouter}.
 *
 * @example
 * ```ts
 * const opts: KvsRouterOptions = { key: 'host+path', depth: 2, prefix: 'routes:' }
 * ```
 */
export interface KvsRouterOptions {
  /** What a key is made of: the path prefix (`'path'`, default), `'host+path'` (`www.example.com/api`) or the host alone. */
  key?: 'path' | 'host+path' | 'host'
  /** Path prefixes tried, longest first: at most this many segments (default 3), then `/`. */
  depth?: number
  /** Prepended to every key (to share one store between several uses), default ''. */
  prefix?: string
  /** The store id for `cf.kvs(id)`; default the function's one associated store. */
  store?: string
}

/**
 * A route: a JSON object stored under a key. `origin` switches to an origin of the distribution
 * (`cf.selectRequestOriginById`), `updateOrigin` to one described in full (`cf.updateRequestOrigin`'s parameters);
 * `rewrite` replaces the matched prefix; `redirect` answers with a redirect (`status` default 302, `query` keep).
 *
 * @example
 * ```ts
 * const route: KvsRoute = { origin: 'api-eu', rewrite: '/v2' }
 * ```
 */
export interface KvsRoute {
  origin?: string
  updateOrigin?: Record<string, unknown>
  rewrite?: string
  redirect?: string
  status?: 301 | 302 | 303 | 307 | 308
  query?: 'keep' | 'drop'
}

/** Where to look: `prefixes` of the URI, longest first. */
function prefixes(uri: string, depth: number): string[] {
  const segs = uri.split('/')
  const out: string[] = []
  for (let n = Math.min(depth, segs.length - 1); n >= 1; n--) {
    const p = segs.slice(0, n + 1).join('/')
    if (p !== '' && p !== '/' && out.indexOf(p) === -1) out.push(p)
  }
  out.push('/')
  return out
}

async function lookup(store: string | undefined, keys: string[]): Promise<{ key: number; route: KvsRoute } | undefined> {
  const handle = store !== undefined ? cf.kvs(store) : cf.kvs()
  for (let i = 0; i < keys.length; i++) {
    let text: string
    try {
      text = await handle.get(keys[i]!)
    } catch (e) {
      continue
    }
    try {
      return { key: i, route: JSON.parse(text) as KvsRoute }
    } catch (e) {
      console.log('kvsRouter: the route under ' + keys[i] + ' is not JSON; ignored')
      return undefined
    }
  }
  return undefined
}

function apply(request: CffRequest, matched: string, route: KvsRoute): CffResponse | undefined {
  if (typeof route.redirect === 'string') {
    let location = route.redirect
    const qs = route.query === 'drop' ? '' : queryString(request.querystring)
    if (qs !== '') location += (location.indexOf('?') !== -1 ? '&' : '?') + encodeUnsafeUrlChars(qs)
    const status = route.status !== undefined ? route.status : 302
    return { statusCode: status, statusDescription: statusText(status), headers: { location: { value: location } } }
  }
  if (typeof route.rewrite === 'string' && matched !== '/') {
    const rest = request.uri.slice(matched.length)
    request.uri = (route.rewrite === '/' ? '' : route.rewrite) + rest || '/'
  } else if (typeof route.rewrite === 'string') request.uri = route.rewrite.replace(/\/$/, '') + request.uri
  if (typeof route.origin === 'string') cf.selectRequestOriginById(route.origin)
  else if (route.updateOrigin !== undefined) cf.updateRequestOrigin(route.updateOrigin)
  return undefined
}

async function route(options: Required<Pick<KvsRouterOptions, 'key' | 'depth' | 'prefix'>> & { store: string | undefined }, request: CffRequest): Promise<CffResponse | undefined> {
  const host = (headerValue(request.headers, 'host') || '').toLowerCase()
  const paths = options.key === 'host' ? ['/'] : prefixes(request.uri, options.depth)
  const keys: string[] = []
  for (let i = 0; i < paths.length; i++) keys.push(options.prefix + (options.key === 'path' ? paths[i] : options.key === 'host' ? host : host + paths[i]))
  const hit = await lookup(options.store, keys)
  return hit === undefined ? undefined : apply(request, paths[hit.key]!, hit.route)
}

/**
 * Routes each request by the CloudFront KeyValueStore associated with the function: the longest path prefix (or
 * host, or host + prefix) with a route decides the origin, rewrites the prefix or redirects. No route: the
 * request goes on unchanged. A route that isn't JSON is logged and ignored.
 *
 * @example
 * ```ts
 * // store: {"data":[{"key":"/api","value":"{\"origin\":\"api\"}"},{"key":"/old","value":"{\"redirect\":\"/new\",\"status\":301}"}]}
 * import { viewerRequestFunction, kvsRouter } from 'edgeware/functions'
 * export const handler = viewerRequestFunction(kvsRouter())
 * ```
 */
export function kvsRouter(options?: KvsRouterOptions): FunctionHook {
  const o = options !== undefined ? options : {}
  const key = o.key !== undefined ? o.key : 'path'
  if (key !== 'path' && key !== 'host' && key !== 'host+path') throw new TypeError('kvsRouter(): key must be path, host or host+path, got ' + JSON.stringify(key))
  const depth = o.depth !== undefined ? o.depth : 3
  if (!Number.isInteger(depth) || depth < 1) throw new TypeError('kvsRouter(): depth must be a whole number >= 1, got ' + JSON.stringify(depth))
  const config = { key: key, depth: depth, prefix: o.prefix !== undefined ? o.prefix : '', store: o.store }
  return {
    name: 'kvsRouter',
    request: function kvsRouterRequest(request: CffRequest): Promise<CffResponse | undefined> {
      return route(config, request)
    },
  }
}
