/**
 * Local settings: `[dev]` (port, address, HTTPS, `[dev.viewer]`) and `[edge.dynamodb]`.
 */
import { statSync } from 'node:fs'
import { isIP } from 'node:net'
import { isAbsolute, resolve } from 'node:path'
import type { DynamoDbConfig, EdgeConfig, ViewerInfo } from './model.js'
import { AWS_REGION, TABLE_NAME } from './names.js'
import { show, type Reader, type Table } from './problems.js'

type Check = (v: string) => boolean
const re =
  (x: RegExp): Check =>
  (v) =>
    x.test(v)
const range =
  (min: number, max: number): Check =>
  (v) =>
    /^-?\d+(\.\d+)?$/.test(v) && Number(v) >= min && Number(v) <= max
const timeZone: Check = (v) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: v })
    return true
  } catch {
    return false
  }
}
const address: Check = (v) => {
  const i = v.lastIndexOf(':')
  const ip = v.slice(0, i).replace(/^\[(.*)\]$/, '$1')
  const port = Number(v.slice(i + 1))
  return i > 0 && isIP(ip) !== 0 && Number.isInteger(port) && port >= 0 && port <= 65_535
}

/**
 * The `[dev.viewer]` fields: TOML key → model field, the `CloudFront-Viewer-*` header it feeds (reference §8.5),
 * what a valid value looks like.
 *
 * @example
 * ```ts
 * VIEWER_FIELDS.country.header // 'cloudfront-viewer-country'
 * ```
 */
export const VIEWER_FIELDS: Readonly<Record<string, { field: keyof ViewerInfo; header: string; check: Check; what: string }>> = {
  country: { field: 'country', header: 'cloudfront-viewer-country', check: re(/^[A-Z]{2}$/), what: 'an ISO 3166-1 alpha-2 code such as "US"' },
  country_name: { field: 'countryName', header: 'cloudfront-viewer-country-name', check: () => true, what: 'a country name' },
  country_region: { field: 'countryRegion', header: 'cloudfront-viewer-country-region', check: re(/^[A-Z0-9]{1,3}$/), what: 'an ISO 3166-2 subdivision code of at most 3 characters such as "WA"' },
  country_region_name: { field: 'countryRegionName', header: 'cloudfront-viewer-country-region-name', check: () => true, what: 'a region name' },
  city: { field: 'city', header: 'cloudfront-viewer-city', check: () => true, what: 'a city name' },
  postal_code: { field: 'postalCode', header: 'cloudfront-viewer-postal-code', check: re(/^[A-Za-z0-9 -]{1,16}$/), what: 'a postal code' },
  time_zone: { field: 'timeZone', header: 'cloudfront-viewer-time-zone', check: timeZone, what: 'an IANA time zone such as "America/Los_Angeles"' },
  latitude: { field: 'latitude', header: 'cloudfront-viewer-latitude', check: range(-90, 90), what: 'decimal degrees from -90 to 90' },
  longitude: { field: 'longitude', header: 'cloudfront-viewer-longitude', check: range(-180, 180), what: 'decimal degrees from -180 to 180' },
  metro_code: { field: 'metroCode', header: 'cloudfront-viewer-metro-code', check: re(/^\d{1,4}$/), what: 'a US metro code (digits)' },
  asn: { field: 'asn', header: 'cloudfront-viewer-asn', check: re(/^\d{1,10}$/), what: 'an autonomous system number (digits)' },
  address: { field: 'address', header: 'cloudfront-viewer-address', check: address, what: 'ip:port such as "198.51.100.10:46532"' },
  tls: { field: 'tls', header: 'cloudfront-viewer-tls', check: re(/^[^:\s]+:[^:\s]+:(fullHandshake|sessionResumed|connectionReused)$/), what: 'version:cipher:handshake such as "TLSv1.3:TLS_AES_128_GCM_SHA256:fullHandshake"' },
  ja3_fingerprint: { field: 'ja3Fingerprint', header: 'cloudfront-viewer-ja3-fingerprint', check: re(/^[0-9a-f]{32}$/), what: '32 lowercase hex digits' },
  ja4_fingerprint: { field: 'ja4Fingerprint', header: 'cloudfront-viewer-ja4-fingerprint', check: re(/^[A-Za-z0-9_]{1,64}$/), what: 'a JA4 fingerprint such as "t13d1516h2_8daaf6152771_b186095e22b6"' },
}

function readViewer(r: Reader, v: unknown): ViewerInfo {
  const t = r.table(v, 'dev.viewer')
  if (!t) return {}
  r.unknownKeys(t, 'dev.viewer', Object.keys(VIEWER_FIELDS))
  const out: ViewerInfo = {}
  for (const [k, f] of Object.entries(VIEWER_FIELDS)) {
    const raw = t[k]
    if (raw === undefined) continue
    const s = typeof raw === 'number' && (k === 'latitude' || k === 'longitude' || k === 'metro_code' || k === 'asn') ? String(raw) : raw
    if (typeof s !== 'string' || s === '' || !f.check(s)) {
      r.fail(`dev.viewer.${k}`, `expected ${f.what}, got ${show(raw)}`, raw)
      continue
    }
    out[f.field] = s
  }
  return out
}

/**
 * The `CloudFront-Viewer-*` header values of a `[dev.viewer]` (lowercase names), non-ASCII characters
 * percent-encoded as CloudFront does [CFH].
 *
 * @example
 * ```ts
 * viewerHeaders({ country: 'DE', city: 'Köln' }) // { 'cloudfront-viewer-country': 'DE', 'cloudfront-viewer-city': 'K%C3%B6ln' }
 * ```
 */
export function viewerHeaders(info: ViewerInfo): Record<string, string> {
  const out: Record<string, string> = {}
  for (const f of Object.values(VIEWER_FIELDS)) {
    const v = info[f.field]
    if (v !== undefined) out[f.header] = v.replace(/[^\x20-\x7e]+/g, (c) => encodeURIComponent(c))
  }
  return out
}

/**
 * Reads `[dev]`: port (default 8787), ip (default 127.0.0.1), https (default false), https_port (default 8443),
 * response_headers_policy_order (default before-viewer-response), `[dev.viewer]`.
 */
export function readDev(r: Reader, doc: Table): EdgeConfig['dev'] {
  const t = r.table(doc.dev, 'dev') ?? {}
  r.unknownKeys(t, 'dev', ['port', 'ip', 'https', 'https_port', 'response_headers_policy_order', 'viewer'])
  const port = r.int(t.port, 'dev.port', 0, 65_535) ?? 8787
  let ip = r.string(t.ip, 'dev.ip') ?? '127.0.0.1'
  if (ip !== 'localhost' && isIP(ip) === 0) {
    r.fail('dev.ip', `expected an IP address to listen on (e.g. "127.0.0.1", "0.0.0.0", "::1") or "localhost", got ${show(ip)}`, ip)
    ip = '127.0.0.1'
  }
  const https = r.bool(t.https, 'dev.https') ?? false
  const httpsPort = r.int(t.https_port, 'dev.https_port', 0, 65_535) ?? 8443
  const order = r.oneOf(t.response_headers_policy_order, 'dev.response_headers_policy_order', ['before-viewer-response', 'after-viewer-response'] as const) ?? 'before-viewer-response'
  return { port, ip, https, httpsPort, responseHeadersPolicyOrder: order, viewer: readViewer(r, t.viewer) }
}

/** Reads `[edge.dynamodb]`. `local = true` runs dynalite (optionally persisted, on a port); otherwise `endpoint`. */
export function readDynamoDb(r: Reader, edge: Table): DynamoDbConfig | undefined {
  if (edge.dynamodb === undefined) return undefined
  const key = 'edge.dynamodb'
  const t = r.table(edge.dynamodb, key)
  if (!t) return undefined
  r.unknownKeys(t, key, ['local', 'table', 'seed', 'persist', 'port', 'endpoint', 'region'])
  const table = r.string(t.table, `${key}.table`, true) ?? ''
  if (table && !TABLE_NAME.test(table)) r.fail(`${key}.table`, `not a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -): ${show(table)}`, table)
  const local = r.bool(t.local, `${key}.local`) ?? false
  const seed = r.path(t.seed, `${key}.seed`)
  const out: DynamoDbConfig = { local, table, ...(seed ? { seed } : {}) }
  const localOnly = (k: string): boolean => {
    if (t[k] === undefined || local) return t[k] !== undefined
    r.fail(`${key}.${k}`, `${k} is a setting of the local DynamoDB; it needs local = true`, t[k])
    return false
  }
  if (localOnly('port')) {
    const port = r.int(t.port, `${key}.port`, 0, 65_535)
    if (port !== undefined) out.port = port
  }
  if (localOnly('persist')) {
    const p = r.string(t.persist, `${key}.persist`)
    if (p !== undefined) {
      const abs = isAbsolute(p) ? p : resolve(r.root, p)
      let isFile = false
      try {
        isFile = !statSync(abs).isDirectory()
      } catch {
        /* missing: edgeware dev creates it */
      }
      if (isFile) r.fail(`${key}.persist`, `expected a directory, but ${abs} is a file`, p)
      else out.persist = abs
    }
  }
  const endpoint = r.string(t.endpoint, `${key}.endpoint`)
  if (endpoint !== undefined) {
    if (local) r.fail(`${key}.endpoint`, 'local = true starts its own DynamoDB; an endpoint is for local = false (a self-run DynamoDB Local or a real table)', endpoint)
    else if (!/^https?:\/\/[^/?#\s]+\/?$/.test(endpoint)) r.fail(`${key}.endpoint`, `expected http(s)://host[:port], got ${show(endpoint)}`, endpoint)
    else out.endpoint = endpoint
  }
  const region = r.string(t.region, `${key}.region`)
  if (region !== undefined && !AWS_REGION.test(region)) r.fail(`${key}.region`, `not an AWS region name: ${show(region)}`, region)
  else if (region !== undefined) out.region = region
  return out
}
