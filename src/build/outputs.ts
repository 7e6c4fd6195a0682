/**
 * The association outputs of `edgeware build`: the CloudFormation template, the CloudFront API
 * `LambdaFunctionAssociations` and the manifest. Pure functions of the config and the built packages, so the
 * same sources give the same files.
 */
import { relative, sep } from 'node:path'
import { STAGES, type Stage } from '../cloudfront/types.js'
import type { BehaviorConfig, EdgeConfig, FunctionConfig } from '../simulator/config.js'
import { EDGE_REGION, functionSettings, lambdaName, tightestLimits } from './checks.js'
import { apiBehavior, DISTRIBUTION_ARN, distributionConfig, distributionManifest, distributionResources, planDistribution, type DistributionManifest, type DistributionPlan } from './distribution.js'
import { executionRole, lambdaFunction, logicalId, mergeParts, type Json, type TemplateParts } from './template.js'
import { BuildError } from './errors.js'
import { functionResources, functionsManifest, type BuiltCloudFrontFunction, type BuiltKeyValueStore, type CloudFrontFunctionManifest, type KeyValueStoreManifest } from './cloudfront-functions.js'
import { secretId, secretsPolicy, secretsPrefix, type SecretRef } from './secrets.js'
import { lambdaOriginsManifest, lambdaOriginTemplates, originTemplateFile, type BuiltLambdaOrigin, type LambdaOriginManifest } from './lambda-origins.js'

export { logicalId }

/**
 * A built function, as the outputs need it.
 *
 * @example
 * ```ts
 * const config = await loadConfig('wrangler.toml')
 * const packages: BuiltPackage[] = config.functions.map((fn) => ({
 *   fn, zipFile: `${fn.name}.zip`, zipBytes: 1024, bundleBytes: 4096, sha256: '…', codeSha256: '…', sourcemap: false,
 * }))
 * const json = manifest(config, packages)
 * ```
 */
export interface BuiltPackage {
  fn: FunctionConfig
  /** `<name>.zip` */
  zipFile: string
  zipBytes: number
  bundleBytes: number
  /** Hex SHA-256 of the zip. */
  sha256: string
  /** Base64 SHA-256 of the zip (Lambda's `CodeSha256`). */
  codeSha256: string
  sourcemap: boolean
  /** The secrets its code reads with `secret()` (granted to its role). */
  secrets?: SecretRef[]
}

/**
 * What the build made besides the Lambda@Edge zips: the compiled CloudFront Functions, the validated data of the
 * stores they use, and the Lambda origins' zips.
 *
 * @example
 * ```ts
 * const artifacts: BuildArtifacts = { cloudfrontFunctions: [], keyValueStores: [], lambdaOrigins: [] }
 * ```
 */
export interface BuildArtifacts {
  cloudfrontFunctions: BuiltCloudFrontFunction[]
  keyValueStores: BuiltKeyValueStore[]
  lambdaOrigins: BuiltLambdaOrigin[]
}

/** The artifacts a config needs: an error naming what is missing when the config has more than was given. */
function artifactsFor(config: EdgeConfig, given: BuildArtifacts | undefined): BuildArtifacts {
  const a = given ?? { cloudfrontFunctions: [], keyValueStores: [], lambdaOrigins: [] }
  const missing = [
    ...config.cloudfrontFunctions.filter((f) => !a.cloudfrontFunctions.some((b) => b.fn.entry === f.entry)).map((f) => `CloudFront Function ${f.name}`),
    ...config.edge.origins.filter((o) => o.kind === 'lambda' && !a.lambdaOrigins.some((b) => b.origin.id === o.id)).map((o) => `Lambda origin ${o.id}`),
  ]
  if (missing.length) throw new BuildError('MissingArtifacts', `what the build makes for ${missing.join(', ')} was not given: pass what buildCloudFrontFunctions() and buildLambdaOrigins() made`)
  return a
}

/**
 * Logical IDs for every function, made unique deterministically (`A`, `A2`, …).
 *
 * @example
 * ```ts
 * logicalIds(config.functions).get('site-viewer-request') // 'SiteViewerRequest'
 * ```
 */
export function logicalIds(fns: readonly FunctionConfig[]): Map<string, string> {
  const used = new Set<string>()
  const ids = new Map<string, string>()
  for (const f of [...fns].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const base = logicalId(f.name)
    let id = base
    for (let n = 2; used.has(id); n++) id = `${base}${n}`
    used.add(id)
    ids.set(f.name, id)
  }
  return ids
}

/**
 * The suggested S3 key of a package: content-addressed, so CloudFormation sees new code as a change.
 *
 * @example
 * ```ts
 * s3Key({ fn, sha256 }) // 'edgeware/site-viewer-request/3bf6d3d1ff980b66.zip'
 * ```
 */
export function s3Key(p: Pick<BuiltPackage, 'fn' | 'sha256'>): string {
  return `edgeware/${p.fn.name}/${p.sha256.slice(0, 16)}.zip`
}

/**
 * The version ARN placeholder of a function for the CloudFront API (a numbered version, never `$LATEST` or an
 * alias, in us-east-1: reference §4.3 [APIREF]).
 *
 * @example
 * ```ts
 * versionArnPlaceholder('edgeware-example-site-viewer-request')
 * // 'arn:aws:lambda:us-east-1:<account>:function:edgeware-example-site-viewer-request:<version>'
 * ```
 */
export function versionArnPlaceholder(functionName: string): string {
  return `arn:aws:lambda:${EDGE_REGION}:<account>:function:${functionName}:<version>`
}

/** A function's association rows on one behavior, in CloudFront's event order. */
function behaviorAssociations(b: BehaviorConfig, byEntry: Map<string, FunctionConfig>): { stage: Stage; fn: FunctionConfig; includeBody: boolean }[] {
  const rows: { stage: Stage; fn: FunctionConfig; includeBody: boolean }[] = []
  for (const stage of STAGES) {
    const entry = b.functions[stage]
    const fn = entry ? byEntry.get(entry) : undefined
    if (fn) rows.push({ stage, fn, includeBody: b.includeBody.includes(stage) })
  }
  return rows
}

/**
 * CloudFront API `LambdaFunctionAssociations` (`{ Quantity, Items }`) for one behavior.
 *
 * @example
 * ```ts
 * const a: ApiAssociations = cloudfrontAssociations(await loadConfig('wrangler.toml')).DefaultCacheBehavior.LambdaFunctionAssociations
 * for (const item of a.Items ?? []) console.log(item.EventType, item.LambdaFunctionARN, item.IncludeBody)
 * ```
 */
export interface ApiAssociations {
  Quantity: number
  Items?: { LambdaFunctionARN: string; EventType: Stage; IncludeBody: boolean }[]
}

/**
 * One cache behavior in the CloudFront API's form: its `LambdaFunctionAssociations` and the rest of its settings
 * (`TargetOriginId`, `ViewerProtocolPolicy`, `AllowedMethods` with `CachedMethods`, `Compress`, the policy IDs or
 * the legacy `ForwardedValues` and TTLs).
 */
export type ApiCacheBehavior = { LambdaFunctionAssociations: ApiAssociations } & { [field: string]: Json | ApiAssociations }

/**
 * The CloudFront API JSON: each cache behavior of the distribution, as `DistributionConfig` holds it.
 *
 * @example
 * ```ts
 * const json: CloudFrontAssociationsJson = cloudfrontAssociations(await loadConfig('wrangler.toml'))
 * console.log(json.CacheBehaviors.Items.map((b) => b.PathPattern))
 * ```
 */
export interface CloudFrontAssociationsJson {
  Comment: string
  DefaultCacheBehavior: ApiCacheBehavior
  CacheBehaviors: { Quantity: number; Items: (ApiCacheBehavior & { PathPattern: string })[] }
}

/**
 * The CloudFront API's cache behaviors, shaped like `DistributionConfig` (`DefaultCacheBehavior`,
 * `CacheBehaviors.Items[]`): `LambdaFunctionAssociations` with version-ARN placeholders to fill in, and each
 * behavior's settings (custom policies' IDs as `<id of cache policy NAME>` placeholders).
 *
 * @example
 * ```ts
 * const json = cloudfrontAssociations(config)
 * json.DefaultCacheBehavior.LambdaFunctionAssociations.Items[0].EventType // 'viewer-request'
 * json.DefaultCacheBehavior.ViewerProtocolPolicy // 'redirect-to-https'
 * ```
 */
export function cloudfrontAssociations(config: EdgeConfig): CloudFrontAssociationsJson {
  const byEntry = new Map(config.functions.map((f) => [f.entry, f]))
  const dist = distributionPlan(config)
  const assoc = (b: BehaviorConfig): ApiAssociations => {
    const rows = behaviorAssociations(b, byEntry)
    if (rows.length === 0) return { Quantity: 0 }
    return {
      Quantity: rows.length,
      Items: rows.map((r) => ({ LambdaFunctionARN: versionArnPlaceholder(lambdaName(config, r.fn)), EventType: r.stage, IncludeBody: r.includeBody })),
    }
  }
  const behavior = (b: BehaviorConfig): ApiCacheBehavior => ({ ...apiBehavior(b, dist), LambdaFunctionAssociations: assoc(b) })
  const def = config.behaviors.find((b) => b.isDefault)
  const others = config.behaviors.filter((b) => !b.isDefault)
  return {
    Comment:
      'Cache behaviors for the CloudFront API (DistributionConfig). Replace <account> and <version> with the account id and the numbered version published for each function (never $LATEST or an alias); the functions live in us-east-1. CloudFront Functions (FunctionAssociations) must be published (LIVE) first. Replace each <id of … policy NAME> with the ID of that custom policy (cloudformation.json creates it).',
    DefaultCacheBehavior: def ? behavior(def) : { LambdaFunctionAssociations: { Quantity: 0 } },
    CacheBehaviors: { Quantity: others.length, Items: others.map((b) => ({ PathPattern: b.pathPattern, ...behavior(b) })) },
  }
}

/** A behavior's `LambdaFunctionAssociations` in CloudFormation's form. */
function cfnAssociations(b: BehaviorConfig, byEntry: Map<string, FunctionConfig>, ids: Map<string, string>): Json[] {
  // IncludeBody only where set, and only viewer-request / origin-request get it (checked before writing).
  return behaviorAssociations(b, byEntry).map((r) => {
    const a: Record<string, Json> = { EventType: r.stage, LambdaFunctionARN: { Ref: `${ids.get(r.fn.name)}Version` } }
    if (r.includeBody) a.IncludeBody = true
    return a
  })
}

/** Every logical ID the functions' part of the template uses, and the fixed ones. */
function functionIdsTaken(ids: Map<string, string>): string[] {
  const fixed = ['CodeBucket', 'LambdaEdgeRegion', 'Distribution', 'DistributionId', 'DistributionDomainName', 'DistributionArn']
  return [...fixed, ...[...ids.values()].flatMap((id) => ['Role', 'Function', 'Version', 'CodeKey', 'VersionArn'].map((s) => `${id}${s}`))]
}

/**
 * The distribution's plan (logical IDs and deployed names) for a config, as every output reads it.
 *
 * @example
 * ```ts
 * distributionPlan(config).lambdaOrigins.get('api')!.functionName // 'my-site-origin-api'
 * ```
 */
export function distributionPlan(config: EdgeConfig): DistributionPlan {
  return planDistribution(config, functionIdsTaken(logicalIds(config.functions)))
}

/**
 * One Lambda@Edge function's part of the template (logical IDs from `id`): its code key parameter, its role (the
 * origin table for an origin-request function, its secrets), the function and its numbered version (both retained),
 * and the version's ARN as an output.
 */
function edgeFunctionParts(config: EdgeConfig, p: BuiltPackage, id: string): TemplateParts {
  const { memoryMb, timeoutS } = functionSettings(p.fn, config.edge.limits)
  const t = tightestLimits(p.fn.stages, config.edge.limits)
  const parameters: Record<string, Json> = {}
  const resources: Record<string, Json> = {}
  parameters[`${id}CodeKey`] = {
    Type: 'String',
    Default: s3Key(p),
    Description: `S3 key of ${p.zipFile} (sha256 ${p.sha256}); content-addressed so that new code updates the function.`,
  }
  const policies: Json[] = []
  if (config.edge.dynamodb && p.fn.stages.includes('origin-request')) {
    // dynamoOrigin queries the origin table from whichever Region the replica runs in.
    const statement = { Effect: 'Allow', Action: ['dynamodb:Query', 'dynamodb:GetItem'], Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:dynamodb:*:\${AWS::AccountId}:table/${config.edge.dynamodb.table}` } }
    policies.push({ PolicyName: 'edge-origin-table', PolicyDocument: { Version: '2012-10-17', Statement: [statement] } })
  }
  // [RLE], [ISS-ROLE]: "must be assumable with edgelambda.amazonaws.com as well as lambda.amazonaws.com"
  resources[`${id}Role`] = executionRole(['edgelambda.amazonaws.com', 'lambda.amazonaws.com'], [...policies, ...secretsPolicy(config, p.secrets ?? [])])
  // Edge functions and their versions outlive the stack (CloudFront keeps replicas for hours after they are
  // disassociated, and Lambda refuses to delete a replicated function): retained on delete and on replacement,
  // then deleted by `edgeware cleanup`. A failed first creation never reached CloudFront, so its rollback deletes.
  resources[`${id}Function`] = {
    DeletionPolicy: 'RetainExceptOnCreate',
    UpdateReplacePolicy: 'Retain',
    ...lambdaFunction({
      functionName: lambdaName(config, p.fn),
      description: `edgeware ${p.fn.name}: ${p.fn.stages.join(', ')} on ${p.fn.behaviors.join(', ')}`,
      runtime: config.edge.runtime,
      memoryMb,
      timeoutS,
      role: `${id}Role`,
      codeKey: `${id}CodeKey`,
      metadata: { stages: p.fn.stages, behaviors: p.fn.behaviors, zipBytes: p.zipBytes, maxZipBytes: t.zipBytes },
    }),
  }
  resources[`${id}Version`] = {
    DeletionPolicy: 'RetainExceptOnCreate',
    UpdateReplacePolicy: 'Retain',
    Type: 'AWS::Lambda::Version',
    Properties: {
      FunctionName: { Ref: `${id}Function` },
      CodeSha256: p.codeSha256,
      // Any change here publishes a new version: new code, or new settings the same code now runs with.
      Description: `sha256 ${p.sha256}, ${config.edge.runtime}, ${memoryMb} MB, ${timeoutS} s`,
    },
  }
  const outputs = { [`${id}VersionArn`]: { Description: `numbered version ARN of ${lambdaName(config, p.fn)}`, Value: { Ref: `${id}Version` } } }
  return { parameters, resources, outputs }
}

/**
 * The CloudFormation template (JSON): per function an execution role trusted by `lambda.amazonaws.com` and
 * `edgelambda.amazonaws.com` with basic logging, the `AWS::Lambda::Function` (x86_64, no environment, memory and
 * timeout within the stage limits, code from `CodeBucket` / `<Name>CodeKey`), an `AWS::Lambda::Version` (its
 * `CodeSha256` pins the package, so new code publishes a new version), and the `AWS::CloudFront::Distribution`
 * whose cache behaviors carry the `LambdaFunctionAssociations`; with the CloudFront Functions, their stores and the
 * Lambda origins in us-east-1 of `artifacts` (what the build made: needed when the config has any). A rule stops
 * the stack outside us-east-1.
 *
 * @example
 * ```ts
 * const template = cloudformationTemplate(config, packages, artifacts)
 * writeFileSync('cloudformation.json', stableJson(template))
 * ```
 */
export function cloudformationTemplate(config: EdgeConfig, packages: readonly BuiltPackage[], artifacts?: BuildArtifacts): Record<string, Json> {
  const built = artifactsFor(config, artifacts)
  const ids = logicalIds(config.functions)
  const byEntry = new Map(config.functions.map((f) => [f.entry, f]))
  const profile = config.edge.limits
  const codeBucket = { Type: 'String', Description: 'S3 bucket in us-east-1 holding the function zips (upload each <name>.zip under its <Name>CodeKey).' }
  // The functions, then the distribution and what it needs: policies, access controls, CloudFront Functions and
  // stores, the Lambda origins in us-east-1 (the others are in their region's template).
  const dist = distributionPlan(config)
  const parts = distributionResources(config, dist)
  const { parameters, resources, outputs } = mergeParts(
    { parameters: { CodeBucket: codeBucket }, resources: {}, outputs: {} },
    ...[...packages].sort((a, b) => (a.fn.name < b.fn.name ? -1 : 1)).map((p) => edgeFunctionParts(config, p, ids.get(p.fn.name)!)),
    parts,
    functionResources(config, dist.cloudfrontFunctions, built.cloudfrontFunctions, built.keyValueStores),
    lambdaOriginTemplates(config, dist.lambdaOrigins, built.lambdaOrigins, DISTRIBUTION_ARN).edge,
  )
  const distributionJson = distributionConfig(config, dist, (b) => cfnAssociations(b, byEntry, ids))
  resources.Distribution = { Type: 'AWS::CloudFront::Distribution', Properties: { DistributionConfig: distributionJson } }
  outputs.DistributionId = { Value: { Ref: 'Distribution' } }
  outputs.DistributionDomainName = { Value: { 'Fn::GetAtt': ['Distribution', 'DomainName'] } }
  outputs.DistributionArn = { Description: 'the AWS:SourceArn a bucket policy grants CloudFront access for', Value: DISTRIBUTION_ARN }

  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `${config.name}: Lambda@Edge functions built by edgeware and the CloudFront distribution they are associated with. Deploy this stack in us-east-1: Lambda@Edge functions must be created there.`,
    Metadata: {
      edgeware: {
        region: EDGE_REGION,
        runtime: config.edge.runtime,
        limits: profile.name,
        note: 'Deploy in us-east-1. Upload each <name>.zip to CodeBucket under its <Name>CodeKey before creating or updating the stack.',
      },
    },
    Parameters: parameters,
    ...(Object.keys(parts.conditions).length ? { Conditions: parts.conditions } : {}),
    // [RLE], [ISS-REGION]: "The function must be in region 'us-east-1'"
    Rules: {
      LambdaEdgeRegion: {
        Assertions: [
          {
            Assert: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, EDGE_REGION] },
            AssertDescription: 'Lambda@Edge functions must be created in us-east-1: deploy this stack there.',
          },
        ],
      },
    },
    Resources: resources,
    Outputs: outputs,
  }
}

/**
 * The templates of the Lambda origins outside us-east-1, by file name (`origins-<region>.json`): each region's
 * functions with the APIs, load balancers or URLs in front of them, and their domain names as outputs.
 *
 * @example
 * ```ts
 * for (const [file, template] of originTemplates(config, artifacts)) writeFileSync(file, stableJson(template))
 * ```
 */
export function originTemplates(config: EdgeConfig, artifacts?: BuildArtifacts): Map<string, Record<string, Json>> {
  const built = artifactsFor(config, artifacts)
  const { regional } = lambdaOriginTemplates(config, distributionPlan(config).lambdaOrigins, built.lambdaOrigins, DISTRIBUTION_ARN)
  return new Map([...regional].map(([region, t]) => [originTemplateFile(region), t]))
}

/**
 * The manifest written next to the zips.
 *
 * @example
 * ```ts
 * const built: Manifest = (await build({ config: 'wrangler.toml' })).manifest
 * console.log(built.name, built.region, built.functions.map((f) => f.functionName))
 * ```
 */
export interface Manifest {
  name: string
  runtime: string
  limits: string
  region: string
  /** The distribution's S3 origins (bucket, directory to upload, OAC, bucket policy), origin parameters and policies. */
  distribution: DistributionManifest
  /** The CloudFront Functions: deployed name, events, behaviors, size against the limit. */
  cloudfrontFunctions: CloudFrontFunctionManifest[]
  /** The stores they use: the data file `edgeware deploy` uploads (to `s3Key` in the code bucket) and the deployed name. */
  keyValueStores: KeyValueStoreManifest[]
  /** The Lambda origins: function, integration, region, zip and the template holding them. */
  lambdaOrigins: LambdaOriginManifest[]
  /** The stacks of Lambda origins outside us-east-1, one per region, which `edgeware deploy` deploys first. */
  originStacks: { region: string; template: string }[]
  functions: EdgeFunctionManifest[]
}

/**
 * What manifest.json says about any function the build zips: its deployed name, source, zip and settings.
 *
 * @example
 * ```ts
 * const built = (await build({ config: 'wrangler.toml' })).manifest
 * const zips: FunctionZipManifest[] = [...built.functions, ...built.lambdaOrigins]
 * for (const z of zips) console.log(z.zip, '→', z.s3Key, z.codeSha256)
 * ```
 */
export interface FunctionZipManifest {
  functionName: string
  /** The entry file, relative to the config. */
  entry: string
  /** The zip in the build directory, and where `edgeware deploy` uploads it in the code bucket. */
  zip: string
  s3Key: string
  zipBytes: number
  bundleBytes: number
  /** Hex SHA-256 of the zip, and its base64 form (Lambda's `CodeSha256`). */
  sha256: string
  codeSha256: string
  memoryMb: number
  timeoutS: number
  /** The secrets its code reads: name, store and the AWS name (SSM parameter or Secrets Manager secret id). */
  secrets: (SecretRef & { id: string })[]
}

/**
 * What manifest.json says about a Lambda@Edge function: besides its zip, where it runs and the limits it was checked against.
 *
 * @example
 * ```ts
 * const built = (await build({ config: 'wrangler.toml' })).manifest
 * const viewer: EdgeFunctionManifest[] = built.functions.filter((f) => f.stages.includes('viewer-request'))
 * ```
 */
export interface EdgeFunctionManifest extends FunctionZipManifest {
  name: string
  stages: Stage[]
  behaviors: string[]
  sourcemap: boolean
  limits: { zipBytes: number; memoryMb: number; timeoutS: number; share: number }
}

/**
 * The manifest: per function its stages, behaviors, zip, size, SHA-256 and the limits it was checked against; for
 * the distribution the template parameters to fill, each S3 origin's bucket and directory to upload with its
 * origin access control and bucket policy, and every policy the behaviors use; the CloudFront Functions, stores,
 * Lambda origins and regional stacks of `artifacts`.
 *
 * @example
 * ```ts
 * manifest(config, packages).functions[0].sha256
 * ```
 */
export function manifest(config: EdgeConfig, packages: readonly BuiltPackage[], artifacts?: BuildArtifacts): Manifest {
  const profile = config.edge.limits
  const built = artifactsFor(config, artifacts)
  const dist = distributionPlan(config)
  return {
    name: config.name,
    runtime: config.edge.runtime,
    limits: String(profile.name),
    region: EDGE_REGION,
    distribution: distributionManifest(config, dist),
    ...functionsManifest(config, dist.cloudfrontFunctions, built.cloudfrontFunctions, built.keyValueStores),
    lambdaOrigins: lambdaOriginsManifest(config, dist.lambdaOrigins, built.lambdaOrigins),
    originStacks: [...new Set(built.lambdaOrigins.map((b) => b.origin.region))]
      .filter((r) => originTemplateFile(r) !== 'cloudformation.json')
      .sort()
      .map((region) => ({ region, template: originTemplateFile(region) })),
    functions: [...packages]
      .sort((a, b) => (a.fn.name < b.fn.name ? -1 : 1))
      .map((p) => {
        const t = tightestLimits(p.fn.stages, profile)
        const { memoryMb, timeoutS } = functionSettings(p.fn, profile)
        return {
          name: p.fn.name,
          functionName: lambdaName(config, p.fn),
          entry: relative(config.root, p.fn.entry).split(sep).join('/'),
          stages: STAGES.filter((s) => p.fn.stages.includes(s)),
          behaviors: [...p.fn.behaviors],
          zip: p.zipFile,
          zipBytes: p.zipBytes,
          bundleBytes: p.bundleBytes,
          sha256: p.sha256,
          codeSha256: p.codeSha256,
          s3Key: s3Key(p),
          memoryMb,
          timeoutS,
          sourcemap: p.sourcemap,
          limits: { zipBytes: t.zipBytes, memoryMb: t.memoryMb, timeoutS: Math.floor(t.timeoutMs / 1000), share: Math.round((p.zipBytes / t.zipBytes) * 10_000) / 10_000 },
          secrets: (p.secrets ?? []).map((s) => ({ ...s, id: secretId(secretsPrefix(config), s) })),
        }
      }),
  }
}

/**
 * JSON with object keys sorted at every level (arrays keep their order), two-space indented, newline-terminated:
 * the same value always gives the same text.
 *
 * @example
 * ```ts
 * stableJson({ b: 1, a: 2 }) // '{\n  "a": 2,\n  "b": 1\n}\n'
 * ```
 */
export function stableJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort)
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {}
      for (const k of Object.keys(v as object).sort()) o[k] = sort((v as Record<string, unknown>)[k])
      return o
    }
    return v
  }
  return JSON.stringify(sort(value), null, 2) + '\n'
}
