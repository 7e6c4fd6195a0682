/**
 * `edgeware kvs <get|put|delete|list> --file <store.json> | --store <id>`: reads and edits a local KeyValueStore file
 * in CloudFront's import format (`{"data":[{"key","value"}]}`), with CloudFront's key, value and file limits; a
 * running `edgeware dev` picks up each edit.
 */
import { existsSync } from 'node:fs'
import { relative } from 'node:path'
import { loadEnvConfig } from '../build/environment.js'
import { KeyValueStore, KvsError, loadKeyValueStore, saveKeyValueStore } from '../cloudfront-functions/kvs.js'
import { ConfigError } from '../distribution/problems.js'
import { parseCommand, resolveConfig, usageError } from './args.js'

const USAGE = `usage: edgeware kvs <command> (--store <id> [--config wrangler.toml] | --file <store.json>) [options]

  get <key>             print the value of a key (exit 1 if it isn't there)
  put <key> <value>     set a key (the file is created if it doesn't exist)
  delete <key>          remove a key (exit 1 if it isn't there)
  list                  print every key and value, one per line (key, a tab, the value)

  --file F              the store: a JSON file in CloudFront's import format {"data":[{"key":"…","value":"…"}]}
  --store ID            the store: the data file of [[edge.key_value_stores]] id = ID in the config
  --config FILE         with --store: the wrangler.toml (default ./wrangler.toml)
  --env NAME            with --store: the config's [env.NAME]
  --json                list: print the import format itself

A running edgeware dev reloads the store after each put or delete.`

const ARITY: Record<string, number> = { get: 1, put: 2, delete: 1, list: 0 }

async function open(file: string, create: boolean): Promise<KeyValueStore> {
  if (create && !existsSync(file)) return new KeyValueStore()
  return (await loadKeyValueStore(file)).store
}

/** The data file of `[[edge.key_value_stores]]` `id` in the config; the exit code after saying why there is none. */
async function storeFile(id: string, given: string | undefined, env: string | undefined): Promise<string | number> {
  const file = resolveConfig('kvs', given)
  if (typeof file === 'number') return file
  let stores
  try {
    stores = (await loadEnvConfig(file, env)).edge.keyValueStores
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e
    console.error(`edgeware kvs: invalid config: ${e.message}`)
    return 1
  }
  const store = stores.find((s) => s.id === id)
  if (store) return store.data
  console.error(`edgeware kvs: --store ${JSON.stringify(id)}: no [[edge.key_value_stores]] with that id in ${relative(process.cwd(), file) || file} (known: ${stores.map((s) => s.id).join(', ') || 'none'})`)
  return 1
}

/**
 * Runs `edgeware kvs` and resolves to the exit code: 0 done, 1 a missing key, an invalid store or an unknown
 * `--store`, 2 usage.
 *
 * @example
 * ```ts
 * await run(['put', '/old', '/new', '--file', 'edge-functions/routes.kvs.json'])
 * await run(['put', '/promo', '/sale', '--store', 'routes', '--config', 'wrangler.toml'])
 * ```
 */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(
    'kvs',
    USAGE,
    args,
    { file: { type: 'string', short: 'f' }, store: { type: 'string', short: 's' }, config: { type: 'string', short: 'c' }, env: { type: 'string', short: 'e' }, json: { type: 'boolean' } },
    true,
  )
  if (typeof parsed === 'number') return parsed
  const { values, positionals } = parsed
  const [command, ...rest] = positionals
  const arity = command === undefined ? undefined : ARITY[command]
  if (arity === undefined) return usageError('kvs', USAGE, `expected get, put, delete or list, got ${command === undefined ? 'nothing' : JSON.stringify(command)}`)
  if (rest.length !== arity) return usageError('kvs', USAGE, `${command} takes ${arity === 0 ? 'no arguments' : arity === 1 ? 'a key' : 'a key and a value'}, got ${rest.length}`)
  if ((values.file === undefined) === (values.store === undefined)) return usageError('kvs', USAGE, values.file === undefined ? '--file or --store is required' : 'give --file or --store, not both')
  if (values.store === undefined && (values.config !== undefined || values.env !== undefined)) return usageError('kvs', USAGE, '--config and --env go with --store')
  const file = values.file ?? (await storeFile(values.store!, values.config, values.env))
  if (typeof file === 'number') return file
  try {
    const store = await open(file, command === 'put')
    const key = rest[0]!
    switch (command) {
      case 'get': {
        const v = store.get(key)
        if (v === undefined) {
          console.error(`edgeware kvs: ${JSON.stringify(key)} is not in ${file}`)
          return 1
        }
        console.log(v)
        return 0
      }
      case 'put':
        store.set(key, rest[1]!)
        await saveKeyValueStore(file, store)
        return 0
      case 'delete':
        if (!store.delete(key)) {
          console.error(`edgeware kvs: ${JSON.stringify(key)} is not in ${file}`)
          return 1
        }
        await saveKeyValueStore(file, store)
        return 0
      default:
        if (values.json) console.log(JSON.stringify(store.toImport(), null, 2))
        else for (const [k, v] of store.entries()) console.log(`${k}\t${v}`)
        return 0
    }
  } catch (err) {
    if (!(err instanceof KvsError)) throw err
    console.error(`edgeware kvs: ${err.message}`)
    return 1
  }
}
