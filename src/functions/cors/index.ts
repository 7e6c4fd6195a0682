/**
 * `cors(options)` for CloudFront Functions: the twin of `edgeware/middleware`'s. In a viewer-request function it
 * answers preflights (and adds the headers to a response a later hook generated); in a viewer-response function
 * it adds the CORS headers to the response.
 * @module
 */
import type { CffRequest, CffResponse, CffValues } from '../../cloudfront/functions-types.js'
import type { CorsOptions } from '../../middleware/cors/index.js'
import type { FunctionHook } from '../compose.js'
import { checkedValue, headerValue, own } from '../_shared/index.js'

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

function joinList(name: string, list: readonly string[] | undefined): string | undefined {
  if (list === undefined || list.length === 0) return undefined
  for (let i = 0; i < list.length; i++) {
    if (typeof list[i] !== 'string' || !TOKEN.test(list[i]!)) throw new TypeError('cors(): ' + name + ' entries must be HTTP tokens, got ' + JSON.stringify(list[i]))
  }
  return list.join(', ')
}

/** The origin to allow for a request's `Origin` (undefined: refused), from the `origin` option. */
function originPolicy(opt: NonNullable<CorsOptions['origin']>): (origin: string | undefined) => string | undefined {
  if (typeof opt === 'string') {
    checkedValue('cors', 'origin', opt)
    return function () {
      return opt
    }
  }
  if (typeof opt === 'function') {
    return function (o) {
      if (o === undefined) return undefined
      const r = opt(o)
      // eslint-disable-next-line no-control-regex
      return typeof r === 'string' && r !== '' && !/[\u0000-\u001f\u007f]/.test(r) ? r : undefined
    }
  }
  const list: readonly unknown[] = opt instanceof RegExp ? [opt] : Array.isArray(opt) ? opt : [opt]
  const allowed: Record<string, true> = Object.create(null) as Record<string, true>
  const patterns: RegExp[] = []
  for (let i = 0; i < list.length; i++) {
    const x = list[i]
    if (typeof x === 'string') allowed[checkedValue('cors', 'origin', x)] = true
    // a /g RegExp's test() moves lastIndex: keep a stateless copy (ES5 properties: the runtime has no RegExp#flags)
    else if (x instanceof RegExp) patterns.push(new RegExp(x.source, (x.ignoreCase ? 'i' : '') + (x.multiline ? 'm' : '')))
    else throw new TypeError("cors(): origin must be '*', an origin string, a RegExp, a list of those or a function, got " + (x === null ? 'null' : typeof x))
  }
  return function (o) {
    if (o === undefined) return undefined
    if (own(allowed, o)) return o
    for (let i = 0; i < patterns.length; i++) if (patterns[i]!.test(o)) return o
    return undefined
  }
}

/**
 * Handles CORS at the edge as `edgeware/middleware`'s `cors` does: preflights (`OPTIONS` with `Origin` and
 * `Access-Control-Request-Method`) answered with 204 in viewer-request; `Access-Control-Allow-Origin` (and
 * `Vary: Origin` when the answer depends on the origin) on responses; a grant for a refused origin removed.
 *
 * @example
 * ```ts
 * import { viewerRequestFunction, viewerResponseFunction, cors } from 'edgeware/functions'
 * const policy = cors({ origin: ['https://app.example.com'], credentials: true, maxAge: 600 })
 * export const handler = viewerRequestFunction(policy) // and viewerResponseFunction(policy) in the other function
 * ```
 */
export function cors(options?: CorsOptions): FunctionHook {
  const o = options !== undefined ? options : {}
  const opt = o.origin !== undefined ? o.origin : '*'
  if (o.credentials && opt === '*') throw new TypeError("cors(): credentials can't be combined with origin '*' (browsers reject it); list the allowed origins")
  const allowOrigin = originPolicy(opt)
  const varies = typeof opt !== 'string'
  const methods = joinList('allowMethods', o.allowMethods !== undefined ? o.allowMethods : ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'PATCH'])!
  const allowHeaders = joinList('allowHeaders', o.allowHeaders)
  const expose = joinList('exposeHeaders', o.exposeHeaders)
  const maxAge = o.maxAge
  if (maxAge !== undefined && (!Number.isInteger(maxAge) || maxAge < 0)) throw new TypeError('cors(): maxAge must be whole seconds >= 0, got ' + maxAge)
  const credentials = o.credentials === true

  function decorate(h: CffValues, origin: string | undefined): void {
    if (origin !== undefined) {
      h['access-control-allow-origin'] = { value: origin }
      if (credentials) h['access-control-allow-credentials'] = { value: 'true' }
      if (expose !== undefined) h['access-control-expose-headers'] = { value: expose }
    } else {
      delete h['access-control-allow-origin']
      delete h['access-control-allow-credentials']
    }
    if (varies) {
      const vary = headerValue(h, 'vary')
      if (!vary) h['vary'] = { value: 'Origin' }
      else if (!/(^|,)\s*(origin|\*)\s*(,|$)/i.test(vary)) h['vary'] = { value: vary + ', Origin' }
    }
  }
  function onResponse(response: CffResponse, request: CffRequest): void {
    decorate(response.headers !== undefined ? response.headers : (response.headers = {}), allowOrigin(headerValue(request.headers, 'origin')))
  }

  return {
    name: 'cors',
    request: function corsRequest(request: CffRequest): CffResponse | undefined {
      const requestOrigin = headerValue(request.headers, 'origin')
      if (request.method !== 'OPTIONS' || requestOrigin === undefined || !own(request.headers, 'access-control-request-method')) return undefined
      const allowed = allowOrigin(requestOrigin)
      const headers: CffValues = {}
      if (allowed !== undefined) {
        headers['access-control-allow-origin'] = { value: allowed }
        headers['access-control-allow-methods'] = { value: methods }
        const reqHeaders = allowHeaders !== undefined ? allowHeaders : headerValue(request.headers, 'access-control-request-headers')
        if (reqHeaders && /^[!#$%&'*+\-.^_`|~0-9A-Za-z, ]+$/.test(reqHeaders)) headers['access-control-allow-headers'] = { value: reqHeaders }
        if (credentials) headers['access-control-allow-credentials'] = { value: 'true' }
        if (maxAge !== undefined) headers['access-control-max-age'] = { value: String(maxAge) }
      }
      if (varies || allowHeaders === undefined) headers['vary'] = { value: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers' }
      return { statusCode: 204, statusDescription: 'No Content', headers: headers }
    },
    generated: onResponse,
    response: onResponse,
  }
}
