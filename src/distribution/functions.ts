/**
 * The functions of a distribution: Lambda@Edge functions (one per entry file, `[edge.functions.<name>]`
 * settings), CloudFront Functions (`[edge.cloudfront_functions.<name>]`) and their KeyValueStores
 * (`[[edge.key_value_stores]]`).
 */
import { basename, extname, relative, sep } from 'node:path'
import { triggerLimits, type LimitsProfile } from '../cloudfront/limits.js'
import type { BehaviorConfig, CloudFrontFunctionConfig, CloudFrontFunctionRuntime, FunctionConfig, KeyValueStoreConfig } from './model.js'
import { FUNCTION_NAME, MAX_COMMENT } from './names.js'
import { show, type Reader, type Table } from './problems.js'

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

/** One function per entry file, in first-use order, with the events and the behaviors it is associated with. */
function collect<K extends string, F extends { behaviors: string[] }>(
  behaviors: readonly BehaviorConfig[],
  associations: (b: BehaviorConfig) => Partial<Record<K, string>>,
  create: (entry: string) => F,
  events: (f: F) => K[],
): F[] {
  const byEntry = new Map<string, F>()
  for (const b of behaviors) {
    for (const [event, entry] of Object.entries(associations(b)) as [K, string][]) {
      let f = byEntry.get(entry)
      if (!f) byEntry.set(entry, (f = create(entry)))
      if (!events(f).includes(event)) events(f).push(event)
      if (!f.behaviors.includes(b.pathPattern)) f.behaviors.push(b.pathPattern)
    }
  }
  return [...byEntry.values()]
}

/** Lambda@Edge functions in first-use order, with their `[edge.functions.<name>]` memory and timeout. */
export function readFunctions(r: Reader, edge: Table, root: string, behaviors: readonly BehaviorConfig[], limits: LimitsProfile): FunctionConfig[] {
  const functions = collect(
    behaviors,
    (b) => b.functions,
    (entry): FunctionConfig => ({ name: functionName(root, entry), entry, stages: [], behaviors: [] }),
    (f) => f.stages,
  )
  const names = new Map<string, string>()
  for (const f of functions) {
    const other = names.get(f.name)
    if (other) r.fail('edge', `two entries give the same function name ${show(f.name)}: ${other} and ${f.entry}`, f.name)
    names.set(f.name, f.entry)
  }
  for (const [n, v] of Object.entries(r.table(edge.functions, 'edge.functions') ?? {})) {
    const key = `edge.functions.${n}`
    const f = functions.find((x) => x.name === n)
    if (!f) {
      r.fail(key, `no function named ${show(n)} is associated with a behavior (known: ${[...names.keys()].join(', ') || 'none'})`, n)
      continue
    }
    const t = r.table(v, key)
    if (!t) continue
    r.unknownKeys(t, key, ['memory', 'timeout'])
    // The tightest trigger limit of every stage the function serves (lambda-edge.md §4.1).
    const maxMem = Math.min(...f.stages.map((s) => triggerLimits(s, limits).memoryMb))
    const maxTimeout = Math.min(...f.stages.map((s) => triggerLimits(s, limits).timeoutMs / 1000))
    const memoryMb = r.int(t.memory, `${key}.memory`, 128, 10_240)
    if (memoryMb !== undefined && memoryMb > maxMem) {
      r.fail(`${key}.memory`, `The function memory size is larger than the maximum allowed size for functions that are triggered by a CloudFront event: ${memoryMb} Max allowed: ${maxMem} (limits = "${limits.name}")`, memoryMb)
    } else if (memoryMb !== undefined) f.memoryMb = memoryMb
    const timeoutS = r.int(t.timeout, `${key}.timeout`, 1, 900)
    if (timeoutS !== undefined && timeoutS > maxTimeout) {
      r.fail(`${key}.timeout`, `The function timeout is larger than the maximum allowed for functions that are triggered by a CloudFront event: ${timeoutS} Max allowed: ${maxTimeout} (limits = "${limits.name}")`, timeoutS)
    } else if (timeoutS !== undefined) f.timeoutS = timeoutS
  }
  return functions
}

/** `[[edge.key_value_stores]]`: unique ids that are valid store names, data files that exist. */
export function readKeyValueStores(r: Reader, edge: Table): KeyValueStoreConfig[] {
  const stores: KeyValueStoreConfig[] = []
  r.tables(edge.key_value_stores, 'edge.key_value_stores').forEach((v, i) => {
    const key = `edge.key_value_stores[${i}]`
    const t = r.table(v, key)
    if (!t) return
    r.unknownKeys(t, key, ['id', 'data'])
    const id = r.string(t.id, `${key}.id`, true)
    if (id !== undefined && !FUNCTION_NAME.test(id)) r.fail(`${key}.id`, `a KeyValueStore name is 1-64 letters, digits, "-" and "_", got ${show(id)}`, id)
    if (id !== undefined && stores.some((s) => s.id === id)) r.fail(`${key}.id`, `duplicate key value store id ${show(id)}`, id)
    const data = r.path(t.data, `${key}.data`)
    if (t.data === undefined) r.fail(`${key}.data`, 'is required (a file in CloudFront\'s import format: {"data":[{"key":"…","value":"…"}]})')
    if (id !== undefined) stores.push({ id, data: data ?? '' })
  })
  return stores
}

const RUNTIMES: readonly CloudFrontFunctionRuntime[] = ['cloudfront-js-1.0', 'cloudfront-js-2.0']

/**
 * CloudFront Functions, one per file, named by the file stem, with their `[edge.cloudfront_functions.<name>]`
 * runtime (default 2.0), KeyValueStore (2.0 only, at most one) and comment.
 */
export function readCloudFrontFunctions(r: Reader, edge: Table, behaviors: readonly BehaviorConfig[], stores: readonly KeyValueStoreConfig[]): CloudFrontFunctionConfig[] {
  const functions = collect(
    behaviors,
    (b) => b.cloudfrontFunctions,
    (entry): CloudFrontFunctionConfig => ({ name: basename(entry, extname(entry)), entry, runtime: 'cloudfront-js-2.0', eventTypes: [], behaviors: [] }),
    (f) => f.eventTypes,
  )
  const names = new Map<string, string>()
  for (const f of functions) {
    if (!FUNCTION_NAME.test(f.name)) r.fail('edge', `the CloudFront Function name is the file stem, 1-64 letters, digits, "-" and "_", got ${show(f.name)} (${f.entry})`, f.name)
    const other = names.get(f.name)
    if (other) r.fail('edge', `two CloudFront Function files have the same name ${show(f.name)}: ${other} and ${f.entry}`, f.name)
    names.set(f.name, f.entry)
  }
  for (const [n, v] of Object.entries(r.table(edge.cloudfront_functions, 'edge.cloudfront_functions') ?? {})) {
    const key = `edge.cloudfront_functions.${n}`
    const f = functions.find((x) => x.name === n)
    if (!f) {
      r.fail(key, `no CloudFront Function named ${show(n)} is associated with a behavior (known: ${[...names.keys()].join(', ') || 'none'})`, n)
      continue
    }
    const t = r.table(v, key)
    if (!t) continue
    r.unknownKeys(t, key, ['runtime', 'key_value_store', 'comment'])
    f.runtime = r.oneOf(t.runtime, `${key}.runtime`, RUNTIMES) ?? f.runtime
    const comment = r.string(t.comment, `${key}.comment`)
    if (comment !== undefined && comment.length > MAX_COMMENT) r.fail(`${key}.comment`, `at most ${MAX_COMMENT} characters, got ${comment.length}`, comment)
    else if (comment !== undefined) f.comment = comment
    if (t.key_value_store === undefined) continue
    if (Array.isArray(t.key_value_store)) {
      // cloudfront-functions.md §4 [KVSH]: one KeyValueStore per function.
      r.fail(`${key}.key_value_store`, 'a CloudFront Function can be associated with at most one key value store', t.key_value_store)
      continue
    }
    const kvs = r.string(t.key_value_store, `${key}.key_value_store`)
    if (kvs === undefined) continue
    if (f.runtime !== 'cloudfront-js-2.0') r.fail(`${key}.key_value_store`, `key value stores need runtime = "cloudfront-js-2.0", got ${show(f.runtime)}`, kvs)
    if (!stores.some((s) => s.id === kvs)) {
      r.fail(`${key}.key_value_store`, `no [[edge.key_value_stores]] with id ${show(kvs)} (known: ${stores.map((s) => s.id).join(', ') || 'none'})`, kvs)
    } else f.keyValueStore = kvs
  }
  return functions
}
