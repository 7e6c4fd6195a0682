/**
 * The origin modification helpers of the `cloudfront` module (runtime 2.0, viewer-request only) [ORIG], [DT]:
 * what each call may carry. CloudFront checks them after the function returns: a bad one is a 502
 * (`FunctionValidationError`), as is passing `hostHeader` while origin access control is on [OBS-502].
 */
import type { Violation } from '../core/errors.js'
import { CUSTOM_HEADER_DENY, CUSTOM_HEADER_DENY_PREFIXES, hasInvalidHeaderValueChar, isValidHeaderName } from './rules.js'
import { isObject, show } from './show.js'

/**
 * One call of an origin helper, in the order the function made them (the last one decides the origin).
 *
 * @example
 * ```ts
 * const change: FunctionOriginChange = { helper: 'selectRequestOriginById', originId: 'eu-bucket' }
 * ```
 */
export type FunctionOriginChange =
  | { helper: 'updateRequestOrigin'; params: Record<string, unknown> }
  | { helper: 'selectRequestOriginById'; originId: string }
  | { helper: 'createRequestOriginGroup'; params: Record<string, unknown> }

/**
 * Status codes an origin group can fail over on (CloudFront's origin failover set).
 *
 * @example
 * ```ts
 * FAILOVER_STATUS_CODES.has(503) // true
 * ```
 */
export const FAILOVER_STATUS_CODES: ReadonlySet<number> = new Set([400, 403, 404, 416, 500, 502, 503, 504])

const CODE = 'InvalidOriginChange'
const DNS_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/
const SSL = new Set(['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2'])
const UPDATE_KEYS = new Set(['domainName', 'originPath', 'customHeaders', 'connectionAttempts', 'originShield', 'originAccessControlConfig', 'timeouts', 'customOriginConfig', 'hostHeader'])

type Push = (path: string, message: string) => void

function intIn(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
}

/** A value for a message; a list with its items (`show` alone says "an array"). */
function shown(v: unknown): string {
  return Array.isArray(v) && v.length <= 10 ? `[${v.map(show).join(', ')}]` : show(v)
}

function oneOf(v: unknown, allowed: readonly string[], path: string, push: Push): void {
  if (typeof v !== 'string' || !allowed.includes(v)) push(path, `must be one of ${allowed.join(', ')}, got ${show(v)}`)
}

function checkCustomHeaders(h: unknown, path: string, push: Push): void {
  if (!isObject(h)) return push(path, `must be an object of header name → string, got ${show(h)}`)
  for (const name in h) {
    const lower = name.toLowerCase()
    if (!isValidHeaderName(name)) push(`${path}.${name}`, `${show(name)} is not a valid HTTP header name`)
    else if (CUSTOM_HEADER_DENY.has(lower) || CUSTOM_HEADER_DENY_PREFIXES.some((p) => lower.startsWith(p))) push(`${path}.${name}`, `${name} can't be sent as an origin custom header`)
    const v = h[name]
    if (typeof v !== 'string' || hasInvalidHeaderValueChar(v)) push(`${path}.${name}`, `must be a string without control characters, got ${show(v)}`)
  }
}

function checkUpdate(p: Record<string, unknown>, push: Push): void {
  for (const k in p) if (!UPDATE_KEYS.has(k)) push(k, `is not an updateRequestOrigin parameter (known: ${[...UPDATE_KEYS].join(', ')})`)
  if (p.domainName !== undefined && (typeof p.domainName !== 'string' || p.domainName.length > 253 || !DNS_NAME.test(p.domainName))) push('domainName', `must be a domain name, got ${show(p.domainName)}`)
  const op = p.originPath
  if (op !== undefined && (typeof op !== 'string' || (op !== '' && (op[0] !== '/' || op.endsWith('/'))) || op.length > 255)) {
    push('originPath', `must be "" or a path starting with / and not ending with /, got ${show(op)}`)
  }
  if (p.customHeaders !== undefined) checkCustomHeaders(p.customHeaders, 'customHeaders', push)
  if (p.connectionAttempts !== undefined && !intIn(p.connectionAttempts, 1, 3)) push('connectionAttempts', `must be an integer from 1 to 3, got ${show(p.connectionAttempts)}`)
  const sh = p.originShield
  if (sh !== undefined) {
    if (!isObject(sh) || typeof sh.enabled !== 'boolean') push('originShield', `must be { enabled: boolean, region }, got ${show(sh)}`)
    else if (sh.enabled && typeof sh.region !== 'string') push('originShield.region', `is required when Origin Shield is enabled, got ${show(sh.region)}`)
  }
  const oac = p.originAccessControlConfig
  if (oac !== undefined) {
    if (!isObject(oac) || typeof oac.enabled !== 'boolean') push('originAccessControlConfig', `must be { enabled: boolean, … }, got ${show(oac)}`)
    else if (oac.enabled) {
      oneOf(oac.signingBehavior, ['always', 'never', 'no-override'], 'originAccessControlConfig.signingBehavior', push)
      oneOf(oac.signingProtocol, ['sigv4'], 'originAccessControlConfig.signingProtocol', push)
      oneOf(oac.originType, ['s3', 'mediapackagev2', 'mediastore', 'lambda'], 'originAccessControlConfig.originType', push)
      if (p.hostHeader !== undefined) push('hostHeader', "can't be set while origin access control is enabled")
    }
  }
  if (p.hostHeader !== undefined && typeof p.hostHeader !== 'string') push('hostHeader', `must be a string, got ${show(p.hostHeader)}`)
  const t = p.timeouts
  if (t !== undefined) {
    if (!isObject(t)) push('timeouts', `must be an object, got ${show(t)}`)
    else {
      if (t.readTimeout !== undefined && !intIn(t.readTimeout, 1, 60)) push('timeouts.readTimeout', `must be an integer from 1 to 60, got ${show(t.readTimeout)}`)
      if (t.keepAliveTimeout !== undefined && !intIn(t.keepAliveTimeout, 1, 60)) push('timeouts.keepAliveTimeout', `must be an integer from 1 to 60, got ${show(t.keepAliveTimeout)}`)
      if (t.connectionTimeout !== undefined && !intIn(t.connectionTimeout, 1, 10)) push('timeouts.connectionTimeout', `must be an integer from 1 to 10, got ${show(t.connectionTimeout)}`)
    }
  }
  const c = p.customOriginConfig
  if (c !== undefined) {
    if (!isObject(c)) return push('customOriginConfig', `must be an object { port, protocol, sslProtocols }, got ${show(c)}`)
    if (!intIn(c.port, 1, 65535)) push('customOriginConfig.port', `must be a port number, got ${show(c.port)}`)
    oneOf(c.protocol, ['http', 'https'], 'customOriginConfig.protocol', push)
    const ssl = c.sslProtocols
    if (!Array.isArray(ssl) || ssl.length === 0 || !ssl.every((s) => typeof s === 'string' && SSL.has(s))) {
      push('customOriginConfig.sslProtocols', `must be a non-empty list of ${[...SSL].join(', ')}, got ${shown(ssl)}`)
    }
  }
}

function checkGroup(p: Record<string, unknown>, known: ReadonlySet<string> | undefined, push: Push): void {
  const ids = p.originIds
  if (!Array.isArray(ids) || ids.length !== 2 || !ids.every((i) => typeof i === 'string' && i !== '')) push('originIds', `must be two origin ids [primary, secondary], got ${shown(ids)}`)
  else if (known !== undefined) for (const id of ids as string[]) if (!known.has(id)) push('originIds', `${show(id)} is not an origin of the distribution`)
  if (p.selectionCriteria !== undefined) oneOf(p.selectionCriteria, ['default', 'media-quality-score'], 'selectionCriteria', push)
  const fc = p.failoverCriteria
  const codes = isObject(fc) ? fc.statusCodes : undefined
  if (!Array.isArray(codes) || codes.length === 0 || !codes.every((s) => typeof s === 'number' && FAILOVER_STATUS_CODES.has(s))) {
    push('failoverCriteria.statusCodes', `must be a non-empty list of ${[...FAILOVER_STATUS_CODES].join(', ')}, got ${shown(codes)}`)
  }
}

/**
 * Every rule the origin helper calls of one run break. `eventType` other than viewer-request makes any call a
 * violation; `originIds`, when given (the distribution's origin ids), is what `selectRequestOriginById` and
 * `createRequestOriginGroup` may name.
 *
 * @example
 * ```ts
 * originChangeViolations('viewer-request', [{ helper: 'updateRequestOrigin', params: { connectionAttempts: 5 } }])[0].code
 * // 'InvalidOriginChange'
 * ```
 */
export function originChangeViolations(eventType: string, changes: readonly FunctionOriginChange[], originIds?: readonly string[]): Violation[] {
  const out: Violation[] = []
  if (changes.length === 0) return out
  if (eventType !== 'viewer-request') {
    return [{ code: 'OriginChangeNotAllowed', message: `${changes[0]!.helper}() works in viewer-request functions only, not ${eventType}`, path: changes[0]!.helper }]
  }
  const known = originIds !== undefined ? new Set(originIds) : undefined
  for (const ch of changes) {
    const push: Push = (path, message) => void out.push({ code: CODE, message: `${ch.helper}(): ${path} ${message}`, path: `${ch.helper}.${path}` })
    if (ch.helper === 'selectRequestOriginById') {
      if (typeof ch.originId !== 'string' || ch.originId === '') push('originId', `must be a non-empty string, got ${show(ch.originId)}`)
      else if (known !== undefined && !known.has(ch.originId)) push('originId', `${show(ch.originId)} is not an origin of the distribution`)
    } else if (!isObject(ch.params)) push('params', `must be an object, got ${show(ch.params)}`)
    else if (ch.helper === 'updateRequestOrigin') checkUpdate(ch.params, push)
    else checkGroup(ch.params, known, push)
  }
  return out
}
