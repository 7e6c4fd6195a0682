/**
 * `redirects(rules)` for a viewer-request CloudFront Function: the twin of `edgeware/middleware`'s, same rules and
 * options, same answers.
 * @module
 */
import { compilePathPattern } from '../../cloudfront/path-pattern.js'
import type { CffRequest, CffResponse } from '../../cloudfront/functions-types.js'
import type { RedirectRule, RedirectsOptions, RedirectStatus } from '../../middleware/redirects/index.js'
import type { FunctionHook } from '../compose.js'
import { encodeUnsafeUrlChars, own, queryString, statusText } from '../_shared/index.js'

interface Compiled {
  re: RegExp | undefined
  to: string
  templated: boolean
  status: RedirectStatus
  keepQuery: boolean
  isPath: boolean
}

const STATUSES = [301, 302, 303, 307, 308]

function compileRule(rule: RedirectRule, options: RedirectsOptions): Compiled {
  const from = rule.from
  const to = rule.to
  if (typeof to !== 'string' || to === '' || !(to.charAt(0) === '/' || /^https?:\/\//i.test(to))) {
    throw new TypeError('redirects(): "to" must be a path starting with "/" or an http(s) URL, got ' + JSON.stringify(to))
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(to)) throw new TypeError('redirects(): "to" contains CR, LF or another control character: ' + JSON.stringify(to))
  const status = rule.status !== undefined ? rule.status : options.status !== undefined ? options.status : 301
  if (STATUSES.indexOf(status) === -1) throw new TypeError('redirects(): status must be one of 301, 302, 303, 307, 308, got ' + JSON.stringify(status) + ' for ' + String(from))
  const query = rule.query !== undefined ? rule.query : options.query !== undefined ? options.query : 'keep'
  let re: RegExp | undefined
  let target = to
  if (from instanceof RegExp) re = from
  else if (typeof from === 'string' && from.charAt(0) === '/') {
    if (from.indexOf('*') !== -1 || from.indexOf('?') !== -1) {
      re = compilePathPattern(from, true)
      let n = 0
      target = to.replace(/\*/g, function () {
        return '$' + ++n
      })
    }
  } else throw new TypeError('redirects(): "from" must be a path starting with "/", a path pattern or a RegExp, got ' + JSON.stringify(from))
  return { re: re, to: target, templated: re !== undefined && /\$(\d|<)/.test(target), status: status, keepQuery: query === 'keep', isPath: target.charAt(0) === '/' && target.charAt(1) !== '/' }
}

function expand(rule: Compiled, m: RegExpExecArray): string {
  return rule.to.replace(/\$(\d)|\$<([A-Za-z_$][\w$]*)>/g, function (_all: string, idx: string | undefined, name: string | undefined) {
    const v = idx !== undefined ? m[Number(idx)] : m.groups !== undefined ? m.groups[name!] : undefined
    return v === undefined ? '' : encodeUnsafeUrlChars(v)
  })
}

/**
 * Redirects requests whose URI matches a rule, exactly as `edgeware/middleware`'s `redirects` does (exact paths
 * first, then patterns and RegExps in order; captures percent-encoded; a path target never becomes `//host`).
 *
 * @example
 * ```ts
 * import { viewerRequestFunction, redirects } from 'edgeware/functions'
 * export const handler = viewerRequestFunction(redirects([{ from: '/blog/*', to: 'https://blog.example.com/*', status: 302 }]))
 * ```
 */
export function redirects(rules: readonly RedirectRule[] | Readonly<Record<string, string>>, options?: RedirectsOptions): FunctionHook {
  const opts = options !== undefined ? options : {}
  const list: RedirectRule[] = []
  if (Array.isArray(rules)) for (let i = 0; i < rules.length; i++) list.push((rules as readonly RedirectRule[])[i]!)
  else for (const from in rules) if (own(rules, from)) list.push({ from: from, to: (rules as Record<string, string>)[from]! })
  const exact: Record<string, Compiled> = Object.create(null) as Record<string, Compiled>
  const patterns: Compiled[] = []
  for (let i = 0; i < list.length; i++) {
    const r = list[i]
    if (r === null || typeof r !== 'object') throw new TypeError('redirects(): each rule must be an object { from, to }, got ' + JSON.stringify(r))
    const c = compileRule(r, opts)
    if (c.re !== undefined) patterns.push(c)
    else if (exact[r.from as string] === undefined) exact[r.from as string] = c
  }
  return {
    name: 'redirects',
    request: function redirectsRequest(request: CffRequest): CffResponse | undefined {
      const uri = request.uri
      let rule: Compiled | undefined = exact[uri]
      let location = rule !== undefined ? rule.to : undefined
      for (let i = 0; rule === undefined && i < patterns.length; i++) {
        const m = patterns[i]!.re!.exec(uri)
        if (m !== null) {
          rule = patterns[i]!
          location = rule.templated ? expand(rule, m) : rule.to
        }
      }
      if (rule === undefined || location === undefined) return undefined
      if (rule.isPath) location = location.replace(/^[/\\]+/, '/')
      const qs = rule.keepQuery ? queryString(request.querystring) : ''
      if (qs !== '') location += (location.indexOf('?') !== -1 ? '&' : '?') + encodeUnsafeUrlChars(qs)
      return { statusCode: rule.status, statusDescription: statusText(rule.status), headers: { location: { value: location } } }
    },
  }
}
