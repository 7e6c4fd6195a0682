/**
 * Range and conditional request rules (RFC 9110 §13–§14), as pure functions shared by the edge (answers from a
 * cached object, reference §7) and the local S3 origin (s3-origin.ts). They run inside the workerd edge too.
 */

/** What a `Range` header asks of an object of `size` bytes. */
export type RangeAsk =
  /** Serve the whole object: no Range, one that isn't valid, or several ranges. */
  | { kind: 'whole' }
  | { kind: 'part'; start: number; end: number }
  /** A valid single range that misses the object (start past the end, or a zero-length suffix). */
  | { kind: 'unsatisfiable' }

const WHOLE: RangeAsk = { kind: 'whole' }

/**
 * Reads a `Range` header: one range `bytes=a-b`, `bytes=a-` or `bytes=-n` is served (the end clamped to the
 * object); anything else — another unit, a malformed or descending spec, several ranges — gets the whole object.
 *
 * @example
 * ```ts
 * parseRange('bytes=0-99', 1000) // { kind: 'part', start: 0, end: 99 }
 * parseRange('bytes=-100', 1000) // { kind: 'part', start: 900, end: 999 }
 * parseRange('bytes=2000-', 1000) // { kind: 'unsatisfiable' }
 * parseRange('bytes=0-1,5-6', 1000) // { kind: 'whole' }
 * ```
 */
export function parseRange(value: string | undefined, size: number): RangeAsk {
  const m = value === undefined ? null : /^bytes=(\d*)-(\d*)$/i.exec(value.trim())
  if (!m || (m[1] === '' && m[2] === '')) return WHOLE
  if (m[1] === '') {
    const n = Number(m[2])
    return n === 0 || size === 0 ? { kind: 'unsatisfiable' } : { kind: 'part', start: Math.max(0, size - n), end: size - 1 }
  }
  const start = Number(m[1])
  if (m[2] !== '' && Number(m[2]) < start) return WHOLE
  if (start >= size) return { kind: 'unsatisfiable' }
  return { kind: 'part', start, end: m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1) }
}

/**
 * Whole seconds of an HTTP date, or undefined when it isn't one.
 *
 * @example
 * ```ts
 * httpDateSeconds('Wed, 01 Jan 2025 00:00:00 GMT') // 1735689600
 * ```
 */
export function httpDateSeconds(v: string | undefined): number | undefined {
  const t = v === undefined ? NaN : Date.parse(v)
  return Number.isNaN(t) ? undefined : Math.floor(t / 1000)
}

/**
 * Whether an `If-None-Match` / `If-Match` list names the entity tag (weak comparison: `W/` ignored on both sides;
 * `*` matches).
 *
 * @example
 * ```ts
 * tagListHas('W/"a", "b"', '"a"') // true
 * ```
 */
export function tagListHas(list: string, etag: string): boolean {
  const tag = etag.replace(/^W\//, '')
  return list.split(',').some((t) => {
    const s = t.trim()
    return s === '*' || s.replace(/^W\//, '') === tag
  })
}

/**
 * Whether a request's `If-None-Match` / `If-Modified-Since` say the viewer's copy is current (a 304): If-None-Match
 * when given, else If-Modified-Since against `Last-Modified` (RFC 9110 §13.2.2).
 *
 * @example
 * ```ts
 * notModified({ ifNoneMatch: '"v1"' }, { etag: '"v1"' }) // true
 * ```
 */
export function notModified(req: { ifNoneMatch?: string | undefined; ifModifiedSince?: string | undefined }, obj: { etag?: string | undefined; lastModified?: Date | string | undefined }): boolean {
  if (req.ifNoneMatch !== undefined) return obj.etag !== undefined && tagListHas(req.ifNoneMatch, obj.etag)
  const since = httpDateSeconds(req.ifModifiedSince)
  const modified = obj.lastModified instanceof Date ? Math.floor(obj.lastModified.getTime() / 1000) : httpDateSeconds(obj.lastModified)
  return since !== undefined && modified !== undefined && modified <= since
}

/**
 * Whether `If-Range` lets a Range apply: absent, or the object's strong entity tag, or exactly its Last-Modified
 * date (RFC 9110 §13.1.5).
 *
 * @example
 * ```ts
 * rangeStillValid('"v1"', { etag: '"v1"' }) // true
 * rangeStillValid('"v1"', { etag: 'W/"v1"' }) // false: a weak tag never matches If-Range
 * ```
 */
export function rangeStillValid(ifRange: string | undefined, obj: { etag?: string | undefined; lastModified?: Date | string | undefined }): boolean {
  if (ifRange === undefined) return true
  if (ifRange.startsWith('"') || ifRange.startsWith('W/')) return !ifRange.startsWith('W/') && ifRange === obj.etag
  const modified = obj.lastModified instanceof Date ? Math.floor(obj.lastModified.getTime() / 1000) : httpDateSeconds(obj.lastModified)
  return modified !== undefined && httpDateSeconds(ifRange) === modified
}
