/**
 * Types of the DynamoDB origin table and of `dynamoOrigin(...)`.
 * The table contract is in DESIGN.md ("DynamoDB origin table"): partition key `host`, sort key `pathPrefix`.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { CfOrigin } from '../cloudfront/types.js'
import type { EdgeResponseInit } from '../core/types.js'

/**
 * Fields every rule has, whatever its origin type.
 *
 * @example
 * ```ts
 * const key: Pick<OriginRuleBase, 'host' | 'pathPrefix'> = { host: '*', pathPrefix: '/' }
 * ```
 */
export interface OriginRuleBase {
  /** Partition key: the viewer's host, lowercase, no port. `*` holds the fallback rules. */
  host: string
  /** Sort key: starts with `/`. `/` matches every path. */
  pathPrefix: string
  /** Headers CloudFront sends to the origin (origin custom headers), name → value. */
  customHeaders?: Record<string, string>
  /** The Host header sent to the origin (default: the origin's `domainName`). */
  hostHeader?: string
}

/**
 * A custom (HTTP) origin. CloudFront's field names; omitted fields get CloudFront's defaults:
 * `protocol` 'https', `port` 443 for https and 80 for http, `path` '', `sslProtocols` ['TLSv1.2'],
 * `readTimeout` 30, `keepaliveTimeout` 5.
 *
 * @example
 * ```ts
 * const rule: CustomOriginRule = { host: 'a.example.com', pathPrefix: '/api', type: 'custom', domainName: 'api.example.net', protocol: 'http', port: 8080 }
 * ```
 */
export interface CustomOriginRule extends OriginRuleBase {
  type: 'custom'
  domainName: string
  protocol?: 'http' | 'https'
  port?: number
  path?: string
  sslProtocols?: string[]
  readTimeout?: number
  keepaliveTimeout?: number
  responseCompletionTimeout?: number
}

/**
 * An S3 origin. `authMethod` defaults to 'none'; `region` defaults to the region in the bucket's domain name
 * (`bucket.s3.eu-west-1.amazonaws.com`), else 'us-east-1'.
 *
 * @example
 * ```ts
 * const rule: S3OriginRule = { host: '*', pathPrefix: '/media', type: 's3', domainName: 'media.s3.eu-west-1.amazonaws.com' }
 * ```
 */
export interface S3OriginRule extends OriginRuleBase {
  type: 's3'
  domainName: string
  path?: string
  region?: string
  authMethod?: 'origin-access-identity' | 'none'
  readTimeout?: number
  responseCompletionTimeout?: number
}

/**
 * One item of the origin table (one routing rule).
 *
 * @example
 * ```ts
 * const rule: OriginRule = { host: 'shop.example.com', pathPrefix: '/', type: 'custom', domainName: 'shop-origin.example.net' }
 * ```
 */
export type OriginRule = CustomOriginRule | S3OriginRule

/**
 * A rule without its table key: what `fallback: { origin }` takes.
 *
 * @example
 * ```ts
 * const target: OriginTarget = { type: 'custom', domainName: 'default.example.net' }
 * ```
 */
export type OriginTarget = Omit<CustomOriginRule, 'host' | 'pathPrefix'> | Omit<S3OriginRule, 'host' | 'pathPrefix'>

/**
 * What happens when no rule matches (or the lookup failed and nothing stale is left, or the matching item is
 * invalid): route to a default origin, keep the cache behavior's origin (`'pass-through'`), or answer with a
 * generated response (e.g. `{ status: 502 }`).
 *
 * @example
 * ```ts
 * const f: OriginFallback = { status: 502, body: 'unknown site' }
 * ```
 */
export type OriginFallback = 'pass-through' | { origin: OriginTarget | CfOrigin; hostHeader?: string } | EdgeResponseInit

/**
 * One replica of a Global Table: a region name, or a region with its own endpoint or client.
 *
 * @example
 * ```ts
 * const replicas: OriginReplica[] = ['us-east-1', { region: 'eu-west-1', endpoint: 'https://dynamodb.eu-west-1.amazonaws.com' }]
 * ```
 */
export type OriginReplica = string | { region: string; endpoint?: string; client?: DynamoDBClient }

/**
 * A log line the middleware emits (invalid items, DynamoDB failures, serving stale).
 *
 * @example
 * ```ts
 * dynamoOrigin({ table: 'edge-origins', log: (e: OriginLogEntry) => console.log(e.level, e.message) })
 * ```
 */
export interface OriginLogEntry {
  level: 'warn' | 'error'
  message: string
  table: string
  host?: string
  pathPrefix?: string
  [key: string]: unknown
}

/**
 * Options of `dynamoOrigin`. Everything is baked into the bundle (Lambda@Edge has no environment variables).
 *
 * @example
 * ```ts
 * dynamoOrigin({ table: 'edge-origins', replicas: ['us-east-1', 'eu-west-1'], ttl: 60, fallback: { status: 502 } })
 * ```
 */
export interface DynamoOriginOptions {
  /** Table name. */
  table: string
  /** Region of the table (default: `AWS_REGION`, else us-east-1). Ignored when `replicas` is given. */
  region?: string
  /**
   * Global Table replicas in order of preference. The one equal to the function's `AWS_REGION` is tried first,
   * then replicas on the same continent, then the rest in the given order. A replica is only skipped on an
   * error (throttling, 5xx, timeout, network, missing table), never on "not found".
   */
  replicas?: OriginReplica[]
  /** Endpoint URL (e.g. a local dynalite). Default `process.env.EDGEWARE_DYNAMODB_ENDPOINT` (baked by the bundler), else AWS. */
  endpoint?: string
  /** A ready client (tests, tuned clients). Takes precedence over `region`/`endpoint`. */
  client?: DynamoDBClient
  /** Seconds a host's rules are fresh (default 60). */
  ttl?: number
  /** Seconds "no rule for this host" is remembered (default 10). */
  negativeTtl?: number
  /**
   * Seconds after `ttl` (or `negativeTtl`) during which the last rules are still served: in the background while
   * they are refreshed (stale-while-revalidate), and when DynamoDB fails or times out (stale-on-error). Default 300.
   */
  staleTtl?: number
  /** Seconds a failed cold lookup sends the host straight to the fallback without calling DynamoDB again (default 1). */
  errorTtl?: number
  /** Overall deadline of one lookup in ms, failover included; also capped by the Lambda's remaining time (default 1000). */
  timeoutMs?: number
  /** What to do without a usable rule (default `'pass-through'`). */
  fallback?: OriginFallback
  /** Most hosts kept in the per-container cache (default 10,000). */
  maxEntries?: number
  /** Where log lines go (default: one JSON line on console.error / console.warn). */
  log?: (entry: OriginLogEntry) => void
}
