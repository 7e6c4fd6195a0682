/**
 * Cheap structural checks of the incoming event, run on every invocation before any middleware [EVT].
 * A malformed event is a clear `EdgeValidationError` (code `InvalidEvent`, or `WrongStage`), never a TypeError.
 */
import type { CfEvent, CfHeaders, Stage } from '../cloudfront/types.js'
import { EdgeValidationError } from './errors.js'

const STAGE_SET: ReadonlySet<string> = new Set(['viewer-request', 'origin-request', 'origin-response', 'viewer-response'])

function fail(path: string, message: string, code = 'InvalidEvent'): never {
  throw new EdgeValidationError([{ code, message: `Invalid Lambda@Edge event: ${message}`, path }])
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`
}

function checkString(obj: Record<string, unknown>, key: string, path: string): void {
  if (typeof obj[key] !== 'string') fail(`${path}.${key}`, `${path}.${key} must be a string, got ${describe(obj[key])}`)
}

function checkHeaders(headers: unknown, path: string): void {
  if (!isObject(headers)) fail(path, `${path} must be an object of lowercase name → [{ key, value }], got ${describe(headers)}`)
  for (const name in headers as CfHeaders) {
    const list = (headers as Record<string, unknown>)[name]
    if (!Array.isArray(list)) fail(`${path}.${name}`, `${path}.${name} must be an array of { key, value }, got ${describe(list)}`)
    for (let i = 0; i < list.length; i++) {
      const h = list[i] as unknown
      if (!isObject(h) || typeof h.value !== 'string' || (h.key !== undefined && typeof h.key !== 'string')) {
        fail(`${path}.${name}[${i}]`, `${path}.${name}[${i}] must be { key?: string, value: string }, got ${describe(h)}`)
      }
    }
  }
}

/**
 * Checks that `event` is a well-formed CloudFront event of `stage`; returns it typed or throws
 * `EdgeValidationError` naming the first bad field.
 *
 * @example
 * ```ts
 * const event = assertEvent(input, 'viewer-request')
 * ```
 */
export function assertEvent(event: unknown, stage: Stage): CfEvent {
  if (!isObject(event)) fail('', `the event must be an object with Records, got ${describe(event)}`)
  const records = event.Records
  if (!Array.isArray(records) || records.length === 0) fail('Records', `Records must be a non-empty array, got ${describe(records)}`)
  const rec = records[0] as unknown
  if (!isObject(rec) || !isObject(rec.cf)) fail('Records[0].cf', `Records[0].cf must be an object, got ${describe(isObject(rec) ? rec.cf : rec)}`)
  const cf = rec.cf as Record<string, unknown>
  const config = cf.config
  if (!isObject(config)) fail('Records[0].cf.config', `Records[0].cf.config must be an object, got ${describe(config)}`)
  const type = config.eventType
  if (type !== stage) {
    if (typeof type === 'string' && STAGE_SET.has(type)) {
      fail('Records[0].cf.config.eventType', `this handler serves ${stage} but got a ${type} event`, 'WrongStage')
    }
    fail('Records[0].cf.config.eventType', `config.eventType must be "${stage}", got ${describe(type)}`)
  }
  checkString(config, 'requestId', 'Records[0].cf.config')
  checkString(config, 'distributionId', 'Records[0].cf.config')
  checkString(config, 'distributionDomainName', 'Records[0].cf.config')
  const req = cf.request
  if (!isObject(req)) fail('Records[0].cf.request', `Records[0].cf.request must be an object, got ${describe(req)}`)
  const rp = 'Records[0].cf.request'
  checkString(req, 'clientIp', rp)
  checkString(req, 'method', rp)
  checkString(req, 'uri', rp)
  checkString(req, 'querystring', rp)
  checkHeaders(req.headers, rp + '.headers')
  if (stage === 'origin-request') {
    const o = req.origin
    if (!isObject(o) || (isObject(o.custom) === isObject(o.s3))) {
      fail(rp + '.origin', `an origin-request event needs request.origin with exactly one of custom or s3, got ${describe(o)}`)
    }
  }
  const body = req.body
  if (body !== undefined) {
    if (
      !isObject(body) ||
      typeof body.data !== 'string' ||
      (body.encoding !== 'base64' && body.encoding !== 'text') ||
      typeof body.inputTruncated !== 'boolean'
    ) {
      fail(rp + '.body', `request.body must be { inputTruncated: boolean, action, encoding: "base64" | "text", data: string }, got ${describe(body)}`)
    }
  }
  if (stage === 'origin-response' || stage === 'viewer-response') {
    const res = cf.response
    if (!isObject(res)) fail('Records[0].cf.response', `a ${stage} event needs Records[0].cf.response, got ${describe(res)}`)
    if (typeof res.status !== 'string' && typeof res.status !== 'number') {
      fail('Records[0].cf.response.status', `response.status must be a string like "200", got ${describe(res.status)}`)
    }
    checkHeaders(res.headers, 'Records[0].cf.response.headers')
  }
  return event as unknown as CfEvent
}
