/**
 * The distribution the build deploys, from the model: origins (custom, S3 behind origin access control with a
 * bucket policy, Lambda origins through lambda-origins.ts), origin groups, the custom policies behaviors use,
 * behaviors with their policies or legacy `ForwardedValues` and their CloudFront Functions, error responses and the
 * default root object. {@link planDistribution} fixes every logical ID
 * and deployed name once; the template, the CloudFront API JSON and the manifest all read that plan.
 */
import { relative, sep } from 'node:path'
import type { BehaviorConfig, CachePolicy, CustomOriginConfig, EdgeConfig, OriginConfig, OriginRequestPolicy, ResponseHeadersPolicy, S3OriginConfig } from '../distribution/model.js'
import { lambdaOriginTarget, planLambdaOrigins, type CustomTarget, type PlannedLambdaOrigin } from './lambda-origins.js'
import { s3DomainName } from '../distribution/origins.js'
import { apiFunctionAssociations, cfnFunctionAssociations, planFunctions, type FunctionsPlan } from './cloudfront-functions.js'
import { cachePolicyConfig, originRequestPolicyConfig, responseHeadersPolicyConfig } from './policies.js'
import { deployedName, logicalId, LogicalIds, type Json } from './template.js'

/** The three kinds of policy a behavior names. */
export type PolicyKind = 'cache' | 'originRequest' | 'responseHeaders'

/** CloudFront's name limits: policies 128 characters [CDK-CP], origin access controls 64 (API reference). */
const MAX_POLICY_NAME = 128
const MAX_OAC_NAME = 64

const POLICY_TYPES: Record<PolicyKind, { type: string; configKey: string; id: string; what: string }> = {
  cache: { type: 'AWS::CloudFront::CachePolicy', configKey: 'CachePolicyConfig', id: 'CachePolicy', what: 'cache policy' },
  originRequest: { type: 'AWS::CloudFront::OriginRequestPolicy', configKey: 'OriginRequestPolicyConfig', id: 'OriginRequestPolicy', what: 'origin request policy' },
  responseHeaders: { type: 'AWS::CloudFront::ResponseHeadersPolicy', configKey: 'ResponseHeadersPolicyConfig', id: 'ResponseHeadersPolicy', what: 'response headers policy' },
}

type AnyPolicy = CachePolicy | OriginRequestPolicy | ResponseHeadersPolicy

/** A custom policy the template creates. */
export interface PlannedPolicy {
  kind: PolicyKind
  policy: AnyPolicy
  logicalId: string
  /** The name it is deployed under (`<config name>-<policy name>`). */
  name: string
}

/** A bucket behind one or more S3 origins, and the policy statement the template gives CloudFront on it. */
export interface PlannedBucket {
  bucket: string
  /** Key prefixes CloudFront reads (`''` for the whole bucket), from the origins' paths. */
  prefixes: string[]
  /** The `AWS::S3::BucketPolicy`, created when the parameter is `true`. */
  logicalId: string
  parameter: string
  condition: string
}

/** Every logical ID and deployed name of the distribution's resources. */
export interface DistributionPlan {
  policies: PlannedPolicy[]
  /** Custom origin id → the template parameter holding its domain (origins without `domain`). */
  domainParameters: Map<string, string>
  /** S3 origin id → its origin access control. */
  accessControls: Map<string, { logicalId: string; name: string }>
  buckets: PlannedBucket[]
  /** The CloudFront Functions and the stores they use. */
  cloudfrontFunctions: FunctionsPlan
  /** Lambda origin id → where its function goes and the names of its resources. */
  lambdaOrigins: Map<string, PlannedLambdaOrigin>
}

/** The custom and S3 origins (Lambda origins are planned by lambda-origins.ts). */
function plainOrigins(config: EdgeConfig): (CustomOriginConfig | S3OriginConfig)[] {
  return config.edge.origins.filter((o): o is CustomOriginConfig | S3OriginConfig => o.kind !== 'lambda')
}

/** The key prefix an S3 origin reads: its origin path (URL-decoded, as S3 names keys) without the leading `/`, plus `/`. */
function keyPrefix(o: S3OriginConfig): string {
  if (!o.originPath) return ''
  let path = o.originPath
  try {
    path = decodeURIComponent(path)
  } catch {
    // not UTF-8 once decoded: S3 sees the bytes as written
  }
  return `${path.slice(1)}/`
}

/** Text inside `Fn::Sub`, with `${` kept literal. */
const literal = (s: string): string => s.replaceAll('${', '${!')

/** The policies a behavior names. */
function behaviorPolicies(b: BehaviorConfig): { kind: PolicyKind; policy: AnyPolicy }[] {
  const out: { kind: PolicyKind; policy: AnyPolicy }[] = []
  if (b.cachePolicy) out.push({ kind: 'cache', policy: b.cachePolicy })
  if (b.originRequestPolicy) out.push({ kind: 'originRequest', policy: b.originRequestPolicy })
  if (b.responseHeadersPolicy) out.push({ kind: 'responseHeaders', policy: b.responseHeadersPolicy })
  return out
}

/** The custom policies behaviors use, each once, in behavior order. */
function usedCustomPolicies(config: EdgeConfig): { kind: PolicyKind; policy: AnyPolicy }[] {
  const out: { kind: PolicyKind; policy: AnyPolicy }[] = []
  for (const u of config.behaviors.flatMap(behaviorPolicies)) {
    if (u.policy.kind === 'custom' && !out.some((x) => x.kind === u.kind && x.policy.id === u.policy.id)) out.push(u)
  }
  return out
}

/**
 * Fixes the logical IDs (unique beside `taken`, the IDs the functions use) and deployed names of everything the
 * distribution needs, in config order so that the same config gives the same template.
 *
 * @example
 * ```ts
 * const plan = planDistribution(config, ['CodeBucket', 'SiteViewerRequestRole'])
 * plan.policies[0] // { kind: 'cache', logicalId: 'CachePolicyByLanguage', name: 'my-site-by-language', policy }
 * ```
 */
export function planDistribution(config: EdgeConfig, taken: Iterable<string>): DistributionPlan {
  const ids = new LogicalIds(taken)
  const policies = usedCustomPolicies(config).map(({ kind, policy }) => ({
    kind,
    policy,
    logicalId: ids.take(`${POLICY_TYPES[kind].id}${logicalId(policy.id)}`),
    name: deployedName(config.name, policy.name, MAX_POLICY_NAME),
  }))
  const domainParameters = new Map<string, string>()
  const accessControls = new Map<string, { logicalId: string; name: string }>()
  const buckets = new Map<string, PlannedBucket>()
  for (const o of plainOrigins(config)) {
    if (o.kind === 'custom') {
      if (o.domain === undefined) domainParameters.set(o.id, ids.take(`${logicalId(o.id)}OriginDomainName`))
      continue
    }
    accessControls.set(o.id, { logicalId: ids.take(`${logicalId(o.id)}OriginAccessControl`), name: deployedName(config.name, o.id, MAX_OAC_NAME) })
    const b = buckets.get(o.bucket)
    if (b) {
      if (!b.prefixes.includes(keyPrefix(o))) b.prefixes.push(keyPrefix(o))
      continue
    }
    const base = logicalId(o.bucket)
    buckets.set(o.bucket, { bucket: o.bucket, prefixes: [keyPrefix(o)], logicalId: ids.take(`${base}BucketPolicy`), parameter: ids.take(`Create${base}BucketPolicy`), condition: ids.take(`${base}BucketPolicyCreated`) })
  }
  for (const b of buckets.values()) if (b.prefixes.includes('')) b.prefixes = ['']
  const cloudfrontFunctions = planFunctions(config, ids)
  return { policies, domainParameters, accessControls, buckets: [...buckets.values()], cloudfrontFunctions, lambdaOrigins: planLambdaOrigins(config, ids) }
}

// ---------------------------------------------------------------------------------------------------------------
// Behaviors (CloudFormation and CloudFront API forms)

/** How a behavior refers to a policy: CloudFormation `{ Ref }` / managed ID, or the API's ID (a placeholder for custom ones). */
type PolicyRef = (kind: PolicyKind, p: AnyPolicy) => Json

/** A list as CloudFormation (plain array) or the CloudFront API (`{ Quantity, Items }`) writes it. */
type ListForm = (items: Json[]) => Json
const cfnList: ListForm = (items) => items
const apiList = (items: Json[]): Record<string, Json> => (items.length ? { Quantity: items.length, Items: items } : { Quantity: 0 })

/** Legacy `ForwardedValues` + TTLs from `cache = { … }` (CloudFront's legacy cache settings). */
function legacyCache(b: BehaviorConfig, list: ListForm): Record<string, Json> {
  const c = b.cache
  const forwarded: Record<string, Json> = {
    QueryString: c.queryStrings !== 'none',
    Cookies: c.cookies === 'all' ? { Forward: 'all' } : c.cookies.length ? { Forward: 'whitelist', WhitelistedNames: list([...c.cookies]) } : { Forward: 'none' },
  }
  if (Array.isArray(c.queryStrings)) forwarded.QueryStringCacheKeys = list([...c.queryStrings])
  if (c.headers.length) forwarded.Headers = list([...c.headers])
  return { ForwardedValues: forwarded, MinTTL: c.minTtl, DefaultTTL: c.defaultTtl, MaxTTL: c.maxTtl }
}

/**
 * A behavior's settings besides its path pattern and function associations: target (the origin group when it
 * names one), viewer protocol policy, methods, compression, and its policies or (exclusively) the legacy
 * `ForwardedValues` and TTLs.
 */
function behaviorSettings(b: BehaviorConfig, ref: PolicyRef, list: ListForm, methods: (allowed: Json[], cached: Json[]) => Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = {
    TargetOriginId: b.targetGroupId ?? b.originId,
    ViewerProtocolPolicy: b.viewerProtocolPolicy,
    ...methods([...b.allowedMethods], [...b.cachedMethods]),
    Compress: b.compress,
  }
  if (b.cachePolicy) {
    out.CachePolicyId = ref('cache', b.cachePolicy)
    if (b.originRequestPolicy) out.OriginRequestPolicyId = ref('originRequest', b.originRequestPolicy)
  } else Object.assign(out, legacyCache(b, list))
  if (b.responseHeadersPolicy) out.ResponseHeadersPolicyId = ref('responseHeaders', b.responseHeadersPolicy)
  return out
}

function planned(plan: DistributionPlan, kind: PolicyKind, p: AnyPolicy): PlannedPolicy | undefined {
  return plan.policies.find((x) => x.kind === kind && x.policy.id === p.id)
}

/**
 * A behavior in CloudFormation's form (without `PathPattern` and `LambdaFunctionAssociations`): managed policies by
 * ID, custom ones by `Ref`, its CloudFront Functions' `FunctionAssociations` when it has any.
 *
 * @example
 * ```ts
 * cfnBehavior(config.behaviors.at(-1)!, plan).CachePolicyId // '658327ea-f89d-4fab-a63d-7e88639e58f6'
 * ```
 */
export function cfnBehavior(b: BehaviorConfig, plan: DistributionPlan): Record<string, Json> {
  const ref: PolicyRef = (kind, p) => p.awsId ?? { Ref: planned(plan, kind, p)!.logicalId }
  const out = behaviorSettings(b, ref, cfnList, (allowed, cached) => ({ AllowedMethods: allowed, CachedMethods: cached }))
  const functions = cfnFunctionAssociations(b, plan.cloudfrontFunctions)
  if (functions) out.FunctionAssociations = functions
  return out
}

/**
 * A behavior in the CloudFront API's form (`{ Quantity, Items }` lists, `CachedMethods` inside `AllowedMethods`):
 * managed policies by ID, custom ones as `<id of cache policy NAME>` placeholders, its CloudFront Functions'
 * `FunctionAssociations` when it has any.
 *
 * @example
 * ```ts
 * apiBehavior(behavior, plan).AllowedMethods // { Quantity: 3, Items: ['GET', 'HEAD', 'OPTIONS'], CachedMethods: { Quantity: 2, Items: ['GET', 'HEAD'] } }
 * ```
 */
export function apiBehavior(b: BehaviorConfig, plan: DistributionPlan): Record<string, Json> {
  const ref: PolicyRef = (kind, p) => p.awsId ?? `<id of ${POLICY_TYPES[kind].what} ${planned(plan, kind, p)!.name}>`
  const out = behaviorSettings(b, ref, apiList, (allowed, cached) => ({ AllowedMethods: { ...apiList(allowed), CachedMethods: apiList(cached) } }))
  const functions = apiFunctionAssociations(b, plan.cloudfrontFunctions)
  if (functions) out.FunctionAssociations = functions
  return out
}

// ---------------------------------------------------------------------------------------------------------------
// Origins, groups, error responses

/** An origin in `DistributionConfig.Origins`: S3 behind its origin access control, custom, or a Lambda origin reached as a custom origin. */
function originJson(o: OriginConfig, plan: DistributionPlan): Record<string, Json> {
  const out: Record<string, Json> = { Id: o.id, ConnectionAttempts: o.connectionAttempts, ConnectionTimeout: o.connectionTimeout }
  if (o.customHeaders.length) out.OriginCustomHeaders = o.customHeaders.map((h) => ({ HeaderName: h.name, HeaderValue: h.value }))
  const timeouts = {
    ...(o.readTimeout !== undefined ? { OriginReadTimeout: o.readTimeout } : {}),
    ...(o.kind !== 's3' && o.keepaliveTimeout !== undefined ? { OriginKeepaliveTimeout: o.keepaliveTimeout } : {}),
  }
  if (o.kind === 's3') {
    if (o.originPath) out.OriginPath = o.originPath
    out.DomainName = s3DomainName(o)
    // CloudFormation S3OriginConfig: "If you're using origin access control (OAC) instead of origin access identity,
    // specify an empty OriginAccessIdentity element"; the OAC's id (its Ref) goes on the origin.
    out.S3OriginConfig = { OriginAccessIdentity: '', ...timeouts }
    out.OriginAccessControlId = { Ref: plan.accessControls.get(o.id)!.logicalId }
    return out
  }
  const param = plan.domainParameters.get(o.id)
  const t: CustomTarget =
    o.kind === 'lambda'
      ? lambdaOriginTarget(plan.lambdaOrigins.get(o.id)!)
      : { domain: param ? { Ref: param } : o.domain!, originPath: o.originPath, protocolPolicy: o.protocolPolicy, httpPort: o.httpPort, httpsPort: o.httpsPort, sslProtocols: o.sslProtocols }
  if (t.originPath) out.OriginPath = t.originPath
  out.DomainName = t.domain
  out.CustomOriginConfig = { HTTPPort: t.httpPort, HTTPSPort: t.httpsPort, OriginProtocolPolicy: t.protocolPolicy, OriginSSLProtocols: [...t.sslProtocols], ...timeouts }
  if (t.accessControl) out.OriginAccessControlId = { Ref: t.accessControl }
  return out
}

/**
 * The `DistributionConfig` of the template: origins, origin groups (`{ Quantity, Items }` in CloudFormation too),
 * behaviors (with the function associations `associations` gives), error responses, default root object.
 *
 * @example
 * ```ts
 * const config = distributionConfig(edge, plan, (b) => [])
 * config.OriginGroups // { Quantity: 1, Items: [{ Id: 'app-ha', FailoverCriteria: …, Members: … }] }
 * ```
 */
export function distributionConfig(config: EdgeConfig, plan: DistributionPlan, associations: (b: BehaviorConfig) => Json[]): Record<string, Json> {
  const out: Record<string, Json> = {
    Enabled: true,
    Comment: `${config.name} (edgeware)`,
    HttpVersion: 'http2',
    Origins: config.edge.origins.map((o) => originJson(o, plan)),
  }
  const groups = config.edge.originGroups
  if (groups.length) {
    out.OriginGroups = {
      Quantity: groups.length,
      Items: groups.map((g) => ({
        Id: g.id,
        FailoverCriteria: { StatusCodes: { Quantity: g.failoverStatusCodes.length, Items: [...g.failoverStatusCodes] } },
        Members: { Quantity: 2, Items: g.members.map((m) => ({ OriginId: m })) },
      })),
    }
  }
  const behavior = (b: BehaviorConfig): Record<string, Json> => ({
    ...(b.isDefault ? {} : { PathPattern: b.pathPattern }),
    ...cfnBehavior(b, plan),
    // [CFN] a plain list; LambdaFunctionARN is a *version* ARN (Ref of AWS::Lambda::Version).
    LambdaFunctionAssociations: associations(b),
  })
  const def = config.behaviors.find((b) => b.isDefault)
  if (def) out.DefaultCacheBehavior = behavior(def)
  const others = config.behaviors.filter((b) => !b.isDefault)
  if (others.length) out.CacheBehaviors = others.map(behavior)
  const errors = config.edge.customErrorResponses
  if (errors.length) {
    out.CustomErrorResponses = errors.map((e) => ({
      ErrorCode: e.errorCode,
      ...(e.responsePagePath !== undefined ? { ResponsePagePath: e.responsePagePath } : {}),
      ...(e.responseCode !== undefined ? { ResponseCode: e.responseCode } : {}),
      ErrorCachingMinTTL: e.errorCachingMinTtl,
    }))
  }
  if (config.edge.defaultRootObject !== undefined) out.DefaultRootObject = config.edge.defaultRootObject
  return out
}

// ---------------------------------------------------------------------------------------------------------------
// The resources beside the distribution

/** The ARN of the template's distribution (what `AWS:SourceArn` names in a bucket policy). */
export const DISTRIBUTION_ARN: Json = { 'Fn::Sub': 'arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}' }

/** The bucket policy statement granting the distribution `s3:GetObject` under the bucket's prefixes [OAC] (§11.6). */
function bucketStatement(b: PlannedBucket, resource: (key: string) => Json, sourceArn: Json): Record<string, Json> {
  const resources = b.prefixes.map((p) => resource(`${b.bucket}/${p}*`))
  return {
    Sid: 'AllowCloudFrontServicePrincipalReadOnly',
    Effect: 'Allow',
    Principal: { Service: 'cloudfront.amazonaws.com' },
    Action: 's3:GetObject',
    Resource: resources.length === 1 ? resources[0]! : resources,
    Condition: { StringEquals: { 'AWS:SourceArn': sourceArn } },
  }
}

/**
 * What the template needs beside the `AWS::CloudFront::Distribution`: the custom policies, an
 * `AWS::CloudFront::OriginAccessControl` per S3 origin and per function URL behind `AWS_IAM`, an
 * `AWS::S3::BucketPolicy` per bucket (behind a `Create<Bucket>BucketPolicy` parameter, default `true`), and a
 * parameter per custom origin without `domain` and per Lambda origin reached through a parameter (in another
 * region, or behind an ALB).
 *
 * @example
 * ```ts
 * const { parameters, conditions, resources } = distributionResources(config, plan)
 * ```
 */
export function distributionResources(config: EdgeConfig, plan: DistributionPlan): { parameters: Record<string, Json>; conditions: Record<string, Json>; resources: Record<string, Json> } {
  const parameters: Record<string, Json> = {}
  const conditions: Record<string, Json> = {}
  const resources: Record<string, Json> = {}
  for (const p of plan.policies) {
    const t = POLICY_TYPES[p.kind]
    const body =
      p.kind === 'cache'
        ? cachePolicyConfig(p.policy as CachePolicy, p.name)
        : p.kind === 'originRequest'
          ? originRequestPolicyConfig(p.policy as OriginRequestPolicy, p.name)
          : responseHeadersPolicyConfig(p.policy as ResponseHeadersPolicy, p.name)
    resources[p.logicalId] = { Type: t.type, Properties: { [t.configKey]: body } }
  }
  for (const o of config.edge.origins) {
    const param = plan.domainParameters.get(o.id)
    if (param && o.kind === 'custom') {
      parameters[param] = {
        Type: 'String',
        Description: `Domain name of origin "${o.id}" (${o.url} locally; CloudFront needs a public DNS name, not an IP address or localhost).`,
      }
    }
    const lambda = o.kind === 'lambda' ? plan.lambdaOrigins.get(o.id) : undefined
    if (lambda?.domainParameter) {
      parameters[lambda.domainParameter] = {
        Type: 'String',
        Description:
          lambda.origin.integration === 'alb'
            ? `Domain name of Lambda origin "${o.id}": a name its load balancer's certificate covers, pointed (CNAME or alias) at the load balancer.`
            : `Domain name of Lambda origin "${o.id}" in ${lambda.origin.region}: the ${lambda.domainParameter} output of its stack (edgeware deploy passes it on).`,
      }
    }
    const oac = lambda?.accessControl ?? plan.accessControls.get(o.id)
    if (oac && o.kind !== 'custom') {
      resources[oac.logicalId] = {
        Type: 'AWS::CloudFront::OriginAccessControl',
        Properties: {
          OriginAccessControlConfig: {
            Name: oac.name,
            Description: `edgeware ${config.name}: origin "${o.id}" (${o.kind === 's3' ? `s3://${o.bucket}` : 'function URL'})`,
            OriginAccessControlOriginType: o.kind,
            SigningBehavior: 'always',
            SigningProtocol: 'sigv4',
          },
        },
      }
    }
  }
  for (const b of plan.buckets) {
    parameters[b.parameter] = {
      Type: 'String',
      AllowedValues: ['true', 'false'],
      Default: 'true',
      Description: `Whether this stack sets the bucket policy of ${b.bucket} (it replaces any policy the bucket has). With false, add the statement from manifest.json yourself.`,
    }
    conditions[b.condition] = { 'Fn::Equals': [{ Ref: b.parameter }, 'true'] }
    resources[b.logicalId] = {
      Type: 'AWS::S3::BucketPolicy',
      Condition: b.condition,
      Properties: {
        Bucket: b.bucket,
        PolicyDocument: { Version: '2012-10-17', Statement: [bucketStatement(b, (key) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${literal(key)}` }), DISTRIBUTION_ARN)] },
      },
    }
  }
  return { parameters, conditions, resources }
}

// ---------------------------------------------------------------------------------------------------------------
// The manifest

/** What a deploy step needs about the distribution's resources (manifest.json `distribution`). */
export interface DistributionManifest {
  /** Template parameters a deploy must give: the domain of each custom origin without `domain`. */
  parameters: { name: string; origin: string; url: string }[]
  /**
   * Each bucket behind S3 origins: the local directory that is its content (upload it to the bucket), and the bucket
   * policy statement giving the distribution read access (the template's, or yours when its parameter is `false`).
   */
  buckets: {
    bucket: string
    region: string
    /** The directory served as the bucket locally, relative to the config. */
    dir: string
    origins: string[]
    bucketPolicy: { logicalId: string; parameter: string; statement: Record<string, Json> }
  }[]
  /** The origin access control of each S3 origin and of each function URL behind `AWS_IAM`. */
  originAccessControls: { origin: string; logicalId: string; name: string }[]
  /** Every policy a behavior uses: managed ones by ID, custom ones by their template resource and deployed name. */
  policies: { kind: PolicyKind; id: string; name: string; managed: boolean; policyId?: string; logicalId?: string; behaviors: string[] }[]
}

/**
 * The manifest's `distribution` section.
 *
 * @example
 * ```ts
 * distributionManifest(config, plan).buckets[0] // { bucket: 'my-site-assets', dir: 'public', region: 'us-east-1', … }
 * ```
 */
export function distributionManifest(config: EdgeConfig, plan: DistributionPlan): DistributionManifest {
  const origins = plainOrigins(config)
  const parameters = origins.flatMap((o) => {
    const name = plan.domainParameters.get(o.id)
    return name && o.kind === 'custom' ? [{ name, origin: o.id, url: o.url }] : []
  })
  const s3 = origins.filter((o): o is S3OriginConfig => o.kind === 's3')
  const buckets = plan.buckets.map((b) => {
    const users = s3.filter((o) => o.bucket === b.bucket)
    const statement = bucketStatement(b, (key) => `arn:aws:s3:::${key}`, 'arn:aws:cloudfront::<account>:distribution/<distribution-id>')
    return {
      bucket: b.bucket,
      region: users[0]!.region,
      dir: relative(config.root, users[0]!.dir).split(sep).join('/') || '.',
      origins: users.map((o) => o.id),
      bucketPolicy: { logicalId: b.logicalId, parameter: b.parameter, statement },
    }
  })
  const originAccessControls = [
    ...s3.map((o) => ({ origin: o.id, ...plan.accessControls.get(o.id)! })),
    ...[...plan.lambdaOrigins.values()].flatMap((p) => (p.accessControl ? [{ origin: p.origin.id, ...p.accessControl }] : [])),
  ]
  const policies: DistributionManifest['policies'] = []
  for (const b of config.behaviors) {
    for (const { kind, policy: p } of behaviorPolicies(b)) {
      let entry = policies.find((x) => x.kind === kind && x.id === p.id)
      if (!entry) {
        const custom = planned(plan, kind, p)
        entry = { kind, id: p.id, name: custom?.name ?? p.name, managed: p.kind === 'managed', ...(p.awsId ? { policyId: p.awsId } : {}), ...(custom ? { logicalId: custom.logicalId } : {}), behaviors: [] }
        policies.push(entry)
      }
      entry.behaviors.push(b.pathPattern)
    }
  }
  return { parameters, buckets, originAccessControls, policies }
}

/**
 * Custom policies no behavior names: valid, but left out of the template (a warning each).
 *
 * @example
 * ```ts
 * unusedPolicies(config) // ['edge.cache_policies: "old-cache" is not used by any behavior, so the template leaves it out']
 * ```
 */
export function unusedPolicies(config: EdgeConfig): string[] {
  const used = new Set(usedCustomPolicies(config).map((u) => `${u.kind}:${u.policy.id}`))
  const lists: [PolicyKind, string, readonly AnyPolicy[]][] = [
    ['cache', 'edge.cache_policies', config.edge.cachePolicies],
    ['originRequest', 'edge.origin_request_policies', config.edge.originRequestPolicies],
    ['responseHeaders', 'edge.response_headers_policies', config.edge.responseHeadersPolicies],
  ]
  return lists.flatMap(([kind, key, list]) =>
    list.filter((p) => p.kind === 'custom' && !used.has(`${kind}:${p.id}`)).map((p) => `${key}: ${JSON.stringify(p.id)} is not used by any behavior, so the template leaves it out`),
  )
}
