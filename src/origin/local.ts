/**
 * A local DynamoDB for the origin table: dynalite (in-process, in-memory) on 127.0.0.1, used by the local edge,
 * the tests and the CLI. Contract 5.
 */
import { readFile } from 'node:fs/promises'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { createOriginTable, createTableClient, putRules } from './table.js'

type Dynalite = (opts?: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server

/**
 * Options of `startLocalDynamo`.
 *
 * @example
 * ```ts
 * const opts: LocalDynamoOptions = { table: 'edge-origins', seed: 'edge-functions/origins.seed.json' }
 * ```
 */
export interface LocalDynamoOptions {
  /** Port on 127.0.0.1 (default 0: any free port). */
  port?: number
  /** Table to create (origin table schema). */
  table: string
  /** A JSON file of rules (an array, or `{ "rules": [...] }`) loaded into the table; validated first. */
  seed?: string
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
  /** Stops the server (open keep-alive connections included). */
  close(): Promise<void>
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

/**
 * Starts dynalite on 127.0.0.1, creates the origin table and loads the seed (validated: an invalid rule fails
 * the start with a message naming the file, the item and the rule broken).
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
  const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
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
  try {
    await createOriginTable(client, opts.table)
    if (opts.seed) {
      const rules = await readSeedFile(opts.seed)
      try {
        await putRules(client, opts.table, rules)
      } catch (e) {
        throw new Error(`origin seed ${opts.seed}: ${(e as Error).message}`)
      }
    }
  } catch (e) {
    await close()
    throw e
  } finally {
    client.destroy()
  }
  return { endpoint, close }
}
