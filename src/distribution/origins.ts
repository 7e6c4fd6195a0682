/**
 * `[[edge.origins]]` (custom, S3 and Lambda origins) and `[[edge.origin_groups]]`.
 */
import type { LimitsProfile } from '../cloudfront/limits.js'
import { customDomainNameProblem, customHeaderNameProblem, isS3WebsiteEndpoint, originPathProblems, ORIGIN_SSL_PROTOCOLS } from '../cloudfront/origin-rules.js'
import { hasInvalidHeaderValueChar, isValidHeaderName } from '../cloudfront/rules.js'
import type { BehaviorConfig, CustomOriginConfig, LambdaIntegration, LambdaOriginConfig, OriginConfig, OriginCustomHeader, OriginGroupConfig, S3OriginConfig } from './model.js'
import { AWS_REGION, bucketNameProblem } from './names.js'
import { show, type Reader, type Table } from './problems.js'

/** Statuses an origin group may fail over on [FAIL]. */
export const FAILOVER_STATUS_CODES: readonly number[] = [400, 403, 404, 416, 500, 502, 503, 504]
/** `failover_status_codes` when a group doesn't list them. */
const DEFAULT_FAILOVER = [500, 502, 503, 504]
/** Origin custom header limits [QUO]: name and value lengths, and all names and values together. */
const CUSTOM_HEADER_LIMITS = { name: 256, value: 1_783, total: 10_240 }
const INTEGRATIONS: readonly LambdaIntegration[] = ['rest', 'http', 'alb', 'url']
/** Seconds after which each integration answers on its own (lambda-origin reference: API Gateway 29 s / 30 s). */
const INTEGRATION_TIMEOUT: Partial<Record<LambdaIntegration, number>> = { rest: 29, http: 30 }

const COMMON_KEYS = ['id', 'origin_path', 'connection_attempts', 'connection_timeout', 'read_timeout', 'custom_headers']
const CUSTOM_KEYS = [...COMMON_KEYS, 'url', 'domain', 'protocol_policy', 'http_port', 'https_port', 'ssl_protocols', 'keepalive_timeout', 'example']
const S3_KEYS = [...COMMON_KEYS, 's3']
const LAMBDA_KEYS = [...COMMON_KEYS, 'keepalive_timeout', 'lambda']

const isCloudFrontPort = (p: number): boolean => p === 80 || p === 443 || (p >= 1024 && p <= 65_535)

function readCustomHeaders(r: Reader, v: unknown, key: string): OriginCustomHeader[] {
  const t = r.table(v, key)
  if (!t) return []
  const out: OriginCustomHeader[] = []
  const seen = new Set<string>()
  let total = 0
  for (const [name, value] of Object.entries(t)) {
    const k = `${key}.${name}`
    const lower = name.toLowerCase()
    if (!isValidHeaderName(name)) {
      r.fail(k, `not a valid header name: ${show(name)}`, name)
      continue
    }
    const refused = customHeaderNameProblem(lower)
    if (refused) r.fail(k, refused, name)
    else if (seen.has(lower)) r.fail(k, `duplicate origin custom header ${show(name)} (names are case-insensitive)`, name)
    else if (name.length > CUSTOM_HEADER_LIMITS.name) r.fail(k, `header names may be at most ${CUSTOM_HEADER_LIMITS.name} characters, got ${name.length}`, name)
    if (typeof value !== 'string') {
      r.fail(k, `expected a string value, got ${show(value)}`, value)
      continue
    }
    if (hasInvalidHeaderValueChar(value)) r.fail(k, `the value contains CR, LF or another control character: ${show(value)}`, value)
    else if (value.length > CUSTOM_HEADER_LIMITS.value) r.fail(k, `header values may be at most ${CUSTOM_HEADER_LIMITS.value} characters, got ${value.length}`, value)
    seen.add(lower)
    total += name.length + value.length
    out.push({ name, value })
  }
  if (total > CUSTOM_HEADER_LIMITS.total) r.fail(key, `origin custom header names and values may hold at most ${CUSTOM_HEADER_LIMITS.total} characters in total, got ${total}`)
  return out
}

function readOriginPath(r: Reader, v: unknown, key: string): string | undefined {
  if (v === undefined) return undefined
  if (typeof v !== 'string') return r.fail(key, `expected a path string ("" or starting with /), got ${show(v)}`, v)
  const problems = originPathProblems(v)
  for (const m of problems) r.fail(key, `the origin path ${m}`, v)
  return problems.length ? undefined : v
}

/** What every origin kind shares. */
function readCommon(r: Reader, t: Table, key: string, limits: LimitsProfile, readTimeoutAllowed: boolean) {
  const id = r.string(t.id, `${key}.id`, true) ?? ''
  const connectionAttempts = r.int(t.connection_attempts, `${key}.connection_attempts`, 1, 3, ' (ConnectionAttempts)') ?? 3
  const connectionTimeout = r.int(t.connection_timeout, `${key}.connection_timeout`, 1, 10, ' (ConnectionTimeout, seconds)') ?? 10
  const customHeaders = readCustomHeaders(r, t.custom_headers, `${key}.custom_headers`)
  let readTimeout: number | undefined
  if (t.read_timeout !== undefined && !readTimeoutAllowed) {
    r.fail(`${key}.read_timeout`, `S3 origins have no read timeout with the "${limits.name}" limits profile (the "current" profile allows it)`, t.read_timeout)
  } else {
    // readTimeout / keepaliveTimeout ranges differ between doc editions (lambda-edge.md §1.2): per limits profile.
    readTimeout = r.int(t.read_timeout, `${key}.read_timeout`, limits.readTimeout.min, limits.readTimeout.max)
  }
  return { id, connectionAttempts, connectionTimeout, customHeaders, ...(readTimeout !== undefined ? { readTimeout } : {}) }
}

function parseUrl(r: Reader, url: string, key: string): URL | undefined {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return r.fail(key, `not a URL: ${show(url)}`, url)
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return r.fail(key, `protocol must be http or https, got ${show(url)}`, url)
  if (u.username || u.password || u.search || u.hash) return r.fail(key, `must be http(s)://host[:port][/path] without credentials, query or fragment, got ${show(url)}`, url)
  return u
}

function readCustom(r: Reader, t: Table, key: string, limits: LimitsProfile): CustomOriginConfig {
  r.unknownKeys(t, key, CUSTOM_KEYS)
  const common = readCommon(r, t, key, limits, true)
  const urlText = r.string(t.url, `${key}.url`)
  const u = urlText === undefined ? undefined : parseUrl(r, urlText, `${key}.url`)
  const domain = r.string(t.domain, `${key}.domain`)
  if (domain !== undefined) {
    const m = customDomainNameProblem(domain)
    if (m) r.fail(`${key}.domain`, `the origin's domain name ${m}`, domain)
  }
  const scheme = u?.protocol === 'https:' ? 'https' : u ? 'http' : undefined
  // [S3O], [OAC]: an S3 website endpoint is reached over HTTP only.
  const website = domain !== undefined && isS3WebsiteEndpoint(domain)
  const protocolPolicy =
    r.oneOf(t.protocol_policy, `${key}.protocol_policy`, ['http-only', 'match-viewer', 'https-only'] as const, ' (OriginProtocolPolicy)') ??
    (scheme === 'http' || website ? 'http-only' : 'https-only')
  if (website && protocolPolicy !== 'http-only') {
    r.fail(`${key}.protocol_policy`, `${domain} is an S3 website endpoint, which CloudFront reaches over HTTP only: use "http-only" (or the bucket's REST endpoint as an s3 origin), got ${show(protocolPolicy)}`, protocolPolicy)
  }
  const urlPort = u?.port ? Number(u.port) : undefined
  const port = (k: 'http_port' | 'https_port', fromUrl: boolean, dflt: number): number => {
    const given = r.int(t[k], `${key}.${k}`, 1, 65_535)
    if (given !== undefined && !isCloudFrontPort(given)) r.fail(`${key}.${k}`, `must be 80, 443 or 1024-65535 (CloudFront custom origin), got ${given}`, given)
    if (given !== undefined || t[k] !== undefined) return given ?? dflt
    if (fromUrl && urlPort !== undefined) {
      // The url's port becomes the deployed port unless the port key says otherwise.
      if (!isCloudFrontPort(urlPort)) r.fail(`${key}.url`, `port must be 80, 443 or 1024-65535 (CloudFront custom origin), got ${urlPort}`, urlText)
      return urlPort
    }
    return dflt
  }
  const httpPort = port('http_port', scheme === 'http', 80)
  const httpsPort = port('https_port', scheme === 'https', 443)
  const urlPath = u && u.pathname !== '/' ? u.pathname : ''
  if (u && urlPath && urlPath.endsWith('/')) r.fail(`${key}.url`, `origin path must not end with "/" (CloudFront), got ${show(urlText)}`, urlText)
  const givenPath = readOriginPath(r, t.origin_path, `${key}.origin_path`)
  if (givenPath !== undefined && urlPath && givenPath !== urlPath) {
    r.fail(`${key}.origin_path`, `the url already has the origin path ${show(urlPath)}; give it once`, givenPath)
  }
  const originPath = givenPath ?? urlPath
  let url: string
  if (u) url = `${u.protocol}//${u.host}${originPath}`
  else if (domain !== undefined) {
    const https = protocolPolicy !== 'http-only'
    const p = https ? httpsPort : httpPort
    url = `${https ? 'https' : 'http'}://${domain}${p === (https ? 443 : 80) ? '' : `:${p}`}${originPath}`
  } else {
    url = ''
    if (urlText === undefined) r.fail(`${key}.url`, 'a custom origin needs url (what edgeware dev fetches) or domain (what edgeware build deploys)')
  }
  const ssl = t.ssl_protocols === undefined ? ['TLSv1.2'] : r.stringList(t.ssl_protocols, `${key}.ssl_protocols`)
  ssl?.forEach((s, i) => {
    if (!ORIGIN_SSL_PROTOCOLS.has(s)) r.fail(`${key}.ssl_protocols[${i}]`, `expected one of ${[...ORIGIN_SSL_PROTOCOLS].join(', ')}, got ${show(s)}`, s)
  })
  if (ssl && ssl.length === 0) r.fail(`${key}.ssl_protocols`, 'at least one protocol is required')
  const keepaliveTimeout = r.int(t.keepalive_timeout, `${key}.keepalive_timeout`, limits.keepaliveTimeout.min, limits.keepaliveTimeout.max)
  const example = readExample(r, t.example, `${key}.example`)
  const o: CustomOriginConfig = { kind: 'custom', ...common, originPath, url, protocolPolicy, httpPort, httpsPort, sslProtocols: ssl ?? ['TLSv1.2'] }
  if (domain !== undefined) o.domain = domain
  if (keepaliveTimeout !== undefined) o.keepaliveTimeout = keepaliveTimeout
  if (example !== undefined) o.example = example
  return o
}

/** `example`: `true` is the starter site, `"tour"` the guided tour of edgeware's own example distribution. */
function readExample(r: Reader, v: unknown, key: string): CustomOriginConfig['example'] {
  if (v === undefined || v === false) return undefined
  if (v === true) return 'starter'
  if (v === 'tour') return 'tour'
  return r.fail(key, `expected true, false or "tour" (the guided tour of edgeware's example distribution), got ${show(v)}`, v)
}

function readS3(r: Reader, t: Table, key: string, limits: LimitsProfile): S3OriginConfig {
  r.unknownKeys(t, key, S3_KEYS)
  const common = readCommon(r, t, key, limits, limits.s3ReadTimeout)
  const k = `${key}.s3`
  const s = r.table(t.s3, k) ?? {}
  r.unknownKeys(s, k, ['dir', 'bucket', 'region'])
  const dir = r.path(s.dir, `${k}.dir`, 'directory') ?? ''
  if (s.dir === undefined) r.fail(`${k}.dir`, 'is required (the local directory served as the bucket)')
  const bucket = r.string(s.bucket, `${k}.bucket`, true) ?? ''
  const bad = bucket ? bucketNameProblem(bucket) : undefined
  if (bad) r.fail(`${k}.bucket`, `the bucket name ${bad}`, bucket)
  const region = r.string(s.region, `${k}.region`, true) ?? ''
  if (region && !AWS_REGION.test(region)) r.fail(`${k}.region`, `not an AWS region name: ${show(region)}`, region)
  const originPath = readOriginPath(r, t.origin_path, `${key}.origin_path`) ?? ''
  return { kind: 's3', ...common, originPath, dir, bucket, region }
}

function readLambda(r: Reader, t: Table, key: string, limits: LimitsProfile, warnings: string[], edgeRegion: string): LambdaOriginConfig {
  r.unknownKeys(t, key, LAMBDA_KEYS)
  const common = readCommon(r, t, key, limits, true)
  const k = `${key}.lambda`
  const l = r.table(t.lambda, k) ?? {}
  r.unknownKeys(l, k, ['handler', 'integration', 'multi_value_headers', 'memory', 'timeout', 'region', 'auth_type'])
  const handler = r.path(l.handler, `${k}.handler`) ?? ''
  if (l.handler === undefined) r.fail(`${k}.handler`, 'is required (the entry file of the function)')
  const integration = r.oneOf(l.integration, `${k}.integration`, INTEGRATIONS, ' (API Gateway REST API, HTTP API, Application Load Balancer, function URL)')
  if (l.integration === undefined) r.fail(`${k}.integration`, `is required: one of ${INTEGRATIONS.map((x) => `"${x}"`).join(', ')}`)
  const multiValueHeaders = r.bool(l.multi_value_headers, `${k}.multi_value_headers`) ?? false
  if (l.multi_value_headers !== undefined && integration !== undefined && integration !== 'alb') {
    r.fail(`${k}.multi_value_headers`, `multi-value headers are a setting of the "alb" integration only, got integration = "${integration}"`, l.multi_value_headers)
  }
  const memoryMb = r.int(l.memory, `${k}.memory`, 128, 10_240, ' (MB, Lambda)') ?? 128
  const timeoutS = r.int(l.timeout, `${k}.timeout`, 1, 900, ' (seconds, Lambda)') ?? 3
  const cap = integration ? INTEGRATION_TIMEOUT[integration] : undefined
  if (cap !== undefined && timeoutS > cap) warnings.push(`${k}.timeout: ${timeoutS} s, but the "${integration}" integration answers 504 after ${cap} s`)
  const keepaliveTimeout = r.int(t.keepalive_timeout, `${key}.keepalive_timeout`, limits.keepaliveTimeout.min, limits.keepaliveTimeout.max)
  const originPath = readOriginPath(r, t.origin_path, `${key}.origin_path`) ?? ''
  const region = r.string(l.region, `${k}.region`) ?? edgeRegion
  if (!AWS_REGION.test(region)) r.fail(`${k}.region`, `not an AWS region name: ${show(region)}`, region)
  const authType = r.oneOf(l.auth_type, `${k}.auth_type`, ['AWS_IAM', 'NONE'] as const, ' (the function URL\'s AuthType)') ?? 'AWS_IAM'
  if (l.auth_type !== undefined && integration !== undefined && integration !== 'url') {
    r.fail(`${k}.auth_type`, `auth_type is a setting of the "url" integration (a function URL's AuthType) only, got integration = "${integration}"`, l.auth_type)
  }
  const o: LambdaOriginConfig = { kind: 'lambda', ...common, originPath, handler, integration: integration ?? 'url', multiValueHeaders, memoryMb, timeoutS, region, authType }
  if (keepaliveTimeout !== undefined) o.keepaliveTimeout = keepaliveTimeout
  return o
}

function readOrigin(r: Reader, v: unknown, key: string, limits: LimitsProfile, warnings: string[], edgeRegion: string): OriginConfig | undefined {
  const t = r.table(v, key)
  if (!t) return undefined
  const kinds = [t.url !== undefined || t.domain !== undefined ? 'url/domain' : '', t.s3 !== undefined ? 's3' : '', t.lambda !== undefined ? 'lambda' : ''].filter(Boolean)
  if (kinds.length > 1) {
    r.fail(key, `an origin is exactly one of a custom origin (url / domain), s3 = { … } or lambda = { … }, got ${kinds.join(' and ')}`)
    // Keep the id known (behaviors naming it are fine) without judging keys of the wrong kind.
    const id = typeof t.id === 'string' ? t.id : ''
    return { kind: 'custom', id, url: '', originPath: '', protocolPolicy: 'https-only', httpPort: 80, httpsPort: 443, sslProtocols: [], connectionAttempts: 3, connectionTimeout: 10, customHeaders: [] }
  }
  if (t.s3 !== undefined) return readS3(r, t, key, limits)
  if (t.lambda !== undefined) return readLambda(r, t, key, limits, warnings, edgeRegion)
  return readCustom(r, t, key, limits)
}

/**
 * Reads `[[edge.origins]]`: at least one, unique ids. An origin with a valid `id` is returned even when other
 * fields are invalid, so references to it are not reported a second time. `edgeRegion` (`[edge] region`) is a
 * Lambda origin's region unless it names its own.
 */
export function readOrigins(r: Reader, edge: Table, limits: LimitsProfile, warnings: string[], edgeRegion: string): OriginConfig[] {
  const list = r.tables(edge.origins, 'edge.origins')
  if (edge.origins !== undefined && !Array.isArray(edge.origins)) return []
  if (list.length === 0) r.fail('edge.origins', 'at least one [[edge.origins]] is required')
  const origins: OriginConfig[] = []
  const ids = new Set<string>()
  list.forEach((v, i) => {
    const o = readOrigin(r, v, `edge.origins[${i}]`, limits, warnings, edgeRegion)
    if (!o || !o.id) return
    if (ids.has(o.id)) r.fail(`edge.origins[${i}].id`, `duplicate origin id ${show(o.id)}`, o.id)
    ids.add(o.id)
    if (o.kind === 's3') sameBucket(r, o, origins, `edge.origins[${i}].s3`)
    origins.push(o)
  })
  return origins
}

/**
 * S3 origins naming one bucket (e.g. under different origin paths) name one directory and one region: the
 * directory is the bucket's content locally and what is uploaded to it, and a bucket lives in one region.
 */
function sameBucket(r: Reader, o: S3OriginConfig, before: readonly OriginConfig[], key: string): void {
  const other = before.find((x): x is S3OriginConfig => x.kind === 's3' && x.bucket === o.bucket && !!o.bucket)
  if (!other) return
  if (other.dir !== o.dir) r.fail(`${key}.dir`, `bucket ${show(o.bucket)} is also origin ${show(other.id)}'s, served from another directory (${show(other.dir)}): origins on one bucket share its directory`, o.dir)
  if (other.region !== o.region) r.fail(`${key}.region`, `bucket ${show(o.bucket)} is also origin ${show(other.id)}'s, in ${show(other.region)}: a bucket is in one region`, o.region)
}

/** Reads `[[edge.origin_groups]]`: exactly two existing, distinct origins each, failover statuses from CloudFront's set. */
export function readOriginGroups(r: Reader, edge: Table, origins: readonly OriginConfig[]): OriginGroupConfig[] {
  const originIds = new Set(origins.map((o) => o.id))
  const groups: OriginGroupConfig[] = []
  r.tables(edge.origin_groups, 'edge.origin_groups').forEach((v, i) => {
    const key = `edge.origin_groups[${i}]`
    const t = r.table(v, key)
    if (!t) return
    r.unknownKeys(t, key, ['id', 'members', 'failover_status_codes'])
    const id = r.string(t.id, `${key}.id`, true)
    if (id !== undefined && (originIds.has(id) || groups.some((g) => g.id === id))) {
      r.fail(`${key}.id`, `${show(id)} is already the id of an origin or another group (groups and origins share one namespace)`, id)
    }
    const members = r.stringList(t.members, `${key}.members`)
    if (t.members === undefined) r.fail(`${key}.members`, 'is required: [primary, secondary] origin ids')
    else if (members && members.length !== 2) r.fail(`${key}.members`, `an origin group has exactly two members (primary, secondary), got ${members.length}`, t.members)
    else if (members && members[0] === members[1]) r.fail(`${key}.members`, `the primary and the secondary must be different origins, got ${show(members)}`, t.members)
    members?.forEach((m, j) => {
      if (!originIds.has(m)) r.fail(`${key}.members[${j}]`, `no [[edge.origins]] with id ${show(m)} (known: ${[...originIds].join(', ') || 'none'})`, m)
    })
    let codes = DEFAULT_FAILOVER
    if (t.failover_status_codes !== undefined) {
      const raw = t.failover_status_codes
      if (!Array.isArray(raw) || raw.length === 0) r.fail(`${key}.failover_status_codes`, `expected a non-empty array of status codes, got ${show(raw)}`, raw)
      else {
        codes = []
        raw.forEach((c, j) => {
          if (typeof c !== 'number' || !FAILOVER_STATUS_CODES.includes(c)) {
            r.fail(`${key}.failover_status_codes[${j}]`, `CloudFront fails over only on ${FAILOVER_STATUS_CODES.join(', ')}, got ${show(c)}`, c)
          } else if (codes.includes(c)) r.fail(`${key}.failover_status_codes[${j}]`, `duplicate status ${c}`, c)
          else codes.push(c)
        })
      }
    }
    if (id !== undefined) groups.push({ id, members: [members?.[0] ?? '', members?.[1] ?? ''], failoverStatusCodes: codes })
  })
  return groups
}

/**
 * The REST endpoint domain of an S3 origin's bucket, as the build deploys it.
 *
 * @example
 * ```ts
 * s3DomainName({ bucket: 'my-site-assets', region: 'eu-west-1' }) // 'my-site-assets.s3.eu-west-1.amazonaws.com'
 * ```
 */
export function s3DomainName(o: Pick<S3OriginConfig, 'bucket' | 'region'>): string {
  return `${o.bucket}.s3.${o.region}.amazonaws.com`
}

/** Whether a selection of header names (lowercase) holds `name`. */
function selects(sel: BehaviorConfig['effective']['forward']['headers'], name: string): boolean {
  return sel.kind === 'all' || (sel.kind === 'list' && sel.names.includes(name)) || (sel.kind === 'allExcept' && !sel.names.includes(name))
}

/**
 * A warning per behavior that forwards the viewer's Host header to a Lambda origin behind API Gateway or a function
 * URL: "These origins expect the Host header to contain the origin domain name, not the domain name of the
 * CloudFront distribution" [MORP, AllViewerExceptHostHeader]. (An ALB answers whatever the Host.)
 */
export function lambdaHostWarnings(behaviors: readonly BehaviorConfig[], origins: readonly OriginConfig[], groups: readonly OriginGroupConfig[]): string[] {
  const out: string[] = []
  let index = 0
  for (const b of behaviors) {
    const key = b.isDefault ? 'edge.default_behavior' : `edge.behaviors[${index++}]`
    if (!selects(b.effective.forward.headers, 'host')) continue
    const ids = b.targetGroupId ? (groups.find((g) => g.id === b.targetGroupId)?.members ?? []) : [b.originId]
    for (const id of ids) {
      const o = origins.find((x) => x.id === id)
      if (o?.kind !== 'lambda' || o.integration === 'alb') continue
      out.push(`${key}: forwards the viewer's Host header to Lambda origin ${o.id} (integration "${o.integration}"), which expects its own domain name in Host and refuses another in AWS; use an origin request policy without Host (e.g. AllViewerExceptHostHeader). edgeware dev forwards it as CloudFront would`)
    }
  }
  return out
}
