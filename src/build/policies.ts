/**
 * The CloudFormation form of the distribution model's custom policies (reference cloudfront-distribution.md
 * §11.1–§11.3): `AWS::CloudFront::CachePolicy`, `OriginRequestPolicy` and `ResponseHeadersPolicy`. CloudFormation
 * takes plain arrays for name lists, `{ Items }` inside a response headers policy.
 */
import { canonicalHeaderKey } from '../cloudfront/rules.js'
import type { CachePolicy, NameSelection, OriginRequestPolicy, ResponseHeadersPolicy, SecuritySettings } from '../distribution/model.js'
import type { Json } from './template.js'

/** `CloudFront-*` name parts CloudFront spells in capitals (its header list [CFH]). */
const CLOUDFRONT_WORDS: Record<string, string> = { cloudfront: 'CloudFront', ios: 'IOS', smarttv: 'SmartTV', asn: 'ASN', tls: 'TLS', ja3: 'JA3', ja4: 'JA4' }

/**
 * A lowercase header name as CloudFront writes it: `accept-language` → `Accept-Language`,
 * `cloudfront-viewer-asn` → `CloudFront-Viewer-ASN`. Header names are case-insensitive; this is for people
 * reading the template or the console.
 *
 * @example
 * ```ts
 * headerName('cloudfront-is-smarttv-viewer') // 'CloudFront-Is-SmartTV-Viewer'
 * ```
 */
export function headerName(lower: string): string {
  if (!lower.startsWith('cloudfront-')) return canonicalHeaderKey(lower)
  return lower
    .split('-')
    .map((w) => CLOUDFRONT_WORDS[w] ?? canonicalHeaderKey(w))
    .join('-')
}

/** `{ <Kind>Behavior, <Kind>s? }` of one selection, the names mapped by `name`. */
function selection(kind: 'Header' | 'Cookie' | 'QueryString', s: NameSelection, name: (n: string) => string = (n) => n): Record<string, Json> {
  const behavior = { none: 'none', all: 'all', list: 'whitelist', allExcept: 'allExcept' }[s.kind]
  const out: Record<string, Json> = { [`${kind}Behavior`]: behavior }
  if (s.kind === 'list' || s.kind === 'allExcept') out[`${kind}s`] = s.names.map(name)
  return out
}

/**
 * `CachePolicyConfig` of a custom cache policy, under its deployed `name`.
 *
 * @example
 * ```ts
 * cachePolicyConfig(policy, 'my-site-by-language').ParametersInCacheKeyAndForwardedToOrigin
 * // { EnableAcceptEncodingGzip: true, …, HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Accept-Language'] }, … }
 * ```
 */
export function cachePolicyConfig(p: CachePolicy, name: string): Record<string, Json> {
  return {
    Name: name,
    ...(p.comment !== undefined ? { Comment: p.comment } : {}),
    MinTTL: p.minTtl,
    DefaultTTL: p.defaultTtl,
    MaxTTL: p.maxTtl,
    ParametersInCacheKeyAndForwardedToOrigin: {
      EnableAcceptEncodingGzip: p.gzip,
      EnableAcceptEncodingBrotli: p.brotli,
      HeadersConfig: selection('Header', p.headers, headerName),
      CookiesConfig: selection('Cookie', p.cookies),
      QueryStringsConfig: selection('QueryString', p.queryStrings),
    },
  }
}

/**
 * `OriginRequestPolicyConfig` of a custom origin request policy, under its deployed `name`.
 *
 * @example
 * ```ts
 * originRequestPolicyConfig(policy, 'my-site-viewer-country').HeadersConfig
 * // { HeaderBehavior: 'whitelist', Headers: ['CloudFront-Viewer-Country'] }
 * ```
 */
export function originRequestPolicyConfig(p: OriginRequestPolicy, name: string): Record<string, Json> {
  const headers: Record<string, Json> =
    p.headers.kind === 'allViewerAndCloudFront'
      ? { HeaderBehavior: 'allViewerAndWhitelistCloudFront', Headers: p.headers.names.map(headerName) }
      : p.headers.kind === 'all'
        ? { HeaderBehavior: 'allViewer' }
        : selection('Header', p.headers, headerName)
  return {
    Name: name,
    ...(p.comment !== undefined ? { Comment: p.comment } : {}),
    HeadersConfig: headers,
    CookiesConfig: selection('Cookie', p.cookies),
    QueryStringsConfig: selection('QueryString', p.queryStrings),
  }
}

function securityConfig(s: SecuritySettings): Record<string, Json> {
  const out: Record<string, Json> = {}
  if (s.csp) out.ContentSecurityPolicy = { ContentSecurityPolicy: s.csp.value, Override: s.csp.override }
  if (s.contentTypeOptions) out.ContentTypeOptions = { Override: s.contentTypeOptions.override }
  if (s.frameOptions) out.FrameOptions = { FrameOption: s.frameOptions.value, Override: s.frameOptions.override }
  if (s.referrerPolicy) out.ReferrerPolicy = { ReferrerPolicy: s.referrerPolicy.value, Override: s.referrerPolicy.override }
  if (s.hsts) {
    const h = s.hsts
    out.StrictTransportSecurity = { AccessControlMaxAgeSec: h.maxAgeSec, IncludeSubdomains: h.includeSubdomains, Preload: h.preload, Override: h.override }
  }
  if (s.xssProtection) {
    const x = s.xssProtection
    out.XSSProtection = { Protection: x.protection, ModeBlock: x.modeBlock, ...(x.reportUri !== undefined ? { ReportUri: x.reportUri } : {}), Override: x.override }
  }
  return out
}

/**
 * `ResponseHeadersPolicyConfig` of a custom response headers policy, under its deployed `name`: only the parts the
 * policy has (an empty expose-headers list is left out).
 *
 * @example
 * ```ts
 * responseHeadersPolicyConfig(policy, 'my-site-site-headers').RemoveHeadersConfig // { Items: [{ Header: 'Server' }] }
 * ```
 */
export function responseHeadersPolicyConfig(p: ResponseHeadersPolicy, name: string): Record<string, Json> {
  const out: Record<string, Json> = { Name: name }
  if (p.comment !== undefined) out.Comment = p.comment
  if (p.cors) {
    const c = p.cors
    out.CorsConfig = {
      AccessControlAllowCredentials: c.allowCredentials,
      AccessControlAllowHeaders: { Items: [...c.allowHeaders] },
      AccessControlAllowMethods: { Items: [...c.allowMethods] },
      AccessControlAllowOrigins: { Items: [...c.allowOrigins] },
      ...(c.exposeHeaders.length ? { AccessControlExposeHeaders: { Items: [...c.exposeHeaders] } } : {}),
      ...(c.maxAgeSec !== undefined ? { AccessControlMaxAgeSec: c.maxAgeSec } : {}),
      OriginOverride: c.override,
    }
  }
  if (p.security && Object.keys(p.security).length) out.SecurityHeadersConfig = securityConfig(p.security)
  if (p.custom.length) out.CustomHeadersConfig = { Items: p.custom.map((h) => ({ Header: h.name, Value: h.value, Override: h.override })) }
  if (p.remove.length) out.RemoveHeadersConfig = { Items: p.remove.map((h) => ({ Header: headerName(h) })) }
  if (p.serverTiming) out.ServerTimingHeadersConfig = { Enabled: p.serverTiming.enabled, SamplingRate: p.serverTiming.samplingRate }
  return out
}
