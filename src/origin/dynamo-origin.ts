/**
 * `dynamoOrigin(options)`: an origin-request middleware that routes each request to the origin a DynamoDB table
 * holds for the viewer's host (multi-tenant CloudFront + Lambda@Edge + DynamoDB Global Tables).
 */
import { resolveLimits } from '../cloudfront/limits.js'
import { originViolations } from '../cloudfront/origin-rules.js'
import type { CfHeaders, CfOrigin } from '../cloudfront/types.js'
import { EdgeRuleError } from '../core/errors.js'
import type { EdgeResponseInit, Middleware, OriginRequestContext } from '../core/types.js'
import { resolveReplicas } from './client.js'
import type { CompiledRule, HostEntry } from './cache.js'
import { compiledRule, RuleCache } from './cache.js'
import { longestMatch, normalizeHost } from './match.js'
import { FALLBACK_HOST, isHostHeaderValue, toCfOrigin } from './schema.js'
import type { DynamoOriginOptions, OriginLogEntry, OriginTarget } from './types.js'

/** How long before the Lambda deadline a lookup gives up, ms (on top of `c.signal`'s own margin). */
const DEADLINE_MARGIN_MS = 50

const FAILED: HostEntry = { rules: [], freshUntil: Infinity, staleUntil: Infinity, retryAt: Infinity, failed: true }
const NONE: HostEntry = { rules: [], freshUntil: Infinity, staleUntil: Infinity, retryAt: Infinity, failed: false }

function defaultLog(entry: OriginLogEntry): void {
  const line = JSON.stringify(entry)
  if (entry.level === 'error') console.error(line)
  else console.warn(line)
}

function seconds(name: string, value: unknown, def: number): number {
  if (value === undefined) return def
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new EdgeRuleError('InvalidOption', `dynamoOrigin: ${name} must be a finite number >= 0, got ${JSON.stringify(value)}`, value)
  }
  return value
}

function copyHeaders(h: CfHeaders): CfHeaders {
  const out: CfHeaders = {}
  for (const name in h) {
    const list = h[name]!
    const copy = new Array<{ key?: string; value: string }>(list.length)
    for (let i = 0; i < list.length; i++) copy[i] = { key: list[i]!.key, value: list[i]!.value }
    out[name] = copy
  }
  return out
}

/** A fresh copy of a cached origin, so that later middleware can't change the cache through `request.origin`. */
function copyOrigin(o: CfOrigin): CfOrigin {
  if (o.custom) {
    const c = o.custom
    const custom: CfOrigin & { custom: object } = {
      custom: {
        customHeaders: copyHeaders(c.customHeaders),
        domainName: c.domainName,
        keepaliveTimeout: c.keepaliveTimeout,
        path: c.path,
        port: c.port,
        protocol: c.protocol,
        readTimeout: c.readTimeout,
        sslProtocols: c.sslProtocols.slice(),
      },
    }
    if (c.responseCompletionTimeout !== undefined) custom.custom.responseCompletionTimeout = c.responseCompletionTimeout
    return custom
  }
  const s = o.s3!
  const s3: CfOrigin & { s3: object } = {
    s3: { authMethod: s.authMethod, customHeaders: copyHeaders(s.customHeaders), domainName: s.domainName, path: s.path, region: s.region },
  }
  if (s.readTimeout !== undefined) s3.s3.readTimeout = s.readTimeout
  if (s.responseCompletionTimeout !== undefined) s3.s3.responseCompletionTimeout = s.responseCompletionTimeout
  return s3
}

/** The fallback, precomputed. */
type Fallback = { kind: 'pass' } | { kind: 'respond'; init: EdgeResponseInit } | { kind: 'origin'; rule: CompiledRule }

function resolveFallback(f: DynamoOriginOptions['fallback']): Fallback {
  if (f === undefined || f === 'pass-through') return { kind: 'pass' }
  if (typeof f === 'object' && f !== null && 'status' in f) {
    if (!Number.isInteger(f.status) || f.status < 200 || f.status > 599) {
      throw new EdgeRuleError('InvalidOption', `dynamoOrigin: fallback.status must be an integer 200–599 [GEN], got ${JSON.stringify(f.status)}`, f.status)
    }
    return { kind: 'respond', init: f }
  }
  if (typeof f === 'object' && f !== null && 'origin' in f && f.origin && typeof f.origin === 'object') {
    const target = f.origin as OriginTarget | CfOrigin
    const origin = 'custom' in target && target.custom ? (target as CfOrigin) : 's3' in target && target.s3 ? (target as CfOrigin) : toCfOrigin(target as OriginTarget)
    // The looser profile here; the request's own profile is checked again by the `request.origin` setter.
    const v = originViolations(origin, resolveLimits('current'), 'fallback.origin')
    if (v.length > 0) {
      throw new EdgeRuleError('InvalidOrigin', `dynamoOrigin: the fallback origin breaks CloudFront's origin rules: ${v.map((x) => `${x.path ?? ''} ${x.message}`.trim()).join('; ')}`, f.origin)
    }
    if (f.hostHeader !== undefined && !isHostHeaderValue(f.hostHeader)) {
      throw new EdgeRuleError('InvalidOption', `dynamoOrigin: fallback.hostHeader must be a host name (no spaces, slashes or control characters), got ${JSON.stringify(f.hostHeader)}`, f.hostHeader)
    }
    return { kind: 'origin', rule: compiledRule('(fallback)', '/', origin, f.hostHeader) }
  }
  throw new EdgeRuleError('InvalidOption', `dynamoOrigin: fallback must be 'pass-through', { origin }, or a response init like { status: 502 }, got ${JSON.stringify(f)}`, f)
}

/**
 * [EVT]: an origin access identity can't be used when switching from a custom origin to S3. Whether the rule
 * breaks that depends on the cache behavior's origin, so it is checked per request.
 */
function oaiSwitch(c: OriginRequestContext, rule: CompiledRule): boolean {
  return rule.origin!.s3?.authMethod === 'origin-access-identity' && c.request.raw.origin?.custom !== undefined
}

/**
 * Applies a rule. A table rule was validated when it was loaded, by the same `originViolations` and limits profile
 * the `request.origin` setter would use, so its copy is written to the raw request directly (the hot path: no
 * second validation per request). The fallback origin goes through the validated setter.
 */
function applyRule(c: OriginRequestContext, rule: CompiledRule, prevalidated: boolean): void {
  const raw = c.request.raw
  if (prevalidated) raw.origin = copyOrigin(rule.origin!)
  else c.request.origin = copyOrigin(rule.origin!)
  const headers = raw.headers
  // Host is writable in origin-request [RALL]; the value was checked (no CR/LF, no spaces) when the rule was loaded.
  const host = headers.host
  headers.host = [{ key: host !== undefined && host.length > 0 && host[0]!.key !== undefined ? host[0]!.key : 'Host', value: rule.hostHeader }]
  // CloudFront forbids a custom header that is also a request header; like an origin custom header configured on
  // the distribution, the rule's value wins. (Read-only names were refused when the rule was loaded.)
  const names = rule.headerNames
  for (let i = 0; i < names.length; i++) if (headers[names[i]!] !== undefined) delete headers[names[i]!]
}

/**
 * The middleware function `dynamoOrigin` returns; it also exposes its cache for tests and metrics.
 *
 * @example
 * ```ts
 * const mw: DynamoOriginMiddleware = dynamoOrigin({ table: 'edge-origins' })
 * mw.cache.loads // DynamoDB lookups started so far
 * ```
 */
export interface DynamoOriginMiddleware extends Middleware<OriginRequestContext> {
  /** The per-container cache (hosts cached, DynamoDB loads started, `clear()`). */
  readonly cache: RuleCache
}

/**
 * An origin-request middleware that routes each request with the rules of a DynamoDB origin table.
 *
 * The lookup key is `X-Forwarded-Host` when present, else `Host` (lowercased, port stripped): forward the
 * viewer's Host (or copy it into X-Forwarded-Host in viewer-request) and make it part of the cache key. The
 * host's rules are read with one Query and cached; the longest `pathPrefix` matching the URI on a path-segment
 * boundary wins; with no match the `*` host's rules apply, then `fallback`. The chosen rule becomes
 * `request.origin` and sets the `Host` header (to `hostHeader`, default the origin's domainName).
 *
 * @example
 * ```ts
 * import { originRequest } from 'edgeware'
 * import { dynamoOrigin } from 'edgeware/origin'
 *
 * export const handler = originRequest(
 *   dynamoOrigin({ table: process.env.ORIGINS_TABLE!, replicas: ['us-east-1', 'eu-west-1'], ttl: 60, fallback: { status: 502 } }),
 * )
 * ```
 */
export function dynamoOrigin(options: DynamoOriginOptions): DynamoOriginMiddleware {
  if (!options || typeof options.table !== 'string' || !/^[A-Za-z0-9_.-]{3,255}$/.test(options.table)) {
    throw new EdgeRuleError('InvalidOption', `dynamoOrigin: table must be a DynamoDB table name (3–255 of A–Z a–z 0–9 _ . -), got ${JSON.stringify(options?.table)}`, options?.table)
  }
  const ttl = seconds('ttl', options.ttl, 60)
  const negativeTtl = seconds('negativeTtl', options.negativeTtl, 10)
  const staleTtl = seconds('staleTtl', options.staleTtl, 300)
  const errorTtl = seconds('errorTtl', options.errorTtl, 1)
  const timeoutMs = seconds('timeoutMs', options.timeoutMs, 1000)
  if (timeoutMs < 1) throw new EdgeRuleError('InvalidOption', `dynamoOrigin: timeoutMs must be at least 1, got ${timeoutMs}`, timeoutMs)
  const maxEntries = options.maxEntries ?? 10_000
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new EdgeRuleError('InvalidOption', `dynamoOrigin: maxEntries must be a positive integer, got ${JSON.stringify(options.maxEntries)}`, options.maxEntries)
  }
  const fallback = resolveFallback(options.fallback)
  const log = options.log ?? defaultLog
  const cache = new RuleCache({
    table: options.table,
    replicas: resolveReplicas(options, timeoutMs),
    ttlMs: ttl * 1000,
    negativeTtlMs: negativeTtl * 1000,
    staleTtlMs: staleTtl * 1000,
    errorTtlMs: errorTtl * 1000,
    timeoutMs,
    maxEntries,
    log,
  })

  /** The cached entry of a host, or undefined when it must be loaded (synchronous: the hot path). */
  const cached = (c: OriginRequestContext, host: string, now: number): HostEntry | undefined =>
    host.length === 0 || host.length > 253 ? NONE : cache.get(host, now, c.limits)

  const load = (c: OriginRequestContext, host: string): Promise<HostEntry> | HostEntry => {
    const ms = Math.min(timeoutMs, c.remainingMs() - DEADLINE_MARGIN_MS)
    return ms <= 0 ? FAILED : cache.load(host, ms, c.signal, c.limits)
  }

  /** Rules already reported for the OAI switch (one log line per compiled rule, not per request). */
  const refusedOai = new WeakSet<CompiledRule>()

  const middleware = async function dynamoOrigin(c: OriginRequestContext, next: () => Promise<void>): Promise<void> {
    const req = c.request.raw
    const xfh = req.headers['x-forwarded-host']
    const hh = xfh !== undefined && xfh.length > 0 ? xfh : req.headers.host
    const host = normalizeHost(hh !== undefined && hh.length > 0 ? hh[0]!.value : '')
    const uri = req.uri
    const now = Date.now()
    let rule: CompiledRule | undefined
    const own = cached(c, host, now) ?? (await load(c, host))
    if (!own.failed) {
      rule = longestMatch(own.rules, uri)
      if (rule === undefined && host !== FALLBACK_HOST) {
        const star = cached(c, FALLBACK_HOST, now) ?? (await load(c, FALLBACK_HOST))
        if (!star.failed) rule = longestMatch(star.rules, uri)
      }
    }
    if (rule !== undefined && rule.origin !== undefined && oaiSwitch(c, rule)) {
      if (!refusedOai.has(rule)) {
        refusedOai.add(rule)
        log({
          level: 'error',
          message: `edgeware/origin: refusing item host=${JSON.stringify(rule.host)} pathPrefix=${JSON.stringify(rule.pathPrefix)}: authMethod "origin-access-identity" can't be used when switching from a custom origin to S3 [EVT] (this behavior's origin is custom ${JSON.stringify(c.request.raw.origin?.custom?.domainName)}); use authMethod "none" or an S3 behavior; requests it matches go to the fallback`,
          table: options.table,
          host: rule.host,
          pathPrefix: rule.pathPrefix,
        })
      }
      rule = undefined
    }
    if (rule !== undefined && rule.origin !== undefined) applyRule(c, rule, true)
    else if (fallback.kind === 'origin') applyRule(c, fallback.rule, false)
    else if (fallback.kind === 'respond') {
      c.respond(fallback.init)
      return
    }
    await next()
  }
  return Object.assign(middleware, { cache }) as DynamoOriginMiddleware
}
