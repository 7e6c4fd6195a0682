/**
 * What edgeware remembers about a deployed stack, next to the config in `.edgeware/deploy/<stack>.json`: the code
 * bucket, the functions the stack holds, and the functions it left behind (retained when the stack was destroyed
 * or a function was removed) until `edgeware cleanup` deletes them.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'

/** A Lambda@Edge function a stack no longer holds, waiting for its replicas to go. */
export interface RetainedFunction {
  functionName: string
  /** ISO time it left the stack. */
  since: string
  /** `destroyed` (the stack was deleted) or `removed` (a deploy dropped it). */
  reason: 'destroyed' | 'removed'
}

/**
 * The state of one stack.
 *
 * @example
 * ```ts
 * const state: DeployState = { stack: 'my-site', bucket: 'my-code', functions: ['my-site-site-viewer-request'], retained: [] }
 * ```
 */
export interface DeployState {
  stack: string
  bucket?: string
  /** Lambda function names in the stack after the last deploy. */
  functions: string[]
  retained: RetainedFunction[]
  distributionId?: string
  domainName?: string
  originTableStack?: string
  /** Code buckets by region, for the Lambda origins outside us-east-1. */
  regionBuckets?: Record<string, string>
  /** The stacks of the Lambda origins outside us-east-1. */
  originStacks?: { stack: string; region: string }[]
  /** Regional functions (Lambda origins in us-east-1) the edge stack holds: deleted with it, not retained. */
  originFunctions?: string[]
  updatedAt?: string
}

/**
 * The state file of a stack: `.edgeware/deploy/<stack>.json` under `root` (the config's directory).
 *
 * @example
 * ```ts
 * stateFile('/app', 'my-site-production') // '/app/.edgeware/deploy/my-site-production.json'
 * ```
 */
export function stateFile(root: string, stack: string): string {
  return join(root, '.edgeware', 'deploy', `${stack}.json`)
}

/**
 * Reads a stack's state (an empty one when there is none yet).
 *
 * @example
 * ```ts
 * const state = await readState('/app', 'my-site')
 * ```
 */
export async function readState(root: string, stack: string): Promise<DeployState> {
  try {
    const s = JSON.parse(await readFile(stateFile(root, stack), 'utf8')) as Partial<DeployState>
    return { ...s, stack, functions: s.functions ?? [], retained: s.retained ?? [] }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { stack, functions: [], retained: [] }
    throw new Error(`${stateFile(root, stack)}: not a readable edgeware state file (${(e as Error).message})`)
  }
}

/**
 * Writes a stack's state (atomically: a crash never leaves half a file).
 *
 * @example
 * ```ts
 * await writeState('/app', { ...state, bucket: 'my-code' })
 * ```
 */
export async function writeState(root: string, state: DeployState): Promise<void> {
  const file = stateFile(root, state.stack)
  await mkdir(dirname(file), { recursive: true })
  await writeFile(`${file}.tmp`, JSON.stringify({ ...state, updatedAt: new Date().toISOString() }, null, 2) + '\n')
  await rename(`${file}.tmp`, file)
}

/**
 * Adds functions to the retained list (each once).
 *
 * @example
 * ```ts
 * state.retained = retain(state.retained, ['my-site-old-fn'], 'removed')
 * ```
 */
export function retain(list: readonly RetainedFunction[], names: readonly string[], reason: RetainedFunction['reason']): RetainedFunction[] {
  const known = new Set(list.map((r) => r.functionName))
  const since = new Date().toISOString()
  return [...list, ...names.filter((n) => !known.has(n)).map((functionName) => ({ functionName, since, reason }))]
}
