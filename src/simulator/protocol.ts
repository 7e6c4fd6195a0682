/**
 * The messages between the workerd edge (edge-worker.ts) and the Node host (host.ts). Internal.
 */
import type { CfHeaders, CfRequest, CfResponse, CfResultResponse, Stage } from '../cloudfront/types.js'
import type { CacheSettings } from './config.js'

/** A custom origin, as CloudFront puts it in the origin-request event. */
export interface OriginSpec {
  id: string
  protocol: 'http' | 'https'
  domainName: string
  port: number
  path: string
  readTimeout: number
  keepaliveTimeout: number
}

/** One behavior as the edge sees it (functions by name). */
export interface EdgeBehavior {
  pathPattern: string
  origin: OriginSpec
  functions: Partial<Record<Stage, string>>
  includeBody: Stage[]
  cache: CacheSettings
}

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
  maxUrlChars: number
  /** Cache size bound in bytes (bodies + headers, approximate). */
  maxCacheBytes: number
  /** Most containers per function (the edge calls them directly, one invocation each at a time). */
  containers: Record<string, number>
  /** Each function's timeout (ms): a call a container hasn't answered well after it is reported to the host. */
  timeouts: Record<string, number>
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

/** Metadata of an origin response (the body travels as the binding response body). */
export type OriginReply =
  | { ok: true; status: number; statusDescription: string; headers: CfHeaders; ms: number }
  | { ok: false; status: 502 | 504; code: string; message: string; ms: number }

/** What the host needs to fetch the origin. */
export interface OriginCall {
  requestId: string
  method: string
  url: string
  headers: CfHeaders
  readTimeout: number
  keepaliveTimeout: number
  /** The request's origin is an S3 origin (its DNS failure has another name). */
  s3?: true
}

/** One stage in a request's log line. */
export interface StageLog {
  stage: Stage
  fn: string
  ms: number
  cold: boolean
  outcome: 'request' | 'response' | 'generated' | 'error'
}

/** One request, as logged. */
export interface LogRecord {
  requestId: string
  method: string
  path: string
  status: number
  cache: 'Hit' | 'Miss' | 'LambdaGeneratedResponse' | 'Error'
  stages: StageLog[]
  originMs?: number
  /** Why it failed: CloudFront's code and text; for a function's failure, the stage, the function and the `detail`. */
  error?: { code: string; message: string; stage?: Stage; fn?: string; detail?: string }
  totalMs: number
}
