/**
 * Each behavior compiled once, at the edge's first request: the path matcher and, per behavior, what the cache key
 * holds, which viewer headers reach the origin, the TTLs, the methods and the response headers policy, so a request
 * only looks things up.
 */
import type { NameSelection } from '../../distribution/model.js'
import type { KeySettings, TtlSettings } from '../cache-rules.js'
import { behaviorMatcher } from '../path-pattern.js'
import type { EdgeBehavior, EdgeWorkerConfig, OriginChoice } from '../protocol.js'
import { compilePolicy, type CompiledPolicy } from './response-headers.js'

/** A behavior, ready for requests. */
export interface BehaviorPlan {
  /** Position in precedence order (the cache key's prefix). */
  index: number
  b: EdgeBehavior
  /** The ids of the behavior's origins, as JSON (what a CloudFront Function's origin helpers start from). */
  originIds: string
  key: KeySettings
  /** Whether a viewer header (lowercase) reaches the origin by the policies (or the legacy headers list). */
  forwards: (name: string) => boolean
  forwardCookies: NameSelection
  forwardQuery: NameSelection
  /** The query strings an S3 origin gets (reference §2.2: some managed policies withhold S3's overrides). */
  forwardQueryS3: NameSelection
  /** `cloudfront-*` headers CloudFront generates for this behavior (after viewer-request). */
  cloudfrontHeaders: readonly string[]
  ttl: TtlSettings
  allowed: ReadonlySet<string>
  cached: ReadonlySet<string>
  failover: ReadonlySet<number>
  /** `Vary` values that survive (§2.4): Accept-Encoding, Cookie, forwarded headers, User-Agent with device headers. */
  varyKeeps: (name: string) => boolean
  policy?: CompiledPolicy
}

function predicate(sel: NameSelection): (name: string) => boolean {
  if (sel.kind === 'none') return () => false
  if (sel.kind === 'all') return () => true
  const names = new Set(sel.names)
  return sel.kind === 'list' ? (n) => names.has(n) : (n) => !names.has(n)
}

function compile(b: EdgeBehavior, index: number): BehaviorPlan {
  const e = b.effective
  const forwards = predicate(e.forward.headers)
  const device = e.cloudfrontHeaders.some((h) => h.startsWith('cloudfront-is-'))
  return {
    index,
    b,
    originIds: JSON.stringify(b.origins.map((o) => o.id)),
    key: { headers: e.cacheKey.headers, cookies: e.cacheKey.cookies, queryStrings: e.cacheKey.queryStrings, acceptEncoding: e.acceptEncoding },
    forwards,
    forwardCookies: e.forward.cookies,
    forwardQuery: e.forward.queryStrings,
    forwardQueryS3: e.forward.s3QueryStrings ?? e.forward.queryStrings,
    cloudfrontHeaders: e.cloudfrontHeaders,
    ttl: { minTtl: e.ttl.min, defaultTtl: e.ttl.default, maxTtl: e.ttl.max },
    allowed: new Set(b.allowedMethods),
    cached: new Set(b.cachedMethods),
    failover: new Set(b.failoverStatusCodes),
    varyKeeps: (n) => n === 'accept-encoding' || n === 'cookie' || forwards(n) || e.cacheKey.headers.includes(n) || (device && n === 'user-agent'),
    ...(b.responseHeadersPolicy ? { policy: compilePolicy(b.responseHeadersPolicy) } : {}),
  }
}

let compiled: { cfg: EdgeWorkerConfig; plans: BehaviorPlan[]; match: (path: string) => number } | undefined

/**
 * The behavior a path goes to: the first whose pattern matches, else the default (CloudFront precedence).
 *
 * @example
 * ```ts
 * planFor(env.EDGE, '/api/users').b.pathPattern // '/api/*'
 * ```
 */
export function planFor(cfg: EdgeWorkerConfig, path: string): BehaviorPlan {
  if (compiled?.cfg !== cfg) {
    compiled = { cfg, plans: cfg.behaviors.map(compile), match: behaviorMatcher(cfg.behaviors.map((b) => b.pathPattern)) }
  }
  return compiled.plans[compiled.match(path)]!
}

/**
 * The plan for one request whose CloudFront Function chose its origin: the behavior's plan (its cache key, TTLs,
 * policies) with the chosen origins and failover statuses.
 *
 * @example
 * ```ts
 * const p = withOrigins(plan, { members: [euOrigin], failoverStatusCodes: [] })
 * ```
 */
export function withOrigins(plan: BehaviorPlan, choice: OriginChoice): BehaviorPlan {
  return { ...plan, b: { ...plan.b, origins: choice.members }, failover: choice.failoverStatusCodes ? new Set(choice.failoverStatusCodes) : plan.failover }
}
