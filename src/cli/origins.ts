/**
 * `edgeware origins put|get|list|delete|create-table|import|export|diff`: manage the DynamoDB origin table, local,
 * self-run or on AWS, and move rules between tables and seed files.
 */
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { relative, resolve } from 'node:path'
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { loadEnvConfig } from '../build/environment.js'
import { ConfigError } from '../distribution/index.js'
import { DevTableError, openDevTable } from '../origin/dev-table.js'
import { readSeedFile } from '../origin/local.js'
import { describeItem } from '../origin/schema.js'
import { diffRules, exportRules, formatRulesDiff, importRules } from '../origin/sync.js'
import { createOriginTable, createTableClient, deleteRule, getRule, listRules, putRules } from '../origin/table.js'
import { parseCommand, usageError } from './args.js'

const USAGE = `usage: edgeware origins <command> [options]

commands:
  put           write rules:  --host H --prefix /P --type custom|s3 --domain D [--protocol http|https] [--port N]
                [--path /p] [--header name=value]... [--host-header H] [--ssl-protocols TLSv1.2,…]
                [--read-timeout S] [--keepalive-timeout S] [--auth-method none|origin-access-identity] [--s3-region R]
                or --file rules.json (an array of rules, or { "rules": [...] })
  get           print one rule: --host H --prefix /P
  list          print every rule (or one host's: --host H)
  delete        delete one rule: --host H --prefix /P
  create-table  create the table (host HASH, pathPrefix RANGE, on-demand) [--seed rules.json]
  import        write every rule of a seed file: --file rules.json (with --local: default the config's seed)
                [--replace: also delete the table's other rules]
  export        print every rule in the seed file format, or write it: [--file rules.json]
  diff          what to add, remove and change to go from one set of rules to another:
                diff <to>          from the table (table options) to <to>
                diff <from> <to>   each a seed file or dynamodb://TABLE[?region=R&endpoint=URL&profile=P]
                exit code 0: the same, 1: different, 2: usage error or failure

table options:
  --table T        table name (default: with --local the config's, else $ORIGINS_TABLE, else edge-origins)
  --endpoint URL   DynamoDB endpoint (e.g. http://127.0.0.1:8000; default $AWS_ENDPOINT_URL_DYNAMODB)
  --local [PORT]   a local DynamoDB: http://127.0.0.1:PORT; without a port $EDGEWARE_DYNAMODB_ENDPOINT, else the
                   config's [edge.dynamodb] table: its running edgeware dev's, the table kept in persist (opened
                   here when no dev server runs), or the self-run endpoint
  --config FILE    the wrangler.toml --local reads (default ./wrangler.toml)
  --env NAME       its environment [env.NAME] (the dev server started with --env NAME)
  --region R       AWS region (default $AWS_REGION, else us-east-1)
  --profile P      an AWS profile (default: the usual AWS chain)

Every rule is validated (table schema and CloudFront's origin rules) before anything is written.`

class UsageError extends Error {}

const OPTIONS = {
  table: { type: 'string' },
  endpoint: { type: 'string' },
  local: { type: 'string' },
  region: { type: 'string' },
  host: { type: 'string' },
  prefix: { type: 'string' },
  type: { type: 'string' },
  domain: { type: 'string' },
  protocol: { type: 'string' },
  port: { type: 'string' },
  path: { type: 'string' },
  header: { type: 'string', multiple: true },
  'host-header': { type: 'string' },
  'ssl-protocols': { type: 'string' },
  'read-timeout': { type: 'string' },
  'keepalive-timeout': { type: 'string' },
  'auth-method': { type: 'string' },
  's3-region': { type: 'string' },
  file: { type: 'string' },
  seed: { type: 'string' },
  profile: { type: 'string' },
  replace: { type: 'boolean' },
  config: { type: 'string' },
  env: { type: 'string' },
} as const

/** `--local` with no value (or followed by another option): $EDGEWARE_DYNAMODB_ENDPOINT, else the config's table. */
function normaliseLocal(args: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === '--local' && !/^\d+$/.test(args[i + 1] ?? '')) out.push('--local=')
    else out.push(a)
  }
  return out
}

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a whole number, got ${JSON.stringify(v)}`)
  return Number(v)
}

function need(name: string, v: string | undefined): string {
  if (v === undefined || v === '') throw new UsageError(`--${name} is required`)
  return v
}

type Values = Exclude<ReturnType<typeof parseCommand<typeof OPTIONS>>, number>['values']

/** Where the commands run: an endpoint (or the AWS chain's), the table, and what closes it afterwards. */
interface Target {
  endpoint?: string
  table: string
  /** The config's seed, for `import --local` without `--file`. */
  seed?: string
  close(): Promise<void>
}

/** The table options: `--endpoint`, `--local PORT`, `--local` ($EDGEWARE_DYNAMODB_ENDPOINT, else the config's table), or AWS. */
async function targetOf(v: Values): Promise<Target> {
  const table = v.table ?? process.env.ORIGINS_TABLE ?? 'edge-origins'
  const plain = (endpoint?: string): Target => ({ ...(endpoint ? { endpoint } : {}), table, close: async () => {} })
  if (v.endpoint !== undefined && v.local !== undefined) throw new UsageError('give either --endpoint or --local, not both')
  if ((v.config !== undefined || v.env !== undefined) && v.local !== '') throw new UsageError('--config and --env choose the table of --local (without a port)')
  if (v.endpoint !== undefined) {
    if (!/^https?:\/\//.test(v.endpoint)) throw new UsageError(`--endpoint must be an http(s) URL, got ${JSON.stringify(v.endpoint)}`)
    return plain(v.endpoint)
  }
  if (v.local === undefined) return plain()
  if (v.local !== '') {
    const port = int('local', v.local)!
    if (port < 1 || port > 65535) throw new UsageError(`--local port must be 1–65535, got ${port}`)
    return plain(`http://127.0.0.1:${port}`)
  }
  const env = process.env.EDGEWARE_DYNAMODB_ENDPOINT
  if (env) return plain(env)
  return configTable(v)
}

/** `--local` alone: the table of the config's `[edge.dynamodb]` (openDevTable says where it is, on stderr). */
async function configTable(v: Values): Promise<Target> {
  const file = resolve(v.config ?? 'wrangler.toml')
  if (!existsSync(file)) {
    throw new UsageError(
      v.config === undefined
        ? `--local without a port reads the [edge.dynamodb] of ./wrangler.toml, and there is none here: name it with --config FILE, or pass --local <port> (or set $EDGEWARE_DYNAMODB_ENDPOINT)`
        : `--config: no config at ${v.config}`,
    )
  }
  let config
  try {
    config = await loadEnvConfig(file, v.env)
  } catch (e) {
    if (e instanceof ConfigError) throw new Error(`invalid config: ${e.message}`)
    throw e
  }
  let opened
  try {
    opened = await openDevTable(config, { use: 'tool', onProblem: (m) => console.error(`edgeware origins: ${m}`) })
  } catch (e) {
    if (e instanceof DevTableError) throw new Error(`--local: ${e.message}`)
    throw e
  }
  for (const l of opened.lines) console.error(`edgeware origins: ${l}`)
  const seed = config.edge.dynamodb?.seed
  return { endpoint: opened.endpoint, table: v.table ?? opened.table, ...(seed ? { seed } : {}), close: () => opened.close() }
}

/** Builds a rule from the flags of `put`. */
function ruleFromFlags(v: Values): Record<string, unknown> {
  const type = need('type', v.type)
  if (type !== 'custom' && type !== 's3') throw new UsageError(`--type must be custom or s3, got ${JSON.stringify(type)}`)
  const rule: Record<string, unknown> = { host: need('host', v.host), pathPrefix: v.prefix ?? '/', type, domainName: need('domain', v.domain) }
  const set = (k: string, val: unknown) => {
    if (val !== undefined) rule[k] = val
  }
  set('protocol', v.protocol)
  set('port', int('port', v.port))
  set('path', v.path)
  set('hostHeader', v['host-header'])
  set('sslProtocols', v['ssl-protocols']?.split(',').map((s) => s.trim()))
  set('readTimeout', int('read-timeout', v['read-timeout']))
  set('keepaliveTimeout', int('keepalive-timeout', v['keepalive-timeout']))
  set('authMethod', v['auth-method'])
  set('region', v['s3-region'])
  if (v.header && v.header.length > 0) {
    const headers: Record<string, string> = {}
    for (const h of v.header) {
      const eq = h.indexOf('=')
      if (eq <= 0) throw new UsageError(`--header must be name=value, got ${JSON.stringify(h)}`)
      headers[h.slice(0, eq)] = h.slice(eq + 1)
    }
    rule.customHeaders = headers
  }
  return rule
}

/** `--host` and `--prefix` of `get` / `delete`, and how messages name the rule. */
function ruleKey(v: Values): { host: string; prefix: string; name: string } {
  const host = need('host', v.host)
  const prefix = need('prefix', v.prefix)
  return { host, prefix, name: describeItem({ host, pathPrefix: prefix }) }
}

type Command = (v: Values, client: DynamoDBClient, table: string, positionals: string[], target: Target) => Promise<number>

/** A set of rules to compare: a seed file, or `dynamodb://TABLE?region=&endpoint=&profile=`. */
async function rulesOf(spec: string): Promise<Record<string, unknown>[]> {
  if (!spec.startsWith('dynamodb://')) return (await readSeedFile(spec)) as Record<string, unknown>[]
  const u = new URL(spec)
  const table = decodeURIComponent(u.host + u.pathname).replace(/\/$/, '')
  if (!table) throw new UsageError(`${spec}: no table name (dynamodb://TABLE)`)
  const endpoint = u.searchParams.get('endpoint') ?? undefined
  if (endpoint !== undefined && !/^https?:\/\//.test(endpoint)) throw new UsageError(`${spec}: endpoint must be an http(s) URL`)
  const client = createTableClient({ region: u.searchParams.get('region') ?? undefined, endpoint, profile: u.searchParams.get('profile') ?? undefined })
  try {
    return await listRules(client, table)
  } finally {
    client.destroy()
  }
}

/** The commands, by name (checked before a client is created). */
const COMMANDS: Record<string, Command> = {
  'create-table': async (v, client, table) => {
    const created = await createOriginTable(client, table)
    console.log(created ? `created table ${table}` : `table ${table} already exists`)
    if (v.seed) console.log(`seeded ${await putRules(client, table, await readSeedFile(v.seed))} rule(s) from ${v.seed}`)
    return 0
  },
  put: async (v, client, table) => {
    const rules = v.file ? await readSeedFile(v.file) : [ruleFromFlags(v)]
    console.log(`put ${await putRules(client, table, rules)} rule(s) into ${table}`)
    return 0
  },
  get: async (v, client, table) => {
    const k = ruleKey(v)
    const rule = await getRule(client, table, k.host, k.prefix)
    if (!rule) return noRule(k.name, table)
    console.log(JSON.stringify(rule, null, 2))
    return 0
  },
  list: async (v, client, table) => {
    console.log(JSON.stringify(await listRules(client, table, v.host), null, 2))
    return 0
  },
  import: async (v, client, table, _p, target) => {
    const file = v.file ?? (target.seed && relative(process.cwd(), target.seed))
    const r = await importRules(client, table, await readSeedFile(need('file', file)), { replace: v.replace === true })
    console.log(`imported ${r.written} rule(s) from ${file} into ${table}${v.replace ? `, deleted ${r.deleted} other rule(s)` : ''}`)
    return 0
  },
  export: async (v, client, table) => {
    const text = JSON.stringify(await exportRules(client, table), null, 2) + '\n'
    if (v.file === undefined) console.log(text.trimEnd())
    else {
      await writeFile(v.file, text)
      console.log(`exported ${table} to ${v.file}`)
    }
    return 0
  },
  diff: async (_v, client, table, positionals) => {
    if (positionals.length < 1 || positionals.length > 2) throw new UsageError('diff takes <to>, or <from> <to>')
    const from = positionals.length === 2 ? await rulesOf(positionals[0]!) : await listRules(client, table)
    const to = await rulesOf(positionals[positionals.length - 1]!)
    const lines = formatRulesDiff(diffRules(from, to))
    for (const l of lines) console.log(l)
    return lines.length > 1 ? 1 : 0
  },
  delete: async (v, client, table) => {
    const k = ruleKey(v)
    if (!(await deleteRule(client, table, k.host, k.prefix))) return noRule(k.name, table)
    console.log(`deleted ${k.name} from ${table}`)
    return 0
  },
}

function noRule(name: string, table: string): number {
  console.error(`edgeware origins: no rule for ${name} in ${table}`)
  return 1
}

/**
 * `edgeware origins …`: resolves to the exit code (0 ok, 1 failed, 2 usage).
 *
 * @example
 * ```ts
 * await run(['put', '--local', '8000', '--host', 'blog.localhost', '--prefix', '/', '--type', 'custom',
 *   '--domain', 'localhost', '--protocol', 'http', '--port', '8789'])
 * ```
 */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('origins', USAGE, normaliseLocal(args), OPTIONS, true)
  if (typeof parsed === 'number') return parsed
  const { values, positionals } = parsed
  const cmd = positionals[0]
  if (!cmd) {
    console.log(USAGE)
    return 2
  }
  let client: DynamoDBClient | undefined
  let target: Target | undefined
  try {
    if (positionals.length > 1 && cmd !== 'diff') throw new UsageError(`unexpected argument ${JSON.stringify(positionals[1])}`)
    const command = Object.hasOwn(COMMANDS, cmd) ? COMMANDS[cmd]! : undefined
    if (!command) throw new UsageError(`unknown origins command ${JSON.stringify(cmd)}`)
    target = await targetOf(values)
    client = createTableClient({ region: values.region, endpoint: target.endpoint, ...(values.profile ? { profile: values.profile } : {}) })
    return await command(values, client, target.table, positionals.slice(1), target)
  } catch (e) {
    if (e instanceof UsageError) return usageError('origins', USAGE, e.message)
    const err = e as Error & { code?: string }
    if (err.code === 'ECONNREFUSED' && target?.endpoint !== undefined) {
      console.error(`edgeware origins: no DynamoDB answers at ${target.endpoint} (${err.message}): start one there (edgeware dev, DynamoDB Local, dynalite), or name another with --local PORT or --endpoint URL`)
    } else console.error(`edgeware origins: ${err.name === 'Error' ? '' : err.name + ': '}${err.message}`)
    // diff's 1 means "different": trouble is 2, as for diff(1)
    return cmd === 'diff' ? 2 : 1
  } finally {
    client?.destroy()
    await target?.close()
  }
}
