/**
 * `normalize(options)` for a viewer-request CloudFront Function: the twin of `edgeware/middleware`'s, same
 * options, same URLs.
 * @module
 */
import type { CffRequest } from '../../cloudfront/functions-types.js'
import type { NormalizeOptions } from '../../middleware/normalize/index.js'
import { TRACKING_PARAMS } from '../../middleware/normalize/tracking.js'
import type { FunctionHook } from '../compose.js'
import { own, queryString } from '../_shared/index.js'

/** A name list (`name` or `prefix*`) as a predicate over decoded parameter names. */
function nameMatcher(list: readonly string[]): (name: string) => boolean {
  const exact: Record<string, true> = Object.create(null) as Record<string, true>
  const prefixes: string[] = []
  for (let i = 0; i < list.length; i++) {
    const n = list[i]
    if (typeof n !== 'string' || n === '') throw new TypeError('normalize(): parameter names must be non-empty strings, got ' + JSON.stringify(n))
    if (n.charAt(n.length - 1) === '*') prefixes.push(n.slice(0, -1))
    else exact[n] = true
  }
  return function matches(name) {
    if (own(exact, name)) return true
    for (let i = 0; i < prefixes.length; i++) if (name.indexOf(prefixes[i]!) === 0) return true
    return false
  }
}

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '))
  } catch (e) {
    return raw
  }
}

/**
 * Normalizes the request URL as `edgeware/middleware`'s `normalize` does: tracking parameters stripped, the query
 * sorted (stable), `//` collapsed, the path lowercased if asked. The query string is handed back as a string.
 *
 * @example
 * ```ts
 * import { viewerRequestFunction, normalize } from 'edgeware/functions'
 * export const handler = viewerRequestFunction(normalize({ keepParams: ['page', 'q'] }))
 * ```
 */
export function normalize(options?: NormalizeOptions): FunctionHook {
  const o = options !== undefined ? options : {}
  const sortQuery = o.sortQuery !== false
  const drop = nameMatcher(o.dropParams !== undefined ? o.dropParams : TRACKING_PARAMS)
  const keep = o.keepParams !== undefined ? nameMatcher(o.keepParams) : undefined
  const dropEmpty = o.dropEmpty === true
  const lowercasePath = o.lowercasePath === true
  const collapseSlashes = o.collapseSlashes !== false
  const removeTrailingSlash = o.removeTrailingSlash === true

  function normalizeQuery(qs: string): string {
    const parts = qs.split('&')
    const kept: { name: string; part: string; at: number }[] = []
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!
      if (part === '') continue
      const eq = part.indexOf('=')
      const name = decodeName(eq === -1 ? part : part.slice(0, eq))
      if ((keep !== undefined && !keep(name)) || drop(name)) continue
      if (dropEmpty && (eq === -1 || eq === part.length - 1)) continue
      kept.push({ name: name, part: part, at: i })
    }
    // the position breaks ties: repeated names keep their order whatever the engine's sort
    if (sortQuery) kept.sort(function (a, b) {
      return a.name < b.name ? -1 : a.name > b.name ? 1 : a.at - b.at
    })
    let out = ''
    for (let i = 0; i < kept.length; i++) out += (i ? '&' : '') + kept[i]!.part
    return out
  }

  return {
    name: 'normalize',
    request: function normalizeRequest(request: CffRequest): undefined {
      const qs = queryString(request.querystring)
      if (qs !== '') {
        const nq = normalizeQuery(qs)
        if (nq !== qs) (request as { querystring: unknown }).querystring = nq
      }
      let uri = request.uri
      if (collapseSlashes && uri.indexOf('//') !== -1) uri = uri.replace(/\/{2,}/g, '/')
      if (lowercasePath) uri = uri.toLowerCase()
      if (removeTrailingSlash && uri.length > 1 && uri.charAt(uri.length - 1) === '/') uri = uri.replace(/\/+$/, '') || '/'
      request.uri = uri
      return undefined
    },
  }
}
