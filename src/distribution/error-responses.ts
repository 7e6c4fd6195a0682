/**
 * `[[edge.custom_error_responses]]` (reference §4) and `default_root_object` (§8.1).
 */
import { hasInvalidHeaderValueChar } from '../cloudfront/rules.js'
import type { CustomErrorResponseConfig } from './model.js'
import { show, type Reader, type Table } from './problems.js'

/** Statuses a custom error response may replace [ERR]. */
export const ERROR_CODES: readonly number[] = [400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504]
/** Statuses a custom error response may answer with [ERR]. */
export const RESPONSE_CODES: readonly number[] = [200, ...ERROR_CODES]
/** `ErrorCachingMinTTL` when not given [ERR], [HSC]. */
const DEFAULT_ERROR_TTL = 10
/** `DefaultRootObject` length limit (CloudFront API reference). */
const MAX_ROOT_OBJECT = 255

function readCode(r: Reader, v: unknown, key: string, allowed: readonly number[], what: string): number | undefined {
  if (v === undefined) return undefined
  if (typeof v !== 'number' || !allowed.includes(v)) return r.fail(key, `CloudFront allows ${what} ${allowed.join(', ')}, got ${show(v)}`, v)
  return v
}

/** Reads `[[edge.custom_error_responses]]`: one per error code, a page path and a response code together. */
export function readErrorResponses(r: Reader, edge: Table, warnings: string[]): CustomErrorResponseConfig[] {
  const out: CustomErrorResponseConfig[] = []
  r.tables(edge.custom_error_responses, 'edge.custom_error_responses').forEach((v, i) => {
    const key = `edge.custom_error_responses[${i}]`
    const t = r.table(v, key)
    if (!t) return
    r.unknownKeys(t, key, ['error_code', 'response_page_path', 'response_code', 'error_caching_min_ttl'])
    const errorCode = readCode(r, t.error_code, `${key}.error_code`, ERROR_CODES, 'error_code')
    if (t.error_code === undefined) r.fail(`${key}.error_code`, 'is required')
    if (errorCode !== undefined && out.some((e) => e.errorCode === errorCode)) r.fail(`${key}.error_code`, `a custom error response for ${errorCode} is already configured`, errorCode)
    const page = r.string(t.response_page_path, `${key}.response_page_path`)
    if (page !== undefined && (!page.startsWith('/') || hasInvalidHeaderValueChar(page) || /\s/.test(page))) {
      r.fail(`${key}.response_page_path`, `expected a path starting with "/" (e.g. "/errors/404.html"), got ${show(page)}`, page)
    }
    const responseCode = readCode(r, t.response_code, `${key}.response_code`, RESPONSE_CODES, 'response_code')
    // CloudFront (CustomErrorResponse): ResponsePagePath and ResponseCode go together.
    if (t.response_code !== undefined && t.response_page_path === undefined) r.fail(`${key}.response_code`, 'needs response_page_path (the page served with that status)', t.response_code)
    if (t.response_page_path !== undefined && t.response_code === undefined) r.fail(`${key}.response_page_path`, 'needs response_code (the status served with the page)', page)
    const ttl = r.int(t.error_caching_min_ttl, `${key}.error_caching_min_ttl`, 0, 31_536_000, ' (seconds)') ?? DEFAULT_ERROR_TTL
    if (errorCode === 416 && t.error_caching_min_ttl !== undefined) warnings.push(`${key}.error_caching_min_ttl: CloudFront never caches a 416, so this TTL has no effect`)
    if (errorCode === undefined) return
    out.push({ errorCode, ...(page !== undefined ? { responsePagePath: page } : {}), ...(responseCode !== undefined ? { responseCode } : {}), errorCachingMinTtl: ttl })
  })
  return out
}

/** Reads `default_root_object`: an object name or path without a leading `/`, at most 255 characters. */
export function readDefaultRootObject(r: Reader, edge: Table): string | undefined {
  const key = 'edge.default_root_object'
  const v = r.string(edge.default_root_object, key)
  if (v === undefined) return undefined
  if (v.startsWith('/')) return r.fail(key, `give the object name without a leading "/" (e.g. "index.html"), got ${show(v)}`, v)
  if (v.endsWith('/')) return r.fail(key, `must name an object, not end with "/", got ${show(v)}`, v)
  if (v.length > MAX_ROOT_OBJECT) return r.fail(key, `at most ${MAX_ROOT_OBJECT} characters, got ${v.length}`, v)
  if (/[\s\u0000-\u001f\u007f?#]/.test(v)) return r.fail(key, `must not contain spaces, control characters, "?" or "#", got ${show(v)}`, v)
  return v
}
