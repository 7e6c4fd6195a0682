/**
 * CloudFront's managed policies, with their IDs and settings (reference cloudfront-distribution.md §1.4, §2.3,
 * §3.4). A behavior names one by its name, with or without CloudFront's `Managed-` prefix, or by its ID.
 */
import type { CachePolicy, NameSelection, OriginRequestPolicy, ResponseHeadersPolicy, SecuritySettings } from './model.js'

const NONE: NameSelection = { kind: 'none' }
const ALL: NameSelection = { kind: 'all' }
const list = (...names: string[]): NameSelection => ({ kind: 'list', names })

function cache(id: string, awsId: string, ttl: [number, number, number], rest: Partial<CachePolicy>, prefixed = true): CachePolicy {
  return {
    kind: 'managed',
    id,
    name: prefixed ? `Managed-${id}` : id,
    awsId,
    minTtl: ttl[0],
    defaultTtl: ttl[1],
    maxTtl: ttl[2],
    headers: NONE,
    cookies: NONE,
    queryStrings: NONE,
    gzip: false,
    brotli: false,
    ...rest,
  }
}

/**
 * The managed cache policies [MCP]. Amplify's gzip/brotli split is not stated (both on here); the two
 * `UseOriginCacheControlHeaders*` policies' settings come from third-party tables only (**3P**) [3P-SEED].
 *
 * @example
 * ```ts
 * MANAGED_CACHE_POLICIES.find((p) => p.id === 'CachingOptimized')?.awsId // '658327ea-f89d-4fab-a63d-7e88639e58f6'
 * ```
 */
export const MANAGED_CACHE_POLICIES: readonly CachePolicy[] = [
  cache('Amplify', '2e54312d-136d-493c-8eb9-b001f22f67d2', [2, 2, 600], {
    headers: list('authorization', 'cloudfront-viewer-country', 'host'),
    cookies: ALL,
    queryStrings: ALL,
    gzip: true,
    brotli: true,
  }),
  cache('CachingDisabled', '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', [0, 0, 0], {}),
  cache('CachingOptimized', '658327ea-f89d-4fab-a63d-7e88639e58f6', [1, 86_400, 31_536_000], { gzip: true, brotli: true }),
  cache('CachingOptimizedForUncompressedObjects', 'b2884449-e4de-46a7-ac36-70bc7f1ddd6d', [1, 86_400, 31_536_000], {}),
  cache('Elemental-MediaPackage', '08627262-05a9-4f76-9ded-b50ca2e3a84f', [0, 86_400, 31_536_000], {
    headers: list('origin'),
    queryStrings: list('aws.manifestfilter', 'start', 'end', 'm'),
    gzip: true,
  }),
  cache(
    'UseOriginCacheControlHeaders',
    '83da9c7e-98b4-4e11-a168-04f0df8e2c65',
    [0, 0, 31_536_000],
    { headers: list('host', 'origin', 'x-http-method-override', 'x-http-method', 'x-method-override'), cookies: ALL, gzip: true, brotli: true },
    false,
  ),
  cache(
    'UseOriginCacheControlHeaders-QueryStrings',
    '4cc15a8a-d715-48a4-82b8-cc0b614638fe',
    [0, 0, 31_536_000],
    { headers: list('host', 'origin', 'x-http-method-override', 'x-http-method', 'x-method-override'), cookies: ALL, queryStrings: ALL, gzip: true, brotli: true },
    false,
  ),
]

/**
 * The `CloudFront-*` headers CloudFront generates and a policy may name (reference §2.3, §8.5; lambda-edge.md §7),
 * lowercase.
 *
 * @example
 * ```ts
 * CLOUDFRONT_HEADERS.has('cloudfront-viewer-country') // true
 * ```
 */
export const CLOUDFRONT_HEADERS: ReadonlySet<string> = new Set([
  'cloudfront-forwarded-proto',
  'cloudfront-is-android-viewer',
  'cloudfront-is-desktop-viewer',
  'cloudfront-is-ios-viewer',
  'cloudfront-is-mobile-viewer',
  'cloudfront-is-smarttv-viewer',
  'cloudfront-is-tablet-viewer',
  'cloudfront-viewer-address',
  'cloudfront-viewer-asn',
  'cloudfront-viewer-city',
  'cloudfront-viewer-country',
  'cloudfront-viewer-country-name',
  'cloudfront-viewer-country-region',
  'cloudfront-viewer-country-region-name',
  'cloudfront-viewer-header-count',
  'cloudfront-viewer-header-order',
  'cloudfront-viewer-http-version',
  'cloudfront-viewer-ja3-fingerprint',
  'cloudfront-viewer-ja4-fingerprint',
  'cloudfront-viewer-latitude',
  'cloudfront-viewer-longitude',
  'cloudfront-viewer-metro-code',
  'cloudfront-viewer-postal-code',
  'cloudfront-viewer-time-zone',
  'cloudfront-viewer-tls',
])

/**
 * `CloudFront-*` headers allowed only in an origin request policy, never in a cache key [CFH] (lambda-edge.md §7
 * adds JA4 to the TLS group).
 *
 * @example
 * ```ts
 * ORIGIN_REQUEST_ONLY_HEADERS.has('cloudfront-viewer-address') // true
 * ```
 */
export const ORIGIN_REQUEST_ONLY_HEADERS: ReadonlySet<string> = new Set([
  'cloudfront-viewer-address',
  'cloudfront-viewer-asn',
  'cloudfront-viewer-ja3-fingerprint',
  'cloudfront-viewer-ja4-fingerprint',
  'cloudfront-viewer-tls',
])

function orp(id: string, awsId: string, headers: OriginRequestPolicy['headers'], cookies: NameSelection, queryStrings: NameSelection): OriginRequestPolicy {
  return { kind: 'managed', id, name: `Managed-${id}`, awsId, headers, cookies, queryStrings }
}

/**
 * The managed origin request policies [MORP]. HostHeaderOnly's ID and settings come from third-party tables
 * (**3P**) [3P-SEED], [3P-TF].
 *
 * @example
 * ```ts
 * MANAGED_ORIGIN_REQUEST_POLICIES.find((p) => p.id === 'AllViewerExceptHostHeader')?.headers
 * // { kind: 'allExcept', names: ['host'] }
 * ```
 */
export const MANAGED_ORIGIN_REQUEST_POLICIES: readonly OriginRequestPolicy[] = [
  orp('AllViewer', '216adef6-5c7f-47e4-b989-5492eafa07d3', ALL, ALL, ALL),
  orp(
    'AllViewerAndCloudFrontHeaders-2022-06',
    '33f36d7e-f396-46d9-90e0-52428a34d9dc',
    {
      kind: 'allViewerAndCloudFront',
      names: [
        'cloudfront-forwarded-proto',
        ...['android', 'desktop', 'ios', 'mobile', 'smarttv', 'tablet'].map((d) => `cloudfront-is-${d}-viewer`),
        ...['address', 'asn', 'city', 'country', 'country-name', 'country-region', 'country-region-name', 'http-version', 'latitude', 'longitude', 'metro-code', 'postal-code', 'time-zone', 'tls'].map(
          (f) => `cloudfront-viewer-${f}`,
        ),
      ],
    },
    ALL,
    ALL,
  ),
  orp('AllViewerExceptHostHeader', 'b689b0a8-53d0-40ab-baf2-68738e2966ac', { kind: 'allExcept', names: ['host'] }, ALL, ALL),
  orp('CORS-CustomOrigin', '59781a5b-3903-41f3-afcb-af62929ccde1', list('origin'), NONE, NONE),
  orp('CORS-S3Origin', '88a5eaf4-2fd4-4709-b370-b4c650ea3fcf', list('origin', 'access-control-request-headers', 'access-control-request-method'), NONE, NONE),
  orp(
    'Elemental-MediaTailor-PersonalizedManifests',
    '775133bc-15f2-49f9-abea-afb2e0bf67d2',
    list('origin', 'access-control-request-headers', 'access-control-request-method', 'user-agent', 'x-forwarded-for'),
    NONE,
    ALL,
  ),
  orp('UserAgentRefererHeaders', 'acba4595-bd28-49b8-b9fe-13317c0390fa', list('user-agent', 'referer'), NONE, NONE),
  orp('HostHeaderOnly', 'bf0718e1-ba1e-49d1-88b1-f726733018ae', list('host'), NONE, NONE),
]

/**
 * Query parameters S3 reads as overrides of its response headers, and the managed origin request policies (by
 * their AWS IDs) that don't forward them to S3 origins, though they forward every other query string; custom
 * policies do [MORP-cur].
 *
 * @example
 * ```ts
 * S3_OVERRIDES_WITHHELD.policies.has('216adef6-5c7f-47e4-b989-5492eafa07d3') // true: AllViewer
 * ```
 */
export const S3_OVERRIDES_WITHHELD: { readonly params: readonly string[]; readonly policies: ReadonlySet<string> } = {
  params: ['response-content-type', 'response-content-disposition', 'response-content-encoding'],
  policies: new Set(
    ['AllViewer', 'AllViewerAndCloudFrontHeaders-2022-06', 'AllViewerExceptHostHeader', 'Elemental-MediaTailor-PersonalizedManifests'].map(
      (id) => MANAGED_ORIGIN_REQUEST_POLICIES.find((p) => p.id === id)!.awsId!,
    ),
  ),
}

/** SimpleCORS: `Access-Control-Allow-Origin: *`, the origin's value wins [MRHP]. */
const SIMPLE_CORS = { allowOrigins: ['*'], allowMethods: [], allowHeaders: [], exposeHeaders: [], allowCredentials: false, override: false }
/**
 * CORS-With-Preflight: Allow-Origin on every CORS response; Allow-Methods and Allow-Headers on preflights; the
 * origin's values win [MRHP]. The reference leaves the methods and headers values SILENT: every method (`ALL`)
 * and `*` are this model's choice.
 */
const PREFLIGHT_CORS = { allowOrigins: ['*'], allowMethods: ['ALL'], allowHeaders: ['*'], exposeHeaders: [], allowCredentials: false, override: false }
/**
 * SecurityHeadersPolicy: `X-Content-Type-Options: nosniff` replaces the origin's; the others keep the origin's
 * value [MRHP]. Values as AWS's current managed-policy page lists them (its ja_jp edition was read; the archived
 * English page the reference used shows no values).
 */
const SECURITY: SecuritySettings = {
  referrerPolicy: { value: 'strict-origin-when-cross-origin', override: false },
  hsts: { value: 'max-age=31536000', maxAgeSec: 31_536_000, includeSubdomains: false, preload: false, override: false },
  contentTypeOptions: { value: 'nosniff', override: true },
  frameOptions: { value: 'SAMEORIGIN', override: false },
  xssProtection: { value: '1; mode=block', protection: true, modeBlock: true, override: false },
}

function rhp(id: string, awsId: string, parts: Pick<ResponseHeadersPolicy, 'cors' | 'security'>): ResponseHeadersPolicy {
  return { kind: 'managed', id, name: `Managed-${id}`, awsId, custom: [], remove: [], ...parts }
}

/**
 * The managed response headers policies [MRHP] (note AWS's spelling: `CORS-With-Preflight` but
 * `CORS-with-preflight-and-SecurityHeadersPolicy`).
 *
 * @example
 * ```ts
 * MANAGED_RESPONSE_HEADERS_POLICIES.find((p) => p.id === 'SecurityHeadersPolicy')?.security?.contentTypeOptions
 * // { value: 'nosniff', override: true }
 * ```
 */
export const MANAGED_RESPONSE_HEADERS_POLICIES: readonly ResponseHeadersPolicy[] = [
  rhp('SimpleCORS', '60669652-455b-4ae9-85a4-c4c02393f86c', { cors: SIMPLE_CORS }),
  rhp('CORS-With-Preflight', '5cc3b908-e619-4b99-88e5-2cf7f45965bd', { cors: PREFLIGHT_CORS }),
  rhp('SecurityHeadersPolicy', '67f7725c-6f97-4210-82d7-5512b31e9d03', { security: SECURITY }),
  rhp('CORS-and-SecurityHeadersPolicy', 'e61eb60c-9c35-4d20-a928-2b84e02af89c', { cors: SIMPLE_CORS, security: SECURITY }),
  rhp('CORS-with-preflight-and-SecurityHeadersPolicy', 'eaab4381-ed33-4a86-88ca-d9558dc6cd63', { cors: PREFLIGHT_CORS, security: SECURITY }),
]

/**
 * A managed policy by how a behavior may name it: its name (`CachingOptimized`), its console name
 * (`Managed-CachingOptimized`) or its ID. Returns a copy the caller may keep.
 *
 * @example
 * ```ts
 * findManaged(MANAGED_CACHE_POLICIES, 'Managed-CachingDisabled')?.maxTtl // 0
 * ```
 */
export function findManaged<P extends CachePolicy | OriginRequestPolicy | ResponseHeadersPolicy>(table: readonly P[], ref: string): P | undefined {
  const p = table.find((x) => x.id === ref || x.name === ref || x.awsId === ref)
  return p ? structuredClone(p) : undefined
}
