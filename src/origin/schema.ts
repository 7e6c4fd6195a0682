/**
 * The origin table's schema: key names, DynamoDB (un)marshalling, item → rule parsing, and rule → CloudFront
 * origin compilation with CloudFront's defaults. Validation of the origin itself is CloudFront's origin rules
 * (`originViolations`, src/cloudfront/origin-rules.ts); this module adds the table-level checks.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb'
import type { Violation } from '../core/errors.js'
import { EdgeRuleError } from '../core/errors.js'
import type { LimitsProfile } from '../cloudfront/limits.js'
import { originViolations } from '../cloudfront/origin-rules.js'
import { canonicalHeaderKey, hasInvalidHeaderValueChar, isReadOnlyHeader } from '../cloudfront/rules.js'
import type { CfHeaders, CfOrigin } from '../cloudfront/types.js'
import type { OriginRule, OriginTarget } from './types.js'

/**
 * Partition key attribute of the origin table.
 *
 * @example
 * ```ts
 * const key = { [HOST_KEY]: { S: 'a.example.com' }, [PREFIX_KEY]: { S: '/' } }
 * ```
 */
export const HOST_KEY = 'host'
/**
 * Sort key attribute of the origin table.
 *
 * @example
 * ```ts
 * item[PREFIX_KEY] // { S: '/api' }
 * ```
 */
export const PREFIX_KEY = 'pathPrefix'
/**
 * The origin table's keys, as DynamoDB's CreateTable and CloudFormation's table resources take them: `host`
 * (S, HASH) and `pathPrefix` (S, RANGE).
 *
 * @example
 * ```ts
 * new CreateTableCommand({ TableName: 'edge-origins', ...ORIGIN_TABLE_KEYS, BillingMode: 'PAY_PER_REQUEST' })
 * ```
 */
export const ORIGIN_TABLE_KEYS = {
  AttributeDefinitions: [
    { AttributeName: HOST_KEY, AttributeType: 'S' },
    { AttributeName: PREFIX_KEY, AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: HOST_KEY, KeyType: 'HASH' },
    { AttributeName: PREFIX_KEY, KeyType: 'RANGE' },
  ],
} as const

/**
 * The host whose rules apply when the request's host has no matching rule.
 *
 * @example
 * ```ts
 * await putRules(client, 'edge-origins', [{ host: FALLBACK_HOST, pathPrefix: '/', type: 'custom', domainName: 'default.example.net' }])
 * ```
 */
export const FALLBACK_HOST = '*'

/**
 * A DynamoDB item in the low-level wire format.
 *
 * @example
 * ```ts
 * const item: DynamoItem = { host: { S: '*' }, pathPrefix: { S: '/' } }
 * ```
 */
export type DynamoItem = Record<string, AttributeValue>

/**
 * Converts a plain JS value to a DynamoDB attribute value (strings, finite numbers, booleans, null, arrays, plain objects).
 *
 * @example
 * ```ts
 * marshallValue({ port: 443 }) // { M: { port: { N: '443' } } }
 * ```
 */
export function marshallValue(value: unknown): AttributeValue {
  if (typeof value === 'string') return { S: value }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot store the non-finite number ${value} in DynamoDB`)
    return { N: String(value) }
  }
  if (typeof value === 'boolean') return { BOOL: value }
  if (value === null) return { NULL: true }
  if (Array.isArray(value)) return { L: value.map(marshallValue) }
  if (typeof value === 'object') {
    const M: Record<string, AttributeValue> = {}
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined) M[k] = marshallValue(v)
    return { M }
  }
  throw new TypeError(`cannot store a ${typeof value} in DynamoDB`)
}

/**
 * Converts a DynamoDB attribute value to a plain JS value (N → number, SS/NS → arrays, M → object).
 *
 * @example
 * ```ts
 * unmarshallValue({ L: [{ S: 'TLSv1.2' }] }) // ['TLSv1.2']
 * ```
 */
export function unmarshallValue(av: AttributeValue): unknown {
  if (av.S !== undefined) return av.S
  if (av.N !== undefined) return Number(av.N)
  if (av.BOOL !== undefined) return av.BOOL
  if (av.NULL !== undefined) return null
  if (av.L !== undefined) return av.L.map(unmarshallValue)
  if (av.M !== undefined) return unmarshallItem(av.M)
  if (av.SS !== undefined) return [...av.SS]
  if (av.NS !== undefined) return av.NS.map(Number)
  if (av.B !== undefined) return av.B
  if (av.BS !== undefined) return [...av.BS]
  return undefined
}

/**
 * Converts a whole item from the wire format to a plain object.
 *
 * @example
 * ```ts
 * unmarshallItem({ host: { S: '*' } }) // { host: '*' }
 * ```
 */
export function unmarshallItem(item: DynamoItem): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(item)) out[k] = unmarshallValue(item[k]!)
  return out
}

/**
 * Converts a rule to a DynamoDB item (undefined fields left out).
 *
 * @example
 * ```ts
 * ruleToItem({ host: '*', pathPrefix: '/', type: 'custom', domainName: 'example.org' })
 * ```
 */
export function ruleToItem(rule: OriginRule): DynamoItem {
  const item: DynamoItem = {}
  for (const [k, v] of Object.entries(rule)) if (v !== undefined) item[k] = marshallValue(v)
  return item
}

const str = (v: unknown): v is string => typeof v === 'string'
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/**
 * Table-level checks of one item (key shape and attribute types); CloudFront's origin rules are checked on the
 * compiled origin by `ruleViolations`. Returns [] when the item has the shape of a rule.
 *
 * @example
 * ```ts
 * itemShapeViolations({ host: 'a.com', pathPrefix: 'x', type: 'custom', domainName: 'b.com' })
 * // [{ code: 'InvalidPathPrefix', … }]
 * ```
 */
export function itemShapeViolations(item: Record<string, unknown>): Violation[] {
  const out: Violation[] = []
  const bad = (code: string, path: string, message: string) => out.push({ code, path, message })
  const { host, pathPrefix, type } = item
  if (!str(host) || host.length === 0) bad('InvalidHost', 'host', `host must be a non-empty string, got ${JSON.stringify(host)}`)
  else if (host !== FALLBACK_HOST && (host !== host.toLowerCase() || /[:/\s]/.test(host) || host.length > 253)) {
    bad('InvalidHost', 'host', `host must be a lowercase host name without port or path (or "*"), got ${JSON.stringify(host)}`)
  }
  if (!str(pathPrefix) || !pathPrefix.startsWith('/')) {
    bad('InvalidPathPrefix', 'pathPrefix', `pathPrefix must be a string starting with "/", got ${JSON.stringify(pathPrefix)}`)
  }
  if (type !== 'custom' && type !== 's3') bad('InvalidOriginType', 'type', `type must be "custom" or "s3", got ${JSON.stringify(type)}`)
  if (!str(item.domainName)) bad('InvalidDomainName', 'domainName', `domainName must be a string, got ${JSON.stringify(item.domainName)}`)
  for (const f of ['port', 'readTimeout', 'keepaliveTimeout', 'responseCompletionTimeout'] as const) {
    if (item[f] !== undefined && !num(item[f])) bad('InvalidNumber', f, `${f} must be a number, got ${JSON.stringify(item[f])}`)
  }
  for (const f of ['protocol', 'path', 'region', 'authMethod'] as const) {
    if (item[f] !== undefined && !str(item[f])) bad('InvalidString', f, `${f} must be a string, got ${JSON.stringify(item[f])}`)
  }
  if (item.sslProtocols !== undefined && !(Array.isArray(item.sslProtocols) && item.sslProtocols.every(str))) {
    bad('InvalidSslProtocols', 'sslProtocols', `sslProtocols must be a list of strings, got ${JSON.stringify(item.sslProtocols)}`)
  }
  const ch = item.customHeaders
  if (ch !== undefined) {
    if (ch === null || typeof ch !== 'object' || Array.isArray(ch)) {
      bad('InvalidCustomHeaders', 'customHeaders', `customHeaders must be a map of name to value, got ${JSON.stringify(ch)}`)
    } else {
      for (const [k, v] of Object.entries(ch)) {
        if (!str(v)) bad('InvalidCustomHeaders', `customHeaders.${k}`, `custom header ${k} must have a string value, got ${JSON.stringify(v)}`)
        // The request keeps its own copy of these and it can't be removed in origin-request [RALL].
        else if (isReadOnlyHeader('origin-request', k.toLowerCase())) {
          bad('InvalidCustomHeaders', `customHeaders.${k}`, `custom header ${k} is read-only in origin-request and can't be sent as an origin custom header`)
        }
      }
    }
  }
  if (item.hostHeader !== undefined) {
    if (!isHostHeaderValue(item.hostHeader)) {
      bad('InvalidHostHeader', 'hostHeader', `hostHeader must be a host name (no spaces, slashes or control characters), got ${JSON.stringify(item.hostHeader)}`)
    }
  }
  return out
}

/**
 * Whether a value can be sent as the Host header of a rule or fallback: a non-empty string without spaces,
 * slashes or control characters.
 *
 * @example
 * ```ts
 * isHostHeaderValue('blog.example.com') // true
 * isHostHeaderValue('a.com/x')          // false
 * ```
 */
export function isHostHeaderValue(v: unknown): v is string {
  return str(v) && v.length > 0 && !hasInvalidHeaderValueChar(v) && !/\s|\//.test(v)
}

/** `bucket.s3.eu-west-1.amazonaws.com` / `bucket.s3-eu-west-1.amazonaws.com` → `eu-west-1`. */
function regionFromBucketDomain(domain: string): string {
  const m = /\.s3[.-]([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com$/.exec(domain)
  return m ? m[1]! : 'us-east-1'
}

function toCfHeaders(map: Record<string, string> | undefined): CfHeaders {
  const out: CfHeaders = {}
  if (!map) return out
  for (const [name, value] of Object.entries(map)) out[name.toLowerCase()] = [{ key: canonicalKeyOrOriginal(name), value }]
  return out
}

/** Keep the user's casing when they wrote a mixed-case name; canonicalise an all-lowercase one. */
function canonicalKeyOrOriginal(name: string): string {
  return name === name.toLowerCase() ? canonicalHeaderKey(name) : name
}

/**
 * Builds the CloudFront `request.origin` for a rule (or a fallback target), filling CloudFront's defaults.
 * Does not validate: see `ruleViolations`.
 *
 * @example
 * ```ts
 * toCfOrigin({ type: 'custom', domainName: 'localhost', protocol: 'http' })
 * // { custom: { domainName: 'localhost', port: 80, protocol: 'http', path: '', sslProtocols: ['TLSv1.2'],
 * //             readTimeout: 30, keepaliveTimeout: 5, customHeaders: {} } }
 * ```
 */
export function toCfOrigin(rule: OriginTarget): CfOrigin {
  if (rule.type === 's3') {
    const s3: CfOrigin & { s3: object } = {
      s3: {
        authMethod: rule.authMethod ?? 'none',
        customHeaders: toCfHeaders(rule.customHeaders),
        domainName: rule.domainName,
        path: rule.path ?? '',
        region: rule.region ?? regionFromBucketDomain(rule.domainName),
      },
    }
    if (rule.readTimeout !== undefined) s3.s3.readTimeout = rule.readTimeout
    if (rule.responseCompletionTimeout !== undefined) s3.s3.responseCompletionTimeout = rule.responseCompletionTimeout
    return s3
  }
  const protocol = rule.protocol ?? 'https'
  const custom: CfOrigin & { custom: object } = {
    custom: {
      customHeaders: toCfHeaders(rule.customHeaders),
      domainName: rule.domainName,
      keepaliveTimeout: rule.keepaliveTimeout ?? 5,
      path: rule.path ?? '',
      port: rule.port ?? (protocol === 'http' ? 80 : 443),
      protocol,
      readTimeout: rule.readTimeout ?? 30,
      sslProtocols: rule.sslProtocols ? [...rule.sslProtocols] : ['TLSv1.2'],
    },
  }
  if (rule.responseCompletionTimeout !== undefined) custom.custom.responseCompletionTimeout = rule.responseCompletionTimeout
  return custom
}

/**
 * Everything wrong with an item as a routing rule: table-level shape, then CloudFront's origin rules on the
 * origin it compiles to (with CloudFront's defaults filled in). [] = a valid rule.
 *
 * @example
 * ```ts
 * ruleViolations({ host: 'a.com', pathPrefix: '/', type: 'custom', domainName: '10.0.0.1' })
 * // [{ code: 'InvalidOrigin', path: 'origin.custom.domainName', … }]
 * ```
 */
export function ruleViolations(item: Record<string, unknown>, limits?: LimitsProfile): Violation[] {
  return compileItem(item, limits).violations
}

/**
 * `ruleViolations` plus the origin the item compiles to (built once: the rule cache keeps it). `origin` is
 * undefined when the item doesn't have the shape of a rule.
 *
 * @example
 * ```ts
 * const { origin, violations } = compileItem(unmarshallItem(raw), limits.classic)
 * ```
 */
export function compileItem(item: Record<string, unknown>, limits?: LimitsProfile): { origin: CfOrigin | undefined; violations: Violation[] } {
  const shape = itemShapeViolations(item)
  if (shape.length > 0) return { origin: undefined, violations: shape }
  const origin = toCfOrigin(item as unknown as OriginRule)
  return { origin, violations: originViolations(origin, limits, 'origin') }
}

/**
 * Violations as one line for logs and errors: `code at path: message; …`.
 *
 * @example
 * ```ts
 * describeViolations(ruleViolations(item)) // 'InvalidOrigin at origin.custom.port: …'
 * ```
 */
export function describeViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.code} at ${v.path ?? '?'}: ${v.message}`).join('; ')
}

/**
 * Parses and validates a plain object as a rule; throws `EdgeRuleError('InvalidOriginItem', …)` naming the item
 * (`host` + `pathPrefix`), every rule broken and the bad values.
 *
 * @example
 * ```ts
 * const rule = parseRule(JSON.parse(text)) // throws on an invalid item
 * ```
 */
export function parseRule(item: Record<string, unknown>, limits?: LimitsProfile): OriginRule {
  const v = ruleViolations(item, limits)
  if (v.length > 0) throw new EdgeRuleError('InvalidOriginItem', `item ${describeItem(item)}: ${v.map((x) => `${x.path ?? ''} ${x.message}`.trim()).join('; ')}`, item)
  return item as unknown as OriginRule
}

/**
 * `host="a.com" pathPrefix="/x"` for messages.
 *
 * @example
 * ```ts
 * describeItem({ host: 'a.com', pathPrefix: '/x' }) // 'host="a.com" pathPrefix="/x"'
 * ```
 */
export function describeItem(item: Record<string, unknown>): string {
  return `host=${JSON.stringify(item.host)} pathPrefix=${JSON.stringify(item.pathPrefix)}`
}
