/**
 * `geo(options)`: act on the viewer's country (`CloudFront-Viewer-Country`) in origin-request.
 * @module
 */
import { otherHostLocation } from '../../core/request.js'
import type { Middleware, OriginRequestContext } from '../../core/types.js'
import { checkOriginTarget, checkedValue, stageError, switchOrigin, type OriginTarget } from '../_shared/index.js'

/**
 * Options of {@link geo}. Country codes are ISO 3166-1 alpha-2 (`DE`, `US`), case-insensitive.
 *
 * @example
 * ```ts
 * const opts: GeoOptions = { allow: ['US', 'CA'], status: 451 }
 * ```
 */
export interface GeoOptions {
  /** Only these countries get through; others are answered with `status` (default 403). */
  allow?: readonly string[]
  /** These countries are answered with `status` (default 403). */
  block?: readonly string[]
  /** Status for refused viewers (default 403; 451 for legal reasons). */
  status?: 403 | 451
  /** Body for refused viewers (default `Forbidden`). */
  message?: string
  /** Redirect viewers of a country: `{ FR: 'https://example.fr/' }`. */
  redirect?: Readonly<Record<string, string>>
  /** Route viewers of a country to another origin: `{ DE: 'eu.example.com' }` (a domain name or an origin object). */
  origin?: Readonly<Record<string, OriginTarget>>
  /**
   * What to do when the header is missing (the origin request policy doesn't include it, or the request came
   * from inside AWS): `'pass'` (default) or `'block'`.
   */
  missing?: 'pass' | 'block'
}

declare module '../../core/types.js' {
  interface ContextVariableMap {
    /** The viewer's country code (upper case) when CloudFront provided it. */
    country: string
  }
}

function countries(name: string, list: readonly string[] | undefined): Set<string> | undefined {
  if (!list) return undefined
  return new Set(
    list.map((cc) => {
      if (typeof cc !== 'string' || !/^[A-Za-z]{2}$/.test(cc)) throw new TypeError(`geo(): ${name} must list ISO 3166-1 alpha-2 codes, got ${JSON.stringify(cc)}`)
      return cc.toUpperCase()
    }),
  )
}

function byCountry<T>(name: string, rec: Readonly<Record<string, T>> | undefined, check: (v: T) => T): Map<string, T> | undefined {
  if (!rec) return undefined
  const m = new Map<string, T>()
  for (const [cc, v] of Object.entries(rec)) {
    if (!/^[A-Za-z]{2}$/.test(cc)) throw new TypeError(`geo(): ${name} keys must be ISO 3166-1 alpha-2 codes, got ${JSON.stringify(cc)}`)
    m.set(cc.toUpperCase(), check(v))
  }
  return m
}

/**
 * Acts on `CloudFront-Viewer-Country`: refuses countries (`allow` / `block`), redirects them, or routes them to
 * another origin. The country is put in `c.set('country', …)` for later middleware.
 *
 * origin-request only. CloudFront adds its geolocation headers after viewer-request, so they don't exist
 * there (and a viewer-request function may not add `CloudFront-Viewer-Country` [RLE]); response stages can't
 * answer or reroute. Those throw `EdgeRuleError` (`UnsupportedStage`) on first use. Include
 * `CloudFront-Viewer-Country` in the **cache policy** (not only the origin request policy): origin-request
 * answers are cached, and the cache must keep countries apart.
 *
 * @example
 * ```ts
 * import { originRequest } from 'edgeware'
 * import { geo } from 'edgeware/middleware'
 *
 * export const handler = originRequest(
 *   geo({ block: ['KP'], origin: { DE: 'eu.example.com', FR: 'eu.example.com' }, redirect: { CN: 'https://example.cn/' } }),
 * )
 * ```
 */
export function geo(options: GeoOptions): Middleware<OriginRequestContext> {
  const allow = countries('allow', options.allow)
  const block = countries('block', options.block)
  const redirect = byCountry('redirect', options.redirect, (u) => {
    if (typeof u !== 'string' || !/^(https?:\/\/|\/)/.test(u) || otherHostLocation(u) !== undefined) {
      throw new TypeError(`geo(): redirect targets must be http(s) URLs or paths (not //host or a backslash form, which leave the site), got ${JSON.stringify(u)}`)
    }
    return checkedValue('geo', 'Location', u)
  })
  const origin = byCountry('origin', options.origin, (o) => checkOriginTarget('geo', o))
  const status = options.status ?? 403
  if (status !== 403 && status !== 451) throw new TypeError(`geo(): status must be 403 or 451, got ${JSON.stringify(status)}`)
  const message = options.message ?? (status === 451 ? 'Unavailable For Legal Reasons' : 'Forbidden')
  const blockMissing = options.missing === 'block'

  return async function geoMiddleware(c, next) {
    if (c.stage !== 'origin-request') {
      throw stageError(
        'geo',
        c.stage,
        c.stage === 'viewer-request'
          ? 'CloudFront adds CloudFront-Viewer-Country only after viewer-request (and a viewer-request function may not add it); use origin-request'
          : 'only origin-request sees CloudFront-Viewer-Country and can still answer the request or change the origin',
      )
    }
    const raw = c.request.headers.get('cloudfront-viewer-country')
    const cc = raw === undefined ? undefined : raw.trim().toUpperCase()
    if (cc === undefined || cc === '') {
      if (blockMissing) c.text(message, status)
      else await next()
      return
    }
    c.set('country', cc)
    if ((allow && !allow.has(cc)) || (block && block.has(cc))) {
      c.text(message, status)
      return
    }
    const to = redirect?.get(cc)
    if (to !== undefined) {
      c.redirect(to, 302)
      return
    }
    const target = origin?.get(cc)
    if (target !== undefined) switchOrigin(c, target)
    await next()
  }
}
