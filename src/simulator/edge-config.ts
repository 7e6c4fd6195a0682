/**
 * The distribution model resolved for one local run: what the workerd edge needs of each behavior and origin,
 * computed once at start (origins with their event fields, the effective policies, the CloudFront-Viewer-* values).
 */
import { createHash, randomBytes } from 'node:crypto'
import { s3DomainName, viewerHeaders, type BehaviorConfig, type EdgeConfig, type OriginConfig } from '../distribution/index.js'
import type { CfHeaders } from '../cloudfront/types.js'
import type { OriginDirectory } from './function-origins.js'
import { lambdaOriginPath } from '../build/integrations.js'
import { lambdaOriginDomain } from './lambda-origins.js'
import type { EdgeBehavior, EdgeOrigin, EdgeWorkerConfig, PolicyOrder } from './protocol.js'

/** What the edge's configuration needs besides the model. */
export interface EdgeRunOptions {
  /** Function name by absolute entry path. */
  functionNames: ReadonlyMap<string, string>
  containers: Record<string, number>
  timeouts: Record<string, number>
  /** The HTTPS listener's port, when there is one. */
  httpsPort?: number
  /** Log records carry the access log's fields. */
  accessLog?: boolean
}

function customHeaders(o: OriginConfig): CfHeaders {
  const out: CfHeaders = {}
  for (const h of o.customHeaders) out[h.name.toLowerCase()] = [{ key: h.name, value: h.value }]
  return out
}

/**
 * An origin with the fields its origin-request event shows. A custom origin's `url` is what dev fetches: its host,
 * and its port for its own scheme; the protocol policy may pick the other scheme, whose port is the configured one.
 * A Lambda origin is the custom origin at its API's domain in `region` (the edge region).
 *
 * @example
 * ```ts
 * edgeOrigin(config.edge.origins[0]!).domainName // 'localhost'
 * ```
 */
export function edgeOrigin(o: OriginConfig, region = 'us-east-1'): EdgeOrigin {
  const base = { id: o.id, path: o.originPath, customHeaders: customHeaders(o), connectionAttempts: o.connectionAttempts, connectionTimeout: o.connectionTimeout }
  if (o.kind === 's3') return { kind: 's3', ...base, domainName: s3DomainName(o), region: o.region, ...(o.readTimeout !== undefined ? { readTimeout: o.readTimeout } : {}) }
  if (o.kind === 'lambda') {
    // CloudFront sees the API in front of the function as a custom origin on HTTPS (the host runs the function),
    // with the origin path the build deploys: a REST API's stage first.
    return { kind: 'custom', ...base, path: lambdaOriginPath(o), domainName: lambdaOriginDomain(o, region), protocolPolicy: 'https-only', httpPort: 80, httpsPort: 443, readTimeout: o.readTimeout ?? 30, keepaliveTimeout: o.keepaliveTimeout ?? 5, sslProtocols: ['TLSv1.2'] }
  }
  const u = new URL(o.url)
  const urlPort = u.port ? Number(u.port) : undefined
  return {
    kind: 'custom',
    ...base,
    domainName: u.hostname.replace(/^\[|\]$/g, ''),
    protocolPolicy: o.protocolPolicy,
    httpPort: u.protocol === 'http:' ? (urlPort ?? 80) : o.httpPort,
    httpsPort: u.protocol === 'https:' ? (urlPort ?? 443) : o.httpsPort,
    readTimeout: o.readTimeout ?? 30,
    keepaliveTimeout: o.keepaliveTimeout ?? 5,
    sslProtocols: o.sslProtocols,
  }
}

/**
 * The viewer protocol policy the local edge applies: the behavior's when its `wrangler.toml` says it; a behavior
 * that doesn't say is served as `allow-all` (the model's default, `redirect-to-https`, is what the build deploys),
 * so plain `http://localhost` keeps working until a policy is written.
 */
function localProtocolPolicy(config: EdgeConfig, b: BehaviorConfig, index: number): BehaviorConfig['viewerProtocolPolicy'] {
  const prefix = b.isDefault ? 'edge.default_behavior' : `edge.behaviors[${index}]`
  return config.givenKeys.includes(`${prefix}.viewer_protocol_policy`) ? b.viewerProtocolPolicy : 'allow-all'
}

function edgeBehavior(config: EdgeConfig, b: BehaviorConfig, index: number, names: ReadonlyMap<string, string>): EdgeBehavior {
  const byId = (id: string): OriginConfig => config.edge.origins.find((o) => o.id === id)!
  const group = b.targetGroupId ? config.edge.originGroups.find((g) => g.id === b.targetGroupId) : undefined
  const cffName = (entry: string): string => config.cloudfrontFunctions.find((f) => f.entry === entry)!.name
  return {
    pathPattern: b.pathPattern,
    origins: (group ? group.members : [b.originId]).map((id) => edgeOrigin(byId(id), config.edge.region)),
    failoverStatusCodes: group?.failoverStatusCodes ?? [],
    functions: Object.fromEntries(Object.entries(b.functions).map(([s, e]) => [s, names.get(e)!])),
    cloudfrontFunctions: Object.fromEntries(Object.entries(b.cloudfrontFunctions).map(([t, e]) => [t, cffName(e)])),
    includeBody: b.includeBody,
    legacy: b.cachePolicy === undefined,
    effective: b.effective,
    ...(b.responseHeadersPolicy ? { responseHeadersPolicy: b.responseHeadersPolicy } : {}),
    allowedMethods: b.allowedMethods,
    cachedMethods: b.cachedMethods,
    viewerProtocolPolicy: localProtocolPolicy(config, b, index),
  }
}

/**
 * The edge's configuration for a config.
 *
 * @example
 * ```ts
 * const edge = edgeWorkerConfig(config, { functionNames, containers, timeouts })
 * edge.behaviors[0].origins[0].domainName // 'localhost'
 * ```
 */
export function edgeWorkerConfig(config: EdgeConfig, run: EdgeRunOptions, order: PolicyOrder = config.dev.responseHeadersPolicyOrder): EdgeWorkerConfig {
  const hash = createHash('sha256').update(config.path).digest('hex')
  return {
    behaviors: config.behaviors.map((b, i) => edgeBehavior(config, b, i, run.functionNames)),
    distributionDomainName: `d${hash.slice(0, 13)}.cloudfront.net`,
    distributionId: `E${hash.slice(13, 26).toUpperCase()}`,
    viaHost: `${randomBytes(16).toString('hex')}.cloudfront.net`,
    pop: 'LOCAL1-P1',
    includeBodyBytes: config.edge.limits.includeBodyBytes,
    maxCacheBytes: 64 * 1024 * 1024,
    ...(config.edge.defaultRootObject !== undefined ? { defaultRootObject: config.edge.defaultRootObject } : {}),
    customErrorResponses: config.edge.customErrorResponses,
    viewer: viewerHeaders(config.dev.viewer),
    ...(run.httpsPort !== undefined ? { httpsPort: run.httpsPort } : {}),
    responseHeadersPolicyOrder: order,
    containers: run.containers,
    timeouts: run.timeouts,
    accessLog: run.accessLog ?? false,
  }
}

/**
 * The distribution's origins as the edge reaches them, by id and by every domain that names them (a custom
 * origin's local host and deployed `domain`, a bucket's REST domain, a Lambda origin's API domain): what a
 * CloudFront Function's origin helpers resolve against.
 *
 * @example
 * ```ts
 * originDirectory(config).byId.get('assets')!.domainName // 'my-site-assets.s3.us-east-1.amazonaws.com'
 * ```
 */
export function originDirectory(config: EdgeConfig): OriginDirectory {
  const byId = new Map<string, EdgeOrigin>()
  const byDomain = new Map<string, EdgeOrigin>()
  for (const o of config.edge.origins) {
    const e = edgeOrigin(o, config.edge.region)
    byId.set(o.id, e)
    byDomain.set(e.domainName.toLowerCase(), e)
    if (o.kind === 'custom' && o.domain !== undefined) byDomain.set(o.domain.toLowerCase(), e)
  }
  return { byId, byDomain }
}
