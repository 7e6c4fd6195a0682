/**
 * What the viewer-facing front (front.ts, in Node) tells the edge (in workerd) about each request, in one header
 * the front sets and the edge removes: what workerd can't see (the viewer's address and port, the header names as
 * the viewer cased and ordered them, the request's size on the wire, TLS) and the requests the front refused (the
 * edge answers them, so they get CloudFront's page and a log line). Pure: runs on both sides.
 */

/** The header the front adds to every request it passes on (a viewer's own is dropped). */
export const FRONT_HEADER = 'x-edgeware-front'

/** The local edge's own request for an invalidation: `POST` with `{"paths": ["/docs/*", …]}` (edgeware invalidate). */
export const INVALIDATION_PATH = '/__edgeware/invalidate'

/** Why the front refused a request (the edge answers it; the connection is closed after). */
export type FrontRefusal = 'url-too-long' | 'request-too-large' | 'unknown-method'

/** One request as the front saw it arrive. */
export interface FrontInfo {
  /** The viewer's address and port. */
  ip: string
  port: number
  /** Bytes of the request line and headers, as received. */
  headBytes: number
  /** `1.1` or `1.0`. */
  httpVersion: string
  /** Header names as the viewer sent them, in order (repeated names repeated). */
  names: string[]
  /** `<protocol> <cipher>` of an HTTPS connection. */
  tls?: string
  /** A refused request: why, and the method and URL length as received. */
  refused?: { why: FrontRefusal; method: string; urlBytes: number }
  /** Not a viewer's request: an invalidation (`edgeware invalidate`) for the edge's cache. */
  invalidation?: true
  /** The distribution's configuration generation (0 at start, one more for each reload of wrangler.toml). */
  generation?: number
}

const esc = (s: string): string => s.replace(/[%;=]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)

/**
 * The header value for a request.
 *
 * @example
 * ```ts
 * formatFrontInfo({ ip: '127.0.0.1', port: 50312, headBytes: 78, httpVersion: '1.1', names: ['Host', 'User-Agent'] })
 * // 'ip=127.0.0.1;port=50312;bytes=78;v=1.1;names=Host:User-Agent'
 * ```
 */
export function formatFrontInfo(f: FrontInfo): string {
  let s = `ip=${f.ip};port=${f.port};bytes=${f.headBytes};v=${f.httpVersion};names=${esc(f.names.join(':'))}`
  if (f.tls) s += `;tls=${esc(f.tls)}`
  if (f.refused) s += `;refused=${f.refused.why};method=${esc(f.refused.method)};url=${f.refused.urlBytes}`
  if (f.invalidation) s += ';invalidation=1'
  if (f.generation) s += `;gen=${f.generation}`
  return s
}

/**
 * Reads the header value back; undefined when it isn't one (a request that didn't come through the front).
 *
 * @example
 * ```ts
 * parseFrontInfo('ip=127.0.0.1;port=50312;bytes=78;v=1.1;names=Host')?.names // ['Host']
 * ```
 */
export function parseFrontInfo(value: string | null): FrontInfo | undefined {
  if (!value) return undefined
  const f: Record<string, string> = {}
  for (const part of value.split(';')) {
    const eq = part.indexOf('=')
    const v = part.slice(eq + 1)
    if (eq > 0) f[part.slice(0, eq)] = v.includes('%') ? decodeURIComponent(v) : v
  }
  if (f.ip === undefined || f.port === undefined) return undefined
  const info: FrontInfo = { ip: f.ip, port: Number(f.port), headBytes: Number(f.bytes ?? 0), httpVersion: f.v ?? '1.1', names: f.names ? f.names.split(':') : [] }
  if (f.tls) info.tls = f.tls
  if (f.refused) info.refused = { why: f.refused as FrontRefusal, method: f.method ?? '', urlBytes: Number(f.url ?? 0) }
  if (f.invalidation) info.invalidation = true
  if (f.gen) info.generation = Number(f.gen)
  return info
}
