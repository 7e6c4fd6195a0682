/**
 * `cors(options)`: CORS preflight answered at the edge, CORS headers on responses.
 * @module
 */
import type { AnyContext, EdgeHeaders, Middleware } from '../../core/types.js'
import { checkedValue } from '../_shared/index.js'

/**
 * Options of {@link cors}.
 *
 * @example
 * ```ts
 * const opts: CorsOptions = { origin: ['https://app.example.com'], credentials: true, maxAge: 600 }
 * ```
 */
export interface CorsOptions {
  /**
   * Allowed origins: `'*'` (default), one origin, a RegExp the whole `Origin` must match (anchor it:
   * `/^https:\/\/[a-z0-9-]+\.example\.com$/`), a list of origins and RegExps, or a function returning the origin
   * to allow (or `undefined` to refuse).
   */
  origin?: string | RegExp | readonly (string | RegExp)[] | ((origin: string) => string | undefined)
  /** `Access-Control-Allow-Methods` for preflights (default GET, HEAD, PUT, POST, DELETE, PATCH). */
  allowMethods?: readonly string[]
  /** `Access-Control-Allow-Headers` (default: echo the preflight's `Access-Control-Request-Headers`). */
  allowHeaders?: readonly string[]
  /** `Access-Control-Expose-Headers`. */
  exposeHeaders?: readonly string[]
  /** `Access-Control-Max-Age` for preflights, seconds. */
  maxAge?: number
  /** `Access-Control-Allow-Credentials: true` (not allowed with `origin: '*'`). */
  credentials?: boolean
}

function joinList(name: string, list: readonly string[] | undefined): string | undefined {
  if (!list || list.length === 0) return undefined
  for (const v of list) {
    if (typeof v !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(v)) {
      throw new TypeError(`cors(): ${name} entries must be HTTP tokens, got ${JSON.stringify(v)}`)
    }
  }
  return list.join(', ')
}

/**
 * Handles CORS at the edge, in any stage:
 * - **viewer-request / origin-request**: answers a preflight (`OPTIONS` with `Origin` and
 *   `Access-Control-Request-Method`) with `204` and the CORS headers, without reaching the origin; when an
 *   inner middleware generates a response (e.g. a Hono app), the CORS headers are added to it.
 * - **origin-response / viewer-response**: adds `Access-Control-Allow-Origin` (and `Vary: Origin` when the
 *   answer depends on the origin), credentials and exposed headers to the response. For a refused origin it
 *   removes any `Access-Control-Allow-Origin`/`-Credentials` the origin sent: the edge policy decides.
 *
 * In origin-request and origin-response the viewer's `Origin` header is only seen when the cache or origin
 * request policy forwards it (and it then belongs in the cache key). Values are checked once, at construction.
 *
 * @example
 * ```ts
 * import { viewerRequest, viewerResponse } from 'edgeware'
 * import { cors } from 'edgeware/middleware'
 *
 * const policy = cors({ origin: ['https://app.example.com'], credentials: true, maxAge: 600 })
 * export const request = viewerRequest(policy)   // preflights answered at the edge
 * export const response = viewerResponse(policy) // headers on every response
 * ```
 */
export function cors(options: CorsOptions = {}): Middleware<AnyContext> {
  const opt = options.origin ?? '*'
  if (options.credentials && opt === '*') {
    throw new TypeError("cors(): credentials can't be combined with origin '*' (browsers reject it); list the allowed origins")
  }
  let allowOrigin: (origin: string | undefined) => string | undefined
  let varies = true
  if (typeof opt === 'string') {
    checkedValue('cors', 'origin', opt)
    varies = false
    allowOrigin = () => opt
  } else if (typeof opt === 'function') {
    allowOrigin = (o) => {
      if (o === undefined) return undefined
      const r = opt(o)
      // eslint-disable-next-line no-control-regex
      return typeof r === 'string' && r !== '' && !/[\u0000-\u001f\u007f]/.test(r) ? r : undefined
    }
  } else {
    const list: readonly unknown[] = opt instanceof RegExp ? [opt] : Array.isArray(opt) ? opt : [opt]
    const set = new Set<string>()
    const patterns: RegExp[] = []
    for (const o of list) {
      if (typeof o === 'string') set.add(checkedValue('cors', 'origin', o))
      // a /g or /y RegExp's test() moves lastIndex: keep a stateless copy
      else if (o instanceof RegExp) patterns.push(new RegExp(o.source, o.flags.replace(/[gy]/g, '')))
      else throw new TypeError(`cors(): origin must be '*', an origin string, a RegExp, a list of those or a function, got ${o === null ? 'null' : typeof o}`)
    }
    allowOrigin = (o) => (o !== undefined && (set.has(o) || patterns.some((p) => p.test(o))) ? o : undefined)
  }
  const methods = joinList('allowMethods', options.allowMethods ?? ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'PATCH'])!
  const allowHeaders = joinList('allowHeaders', options.allowHeaders)
  const expose = joinList('exposeHeaders', options.exposeHeaders)
  const maxAge = options.maxAge
  if (maxAge !== undefined && (!Number.isInteger(maxAge) || maxAge < 0)) throw new TypeError(`cors(): maxAge must be whole seconds >= 0, got ${maxAge}`)
  const credentials = options.credentials === true

  /** Adds the CORS headers for an allowed origin, and `Vary: Origin` when the answer depends on it. */
  function decorate(h: EdgeHeaders, origin: string | undefined): void {
    if (origin !== undefined) {
      h.set('Access-Control-Allow-Origin', origin)
      if (credentials) h.set('Access-Control-Allow-Credentials', 'true')
      if (expose) h.set('Access-Control-Expose-Headers', expose)
    } else {
      // The edge policy is authoritative: a grant the origin (or an inner middleware) made for a refused
      // origin is removed.
      if (h.has('access-control-allow-origin')) h.delete('access-control-allow-origin')
      if (h.has('access-control-allow-credentials')) h.delete('access-control-allow-credentials')
    }
    if (varies) {
      const vary = h.get('vary')
      if (!vary) h.set('Vary', 'Origin')
      else if (!/(^|,)\s*(origin|\*)\s*(,|$)/i.test(vary)) h.set('Vary', `${vary}, Origin`)
    }
  }

  return async function corsMiddleware(c, next) {
    const requestOrigin = c.request.headers.get('origin')
    if (c.stage === 'viewer-request' || c.stage === 'origin-request') {
      const rc = c
      if (rc.request.method === 'OPTIONS' && requestOrigin !== undefined && rc.request.headers.has('access-control-request-method')) {
        const allowed = allowOrigin(requestOrigin)
        const headers: Record<string, string> = {}
        if (allowed !== undefined) {
          headers['Access-Control-Allow-Origin'] = allowed
          headers['Access-Control-Allow-Methods'] = methods
          const reqHeaders = allowHeaders ?? rc.request.headers.get('access-control-request-headers')
          // Echoed request headers come from the viewer: only a clean token list is sent back.
          if (reqHeaders && /^[!#$%&'*+\-.^_`|~0-9A-Za-z, ]+$/.test(reqHeaders)) headers['Access-Control-Allow-Headers'] = reqHeaders
          if (credentials) headers['Access-Control-Allow-Credentials'] = 'true'
          if (maxAge !== undefined) headers['Access-Control-Max-Age'] = String(maxAge)
        }
        if (varies || !allowHeaders) headers['Vary'] = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers'
        rc.respond({ status: 204, headers })
        return
      }
      await next()
      const generated = rc.response
      if (generated) decorate(generated.headers, allowOrigin(requestOrigin))
      return
    }
    await next()
    decorate(c.response.headers, allowOrigin(requestOrigin))
  }
}
