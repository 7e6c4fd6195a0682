/**
 * CloudFront Functions quotas (reference/cloudfront-functions.md §4) and the local sandbox's guards. Values the
 * reference marks UNVERIFIED are the strict readings, and every one can be overridden.
 */

/**
 * The limits a CloudFront Function runs under.
 *
 * @example
 * ```ts
 * const strict: FunctionLimits = { ...functionLimits, codeBytes: 8 * 1024 }
 * ```
 */
export interface FunctionLimits {
  /** Function code size, UTF-8 bytes: 10 KB ([GDN], UNVERIFIED against the quotas page). */
  codeBytes: number
  /** Memory a run may allocate, bytes: 2 MB ([GDN], UNVERIFIED); measured locally as V8 heap growth during the run. */
  memoryBytes: number
  /** The compute budget compute utilization is reported against, ms of CPU: 1 ms (third parties, [GDN]). */
  computeBudgetMs: number
  /** Local guard: a run using more CPU than this is stopped (a runaway loop) and fails with 503. */
  timeoutMs: number
  /** `console.log` output kept per run, bytes: 10 KB [RESTR]. */
  logBytes: number
  /** A generated or replaced response (body + header names and values), bytes: 40 KB (UNVERIFIED; Lambda@Edge's viewer limit). */
  responseBytes: number
  /** URI + query string, characters: 8,192 [QUO]. */
  maxUrlChars: number
  /** KeyValueStore key, characters: 512 [KVS-FILE]. */
  kvsKeyChars: number
  /** KeyValueStore value, characters: 1,024 [KVS-FILE]. */
  kvsValueChars: number
  /** KeyValueStore import file, bytes: 5 MB [KVS-FILE]. */
  kvsFileBytes: number
}

const KB = 1024
const MB = 1024 * 1024

/**
 * CloudFront Functions' limits, as documented (the strict reading where AWS's pages could not be read).
 *
 * @example
 * ```ts
 * import { functionLimits } from 'edgeware/cloudfront'
 * functionLimits.codeBytes // 10240
 * ```
 */
export const functionLimits: Readonly<FunctionLimits> = Object.freeze({
  codeBytes: 10 * KB,
  memoryBytes: 2 * MB,
  computeBudgetMs: 1,
  timeoutMs: 50,
  logBytes: 10 * KB,
  responseBytes: 40 * KB,
  maxUrlChars: 8192,
  kvsKeyChars: 512,
  kvsValueChars: 1024,
  kvsFileBytes: 5 * MB,
})

/**
 * `functionLimits` with your overrides; throws a `TypeError` naming the key for a value that is not a positive number.
 *
 * @example
 * ```ts
 * resolveFunctionLimits({ timeoutMs: 200 }).timeoutMs // 200
 * ```
 */
export function resolveFunctionLimits(overrides?: Partial<FunctionLimits>): FunctionLimits {
  if (overrides === undefined) return functionLimits
  const out = { ...functionLimits }
  for (const key of Object.keys(overrides) as (keyof FunctionLimits)[]) {
    const v = overrides[key]
    if (v === undefined) continue
    if (!(key in functionLimits)) throw new TypeError(`unknown CloudFront Functions limit "${key}"; known: ${Object.keys(functionLimits).join(', ')}`)
    if (typeof v !== 'number' || !(v > 0)) throw new TypeError(`CloudFront Functions limit ${key} must be a positive number, got ${JSON.stringify(v)}`)
    out[key] = v
  }
  return out
}
