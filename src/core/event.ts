/**
 * Cheap structural checks of the incoming event, run on every invocation before any middleware [EVT].
 * A malformed event is a clear `EdgeValidationError` (code `InvalidEvent`, or `WrongStage`), never a TypeError.
 */
import type { CfEvent, Stage } from '../cloudfront/types.js'
import { EdgeValidationError } from './errors.js'

type Obj = Record<string, unknown>

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`
}

function fail(path: string, message: string, code = 'InvalidEvent'): never {
  throw new EdgeValidationError([{ code, message: `Invalid Lambda@Edge event: ${path} ${message}`, path }])
}

/** `v` must pass `ok`, else `path must be <what>, got <v>`. */
function need(ok: boolean, v: unknown, path: string, what: string): void {
  if (!ok) fail(path, `must be ${what}, got ${describe(v)}`)
}

function strings(o: Obj, path: string, keys: readonly string[]): void {
  for (const k of keys) need(typeof o[k] === 'string', o[k], `${path}.${k}`, 'a string')
}

function headers(h: unknown, path: string): void {
  need(isObj(h), h, path, 'an object of lowercase name → [{ key, value }]')
  for (const name in h as Obj) {
    const list = (h as Obj)[name]
    need(Array.isArray(list), list, `${path}.${name}`, 'an array of { key, value }')
    for (let i = 0; i < (list as unknown[]).length; i++) {
      const e = (list as unknown[])[i]
      need(isObj(e) && typeof e.value === 'string' && (e.key === undefined || typeof e.key === 'string'), e, `${path}.${name}[${i}]`, '{ key?: string, value: string }')
    }
  }
}

const CONFIG_KEYS = ['requestId', 'distributionId', 'distributionDomainName'] as const
const REQUEST_KEYS = ['clientIp', 'method', 'uri', 'querystring'] as const
const STAGE_NAMES: readonly string[] = ['viewer-request', 'origin-request', 'origin-response', 'viewer-response']

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
  need(isObj(event), event, 'event', 'an object with Records')
  const records = (event as Obj).Records
  need(Array.isArray(records) && records.length > 0, records, 'Records', 'a non-empty array')
  const rec = (records as unknown[])[0]
  const cf = isObj(rec) ? rec.cf : undefined
  need(isObj(cf), cf, 'Records[0].cf', 'an object')
  const { config, request: req, response: res } = cf as Obj
  const p = 'Records[0].cf.'
  need(isObj(config), config, p + 'config', 'an object')
  const type = (config as Obj).eventType
  if (type !== stage) {
    if (STAGE_NAMES.includes(type as string)) fail(p + 'config.eventType', `is ${type}, but this handler serves ${stage}`, 'WrongStage')
    need(false, type, p + 'config.eventType', `"${stage}"`)
  }
  strings(config as Obj, p + 'config', CONFIG_KEYS)
  need(isObj(req), req, p + 'request', 'an object')
  strings(req as Obj, p + 'request', REQUEST_KEYS)
  headers((req as Obj).headers, p + 'request.headers')
  if (stage === 'origin-request') {
    const o = (req as Obj).origin
    need(isObj(o) && isObj(o.custom) !== isObj(o.s3), o, p + 'request.origin', 'an object with exactly one of custom or s3')
  }
  const body = (req as Obj).body
  if (body !== undefined) {
    need(
      isObj(body) && typeof body.data === 'string' && (body.encoding === 'base64' || body.encoding === 'text') && typeof body.inputTruncated === 'boolean',
      body,
      p + 'request.body',
      '{ inputTruncated: boolean, action, encoding: "base64" | "text", data: string }',
    )
  }
  if (stage === 'origin-response' || stage === 'viewer-response') {
    need(isObj(res), res, p + 'response', 'an object')
    const status = (res as Obj).status
    need(typeof status === 'string' || typeof status === 'number', status, p + 'response.status', 'a string like "200"')
    headers((res as Obj).headers, p + 'response.headers')
  }
  return event as unknown as CfEvent
}
