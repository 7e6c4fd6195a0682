/**
 * `edgeware kvs <get|put|delete|list> --file <store.json>`: reads and edits a local KeyValueStore file in
 * CloudFront's import format (`{"data":[{"key","value"}]}`), with CloudFront's key, value and file limits.
 */
import { existsSync } from 'node:fs'
import { KeyValueStore, KvsError, loadKeyValueStore, saveKeyValueStore } from '../cloudfront-functions/kvs.js'
import { parseCommand, usageError } from './args.js'

const USAGE = `usage: edgeware kvs <command> --file <store.json> [options]

  get <key>             print the value of a key (exit 1 if it isn't there)
  put <key> <value>     set a key (the file is created if it doesn't exist)
  delete <key>          remove a key (exit 1 if it isn't there)
  list                  print every key and value, one per line (key, a tab, the value)

  --file F              the store: a JSON file in CloudFront's import format {"data":[{"key":"…","value":"…"}]}
  --json                list: print the import format itself`

const ARITY: Record<string, number> = { get: 1, put: 2, delete: 1, list: 0 }

async function open(file: string, create: boolean): Promise<KeyValueStore> {
  if (create && !existsSync(file)) return new KeyValueStore()
  return (await loadKeyValueStore(file)).store
}

/**
 * Runs `edgeware kvs` and resolves to the exit code: 0 done, 1 a missing key or an invalid store, 2 usage.
 *
 * @example
 * ```ts
 * await run(['put', '/old', '/new', '--file', 'edge-functions/routes.kvs.json'])
 * ```
 */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('kvs', USAGE, args, { file: { type: 'string', short: 'f' }, json: { type: 'boolean' } }, true)
  if (typeof parsed === 'number') return parsed
  const { values, positionals } = parsed
  const [command, ...rest] = positionals
  const arity = command === undefined ? undefined : ARITY[command]
  if (arity === undefined) return usageError('kvs', USAGE, `expected get, put, delete or list, got ${command === undefined ? 'nothing' : JSON.stringify(command)}`)
  if (rest.length !== arity) return usageError('kvs', USAGE, `${command} takes ${arity === 0 ? 'no arguments' : arity === 1 ? 'a key' : 'a key and a value'}, got ${rest.length}`)
  if (values.file === undefined) return usageError('kvs', USAGE, '--file is required')
  const file = values.file
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
