/**
 * The checks CloudFront runs when a function is associated with a distribution (reference §4 and §6), run at
 * build time so that a deployment never meets them.
 */
import type { Metafile } from 'esbuild'
import { triggerLimits, type LimitsProfile, type TriggerLimits } from '../cloudfront/limits.js'
import { STAGES, type Stage } from '../cloudfront/types.js'
import type { EdgeConfig, FunctionConfig } from '../simulator/config.js'
import { runtimeTarget, type EnvReadReport } from './bundle.js'
import { BuildError } from './errors.js'
import { describeEnvRead } from './env-scan.js'

/**
 * One problem found by a check (the build fails) or a warning (the build goes on).
 *
 * @example
 * ```ts
 * const problems: Problem[] = runtimeWarnings('nodejs20.x')
 * for (const p of problems) console.warn(`${p.code}: ${p.message}`) // DeprecatedRuntime: …
 * ```
 */
export interface Problem {
  /** Stable code, e.g. `FunctionCodeSize`, `IncludeBodyEventType`. */
  code: string
  message: string
}

/** Lambda function names: 1–64 of letters, digits, `-` and `_` (Lambda API, FunctionName). */
const LAMBDA_NAME = /^[A-Za-z0-9_-]{1,64}$/
/**
 * Lambda@Edge functions per distribution (reference §4.2 [QUO-2025]).
 *
 * @example
 * ```ts
 * if (config.functions.length > MAX_FUNCTIONS_PER_DISTRIBUTION) throw new Error('too many functions')
 * ```
 */
export const MAX_FUNCTIONS_PER_DISTRIBUTION = 100
/** Lambda's own memory range (MB) and timeout range (s). */
const LAMBDA_MEMORY = { min: 128, max: 10_240 }
const LAMBDA_TIMEOUT = { min: 1, max: 900 }

/**
 * Lambda@Edge deploys from us-east-1 only (reference §4.3 [RLE], [ISS-REGION]).
 *
 * @example
 * ```ts
 * const arn = `arn:aws:lambda:${EDGE_REGION}:123456789012:function:fn:1`
 * ```
 */
export const EDGE_REGION = 'us-east-1'

const KIB = 1024
const MIB = 1024 * 1024

/**
 * A byte count for people: `812 B`, `12.3 KiB`, `1.00 MiB`.
 *
 * @example
 * ```ts
 * formatBytes(1048576) // '1.00 MiB'
 * ```
 */
export function formatBytes(n: number): string {
  if (n < KIB) return `${n} B`
  if (n < MIB) return `${(n / KIB).toFixed(1)} KiB`
  return `${(n / MIB).toFixed(2)} MiB`
}

/**
 * The deployed Lambda function name: `<config name>-<function name>`.
 *
 * @example
 * ```ts
 * lambdaName({ name: 'my-site' }, { name: 'site-viewer-request' }) // 'my-site-site-viewer-request'
 * ```
 */
export function lambdaName(config: Pick<EdgeConfig, 'name'>, fn: Pick<FunctionConfig, 'name'>): string {
  return `${config.name}-${fn.name}`
}

/**
 * The tightest trigger limits over every stage a function is associated with (a function serving viewer-request
 * and origin-request must satisfy the viewer limits), and the stage that sets each.
 *
 * @example
 * ```ts
 * tightestLimits(['viewer-request', 'origin-request'], limits.classic).zipBytes // 1048576
 * ```
 */
export function tightestLimits(stages: readonly Stage[], profile: LimitsProfile): TriggerLimits & { stage: Record<keyof TriggerLimits, Stage> } {
  let best: TriggerLimits | undefined
  const stage = {} as Record<keyof TriggerLimits, Stage>
  for (const s of stages) {
    const l = triggerLimits(s, profile)
    if (!best) {
      best = { ...l }
      stage.timeoutMs = stage.memoryMb = stage.zipBytes = s
      continue
    }
    for (const k of ['timeoutMs', 'memoryMb', 'zipBytes'] as const) {
      if (l[k] < best[k]) {
        best[k] = l[k]
        stage[k] = s
      }
    }
  }
  const l = best ?? triggerLimits('viewer-request', profile)
  return { ...l, stage }
}

/**
 * Memory (MB) and timeout (s) a function is deployed with: its config, else 128 MB and its stages' maximum timeout.
 *
 * @example
 * ```ts
 * functionSettings({ name: 'f', entry: '/f.ts', stages: ['viewer-request'], behaviors: ['*'] }, limits.classic)
 * // { memoryMb: 128, timeoutS: 5 }
 * ```
 */
export function functionSettings(fn: FunctionConfig, profile: LimitsProfile): { memoryMb: number; timeoutS: number } {
  const t = tightestLimits(fn.stages, profile)
  return { memoryMb: fn.memoryMb ?? 128, timeoutS: fn.timeoutS ?? Math.floor(t.timeoutMs / 1000) }
}

/**
 * Checks a config against CloudFront's association rules before anything is bundled: one function per event type
 * per behavior (at most 4), IncludeBody only on viewer-request / origin-request (and only where a function is
 * associated), a Lambda@Edge runtime, valid function names, at most 100 functions, and each function's memory
 * and timeout within the limits of every stage it serves (CloudFront's messages, reference §4.1).
 *
 * @example
 * ```ts
 * const problems = associationProblems(await loadConfig('wrangler.toml'))
 * if (problems.length) throw BuildError.from(problems)
 * ```
 */
export function associationProblems(config: EdgeConfig): Problem[] {
  const problems: Problem[] = []
  const add = (code: string, message: string) => problems.push({ code, message })
  const profile = config.edge.limits

  try {
    runtimeTarget(config.edge.runtime)
  } catch (e) {
    if (!(e instanceof BuildError)) throw e
    problems.push(...e.problems)
  }
  if (!/^[A-Za-z0-9_-]+$/.test(config.name)) {
    add('InvalidFunctionName', `name = ${JSON.stringify(config.name)} prefixes every Lambda function name, so it may only contain letters, digits, - and _`)
  }

  const byEntry = new Map(config.functions.map((f) => [f.entry, f]))
  const names = new Set<string>()
  for (const fn of config.functions) {
    const full = lambdaName(config, fn)
    if (!LAMBDA_NAME.test(full)) {
      add('InvalidFunctionName', `function ${fn.name} (${fn.entry}): the Lambda function name ${JSON.stringify(full)} must be 1-64 letters, digits, - or _`)
    }
    if (names.has(fn.name)) add('DuplicateFunctionName', `two functions are named ${fn.name}`)
    names.add(fn.name)
    if (fn.stages.length === 0) add('UnassociatedFunction', `function ${fn.name} is not associated with any event type`)
    for (const s of fn.stages) if (!STAGES.includes(s)) add('InvalidEventType', `function ${fn.name}: unknown event type ${JSON.stringify(s)} (expected ${STAGES.join(', ')})`)
  }
  if (config.functions.length > MAX_FUNCTIONS_PER_DISTRIBUTION) {
    add('TooManyLambdaFunctionAssociations', `${config.functions.length} Lambda@Edge functions in one distribution; the quota is ${MAX_FUNCTIONS_PER_DISTRIBUTION}`)
  }

  for (const b of config.behaviors) {
    const where = b.isDefault ? 'the default behavior' : `behavior ${b.pathPattern}`
    const entries = Object.entries(b.functions) as [string, string | undefined][]
    // [APIREF] "up to 4 LambdaFunctionAssociation items … each EventType can be associated with only one function"
    if (entries.length > 4) add('TooManyLambdaFunctionAssociations', `${where} has ${entries.length} function associations; at most 4 (one per event type)`)
    for (const [stage, entry] of entries) {
      if (!STAGES.includes(stage as Stage)) {
        add('InvalidEventType', `${where}: unknown event type ${JSON.stringify(stage)} (expected ${STAGES.join(', ')})`)
        continue
      }
      if (!entry) continue
      const fn = byEntry.get(entry)
      if (!fn) add('UnknownFunction', `${where}: ${stage} names ${entry}, which is not among the config's functions`)
      else if (!fn.stages.includes(stage as Stage)) add('UnknownFunction', `${where}: ${stage} uses ${fn.name}, whose stages (${fn.stages.join(', ')}) do not include ${stage}`)
    }
    const seenIb = new Set<string>()
    for (const s of b.includeBody) {
      if (seenIb.has(s)) add('IncludeBodyEventType', `${where}: IncludeBody listed twice for ${s}`)
      seenIb.add(s)
      if (s !== 'viewer-request' && s !== 'origin-request') {
        // [ISS-IB], [CDK-CB]
        add('IncludeBodyEventType', `${where}: The IncludeBody option can only be used with viewer-request or origin-request events (got ${s}).`)
      } else if (!b.functions[s]) {
        add('IncludeBodyWithoutFunction', `${where}: IncludeBody is set for ${s} but no function is associated with ${s}`)
      }
    }
  }

  const used = new Set(config.behaviors.flatMap((b) => Object.values(b.functions).filter((e): e is string => typeof e === 'string')))
  for (const fn of config.functions) {
    if (!used.has(fn.entry)) add('UnassociatedFunction', `function ${fn.name} (${fn.entry}) is not associated with any cache behavior`)
  }

  for (const fn of config.functions) {
    const valid = fn.stages.filter((s) => STAGES.includes(s))
    if (valid.length === 0) continue
    const t = tightestLimits(valid, profile)
    const { memoryMb, timeoutS } = functionSettings(fn, profile)
    const maxTimeoutS = Math.floor(t.timeoutMs / 1000)
    const on = `${fn.name} (${t.stage.memoryMb}, limits "${profile.name}")`
    if (!Number.isInteger(memoryMb) || memoryMb < LAMBDA_MEMORY.min || memoryMb > LAMBDA_MEMORY.max) {
      add('FunctionMemorySize', `${fn.name}: memory must be an integer from ${LAMBDA_MEMORY.min} to ${LAMBDA_MEMORY.max} MB, got ${memoryMb}`)
    } else if (memoryMb > t.memoryMb) {
      // [ISS-MEM]
      add('FunctionMemorySize', `${on}: The function memory size is larger than the maximum allowed size for functions that are triggered by a CloudFront event: ${memoryMb} Max allowed: ${t.memoryMb}`)
    }
    if (!Number.isInteger(timeoutS) || timeoutS < LAMBDA_TIMEOUT.min || timeoutS > LAMBDA_TIMEOUT.max) {
      add('FunctionTimeout', `${fn.name}: timeout must be an integer from ${LAMBDA_TIMEOUT.min} to ${LAMBDA_TIMEOUT.max} s, got ${timeoutS}`)
    } else if (timeoutS > maxTimeoutS) {
      // [ISS-TO]
      add('FunctionTimeout', `${fn.name} (${t.stage.timeoutMs}, limits "${profile.name}"): The function timeout is larger than the maximum allowed for functions that are triggered by a CloudFront event: ${timeoutS} Max allowed: ${maxTimeoutS}`)
    }
  }
  return problems
}

/**
 * Warnings about the runtime (reference §4.3, [NODE]): nodejs20.x is deprecated (Apr 30 2026) and Lambda blocks
 * creating or updating functions on it from Aug 31 2026; Lambda@Edge support for nodejs24.x is not confirmed by
 * the CloudFront docs.
 *
 * @example
 * ```ts
 * runtimeWarnings('nodejs22.x') // []
 * ```
 */
export function runtimeWarnings(runtime: string): Problem[] {
  if (runtime === 'nodejs20.x') {
    return [{ code: 'DeprecatedRuntime', message: 'runtime nodejs20.x is deprecated (Apr 30 2026): Lambda blocks creating or updating functions on it from Aug 31 2026, so prefer nodejs22.x' }]
  }
  if (runtime === 'nodejs24.x') {
    return [{ code: 'UnconfirmedRuntime', message: 'runtime nodejs24.x: Lambda offers it, but the CloudFront docs do not yet confirm Lambda@Edge support; nodejs22.x is the safe choice' }]
  }
  return []
}

/**
 * The inputs that take most room in a bundle (esbuild metafile `bytesInOutput`), largest first.
 *
 * @example
 * ```ts
 * largestInputs((await bundleFunction({ entry: 'fn.ts' })).metafile, 3)
 * ```
 */
export function largestInputs(metafile: Metafile, count = 5): { path: string; bytes: number }[] {
  const out = Object.entries(metafile.outputs).find(([k]) => !k.endsWith('.map'))?.[1]
  if (!out) return []
  return Object.entries(out.inputs)
    .map(([path, i]) => ({ path, bytes: i.bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1))
    .slice(0, count)
}

/**
 * Share of a limit past which a viewer function gets a warning.
 *
 * @example
 * ```ts
 * if (zipBytes > limit * NEAR_LIMIT) console.warn('close to the limit')
 * ```
 */
export const NEAR_LIMIT = 0.8

/**
 * Checks a built package against the zip-size limit of every stage the function is associated with:
 * a breach is a problem with CloudFront's message [ISS-SIZE]; past 80% of a viewer limit, a warning that lists the
 * largest inputs.
 *
 * @example
 * ```ts
 * const { problems, warnings } = packageProblems(fn, zip.length, bundle.metafile, config.edge.limits)
 * ```
 */
export function packageProblems(
  fn: Pick<FunctionConfig, 'name' | 'stages'>,
  zipBytes: number,
  metafile: Metafile,
  profile: LimitsProfile,
): { problems: Problem[]; warnings: Problem[] } {
  const problems: Problem[] = []
  const warnings: Problem[] = []
  const t = tightestLimits(fn.stages, profile)
  if (zipBytes > t.zipBytes) {
    problems.push({
      code: 'FunctionCodeSize',
      message:
        `${fn.name} (${t.stage.zipBytes}, limits "${profile.name}"): The function code size is larger than the maximum allowed size for functions that are triggered by a CloudFront event: ${zipBytes} Max allowed: ${t.zipBytes}` +
        ` (${formatBytes(zipBytes)} zipped > ${formatBytes(t.zipBytes)}; largest inputs: ${largestInputs(metafile, 3).map((i) => `${i.path} ${formatBytes(i.bytes)}`).join(', ')})`,
    })
  } else if (t.stage.zipBytes.startsWith('viewer') && zipBytes > t.zipBytes * NEAR_LIMIT) {
    const share = Math.round((zipBytes / t.zipBytes) * 100)
    warnings.push({
      code: 'FunctionCodeSizeNearLimit',
      message:
        `${fn.name}: ${formatBytes(zipBytes)} zipped is ${share}% of the ${formatBytes(t.zipBytes)} ${t.stage.zipBytes} limit; largest inputs: ` +
        largestInputs(metafile).map((i) => `${i.path} ${formatBytes(i.bytes)}`).join(', '),
    })
  }
  return { problems, warnings }
}

const ENV_HINT =
  'Lambda@Edge functions cannot have environment variables ("The function cannot have environment variables."): add it to [vars] in wrangler.toml to bake it in at build time, or read a reserved Lambda variable'

/**
 * The problem for a read of a non-reserved environment variable in a function's own code (`edgeware build` and
 * `edgeware invoke` refuse it: Lambda@Edge has no environment variables).
 *
 * @example
 * ```ts
 * const problems = bundle.envReads.map((r) => envProblem(fn, r))
 * ```
 */
export function envProblem(fn: Pick<FunctionConfig, 'name'>, r: EnvReadReport): Problem {
  return { code: 'EnvironmentVariables', message: `${fn.name}: ${r.file} ${describeEnvRead(r)}. ${ENV_HINT}.` }
}
