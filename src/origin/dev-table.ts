/**
 * The origin table a config's `[edge.dynamodb]` names, as the local tools reach it: `edgeware dev` and
 * `edgeware invoke --local` bake its endpoint into the functions, `edgeware origins … --local` manages it.
 *
 * - `local = true`: dynalite in this process (on `port`, kept in `persist`), or the table of the config's running
 *   `edgeware dev` (its state file, see dev-state.ts) for invoke and the tools;
 * - `local = false` with `endpoint`: a self-run DynamoDB Local or dynalite there;
 * - `local = false` alone: the real table, in `region` (else the AWS chain's Region, else the edge's), through a
 *   relay that signs with this process's AWS credentials (relay.ts).
 */
import { relative } from 'node:path'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { DynamoDbConfig, EdgeConfig } from '../distribution/model.js'
import { findRunningDev, probeTable, writeDevState } from './dev-state.js'
import { LocalDynamoError, startLocalDynamo } from './local.js'
import { startSigningRelay } from './relay.js'

/** Who opens the table: the dev server itself, `edgeware invoke --local`, or a table tool (`edgeware origins`). */
export type DevTableUse = 'dev' | 'invoke' | 'tool'

/**
 * Options of {@link openDevTable}.
 *
 * @example
 * ```ts
 * const opts: DevTableOptions = { use: 'dev', port: 8000, onProblem: (m) => console.warn(m) }
 * ```
 */
export interface DevTableOptions {
  use: DevTableUse
  /** The local DynamoDB's port instead of `[edge.dynamodb] port` (`--dynamodb-port`). */
  port?: number
  /** A problem found on the way, one line: a running dev server's state file found stale, no credentials for the real table. */
  onProblem?: (message: string) => void
}

/**
 * The origin table, open.
 *
 * @example
 * ```ts
 * const t: DevTable = await openDevTable(config, { use: 'invoke' })
 * for (const l of t.lines) console.error(l)
 * await t.close()
 * ```
 */
export interface DevTable {
  /** `local`: started by this process; `running`: a running edgeware dev's; `self-run`: `endpoint`; `aws`: the real table. */
  kind: 'local' | 'running' | 'self-run' | 'aws'
  table: string
  /** What the functions and the tools send DynamoDB requests to. */
  endpoint: string
  /** For people, one line each: where the table is, what was loaded into it, what it needs. */
  lines: string[]
  close(): Promise<void>
}

/**
 * Why a tool can't reach the table `[edge.dynamodb]` names (the message says what to do instead).
 *
 * @example
 * ```ts
 * try { await openDevTable(config, { use: 'tool' }) } catch (e) { if (e instanceof DevTableError) console.error(e.message) }
 * ```
 */
export class DevTableError extends Error {
  override name = 'DevTableError'
}

const shown = (path: string): string => relative(process.cwd(), path) || '.'

/** The Region of the AWS chain (AWS_REGION, the profile's `region`), if it names one. */
async function chainRegion(): Promise<string | undefined> {
  const client = new DynamoDBClient({})
  try {
    return await client.config.region()
  } catch {
    return undefined
  } finally {
    client.destroy()
  }
}

/** dynalite in this process, announced in the state file when the dev server runs it. */
async function startLocal(config: EdgeConfig, db: DynamoDbConfig, opts: DevTableOptions, lines: string[]): Promise<DevTable> {
  let local
  try {
    // (a tool's own server is a private one for the length of a command: any free port)
    const port = opts.use === 'tool' ? 0 : (opts.port ?? db.port ?? 0)
    local = await startLocalDynamo({ table: db.table, ...(db.seed ? { seed: db.seed } : {}), ...(db.persist ? { persist: db.persist } : {}), port })
  } catch (e) {
    if (!(e instanceof LocalDynamoError)) throw e
    if (e.code !== 'port-in-use') throw new DevTableError(e.message)
    throw new DevTableError(`local DynamoDB (${db.table}): ${e.message} with [edge.dynamodb] port${opts.use === 'dev' ? ' or --dynamodb-port <n>' : ''}`)
  }
  if (opts.use !== 'tool') lines.push(`local DynamoDB (${db.table}) on ${local.endpoint}${db.persist ? `, kept in ${shown(db.persist)}` : ', in memory'}`)
  if (local.created && db.seed) lines.push(`  new table: ${local.seeded} rule(s) loaded from the seed ${shown(db.seed)}`)
  else if (!local.created && opts.use !== 'tool') lines.push(`  the table is kept from an earlier run: the seed is not loaded (edgeware origins import --local --replace reloads it)`)
  let remove = (): void => {}
  if (opts.use === 'dev') {
    remove = writeDevState({
      pid: process.pid,
      endpoint: local.endpoint,
      table: db.table,
      config: config.path,
      ...(config.env ? { env: config.env } : {}),
      started: new Date().toISOString(),
    })
    process.on('exit', remove)
  }
  return {
    kind: 'local',
    table: db.table,
    endpoint: local.endpoint,
    lines,
    close: async () => {
      process.off('exit', remove)
      remove()
      await local.close()
    },
  }
}

/** A self-run DynamoDB at `[edge.dynamodb] endpoint`; dev and invoke say when it isn't ready. */
async function selfRun(db: DynamoDbConfig & { endpoint: string }, opts: DevTableOptions, lines: string[]): Promise<DevTable> {
  lines.push(`origin table ${db.table} on the self-run DynamoDB at ${db.endpoint} ([edge.dynamodb] endpoint: edgeware neither starts nor seeds it)`)
  if (opts.use !== 'tool') {
    const state = await probeTable(db.endpoint, db.table)
    if (state === 'unreachable') opts.onProblem?.(`nothing answers at ${db.endpoint} ([edge.dynamodb] endpoint): start your DynamoDB Local or dynalite there; origin lookups fail until then`)
    if (state === 'no-table') opts.onProblem?.(`the DynamoDB at ${db.endpoint} has no table ${db.table}: edgeware origins create-table --endpoint ${db.endpoint} --table ${db.table}${db.seed ? ` --seed ${shown(db.seed)}` : ''}`)
  }
  return { kind: 'self-run', table: db.table, endpoint: db.endpoint, lines, close: async () => {} }
}

/** The real table, through the signing relay. */
async function realTable(config: EdgeConfig, db: DynamoDbConfig, opts: DevTableOptions, lines: string[]): Promise<DevTable> {
  const fromChain = db.region === undefined ? await chainRegion() : undefined
  const region = db.region ?? fromChain ?? config.edge.region
  const source = db.region !== undefined ? '[edge.dynamodb] region' : fromChain !== undefined ? 'the AWS chain' : 'the edge region'
  const relay = await startSigningRelay({ table: db.table, region, ...(opts.onProblem ? { onProblem: opts.onProblem } : {}) })
  const profile = process.env.AWS_PROFILE ? `AWS_PROFILE=${process.env.AWS_PROFILE}` : 'AWS_PROFILE, AWS_ACCESS_KEY_ID…, SSO or ~/.aws'
  lines.push(`origin table ${db.table}: the real table in ${region} (${source}) at ${relay.upstream}`)
  lines.push(`  signed with this shell's AWS credentials (${profile}); they need dynamodb:Query on arn:aws:dynamodb:${region}:<account>:table/${db.table}`)
  // Resolved now so that missing credentials are said at the start (onProblem), not at the first lookup.
  void relay.credentials()
  return { kind: 'aws', table: db.table, endpoint: relay.endpoint, lines, close: () => relay.close() }
}

/**
 * Opens the origin table of `config` for `use`. `lines` say where it is; `onProblem` hears of a running dev
 * server's state file found stale (and why it is ignored) or a self-run DynamoDB not answering. A tool gets a {@link DevTableError} when there's nothing it can open:
 * an in-memory table with no dev server running, or the real table (tools reach it without `--local`).
 *
 * @example
 * ```ts
 * const table = await openDevTable(config, { use: 'dev', onProblem: (m) => console.warn(m) })
 * // bake table.endpoint into the functions; print table.lines
 * await table.close()
 * ```
 */
export async function openDevTable(config: EdgeConfig, opts: DevTableOptions): Promise<DevTable> {
  const db = config.edge.dynamodb
  const name = `${shown(config.path)}${config.env ? ` (env ${config.env})` : ''}`
  if (!db) throw new DevTableError(`${name} has no [edge.dynamodb] table`)
  const lines: string[] = []
  if (db.local && opts.use !== 'dev') {
    const { running, stale } = await findRunningDev(config.path, config.env)
    if (stale) opts.onProblem?.(stale)
    if (running) {
      lines.push(`the origin table ${running.table} of the running edgeware dev (pid ${running.pid}) on ${running.endpoint}`)
      return { kind: 'running', table: running.table, endpoint: running.endpoint, lines, close: async () => {} }
    }
  }
  if (db.local) {
    if (opts.use === 'tool' && !db.persist) {
      throw new DevTableError(
        `no edgeware dev is running for ${name}, and its local table lives only while one runs (no [edge.dynamodb] persist): start edgeware dev, keep the table with persist = ".edgeware/dynamodb", or name a port with --local <port>`,
      )
    }
    if (opts.use === 'tool') lines.push(`no edgeware dev is running for ${name}: opening the table kept in ${shown(db.persist!)} here`)
    return startLocal(config, db, opts, lines)
  }
  if (db.endpoint !== undefined) return selfRun({ ...db, endpoint: db.endpoint }, opts, lines)
  if (opts.use === 'tool') {
    throw new DevTableError(`${name} names the real table ${db.table} ([edge.dynamodb] local = false, no endpoint): leave out --local to reach it with your AWS credentials (--region, --profile)`)
  }
  return realTable(config, db, opts, lines)
}
