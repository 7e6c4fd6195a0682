/**
 * `edgeware deploy`: build (or take a build), upload the zips the bucket lacks, deploy the origin table stack and
 * the edge stack in us-east-1 through change sets, and remember what the stack holds.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { build, defaultOutDir } from '../build/build.js'
import { loadEnvConfig } from '../build/environment.js'
import type { Manifest } from '../build/outputs.js'
import { awsClients, endpointFor, type AwsOptions } from './aws.js'
import { DeployError } from './errors.js'
import { deployStack, type StackInput, type StackOptions, type StackResult } from './stack.js'
import { readState, retain, writeState } from './state.js'
import { checkBucket, uploadAll, type UploadItem, type UploadOptions } from './upload.js'

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
}

/** CloudFormation's limit for a template passed in the request; larger ones go through S3. */
const TEMPLATE_BODY_LIMIT = 51_200

type Template = { Parameters?: Record<string, { Default?: string }> }

/**
 * The edge template's parameters: the code bucket and every `<Function>CodeKey` and `<Store>DataKey` (its
 * content-addressed default) always, the given ones (an unknown name is an error), and the parameters without a default as required, which a
 * later deploy may leave out to keep the stack's value.
 */
function edgeParameters(template: Template, bucket: string, given: Record<string, string> = {}): Pick<StackInput, 'parameters' | 'required' | 'reuse'> {
  const params = template.Parameters ?? {}
  const unknown = Object.keys(given).filter((k) => !(k in params))
  if (unknown.length) throw new DeployError('UnknownParameter', `the template has no parameter ${unknown.join(', ')} (it has ${Object.keys(params).join(', ')})`)
  const parameters: Record<string, string> = { ...given, CodeBucket: bucket }
  for (const [k, p] of Object.entries(params)) if (/(CodeKey|DataKey)$/.test(k) && p.Default !== undefined) parameters[k] = p.Default
  const required = Object.entries(params).filter(([, p]) => p.Default === undefined).map(([k]) => k)
  return { parameters, required, reuse: required }
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

/**
 * Deploys the edge to AWS: builds for `env` (or takes `from`), checks the code bucket (us-east-1), uploads the
 * zips and key value store data it lacks (content-addressed keys: an unchanged function uploads nothing), deploys `origin-table.json` as
 * `<stack>-origin-table` and `cloudformation.json` as `<stack>` through change sets (no changes: nothing
 * executed, no new Lambda version), and records the stack's functions in `.edgeware/deploy/<stack>.json`
 * (functions a deploy drops are retained and listed there for `edgeware cleanup`).
 *
 * @example
 * ```ts
 * const r = await deploy({ env: 'production', bucket: 'my-code-bucket', params: { AppOriginDomainName: 'app.example.com' }, log: console.log })
 * console.log(`https://${r.domainName}`)
 * ```
 */
export async function deploy(opts: DeployOptions = {}): Promise<DeployResult> {
  const log = opts.log ?? (() => {})
  const root = dirname(resolve(opts.config ?? 'wrangler.toml'))
  const dir = await buildDir(opts, log)
  const manifest = await readJson<Manifest>(join(dir, 'manifest.json'))
  const templateText = await readFile(join(dir, 'cloudformation.json'), 'utf8').catch(() => {
    throw new DeployError('NoBuild', `${join(dir, 'cloudformation.json')} is missing: deploy needs the output of \`edgeware build\``)
  })
  const template = JSON.parse(templateText) as Template
  const stack = opts.stack ?? manifest.name
  const state = await readState(root, stack)
  const bucket = opts.bucket ?? state.bucket
  if (!bucket) throw new DeployError('NoBucket', `no code bucket for stack ${stack}: pass --bucket <an S3 bucket in us-east-1> (later deploys remember it)`)
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
    // remembered at once: a deploy cut short later is re-run without --bucket
    state.bucket = bucket
    await writeState(root, state)
    const items: UploadItem[] = [
      ...manifest.functions.map((f) => ({ key: f.s3Key, file: join(dir, f.zip) })),
      // CloudFront imports a store's data from the bucket when the stack creates the store
      ...(manifest.keyValueStores ?? []).map((s) => ({ key: s.s3Key, file: join(dir, s.file), contentType: 'application/json' })),
    ]
    let templateRef: { body: string } | { url: string } = { body: templateText }
    if (Buffer.byteLength(templateText) > TEMPLATE_BODY_LIMIT) {
      const key = `edgeware/templates/${createHash('sha256').update(templateText).digest('hex').slice(0, 16)}.json`
      items.push({ key, file: join(dir, 'cloudformation.json'), contentType: 'application/json' })
      const endpoint = endpointFor('s3', opts)
      templateRef = { url: endpoint ? `${endpoint.replace(/\/$/, '')}/${bucket}/${key}` : `https://${bucket}.s3.us-east-1.amazonaws.com/${key}` }
    }
    log(`uploading to s3://${bucket} (${items.length} object${items.length === 1 ? '' : 's'}; keys already there are skipped)`)
    const { uploaded, skipped } = await uploadAll(s3, bucket, items, { ...opts, log })
    log(`  ${uploaded.length} uploaded, ${skipped.length} already there`)

    const cfn = clients.cloudformation()
    let originTable: DeployResult['originTable']
    if (opts.originTable !== false && existsSync(join(dir, 'origin-table.json'))) {
      const name = originTableStack(stack)
      const r = await deployStack(cfn, { stackName: name, template: { body: await readFile(join(dir, 'origin-table.json'), 'utf8') } }, { ...opts, log })
      originTable = { stack: name, outcome: r.outcome }
    }

    const r = await deployStack(cfn, { stackName: stack, template: templateRef, ...edgeParameters(template, bucket, opts.params), capabilities: ['CAPABILITY_IAM'] }, { ...opts, log })

    if (r.outcome !== 'unchanged') {
      const dropped = state.functions.filter((n) => !names.includes(n))
      state.retained = retain(state.retained, dropped, 'removed')
      if (dropped.length) log(`retained ${dropped.join(', ')} (no longer in the stack): \`edgeware cleanup\` deletes them once their replicas are gone`)
    }
    state.functions = names
    if (originTable) state.originTableStack = originTable.stack
    const domainName = r.outputs.DistributionDomainName ?? state.domainName
    const distributionId = r.outputs.DistributionId ?? state.distributionId
    if (domainName) state.domainName = domainName
    if (distributionId) state.distributionId = distributionId
    await writeState(root, state)
    log(r.outcome === 'unchanged' ? `${stack} is up to date${domainName ? `: https://${domainName}` : ''}` : `deployed ${stack}${domainName ? `: https://${domainName}` : ''}`)
    return { stack, outcome: r.outcome, uploaded, skipped, ...(domainName ? { domainName } : {}), ...(distributionId ? { distributionId } : {}), ...(originTable ? { originTable } : {}) }
  } finally {
    clients.destroy()
  }
}
