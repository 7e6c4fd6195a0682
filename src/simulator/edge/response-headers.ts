/**
 * A response headers policy applied to a response on its way to the viewer (reference §3): headers removed first,
 * then security, CORS and custom headers added (each kept or replaced by its `override`), then Server-Timing. The
 * cached object is never changed: the policy works on a copy, for hits and misses alike.
 */
import type { CfHeader, CfHeaders } from '../../cloudfront/types.js'
import type { CorsSettings, ResponseHeadersPolicy } from '../../distribution/model.js'

/** One header the policy adds. */
interface PolicyHeader {
  name: string
  entry: CfHeader
  override: boolean
}

/** A policy, ready to apply. */
export interface CompiledPolicy {
  remove: readonly string[]
  /** Security headers, then custom headers, in the policy's order. */
  adds: readonly PolicyHeader[]
  cors?: CompiledCors
  /** Server-Timing sampling rate (percent), when enabled. */
  serverTimingRate?: number
}

interface CompiledCors {
  /** The `Access-Control-Allow-Origin` value for a request's `Origin`, or undefined when it isn't allowed. */
  allowOrigin: (origin: string) => string | undefined
  credentials: boolean
  expose?: string
  methods: string
  headers: string
  maxAge?: string
  override: boolean
}

/** What `ALL` stands for in `AccessControlAllowMethods` [RHP]. */
const ALL_METHODS = 'GET, DELETE, HEAD, OPTIONS, PATCH, POST, PUT'

const SECURITY_NAMES = {
  hsts: 'Strict-Transport-Security',
  contentTypeOptions: 'X-Content-Type-Options',
  frameOptions: 'X-Frame-Options',
  referrerPolicy: 'Referrer-Policy',
  csp: 'Content-Security-Policy',
  xssProtection: 'X-XSS-Protection',
} as const

/**
 * An allowed origin as a test: `*`, an exact origin, or a `*` leftmost label matching one or more labels (the
 * reference is SILENT on depth; `https://*.example.org` allows `https://a.example.org` and `https://a.b.example.org`).
 */
function originMatcher(allowed: readonly string[]): (origin: string) => string | undefined {
  if (allowed.includes('*')) return () => '*'
  const exact = new Set(allowed.filter((o) => !o.includes('*')).map((o) => o.toLowerCase()))
  const wild = allowed
    .filter((o) => o.includes('*'))
    .map((o) => new RegExp(`^${o.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace('*', '[^./:]+(?:\\.[^./:]+)*')}$`))
  return (origin) => {
    const o = origin.toLowerCase()
    return exact.has(o) || wild.some((re) => re.test(o)) ? origin : undefined
  }
}

function compileCors(c: CorsSettings): CompiledCors {
  return {
    allowOrigin: originMatcher(c.allowOrigins),
    credentials: c.allowCredentials,
    ...(c.exposeHeaders.length ? { expose: c.exposeHeaders.join(', ') } : {}),
    methods: c.allowMethods.includes('ALL') ? ALL_METHODS : c.allowMethods.join(', '),
    headers: c.allowHeaders.join(', '),
    ...(c.maxAgeSec !== undefined ? { maxAge: String(c.maxAgeSec) } : {}),
    override: c.override,
  }
}

/**
 * Precomputes a policy's headers.
 *
 * @example
 * ```ts
 * const p = compilePolicy(findManaged(MANAGED_RESPONSE_HEADERS_POLICIES, 'SecurityHeadersPolicy')!)
 * ```
 */
export function compilePolicy(p: ResponseHeadersPolicy): CompiledPolicy {
  const adds: PolicyHeader[] = []
  for (const [field, key] of Object.entries(SECURITY_NAMES) as [keyof typeof SECURITY_NAMES, string][]) {
    const h = p.security?.[field]
    if (h) adds.push({ name: key.toLowerCase(), entry: { key, value: h.value }, override: h.override })
  }
  for (const c of p.custom) adds.push({ name: c.name.toLowerCase(), entry: { key: c.name, value: c.value }, override: c.override })
  return {
    remove: p.remove,
    adds,
    ...(p.cors ? { cors: compileCors(p.cors) } : {}),
    ...(p.serverTiming?.enabled ? { serverTimingRate: p.serverTiming.samplingRate } : {}),
  }
}

/** How the response came to be, for Server-Timing. */
export interface Timing {
  hit: boolean
  /** An expired object the origin said is still current (304): `cdn-cache-refresh` [RHP]. */
  refresh?: boolean
  pop: string
  requestId: string
  /** Time to the origin's answer (misses). */
  originMs?: number
  totalMs: number
}

function set(out: CfHeaders, name: string, key: string, value: string, override: boolean): void {
  if (override || out[name] === undefined) out[name] = [{ key, value }]
}

function applyCors(c: CompiledCors, out: CfHeaders, req: { method: string; headers: CfHeaders }): void {
  // CORS headers go only to CORS requests (with Origin); preflight-only ones only to preflights [RHP], [MRHP].
  const origin = req.headers['origin']?.[0]?.value
  if (origin === undefined) return
  const allow = c.allowOrigin(origin)
  if (allow === undefined) return
  set(out, 'access-control-allow-origin', 'Access-Control-Allow-Origin', allow, c.override)
  if (c.credentials) set(out, 'access-control-allow-credentials', 'Access-Control-Allow-Credentials', 'true', c.override)
  const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined
  if (!preflight) {
    if (c.expose !== undefined) set(out, 'access-control-expose-headers', 'Access-Control-Expose-Headers', c.expose, c.override)
    return
  }
  if (c.methods) set(out, 'access-control-allow-methods', 'Access-Control-Allow-Methods', c.methods, c.override)
  if (c.headers) set(out, 'access-control-allow-headers', 'Access-Control-Allow-Headers', c.headers, c.override)
  if (c.maxAge !== undefined) set(out, 'access-control-max-age', 'Access-Control-Max-Age', c.maxAge, c.override)
}

/** `name;value` metrics CloudFront adds [RHP]; on a miss after the origin's own Server-Timing, on a hit alone. */
function serverTiming(t: Timing, origin: string | undefined): string {
  const common = `cdn-pop;desc="${t.pop}",cdn-rid;desc="${t.requestId}"`
  const metrics = t.hit
    ? `cdn-cache-hit,${common},cdn-hit-layer;desc="EDGE",cdn-downstream-fbl;dur=${Math.round(t.totalMs)}`
    : `cdn-upstream-layer;desc="EDGE",cdn-upstream-dns;dur=0,cdn-upstream-fbl;dur=${Math.round(t.originMs ?? 0)},${t.refresh ? 'cdn-cache-refresh' : 'cdn-cache-miss'},${common},cdn-downstream-fbl;dur=${Math.round(t.totalMs)}`
  return origin === undefined || t.hit ? metrics : `${origin},${metrics}`
}

/**
 * The response headers after the policy: a new map (the given one, e.g. a cached object's, is left as it is).
 *
 * @example
 * ```ts
 * const out = applyPolicy(policy, res.headers, { method: 'GET', headers: viewerHeaders }, timing)
 * ```
 */
export function applyPolicy(p: CompiledPolicy, headers: CfHeaders, req: { method: string; headers: CfHeaders }, t: Timing, random = Math.random): CfHeaders {
  const out: CfHeaders = { ...headers }
  for (const name of p.remove) delete out[name]
  // [RHP]: Server and Date removed by a policy are replaced by CloudFront's own.
  if (headers['server'] !== undefined && out['server'] === undefined) out['server'] = [{ key: 'Server', value: 'CloudFront' }]
  if (headers['date'] !== undefined && out['date'] === undefined) out['date'] = [{ key: 'Date', value: new Date().toUTCString() }]
  for (const a of p.adds) if (a.override || out[a.name] === undefined) out[a.name] = [a.entry]
  if (p.cors) applyCors(p.cors, out, req)
  if (p.serverTimingRate !== undefined) {
    // [RHP]: sampled at the policy's rate; a request with `Pragma: server-timing` always gets it.
    const asked = req.headers['pragma']?.some((e) => /(^|,)\s*server-timing\s*(,|$)/i.test(e.value)) ?? false
    if (asked || random() * 100 < p.serverTimingRate) {
      out['server-timing'] = [{ key: 'Server-Timing', value: serverTiming(t, headers['server-timing']?.map((e) => e.value).join(',')) }]
    }
  }
  return out
}
