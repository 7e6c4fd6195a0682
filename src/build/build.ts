/**
 * `edgeware build`: one deterministic zip per edge function, checked against CloudFront's association rules and
 * limits, plus the manifest and the association outputs. Everything is validated before anything is written.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { basename, join, relative, resolve, sep } from 'node:path'
import { STAGES } from '../cloudfront/types.js'
import { notYetApplied } from '../distribution/unapplied.js'
import { unusedPolicies } from './distribution.js'
import { ConfigError, type EdgeConfig, type FunctionConfig } from '../simulator/config.js'
import { loadEnvConfig } from './environment.js'
import { bundleFunction } from './bundle.js'
import { associationProblems, envProblem, formatBytes, lambdaName, packageProblems, runtimeWarnings, tightestLimits, type Problem } from './checks.js'
import { BuildError } from './errors.js'
import { secretProblems, secretsPrefix, uniqueSecrets, type SecretRef } from './secrets.js'
import { originTableTemplate, replicaWarning } from './origin-table.js'
import { checkHandlerStage } from './stage-check.js'
import { cloudformationTemplate, cloudfrontAssociations, distributionPlan, manifest, originTemplates, stableJson, type BuildArtifacts, type BuiltPackage, type Manifest } from './outputs.js'
import { buildCloudFrontFunctions, keyValueStoreFile } from './cloudfront-functions.js'
import { buildLambdaOrigins, lambdaOriginProblems } from './lambda-origins.js'
import { deterministicZip, digest } from './zip.js'

/**
 * Options of {@link build}.
 *
 * @example
 * ```ts
 * const options: BuildOptions = { config: 'wrangler.toml', env: 'staging', sourcemap: true, log: console.log }
 * await build(options)
 * ```
 */
export interface BuildOptions {
  /** Path of the `wrangler.toml`, or an already loaded config. */
  config: string | EdgeConfig
  /**
   * The environment (`[env.<name>]`) to build a `wrangler.toml` path for: its own name (stack, functions,
   * secrets) and its overrides. Ignored when `config` is already loaded (it was loaded for its environment).
   */
  env?: string
  /** Output directory (default `.edgeware/build` next to the config, `.edgeware/build-<env>` for an environment). */
  outDir?: string
  /** Add `index.js.map` to each zip (it counts towards the size limit). */
  sourcemap?: boolean
  /** Progress and summary lines. */
  log?: (line: string) => void
}

/**
 * One built function.
 *
 * @example
 * ```ts
 * const { functions } = await build({ config: 'wrangler.toml' })
 * for (const f of functions) console.log(f.functionName, f.zipBytes, `${Math.round(f.share * 100)}% of ${f.limitBytes}`)
 * ```
 */
export interface BuiltFunction {
  name: string
  /** The deployed Lambda function name (`<config name>-<name>`). */
  functionName: string
  stages: FunctionConfig['stages']
  behaviors: string[]
  /** Absolute path of the zip. */
  zip: string
  zipBytes: number
  bundleBytes: number
  sha256: string
  /** The tightest zip-size limit of the stages it serves, and the share of it used (0–1). */
  limitBytes: number
  share: number
}

/**
 * What {@link build} produced.
 *
 * @example
 * ```ts
 * const result: BuildResult = await build({ config: 'wrangler.toml' })
 * for (const w of result.warnings) console.warn(w.code, w.message)
 * console.log(result.outDir, result.files.length, 'files')
 * ```
 */
export interface BuildResult {
  outDir: string
  functions: BuiltFunction[]
  /** Near-limit warnings (the build still succeeded). */
  warnings: Problem[]
  manifest: Manifest
  /** Absolute paths of every file written. */
  files: string[]
}

/**
 * Where a config's build goes by default: `.edgeware/build` next to it, or `.edgeware/build-<env>` for an
 * environment (so that environments never overwrite each other's zips).
 *
 * @example
 * ```ts
 * defaultOutDir({ root: '/app', env: 'staging' }) // '/app/.edgeware/build-staging'
 * ```
 */
export function defaultOutDir(config: Pick<EdgeConfig, 'root' | 'env'>): string {
  return join(config.root, '.edgeware', config.env === undefined ? 'build' : `build-${config.env}`)
}

function percent(share: number): string {
  const p = share * 100
  return p > 0 && p < 0.1 ? '<0.1%' : `${p.toFixed(1)}%`
}

/** Runs `task` over `items` with at most `limit` at a time, keeping the order of results. */
async function pool<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await task(items[i]!, i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

/** One Lambda@Edge function bundled, zipped and checked (or its problems). */
interface EdgeBundle {
  fn: FunctionConfig
  zip?: Uint8Array
  bundleBytes: number
  secrets: SecretRef[]
  replicas: string[]
  errs: Problem[]
}

/** Bundles, zips and checks every Lambda@Edge function (four at a time), logging progress; warnings into `warnings`. */
async function bundleEdgeFunctions(config: EdgeConfig, sourcemap: boolean, warnings: Problem[], log: (line: string) => void): Promise<EdgeBundle[]> {
  const total = config.functions.length
  const rel = (p: string) => relative(config.root, p).split(sep).join('/')
  return pool(config.functions, 4, async (fn, i): Promise<EdgeBundle> => {
    const t0 = Date.now()
    log(`  [${i + 1}/${total}] bundling ${fn.name} (${rel(fn.entry)})…`)
    try {
      const b = await bundleFunction({
        entry: fn.entry,
        vars: config.vars,
        runtime: config.edge.runtime,
        sourcemap,
        absWorkingDir: config.root,
        secretsPrefix: secretsPrefix(config),
      })
      const zip = deterministicZip(b.map === undefined ? [{ name: 'index.js', data: b.code }] : [{ name: 'index.js', data: b.code }, { name: 'index.js.map', data: b.map }])
      const checks = packageProblems(fn, zip.length, b.metafile, config.edge.limits)
      const staged = await checkHandlerStage(fn, b.code, config)
      const errs: Problem[] = [...b.envReads.map((r) => envProblem(fn, r)), ...secretProblems(config, fn.name, b.secrets, b.secretRefusals), ...checks.problems, ...(staged.problem ? [staged.problem] : [])]
      warnings.push(...checks.warnings, ...(staged.warning ? [staged.warning] : []), ...b.warnings.map((w) => ({ code: 'BundleWarning', message: `${fn.name}: ${w}` })))
      if (config.edge.dynamodb && b.originReplicas.unknown.length) warnings.push(replicaWarning(fn.name, b.originReplicas.unknown))
      log(`  [${i + 1}/${total}] ${fn.name}: ${formatBytes(Buffer.byteLength(b.code))} bundle, ${formatBytes(zip.length)} zip (${Date.now() - t0} ms)`)
      return { fn, zip, bundleBytes: Buffer.byteLength(b.code), secrets: uniqueSecrets(b.secrets), replicas: b.originReplicas.regions, errs }
    } catch (e) {
      if (e instanceof BuildError) return { fn, bundleBytes: 0, secrets: [], replicas: [], errs: e.problems.map((p) => ({ code: p.code, message: `${fn.name}: ${p.message}` })) }
      throw e
    }
  })
}

/** The artifact files (zips, store data, origin stack templates) a manifest lists, by name in the build directory. */
function artifactFiles(m: Partial<Manifest>): string[] {
  const names = [...(m.functions ?? []).map((f) => f?.zip), ...(m.keyValueStores ?? []).map((s) => s?.file), ...(m.lambdaOrigins ?? []).map((o) => o?.zip), ...(m.originStacks ?? []).map((o) => o?.template)]
  return names.filter((n): n is string => typeof n === 'string' && /^([\w.-]+\.(zip|kvs\.json)|origins-[a-z0-9-]+\.json)$/.test(n))
}

/** Writes the outputs, first dropping the artifacts of an earlier build that this one no longer has. */
async function writeOutputs(config: EdgeConfig, outDir: string, files: [string, Uint8Array | string][], man: Manifest): Promise<void> {
  await mkdir(outDir, { recursive: true })
  try {
    const previous = JSON.parse(await readFile(join(outDir, 'manifest.json'), 'utf8')) as Partial<Manifest>
    const keep = new Set(artifactFiles(man))
    for (const f of artifactFiles(previous)) if (!keep.has(f)) await rm(join(outDir, f), { force: true })
  } catch {
    // no previous build (or not ours)
  }
  if (!config.edge.dynamodb) await rm(join(outDir, 'origin-table.json'), { force: true })
  for (const [path, data] of files) await writeFile(path, data)
}

/** `3 functions`, `1 function and 1 key value store`: what a build makes. */
function counted(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`
}

/** The summary: one row per function and store, with its size against its limit. */
function summaryRows(functions: readonly BuiltFunction[], man: Manifest): [string, string, string][] {
  return [
    ...functions.map((f): [string, string, string] => [f.name, f.stages.join(', '), `${formatBytes(f.zipBytes)} zip, ${percent(f.share)} of the ${formatBytes(f.limitBytes)} limit`]),
    ...man.cloudfrontFunctions.map((f): [string, string, string] => [
      f.name,
      `${f.eventTypes.join(', ')} (CloudFront Function)`,
      `${formatBytes(f.bytes)} code, ${percent(f.bytes / f.limits.bytes)} of the ${formatBytes(f.limits.bytes)} limit`,
    ]),
    ...man.keyValueStores.map((s): [string, string, string] => [
      s.id,
      'key value store',
      `${counted(s.keys, 'key')}, ${formatBytes(s.bytes)}, ${percent(s.bytes / s.limits.bytes)} of the ${formatBytes(s.limits.bytes)} limit`,
    ]),
    // regional functions: none of Lambda@Edge's limits
    ...man.lambdaOrigins.map((o): [string, string, string] => [o.id, `origin (${o.integration}, ${o.region})`, `${formatBytes(o.zipBytes)} zip`]),
  ]
}

/**
 * Builds every function of a `wrangler.toml`: bundles each Lambda@Edge function with esbuild ({@link bundleFunction}),
 * rejects reads of non-reserved environment variables, zips deterministically, checks the association rules (one
 * function per event type per behavior, IncludeBody only on request events, runtime, memory, timeout), the stage a
 * `viewerRequest()`-style handler is made for against the stages it is associated with (the bundle loaded in a
 * Lambda-like container of its own), and the zip size against every stage the function serves; compiles each
 * CloudFront Function for its runtime and validates the data of the key value stores they use; bundles each Lambda
 * origin as a regional function and checks what the behaviors send it. Then writes `<name>.zip`, `<store>.kvs.json`,
 * `<origin>.origin.zip`, `manifest.json`, `cloudformation.json`, `origins-<region>.json` (Lambda origins outside
 * us-east-1) and `cloudfront-associations.json`. Any failure throws a `BuildError` listing every problem, and
 * nothing is written.
 *
 * @example
 * ```ts
 * import { build } from 'edgeware/build'
 * const result = await build({ config: 'wrangler.toml', env: 'staging', log: console.log })
 * for (const f of result.functions) console.log(f.name, f.zipBytes)
 * ```
 */
export async function build(opts: BuildOptions): Promise<BuildResult> {
  const log = opts.log ?? (() => {})
  let config: EdgeConfig
  if (typeof opts.config === 'string') {
    try {
      config = await loadEnvConfig(opts.config, opts.env)
    } catch (e) {
      if (e instanceof ConfigError) throw new BuildError('InvalidConfig', e.message)
      throw e
    }
  } else {
    config = opts.config
  }
  const outDir = resolve(opts.outDir ?? defaultOutDir(config))
  const sourcemap = opts.sourcemap ?? false

  // Keys the build doesn't write yet (src/distribution/unapplied.ts; none today): refused when they can't be left
  // out, else a warning each.
  const pending = notYetApplied(config, 'build')
  const origins = lambdaOriginProblems(config, distributionPlan(config).lambdaOrigins)
  const problems = [...associationProblems(config), ...origins.problems, ...pending.errors.map((message) => ({ code: 'NotYetSupported', message }))]
  if (problems.length) throw BuildError.from(problems)
  const lambdaOrigins = config.edge.origins.filter((o) => o.kind === 'lambda').length
  if (config.functions.length === 0 && config.cloudfrontFunctions.length === 0 && lambdaOrigins === 0) {
    throw new BuildError('NoFunctions', `${config.path}: no edge function, CloudFront Function or Lambda origin: nothing to build`)
  }

  const rel = (p: string) => relative(config.root, p).split(sep).join('/')
  const warnings: Problem[] = []
  const started = Date.now()
  const kinds = [
    ...(config.functions.length ? [counted(config.functions.length, 'function')] : []),
    ...(config.cloudfrontFunctions.length ? [counted(config.cloudfrontFunctions.length, 'CloudFront Function')] : []),
    ...(lambdaOrigins ? [counted(lambdaOrigins, 'Lambda origin')] : []),
  ]
  log(`edgeware build: ${kinds.join(', ')} from ${rel(config.path) || basename(config.path)} (${config.edge.runtime}, limits "${config.edge.limits.name}")`)

  const [built, cff, regional] = await Promise.all([bundleEdgeFunctions(config, sourcemap, warnings, log), buildCloudFrontFunctions(config), buildLambdaOrigins(config)])
  warnings.push(...origins.warnings, ...regional.warnings)
  warnings.sort((a, b) => (a.message < b.message ? -1 : 1))
  warnings.unshift(
    ...runtimeWarnings(config.edge.runtime),
    ...config.warnings.map((message) => ({ code: 'ConfigWarning', message })),
    ...pending.warnings.map((message) => ({ code: 'NotYetApplied', message })),
    ...unusedPolicies(config).map((message) => ({ code: 'UnusedPolicy', message })),
    ...cff.warnings,
  )
  const errors = [...built.flatMap((b) => b.errs), ...cff.problems, ...regional.problems]
  if (errors.length) throw BuildError.from(errors)

  const packages: BuiltPackage[] = built.map((b) => ({
    fn: b.fn,
    zipFile: `${b.fn.name}.zip`,
    zipBytes: b.zip!.length,
    bundleBytes: b.bundleBytes,
    ...digest(b.zip!),
    sourcemap,
    secrets: b.secrets,
  }))
  const artifacts: BuildArtifacts = { cloudfrontFunctions: cff.functions, keyValueStores: cff.stores, lambdaOrigins: regional.built }
  const man = manifest(config, packages, artifacts)
  const files: [string, Uint8Array | string][] = [
    ...built.map((b) => [join(outDir, `${b.fn.name}.zip`), b.zip!] as [string, Uint8Array]),
    ...cff.stores.map((s) => [join(outDir, keyValueStoreFile(s)), s.data] as [string, string]),
    ...regional.built.map((b) => [join(outDir, man.lambdaOrigins.find((o) => o.id === b.origin.id)!.zip), b.zip] as [string, Uint8Array]),
    ...[...originTemplates(config, artifacts)].map(([file, t]) => [join(outDir, file), stableJson(t)] as [string, string]),
    [join(outDir, 'manifest.json'), stableJson(man)],
    [join(outDir, 'cloudformation.json'), stableJson(cloudformationTemplate(config, packages, artifacts))],
    [join(outDir, 'cloudfront-associations.json'), stableJson(cloudfrontAssociations(config))],
  ]
  if (config.edge.dynamodb) files.push([join(outDir, 'origin-table.json'), stableJson(originTableTemplate(config, built.flatMap((b) => b.replicas)))])
  await writeOutputs(config, outDir, files, man)

  const functions: BuiltFunction[] = packages
    .map((p) => {
      const t = tightestLimits(p.fn.stages, config.edge.limits)
      return {
        name: p.fn.name,
        functionName: lambdaName(config, p.fn),
        stages: STAGES.filter((s) => p.fn.stages.includes(s)),
        behaviors: [...p.fn.behaviors],
        zip: join(outDir, p.zipFile),
        zipBytes: p.zipBytes,
        bundleBytes: p.bundleBytes,
        sha256: p.sha256,
        limitBytes: t.zipBytes,
        share: p.zipBytes / t.zipBytes,
      }
    })
    .sort((a, b) => (a.name < b.name ? -1 : 1))

  const rows = summaryRows(functions, man)
  const width = rows.map((r) => [r[0].length, r[1].length])
  const shownOut = rel(outDir).startsWith('..') ? outDir : rel(outDir) || outDir
  const made = [
    counted(functions.length + man.cloudfrontFunctions.length + man.lambdaOrigins.length, 'function'),
    ...(man.keyValueStores.length ? [counted(man.keyValueStores.length, 'key value store')] : []),
  ]
  log(`built ${made.join(' and ')} in ${Date.now() - started} ms → ${shownOut}`)
  const w0 = Math.max(...width.map((w) => w[0]))
  const w1 = Math.max(...width.map((w) => w[1]))
  for (const [name, what, size] of rows) log(`  ${name.padEnd(w0)}  ${what.padEnd(w1)}  ${size}`)
  for (const b of man.distribution.buckets) log(`  s3://${b.bucket} (${b.origins.join(', ')}) serves ${b.dir}: upload it before deploying, e.g. aws s3 sync ${b.dir} s3://${b.bucket}`)
  for (const o of man.originStacks) log(`  ${o.template}: the Lambda origins in ${o.region}, a stack of their own that edgeware deploy deploys there first`)
  for (const w of warnings) log(`warning: ${w.message}`)
  return { outDir, functions, warnings, manifest: man, files: files.map(([p]) => p) }
}
