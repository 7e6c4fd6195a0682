/**
 * The viewer side of a request: its headers as functions see them (what the local runtime adds and
 * `X-Edgeware-Viewer-*` overrides taken out), CloudFront's viewer protocol policy and allowed methods (answered before
 * any function runs), and the `CloudFront-*` headers CloudFront adds after viewer-request (reference §8.2, §8.3,
 * §8.5; lambda-edge.md §7).
 */
import { canonicalHeaderKey, isDisallowedHeader } from '../../cloudfront/rules.js'
import type { CfHeaders } from '../../cloudfront/types.js'
import { CLOUDFRONT_HEADERS } from '../../distribution/managed.js'
import { FRONT_HEADER, type FrontInfo } from '../front-wire.js'
import { addHeader, type Ctx, type Failure } from './context.js'
import type { BehaviorPlan } from './plan.js'

/** Headers Miniflare adds on its way in; not the viewer's. */
const RUNTIME_HEADERS = new Set(['cf-connecting-ip', 'cf-ray', 'cf-visitor', 'cf-ipcountry', 'cf-worker', 'x-real-ip', 'mf-original-url', 'mf-disable-pretty-error'])
const OVERRIDE_PREFIX = 'x-edgeware-viewer-'
/** `CloudFront-Viewer-*` headers whose value a request may set with `X-Edgeware-Viewer-<Field>` ([dev.viewer] fields). */
const OVERRIDABLE = new Set([...CLOUDFRONT_HEADERS].filter((h) => h.startsWith('cloudfront-viewer-') && !/-(header-order|header-count|http-version)$/.test(h)))

/** The viewer's request as it arrived. */
export interface ViewerIntake {
  /** In arrival order, each `key` as the viewer cased it (CloudFront-Viewer-Header-Order / -Count). */
  headers: CfHeaders
  /** `cloudfront-viewer-*` values for this request: `[dev.viewer]`, then the request's overrides. */
  viewer: Readonly<Record<string, string>>
  /** The viewer's header names in order, as it sent them (override headers left out). */
  order: readonly string[]
}

/**
 * Reads the viewer's headers, with the names as the viewer cased and ordered them when the front saw the request
 * (workerd hands them over lowercase, sorted); `X-Edgeware-Viewer-<Field>: value` sets a `CloudFront-Viewer-<Field>`
 * value for this request and is removed. An unknown field is the viewer's mistake: a 400 naming the fields there
 * are.
 *
 * @example
 * ```ts
 * const intake = readViewer(ctx, request)
 * if ('status' in intake) return fail(ctx, intake)
 * ```
 */
export function readViewer(ctx: Ctx, request: Request): ViewerIntake | Failure {
  const headers: CfHeaders = {}
  let viewer: Record<string, string> = ctx.cfg.viewer
  const sent = ctx.wire?.names
  const keys = new Map<string, string>()
  if (sent) for (const key of sent) if (!keys.has(key.toLowerCase())) keys.set(key.toLowerCase(), key)
  const arrived: Iterable<[string, string]> = sent ? [...keys.keys()].flatMap((n): [string, string][] => (request.headers.has(n) ? [[n, request.headers.get(n)!]] : [])) : request.headers
  for (const [name, value] of arrived) {
    if (RUNTIME_HEADERS.has(name) || isDisallowedHeader(name) || name === FRONT_HEADER) continue
    // CloudFront removes an HTTP/1.0 viewer's Accept-Encoding (it compresses nothing for it) [COMP].
    if (name === 'accept-encoding' && ctx.wire?.httpVersion === '1.0') continue
    if (name.startsWith(OVERRIDE_PREFIX)) {
      const target = `cloudfront-viewer-${name.slice(OVERRIDE_PREFIX.length)}`
      if (!OVERRIDABLE.has(target)) {
        const known = [...OVERRIDABLE].map((h) => `X-Edgeware-Viewer-${canonicalHeaderKey(h.slice('cloudfront-viewer-'.length))}`).join(', ')
        return { status: 400, code: 'InvalidViewerOverride', message: `${canonicalHeaderKey(name)} names no CloudFront-Viewer-* field the local edge sets (known: ${known}).` }
      }
      // Copied on the first override: the configured values are shared by every request.
      if (viewer === ctx.cfg.viewer) viewer = { ...viewer }
      viewer[target] = value.replace(/[^\x20-\x7e]+/g, (c) => encodeURIComponent(c))
      continue
    }
    addHeader(headers, name, value, keys.get(name))
  }
  const order = sent ? sent.filter((n) => !n.toLowerCase().startsWith(OVERRIDE_PREFIX)) : Object.keys(headers).map(canonicalHeaderKey)
  ctx.viewer = headers
  return { headers, viewer, order }
}

/**
 * CloudFront's answer to a request the front refused: 413 for a URL over 8,192 bytes or a request line and headers
 * over 20,480 bytes (reference §8.4), CloudFront's 403 for a method it doesn't know (the status is SILENT: the one
 * CloudFront gives a method a behavior doesn't allow).
 *
 * @example
 * ```ts
 * if (wire?.refused) return fail(ctx, refusal(wire.refused))
 * ```
 */
export function refusal(r: NonNullable<FrontInfo['refused']>): Failure {
  if (r.why === 'unknown-method') {
    return { status: 403, code: 'InvalidRequestMethod', message: `CloudFront does not support the HTTP request method that was used for this request (${r.method}; it serves GET, HEAD, OPTIONS, PUT, POST, PATCH and DELETE).` }
  }
  if (r.why === 'url-too-long') return { status: 413, code: 'UrlTooLong', message: `The request URL is ${r.urlBytes} bytes; CloudFront's limit is 8,192 bytes.` }
  return { status: 413, code: 'RequestTooLarge', message: "The request line and headers are larger than CloudFront's limit of 20,480 bytes." }
}

/** The scheme, host and path a redirect to HTTPS points at: the same URL on the local HTTPS listener. */
function httpsLocation(ctx: Ctx, url: URL): string {
  const port = ctx.cfg.httpsPort
  return `https://${url.hostname.includes(':') ? `[${url.hostname}]` : url.hostname}${port !== undefined && port !== 443 ? `:${port}` : ''}${url.pathname}${url.search}`
}

/** What the viewer gets instead of its request going on: a redirect to HTTPS, or a refusal. */
export type Gate = { redirect: string; status: 301 | 307 } | { failed: Failure }

/**
 * CloudFront's checks before any function runs: the viewer protocol policy over plain HTTP (§8.2: `https-only` →
 * 403; `redirect-to-https` → 301 for GET/HEAD, 307 for other methods over HTTP/1.1 and later, 403 for them over
 * HTTP/1.0), then the allowed methods (§8.3: the status is SILENT; CloudFront's 403 with `InvalidRequestMethod` is
 * the local choice) and a GET with a body (403 [CUST], [S3O]).
 *
 * @example
 * ```ts
 * const gate = viewerGate(ctx, plan, new URL(request.url), request) // undefined: go on
 * ```
 */
export function viewerGate(ctx: Ctx, plan: BehaviorPlan, url: URL, request: Request): Gate | undefined {
  const policy = plan.b.viewerProtocolPolicy
  if (ctx.proto === 'http' && policy === 'https-only') {
    return { failed: { status: 403, code: 'ViewerProtocolPolicy', message: 'This distribution accepts only HTTPS requests for this path (viewer protocol policy https-only).' } }
  }
  if (ctx.proto === 'http' && policy === 'redirect-to-https') {
    if (ctx.method === 'GET' || ctx.method === 'HEAD') return { redirect: httpsLocation(ctx, url), status: 301 }
    // A 307 keeps the method and body, which clients older than HTTP/1.1 may not do: CloudFront refuses instead.
    if (ctx.wire?.httpVersion === '1.0' || ctx.wire?.httpVersion === '0.9') {
      return { failed: { status: 403, code: 'ViewerProtocolPolicy', message: `This distribution redirects HTTP to HTTPS for this path, which CloudFront does not do for a ${ctx.method} over HTTP/${ctx.wire.httpVersion}.` } }
    }
    return { redirect: httpsLocation(ctx, url), status: 307 }
  }
  if (!plan.allowed.has(ctx.method)) {
    return {
      failed: {
        status: 403,
        code: 'InvalidRequestMethod',
        message: `This distribution is not configured to allow the HTTP request method that was used for this request (${ctx.method}; allowed: ${[...plan.allowed].join(', ')}).`,
      },
    }
  }
  const length = request.headers.get('content-length')
  if (ctx.method === 'GET' && ((length !== null && length !== '0') || request.headers.has('transfer-encoding'))) {
    return { failed: { status: 403, code: 'InvalidRequest', message: 'CloudFront does not accept a GET request with a body.' } }
  }
  return undefined
}

/**
 * `CloudFront-Is-*-Viewer` from the User-Agent: a small, documented classification (several can be true).
 *
 * @example
 * ```ts
 * deviceOf('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)').mobile // true
 * ```
 */
export function deviceOf(ua: string): Record<'android' | 'desktop' | 'ios' | 'mobile' | 'smarttv' | 'tablet', boolean> {
  const ios = /\b(iPhone|iPad|iPod)\b/.test(ua)
  const android = /\bAndroid\b/.test(ua)
  const smarttv = /\b(SmartTV|SMART-TV|Smart-TV|HbbTV|AppleTV|GoogleTV|BRAVIA|NetCast|Web0S|webOS\.TV|Tizen.+TV|Roku|CrKey|AFT[A-Z])/i.test(ua)
  const tablet = /\b(iPad|Tablet|Kindle|Silk|PlayBook)\b/.test(ua) || (android && !/\bMobile\b/.test(ua))
  const mobile = !tablet && /\b(Mobi|Mobile|iPhone|iPod|Windows Phone|BlackBerry|Opera Mini)\b/.test(ua)
  return { android, desktop: !mobile && !tablet && !smarttv, ios, mobile, smarttv, tablet }
}

/** CloudFront's casing of its header names (`CloudFront-Viewer-ASN`, `CloudFront-Is-IOS-Viewer`, …). */
function cloudfrontKey(name: string): string {
  return canonicalHeaderKey(name)
    .replace(/^Cloudfront-/, 'CloudFront-')
    .replace(/-(Asn|Tls|Ja3|Ja4|Ios)(?=-|$)/g, (m) => m.toUpperCase())
    .replace('-Smarttv-', '-SmartTV-')
}

/**
 * The request's headers with the `CloudFront-*` headers the behavior's policies name (added after viewer-request,
 * replacing a value the viewer or the function set; a copy: viewer-response doesn't see them): geo values from
 * `[dev.viewer]` and the request's overrides (absent when not set, as for requests CloudFront can't place), device
 * headers from the User-Agent, the listener's protocol, the viewer's HTTP version, address and port, and its header
 * order and count.
 *
 * @example
 * ```ts
 * const headers = withCloudFrontHeaders(ctx, plan, intake, request.headers)
 * ```
 */
export function withCloudFrontHeaders(ctx: Ctx, plan: BehaviorPlan, intake: ViewerIntake, request: CfHeaders): CfHeaders {
  if (plan.cloudfrontHeaders.length === 0) return request
  const headers = { ...request }
  const device = deviceOf(intake.headers['user-agent']?.[0]?.value ?? '')
  for (const name of plan.cloudfrontHeaders) {
    let value: string | undefined
    const is = /^cloudfront-is-(\w+)-viewer$/.exec(name)
    if (is) value = String(device[is[1] as keyof typeof device])
    else if (name === 'cloudfront-forwarded-proto') value = ctx.proto
    else if (name === 'cloudfront-viewer-http-version') value = ctx.wire?.httpVersion ?? '1.1'
    else if (name === 'cloudfront-viewer-header-order') value = intake.order.join(':').slice(0, 7680)
    else if (name === 'cloudfront-viewer-header-count') value = String(intake.order.length)
    else if (name === 'cloudfront-viewer-address') value = intake.viewer[name] ?? `${ctx.clientIp.includes(':') ? `[${ctx.clientIp}]` : ctx.clientIp}:${ctx.wire?.port ?? 0}`
    else value = intake.viewer[name]
    if (value === undefined) delete headers[name]
    else headers[name] = [{ key: cloudfrontKey(name), value }]
  }
  return headers
}
