/**
 * A local DynamoDB for the origin table: dynalite (in-process) on 127.0.0.1, in memory or kept in a directory
 * (LevelDB), used by the local edge, `edgeware invoke --local`, `edgeware origins --local`, the tests. Contract 5.
 */
import { mkdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { Server } from 'node:http'
import { createServer, type AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { checkRules, createOriginTable, createTableClient, putRules } from './table.js'

type Dynalite = (opts?: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number; path?: string }) => Server
/** The LevelDB class dynalite keeps a persisted store in (`level`, dynalite's own dependency). */
type Level = new (path: string) => { open(): Promise<void>; close(): Promise<void> }

/**
 * Options of `startLocalDynamo`.
 *
 * @example
 * ```ts
 * const opts: LocalDynamoOptions = { table: 'edge-origins', seed: 'edge-functions/origins.seed.json', persist: '.edgeware/dynamodb' }
 * ```
 */
export interface LocalDynamoOptions {
  /** Port on 127.0.0.1 (default 0: any free port). */
  port?: number
  /** Table to create (origin table schema) unless it is there already. */
  table: string
  /** A JSON file of rules (an array, or `{ "rules": [...] }`) loaded into the table when it is created; validated first. */
  seed?: string
  /** A directory the data is kept in between starts (LevelDB, created when missing); in memory without it. */
  persist?: string
}

/**
 * A running local DynamoDB.
 *
 * @example
 * ```ts
 * const db: LocalDynamo = await startLocalDynamo({ table: 'edge-origins' })
 * await db.close()
 * ```
 */
export interface LocalDynamo {
  /** `http://127.0.0.1:<port>` */
  endpoint: string
  /** Whether the table was created by this start (false: it was kept in `persist` from an earlier one). */
  created: boolean
  /** Rules loaded from the seed (only into a table this start created). */
  seeded: number
  /** Stops the server (open keep-alive connections included) and closes the persisted store. */
  close(): Promise<void>
}

/**
 * Why a local DynamoDB can't start: its port is taken, its directory is open in another process, its seed is bad.
 * The message names the port, the directory or the file, and the way out.
 *
 * @example
 * ```ts
 * try { await startLocalDynamo({ table: 't', port: 8000 }) } catch (e) { if (e instanceof LocalDynamoError) console.error(e.message) }
 * ```
 */
export class LocalDynamoError extends Error {
  override name = 'LocalDynamoError'
  constructor(
    message: string,
    /** `port-in-use`, `locked` (the directory is open in another process), `unusable` (not a LevelDB store), `seed` (a bad seed). */
    readonly code: 'port-in-use' | 'locked' | 'unusable' | 'seed',
  ) {
    super(message)
  }
}

/** Whether something listens on 127.0.0.1:port (binds it exclusively and lets go at once). */
function portTaken(port: number): Promise<boolean> {
  if (port === 0) return Promise.resolve(false)
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' ? resolve(true) : reject(e)))
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => resolve(false)))
  })
}

/**
 * Opens and closes the LevelDB store in `dir` before dynalite does: dynalite has no way to report a store it can't
 * open (LevelDB allows one process at a time) other than a crash on the first request.
 */
async function checkStore(dir: string): Promise<void> {
  const require = createRequire(createRequire(import.meta.url).resolve('dynalite'))
  const { Level } = require('level') as { Level: Level }
  mkdirSync(dir, { recursive: true })
  const db = new Level(dir)
  try {
    await db.open()
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause
    if (cause?.code === 'LEVEL_LOCKED') {
      throw new LocalDynamoError(`the local DynamoDB kept in ${dir} is open in another process (a running edgeware dev?): stop it, or reach its table through it (edgeware origins … --local)`, 'locked')
    }
    throw new LocalDynamoError(`the local DynamoDB kept in ${dir} can't be opened: ${cause?.message ?? (e as Error).message}`, 'unusable')
  }
  await db.close()
}

/**
 * Reads a seed file: an array of rules or `{ "rules": [...] }`. Throws naming the file on bad JSON or shape.
 *
 * @example
 * ```ts
 * const rules = await readSeedFile('edge-functions/origins.seed.json')
 * ```
 */
export async function readSeedFile(file: string): Promise<unknown[]> {
  let data: unknown
  try {
    data = JSON.parse(await readFile(file, 'utf8'))
  } catch (e) {
    throw new Error(`origin seed ${file}: ${(e as Error).message}`)
  }
  const rules = Array.isArray(data) ? data : (data as { rules?: unknown } | null)?.rules
  if (!Array.isArray(rules)) throw new Error(`origin seed ${file}: expected an array of rules or { "rules": [...] }, got ${JSON.stringify(data)?.slice(0, 80)}`)
  return rules
}

/** A seed file's rules, each checked; a problem names the file. */
async function seedRules(file: string): Promise<unknown[]> {
  try {
    const rules = await readSeedFile(file)
    checkRules(rules)
    return rules
  } catch (e) {
    const message = (e as Error).message
    throw new LocalDynamoError(message.startsWith('origin seed') ? message : `origin seed ${file}: ${message}`, 'seed')
  }
}

/**
 * Starts dynalite on 127.0.0.1, creates the origin table unless `persist` keeps it from an earlier start, and loads
 * the seed into a table it created (validated: an invalid rule fails the start with a message naming the file, the
 * item and the rule broken). A taken port or a store another process holds is a {@link LocalDynamoError}.
 *
 * @example
 * ```ts
 * const db = await startLocalDynamo({ table: 'edge-origins', seed: 'edge-functions/origins.seed.json' })
 * process.env.EDGEWARE_DYNAMODB_ENDPOINT = db.endpoint
 * // …
 * await db.close()
 * ```
 */
export async function startLocalDynamo(opts: LocalDynamoOptions): Promise<LocalDynamo> {
  const port = opts.port ?? 0
  if (await portTaken(port)) {
    throw new LocalDynamoError(`port ${port} on 127.0.0.1 is already in use (another edgeware dev, or a DynamoDB Local?): stop it, or choose another port`, 'port-in-use')
  }
  if (opts.persist) await checkStore(opts.persist)
  const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(opts.persist ? { path: opts.persist } : {}) })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  let closed: Promise<void> | undefined
  const close = () =>
    (closed ??= new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()))
      server.closeAllConnections()
    }))
  const client = createTableClient({ endpoint })
  let created: boolean
  let seeded = 0
  try {
    // The seed is checked before the table exists: a kept table is never left created but unseeded.
    const rules = opts.seed ? await seedRules(opts.seed) : undefined
    created = await createOriginTable(client, opts.table)
    if (rules && created) seeded = await putRules(client, opts.table, rules)
  } catch (e) {
    await close()
    throw e
  } finally {
    client.destroy()
  }
  return { endpoint, created, seeded, close }
}
