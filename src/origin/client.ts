/**
 * The DynamoDB side of the origin lookup: an SDK client configured for an edge budget, replica ordering, and one
 * Query per host with a hard deadline and failover between replicas.
 *
 * Only `DynamoDBClient` and `QueryCommand` are imported from the SDK; marshalling is done by hand (schema.ts).
 */
import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { DynamoDBClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types'
import type { DynamoItem } from './schema.js'
import { HOST_KEY } from './schema.js'
import type { OriginReplica } from './types.js'

/**
 * Options of `createEdgeDynamoClient`.
 *
 * @example
 * ```ts
 * const opts: EdgeClientOptions = { region: 'eu-west-1', timeoutMs: 500 }
 * ```
 */
export interface EdgeClientOptions {
  region: string
  /** Endpoint URL (a local dynalite, a VPC endpoint…). Default: the region's public endpoint. */
  endpoint?: string
  /** Per-HTTP-request timeout in ms (the connection timeout is capped at the same value). Default 1000. */
  timeoutMs?: number
  /** SDK attempts including the first (default 2). */
  maxAttempts?: number
  /** A named AWS profile (command-line tools; edge bundles read the function role's credentials only). */
  profile?: string
}

/**
 * The edge's retry policy, explicit instead of the SDK's standard one (whose throttling back-off starts at 500 ms,
 * longer than a whole lookup budget): at most `maxAttempts` attempts, a short jittered pause (10–40 ms) between
 * them, and no retry of client errors. The overall deadline (abortSignal) still cuts any pause short.
 *
 * @example
 * ```ts
 * new DynamoDBClient({ retryStrategy: edgeRetryStrategy(2) })
 * ```
 */
export function edgeRetryStrategy(maxAttempts: number): RetryStrategyV2 {
  const token = (count: number, delay: number): RetryToken => ({ getRetryCount: () => count, getRetryDelay: () => delay })
  return {
    acquireInitialRetryToken: async () => token(0, 0),
    refreshRetryTokenForRetry: async (previous: RetryToken, info: RetryErrorInfo) => {
      const next = previous.getRetryCount() + 1
      if (next >= maxAttempts || info.errorType === 'CLIENT_ERROR') throw info.error ?? new Error('no retry left')
      return token(next, 10 + Math.floor(Math.random() * 30))
    },
    recordSuccess: () => {},
  }
}

const LOCAL_ENDPOINT = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/

/**
 * A `DynamoDBClient` for an edge budget: 2 attempts, connection and request timeouts that really abort
 * (`throwOnRequestTimeout`), keep-alive sockets. Against a local endpoint (127.0.0.1/localhost) without
 * credentials in the environment it uses dummy static credentials, so nothing probes the instance metadata service.
 *
 * @example
 * ```ts
 * const client = createEdgeDynamoClient({ region: 'us-east-1', timeoutMs: 500 })
 * ```
 */
export function createEdgeDynamoClient(opts: EdgeClientOptions): DynamoDBClient {
  const timeoutMs = opts.timeoutMs ?? 1000
  const local = opts.endpoint !== undefined && LOCAL_ENDPOINT.test(opts.endpoint)
  const agentOpts = { keepAlive: true, keepAliveMsecs: 1000, maxSockets: 50 }
  return new DynamoDBClient({
    region: opts.region,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(local && !opts.profile && !process.env.AWS_ACCESS_KEY_ID ? { credentials: { accessKeyId: 'edgeware-local', secretAccessKey: 'edgeware-local' } } : {}),
    maxAttempts: opts.maxAttempts ?? 2,
    retryStrategy: edgeRetryStrategy(opts.maxAttempts ?? 2),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: Math.min(timeoutMs, 1000),
      requestTimeout: timeoutMs,
      throwOnRequestTimeout: true,
      httpAgent: new HttpAgent(agentOpts),
      httpsAgent: new HttpsAgent(agentOpts),
    }),
  })
}

/**
 * A replica with its client.
 *
 * @example
 * ```ts
 * const r: ReplicaClient = { region: 'us-east-1', client: createEdgeDynamoClient({ region: 'us-east-1' }) }
 * ```
 */
export interface ReplicaClient {
  region: string
  client: DynamoDBClient
}

/** `eu-west-1` → `eu`; `us-gov-west-1` → `us-gov`. */
function continent(region: string): string {
  const parts = region.split('-')
  return parts.length > 3 ? parts.slice(0, 2).join('-') : parts[0]!
}

/**
 * Orders replicas for a function running in `here`: the same region first, then the same continent, then the
 * rest, each group in the given order.
 *
 * @example
 * ```ts
 * orderReplicas(['us-east-1', 'eu-west-1', 'eu-central-1'], 'eu-central-1') // ['eu-central-1', 'eu-west-1', 'us-east-1']
 * ```
 */
export function orderReplicas<T extends string | { region: string }>(replicas: readonly T[], here: string | undefined): T[] {
  const regionOf = (r: T) => (typeof r === 'string' ? r : r.region)
  if (!here) return [...replicas]
  const rank = (r: T) => (regionOf(r) === here ? 0 : continent(regionOf(r)) === continent(here) ? 1 : 2)
  return replicas
    .map((r, i) => ({ r, i, k: rank(r) }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((x) => x.r)
}

/**
 * Builds the ordered replica clients for `dynamoOrigin` options.
 *
 * @example
 * ```ts
 * resolveReplicas({ replicas: ['us-east-1', 'eu-west-1'] }, 1000)
 * ```
 */
export function resolveReplicas(
  opts: { client?: DynamoDBClient; region?: string; replicas?: OriginReplica[]; endpoint?: string },
  timeoutMs: number,
): ReplicaClient[] {
  const here = process.env.AWS_REGION
  // Written out in full so the bundler's `define` can bake it (contract 5).
  const endpoint = opts.endpoint ?? process.env.EDGEWARE_DYNAMODB_ENDPOINT
  if (opts.client) return [{ region: opts.region ?? here ?? 'us-east-1', client: opts.client }]
  if (opts.replicas && opts.replicas.length > 0) {
    return orderReplicas(opts.replicas, here).map((r) => {
      const spec = typeof r === 'string' ? { region: r } : r
      const client = spec.client ?? createEdgeDynamoClient({ region: spec.region, endpoint: spec.endpoint ?? endpoint, timeoutMs })
      return { region: spec.region, client }
    })
  }
  const region = opts.region ?? here ?? 'us-east-1'
  return [{ region, client: createEdgeDynamoClient({ region, endpoint, timeoutMs }) }]
}

/** Errors that would fail the same way in every replica: don't fail over on these. */
const NO_FAILOVER = new Set(['ValidationException', 'SerializationException'])

/**
 * Whether an error from one replica should send the lookup to the next one: throttling, 5xx, timeouts,
 * network errors, a missing table… everything except request-shape errors that would fail everywhere.
 *
 * @example
 * ```ts
 * shouldFailOver(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' })) // true
 * ```
 */
export function shouldFailOver(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name
  return !(typeof name === 'string' && NO_FAILOVER.has(name))
}

/**
 * The lookup ran out of time (overall deadline or the Lambda's remaining time).
 *
 * @example
 * ```ts
 * try { await queryHost(replicas, 'edge-origins', 'a.com', 300) } catch (e) { if (e instanceof OriginLookupTimeout) … }
 * ```
 */
export class OriginLookupTimeout extends Error {
  override name = 'OriginLookupTimeout'
}

/** Rejects when `signal` aborts, whatever `p` does (the SDK's retry sleep does not always watch the signal). */
function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort)
        resolve(v)
      },
      (e) => {
        signal.removeEventListener('abort', onAbort)
        reject(e)
      },
    )
  })
}

/**
 * The Query of one host's rules (one page, from `start`), shared by the edge lookup and `listRules`.
 *
 * @example
 * ```ts
 * await client.send(new QueryCommand(hostQuery('edge-origins', 'shop.example.com')))
 * ```
 */
export function hostQuery(table: string, host: string, start?: DynamoItem): QueryCommandInput {
  return {
    TableName: table,
    KeyConditionExpression: '#h = :h',
    ExpressionAttributeNames: { '#h': HOST_KEY },
    ExpressionAttributeValues: { ':h': { S: host } },
    ...(start ? { ExclusiveStartKey: start } : {}),
  }
}

/** One Query (all pages) for a host against one client. */
async function queryOne(client: DynamoDBClient, table: string, host: string, signal: AbortSignal, attemptErrors: unknown[]): Promise<DynamoItem[]> {
  const items: DynamoItem[] = []
  let start: DynamoItem | undefined
  for (let page = 0; page < 10; page++) {
    const cmd = new QueryCommand(hostQuery(table, host, start))
    // Remember each attempt's error, so a deadline hit during a retry still says what went wrong.
    cmd.middlewareStack.add(
      (next) => async (args) => {
        try {
          return await next(args)
        } catch (e) {
          attemptErrors.push(e)
          throw e
        }
      },
      { step: 'deserialize', priority: 'high', name: 'edgewareAttemptErrors' },
    )
    const out = await raceAbort(client.send(cmd, { abortSignal: signal }), signal)
    if (out.Items) items.push(...(out.Items as DynamoItem[]))
    start = out.LastEvaluatedKey as DynamoItem | undefined
    if (!start) break
  }
  return items
}

/**
 * Result of `queryHost`.
 *
 * @example
 * ```ts
 * const { items, region, failures }: QueryOutcome = await queryHost(replicas, 'edge-origins', 'a.com', 800)
 * ```
 */
export interface QueryOutcome {
  items: DynamoItem[]
  /** The replica that answered. */
  region: string
  /** Errors of the replicas tried before it. */
  failures: { region: string; error: unknown }[]
}

/**
 * Reads every rule of `host` with one Query, trying replicas in order until one answers (an empty answer is an
 * answer). The whole lookup is bounded by `deadlineMs` (and `parent`): each replica gets an even share of the
 * time left, the last one all of it. Throws the last error (or `OriginLookupTimeout`) when none answers.
 *
 * @example
 * ```ts
 * const { items } = await queryHost(replicas, 'edge-origins', 'shop.example.com', 800)
 * ```
 */
export async function queryHost(
  replicas: readonly ReplicaClient[],
  table: string,
  host: string,
  deadlineMs: number,
  parent?: AbortSignal,
): Promise<QueryOutcome> {
  const endAt = Date.now() + deadlineMs
  const failures: { region: string; error: unknown }[] = []
  for (let i = 0; i < replicas.length; i++) {
    const left = endAt - Date.now()
    if (left <= 0 || parent?.aborted) break
    const share = i === replicas.length - 1 ? left : Math.max(1, Math.floor(left / (replicas.length - i)))
    const ctl = new AbortController()
    const attemptErrors: unknown[] = []
    const timer = setTimeout(() => ctl.abort(new OriginLookupTimeout(`DynamoDB replica ${replicas[i]!.region} gave no answer within ${share} ms`)), share)
    const onParent = () => ctl.abort(new OriginLookupTimeout('the Lambda deadline is near'))
    parent?.addEventListener('abort', onParent, { once: true })
    try {
      const items = await queryOne(replicas[i]!.client, table, host, ctl.signal, attemptErrors)
      return { items, region: replicas[i]!.region, failures }
    } catch (caught) {
      let error = caught
      const last = attemptErrors[attemptErrors.length - 1] as Error | undefined
      if (caught instanceof OriginLookupTimeout && last && last !== caught) {
        error = new OriginLookupTimeout(`${caught.message} (last attempt: ${last.name}: ${last.message})`)
      }
      failures.push({ region: replicas[i]!.region, error })
      if (!shouldFailOver(error)) break
    } finally {
      clearTimeout(timer)
      parent?.removeEventListener('abort', onParent)
    }
  }
  const last = failures[failures.length - 1]
  const err = last ? last.error : new OriginLookupTimeout(`no time left for a DynamoDB lookup of ${host}`)
  throw Object.assign(err instanceof Error ? err : new Error(String(err)), { failures })
}
