/**
 * Read-only headers per stage: can't be added, modified or deleted (502) [RALL]. One constant per stage, so a
 * stage's bundle carries only its own list (`READ_ONLY_HEADERS` in `edgeware/cloudfront` gathers all four).
 * No imports: a leaf module.
 */

/** viewer-request */
export const VIEWER_REQUEST_READ_ONLY: ReadonlySet<string> = new Set(['cdn-loop', 'content-length', 'host', 'transfer-encoding', 'via'])

/** origin-request */
export const ORIGIN_REQUEST_READ_ONLY: ReadonlySet<string> = new Set([
  'accept-encoding',
  'cdn-loop',
  'content-length',
  'if-modified-since',
  'if-none-match',
  'if-range',
  'if-unmodified-since',
  'transfer-encoding',
  'via',
])

/** origin-response */
export const ORIGIN_RESPONSE_READ_ONLY: ReadonlySet<string> = new Set(['transfer-encoding', 'via'])

/** viewer-response */
export const VIEWER_RESPONSE_READ_ONLY: ReadonlySet<string> = new Set(['warning', 'via', 'content-length', 'content-encoding', 'transfer-encoding'])
