/**
 * How command-line tools find the local origin table of a running `edgeware dev`: while it runs, the dev server
 * keeps a small state file under `.edgeware/` next to its config (its process id, the table's endpoint and name),
 * and removes it when it stops. A file whose server is gone (killed outright) is recognised and removed.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative } from 'node:path'
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb'
import { createEdgeDynamoClient } from './client.js'

/**
 * What a running `edgeware dev` says about its local origin table.
 *
 * @example
 * ```ts
 * const s: DevTableState = { pid: 4242, endpoint: 'http://127.0.0.1:8000', table: 'edge-origins', config: '/site/wrangler.toml', started: new Date().toISOString() }
 * ```
 */
export interface DevTableState {
  /** The dev server's process id. */
  pid: number
  /** Where the table answers (`http://127.0.0.1:<port>`). */
  endpoint: string
  table: string
  /** The config's absolute path. */
  config: string
  /** The environment (`--env`) it runs. */
  env?: string
  /** When the server started (ISO 8601). */
  started: string
}

/**
 * The state file of a config (and environment): `.edgeware/dev.json` (`dev.<env>.json`) beside the config.
 *
 * @example
 * ```ts
 * devStatePath('/site/wrangler.toml', 'staging') // '/site/.edgeware/dev.staging.json'
 * ```
 */
export function devStatePath(configPath: string, env?: string): string {
  return join(dirname(configPath), '.edgeware', env ? `dev.${env}.json` : 'dev.json')
}

/**
 * Writes the state file (atomically) and returns what removes it again: only while it is still this server's, so a
 * newer server's file is left alone.
 *
 * @example
 * ```ts
 * const remove = writeDevState({ pid: process.pid, endpoint, table, config: config.path, started: new Date().toISOString() })
 * process.on('exit', remove)
 * ```
 */
export function writeDevState(state: DevTableState): () => void {
  const file = devStatePath(state.config, state.env)
  mkdirSync(dirname(file), { recursive: true })
  const tmp = `${file}.${state.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n')
  renameSync(tmp, file)
  return () => {
    const now = readState(file)
    if (typeof now === 'object' && now.pid === state.pid && now.started === state.started) rmSync(file, { force: true })
  }
}

/** The state in `file`, undefined when there is none, or why it is not a state file. */
function readState(file: string): DevTableState | undefined | string {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
  try {
    const s = JSON.parse(text) as Partial<DevTableState>
    if (typeof s.pid === 'number' && typeof s.endpoint === 'string' && typeof s.table === 'string' && typeof s.config === 'string' && typeof s.started === 'string') {
      return s as DevTableState
    }
  } catch {
    /* below */
  }
  return 'not a state file edgeware dev writes'
}

/** Whether a process is there (one of another user's counts). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * What a DynamoDB at `endpoint` says of `table` within a second: `ok`, `no-table` (it answers, the table isn't
 * there) or `unreachable` (nothing answers).
 *
 * @example
 * ```ts
 * if ((await probeTable('http://localhost:8000', 'edge-origins')) === 'unreachable') console.warn('start DynamoDB Local first')
 * ```
 */
export async function probeTable(endpoint: string, table: string): Promise<'ok' | 'no-table' | 'unreachable'> {
  const client = createEdgeDynamoClient({ region: 'us-east-1', endpoint, timeoutMs: 1000, maxAttempts: 1 })
  try {
    await client.send(new DescribeTableCommand({ TableName: table }))
    return 'ok'
  } catch (e) {
    // An answer that is an error (no such table) is still a DynamoDB answering.
    return (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === undefined ? 'unreachable' : 'no-table'
  } finally {
    client.destroy()
  }
}

/**
 * The running dev server of a config (and environment), if there is one. A state file whose server is gone (its
 * process ended, or nothing answers at its endpoint) is removed and reported in `stale`, one line
 * saying why, for the caller to print.
 *
 * @example
 * ```ts
 * const { running, stale } = await findRunningDev('/site/wrangler.toml')
 * if (stale) console.error(stale)
 * if (running) console.log(running.endpoint)
 * ```
 */
export async function findRunningDev(configPath: string, env?: string): Promise<{ running?: DevTableState; stale?: string }> {
  const file = devStatePath(configPath, env)
  const state = readState(file)
  if (state === undefined) return {}
  const name = relative(process.cwd(), file) || basename(file)
  let why: string
  if (typeof state === 'string') why = state
  else if (!processExists(state.pid)) why = `the edgeware dev that wrote it (pid ${state.pid}) is gone`
  else if ((await probeTable(state.endpoint, state.table)) === 'unreachable') why = `nothing answers at ${state.endpoint}, where the edgeware dev that wrote it (pid ${state.pid}) kept its table`
  else return { running: state }
  rmSync(file, { force: true })
  return { stale: `ignoring ${name}: ${why}; removed it` }
}
