/**
 * Lambda origins in `edgeware build`: each `[[edge.origins]] lambda = { … }` bundled as a regional function (its own
 * content-addressed zip, `index.handler`, the config's Node.js runtime, its memory and timeout, none of Lambda@Edge's
 * limits), with its role and the integration in front of it ({@link integrationParts}), and the custom origin the
 * distribution reaches it at over HTTPS. A function in us-east-1 goes into the edge stack; one in another region into
 * `origins-<region>.json`, a stack of its own there that `edgeware deploy` deploys first and whose outputs (the
 * domain names) it passes to the edge stack.
 */
import { relative, sep } from 'node:path'
import type { BehaviorConfig, EdgeConfig, LambdaOriginConfig } from '../distribution/model.js'
import { selects } from '../distribution/selection.js'
import { bundleFunction } from './bundle.js'
import { EDGE_REGION, formatBytes, lambdaName, type Problem } from './checks.js'
import { describeEnvRead } from './env-scan.js'
import { BuildError } from './errors.js'
import { INTEGRATION_PARTS, integrationDomain, integrationParts, lambdaOriginPath } from './integrations.js'
import { secretId, secretProblems, secretsPolicy, secretsPrefix, uniqueSecrets, type SecretRef } from './secrets.js'
import { deployedName, executionRole, lambdaFunction, logicalId, mergeParts, type Json, type LogicalIds, type TemplateParts } from './template.js'
import { deterministicZip, digest } from './zip.js'
import type { FunctionZipManifest } from './outputs.js'

/** Lambda's limit for a function's unzipped code from S3 (Lambda quotas: 250 MB). */
const MAX_UNZIPPED = 262_144_000
/** Lambda function names: 64 characters; target group names: 32 (letters, digits, `-`). */
const MAX_FUNCTION_NAME = 64
const MAX_TARGET_GROUP_NAME = 32
/** The integrations behind which CloudFront must not send the viewer's Host. */
const HOST_BOUND: Readonly<Partial<Record<LambdaOriginConfig['integration'], string>>> = {
  rest: 'API Gateway answers 403 ForbiddenException to a Host that is not its own domain',
  http: 'API Gateway answers 403 ForbiddenException to a Host that is not its own domain',
  url: 'a function URL answers 403 to a Host that is not its own domain (reference §1: keying on Host breaks function-URL origins)',
}

/** Where a Lambda origin is deployed and every name it is deployed under. */
export interface PlannedLambdaOrigin {
  origin: LambdaOriginConfig
  /** Logical IDs by part (`Role`, `Function`, `CodeKey`, and the integration's). */
  ids: Record<string, string>
  /** The Lambda function's name (the API's too). */
  functionName: string
  targetGroupName: string
  /** The zip in the build directory. */
  zipFile: string
  /** `cloudformation.json` (us-east-1: the edge stack) or `origins-<region>.json`. */
  template: string
  /**
   * The edge template's parameter holding the origin's domain: for a function in another region, the output of the
   * same name of its region's stack (deploy passes it on); for an ALB, a domain the listener's certificate covers.
   */
  domainParameter?: string
  /** A function URL behind `AWS_IAM`: the origin access control CloudFront signs with. */
  accessControl?: { logicalId: string; name: string }
}

/**
 * A Lambda origin's function, bundled and zipped.
 *
 * @example
 * ```ts
 * const { built } = await buildLambdaOrigins(await loadConfig('wrangler.toml'))
 * for (const o of built) console.log(o.origin.id, o.zipBytes, o.codeSha256)
 * ```
 */
export interface BuiltLambdaOrigin {
  origin: LambdaOriginConfig
  zip: Uint8Array
  zipBytes: number
  bundleBytes: number
  /** Hex SHA-256 of the zip, and its base64 form (Lambda's `CodeSha256`). */
  sha256: string
  codeSha256: string
  /** The secrets its code reads with `secret()` (granted to its role). */
  secrets: SecretRef[]
}

/** A name only of letters, digits, `-` and `_` (what Lambda and file names take). */
const safe = (id: string): string => id.replace(/[^A-Za-z0-9_-]+/g, '-')

/**
 * The template file a region's Lambda origins go into.
 *
 * @example
 * ```ts
 * originTemplateFile('eu-west-1') // 'origins-eu-west-1.json'
 * originTemplateFile('us-east-1') // 'cloudformation.json'
 * ```
 */
export function originTemplateFile(region: string): string {
  return region === EDGE_REGION ? 'cloudformation.json' : `origins-${region}.json`
}

/**
 * Fixes the logical IDs and names of every Lambda origin (unique beside what `ids` handed out already).
 *
 * @example
 * ```ts
 * planLambdaOrigins(config, ids).get('api')!.functionName // 'my-site-origin-api'
 * ```
 */
export function planLambdaOrigins(config: EdgeConfig, ids: LogicalIds): Map<string, PlannedLambdaOrigin> {
  const out = new Map<string, PlannedLambdaOrigin>()
  const files = new Set<string>()
  for (const o of config.edge.origins) {
    if (o.kind !== 'lambda') continue
    const base = `${logicalId(o.id)}Origin`
    const parts: Record<string, string> = {}
    for (const part of ['Role', 'Function', 'CodeKey', ...INTEGRATION_PARTS[o.integration]]) parts[part] = ids.take(`${base}${part}`)
    let file = `${safe(o.id)}.origin.zip`
    for (let n = 2; files.has(file); n++) file = `${safe(o.id)}-${n}.origin.zip`
    files.add(file)
    const p: PlannedLambdaOrigin = {
      origin: o,
      ids: parts,
      functionName: deployedName(config.name, `origin-${safe(o.id)}`, MAX_FUNCTION_NAME),
      targetGroupName: deployedName(config.name.replace(/_/g, '-'), safe(o.id).replace(/_/g, '-'), MAX_TARGET_GROUP_NAME).replace(/-+$/, ''),
      zipFile: file,
      template: originTemplateFile(o.region),
    }
    if (o.integration === 'alb' || o.region !== EDGE_REGION) p.domainParameter = ids.take(`${logicalId(o.id)}OriginDomainName`)
    if (o.integration === 'url' && o.authType === 'AWS_IAM') p.accessControl = { logicalId: ids.take(`${logicalId(o.id)}OriginAccessControl`), name: deployedName(config.name, o.id, 64) }
    out.set(o.id, p)
  }
  return out
}

/** The behaviors whose requests may reach an origin (directly, or as a member of their origin group). */
function reaching(config: EdgeConfig, id: string): BehaviorConfig[] {
  const groups = config.edge.originGroups.filter((g) => g.members.includes(id)).map((g) => g.id)
  return config.behaviors.filter((b) => b.originId === id || (b.targetGroupId !== undefined && groups.includes(b.targetGroupId)))
}

const where = (b: BehaviorConfig): string => (b.isDefault ? 'edge.default_behavior' : `behavior ${b.pathPattern}`)

/** Which of a behavior's settings sends the viewer's Host to the origin. */
function hostSender(b: BehaviorConfig): string {
  const orp = b.originRequestPolicy
  if (orp && (orp.headers.kind === 'allViewerAndCloudFront' || selects(orp.headers, 'host'))) return `origin request policy ${JSON.stringify(orp.id)}`
  return b.cachePolicy ? `cache policy ${JSON.stringify(b.cachePolicy.id)}` : 'cache.headers'
}

/**
 * What CloudFront would send a Lambda origin that it can't take, and names that can't be deployed: the viewer's
 * Host forwarded to API Gateway or a function URL, a function name another function has.
 *
 * @example
 * ```ts
 * lambdaOriginProblems(config, plan) // [{ code: 'ViewerHostForwarded', message: '… forwards the viewer's Host …' }]
 * ```
 */
export function lambdaOriginProblems(config: EdgeConfig, plan: ReadonlyMap<string, PlannedLambdaOrigin>): { problems: Problem[]; warnings: Problem[] } {
  const problems: Problem[] = []
  const warnings: Problem[] = []
  const edgeNames = new Set(config.functions.map((f) => lambdaName(config, f)))
  for (const p of plan.values()) {
    const o = p.origin
    if (edgeNames.has(p.functionName)) problems.push({ code: 'DuplicateFunctionName', message: `edge.origins (${o.id}): the origin's function would be named ${p.functionName}, like an edge function: rename one of them` })
    const reason = HOST_BOUND[o.integration]
    for (const b of reaching(config, o.id)) {
      if (reason && selects(b.effective.forward.headers, 'host')) {
        problems.push({
          code: 'ViewerHostForwarded',
          message: `${where(b)} forwards the viewer's Host (${hostSender(b)}) to Lambda origin ${JSON.stringify(o.id)} (integration "${o.integration}"): ${reason}. Don't forward Host: use AllViewerExceptHostHeader or leave host out of the headers`,
        })
      }
      if (o.integration === 'url' && o.authType === 'AWS_IAM' && (b.allowedMethods as readonly string[]).includes('POST')) {
        warnings.push({
          code: 'SignedRequestBody',
          message: `${where(b)} sends PUT and POST to function URL origin ${JSON.stringify(o.id)} behind origin access control: viewers must send the body's SHA-256 in x-amz-content-sha256 (Lambda doesn't take unsigned payloads), or set auth_type = "NONE"`,
        })
      }
    }
  }
  return { problems, warnings }
}

/** Bundles one origin's function; its problems instead when it can't be deployed. */
async function bundleOrigin(config: EdgeConfig, o: LambdaOriginConfig, warnings: Problem[]): Promise<BuiltLambdaOrigin | Problem[]> {
  const what = `Lambda origin ${o.id}`
  try {
    const b = await bundleFunction({ entry: o.handler, vars: config.vars, runtime: config.edge.runtime, absWorkingDir: config.root, secretsPrefix: secretsPrefix(config) })
    warnings.push(
      ...b.envReads.map((r) => ({ code: 'OriginEnvironmentVariable', message: `${what}: ${r.file} ${describeEnvRead(r)}, which the deployed function does not have (the template sets no environment): add it to [vars] to bake it in` })),
      ...b.warnings.map((w) => ({ code: 'BundleWarning', message: `${what}: ${w}` })),
    )
    const problems = secretProblems(config, what, b.secrets, b.secretRefusals)
    const bundleBytes = Buffer.byteLength(b.code)
    if (bundleBytes > MAX_UNZIPPED) problems.push({ code: 'FunctionCodeSize', message: `${what}: the function is ${formatBytes(bundleBytes)} unzipped, over Lambda's ${formatBytes(MAX_UNZIPPED)}` })
    if (problems.length) return problems
    const zip = deterministicZip([{ name: 'index.js', data: b.code }])
    return { origin: o, zip, zipBytes: zip.length, bundleBytes, ...digest(zip), secrets: uniqueSecrets(b.secrets) }
  } catch (e) {
    if (e instanceof BuildError) return e.problems.map((p) => ({ code: p.code, message: `${what}: ${p.message}` }))
    throw e
  }
}

/**
 * Bundles every Lambda origin's function (as `edgeware build` bundles any function: `[vars]` baked in, the secrets
 * it reads granted) and zips it; problems and warnings come back together.
 *
 * @example
 * ```ts
 * const { built, problems } = await buildLambdaOrigins(config)
 * ```
 */
export async function buildLambdaOrigins(config: EdgeConfig): Promise<{ built: BuiltLambdaOrigin[]; problems: Problem[]; warnings: Problem[] }> {
  const warnings: Problem[] = []
  const problems: Problem[] = []
  const built: BuiltLambdaOrigin[] = []
  const origins = config.edge.origins.filter((o): o is LambdaOriginConfig => o.kind === 'lambda')
  for (const r of await Promise.all(origins.map((o) => bundleOrigin(config, o, warnings)))) {
    if (Array.isArray(r)) problems.push(...r)
    else built.push(r)
  }
  return { built, problems, warnings }
}

/**
 * The S3 key of an origin's zip: content-addressed, in the code bucket of its region.
 *
 * @example
 * ```ts
 * originS3Key(plan, built) // 'edgeware/origins/api/3bf6d3d1ff980b66.zip'
 * ```
 */
export function originS3Key(p: Pick<PlannedLambdaOrigin, 'zipFile'>, b: Pick<BuiltLambdaOrigin, 'sha256'>): string {
  return `edgeware/origins/${p.zipFile.replace(/\.origin\.zip$/, '')}/${b.sha256.slice(0, 16)}.zip`
}

/** One origin's function: its role (Lambda's basic logging, its secrets) and the function, code from the bucket. */
function functionParts(config: EdgeConfig, p: PlannedLambdaOrigin, b: BuiltLambdaOrigin): TemplateParts {
  const o = p.origin
  return {
    parameters: {
      [p.ids.CodeKey!]: { Type: 'String', Default: originS3Key(p, b), Description: `S3 key of ${p.zipFile} (sha256 ${b.sha256}); content-addressed so that new code updates the function.` },
    },
    resources: {
      [p.ids.Role!]: executionRole('lambda.amazonaws.com', secretsPolicy(config, b.secrets)),
      // A regional function: replaced or deleted like any resource (no replicas to wait for).
      [p.ids.Function!]: lambdaFunction({
        functionName: p.functionName,
        description: `edgeware origin ${o.id} (${o.integration})`,
        runtime: config.edge.runtime,
        memoryMb: o.memoryMb,
        timeoutS: o.timeoutS,
        role: p.ids.Role!,
        codeKey: p.ids.CodeKey!,
        metadata: { origin: o.id, integration: o.integration, region: o.region, zipBytes: b.zipBytes },
      }),
    },
    outputs: {},
  }
}

/**
 * An origin's function and what stands in front of it, for the template it goes into; in its own region's stack,
 * an output with its domain name (named like the edge template's parameter it fills).
 */
function originParts(config: EdgeConfig, p: PlannedLambdaOrigin, b: BuiltLambdaOrigin, distributionArn: Json): TemplateParts {
  const api = integrationParts({ origin: p.origin, ids: p.ids, name: p.functionName, targetGroupName: p.targetGroupName, distributionArn })
  const out = mergeParts({ parameters: {}, resources: {}, outputs: {} }, functionParts(config, p, b), api)
  const domain = integrationDomain(p.origin, p.ids)
  if (domain !== null && p.template !== originTemplateFile(EDGE_REGION)) {
    out.outputs[p.domainParameter!] = { Description: `domain name of origin ${p.origin.id} (the edge stack's ${p.domainParameter} parameter)`, Value: domain }
  }
  return out
}

/**
 * Where the distribution sends a Lambda origin's requests: the domain of the API in front of it in the edge stack,
 * else the edge template's parameter (another region's stack output, or the ALB's domain).
 *
 * @example
 * ```ts
 * lambdaOriginDomain(planned) // { Ref: 'ApiOriginDomainName' }
 * ```
 */
export function lambdaOriginDomain(p: PlannedLambdaOrigin): Json {
  return p.domainParameter ? { Ref: p.domainParameter } : integrationDomain(p.origin, p.ids)
}

/**
 * The Lambda origins' part of the edge template (the functions in us-east-1 and what stands in front of them) and
 * a template per other region.
 *
 * @example
 * ```ts
 * const { edge, regional } = lambdaOriginTemplates(config, plan, built, DISTRIBUTION_ARN)
 * ```
 */
export function lambdaOriginTemplates(
  config: EdgeConfig,
  plan: ReadonlyMap<string, PlannedLambdaOrigin>,
  built: readonly BuiltLambdaOrigin[],
  distributionArn: Json,
): { edge: TemplateParts; regional: Map<string, Record<string, Json>> } {
  const edge: TemplateParts = { parameters: {}, resources: {}, outputs: {} }
  const byRegion = new Map<string, TemplateParts>()
  for (const b of built) {
    const p = plan.get(b.origin.id)!
    const inEdge = p.template === originTemplateFile(EDGE_REGION)
    // A regional stack deploys before the distribution exists: its function URLs accept any distribution of the account.
    const parts = originParts(config, p, b, inEdge ? distributionArn : { 'Fn::Sub': 'arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/*' })
    const into = inEdge ? edge : byRegion.get(b.origin.region) ?? byRegion.set(b.origin.region, { parameters: {}, resources: {}, outputs: {} }).get(b.origin.region)!
    mergeParts(into, parts)
  }
  const regional = new Map<string, Record<string, Json>>()
  for (const [region, parts] of byRegion) regional.set(region, regionalTemplate(config, region, parts))
  return { edge, regional }
}

function regionalTemplate(config: EdgeConfig, region: string, parts: TemplateParts): Record<string, Json> {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `${config.name}: the Lambda origins in ${region} built by edgeware (deployed before the edge stack, which reads their domain names).`,
    Metadata: { edgeware: { region, note: `Deploy in ${region}. Upload each <origin>.origin.zip to CodeBucket (a bucket in ${region}) under its CodeKey first.` } },
    Parameters: { CodeBucket: { Type: 'String', Description: `S3 bucket in ${region} holding the origin functions' zips.` }, ...parts.parameters },
    Rules: {
      OriginRegion: {
        Assertions: [{ Assert: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, region] }, AssertDescription: `These Lambda origins are configured for ${region}: deploy this stack there.` }],
      },
    },
    Resources: parts.resources,
    Outputs: parts.outputs,
  }
}

/** How the distribution reaches a custom origin: `DomainName`, `OriginPath`, `CustomOriginConfig`'s protocol and ports, and an origin access control's logical ID. */
export interface CustomTarget {
  domain: Json
  originPath: string
  protocolPolicy: 'http-only' | 'match-viewer' | 'https-only'
  httpPort: number
  httpsPort: number
  sslProtocols: readonly string[]
  accessControl?: string
}

/**
 * How the distribution reaches a Lambda origin, as a custom origin: its domain ({@link lambdaOriginDomain}), its
 * `OriginPath` (starting with the REST API's stage), HTTPS only on the standard ports (API Gateway "expose[s] HTTPS
 * endpoints only"; the ALB listener and function URLs are HTTPS too), and the origin access control of a function
 * URL behind `AWS_IAM`.
 *
 * @example
 * ```ts
 * lambdaOriginTarget(planned) // { domain: { 'Fn::Sub': '${ApiOriginRestApi}.execute-api…' }, originPath: '/prod', protocolPolicy: 'https-only', … }
 * ```
 */
export function lambdaOriginTarget(p: PlannedLambdaOrigin): CustomTarget {
  const o = p.origin
  return {
    domain: lambdaOriginDomain(p),
    originPath: lambdaOriginPath(o),
    protocolPolicy: 'https-only',
    httpPort: 80,
    httpsPort: 443,
    sslProtocols: ['TLSv1.2'],
    ...(p.accessControl ? { accessControl: p.accessControl.logicalId } : {}),
  }
}

/**
 * What manifest.json says about a Lambda origin (its `s3Key` is in the code bucket of `region`).
 *
 * @example
 * ```ts
 * const built = (await build({ config: 'wrangler.toml' })).manifest
 * for (const o of built.lambdaOrigins) console.log(o.id, o.integration, o.region, o.template)
 * ```
 */
export interface LambdaOriginManifest extends FunctionZipManifest {
  id: string
  integration: LambdaOriginConfig['integration']
  region: string
  /** The template it is in: `cloudformation.json` or `origins-<region>.json`. */
  template: string
  /** The edge template's parameter with its domain (filled from the regional stack, or given for an ALB). */
  domainParameter?: string
}

/**
 * The manifest's `lambdaOrigins`.
 *
 * @example
 * ```ts
 * lambdaOriginsManifest(config, plan, built)[0].template // 'origins-eu-west-1.json'
 * ```
 */
export function lambdaOriginsManifest(config: EdgeConfig, plan: ReadonlyMap<string, PlannedLambdaOrigin>, built: readonly BuiltLambdaOrigin[]): LambdaOriginManifest[] {
  return built.map((b) => {
    const p = plan.get(b.origin.id)!
    const o = b.origin
    return {
      id: o.id,
      functionName: p.functionName,
      entry: relative(config.root, o.handler).split(sep).join('/'),
      integration: o.integration,
      region: o.region,
      template: p.template,
      zip: p.zipFile,
      zipBytes: b.zipBytes,
      bundleBytes: b.bundleBytes,
      sha256: b.sha256,
      codeSha256: b.codeSha256,
      s3Key: originS3Key(p, b),
      memoryMb: o.memoryMb,
      timeoutS: o.timeoutS,
      ...(p.domainParameter ? { domainParameter: p.domainParameter } : {}),
      secrets: b.secrets.map((x) => ({ ...x, id: secretId(secretsPrefix(config), x) })),
    }
  })
}
