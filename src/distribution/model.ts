/**
 * The distribution model: the typed, validated form of `wrangler.toml` that `edgeware dev` and `edgeware build`
 * both read. Every default is filled in, every path is absolute, every reference (origin, group, policy, store) is
 * resolved, and each behavior carries the effective settings CloudFront would apply, so neither consumer derives a
 * CloudFront rule of its own. Names follow CloudFormation's `DistributionConfig` (in camelCase here, snake_case in
 * the TOML).
 */
import type { LimitsProfile } from '../cloudfront/limits.js'
import type { Stage } from '../cloudfront/types.js'

/** A viewer event a CloudFront Function can run on. */
export type FunctionEventType = 'viewer-request' | 'viewer-response'

/**
 * Which names (headers, cookies or query strings) a policy selects: none, all, only the listed ones, or all but
 * the listed ones. Header names are lowercase; cookie and query string names keep the case they were written in.
 */
export type NameSelection =
  | { kind: 'none' }
  | { kind: 'all' }
  | { kind: 'list'; names: string[] }
  | { kind: 'allExcept'; names: string[] }

// ---------------------------------------------------------------------------------------------------------------
// Legacy cache settings

/** Cache settings of a behavior in the legacy form (`cache = { … }`). */
export interface CacheSettings {
  /** Seconds an object stays cached when the origin sends no `Cache-Control` max-age/s-maxage. */
  defaultTtl: number
  /** Lower bound of the TTL (seconds). */
  minTtl: number
  /** Upper bound of the TTL (seconds). */
  maxTtl: number
  /** Lowercase header names in the cache key (and forwarded to the origin). */
  headers: string[]
  /** Cookie names in the cache key (and forwarded), or `'all'`. */
  cookies: string[] | 'all'
  /** Query strings in the cache key (and forwarded): `'all'`, `'none'` or a list of names. */
  queryStrings: 'all' | 'none' | string[]
}

// ---------------------------------------------------------------------------------------------------------------
// Origins

/** One origin custom header CloudFront adds to every request it sends to the origin (`custom_headers`). */
export interface OriginCustomHeader {
  /** Header name as written. */
  name: string
  value: string
}

/** What every kind of origin has. */
interface OriginBase {
  /** The `[[edge.origins]] id` behaviors and groups refer to. */
  id: string
  /** `OriginPath`: `''` or a path starting with `/` that CloudFront puts before every request path. */
  originPath: string
  /** `ConnectionAttempts`, 1–3 (default 3). */
  connectionAttempts: number
  /** `ConnectionTimeout` in seconds, 1–10 (default 10). */
  connectionTimeout: number
  /** `OriginCustomHeaders`, in the order written. */
  customHeaders: OriginCustomHeader[]
  /** `read_timeout`: seconds CloudFront waits for the origin (CloudFront's default 30; range per limits profile). */
  readTimeout?: number
}

/** A custom (HTTP) origin. */
export interface CustomOriginConfig extends OriginBase {
  kind: 'custom'
  /**
   * What `edgeware dev` fetches: `http(s)://host[:port]` followed by {@link originPath}. Given as `url`, or
   * built from `domain`, the protocol policy and the ports when only `domain` is set.
   */
  url: string
  /** The public DNS name `edgeware build` deploys (`domain`); without it the template takes a parameter. */
  domain?: string
  /** `OriginProtocolPolicy` (default: `http-only` for an `http:` url, `https-only` for `https:`). */
  protocolPolicy: 'http-only' | 'match-viewer' | 'https-only'
  /** `HTTPPort` (default: the url's port for an `http:` url, else 80). */
  httpPort: number
  /** `HTTPSPort` (default: the url's port for an `https:` url, else 443). */
  httpsPort: number
  /** `OriginSSLProtocols` (default `["TLSv1.2"]`). */
  sslProtocols: string[]
  /** `keepalive_timeout`: seconds an idle origin connection is kept (CloudFront's default 5; range per profile). */
  keepaliveTimeout?: number
  /**
   * `edgeware dev` starts an embedded example origin on {@link url}: `starter` (`example = true`) is a small site
   * about the distribution it sits behind; `tour` (`example = "tour"`) the guided tour of edgeware's own example
   * distribution (an origin with id `blog` serves its blog).
   */
  example?: 'starter' | 'tour'
}

/**
 * An S3 bucket origin behind origin access control. Locally `dir` is served as the bucket's REST endpoint; the
 * build deploys `bucket` in `region` (its domain is {@link s3DomainName}).
 */
export interface S3OriginConfig extends OriginBase {
  kind: 's3'
  /** Absolute path of the directory served as the bucket locally. */
  dir: string
  /** The bucket name (S3's naming rules). */
  bucket: string
  /** The bucket's AWS region. */
  region: string
}

/** The API in front of a regional Lambda function used as an origin. */
export type LambdaIntegration = 'rest' | 'http' | 'alb' | 'url'

/** A regional Lambda function as an origin, behind API Gateway (REST/HTTP API), an ALB or a function URL. */
export interface LambdaOriginConfig extends OriginBase {
  kind: 'lambda'
  /** Absolute path of the handler's entry file. */
  handler: string
  integration: LambdaIntegration
  /** ALB only: `multiValueHeaders` / `multiValueQueryStringParameters` in events and results (default false). */
  multiValueHeaders: boolean
  /** Function memory in MB (Lambda: 128–10,240; default 128). */
  memoryMb: number
  /** Function timeout in seconds (Lambda: 1–900; default 3). */
  timeoutS: number
  /** The AWS region the function (and the API in front of it) is deployed in (default `[edge] region`). */
  region: string
  /**
   * Function URLs only: `AWS_IAM` (default; CloudFront signs its requests with an origin access control, so only the
   * distribution can call the URL) or `NONE` (a public URL).
   */
  authType: 'AWS_IAM' | 'NONE'
  /** `keepalive_timeout` towards the API in front of the function (range per limits profile). */
  keepaliveTimeout?: number
}

/**
 * An origin of the distribution.
 *
 * @example
 * ```ts
 * const config = await loadConfig('wrangler.toml')
 * for (const o of config.edge.origins) {
 *   if (o.kind === 's3') console.log(o.id, 'bucket', o.bucket)
 *   else if (o.kind === 'lambda') console.log(o.id, 'lambda', o.integration)
 *   else console.log(o.id, 'http', o.url)
 * }
 * ```
 */
export type OriginConfig = CustomOriginConfig | S3OriginConfig | LambdaOriginConfig

/** `[[edge.origin_groups]]`: failover from a primary to a secondary origin. */
export interface OriginGroupConfig {
  id: string
  /** `[primary, secondary]` origin ids. */
  members: [string, string]
  /** Statuses from the primary that fail over (a subset of CloudFront's allowed set). */
  failoverStatusCodes: number[]
}

// ---------------------------------------------------------------------------------------------------------------
// Policies

/** Where a policy comes from: one of CloudFront's managed policies, or an `[[edge.*_policies]]` table. */
interface PolicyBase {
  /** `managed`: CloudFront's own (by name); `custom`: declared in the config. */
  kind: 'managed' | 'custom'
  /** What behaviors name it by: the managed name (e.g. `CachingOptimized`) or the custom `id`. */
  id: string
  /** CloudFront's `Name`: the managed name (`Managed-…` where CloudFront prefixes it) or the custom `name ?? id`. */
  name: string
  /** CloudFront's policy ID for a managed policy (the build refers to it); absent for custom policies. */
  awsId?: string
  /** `Comment` (custom policies, ≤ 128 characters). */
  comment?: string
}

/**
 * A cache policy (`CachePolicyConfig`).
 *
 * @example
 * ```ts
 * const optimized: CachePolicy | undefined = MANAGED_CACHE_POLICIES.find((p) => p.id === 'CachingOptimized')
 * optimized?.defaultTtl // 86400
 * ```
 */
export interface CachePolicy extends PolicyBase {
  minTtl: number
  defaultTtl: number
  maxTtl: number
  /** Headers in the cache key: `none` or a `list` (lowercase). */
  headers: NameSelection
  cookies: NameSelection
  queryStrings: NameSelection
  /** `EnableAcceptEncodingGzip`. */
  gzip: boolean
  /** `EnableAcceptEncodingBrotli`. */
  brotli: boolean
}

/** What an origin request policy forwards of the viewer's headers (`OriginRequestPolicyHeadersConfig`). */
export type OriginRequestHeaders =
  | NameSelection
  /** `allViewerAndWhitelistCloudFront`: every viewer header plus the listed `CloudFront-*` headers. */
  | { kind: 'allViewerAndCloudFront'; names: string[] }

/**
 * An origin request policy (`OriginRequestPolicyConfig`). Values it adds are forwarded, never keyed on.
 *
 * @example
 * ```ts
 * const allViewer: OriginRequestPolicy | undefined = MANAGED_ORIGIN_REQUEST_POLICIES.find((p) => p.id === 'AllViewer')
 * allViewer?.headers // { kind: 'all' }
 * ```
 */
export interface OriginRequestPolicy extends PolicyBase {
  headers: OriginRequestHeaders
  cookies: NameSelection
  queryStrings: NameSelection
}

/** `CorsConfig` of a response headers policy. */
export interface CorsSettings {
  /** `Access-Control-Allow-Origin` candidates: origins or `*` (leftmost-label wildcards allowed). */
  allowOrigins: string[]
  /** `Access-Control-Allow-Methods` (preflight): methods, or `['ALL']`. */
  allowMethods: string[]
  /** `Access-Control-Allow-Headers` (preflight): names or `*`. */
  allowHeaders: string[]
  /** `Access-Control-Expose-Headers`: names or `*`. */
  exposeHeaders: string[]
  allowCredentials: boolean
  /** `Access-Control-Max-Age` (preflight), seconds. */
  maxAgeSec?: number
  /** `OriginOverride`: replace the origin's CORS headers. */
  override: boolean
}

/** One security header of a response headers policy: its value and whether it replaces the origin's. */
export interface SecurityHeader {
  /** The header value CloudFront sends, e.g. `max-age=31536000; includeSubDomains` or `DENY`. */
  value: string
  override: boolean
}

/** `SecurityHeadersConfig` of a response headers policy, each header with its value as sent. */
export interface SecuritySettings {
  /** `Strict-Transport-Security` (value built from max-age, includeSubDomains, preload). */
  hsts?: SecurityHeader & { maxAgeSec: number; includeSubdomains: boolean; preload: boolean }
  /** `X-Content-Type-Options: nosniff`. */
  contentTypeOptions?: SecurityHeader
  /** `X-Frame-Options: DENY | SAMEORIGIN`. */
  frameOptions?: SecurityHeader
  /** `Referrer-Policy`. */
  referrerPolicy?: SecurityHeader
  /** `Content-Security-Policy` (≤ 1,783 characters). */
  csp?: SecurityHeader
  /** `X-XSS-Protection` (value built from protection, mode=block, report=<uri>). */
  xssProtection?: SecurityHeader & { protection: boolean; modeBlock: boolean; reportUri?: string }
}

/**
 * A response headers policy (`ResponseHeadersPolicyConfig`).
 *
 * @example
 * ```ts
 * const security: ResponseHeadersPolicy | undefined = MANAGED_RESPONSE_HEADERS_POLICIES.find((p) => p.id === 'SecurityHeadersPolicy')
 * security?.security?.hsts?.value // 'max-age=31536000'
 * ```
 */
export interface ResponseHeadersPolicy extends PolicyBase {
  cors?: CorsSettings
  security?: SecuritySettings
  /** `CustomHeadersConfig`, in the order written. */
  custom: { name: string; value: string; override: boolean }[]
  /** `RemoveHeadersConfig`: lowercase names removed from the origin's response (before anything is added). */
  remove: string[]
  /** `ServerTimingHeadersConfig`. */
  serverTiming?: { enabled: boolean; samplingRate: number }
}

// ---------------------------------------------------------------------------------------------------------------
// Behaviors

/** The three `AllowedMethods` sets CloudFront accepts. */
export type AllowedMethods = ['GET', 'HEAD'] | ['GET', 'HEAD', 'OPTIONS'] | ['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE']
/** The two `CachedMethods` sets CloudFront accepts. */
export type CachedMethods = ['GET', 'HEAD'] | ['GET', 'HEAD', 'OPTIONS']
/** `ViewerProtocolPolicy`. */
export type ViewerProtocolPolicy = 'allow-all' | 'redirect-to-https' | 'https-only'

/**
 * What CloudFront does for a behavior, resolved from its cache policy + origin request policy, or from the legacy
 * `cache = { … }` (which gives the local edge's behaviour: key and forwarded values equal, no Accept-Encoding
 * normalisation).
 *
 * @example
 * ```ts
 * const config = await loadConfig('wrangler.toml')
 * const { ttl, cacheKey, forward } = config.behaviors[0]!.effective
 * console.log(ttl.default, cacheKey.headers, forward.queryStrings.kind)
 * ```
 */
export interface EffectiveSettings {
  /** TTL bounds and default (seconds). */
  ttl: { min: number; default: number; max: number }
  /** What the cache key holds besides the host and path. */
  cacheKey: {
    /** Lowercase header names (may include `cloudfront-*` headers CloudFront generates). */
    headers: string[]
    cookies: NameSelection
    queryStrings: NameSelection
  }
  /**
   * Accept-Encoding normalisation (reference §1.3): when either flag is set, the normalised `Accept-Encoding`
   * (`br`, `gzip`, `br,gzip`) is in the cache key and always forwarded (`identity` for other values), whatever
   * the policies say about that header.
   */
  acceptEncoding: { gzip: boolean; brotli: boolean }
  /** What reaches the origin: the union of the cache key and the origin request policy (reference §2.2). */
  forward: {
    /** Viewer headers forwarded (lowercase names). */
    headers: NameSelection
    cookies: NameSelection
    queryStrings: NameSelection
    /**
     * The query strings that reach an S3 origin, when they differ from `queryStrings`: the managed AllViewer
     * policies withhold S3's `response-content-*` overrides (reference §2.2).
     */
    s3QueryStrings?: NameSelection
  }
  /** `cloudfront-*` headers CloudFront generates for this behavior (named in the key or the origin request policy). */
  cloudfrontHeaders: string[]
  /**
   * Whether CloudFront compresses eligible responses here (reference §6.1, conditions 1, 2 and 4): `compress`,
   * a gzip/brotli flag, caching not disabled (max TTL > 0), and `Accept-Encoding` not listed as a key header.
   */
  compress: boolean
}

/**
 * One cache behavior, in CloudFront precedence order.
 *
 * @example
 * ```ts
 * const config = await loadConfig('wrangler.toml')
 * const behaviors: BehaviorConfig[] = config.behaviors // precedence order, the default last
 * for (const b of behaviors) console.log(b.pathPattern, '→', b.originId, Object.keys(b.functions))
 * ```
 */
export interface BehaviorConfig {
  /** CloudFront path pattern (`*`, `?`), `'*'` for the default behavior. */
  pathPattern: string
  isDefault: boolean
  /**
   * The `[[edge.origins]]` id requests go to. For a behavior that targets an origin group this is the group's
   * primary member (see {@link targetGroupId}).
   */
  originId: string
  /** `TargetOriginId` when it names an `[[edge.origin_groups]]` id. */
  targetGroupId?: string
  /** Absolute entry path of the Lambda@Edge function associated with each stage. */
  functions: Partial<Record<Stage, string>>
  /** Absolute entry path of the CloudFront Function associated with each viewer event. */
  cloudfrontFunctions: Partial<Record<FunctionEventType, string>>
  /** Stages with IncludeBody (viewer-request / origin-request only). */
  includeBody: Stage[]
  /**
   * The legacy cache settings: the `cache = { … }` table, or the cache policy's TTLs and key in that form (an
   * `all_except` list widens to all), as the build writes them today. The local edge applies {@link effective}.
   */
  cache: CacheSettings
  /** The cache policy, when the behavior names one (`cache_policy`). */
  cachePolicy?: CachePolicy
  /** The origin request policy (`origin_request_policy`; needs a cache policy). */
  originRequestPolicy?: OriginRequestPolicy
  /** The response headers policy (`response_headers_policy`). */
  responseHeadersPolicy?: ResponseHeadersPolicy
  effective: EffectiveSettings
  /** Default: all seven methods (`GET, HEAD, OPTIONS` for a behavior targeting an origin group). */
  allowedMethods: AllowedMethods
  /** Default `GET, HEAD`. */
  cachedMethods: CachedMethods
  /** Default `redirect-to-https`. */
  viewerProtocolPolicy: ViewerProtocolPolicy
  /** `Compress` (default true). */
  compress: boolean
}

// ---------------------------------------------------------------------------------------------------------------
// Functions, stores, error pages

/** One Lambda@Edge function (one entry file), possibly associated with several behaviors / stages. */
export interface FunctionConfig {
  /** `edge-functions/site/viewer-request.ts` → `site-viewer-request`. */
  name: string
  /** Absolute entry path. */
  entry: string
  stages: Stage[]
  /** Path patterns of the behaviors that use it (`'*'` for the default). */
  behaviors: string[]
  /** `[edge.functions.<name>] memory` (MB). */
  memoryMb?: number
  /** `[edge.functions.<name>] timeout` (seconds). */
  timeoutS?: number
}

/** A CloudFront Function runtime. */
export type CloudFrontFunctionRuntime = 'cloudfront-js-1.0' | 'cloudfront-js-2.0'

/** One CloudFront Function (one file), named by its file stem, associated with viewer events of behaviors. */
export interface CloudFrontFunctionConfig {
  /** The file stem: `edge-functions/cff/router.js` → `router`; `[edge.cloudfront_functions.<name>]` settings. */
  name: string
  /** Absolute path of the file. */
  entry: string
  /** Default `cloudfront-js-2.0`. */
  runtime: CloudFrontFunctionRuntime
  /** The `[[edge.key_value_stores]]` id it reads (2.0 only, at most one). */
  keyValueStore?: string
  /** `FunctionConfig.Comment` (≤ 128 characters). */
  comment?: string
  eventTypes: FunctionEventType[]
  /** Path patterns of the behaviors that use it. */
  behaviors: string[]
}

/** `[[edge.key_value_stores]]`: a CloudFront KeyValueStore, its local data in CloudFront's import format. */
export interface KeyValueStoreConfig {
  id: string
  /** Absolute path of the `{"data":[{"key":"…","value":"…"}]}` file. */
  data: string
}

/** `[[edge.custom_error_responses]]` (`CustomErrorResponse`). */
export interface CustomErrorResponseConfig {
  /** The status from the origin (or CloudFront) this replaces. */
  errorCode: number
  /** The page served instead (fetched through the behavior matching this path). */
  responsePagePath?: string
  /** The status the viewer gets with the page. */
  responseCode?: number
  /** Seconds the error is cached (default 10; CloudFront never caches a 416). */
  errorCachingMinTtl: number
}

// ---------------------------------------------------------------------------------------------------------------
// Local settings

/**
 * What CloudFront knows about the viewer locally (`[dev.viewer]`): the values of the `CloudFront-Viewer-*` headers
 * when a policy asks for them. Device headers come from the User-Agent.
 */
export interface ViewerInfo {
  /** ISO 3166-1 alpha-2, e.g. `US`. */
  country?: string
  countryName?: string
  /** ISO 3166-2 subdivision code (≤ 3 characters), e.g. `WA`. */
  countryRegion?: string
  countryRegionName?: string
  city?: string
  postalCode?: string
  /** IANA time zone, e.g. `America/Los_Angeles`. */
  timeZone?: string
  /** Decimal degrees as text, e.g. `47.6062`. */
  latitude?: string
  longitude?: string
  /** US metro code (digits). */
  metroCode?: string
  /** Autonomous system number (digits). */
  asn?: string
  /** `ip:port` of the viewer (default: the real client address and port). */
  address?: string
  /** `version:cipher:handshake`. */
  tls?: string
  /** JA3 fingerprint (32 hex digits). */
  ja3Fingerprint?: string
  /** JA4 fingerprint. */
  ja4Fingerprint?: string
}

/** `[edge.dynamodb]`: the DynamoDB origin table and, locally, where it lives. */
export interface DynamoDbConfig {
  /** `edgeware dev` starts an in-process local DynamoDB (dynalite). */
  local: boolean
  table: string
  /** Absolute path of a seed file loaded into the local table. */
  seed?: string
  /** Absolute directory where the local table is kept between runs (in memory without it). */
  persist?: string
  /** Port of the local DynamoDB (any free port without it). */
  port?: number
  /** A DynamoDB endpoint to use instead (`local = false`): a self-run DynamoDB Local or a real table. */
  endpoint?: string
  /** Region of the table (the edge region without it). */
  region?: string
}

/**
 * A parsed, validated `wrangler.toml` (after the `[env.<name>]` overlay, if any). Paths are absolute.
 *
 * @example
 * ```ts
 * const config: EdgeConfig = await loadConfig('wrangler.toml', { env: 'production' })
 * console.log(config.name, config.edge.runtime, config.behaviors.length, 'behaviors')
 * ```
 */
export interface EdgeConfig {
  /** Absolute path of the config file (or a label for in-memory configs). */
  path: string
  /** Directory paths in the config are relative to. */
  root: string
  /** The environment the config was loaded for (`--env`), if any. */
  env?: string
  /** `name` (`<name>-<env>` under an environment that doesn't set its own, as wrangler does). */
  name: string
  compatibilityDate?: string
  /** `[vars]`, baked into every bundle. */
  vars: Record<string, string | number | boolean>
  dev: {
    port: number
    /** Address `edgeware dev` listens on (default `127.0.0.1`). */
    ip: string
    /** Serve HTTPS locally (a self-signed certificate) beside HTTP. */
    https: boolean
    /** The HTTPS listener's port (default 8443; 0 = any free port). */
    httpsPort: number
    /**
     * Where a response headers policy applies relative to a viewer-response function (the reference is SILENT;
     * default `before-viewer-response`: the function sees the policy's headers).
     */
    responseHeadersPolicyOrder: 'before-viewer-response' | 'after-viewer-response'
    viewer: ViewerInfo
  }
  edge: {
    runtime: string
    limitsName: 'classic' | 'current'
    limits: LimitsProfile
    region: string
    origins: OriginConfig[]
    originGroups: OriginGroupConfig[]
    /** Every policy a behavior uses, plus every custom one declared, by id. */
    cachePolicies: CachePolicy[]
    originRequestPolicies: OriginRequestPolicy[]
    responseHeadersPolicies: ResponseHeadersPolicy[]
    customErrorResponses: CustomErrorResponseConfig[]
    /** `DefaultRootObject` (no leading `/`). */
    defaultRootObject?: string
    keyValueStores: KeyValueStoreConfig[]
    dynamodb?: DynamoDbConfig
  }
  /** Precedence order, the default behavior last. */
  behaviors: BehaviorConfig[]
  /** Lambda@Edge functions. */
  functions: FunctionConfig[]
  cloudfrontFunctions: CloudFrontFunctionConfig[]
  /**
   * The dotted keys the file sets (leaves; arrays of tables by index), after the environment overlay. Used to
   * report keys a tool doesn't apply yet ({@link notYetApplied}).
   */
  givenKeys: string[]
  /** Things that are valid but probably not what was meant, one line each (e.g. a 416 error TTL CloudFront ignores). */
  warnings: string[]
}
