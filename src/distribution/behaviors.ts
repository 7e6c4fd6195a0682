/**
 * `[edge.default_behavior]` and `[[edge.behaviors]]`: target, functions, policies or legacy cache, methods,
 * protocol policy, compression, each checked against CloudFront's rules, and resolved to effective settings.
 */
import type { Stage } from '../cloudfront/types.js'
import { legacyEffective, legacyProjection, policyEffective, readLegacyCache } from './effective.js'
import type { AllowedMethods, BehaviorConfig, CachedMethods, FunctionEventType, OriginConfig, OriginGroupConfig } from './model.js'
import type { Policies } from './policies.js'
import { show, type Reader, type Table } from './problems.js'

/** Stage keys as written in the TOML (`viewer_request`) → stage names. */
export const STAGE_KEYS: Readonly<Record<string, Stage>> = {
  viewer_request: 'viewer-request',
  origin_request: 'origin-request',
  origin_response: 'origin-response',
  viewer_response: 'viewer-response',
}
const STAGE_NAMES: Readonly<Record<string, Stage>> = {
  ...STAGE_KEYS,
  'viewer-request': 'viewer-request',
  'origin-request': 'origin-request',
  'origin-response': 'origin-response',
  'viewer-response': 'viewer-response',
}
/** CloudFront Function association keys → event types. */
export const FUNCTION_KEYS: Readonly<Record<string, FunctionEventType>> = {
  viewer_request_function: 'viewer-request',
  viewer_response_function: 'viewer-response',
}

/** CloudFront's three `AllowedMethods` sets [DVS]. */
export const ALLOWED_METHODS: readonly AllowedMethods[] = [['GET', 'HEAD'], ['GET', 'HEAD', 'OPTIONS'], ['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE']]
/** CloudFront's two `CachedMethods` sets [API-CM]. */
export const CACHED_METHODS: readonly CachedMethods[] = [['GET', 'HEAD'], ['GET', 'HEAD', 'OPTIONS']]

/** CloudFront path patterns: letters, digits and `_ - . * $ / ~ " ' @ : +` plus `&` (API reference). */
const PATH_PATTERN_RE = /^[A-Za-z0-9_\-.*$/~"'@:+&?]+$/

const BEHAVIOR_KEYS = [
  'origin',
  'cache',
  'cache_policy',
  'origin_request_policy',
  'response_headers_policy',
  'allowed_methods',
  'cached_methods',
  'viewer_protocol_policy',
  'compress',
  'include_body',
  ...Object.keys(STAGE_KEYS),
  ...Object.keys(FUNCTION_KEYS),
]

/** What a behavior may refer to. */
export interface BehaviorContext {
  origins: ReadonlyMap<string, OriginConfig>
  groups: ReadonlyMap<string, OriginGroupConfig>
  policies: Policies
  /** The environment whose `[[env.<name>.edge.origins]]` replaced the top-level origins (`--env`), for messages. */
  originsFromEnv?: string
}

/** One of a fixed list of method sets, in any order. */
function readMethods<T extends readonly string[]>(r: Reader, v: unknown, key: string, sets: readonly T[]): T | undefined {
  if (v === undefined) return undefined
  const list = r.stringList(v, key)
  if (!list) return undefined
  const match = sets.find((s) => s.length === list.length && s.every((m) => list.includes(m)))
  if (!match) return r.fail(key, `expected one of CloudFront's sets ${sets.map((s) => `[${s.join(', ')}]`).join(', ')} (any order), got ${show(list)}`, v)
  return match
}

interface Target {
  originId: string
  groupId?: string
  /** The origins requests may reach (both members of a group). */
  reaches: OriginConfig[]
}

function readTarget(r: Reader, t: Table, key: string, ctx: BehaviorContext): Target | undefined {
  const id = r.string(t.origin, `${key}.origin`, true)
  if (id === undefined) return undefined
  const group = ctx.groups.get(id)
  if (group) {
    const reaches = group.members.map((m) => ctx.origins.get(m)).filter((o): o is OriginConfig => o !== undefined)
    return { originId: group.members[0], groupId: id, reaches }
  }
  const origin = ctx.origins.get(id)
  if (origin) return { originId: id, reaches: [origin] }
  const groups = ctx.groups.size ? `; groups: ${[...ctx.groups.keys()].join(', ')}` : ''
  const env = ctx.originsFromEnv
  const why = env === undefined ? '' : `; [[env.${env}.edge.origins]] replaces the whole top-level [[edge.origins]] array: repeat every origin there, or give the top-level origin a domain for the build instead`
  return r.fail(`${key}.origin`, `no [[edge.origins]] with id ${show(id)} (known: ${[...ctx.origins.keys()].join(', ') || 'none'}${groups}${why})`, id)
}

function readFunctions(r: Reader, t: Table, key: string) {
  const functions: Partial<Record<Stage, string>> = {}
  for (const [k, stage] of Object.entries(STAGE_KEYS)) {
    const file = r.path(t[k], `${key}.${k}`)
    if (file) functions[stage] = file
  }
  const cloudfrontFunctions: Partial<Record<FunctionEventType, string>> = {}
  for (const [k, event] of Object.entries(FUNCTION_KEYS)) {
    const file = r.path(t[k], `${key}.${k}`)
    if (file) cloudfrontFunctions[event] = file
  }
  // [RALL] via cloudfront-functions.md §6: "CloudFront Functions and Lambda@Edge can't be combined on the viewer
  // events of one behavior". Whether a viewer-request CloudFront Function may sit beside a viewer-response
  // Lambda@Edge function is ambiguous; the strict reading is used: no mix on the viewer events at all.
  const cff = Object.keys(FUNCTION_KEYS).filter((k) => t[k] !== undefined)
  const viewerLambda = ['viewer_request', 'viewer_response'].filter((k) => t[k] !== undefined)
  if (cff.length && viewerLambda.length) {
    r.fail(`${key}.${cff[0]}`, `CloudFront Functions and Lambda@Edge can't be combined on the viewer events of one behavior (${[...cff, ...viewerLambda].join(' and ')})`, t[cff[0]!])
  }
  const includeBody: Stage[] = []
  ;(r.stringList(t.include_body, `${key}.include_body`) ?? []).forEach((s, i) => {
    const stage = Object.hasOwn(STAGE_NAMES, s) ? STAGE_NAMES[s] : undefined
    if (!stage) r.fail(`${key}.include_body[${i}]`, `unknown stage ${show(s)} (expected viewer_request or origin_request)`, s)
    else if (stage !== 'viewer-request' && stage !== 'origin-request') {
      // [ISS-IB] "The IncludeBody option can only be used with viewer-request or origin-request events."
      r.fail(`${key}.include_body[${i}]`, `The IncludeBody option can only be used with viewer-request or origin-request events, got ${show(s)}`, s)
    } else if (!includeBody.includes(stage)) includeBody.push(stage)
  })
  return { functions, cloudfrontFunctions, includeBody }
}

/** The behavior's cache key and forwarding: a cache policy (+ origin request policy), or the legacy form. */
function readCaching(r: Reader, t: Table, key: string, ctx: BehaviorContext, target: Target | undefined, compress: boolean) {
  if (t.cache !== undefined && t.cache_policy !== undefined) {
    r.fail(`${key}.cache_policy`, 'a behavior uses either the legacy cache = { … } or cache_policy, not both', t.cache_policy)
  }
  const cpRef = r.string(t.cache_policy, `${key}.cache_policy`)
  const cachePolicy = cpRef === undefined ? undefined : ctx.policies.cache(cpRef, `${key}.cache_policy`)
  const orpRef = r.string(t.origin_request_policy, `${key}.origin_request_policy`)
  if (orpRef !== undefined && t.cache_policy === undefined) {
    // [ORP-CP]: an origin request policy can't be used without a cache policy on the same behavior.
    r.fail(`${key}.origin_request_policy`, 'an origin request policy can only be used together with a cache policy (cache_policy)', orpRef)
  }
  const originRequestPolicy = orpRef === undefined ? undefined : ctx.policies.originRequest(orpRef, `${key}.origin_request_policy`)
  const rhpRef = r.string(t.response_headers_policy, `${key}.response_headers_policy`)
  const responseHeadersPolicy = rhpRef === undefined ? undefined : ctx.policies.responseHeaders(rhpRef, `${key}.response_headers_policy`)
  const policies = {
    ...(cachePolicy ? { cachePolicy } : {}),
    ...(originRequestPolicy ? { originRequestPolicy } : {}),
    ...(responseHeadersPolicy ? { responseHeadersPolicy } : {}),
  }
  const legacy = cachePolicy ? undefined : readLegacyCache(r, t.cache, `${key}.cache`)
  const caching = cachePolicy
    ? { cache: legacyProjection(cachePolicy), effective: policyEffective(cachePolicy, originRequestPolicy, compress), ...policies }
    : { cache: legacy!, effective: legacyEffective(legacy!), ...policies }
  const s3 = target?.reaches.find((o) => o.kind === 's3')
  if (s3 && caching.effective.cacheKey.headers.includes('host')) {
    // [CUST]: Host can't be a cache-key header for S3 origins (a cache policy's key or the legacy cache headers).
    const reaches = target?.groupId ? `origin group ${show(target.groupId)} reaches S3 origin ${show(s3.id)}` : `S3 origin ${show(s3.id)}`
    if (cachePolicy) r.fail(`${key}.cache_policy`, `cache policy ${show(cachePolicy.id)} keys on Host, which CloudFront doesn't allow with an S3 origin (${reaches})`, cpRef)
    else r.fail(`${key}.cache.headers`, `Host is in the cache key, which CloudFront doesn't allow with an S3 origin (${reaches})`, 'host')
  }
  return caching
}

/** Reads one behavior; `undefined` when it isn't a table. */
export function readBehavior(r: Reader, v: unknown, key: string, isDefault: boolean, ctx: BehaviorContext): BehaviorConfig | undefined {
  const t = r.table(v, key)
  if (!t) return undefined
  r.unknownKeys(t, key, isDefault ? BEHAVIOR_KEYS : ['path_pattern', ...BEHAVIOR_KEYS])
  let pathPattern = '*'
  if (!isDefault) {
    pathPattern = r.string(t.path_pattern, `${key}.path_pattern`, true) ?? ''
    if (pathPattern && (pathPattern.length > 255 || !PATH_PATTERN_RE.test(pathPattern))) {
      r.fail(`${key}.path_pattern`, `not a CloudFront path pattern (max 255 chars of A-Z a-z 0-9 _ - . * $ / ~ " ' @ : + & ?): ${show(pathPattern)}`, pathPattern)
    }
  }
  const target = readTarget(r, t, key, ctx)
  const allowed = readMethods(r, t.allowed_methods, `${key}.allowed_methods`, ALLOWED_METHODS)
  const allowedMethods = allowed ?? (target?.groupId ? ALLOWED_METHODS[1]! : ALLOWED_METHODS[2]!)
  if (target?.groupId && allowedMethods.length > 3) {
    // CloudFront's answer (aws/aws-cdk#32450); failover only happens for GET, HEAD and OPTIONS [FAIL].
    r.fail(`${key}.allowed_methods`, `The parameter AllowedMethods cannot include POST, PUT, PATCH, or DELETE for a cached behavior associated with an origin group (origin = ${show(target.groupId)})`, t.allowed_methods)
  }
  const cachedMethods = readMethods(r, t.cached_methods, `${key}.cached_methods`, CACHED_METHODS) ?? CACHED_METHODS[0]!
  if ((cachedMethods as readonly string[]).includes('OPTIONS') && !(allowedMethods as readonly string[]).includes('OPTIONS')) {
    r.fail(`${key}.cached_methods`, 'cached methods must be a subset of allowed_methods (OPTIONS is not allowed here)', t.cached_methods)
  }
  const viewerProtocolPolicy = r.oneOf(t.viewer_protocol_policy, `${key}.viewer_protocol_policy`, ['allow-all', 'redirect-to-https', 'https-only'] as const) ?? 'redirect-to-https'
  const compress = r.bool(t.compress, `${key}.compress`) ?? true
  const b: BehaviorConfig = {
    pathPattern,
    isDefault,
    originId: target?.originId ?? '',
    ...readFunctions(r, t, key),
    ...readCaching(r, t, key, ctx, target, compress),
    allowedMethods,
    cachedMethods,
    viewerProtocolPolicy,
    compress,
  }
  if (target?.groupId) b.targetGroupId = target.groupId
  return b
}

/**
 * Reads every behavior in CloudFront precedence order, the default behavior last: unique path patterns, and the
 * default behavior required.
 */
export function readBehaviors(r: Reader, edge: Table, ctx: BehaviorContext): BehaviorConfig[] {
  const behaviors: BehaviorConfig[] = []
  const seen = new Set<string>()
  r.tables(edge.behaviors, 'edge.behaviors').forEach((v, i) => {
    const b = readBehavior(r, v, `edge.behaviors[${i}]`, false, ctx)
    if (!b) return
    if (b.pathPattern && seen.has(b.pathPattern)) r.fail(`edge.behaviors[${i}].path_pattern`, `duplicate path pattern ${show(b.pathPattern)}`, b.pathPattern)
    seen.add(b.pathPattern)
    behaviors.push(b)
  })
  if (edge.default_behavior === undefined) r.fail('edge.default_behavior', 'is required (the behavior for every path no other behavior matches)')
  else {
    const d = readBehavior(r, edge.default_behavior, 'edge.default_behavior', true, ctx)
    if (d) behaviors.push(d)
  }
  return behaviors
}
