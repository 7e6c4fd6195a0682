/**
 * The per-container rule cache: bounded LRU (lru-cache) of host → compiled rules, with fresh / stale windows,
 * negative entries, stale-while-revalidate, stale-on-error and single-flight loads.
 *
 * Freshness is kept on the entry (two timestamps) rather than in lru-cache's TTL machinery so the hot path is one
 * `lru.get` and one comparison, and so the stale window can be bounded (`staleTtl`).
 */
import { LRUCache } from 'lru-cache'
import type { LimitsProfile } from '../cloudfront/limits.js'
import type { CfOrigin } from '../cloudfront/types.js'
import type { Violation } from '../core/errors.js'
import type { DynamoItem } from './schema.js'
import { compileItem, describeItem, describeViolations, unmarshallItem } from './schema.js'
import { sortByPrefix } from './match.js'
import type { ReplicaClient } from './client.js'
import { queryHost } from './client.js'
import type { OriginLogEntry, OriginRule } from './types.js'

/**
 * A rule ready to apply: the CloudFront origin is built once per load.
 *
 * @example
 * ```ts
 * const [first]: CompiledRule[] = compileRules(items, limits.classic, console.error, 'edge-origins')
 * ```
 */
export interface CompiledRule {
  host: string
  pathPrefix: string
  /** Undefined when the item is invalid (see `violations`). */
  origin: CfOrigin | undefined
  /** The Host header to send. */
  hostHeader: string
  /** Lowercase custom header names (a request header of the same name is removed, as CloudFront does). */
  headerNames: readonly string[]
  /** Why the item is refused, when it is. */
  violations: readonly Violation[] | undefined
}

/**
 * What the cache holds per host. `rules` sorted longest prefix first; [] = no rule (negative entry).
 *
 * @example
 * ```ts
 * const entry: HostEntry | undefined = mw.cache.peek('a.example.com')
 * ```
 */
export interface HostEntry {
  rules: readonly CompiledRule[]
  /** Fresh until (epoch ms). */
  freshUntil: number
  /** Usable (stale) until (epoch ms). */
  staleUntil: number
  /** Don't start another background refresh before (epoch ms). */
  retryAt: number
  /** The load failed and nothing was known: the host goes to the fallback until `freshUntil`. */
  failed: boolean
}

/**
 * Settings of a `RuleCache`. Times in ms.
 *
 * @example
 * ```ts
 * const s: RuleCacheSettings = { table: 't', replicas, ttlMs: 60_000, negativeTtlMs: 10_000, staleTtlMs: 300_000, errorTtlMs: 1000, timeoutMs: 1000, maxEntries: 1000, log: console.log }
 * ```
 */
export interface RuleCacheSettings {
  table: string
  replicas: readonly ReplicaClient[]
  ttlMs: number
  negativeTtlMs: number
  staleTtlMs: number
  errorTtlMs: number
  timeoutMs: number
  maxEntries: number
  log: (entry: OriginLogEntry) => void
}

/**
 * Compiles the items of one host: parses, validates (CloudFront's origin rules with `limits`), builds the
 * origins, sorts longest prefix first. Invalid items stay in the list, marked, so that a request they match
 * goes to the fallback instead of silently falling through to a shorter prefix.
 *
 * @example
 * ```ts
 * const rules = compileRules(items, limits.classic, (e) => console.error(e), 'edge-origins')
 * ```
 */
export function compileRules(items: readonly DynamoItem[], limits: LimitsProfile | undefined, log: (e: OriginLogEntry) => void, table: string): CompiledRule[] {
  const out: CompiledRule[] = []
  for (const raw of items) {
    const item = unmarshallItem(raw)
    const { origin, violations } = compileItem(item, limits)
    const host = String(item.host)
    const pathPrefix = typeof item.pathPrefix === 'string' ? item.pathPrefix : '/'
    if (violations.length > 0) {
      log({
        level: 'error',
        message: `edgeware/origin: refusing invalid origin item ${describeItem(item)}: ${describeViolations(violations)}; requests it matches go to the fallback`,
        table,
        host,
        pathPrefix,
        violations,
      })
      out.push({ host, pathPrefix, origin: undefined, hostHeader: '', headerNames: [], violations })
      continue
    }
    out.push(compiledRule(host, pathPrefix, origin!, (item as unknown as OriginRule).hostHeader))
  }
  return sortByPrefix(out)
}

/**
 * A valid rule ready to apply: Host is `hostHeader`, default the origin's domain; the names of the origin's custom
 * headers are kept to remove request headers of the same name.
 *
 * @example
 * ```ts
 * compiledRule('(fallback)', '/', toCfOrigin({ type: 'custom', domainName: 'a.example.net' }), undefined).hostHeader // 'a.example.net'
 * ```
 */
export function compiledRule(host: string, pathPrefix: string, origin: CfOrigin, hostHeader: string | undefined): CompiledRule {
  const o = origin.custom ?? origin.s3
  return { host, pathPrefix, origin, hostHeader: hostHeader ?? o.domainName, headerNames: Object.keys(o.customHeaders), violations: undefined }
}

/**
 * Host → rules cache in front of DynamoDB.
 *
 * @example
 * ```ts
 * const cache = new RuleCache(settings)
 * const entry = cache.get('shop.example.com', Date.now(), limits.classic) ?? (await cache.load('shop.example.com', 800, undefined, limits.classic))
 * ```
 */
export class RuleCache {
  readonly #lru: LRUCache<string, HostEntry>
  readonly #inflight = new Map<string, Promise<HostEntry>>()
  readonly #s: RuleCacheSettings
  /** DynamoDB calls started (one per load, whatever the number of replicas tried). */
  loads = 0

  constructor(settings: RuleCacheSettings) {
    this.#s = settings
    this.#lru = new LRUCache<string, HostEntry>({ max: settings.maxEntries })
  }

  /** Number of hosts cached. */
  get size(): number {
    return this.#lru.size
  }

  /**
   * The usable entry of a host, or undefined when it must be loaded. A stale entry is returned as is and
   * refreshed in the background (once at a time, not more often than the error backoff after a failure).
   */
  get(host: string, now: number, limits: LimitsProfile | undefined): HostEntry | undefined {
    const e = this.#lru.get(host)
    if (e === undefined) return undefined
    if (now < e.freshUntil) return e
    if (now >= e.staleUntil) return undefined
    if (now >= e.retryAt && !this.#inflight.has(host)) void this.load(host, this.#s.timeoutMs, undefined, limits)
    return e
  }

  /** The entry of a host even if expired, without touching recency (tests, CLI). */
  peek(host: string): HostEntry | undefined {
    return this.#lru.peek(host)
  }

  /** Drops every entry. */
  clear(): void {
    this.#lru.clear()
  }

  /**
   * Loads a host from DynamoDB; concurrent calls for one host share one call. Never rejects: on failure it
   * resolves to the last entry while within its stale window (stale-on-error), else to a `failed` entry.
   */
  load(host: string, deadlineMs: number, signal: AbortSignal | undefined, limits: LimitsProfile | undefined): Promise<HostEntry> {
    const running = this.#inflight.get(host)
    if (running) return running
    const p = this.#load(host, deadlineMs, signal, limits)
    this.#inflight.set(host, p)
    return p
  }

  async #load(host: string, deadlineMs: number, signal: AbortSignal | undefined, limits: LimitsProfile | undefined): Promise<HostEntry> {
    const s = this.#s
    this.loads++
    try {
      const out = await queryHost(s.replicas, s.table, host, deadlineMs, signal)
      if (out.failures.length > 0) {
        s.log({ level: 'warn', message: `edgeware/origin: DynamoDB replica(s) ${out.failures.map((f) => `${f.region} (${errorName(f.error)})`).join(', ')} failed; ${out.region} answered`, table: s.table, host })
      }
      const rules = compileRules(out.items, limits, s.log, s.table)
      const now = Date.now()
      const fresh = rules.length > 0 ? s.ttlMs : s.negativeTtlMs
      const entry: HostEntry = { rules, freshUntil: now + fresh, staleUntil: now + fresh + s.staleTtlMs, retryAt: 0, failed: false }
      this.#lru.set(host, entry)
      return entry
    } catch (error) {
      const now = Date.now()
      const old = this.#lru.peek(host)
      if (old && !old.failed && now < old.staleUntil) {
        old.retryAt = now + s.errorTtlMs
        s.log({ level: 'warn', message: `edgeware/origin: DynamoDB lookup of ${host} failed (${describeError(error)}); serving the rules cached ${Math.round((now - (old.freshUntil - (old.rules.length > 0 ? s.ttlMs : s.negativeTtlMs))) / 1000)} s ago`, table: s.table, host })
        return old
      }
      s.log({ level: 'error', message: `edgeware/origin: DynamoDB lookup of ${host} failed (${describeError(error)}) and no cached rules are left; using the fallback`, table: s.table, host })
      const failed: HostEntry = { rules: [], freshUntil: now + s.errorTtlMs, staleUntil: now + s.errorTtlMs, retryAt: 0, failed: true }
      if (s.errorTtlMs > 0) this.#lru.set(host, failed)
      else if (old) this.#lru.delete(host)
      return failed
    } finally {
      this.#inflight.delete(host)
    }
  }
}

function errorName(e: unknown): string {
  return (e as { name?: string } | null)?.name ?? String(e)
}

function describeError(e: unknown): string {
  const err = e as { name?: string; message?: string; failures?: { region: string; error: unknown }[] } | null
  const base = `${err?.name ?? 'Error'}: ${err?.message ?? String(e)}`
  if (err?.failures && err.failures.length > 1) return `${base}; replicas tried: ${err.failures.map((f) => `${f.region} ${errorName(f.error)}`).join(', ')}`
  return base
}
