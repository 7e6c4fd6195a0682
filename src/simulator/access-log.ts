/**
 * `edgeware dev --log-file FILE`: one line per request in CloudFront's standard (access) log format (reference
 * §10.2 [LOG]): tab-separated, the 33 fields in their documented order, `-` for an empty field, after the
 * `#Version` and `#Fields` lines at the top of a new file. A team can point its log tooling at it.
 */
import { createWriteStream, statSync, type WriteStream } from 'node:fs'
import type { LogRecord } from './protocol.js'

/** The fields, in CloudFront's order [LOG]. */
export const ACCESS_LOG_FIELDS = [
  'date', 'time', 'x-edge-location', 'sc-bytes', 'c-ip', 'cs-method', 'cs(Host)', 'cs-uri-stem', 'sc-status', 'cs(Referer)',
  'cs(User-Agent)', 'cs-uri-query', 'cs(Cookie)', 'x-edge-result-type', 'x-edge-request-id', 'x-host-header', 'cs-protocol',
  'cs-bytes', 'time-taken', 'x-forwarded-for', 'ssl-protocol', 'ssl-cipher', 'x-edge-response-result-type',
  'cs-protocol-version', 'fle-status', 'fle-encrypted-fields', 'c-port', 'time-to-first-byte', 'x-edge-detailed-result-type',
  'sc-content-type', 'sc-content-len', 'sc-range-start', 'sc-range-end',
] as const

/**
 * Error codes of the local edge that are CloudFront detailed result types as they are [LOG], [LEH]; a CloudFront
 * Function's failure is logged by its code (cloudfront-functions.md §3.5: the names are UNVERIFIED there).
 */
const DETAILED = new Set([
  'InvalidRequest', 'InvalidRequestMethod', 'InvalidRequestHeader', 'OriginCommError', 'OriginConnectError', 'OriginDnsError',
  'OriginError', 'OriginReadError', 'LambdaExecutionError', 'LambdaLimitExceeded', 'FunctionValidationError', 'FunctionExecutionError',
])
/** The local edge's other codes, as the nearest detailed result type. */
const DETAILED_AS: Record<string, string> = {
  NonS3OriginDnsError: 'OriginDnsError',
  OriginUrlInvalid: 'OriginError',
  OriginRequestInvalid: 'OriginError',
  InvalidOrigin: 'OriginError',
  InvalidViewerOverride: 'InvalidRequestHeader',
}

/** What the lines need of the distribution. */
export interface AccessLogSite {
  /** `x-edge-location`. */
  pop: string
  /** `cs(Host)`: the distribution's domain name. */
  distributionDomainName: string
}

/**
 * A field's value as CloudFront writes it: `-` when empty; spaces, tabs, control and non-ASCII characters
 * percent-encoded (UTF-8), so a line always splits into its 33 fields.
 *
 * @example
 * ```ts
 * logValue('Mozilla/5.0 (X11)') // 'Mozilla/5.0%20(X11)'
 * ```
 */
export function logValue(v: string | number | undefined): string {
  if (v === undefined || v === '') return '-'
  const s = String(v)
  return s.replace(/[^\x21-\x7e]+/g, encodeURIComponent)
}

/**
 * `x-edge-result-type`: `Error` for an error status (from the origin or the cache too), and for a custom error page
 * whatever its status [ERR]; a function's generated response keeps its own [LOG]: `LambdaGeneratedResponse`, or
 * `FunctionGeneratedResponse` for a CloudFront Function's (the `X-Cache` value; SILENT in the field list).
 */
function resultType(r: LogRecord): string {
  return r.status >= 400 && r.cache !== 'LambdaGeneratedResponse' && r.cache !== 'FunctionGeneratedResponse' ? 'Error' : r.cache
}

/** `x-edge-detailed-result-type`: the result type, or for an error the specific error [LOG]. */
function detailed(r: LogRecord, result: string): string {
  const e = r.error
  if (result !== 'Error' || !e) return result
  if (DETAILED.has(e.code)) return e.code
  // A Lambda@Edge function's result that broke a rule (502) is LambdaValidationError, whatever rule it broke [LEH].
  if (e.fn !== undefined && r.status === 502) return 'LambdaValidationError'
  return DETAILED_AS[e.code] ?? 'Error'
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3)

/**
 * One access log line for a request (undefined for one CloudFront doesn't log: no access fields).
 *
 * @example
 * ```ts
 * accessLogLine(record, { pop: 'LOCAL1-P1', distributionDomainName: 'd111111abcdef8.cloudfront.net' })
 * // '2026-01-01\t12:00:00\tLOCAL1-P1\t512\t127.0.0.1\tGET\td111111abcdef8.cloudfront.net\t/docs/\t200\t-\tcurl/8.5.0\t-\t-\tMiss\t…'
 * ```
 */
export function accessLogLine(r: LogRecord, site: AccessLogSite): string | undefined {
  const a = r.access
  if (!a) return undefined
  const at = new Date((r.start ?? Date.now() - r.totalMs) + r.totalMs).toISOString()
  const q = r.path.indexOf('?')
  const [sslProtocol, sslCipher] = a.tls ? a.tls.split(' ') : []
  const result = resultType(r)
  const values: (string | number | undefined)[] = [
    at.slice(0, 10),
    at.slice(11, 19),
    site.pop,
    a.responseBytes,
    a.clientIp,
    r.method,
    site.distributionDomainName,
    q < 0 ? r.path : r.path.slice(0, q),
    r.status,
    a.referer,
    a.userAgent,
    q < 0 ? undefined : r.path.slice(q + 1),
    a.cookie,
    result,
    r.requestId,
    r.host,
    a.protocol,
    a.requestBytes,
    seconds(r.totalMs),
    a.forwardedFor,
    sslProtocol,
    sslCipher,
    result,
    `HTTP/${a.httpVersion}`,
    undefined,
    undefined,
    a.clientPort,
    seconds(r.totalMs),
    detailed(r, result),
    a.contentType,
    a.contentLength,
    a.range?.[0],
    a.range?.[1],
  ]
  return values.map(logValue).join('\t')
}

/** An open access log. */
export interface AccessLog {
  write(r: LogRecord): void
  close(): Promise<void>
}

/**
 * Opens `file` for appending (the `#Version` / `#Fields` lines first when it is new or empty).
 *
 * @example
 * ```ts
 * const log = openAccessLog('access.log', site)
 * log.write(record)
 * await log.close()
 * ```
 */
export function openAccessLog(file: string, site: AccessLogSite): AccessLog {
  let size = 0
  try {
    size = statSync(file).size
  } catch {
    /* a new file */
  }
  const out: WriteStream = createWriteStream(file, { flags: 'a' })
  if (size === 0) out.write(`#Version: 1.0\n#Fields: ${ACCESS_LOG_FIELDS.join(' ')}\n`)
  return {
    write(r) {
      const line = accessLogLine(r, site)
      if (line !== undefined) out.write(line + '\n')
    },
    close: () => new Promise<void>((done) => out.end(() => done())),
  }
}
