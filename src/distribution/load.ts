/**
 * `parseConfig` / `loadConfig`: `wrangler.toml` (with an optional `[env.<name>]` overlay) → the validated
 * distribution model, every problem of the file reported at once.
 */
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { parse as parseToml, TomlError } from 'smol-toml'
import { resolveLimits } from '../cloudfront/limits.js'
import { readBehaviors } from './behaviors.js'
import { overlayEnv, TOP_LEVEL_KEYS } from './env.js'
import { readDefaultRootObject, readErrorResponses } from './error-responses.js'
import { readCloudFrontFunctions, readFunctions, readKeyValueStores } from './functions.js'
import { readDev, readDynamoDb } from './local.js'
import type { EdgeConfig } from './model.js'
import { AWS_REGION } from './names.js'
import { lambdaHostWarnings, readOriginGroups, readOrigins } from './origins.js'
import { readPolicies } from './policies.js'
import { ConfigError, isTable, Reader, show, type Table } from './problems.js'

/**
 * Options of {@link loadConfig} / {@link parseConfig}.
 *
 * @example
 * ```ts
 * const options: LoadOptions = { env: 'staging' }
 * const config = await loadConfig('wrangler.toml', options) // [env.staging] applied over the top-level keys
 * ```
 */
export interface LoadOptions {
  /** Apply `[env.<name>]` over the top-level keys (`--env <name>`). */
  env?: string
}

/** Lambda@Edge Node.js runtimes (lambda-edge.md §4.3). */
const RUNTIMES = ['nodejs20.x', 'nodejs22.x', 'nodejs24.x']
const EDGE_KEYS = [
  'runtime',
  'limits',
  'region',
  'default_root_object',
  'origins',
  'origin_groups',
  'default_behavior',
  'behaviors',
  'cache_policies',
  'origin_request_policies',
  'response_headers_policies',
  'custom_error_responses',
  'functions',
  'cloudfront_functions',
  'key_value_stores',
  'dynamodb',
]

function parseDocument(source: string, file: string): Table {
  try {
    return parseToml(source) as Table
  } catch (e) {
    if (e instanceof TomlError) {
      const reason = e.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '')
      throw new ConfigError(file, [{ key: '(toml)', message: `not valid TOML: ${reason}`, line: e.line, column: e.column }])
    }
    throw new ConfigError(file, '(toml)', `not valid TOML: ${(e as Error).message.split('\n')[0]}`)
  }
}

/** The dotted keys a document sets: leaves of tables, arrays of tables by index. */
function leafKeys(v: unknown, path: string, out: string[]): string[] {
  if (isTable(v)) for (const [k, x] of Object.entries(v)) leafKeys(x, path ? `${path}.${k}` : k, out)
  else if (Array.isArray(v) && v.length > 0 && v.every(isTable)) v.forEach((x, i) => leafKeys(x, `${path}[${i}]`, out))
  else out.push(path)
  return out
}

function readTop(r: Reader, doc: Table) {
  r.unknownKeys(doc, '', TOP_LEVEL_KEYS.filter((k) => k !== 'env'))
  const name = r.string(doc.name, 'name') ?? 'edgeware'
  let compatibilityDate: string | undefined
  if (doc.compatibility_date !== undefined) {
    const d = doc.compatibility_date
    const s = isTable(d) || Array.isArray(d) ? undefined : d instanceof Date ? d.toISOString().slice(0, 10) : String(d)
    if (!s || !/^\d{4}-\d{2}-\d{2}$/.test(s)) r.fail('compatibility_date', `expected a date "YYYY-MM-DD", got ${show(d)}`, d)
    else compatibilityDate = s
  }
  const vars: EdgeConfig['vars'] = {}
  for (const [k, v] of Object.entries(r.table(doc.vars, 'vars') ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) r.fail(`vars.${k}`, `not a valid variable name: ${show(k)}`, k)
    else if (k === '__proto__') r.fail(`vars.${k}`, `not a valid variable name: ${show(k)} is the prototype of process.env, not a variable`, k)
    else if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') r.fail(`vars.${k}`, `expected a string, number or boolean, got ${show(v)}`, v)
    else vars[k] = v
  }
  return { name, ...(compatibilityDate ? { compatibilityDate } : {}), vars }
}

function readEdgeBasics(r: Reader, edge: Table) {
  r.unknownKeys(edge, 'edge', EDGE_KEYS)
  const runtime = r.oneOf(edge.runtime, 'edge.runtime', RUNTIMES, ' (Lambda@Edge Node.js runtimes)') ?? 'nodejs22.x'
  const limitsName = r.oneOf(edge.limits, 'edge.limits', ['classic', 'current'] as const) ?? 'classic'
  const region = r.string(edge.region, 'edge.region') ?? 'us-east-1'
  if (!AWS_REGION.test(region)) r.fail('edge.region', `not an AWS region name: ${show(region)}`, region)
  return { runtime, limitsName, limits: resolveLimits(limitsName), region }
}

/**
 * Parses and validates the text of a `wrangler.toml`. `file` is used to resolve relative paths and in errors.
 * Throws one `ConfigError` listing every problem.
 *
 * @example
 * ```ts
 * const config = parseConfig('name = "x"\n[[edge.origins]]\nid = "app"\nurl = "http://localhost:3000"\n[edge.default_behavior]\norigin = "app"\n', '/app/wrangler.toml')
 * config.behaviors[0].pathPattern // '*'
 * ```
 */
export function parseConfig(source: string, file: string, opts: LoadOptions = {}): EdgeConfig {
  const path = resolve(file)
  const root = dirname(path)
  const { doc, fromEnv } = overlayEnv(parseDocument(source, file), opts.env, file)
  const envKey = (key: string): string => (fromEnv.some((p) => key === p || key.startsWith(`${p}.`) || key.startsWith(`${p}[`)) ? `env.${opts.env}.${key}` : key)
  const r = new Reader(file, root, envKey)
  const top = readTop(r, doc)
  const dev = readDev(r, doc)
  const edge = r.table(doc.edge, 'edge') ?? {}
  const basics = readEdgeBasics(r, edge)
  const warnings: string[] = []
  const origins = readOrigins(r, edge, basics.limits, warnings, basics.region)
  const originGroups = readOriginGroups(r, edge, origins)
  const policies = readPolicies(r, edge)
  const behaviors = readBehaviors(r, edge, {
    origins: new Map(origins.map((o) => [o.id, o])),
    groups: new Map(originGroups.map((g) => [g.id, g])),
    policies,
    ...(opts.env !== undefined && fromEnv.includes('edge.origins') ? { originsFromEnv: opts.env } : {}),
  })
  warnings.push(...lambdaHostWarnings(behaviors, origins, originGroups))
  const functions = readFunctions(r, edge, root, behaviors, basics.limits)
  const keyValueStores = readKeyValueStores(r, edge)
  const cloudfrontFunctions = readCloudFrontFunctions(r, edge, behaviors, keyValueStores)
  const customErrorResponses = readErrorResponses(r, edge, warnings)
  const defaultRootObject = readDefaultRootObject(r, edge)
  const dynamodb = readDynamoDb(r, edge)
  r.done()
  const lists = policies.lists()
  return {
    path,
    root,
    ...(opts.env !== undefined ? { env: opts.env } : {}),
    ...top,
    dev,
    edge: {
      ...basics,
      origins,
      originGroups,
      cachePolicies: lists.cache,
      originRequestPolicies: lists.originRequest,
      responseHeadersPolicies: lists.responseHeaders,
      customErrorResponses,
      ...(defaultRootObject !== undefined ? { defaultRootObject } : {}),
      keyValueStores,
      ...(dynamodb ? { dynamodb } : {}),
    },
    behaviors,
    functions,
    cloudfrontFunctions,
    givenKeys: leafKeys(doc, '', []),
    warnings,
  }
}

const cannotRead = (file: string, e: unknown): ConfigError =>
  new ConfigError(file, '(file)', `cannot read config: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file)

/**
 * Reads, parses and validates a `wrangler.toml`, with `[env.<name>]` applied when `env` is given.
 *
 * @example
 * ```ts
 * const config = await loadConfig('wrangler.toml', { env: 'production' })
 * for (const f of config.functions) console.log(f.name, f.stages)
 * ```
 */
export async function loadConfig(file: string, opts: LoadOptions = {}): Promise<EdgeConfig> {
  const text = await readFile(file, 'utf8').catch((e: unknown) => {
    throw cannotRead(file, e)
  })
  return parseConfig(text, file, opts)
}

/**
 * Synchronous `loadConfig`.
 *
 * @example
 * ```ts
 * const config = loadConfigSync('wrangler.toml')
 * ```
 */
export function loadConfigSync(file: string, opts: LoadOptions = {}): EdgeConfig {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    throw cannotRead(file, e)
  }
  return parseConfig(text, file, opts)
}
