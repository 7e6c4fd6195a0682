/**
 * Helpers the ready hooks of `edgeware/functions` share (not public API). Written, like every hook, in what
 * cloudfront-js-2.0 runs: plain objects instead of Map/Set, index loops, no destructuring or spread.
 */
import { compilePathPattern } from '../../cloudfront/path-pattern.js'
import type { CffValues } from '../../cloudfront/functions-types.js'

const hasOwn = Object.prototype.hasOwnProperty

/**
 * Whether a plain object has `key` as its own property (objects stand in for Map and Set here).
 *
 * @example
 * ```ts
 * own({ a: 1 }, 'toString') // false
 * ```
 */
export function own(o: object, key: string): boolean {
  return hasOwn.call(o, key)
}

/** The first value of a header (names are lowercase in CloudFront Functions), or undefined. */
export function headerValue(headers: CffValues | undefined, name: string): string | undefined {
  const e = headers !== undefined && own(headers, name) ? headers[name] : undefined
  return e === undefined ? undefined : e.value
}

/** Reason phrases of the statuses the hooks answer with. */
const STATUS_TEXT: Record<string, string> = {
  '204': 'No Content', '301': 'Moved Permanently', '302': 'Found', '303': 'See Other', '307': 'Temporary Redirect', '308': 'Permanent Redirect', '401': 'Unauthorized',
}

/** The reason phrase of a status the hooks answer with. */
export function statusText(status: number): string {
  const t = STATUS_TEXT[String(status)]
  return t === undefined ? '' : t
}

/** Characters that must not appear raw in a Location value built from request data. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0020"<>\\^`{|}\u007f-\uffff]/

/**
 * Percent-encodes what is unsafe in a URL header value (controls, spaces, quotes, non-ASCII as UTF-8, a lone
 * surrogate as U+FFFD); `%` stays, so an encoded URI is not encoded twice.
 */
export function encodeUnsafeUrlChars(s: string): string {
  if (!UNSAFE.test(s)) return s
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!
    if (!UNSAFE.test(ch)) {
      out += ch
      continue
    }
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      out += encodeURIComponent(ch + s[i + 1])
      i++
    } else out += c >= 0xd800 && c <= 0xdfff ? '%EF%BF%BD' : encodeURIComponent(ch)
  }
  return out
}

/** The query string as CloudFront forwards it: `name=value` pairs (`name` alone for an empty value), repeated names expanded. */
export function queryString(qs: CffValues | string): string {
  if (typeof qs === 'string') return qs
  let out = ''
  for (const name in qs) {
    if (!own(qs, name)) continue
    const e = qs[name]!
    const list = e.multiValue !== undefined ? e.multiValue : [e]
    for (let i = 0; i < list.length; i++) out += (out === '' ? '' : '&') + (list[i]!.value === '' ? name : name + '=' + list[i]!.value)
  }
  return out
}

/**
 * One predicate for a list of exact paths and CloudFront path patterns (`*`, `?`); undefined for no list.
 */
export function pathMatcher(hook: string, patterns: readonly string[] | undefined): ((uri: string) => boolean) | undefined {
  if (patterns === undefined || patterns.length === 0) return undefined
  const exact: Record<string, true> = {}
  const res: RegExp[] = []
  for (let i = 0; i < patterns.length; i++) {
    const p = patterns[i]
    if (typeof p !== 'string' || p.charAt(0) !== '/') throw new TypeError(hook + '(): path pattern must be a string starting with "/", got ' + JSON.stringify(p))
    if (p.indexOf('*') !== -1 || p.indexOf('?') !== -1) res.push(compilePathPattern(p))
    else exact[p] = true
  }
  return function matchPath(uri) {
    if (own(exact, uri)) return true
    for (let i = 0; i < res.length; i++) if (res[i]!.test(uri)) return true
    return false
  }
}

/** A header value checked once, when the hook is built: CR, LF or another control character is refused. */
export function checkedValue(hook: string, name: string, value: string): string {
  // eslint-disable-next-line no-control-regex
  if (typeof value !== 'string' || /[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) {
    throw new TypeError(hook + '(): the value of ' + name + ' must be a string without CR, LF or control characters, got ' + JSON.stringify(value))
  }
  return value
}
