/**
 * `edgeware deploy`: build (or take a build), upload the zips the buckets lack, deploy the stacks of the Lambda
 * origins outside us-east-1, the origin table stack and the edge stack in us-east-1 through change sets, and
 * remember what the stack holds.
 */
import { readFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { build, defaultOutDir } from '../build/build.js'
import { loadEnvConfig } from '../build/environment.js'
import type { Manifest } from '../build/outputs.js'
import type { S3Client } from '@aws-sdk/client-s3'
import { awsClients, type AwsOptions } from './aws.js'
import { DeployError } from './errors.js'
import { deployStack, type StackOptions, type StackResult } from './stack.js'
import { readState, retain, writeState } from './state.js'
import { checkBucket, uploadAll, type UploadItem, type UploadOptions } from './upload.js'
import { checkGivenParameters, stackParameters, templateSource, type Template } from './templates.js'

/** Options of {@link deploy}. */
export interface DeployOptions extends AwsOptions, StackOptions, UploadOptions {
  /** The wrangler.toml (default `wrangler.toml`); its directory holds `.edgeware/`. */
  config?: string
  /** The environment (`[env.<name>]`): its own stack, function names and secrets. */
  env?: string
  /** Deploy this build directory instead of building. */
  from?: string
  /** Stack name (default: the config's name with the environment). */
  stack?: string
  /** The code bucket in us-east-1 (default: the one the last deploy of this stack used). */
  bucket?: string
  /** Code buckets by region, for the Lambda origins outside us-east-1 (default: the last deploy's). */
  regionBuckets?: Record<string, string>
  /** Template parameters (e.g. origin domain names); later deploys reuse them. */
  params?: Record<string, string>
  /** Deploy `origin-table.json` (the Global Table) as its own stack when the build wrote it (default true). */
  originTable?: boolean
}

/** What {@link deploy} did. */
export interface DeployResult {
  stack: string
  outcome: StackResult['outcome']
  /** The distribution's domain name (`d…cloudfront.net`). */
  domainName?: string
  distributionId?: string
  uploaded: string[]
  skipped: string[]
  originTable?: { stack: string; outcome: StackResult['outcome'] }
  /** The stacks of the Lambda origins outside us-east-1. */
  originStacks?: { stack: string; region: string; outcome: StackResult['outcome'] }[]
}

/**
 * The origin table stack of an edge stack.
 *
 * @example
 * ```ts
 * originTableStack('my-site-production') // 'my-site-production-origin-table'
 * ```
 */
export function originTableStack(stack: string): string {
  return `${stack}-origin-table`
}

async function readText(file: string): Promise<string> {
  return readFile(file, 'utf8').catch(() => {
    throw new DeployError('NoBuild', `${file} is missing: deploy needs the output of \`edgeware build\``)
  })
}

async function readJson<T>(file: string): Promise<T> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T
  } catch (e) {
    throw new DeployError('NoBuild', `${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (e as Error).message}: deploy needs the output of \`edgeware build\``)
  }
}

/** Builds for the environment, or checks the given build directory. */
async function buildDir(opts: DeployOptions, log: (line: string) => void): Promise<string> {
  if (opts.from !== undefined) return resolve(opts.from)
  const config = await loadEnvConfig(resolve(opts.config ?? 'wrangler.toml'), opts.env)
  const outDir = defaultOutDir(config)
  await build({ config, outDir, log })
  return outDir
}

/** Uploads items to one code bucket, saying so. */
async function upload(s3: S3Client, bucket: string, items: readonly UploadItem[], opts: DeployOptions, log: (line: string) => void): Promise<{ uploaded: string[]; skipped: string[] }> {
  log(`uploading to s3://${bucket} (${items.length} object${items.length === 1 ? '' : 's'}; keys already there are skipped)`)
  const r = await uploadAll(s3, bucket, items, { ...opts, log })
  log(`  ${r.uploaded.length} uploaded, ${r.skipped.length} already there`)
  return r
}

/** One region's Lambda origins: its template and code bucket. */
interface OriginStack {
  region: string
  stack: string
  file: string
  text: string
  template: Template
  bucket: string
}

/**
 * Deploys each region's Lambda origins (their zips to the region's code bucket, then their stack there); resolves
 * to the outputs (the origins' domain names, which the edge stack takes as parameters).
 */
async function deployOriginStacks(stacks: readonly OriginStack[], manifest: Manifest, dir: string, clients: ReturnType<typeof awsClients>, opts: DeployOptions, log: (line: string) => void) {
  const outputs: Record<string, string> = {}
  const done: NonNullable<DeployResult['originStacks']> = []
  const uploaded: string[] = []
  const skipped: string[] = []
  for (const o of stacks) {
    const source = templateSource(o.text, join(dir, o.file), o.bucket, o.region, opts)
    const zips = manifest.lambdaOrigins.filter((l) => l.template === o.file).map((l) => ({ key: l.s3Key, file: join(dir, l.zip) }))
    const u = await upload(clients.s3(o.region), o.bucket, [...zips, ...(source.upload ? [source.upload] : [])], opts, log)
    uploaded.push(...u.uploaded)
    skipped.push(...u.skipped)
    const input = { stackName: o.stack, template: source.template, ...stackParameters(o.template, o.bucket, opts.params), capabilities: ['CAPABILITY_IAM' as const] }
    const r = await deployStack(clients.cloudformation(o.region), input, { ...opts, log })
    Object.assign(outputs, r.outputs)
    done.push({ stack: o.stack, region: o.region, outcome: r.outcome })
  }
  return { outputs, done, uploaded, skipped }
}

/**
 * The stack of a region's Lambda origins.
 *
 * @example
 * ```ts
 * originStackName('my-site', 'eu-west-1') // 'my-site-origins-eu-west-1'
 * ```
 */
export function originStackName(stack: string, region: string): string {
  return `${stack}-origins-${region}`
}

/**
 * Deploys the edge to AWS: builds for `env` (or takes `from`), checks the code buckets (us-east-1, and the region of
 * each Lambda origin outside it), uploads the zips and key value store data they lack (content-addressed keys: an
 * unchanged function uploads nothing), deploys each region's Lambda origins as `<stack>-origins-<region>` there,
 * `origin-table.json` as `<stack>-origin-table` and `cloudformation.json` as `<stack>` (with the origins' domain
 * names) through change sets (no changes: nothing executed, no new Lambda version), and records the stack's
 * functions in `.edgeware/deploy/<stack>.json` (functions a deploy drops are retained and listed there for
 * `edgeware cleanup`).
 *
 * @example
 * ```ts
 * const r = await deploy({ env: 'production', bucket: 'my-code-bucket', regionBuckets: { 'eu-west-1': 'my-code-eu' }, params: { AppOriginDomainName: 'app.example.com' }, log: console.log })
 * console.log(`https://${r.domainName}`)
 * ```
 */
export async function deploy(opts: DeployOptions = {}): Promise<DeployResult> {
  const log = opts.log ?? (() => {})
  const root = dirname(resolve(opts.config ?? 'wrangler.toml'))
  const dir = await buildDir(opts, log)
  const manifest = await readJson<Manifest>(join(dir, 'manifest.json'))
  manifest.lambdaOrigins ??= []
  const templateText = await readText(join(dir, 'cloudformation.json'))
  const template = JSON.parse(templateText) as Template
  const stack = opts.stack ?? manifest.name
  const state = await readState(root, stack)
  const bucket = opts.bucket ?? state.bucket
  if (!bucket) throw new DeployError('NoBucket', `no code bucket for stack ${stack}: pass --bucket <an S3 bucket in us-east-1> (later deploys remember it)`)
  const regionBuckets = { ...state.regionBuckets, ...opts.regionBuckets }
  const originStacks: OriginStack[] = []
  for (const o of manifest.originStacks ?? []) {
    const text = await readText(join(dir, o.template))
    const b = regionBuckets[o.region]
    if (!b) throw new DeployError('NoBucket', `no code bucket in ${o.region} for the Lambda origins there: pass --bucket ${o.region}=<an S3 bucket in ${o.region}> (later deploys remember it)`)
    originStacks.push({ region: o.region, stack: originStackName(stack, o.region), file: o.template, text, template: JSON.parse(text) as Template, bucket: b })
  }
  checkGivenParameters(opts.params ?? {}, [template, ...originStacks.map((o) => o.template)])
  const names = manifest.functions.map((f) => f.functionName)
  const inTheWay = state.retained.filter((r) => names.includes(r.functionName)).map((r) => r.functionName)
  if (inTheWay.length) {
    throw new DeployError(
      'RetainedFunctionInTheWay',
      `${inTheWay.join(', ')} still exist${inTheWay.length === 1 ? 's' : ''} from an earlier destroy of ${stack}: run \`edgeware cleanup\` once CloudFront has removed the replicas (usually within a few hours), then deploy again`,
    )
  }

  const clients = awsClients(opts)
  try {
    const s3 = clients.s3()
    await checkBucket(s3, bucket)
    for (const o of originStacks) await checkBucket(clients.s3(o.region), o.bucket, o.region)
    // remembered at once: a deploy cut short later is re-run without --bucket
    state.bucket = bucket
    if (originStacks.length) state.regionBuckets = regionBuckets
    await writeState(root, state)
    const edgeOrigins = manifest.lambdaOrigins.filter((o) => o.template === 'cloudformation.json')
    const source = templateSource(templateText, join(dir, 'cloudformation.json'), bucket, 'us-east-1', opts)
    const items: UploadItem[] = [
      ...manifest.functions.map((f) => ({ key: f.s3Key, file: join(dir, f.zip) })),
      // CloudFront imports a store's data from the bucket when the stack creates the store
      ...(manifest.keyValueStores ?? []).map((s) => ({ key: s.s3Key, file: join(dir, s.file), contentType: 'application/json' })),
      ...edgeOrigins.map((o) => ({ key: o.s3Key, file: join(dir, o.zip) })),
      ...(source.upload ? [source.upload] : []),
    ]
    const edgeUpload = await upload(s3, bucket, items, opts, log)
    const regional = await deployOriginStacks(originStacks, manifest, dir, clients, opts, log)
    if (originStacks.length) {
      state.originStacks = regional.done.map((o) => ({ stack: o.stack, region: o.region }))
      await writeState(root, state)
    }

    const cfn = clients.cloudformation()
    let originTable: DeployResult['originTable']
    if (opts.originTable !== false && existsSync(join(dir, 'origin-table.json'))) {
      const name = originTableStack(stack)
      const r = await deployStack(cfn, { stackName: name, template: { body: await readFile(join(dir, 'origin-table.json'), 'utf8') } }, { ...opts, log })
      originTable = { stack: name, outcome: r.outcome }
    }

    // the origins' domain names from their stacks, beside what was given
    const given = { ...opts.params, ...Object.fromEntries(Object.entries(regional.outputs).filter(([k]) => k in (template.Parameters ?? {}))) }
    const r = await deployStack(cfn, { stackName: stack, template: source.template, ...stackParameters(template, bucket, given), capabilities: ['CAPABILITY_IAM'] }, { ...opts, log })

    if (r.outcome !== 'unchanged') {
      const dropped = state.functions.filter((n) => !names.includes(n))
      state.retained = retain(state.retained, dropped, 'removed')
      if (dropped.length) log(`retained ${dropped.join(', ')} (no longer in the stack): \`edgeware cleanup\` deletes them once their replicas are gone`)
    }
    state.functions = names
    // regional functions in the edge stack go with it: never retained, never cleaned up
    if (edgeOrigins.length) state.originFunctions = edgeOrigins.map((o) => o.functionName)
    else delete state.originFunctions
    if (originTable) state.originTableStack = originTable.stack
    const domainName = r.outputs.DistributionDomainName ?? state.domainName
    const distributionId = r.outputs.DistributionId ?? state.distributionId
    if (domainName) state.domainName = domainName
    if (distributionId) state.distributionId = distributionId
    await writeState(root, state)
    log(r.outcome === 'unchanged' ? `${stack} is up to date${domainName ? `: https://${domainName}` : ''}` : `deployed ${stack}${domainName ? `: https://${domainName}` : ''}`)
    return {
      stack,
      outcome: r.outcome,
      uploaded: [...edgeUpload.uploaded, ...regional.uploaded],
      skipped: [...edgeUpload.skipped, ...regional.skipped],
      ...(domainName ? { domainName } : {}),
      ...(distributionId ? { distributionId } : {}),
      ...(originTable ? { originTable } : {}),
      ...(regional.done.length ? { originStacks: regional.done } : {}),
    }
  } finally {
    clients.destroy()
  }
}
