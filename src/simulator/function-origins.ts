/**
 * Where a CloudFront Function's origin helpers send its request (reference cloudfront-functions.md §5.2), against
 * the distribution's origins as the local edge reaches them: an origin id is that origin; a domain that names one
 * of them (a custom origin's local host or deployed `domain`, a bucket's REST domain, a Lambda origin's API domain)
 * is that origin as configured; any other domain is a new origin that inherits what the call leaves out from the
 * origin it replaces (an S3 REST domain an S3 origin, else a custom one).
 */
import type { CfHeaders } from '../cloudfront/types.js'
import type { FunctionOriginChange } from '../cloudfront/functions-origin.js'
import { isS3WebsiteEndpoint } from '../cloudfront/origin-rules.js'
import type { EdgeOrigin, OriginChoice } from './protocol.js'
import { bucketOfDomain } from './s3-origin.js'

/** The distribution's origins by id and by every domain that names them. */
export interface OriginDirectory {
  byId: ReadonlyMap<string, EdgeOrigin>
  byDomain: ReadonlyMap<string, EdgeOrigin>
}

/** `updateRequestOrigin`'s parameters, as the engine has checked them (cloudfront/functions-origin.ts). */
interface UpdateParams {
  domainName?: string
  originPath?: string
  customHeaders?: Record<string, string>
  connectionAttempts?: number
  originAccessControlConfig?: { enabled?: boolean; originType?: string }
  timeouts?: { readTimeout?: number; keepAliveTimeout?: number; connectionTimeout?: number }
  customOriginConfig?: { port: number; protocol: 'http' | 'https'; sslProtocols: string[] }
  hostHeader?: string
}

function headersOf(h: Record<string, string>): CfHeaders {
  const out: CfHeaders = {}
  for (const name in h) out[name.toLowerCase()] = [{ key: name, value: h[name]! }]
  return out
}

/** An origin at a domain none of the distribution's origins has: what `base` leaves it, with the new domain. */
function newOrigin(base: EdgeOrigin, domain: string, p: UpdateParams): EdgeOrigin {
  const common = { id: base.id, path: base.path, customHeaders: base.customHeaders, connectionAttempts: base.connectionAttempts, connectionTimeout: base.connectionTimeout }
  const oac = p.originAccessControlConfig?.enabled ? p.originAccessControlConfig.originType : undefined
  // An S3 REST endpoint is an S3 origin; a website endpoint (`s3-website`) is a custom one [S3O].
  if (!isS3WebsiteEndpoint(domain) && bucketOfDomain(domain) !== undefined && (oac === undefined || oac === 's3')) {
    const region = /\.s3[.-]([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com\.?$/i.exec(domain)?.[1] ?? 'us-east-1'
    return { kind: 's3', ...common, domainName: domain, region }
  }
  if (base.kind === 'custom') {
    const { hostHeader: _, ...rest } = base
    return { ...rest, domainName: domain }
  }
  return { kind: 'custom', ...common, domainName: domain, protocolPolicy: 'https-only', httpPort: 80, httpsPort: 443, readTimeout: 30, keepaliveTimeout: 5, sslProtocols: ['TLSv1.2'] }
}

/** `base` with an `updateRequestOrigin` call's parameters applied (what the call leaves out is inherited). */
function updated(base: EdgeOrigin, p: UpdateParams, dir: OriginDirectory): EdgeOrigin {
  const domain = p.domainName
  const target = domain === undefined || domain.toLowerCase() === base.domainName.toLowerCase() ? base : (dir.byDomain.get(domain.toLowerCase()) ?? newOrigin(base, domain, p))
  const o: EdgeOrigin = { ...target }
  if (p.originPath !== undefined) o.path = p.originPath
  if (p.customHeaders !== undefined) o.customHeaders = headersOf(p.customHeaders)
  if (p.connectionAttempts !== undefined) o.connectionAttempts = p.connectionAttempts
  if (p.timeouts?.connectionTimeout !== undefined) o.connectionTimeout = p.timeouts.connectionTimeout
  if (p.timeouts?.readTimeout !== undefined) o.readTimeout = p.timeouts.readTimeout
  if (o.kind !== 'custom') return o
  if (p.timeouts?.keepAliveTimeout !== undefined) o.keepaliveTimeout = p.timeouts.keepAliveTimeout
  const c = p.customOriginConfig
  if (c) {
    o.protocolPolicy = c.protocol === 'http' ? 'http-only' : 'https-only'
    if (c.protocol === 'http') o.httpPort = c.port
    else o.httpsPort = c.port
    o.sslProtocols = [...c.sslProtocols]
  }
  if (p.hostHeader !== undefined) o.hostHeader = p.hostHeader
  return o
}

/**
 * The origin a function's helper calls chose, in the order it made them, from the behavior's origins `assigned`
 * (its origin, or its group's members); undefined when it made none. `selectRequestOriginById` picks one origin
 * (nothing to fail over to), `createRequestOriginGroup` two with its failover statuses, `updateRequestOrigin`
 * changes the first one tried (a group's secondary and the failover statuses stay). The calls are valid: the
 * engine refused the request (502) otherwise.
 *
 * @example
 * ```ts
 * chooseOrigin([{ helper: 'selectRequestOriginById', originId: 'eu' }], ['app'], dir) // { members: [eu], failoverStatusCodes: [] }
 * ```
 */
export function chooseOrigin(changes: readonly FunctionOriginChange[], assigned: readonly string[], dir: OriginDirectory): OriginChoice | undefined {
  if (changes.length === 0) return undefined
  let members = assigned.map((id) => dir.byId.get(id)!)
  let failover: number[] | undefined
  for (const ch of changes) {
    if (ch.helper === 'selectRequestOriginById') {
      members = [dir.byId.get(ch.originId)!]
      failover = []
    } else if (ch.helper === 'createRequestOriginGroup') {
      members = (ch.params.originIds as string[]).map((id) => dir.byId.get(id)!)
      failover = [...(ch.params.failoverCriteria as { statusCodes: number[] }).statusCodes]
    } else members = [updated(members[0]!, ch.params as UpdateParams, dir), ...members.slice(1)]
  }
  return failover === undefined ? { members } : { members, failoverStatusCodes: failover }
}
