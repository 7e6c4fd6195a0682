/**
 * `abTest(options)`: sticky A/B variants with a cookie, chosen at the edge.
 * @module
 */
import type { AnyContext, Middleware } from '../../core/types.js'
import { checkOriginTarget, stageError, switchOrigin, TOKEN, type OriginTarget } from '../_shared/index.js'

/**
 * One variant.
 *
 * @example
 * ```ts
 * const b: AbVariant = { name: 'b', weight: 1, pathPrefix: '/next' }
 * ```
 */
export interface AbVariant {
  /** The cookie value (an HTTP token: letters, digits, `-`, `_`, …). */
  name: string
  /** Relative weight (default 1). */
  weight?: number
  /** origin-request: send this variant's requests to another origin (a domain name or an origin object). */
  origin?: OriginTarget
  /** origin-request: prefix the URI, e.g. `/b` serves `/b/index.html` for `/index.html`. */
  pathPrefix?: string
}

/**
 * Options of {@link abTest}.
 *
 * @example
 * ```ts
 * const opts: AbTestOptions = { variants: ['a', 'b'], cookie: 'exp', maxAge: 86400 }
 * ```
 */
export interface AbTestOptions {
  /** Variants: names, or objects with weights and what each changes. */
  variants: readonly (string | AbVariant)[]
  /** Cookie name (default `ab`). Add it to the cache policy's cookies so each variant is cached apart. */
  cookie?: string
  /** Cookie lifetime in seconds (default 30 days). */
  maxAge?: number
  /** Cookie `Domain` (default none: the host only). */
  domain?: string
  /** Cookie `Secure` (default `true`). */
  secure?: boolean
  /**
   * Also send the variant to the origin in this request header, e.g. `x-ab-variant`. origin-request reads it
   * when the cookie isn't forwarded (put the header in the cache policy instead of the cookie, then).
   */
  header?: string
}

declare module '../../core/types.js' {
  interface ContextVariableMap {
    /** The A/B variant `abTest()` chose for this request. */
    abVariant: string
  }
}

interface Variant {
  name: string
  /** Upper bound of this variant's share of [0, 1). */
  until: number
  origin: OriginTarget | undefined
  pathPrefix: string | undefined
}

/** FNV-1a over the request id, mapped to [0, 1): the same request gets the same draw in every stage. */
function draw(id: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0) / 0x1_0000_0000
}

/**
 * Assigns each viewer a sticky variant, kept in a cookie:
 * - **viewer-request**: reads the cookie; a viewer without a valid one gets a variant drawn by weight, and
 *   the cookie is added to the request so the cache key and the origin see it. `c.get('abVariant')` holds it.
 * - **origin-request**: routes the variant: its `origin` and/or `pathPrefix` are applied.
 * - **viewer-response**: sends `Set-Cookie` to a viewer who was just assigned a variant.
 *
 * The draw is derived from CloudFront's request id, which is the same in all stages of one request, so the
 * stages agree even though they run in separate functions. Variant names and cookie attributes are checked at
 * construction, and only a configured variant name is ever written to a cookie (no injection through the
 * viewer's cookie). origin-response throws `EdgeRuleError` (`UnsupportedStage`): a `Set-Cookie` there would
 * be cached and handed to every viewer.
 *
 * @example
 * ```ts
 * import { viewerRequest, originRequest, viewerResponse } from 'edgeware'
 * import { abTest } from 'edgeware/middleware'
 *
 * const ab = abTest({ variants: [{ name: 'a', weight: 9 }, { name: 'b', weight: 1, pathPrefix: '/next' }] })
 * export const vreq = viewerRequest(ab)  // choose / read the cookie
 * export const oreq = originRequest(ab)  // route variant b to /next/…
 * export const vres = viewerResponse(ab) // Set-Cookie for new viewers
 * ```
 */
export function abTest(options: AbTestOptions): Middleware<AnyContext> {
  if (!options || !Array.isArray(options.variants) || options.variants.length === 0) {
    throw new TypeError('abTest(): options.variants must list at least one variant')
  }
  const cookie = options.cookie ?? 'ab'
  if (!TOKEN.test(cookie)) throw new TypeError(`abTest(): cookie must be a valid cookie name, got ${JSON.stringify(cookie)}`)
  const list = options.variants.map((v) => (typeof v === 'string' ? { name: v } : v))
  let total = 0
  for (const v of list) {
    if (typeof v.name !== 'string' || !TOKEN.test(v.name)) throw new TypeError(`abTest(): variant names must be HTTP tokens, got ${JSON.stringify(v.name)}`)
    const w = v.weight ?? 1
    if (typeof w !== 'number' || !(w >= 0) || !Number.isFinite(w)) throw new TypeError(`abTest(): weight of ${v.name} must be a number >= 0, got ${JSON.stringify(v.weight)}`)
    if (v.pathPrefix !== undefined && (!/^\/[^?#\s]*[^/]$/.test(v.pathPrefix))) {
      throw new TypeError(`abTest(): pathPrefix of ${v.name} must start with "/" and not end with one, got ${JSON.stringify(v.pathPrefix)}`)
    }
    total += w
  }
  if (!(total > 0)) throw new TypeError('abTest(): the weights must add up to more than 0')
  const byName = new Map<string, Variant>()
  const variants: Variant[] = []
  let acc = 0
  for (const v of list) {
    acc += (v.weight ?? 1) / total
    const cv: Variant = {
      name: v.name,
      until: acc,
      origin: v.origin === undefined ? undefined : checkOriginTarget('abTest', v.origin),
      pathPrefix: v.pathPrefix,
    }
    if (byName.has(v.name)) throw new TypeError(`abTest(): variant ${v.name} is listed twice`)
    byName.set(v.name, cv)
    variants.push(cv)
  }
  const maxAge = options.maxAge ?? 2_592_000
  if (!Number.isInteger(maxAge) || maxAge < 0) throw new TypeError(`abTest(): maxAge must be whole seconds >= 0, got ${maxAge}`)
  if (options.domain !== undefined && !/^\.?[A-Za-z0-9.-]+$/.test(options.domain)) {
    throw new TypeError(`abTest(): domain must be a domain name, got ${JSON.stringify(options.domain)}`)
  }
  const attributes = `; Path=/; Max-Age=${maxAge}${options.domain ? `; Domain=${options.domain}` : ''}; SameSite=Lax${options.secure === false ? '' : '; Secure'}`
  const header = options.header
  if (header !== undefined && !TOKEN.test(header)) throw new TypeError(`abTest(): header must be a header name, got ${JSON.stringify(header)}`)
  /** Request header that tells viewer-response this request was just assigned (when it sees the modified request). */
  const marker = `x-edgeware-${cookie.toLowerCase().replace(/[^a-z0-9-]/g, '-')}-new`
  const cookiePair = new RegExp(`(^|;)\\s*${cookie.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}=[^;]*`, 'g')

  function pick(requestId: string): Variant {
    const x = draw(requestId)
    for (const v of variants) if (x < v.until) return v
    return variants[variants.length - 1]!
  }

  function fromCookie(c: AnyContext): Variant | undefined {
    const v = c.request.cookies.get(cookie)
    return v === undefined ? undefined : byName.get(v)
  }

  return async function abTestMiddleware(c, next) {
    if (c.stage === 'viewer-request') {
      const h = c.request.headers
      let variant = fromCookie(c)
      if (h.has(marker)) h.delete(marker) // never trust a viewer-sent marker
      if (!variant) {
        variant = pick(c.requestId)
        // Replace any stale value of our cookie, then add the chosen one, so the cache key and origin see it.
        const others = h
          .getAll('cookie')
          .map((v) => v.replace(cookiePair, '').replace(/^\s*;\s*/, '').trim())
          .filter((v) => v !== '')
        others.push(`${cookie}=${variant.name}`)
        h.set('cookie', others.join('; '))
        h.set(marker, variant.name)
      }
      if (header) h.set(header, variant.name)
      c.set('abVariant', variant.name)
      return next()
    }
    if (c.stage === 'origin-request') {
      // The cookie when the cache policy forwards it, else the header viewer-request set (when forwarded), else the
      // same draw viewer-request made for this request id.
      const fromHeader = header ? c.request.headers.get(header) : undefined
      const variant = fromCookie(c) ?? (fromHeader === undefined ? undefined : byName.get(fromHeader)) ?? pick(c.requestId)
      c.set('abVariant', variant.name)
      if (header) c.request.headers.set(header, variant.name)
      if (variant.origin !== undefined) switchOrigin(c, variant.origin)
      if (variant.pathPrefix !== undefined) c.request.uri = variant.pathPrefix + c.request.uri
      return next()
    }
    if (c.stage === 'viewer-response') {
      await next()
      const assigned = c.request.headers.get(marker)
      let variant = assigned === undefined ? undefined : byName.get(assigned)
      // The viewer had no valid cookie: recompute the same draw viewer-request made for this request id.
      if (!variant && !fromCookie(c)) variant = pick(c.requestId)
      if (variant) {
        c.set('abVariant', variant.name)
        c.response.headers.append('Set-Cookie', `${cookie}=${variant.name}${attributes}`)
      }
      return
    }
    throw stageError('abTest', c.stage, 'a Set-Cookie set in origin-response would be cached and handed to every viewer; use viewer-response')
  }
}
