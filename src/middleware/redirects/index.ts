/**
 * `redirects(rules)`: answers matching requests with a redirect at the edge (viewer-request or origin-request).
 * @module
 */
import type { Middleware, RequestContext } from '../../core/types.js'
import { compilePathPattern } from '../../cloudfront/path-pattern.js'
import { encodeUnsafeUrlChars, hasWildcard, NEEDS_REQUEST_STAGE, stageError } from '../_shared/index.js'

/**
 * A redirect status CloudFront passes to the viewer as is.
 *
 * @example
 * ```ts
 * const status: RedirectStatus = 308
 * ```
 */
export type RedirectStatus = 301 | 302 | 303 | 307 | 308

/**
 * One redirect rule.
 *
 * @example
 * ```ts
 * const rule: RedirectRule = { from: '/blog/*', to: '/posts/*', status: 301, query: 'keep' }
 * ```
 */
export interface RedirectRule {
  /**
   * What to match against the request URI (path only, no query string):
   * - an exact path: `'/old'`;
   * - a CloudFront path pattern: `'/blog/*'` (`*` = any run of characters, `?` = one character); each
   *   wildcard is a capture (`$1`, `$2`, … in `to`, or a `*` in `to` for the next capture);
   * - a RegExp, whose numbered (`$1`) and named (`$<name>`) groups can be used in `to`.
   */
  from: string | RegExp
  /** The target: a path (`/new/$1`) or an absolute URL (`https://example.com/$1`). */
  to: string
  /** Redirect status (default: the `status` option, else 301). */
  status?: RedirectStatus
  /** Keep the request's query string (appended to the target's own, if any) or drop it. Default: the `query` option, else `'keep'`. */
  query?: 'keep' | 'drop'
}

/**
 * Options that apply to every rule that doesn't set its own.
 *
 * @example
 * ```ts
 * redirects({ '/a': '/b' }, { status: 302, query: 'drop' } satisfies RedirectsOptions)
 * ```
 */
export interface RedirectsOptions {
  /** Default status, 301 unless set. */
  status?: RedirectStatus
  /** Default query handling, `'keep'` unless set. */
  query?: 'keep' | 'drop'
}

interface CompiledRule {
  re: RegExp | undefined
  to: string
  /** Template has `$n`, `$<name>` or `*` placeholders. */
  templated: boolean
  status: RedirectStatus
  keepQuery: boolean
  /** The target is a path (starts with one `/`): substituted captures must not turn it into `//host`. */
  isPath: boolean
}

const STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308])

function compileRule(rule: RedirectRule, options: RedirectsOptions): CompiledRule {
  const { from, to } = rule
  if (typeof to !== 'string' || to === '' || !(to.startsWith('/') || /^https?:\/\//i.test(to))) {
    throw new TypeError(`redirects(): "to" must be a path starting with "/" or an http(s) URL, got ${JSON.stringify(to)}`)
  }
  // Header injection through a configured target is refused at construction, not at request time.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(to)) {
    throw new TypeError(`redirects(): "to" contains CR, LF or another control character: ${JSON.stringify(to)}`)
  }
  const status = rule.status ?? options.status ?? 301
  if (!STATUSES.has(status)) {
    throw new TypeError(`redirects(): status must be one of 301, 302, 303, 307, 308, got ${JSON.stringify(status)} for ${String(from)}`)
  }
  const keepQuery = (rule.query ?? options.query ?? 'keep') === 'keep'
  let re: RegExp | undefined
  let target = to
  if (from instanceof RegExp) {
    re = from
  } else if (typeof from === 'string' && from.startsWith('/')) {
    if (hasWildcard(from)) {
      re = compilePathPattern(from, true)
      // `*` in the target takes the captures in order.
      let n = 0
      target = to.replace(/\*/g, () => `$${++n}`)
    }
  } else {
    throw new TypeError(`redirects(): "from" must be a path starting with "/", a path pattern or a RegExp, got ${JSON.stringify(from)}`)
  }
  return {
    re,
    to: target,
    templated: re !== undefined && /\$(\d|<)/.test(target),
    status,
    keepQuery,
    isPath: target.startsWith('/') && !target.startsWith('//'),
  }
}

function expand(rule: CompiledRule, m: RegExpExecArray): string {
  return rule.to.replace(/\$(\d)|\$<([A-Za-z_$][\w$]*)>/g, (_all, idx: string | undefined, name: string | undefined) => {
    const v = idx !== undefined ? m[Number(idx)] : m.groups?.[name!]
    // Captures come from the request: encode anything that could break out of the header value.
    return v === undefined ? '' : encodeUnsafeUrlChars(v)
  })
}

/**
 * Redirects requests whose URI matches a rule. Exact paths are looked up first (one Map lookup), then
 * patterns and RegExps in the order given. Captured parts of the URI are percent-encoded where they would be
 * unsafe in a `Location` header (CR, LF, spaces, non-ASCII), and a path target can never become a
 * protocol-relative `//host` URL through a capture (no open redirect).
 *
 * Runs in viewer-request (recommended: the redirect is not cached) or origin-request (the redirect is cached
 * by CloudFront). Any other stage throws `EdgeRuleError` (`UnsupportedStage`) on first use.
 *
 * @param rules A list of rules, or a map `{ from: to }` using the options' status and query handling.
 *
 * @example
 * ```ts
 * import { viewerRequest } from 'edgeware'
 * import { redirects } from 'edgeware/middleware'
 *
 * export const handler = viewerRequest(
 *   redirects([
 *     { from: '/old', to: '/new' },
 *     { from: '/blog/*', to: 'https://blog.example.com/*', status: 302 },
 *     { from: /^\/p\/(?<id>\d+)$/, to: '/products/$<id>', query: 'drop' },
 *   ]),
 * )
 * // or: redirects({ '/old': '/new', '/docs/*': '/guide/*' }, { status: 308 })
 * ```
 */
export function redirects(
  rules: readonly RedirectRule[] | Readonly<Record<string, string>>,
  options: RedirectsOptions = {},
): Middleware<RequestContext> {
  const list: RedirectRule[] = Array.isArray(rules)
    ? [...(rules as readonly RedirectRule[])]
    : Object.entries(rules as Record<string, string>).map(([from, to]) => ({ from, to }))
  const exact = new Map<string, CompiledRule>()
  const patterns: CompiledRule[] = []
  for (const r of list) {
    if (r === null || typeof r !== 'object') throw new TypeError(`redirects(): each rule must be an object { from, to }, got ${JSON.stringify(r)}`)
    const c = compileRule(r, options)
    if (c.re) patterns.push(c)
    else if (!exact.has(r.from as string)) exact.set(r.from as string, c)
  }

  return async function redirectsMiddleware(c, next) {
    if (c.stage !== 'viewer-request' && c.stage !== 'origin-request') throw stageError('redirects', c.stage, NEEDS_REQUEST_STAGE)
    const uri = c.request.uri
    let rule = exact.get(uri)
    let location: string | undefined
    if (rule) {
      location = rule.to
    } else {
      for (const p of patterns) {
        const m = p.re!.exec(uri)
        if (m) {
          rule = p
          location = p.templated ? expand(p, m) : p.to
          break
        }
      }
    }
    if (!rule || location === undefined) return next()
    // A capture such as `/evil.com` in `/go/*` → `/*` must not yield `//evil.com` (protocol-relative).
    if (rule.isPath) location = location.replace(/^[/\\]+/, '/')
    if (rule.keepQuery) {
      const qs = c.request.querystring
      if (qs) location += (location.includes('?') ? '&' : '?') + encodeUnsafeUrlChars(qs)
    }
    c.redirect(location, rule.status)
  }
}
