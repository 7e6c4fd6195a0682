/**
 * The messages between the workerd edge (edge-worker.ts, edge/) and the Node host (host.ts), and the edge's
 * configuration: the distribution model resolved for one local run (edge-config.ts builds it). Internal.
 */
import type { CfHeaders, CfRequest, CfResponse, CfResultResponse, Stage } from '../cloudfront/types.js'
import type { CustomErrorResponseConfig, EffectiveSettings, FunctionEventType, ResponseHeadersPolicy, ViewerProtocolPolicy } from '../distribution/model.js'

/** What every origin kind carries to the edge. */
interface EdgeOriginBase {
  /** The `[[edge.origins]] id`. */
  id: string
  /** `OriginPath` (`''` or `/…`). */
  path: string
  /** Origin custom headers, as CloudFront puts them in `origin.*.customHeaders`. */
  customHeaders: CfHeaders
  /** `ConnectionAttempts` (1–3). */
  connectionAttempts: number
  /** `ConnectionTimeout`, seconds (1–10). */
  connectionTimeout: number
}

/**
 * A custom origin, as the origin-request event shows it (`domainName` and ports are what dev fetches). A Lambda
 * origin is one too: its API's domain (the host runs the function for requests to it), HTTPS on 443.
 */
export interface EdgeCustomOrigin extends EdgeOriginBase {
  kind: 'custom'
  domainName: string
  /** The Host header sent instead of the domain (a CloudFront Function's `updateRequestOrigin({ hostHeader })`). */
  hostHeader?: string
  protocolPolicy: 'http-only' | 'match-viewer' | 'https-only'
  httpPort: number
  httpsPort: number
  readTimeout: number
  keepaliveTimeout: number
  sslProtocols: string[]
}

/** An S3 bucket origin (REST endpoint behind origin access control); the host serves its local directory. */
export interface EdgeS3Origin extends EdgeOriginBase {
  kind: 's3'
  /** `<bucket>.s3.<region>.amazonaws.com` */
  domainName: string
  region: string
  /** Seconds (only with the `current` limits profile; S3 REST origins have none otherwise). */
  readTimeout?: number
}

/** An origin a behavior may send requests to. */
export type EdgeOrigin = EdgeCustomOrigin | EdgeS3Origin

/** One behavior as the edge sees it (functions by name). */
export interface EdgeBehavior {
  pathPattern: string
  /** `[primary]`, or `[primary, secondary]` for an origin group. */
  origins: EdgeOrigin[]
  /** Statuses from the primary that fail over (origin groups). */
  failoverStatusCodes: number[]
  functions: Partial<Record<Stage, string>>
  /** CloudFront Functions by viewer event (names). */
  cloudfrontFunctions: Partial<Record<FunctionEventType, string>>
  includeBody: Stage[]
  /** The legacy `cache = { … }` form (else a cache policy, with an origin request policy or not). */
  legacy: boolean
  /** The cache key, TTLs and what reaches the origin (distribution model). */
  effective: EffectiveSettings
  responseHeadersPolicy?: ResponseHeadersPolicy
  allowedMethods: readonly string[]
  cachedMethods: readonly string[]
  /** As the local edge applies it (see edge-config.ts). */
  viewerProtocolPolicy: ViewerProtocolPolicy
}

/** Where the response headers policy applies relative to a viewer-response function (reference §3.3: SILENT). */
export type PolicyOrder = 'before-viewer-response' | 'after-viewer-response'

/** The edge's configuration (a JSON binding). */
export interface EdgeWorkerConfig {
  behaviors: EdgeBehavior[]
  distributionDomainName: string
  distributionId: string
  /** `<id>.cloudfront.net` used in `Via`. */
  viaHost: string
  /** `X-Amz-Cf-Pop`. */
  pop: string
  includeBodyBytes: { 'viewer-request': number; 'origin-request': number }
  /** Cache size bound in bytes (bodies + headers, approximate). */
  maxCacheBytes: number
  /** `DefaultRootObject` (no leading `/`). */
  defaultRootObject?: string
  customErrorResponses: CustomErrorResponseConfig[]
  /** `[dev.viewer]` as `cloudfront-viewer-*` header values (lowercase names). */
  viewer: Record<string, string>
  /** The port of the local HTTPS listener (`[dev] https`), for redirects to HTTPS. */
  httpsPort?: number
  responseHeadersPolicyOrder: PolicyOrder
  /** Most containers per function (the edge calls them directly, one invocation each at a time). */
  containers: Record<string, number>
  /** Each function's timeout (ms): a call a container hasn't answered well after it is reported to the host. */
  timeouts: Record<string, number>
  /** Log records carry the access log's fields (`edgeware dev --log-file`). */
  accessLog: boolean
}

/** What the host answers to an invoke. */
export type InvokeReply =
  | { ok: true; ms: number; cold: boolean; result: CfRequest | CfResultResponse | CfResponse }
  | {
      ok: false
      status: 502 | 503
      code: string
      /** CloudFront's text for the viewer (the error page). */
      message: string
      /** What went wrong, in one line for the developer (the error and the user's source line, or the rule broken). */
      detail?: string
      ms: number
      cold: boolean
    }

/**
 * The origin a CloudFront Function chose for its request (`selectRequestOriginById`, `createRequestOriginGroup`,
 * `updateRequestOrigin`): the members tried in order and the statuses that fail over (absent: the behavior's).
 */
export interface OriginChoice {
  members: EdgeOrigin[]
  failoverStatusCodes?: number[]
}

/** What the host answers to a CloudFront Function call (the result already in Lambda@Edge's form). */
export type FunctionReply = (
  | { ok: true; request: CfRequest; origins?: OriginChoice; response?: undefined }
  | { ok: true; response: CfResponse; request?: undefined }
  | {
      ok: false
      status: 502 | 503
      /** `FunctionValidationError` or `FunctionExecutionError`. */
      code: string
      /** CloudFront's text for the viewer (the error page). */
      message: string
      /** The rule broken or what was thrown, for the developer. */
      detail: string
    }
) & {
  ms: number
  /** Compute utilization, as TestFunction reports it (% of the compute budget). */
  utilization: number
}

/**
 * CloudFront's 503 for a CloudFront Function that couldn't run at all (no such function, the host gone), `detail`
 * in the log, `message` on the error page.
 *
 * @example
 * ```ts
 * functionFailed('the local edge lost its host').status // 503
 * ```
 */
export const functionFailed = (detail: string, message = detail): FunctionReply => ({ ok: false, status: 503, code: 'FunctionExecutionError', message, detail, ms: 0, utilization: 0 })

/** Metadata of an origin response (the body travels as the binding response body). */
export type OriginReply =
  | { ok: true; status: number; statusDescription: string; headers: CfHeaders; ms: number }
  | { ok: false; status: 502 | 504; code: string; message: string; ms: number }

/** What the host needs to fetch the origin. */
export interface OriginCall {
  requestId: string
  method: string
  /** A custom origin's URL; an S3 origin's `https://<domainName><path><uri>[?query]`. */
  url: string
  headers: CfHeaders
  /** Seconds without a response byte before CloudFront gives up (504). */
  readTimeout: number
  keepaliveTimeout: number
  /** Connection timeout, seconds. */
  connectionTimeout: number
  /** Tries to connect; for GET and HEAD to a custom origin also tries after a read timeout. */
  connectionAttempts: number
  /** The request's origin is an S3 origin: the host serves the bucket's local directory. */
  s3?: true
}

/** One stage in a request's log line. */
export interface StageLog {
  stage: Stage
  fn: string
  ms: number
  cold: boolean
  outcome: 'request' | 'response' | 'generated' | 'error'
  /** A CloudFront Function's compute utilization (% of its budget); absent for Lambda@Edge. */
  utilization?: number
}

/** What the access log needs of a request beyond the console line (only with an access log). */
export interface AccessFields {
  protocol: 'http' | 'https'
  /** `1.1` or `1.0`. */
  httpVersion: string
  clientIp: string
  clientPort: number
  /** Bytes received: the request line and headers, and the body. */
  requestBytes: number
  /** Bytes sent: the status line and headers, and the body. */
  responseBytes: number
  /** The viewer's Referer, User-Agent, Cookie and X-Forwarded-For headers. */
  referer?: string
  userAgent?: string
  cookie?: string
  forwardedFor?: string
  /** `<protocol> <cipher>` of an HTTPS connection. */
  tls?: string
  /** The response's Content-Type and Content-Length, and the range of a 206. */
  contentType?: string
  contentLength?: string
  range?: [number, number]
}

/** One request, as logged. */
export interface LogRecord {
  requestId: string
  method: string
  path: string
  status: number
  cache: 'Hit' | 'RefreshHit' | 'Miss' | 'LambdaGeneratedResponse' | 'FunctionGeneratedResponse' | 'Error' | 'Redirect'
  stages: StageLog[]
  originMs?: number
  /** The origins tried, in order, when a request failed over (`app → app-backup`). */
  failover?: string[]
  /** Why it failed: CloudFront's code and text; for a function's failure, the stage, the function and the `detail`. */
  error?: { code: string; message: string; stage?: Stage; fn?: string; detail?: string }
  totalMs: number
  /** When the request arrived, ms since the epoch. */
  start?: number
  /** The viewer's Host header. */
  host?: string
  /** The behavior's path pattern (`*`: the default behavior). */
  behavior?: string
  /** The origin that answered a miss (an origin group's member), else the one the behavior targets. */
  origin?: string
  /** Present when the edge keeps an access log (`edgeware dev --log-file`) and the request is one CloudFront logs. */
  access?: AccessFields
  /** An invalidation (`edgeware invalidate`), not a viewer's request: its paths and how many objects went. */
  invalidation?: { paths: string[]; count: number }
}
