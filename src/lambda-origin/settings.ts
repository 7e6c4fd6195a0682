/**
 * An integration's settings checked once and completed with the names AWS would give it (API id, domain name,
 * target group ARN), so building an event is only copying.
 */
import { createHash } from 'node:crypto'
import { AWS_REGION } from '../distribution/names.js'
import { LIMITS } from './rules.js'
import { stableId } from './request.js'
import { INTEGRATIONS, type Integration, type IntegrationSettings } from './types.js'

/**
 * A Lambda origin setting that breaks a rule: `code` names the rule, the message the value.
 *
 * @example
 * ```ts
 * try { createIntegration({ integration: 'rest', integrationTimeoutMs: 60_000 }) } catch (e) {
 *   if (e instanceof OriginConfigError) console.error(e.code) // 'IntegrationTimeout'
 * }
 * ```
 */
export class OriginConfigError extends Error {
  override name = 'OriginConfigError'
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** Settings with every default filled in. */
export interface Resolved {
  integration: Integration
  multiValueHeaders: boolean
  region: string
  accountId: string
  name: string
  apiId: string
  stage: string
  stageVariables: Readonly<Record<string, string>> | undefined
  binaryMediaTypes: readonly string[]
  /** REST and HTTP APIs only. */
  integrationTimeoutMs: number | undefined
  /** The API's, function URL's or load balancer's domain name. */
  domainName: string
  /** REST: the proxy resource's id. */
  resourceId: string
  /** ALB: the target group's ARN. */
  targetGroupArn: string
}

const fail = (code: string, message: string): never => {
  throw new OriginConfigError(code, `lambda origin: ${message}`)
}

function timeout(integration: Integration, ms: number | undefined): number | undefined {
  if (integration !== 'rest' && integration !== 'http') {
    if (ms !== undefined) fail('IntegrationTimeout', `an integration timeout applies to API Gateway (rest, http) only; ${integration} waits for the function's own timeout`)
    return undefined
  }
  // REST: "50 milliseconds - 29 seconds"; HTTP API: "Maximum integration timeout 30 seconds" [APIGW-LIMITS].
  const r = integration === 'rest' ? LIMITS.restTimeoutMs : LIMITS.httpTimeoutMs
  if (ms === undefined) return r.max
  if (typeof ms !== 'number' || !(ms >= r.min && ms <= r.max)) fail('IntegrationTimeout', `the ${integration === 'rest' ? 'REST API' : 'HTTP API'} integration timeout must be from ${r.min} ms to ${r.max} ms, got ${String(ms)}`)
  return ms
}

function stageOf(integration: Integration, stage: string | undefined): string {
  const s = stage ?? (integration === 'rest' ? 'prod' : '$default')
  if (integration === 'alb' || integration === 'url') {
    if (stage !== undefined) fail('Stage', `only API Gateway APIs have stages, not ${integration}`)
    return '$default'
  }
  // "Stage names can only contain alphanumeric characters, hyphens, and underscores" (API Gateway important notes);
  // an HTTP API's default stage is `$default`.
  if (typeof s !== 'string' || !(/^[A-Za-z0-9_-]{1,128}$/.test(s) || (integration === 'http' && s === '$default'))) {
    fail('Stage', `stage names can only contain alphanumeric characters, hyphens, and underscores (1 to 128), got ${JSON.stringify(s)}`)
  }
  return s
}

function strings(what: string, v: unknown): void {
  if (v === undefined) return
  if (v === null || typeof v !== 'object') fail('Settings', `${what} must be an object of strings, got ${v === null ? 'null' : typeof v}`)
  for (const [k, x] of Array.isArray(v) ? v.entries() : Object.entries(v as object)) {
    if (typeof x !== 'string') fail('Settings', `${what}[${JSON.stringify(k)}] must be a string, got ${typeof x}`)
  }
}

/**
 * Checks `s` and fills in the defaults; throws {@link OriginConfigError} naming the rule broken.
 *
 * @example
 * ```ts
 * resolveSettings({ integration: 'http' }).stage // '$default'
 * ```
 */
export function resolveSettings(s: IntegrationSettings): Resolved {
  if (s === null || typeof s !== 'object') fail('Settings', `settings must be an object, got ${s === null ? 'null' : typeof s}`)
  const integration = s.integration
  if (!INTEGRATIONS.includes(integration)) fail('Integration', `integration must be one of ${INTEGRATIONS.join(', ')}, got ${JSON.stringify(integration)}`)
  if (s.multiValueHeaders !== undefined && typeof s.multiValueHeaders !== 'boolean') fail('MultiValueHeaders', `multiValueHeaders must be true or false, got ${JSON.stringify(s.multiValueHeaders)}`)
  if (s.multiValueHeaders === true && integration !== 'alb') {
    fail('MultiValueHeaders', `multiValueHeaders is an ALB target group attribute; ${integration} ${integration === 'rest' ? 'always sends multiValueHeaders' : 'combines repeated headers with commas'}`)
  }
  strings('stageVariables', s.stageVariables)
  strings('binaryMediaTypes', s.binaryMediaTypes)
  if (s.stageVariables !== undefined && integration !== 'rest' && integration !== 'http') fail('Stage', `only API Gateway APIs have stage variables, not ${integration}`)
  if (s.binaryMediaTypes !== undefined && integration !== 'rest') fail('BinaryMediaTypes', `binaryMediaTypes is a REST API setting; ${integration} encodes bodies by content type itself`)
  const region = s.region ?? 'us-east-1'
  if (!AWS_REGION.test(region)) fail('Region', `region must look like us-east-1, got ${JSON.stringify(region)}`)
  const accountId = s.accountId ?? '123456789012'
  if (!/^\d{12}$/.test(accountId)) fail('AccountId', `accountId must be 12 digits, got ${JSON.stringify(accountId)}`)
  const name = s.name ?? 'api'
  const apiId = s.apiId ?? stableId(`${integration}:${name}`, integration === 'url' ? 32 : 10)
  // A load balancer's DNS name: `<name>-<digits>.<region>.elb.amazonaws.com` (its name: at most 32 alphanumerics
  // and hyphens, not starting or ending with one).
  const albName = name.replace(/[^A-Za-z0-9-]/g, '-').replace(/^-+|-+$/g, '').slice(0, 32) || 'alb'
  const domainName =
    integration === 'url'
      ? `${apiId}.lambda-url.${region}.on.aws`
      : integration === 'alb'
        ? `${albName}-1234567890.${region}.elb.amazonaws.com`
        : `${apiId}.execute-api.${region}.amazonaws.com`
  return {
    integration,
    multiValueHeaders: s.multiValueHeaders === true,
    region,
    accountId,
    name,
    apiId,
    stage: stageOf(integration, s.stage),
    stageVariables: s.stageVariables,
    binaryMediaTypes: s.binaryMediaTypes ?? [],
    integrationTimeoutMs: timeout(integration, s.integrationTimeoutMs),
    domainName,
    resourceId: stableId(`resource:${name}`, 6),
    // A target group name: at most 32 characters, alphanumerics and hyphens.
    targetGroupArn: `arn:aws:elasticloadbalancing:${region}:${accountId}:targetgroup/${name.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 32)}/${createHash('sha256').update(`tg:${name}`).digest('hex').slice(0, 16)}`,
  }
}
