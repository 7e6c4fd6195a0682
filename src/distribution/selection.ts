/**
 * Name selections (`"none"`, `"all"`, a list, `{ all_except = [...] }`) as the policies write them. Their union and
 * membership test live in name-selection.ts (no Node imports: the local edge runs them in workerd).
 */
import { isValidHeaderName } from '../cloudfront/rules.js'
import { CLOUDFRONT_HEADERS } from './managed.js'
import type { NameSelection } from './model.js'
import { isTable, show, type Reader } from './problems.js'

/** What a selection key may hold besides a list and `"none"`. */
export interface SelectionForms {
  /** `"all"` is allowed (cookies and query strings; not cache-key headers). */
  all?: boolean
  /** `{ all_except = [...] }` is allowed. */
  allExcept?: boolean
  /** The names are header names: checked and lowercased. */
  headers?: boolean
}

/**
 * Checks a header name a policy lists and returns it lowercase: a valid HTTP name, and a `cloudfront-*` name only
 * when CloudFront generates such a header.
 */
export function readHeaderName(r: Reader, v: string, key: string): string | undefined {
  if (!isValidHeaderName(v)) return r.fail(key, `not a valid header name: ${show(v)}`, v)
  const lower = v.toLowerCase()
  if (lower.startsWith('cloudfront-') && !CLOUDFRONT_HEADERS.has(lower)) {
    return r.fail(key, `${show(v)} is not a header CloudFront adds (known: ${[...CLOUDFRONT_HEADERS].join(', ')})`, v)
  }
  return lower
}

function readNames(r: Reader, v: unknown, key: string, headers: boolean): string[] | undefined {
  const list = r.stringList(v, key)
  if (!list) return undefined
  const out: string[] = []
  list.forEach((n, i) => {
    const name = headers ? readHeaderName(r, n, `${key}[${i}]`) : n
    if (name === undefined) return
    if (out.includes(name)) r.fail(`${key}[${i}]`, `${show(n)} is listed twice`, n)
    else out.push(name)
  })
  return out
}

/**
 * Reads a selection: absent or `"none"` or `[]` → none; `"all"`; a list; `{ all_except = [...] }` (at least one
 * name). `undefined` after recording a problem.
 */
export function readSelection(r: Reader, v: unknown, key: string, forms: SelectionForms): NameSelection | undefined {
  const expected = `"none"${forms.all ? ', "all"' : ''}, an array of names${forms.allExcept ? ' or { all_except = [...] }' : ''}`
  if (v === undefined || v === 'none') return { kind: 'none' }
  if (v === 'all' && forms.all) return { kind: 'all' }
  if (Array.isArray(v)) {
    const names = readNames(r, v, key, forms.headers ?? false)
    if (!names) return undefined
    return names.length ? { kind: 'list', names } : { kind: 'none' }
  }
  if (isTable(v) && forms.allExcept) {
    r.unknownKeys(v, key, ['all_except'])
    const names = readNames(r, v.all_except, `${key}.all_except`, forms.headers ?? false)
    if (!names) return undefined
    if (names.length === 0) return r.fail(`${key}.all_except`, 'list at least one name to leave out (or use "all")', v.all_except)
    return { kind: 'allExcept', names }
  }
  return r.fail(key, `expected ${expected}, got ${show(v)}`, v)
}

export { unionSelection, selects } from './name-selection.js'
