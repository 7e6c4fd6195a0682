/**
 * Events that did not come from edgeware (a saved event, AWS's samples): which integration sent one, and whether
 * it has the fields that integration always sends, with the right types.
 */
import { describe, isObject } from './result.js'
import type { Integration, JsonObject, OriginRule } from './types.js'

/**
 * The integration an event comes from: `alb` (`requestContext.elb`), `url` or `http` (payload 2.0, told apart by
 * the `.lambda-url.` domain name), `rest` (payload 1.0: `httpMethod` and `resource`); `undefined` otherwise.
 *
 * @example
 * ```ts
 * detectIntegration({ version: '2.0', rawPath: '/', requestContext: { domainName: 'x.lambda-url.us-east-1.on.aws', http: {} } }) // 'url'
 * ```
 */
export function detectIntegration(event: unknown): Integration | undefined {
  if (!isObject(event)) return undefined
  const rc = isObject(event.requestContext) ? event.requestContext : undefined
  if (rc && isObject(rc.elb)) return 'alb'
  if (event.version === '2.0') return typeof rc?.domainName === 'string' && rc.domainName.includes('.lambda-url.') ? 'url' : 'http'
  if (typeof event.httpMethod === 'string' && ('resource' in event || (rc !== undefined && 'resourcePath' in rc))) return 'rest'
  return undefined
}

type Check = (v: unknown) => boolean
const str: Check = (v) => typeof v === 'string'
const bool: Check = (v) => typeof v === 'boolean'
const opt = (c: Check): Check => (v) => v === undefined || v === null || c(v)
const record = (c: Check): Check => (v) => isObject(v) && Object.values(v).every(c)
const list = (c: Check): Check => (v) => Array.isArray(v) && v.every(c)

/** What each integration always sends, by path (`a.b` nested), with the type it has. */
const FIELDS: Record<Integration, [string, Check, string][]> = {
  rest: [
    ['httpMethod', str, 'a string'],
    ['path', str, 'a string'],
    ['headers', opt(record(str)), 'an object of strings or null'],
    ['multiValueHeaders', opt(record(list(str))), 'an object of string arrays or null'],
    ['queryStringParameters', opt(record(str)), 'an object of strings or null'],
    ['multiValueQueryStringParameters', opt(record(list(str))), 'an object of string arrays or null'],
    ['requestContext', isObject, 'an object'],
    ['body', opt(str), 'a string or null'],
    ['isBase64Encoded', opt(bool), 'true or false'],
  ],
  http: [
    ['version', (v) => v === '2.0', '"2.0"'],
    ['rawPath', str, 'a string'],
    ['rawQueryString', str, 'a string'],
    ['headers', record(str), 'an object of strings'],
    ['cookies', opt(list(str)), 'an array of strings'],
    ['requestContext.http.method', str, 'a string'],
    ['body', opt(str), 'a string'],
    ['isBase64Encoded', bool, 'true or false'],
  ],
  url: [],
  alb: [
    ['requestContext.elb', isObject, 'an object'],
    ['httpMethod', str, 'a string'],
    ['path', str, 'a string'],
    ['body', opt(str), 'a string'],
    ['isBase64Encoded', bool, 'true or false'],
  ],
}
FIELDS.url = FIELDS.http

/** Where each event format is documented. */
const EVENT_SOURCE: Record<Integration, string> = { rest: 'APIGW-PROXY', http: 'APIGW-HTTP', url: 'URLS', alb: 'ELB-LAMBDA' }

const at = (o: JsonObject, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), o)

/**
 * The event's problems as `integration` would send it: a missing field or one of the wrong type (`InvalidEvent`,
 * with the path). `[]` for every event AWS publishes for that integration.
 *
 * @example
 * ```ts
 * checkEvent('rest', { httpMethod: 'GET' }) // [{ code: 'InvalidEvent', message: 'path must be a string, got nothing', … }]
 * ```
 */
export function checkEvent(integration: Integration, event: unknown): OriginRule[] {
  const problems: OriginRule[] = []
  const source = EVENT_SOURCE[integration]
  const add = (path: string, message: string): void => void problems.push({ code: 'InvalidEvent', message, source, path })
  if (!isObject(event)) {
    add('', `a ${integration} event must be an object, got ${describe(event)}`)
    return problems
  }
  for (const [path, ok, what] of FIELDS[integration]) {
    const v = at(event, path)
    if (!ok(v)) add(path, `${path} must be ${what}, got ${v === undefined ? 'nothing' : describe(v)}`)
  }
  if (integration === 'alb' && !isObject(event.headers) && !isObject(event.multiValueHeaders)) {
    add('headers', 'an ALB event has headers (multi-value headers disabled) or multiValueHeaders (enabled), got neither')
  }
  return problems
}
