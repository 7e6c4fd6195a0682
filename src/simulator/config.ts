/**
 * `wrangler.toml`: the config of the local edge (`edgeware dev`) and of the packager (`edgeware build`).
 * Every invalid key or value is a `ConfigError` naming the file, the key and the value.
 */
import { readFileSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, extname, isAbsolute, relative, resolve, sep } from 'node:path'
import { parse as parseToml } from 'smol-toml'
import { resolveLimits, triggerLimits, type LimitsProfile } from '../cloudfront/limits.js'
import { isValidHeaderName } from '../cloudfront/rules.js'
import type { Stage } from '../cloudfront/types.js'

/**
 * A config problem. The message names the file, the key (dotted TOML path) and the bad value.
 *
 * @example
 * ```ts
 * try { await loadConfig('wrangler.toml') } catch (e) {
 *   if (e instanceof ConfigError) console.error(e.message) // wrangler.toml: edge.limits: expected "classic" or "current", got "fast"
 * }
 * ```
 */
export class ConfigError extends Error {
  override name = 'ConfigError'
  /** The config file. */
  readonly file: string
  /** The dotted key, e.g. `edge.behaviors[0].path_pattern`. */
  readonly key: string
  /** The offending value. */
  readonly value: unknown

  constructor(file: string, key: string, message: string, value?: unknown) {
    super(`${file}: ${key}: ${message}`)
    this.file = file
    this.key = key
    this.value = value
  }
}

/** Cache settings of a behavior (legacy cache settings / cache policy). */
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

/** One cache behavior, in CloudFront precedence order. */
export interface BehaviorConfig {
  /** CloudFront path pattern (`*`, `?`), `'*'` for the default behavior. */
  pathPattern: string
  isDefault: boolean
  /** The `[[edge.origins]]` id requests go to. */
  originId: string
  /** Absolute entry path of the function associated with each stage. */
  functions: Partial<Record<Stage, string>>
  /** Stages with IncludeBody (viewer-request / origin-request only). */
  includeBody: Stage[]
  cache: CacheSettings
}

/** An origin of the distribution. */
export interface OriginConfig {
  id: string
  /** `http(s)://domain[:port][/path]` */
  url: string
  /** `edgeware dev` starts an embedded example origin on this url. */
  example?: boolean
  /** `read_timeout`: seconds CloudFront waits for the origin (default 30; range per limits profile). */
  readTimeout?: number
  /** `keepalive_timeout`: seconds an idle origin connection is kept (default 5; range per limits profile). */
  keepaliveTimeout?: number
}

/** One edge function (one entry file), possibly associated with several behaviors / stages. */
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

/** A parsed, validated `wrangler.toml`. Paths are absolute. */
export interface EdgeConfig {
  /** Absolute path of the config file (or a label for in-memory configs). */
  path: string
  /** Directory paths in the config are relative to. */
  root: string
  name: string
  compatibilityDate?: string
  /** `[vars]`, baked into every bundle. */
  vars: Record<string, string | number | boolean>
  dev: { port: number }
  edge: {
    runtime: string
    limitsName: 'classic' | 'current'
    limits: LimitsProfile
    region: string
    origins: OriginConfig[]
    dynamodb?: { local: boolean; table: string; seed?: string }
  }
  /** Precedence order, the default behavior last. */
  behaviors: BehaviorConfig[]
  functions: FunctionConfig[]
}

/** Stage keys as written in the TOML (`viewer_request`) → stage names. */
const STAGE_KEYS: Record<string, Stage> = {
  viewer_request: 'viewer-request',
  origin_request: 'origin-request',
  origin_response: 'origin-response',
  viewer_response: 'viewer-response',
}
const STAGE_NAMES: Record<string, Stage> = {
  ...STAGE_KEYS,
  'viewer-request': 'viewer-request',
  'origin-request': 'origin-request',
  'origin-response': 'origin-response',
  'viewer-response': 'viewer-response',
}

/** Runtimes Lambda@Edge accepts for Node.js functions (reference §4.3). */
const RUNTIMES = new Set(['nodejs20.x', 'nodejs22.x', 'nodejs24.x'])

/** CloudFront path patterns: letters, digits and `_ - . * $ / ~ " ' @ : +` plus `&` (API reference). */
const PATH_PATTERN_RE = /^[A-Za-z0-9_\-.*$/~"'@:+&?]+$/

const DEFAULT_CACHE: CacheSettings = {
  defaultTtl: 86_400,
  minTtl: 0,
  maxTtl: 31_536_000,
  headers: [],
  cookies: [],
  queryStrings: 'none',
}

type Table = Record<string, unknown>

const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date)

const show = (v: unknown): string => {
  try {
    return v instanceof Date ? v.toISOString() : JSON.stringify(v) ?? String(v)
  } catch {
    return String(v)
  }
}

/**
 * The edge function name for an entry: its path relative to the config dir, without extension, a leading
 * `edge-functions/` dropped and `/` → `-`.
 *
 * @example
 * ```ts
 * functionName('/app', '/app/edge-functions/site/viewer-request.ts') // 'site-viewer-request'
 * ```
 */
export function functionName(root: string, entry: string): string {
  let rel = relative(root, entry).split(sep).join('/')
  const ext = extname(rel)
  if (ext) rel = rel.slice(0, -ext.length)
  if (rel.startsWith('edge-functions/')) rel = rel.slice('edge-functions/'.length)
  return rel.replace(/^(\.\.\/)+/, '').replace(/\//g, '-')
}

class Reader {
  constructor(readonly file: string) {}

  fail(key: string, message: string, value?: unknown): never {
    throw new ConfigError(this.file, key, message, value)
  }

  unknownKeys(table: Table, key: string, allowed: readonly string[]): void {
    for (const k of Object.keys(table)) {
      if (!allowed.includes(k)) {
        this.fail(key ? `${key}.${k}` : k, `unknown key (expected one of: ${allowed.join(', ')})`, table[k])
      }
    }
  }

  table(v: unknown, key: string): Table {
    if (v === undefined) return {}
    if (!isTable(v)) this.fail(key, `expected a table, got ${show(v)}`, v)
    return v
  }

  string(v: unknown, key: string, required = false): string | undefined {
    if (v === undefined) {
      if (required) this.fail(key, 'is required')
      return undefined
    }
    if (typeof v !== 'string' || v === '') this.fail(key, `expected a non-empty string, got ${show(v)}`, v)
    return v
  }

  int(v: unknown, key: string, min: number, max: number): number | undefined {
    if (v === undefined) return undefined
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(key, `expected an integer from ${min} to ${max}, got ${show(v)}`, v)
    }
    return v
  }

  bool(v: unknown, key: string): boolean | undefined {
    if (v === undefined) return undefined
    if (typeof v !== 'boolean') this.fail(key, `expected true or false, got ${show(v)}`, v)
    return v
  }

  stringList(v: unknown, key: string): string[] {
    if (v === undefined) return []
    if (!Array.isArray(v)) this.fail(key, `expected an array of strings, got ${show(v)}`, v)
    return v.map((x, i) => this.string(x, `${key}[${i}]`, true) as string)
  }

  /** A file path relative to the config dir that must exist. */
  file_(v: unknown, key: string, root: string): string | undefined {
    const s = this.string(v, key)
    if (s === undefined) return undefined
    const abs = isAbsolute(s) ? s : resolve(root, s)
    let ok = false
    try {
      ok = statSync(abs).isFile()
    } catch {
      ok = false
    }
    if (!ok) this.fail(key, `file not found: ${show(s)} (resolved to ${abs})`, s)
    return abs
  }
}

function readCache(r: Reader, v: unknown, key: string): CacheSettings {
  if (v === undefined) return { ...DEFAULT_CACHE, headers: [], cookies: [] }
  const t = r.table(v, key)
  r.unknownKeys(t, key, ['default_ttl', 'min_ttl', 'max_ttl', 'headers', 'cookies', 'query_strings'])
  const YEAR100 = 3_153_600_000
  const minTtl = r.int(t.min_ttl, `${key}.min_ttl`, 0, YEAR100) ?? DEFAULT_CACHE.minTtl
  const maxTtl = r.int(t.max_ttl, `${key}.max_ttl`, 0, YEAR100) ?? Math.max(DEFAULT_CACHE.maxTtl, minTtl)
  const defaultTtl = r.int(t.default_ttl, `${key}.default_ttl`, 0, YEAR100) ?? Math.min(Math.max(DEFAULT_CACHE.defaultTtl, minTtl), maxTtl)
  // CloudFront: MinTTL <= DefaultTTL <= MaxTTL (CachePolicyConfig API reference).
  if (minTtl > maxTtl) r.fail(`${key}.min_ttl`, `must be <= max_ttl (${maxTtl}), got ${minTtl}`, minTtl)
  if (defaultTtl < minTtl || defaultTtl > maxTtl) {
    r.fail(`${key}.default_ttl`, `must be between min_ttl (${minTtl}) and max_ttl (${maxTtl}), got ${defaultTtl}`, defaultTtl)
  }
  const headers = r.stringList(t.headers, `${key}.headers`).map((h, i) => {
    if (!isValidHeaderName(h)) r.fail(`${key}.headers[${i}]`, `not a valid header name: ${show(h)}`, h)
    return h.toLowerCase()
  })
  let cookies: string[] | 'all'
  if (t.cookies === 'all') cookies = 'all'
  else if (t.cookies === 'none') cookies = []
  else if (typeof t.cookies === 'string') r.fail(`${key}.cookies`, `expected "all", "none" or an array of cookie names, got ${show(t.cookies)}`, t.cookies)
  else cookies = r.stringList(t.cookies, `${key}.cookies`)
  let queryStrings: 'all' | 'none' | string[]
  if (t.query_strings === undefined) queryStrings = DEFAULT_CACHE.queryStrings
  else if (t.query_strings === 'all' || t.query_strings === 'none') queryStrings = t.query_strings
  else if (Array.isArray(t.query_strings)) queryStrings = r.stringList(t.query_strings, `${key}.query_strings`)
  else r.fail(`${key}.query_strings`, `expected "all", "none" or an array of names, got ${show(t.query_strings)}`, t.query_strings)
  return { defaultTtl, minTtl, maxTtl, headers, cookies, queryStrings }
}

function readBehavior(r: Reader, v: unknown, key: string, root: string, isDefault: boolean, originIds: Set<string>): BehaviorConfig {
  const t = r.table(v, key)
  const allowed = ['origin', 'cache', 'include_body', ...Object.keys(STAGE_KEYS)]
  r.unknownKeys(t, key, isDefault ? allowed : ['path_pattern', ...allowed])
  let pathPattern = '*'
  if (!isDefault) {
    pathPattern = r.string(t.path_pattern, `${key}.path_pattern`, true) as string
    if (pathPattern.length > 255 || !PATH_PATTERN_RE.test(pathPattern)) {
      r.fail(`${key}.path_pattern`, `not a CloudFront path pattern (max 255 chars of A-Z a-z 0-9 _ - . * $ / ~ " ' @ : + & ?): ${show(pathPattern)}`, pathPattern)
    }
  }
  const originId = r.string(t.origin, `${key}.origin`, true) as string
  if (!originIds.has(originId)) {
    r.fail(`${key}.origin`, `no [[edge.origins]] with id ${show(originId)} (known: ${[...originIds].join(', ') || 'none'})`, originId)
  }
  const functions: Partial<Record<Stage, string>> = {}
  for (const [k, stage] of Object.entries(STAGE_KEYS)) {
    const file = r.file_(t[k], `${key}.${k}`, root)
    if (file) functions[stage] = file
  }
  const includeBody = r.stringList(t.include_body, `${key}.include_body`).map((s, i) => {
    const stage = STAGE_NAMES[s]
    if (!stage) r.fail(`${key}.include_body[${i}]`, `unknown stage ${show(s)} (expected viewer_request or origin_request)`, s)
    if (stage !== 'viewer-request' && stage !== 'origin-request') {
      // [ISS-IB] "The IncludeBody option can only be used with viewer-request or origin-request events."
      r.fail(`${key}.include_body[${i}]`, `The IncludeBody option can only be used with viewer-request or origin-request events, got ${show(s)}`, s)
    }
    return stage
  })
  return { pathPattern, isDefault, originId, functions, includeBody: [...new Set(includeBody)], cache: readCache(r, t.cache, `${key}.cache`) }
}

function readOrigin(r: Reader, v: unknown, key: string, limits: LimitsProfile): OriginConfig {
  const t = r.table(v, key)
  r.unknownKeys(t, key, ['id', 'url', 'example', 'read_timeout', 'keepalive_timeout'])
  const id = r.string(t.id, `${key}.id`, true) as string
  const url = r.string(t.url, `${key}.url`, true) as string
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return r.fail(`${key}.url`, `not a URL: ${show(url)}`, url)
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') r.fail(`${key}.url`, `protocol must be http or https, got ${show(url)}`, url)
  if (u.username || u.password || u.search || u.hash) r.fail(`${key}.url`, `must be http(s)://host[:port][/path] without credentials, query or fragment, got ${show(url)}`, url)
  if (u.port) {
    // origin.custom.port: 80, 443, or 1024–65535 [EVT]
    const p = Number(u.port)
    if (p !== 80 && p !== 443 && (p < 1024 || p > 65535)) r.fail(`${key}.url`, `port must be 80, 443 or 1024-65535 (CloudFront custom origin), got ${p}`, url)
  }
  if (u.pathname !== '/' && u.pathname.endsWith('/')) r.fail(`${key}.url`, `origin path must not end with "/" (CloudFront), got ${show(url)}`, url)
  const example = r.bool(t.example, `${key}.example`)
  // readTimeout / keepaliveTimeout ranges differ between doc editions (reference §1.2): per limits profile.
  const readTimeout = r.int(t.read_timeout, `${key}.read_timeout`, limits.readTimeout.min, limits.readTimeout.max)
  const keepaliveTimeout = r.int(t.keepalive_timeout, `${key}.keepalive_timeout`, limits.keepaliveTimeout.min, limits.keepaliveTimeout.max)
  const o: OriginConfig = { id, url }
  if (example !== undefined) o.example = example
  if (readTimeout !== undefined) o.readTimeout = readTimeout
  if (keepaliveTimeout !== undefined) o.keepaliveTimeout = keepaliveTimeout
  return o
}

/**
 * Parses and validates the text of a `wrangler.toml`. `file` is used to resolve relative paths and in errors.
 *
 * @example
 * ```ts
 * const config = parseConfig('name = "x"\n[[edge.origins]]\nid = "app"\nurl = "http://localhost:3000"\n[edge.default_behavior]\norigin = "app"\n', '/app/wrangler.toml')
 * config.behaviors[0].pathPattern // '*'
 * ```
 */
export function parseConfig(source: string, file: string): EdgeConfig {
  const path = resolve(file)
  const root = dirname(path)
  const r: Reader = new Reader(file)
  let doc: Table
  try {
    doc = parseToml(source) as Table
  } catch (e) {
    return r.fail('(toml)', `not valid TOML: ${(e as Error).message.split('\n')[0]}`)
  }
  r.unknownKeys(doc, '', ['name', 'compatibility_date', 'vars', 'dev', 'edge', 'main', 'account_id', 'workers_dev'])
  const name = r.string(doc.name, 'name') ?? 'edgeware'
  let compatibilityDate: string | undefined
  if (doc.compatibility_date !== undefined) {
    const d = doc.compatibility_date
    const s = isTable(d) || Array.isArray(d) ? undefined : d instanceof Date ? d.toISOString().slice(0, 10) : String(d)
    if (!s || !/^\d{4}-\d{2}-\d{2}$/.test(s)) r.fail('compatibility_date', `expected a date "YYYY-MM-DD", got ${show(d)}`, d)
    compatibilityDate = s
  }

  const varsT = r.table(doc.vars, 'vars')
  const vars: Record<string, string | number | boolean> = {}
  for (const [k, v] of Object.entries(varsT)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) r.fail(`vars.${k}`, `not a valid variable name: ${show(k)}`, k)
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      r.fail(`vars.${k}`, `expected a string, number or boolean, got ${show(v)}`, v)
    }
    vars[k] = v
  }

  const devT = r.table(doc.dev, 'dev')
  r.unknownKeys(devT, 'dev', ['port'])
  const port = r.int(devT.port, 'dev.port', 0, 65535) ?? 8787

  const edgeT = r.table(doc.edge, 'edge')
  r.unknownKeys(edgeT, 'edge', ['runtime', 'limits', 'region', 'origins', 'default_behavior', 'behaviors', 'dynamodb', 'functions'])
  const runtime = r.string(edgeT.runtime, 'edge.runtime') ?? 'nodejs22.x'
  if (!RUNTIMES.has(runtime)) r.fail('edge.runtime', `expected one of ${[...RUNTIMES].join(', ')} (Lambda@Edge Node.js runtimes), got ${show(runtime)}`, runtime)
  const limitsName = edgeT.limits ?? 'classic'
  if (limitsName !== 'classic' && limitsName !== 'current') r.fail('edge.limits', `expected "classic" or "current", got ${show(limitsName)}`, limitsName)
  const limits = resolveLimits(limitsName)
  const region = r.string(edgeT.region, 'edge.region') ?? 'us-east-1'
  if (!/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(region)) r.fail('edge.region', `not an AWS region name: ${show(region)}`, region)

  if (edgeT.origins !== undefined && !Array.isArray(edgeT.origins)) r.fail('edge.origins', `expected an array of tables ([[edge.origins]]), got ${show(edgeT.origins)}`, edgeT.origins)
  const origins = ((edgeT.origins as unknown[] | undefined) ?? []).map((o, i) => readOrigin(r, o, `edge.origins[${i}]`, limits))
  if (origins.length === 0) r.fail('edge.origins', 'at least one [[edge.origins]] is required')
  const originIds = new Set<string>()
  origins.forEach((o, i) => {
    if (originIds.has(o.id)) r.fail(`edge.origins[${i}].id`, `duplicate origin id ${show(o.id)}`, o.id)
    originIds.add(o.id)
  })

  if (edgeT.default_behavior === undefined) r.fail('edge.default_behavior', 'is required (the behavior for every path no other behavior matches)')
  if (edgeT.behaviors !== undefined && !Array.isArray(edgeT.behaviors)) r.fail('edge.behaviors', `expected an array of tables ([[edge.behaviors]]), got ${show(edgeT.behaviors)}`, edgeT.behaviors)
  const behaviors = ((edgeT.behaviors as unknown[] | undefined) ?? []).map((b, i) => readBehavior(r, b, `edge.behaviors[${i}]`, root, false, originIds))
  const seen = new Set<string>()
  behaviors.forEach((b, i) => {
    if (seen.has(b.pathPattern)) r.fail(`edge.behaviors[${i}].path_pattern`, `duplicate path pattern ${show(b.pathPattern)}`, b.pathPattern)
    seen.add(b.pathPattern)
  })
  behaviors.push(readBehavior(r, edgeT.default_behavior, 'edge.default_behavior', root, true, originIds))

  let dynamodb: EdgeConfig['edge']['dynamodb']
  if (edgeT.dynamodb !== undefined) {
    const t = r.table(edgeT.dynamodb, 'edge.dynamodb')
    r.unknownKeys(t, 'edge.dynamodb', ['local', 'table', 'seed'])
    const table = r.string(t.table, 'edge.dynamodb.table', true) as string
    if (!/^[A-Za-z0-9_.-]{3,255}$/.test(table)) r.fail('edge.dynamodb.table', `not a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -): ${show(table)}`, table)
    const seed = r.file_(t.seed, 'edge.dynamodb.seed', root)
    dynamodb = { local: r.bool(t.local, 'edge.dynamodb.local') ?? false, table, ...(seed ? { seed } : {}) }
  }

  // Functions: one per entry file, in first-use order.
  const byEntry = new Map<string, FunctionConfig>()
  for (const b of behaviors) {
    for (const [stage, entry] of Object.entries(b.functions) as [Stage, string][]) {
      let f = byEntry.get(entry)
      if (!f) {
        f = { name: functionName(root, entry), entry, stages: [], behaviors: [] }
        byEntry.set(entry, f)
      }
      if (!f.stages.includes(stage)) f.stages.push(stage)
      if (!f.behaviors.includes(b.pathPattern)) f.behaviors.push(b.pathPattern)
    }
  }
  const functions = [...byEntry.values()]
  const names = new Map<string, string>()
  for (const f of functions) {
    const other = names.get(f.name)
    if (other) r.fail('edge', `two entries give the same function name ${show(f.name)}: ${other} and ${f.entry}`, f.name)
    names.set(f.name, f.entry)
  }
  const fnT = r.table(edgeT.functions, 'edge.functions')
  for (const [n, v] of Object.entries(fnT)) {
    const key = `edge.functions.${n}`
    const f = functions.find((x) => x.name === n)
    if (!f) r.fail(key, `no function named ${show(n)} is associated with a behavior (known: ${[...names.keys()].join(', ') || 'none'})`, n)
    const t = r.table(v, key)
    r.unknownKeys(t, key, ['memory', 'timeout'])
    // The tightest trigger limit of every stage the function serves (reference §4.1).
    const maxMem = Math.min(...f.stages.map((s) => triggerLimits(s, limits).memoryMb))
    const maxTimeout = Math.min(...f.stages.map((s) => triggerLimits(s, limits).timeoutMs / 1000))
    const memoryMb = r.int(t.memory, `${key}.memory`, 128, 10_240)
    if (memoryMb !== undefined && memoryMb > maxMem) {
      r.fail(`${key}.memory`, `The function memory size is larger than the maximum allowed size for functions that are triggered by a CloudFront event: ${memoryMb} Max allowed: ${maxMem} (limits = "${limits.name}")`, memoryMb)
    }
    const timeoutS = r.int(t.timeout, `${key}.timeout`, 1, 900)
    if (timeoutS !== undefined && timeoutS > maxTimeout) {
      r.fail(`${key}.timeout`, `The function timeout is larger than the maximum allowed for functions that are triggered by a CloudFront event: ${timeoutS} Max allowed: ${maxTimeout} (limits = "${limits.name}")`, timeoutS)
    }
    if (memoryMb !== undefined) f.memoryMb = memoryMb
    if (timeoutS !== undefined) f.timeoutS = timeoutS
  }

  return {
    path,
    root,
    name,
    ...(compatibilityDate ? { compatibilityDate } : {}),
    vars,
    dev: { port },
    edge: { runtime, limitsName, limits, region, origins, ...(dynamodb ? { dynamodb } : {}) },
    behaviors,
    functions,
  }
}

/**
 * Reads, parses and validates a `wrangler.toml`.
 *
 * @example
 * ```ts
 * const config = await loadConfig('wrangler.toml')
 * for (const f of config.functions) console.log(f.name, f.stages)
 * ```
 */
export async function loadConfig(file: string): Promise<EdgeConfig> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (e) {
    throw new ConfigError(file, '(file)', `cannot read config: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file)
  }
  return parseConfig(text, file)
}

/**
 * Synchronous `loadConfig`.
 *
 * @example
 * ```ts
 * const config = loadConfigSync('wrangler.toml')
 * ```
 */
export function loadConfigSync(file: string): EdgeConfig {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    throw new ConfigError(file, '(file)', `cannot read config: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file)
  }
  return parseConfig(text, file)
}
