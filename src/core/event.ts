/**
 * Cheap structural checks of the incoming event, run on every invocation before any middleware [EVT].
 * A malformed event is a clear `EdgeValidationError` (code `InvalidEvent`, or `WrongStage`), never a TypeError.
 */
import { STAGES, type CfEvent, type Stage } from '../cloudfront/types.js'
import { EdgeValidationError } from './errors.js'

type Obj = Record<string, unknown>

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

function fail(path: string, message: string, code = 'InvalidEvent'): never {
  throw new EdgeValidationError([{ code, message: `Invalid Lambda@Edge event: ${path} ${message}`, path }])
}

/** Throws `path must be <what>, got <v>`. Paths are only built on failure (the hot path allocates nothing). */
function bad(v: unknown, path: string, what = 'an object'): never {
  const got =
    v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`
  fail(path, `must be ${what}, got ${got}`)
}

const CF = 'Records[0].cf.'

function strings(o: Obj, path: string, keys: readonly string[]): void {
  for (const k of keys) if (typeof o[k] !== 'string') bad(o[k], `${CF}${path}.${k}`, 'a string')
}

const headersPath = (of: string): string => `${CF}${of}.headers`

function headers(h: unknown, of: string): void {
  if (!isObj(h)) bad(h, headersPath(of), 'an object of lowercase name → [{ key, value }]')
  for (const name in h) {
    const list = h[name]
    if (!Array.isArray(list)) bad(list, `${headersPath(of)}.${name}`, 'an array of { key, value }')
    for (let i = 0; i < list.length; i++) {
      const e = list[i] as unknown
      if (!isObj(e) || typeof e.value !== 'string' || (e.key !== undefined && typeof e.key !== 'string')) bad(e, `${headersPath(of)}.${name}[${i}]`, '{ key?: string, value: string }')
    }
  }
}

const CONFIG_KEYS = ['distributionId', 'distributionDomainName']
const REQUEST_KEYS = ['clientIp', 'method', 'uri', 'querystring']

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
  if (!isObj(event)) bad(event, 'event', 'an object with Records')
  const records = event.Records
  if (!Array.isArray(records) || records.length === 0) bad(records, 'Records', 'a non-empty array')
  const rec = records[0] as unknown
  const cf = isObj(rec) ? rec.cf : undefined
  if (!isObj(cf)) bad(cf, 'Records[0].cf')
  const { config, request: req, response: res } = cf
  if (!isObj(config)) bad(config, CF + 'config')
  const type = config.eventType
  if (type !== stage) {
    const path = CF + 'config.eventType'
    if (STAGES.includes(type as Stage)) fail(path, `is ${String(type)}, but this handler serves ${stage}`, 'WrongStage')
    bad(type, path, `"${stage}"`)
  }
  strings(config, 'config', CONFIG_KEYS)
  // AWS's 2020 sample origin events have no requestId; a handler only logs it (c.requestId is '' then).
  if (config.requestId !== undefined && typeof config.requestId !== 'string') bad(config.requestId, CF + 'config.requestId', 'a string')
  if (!isObj(req)) bad(req, CF + 'request')
  strings(req, 'request', REQUEST_KEYS)
  headers(req.headers, 'request')
  if (stage === 'origin-request') {
    const o = req.origin
    if (!isObj(o) || isObj(o.custom) === isObj(o.s3)) bad(o, CF + 'request.origin', 'an object with exactly one of custom or s3')
  }
  const body = req.body
  if (
    body !== undefined &&
    (!isObj(body) || typeof body.data !== 'string' || (body.encoding !== 'base64' && body.encoding !== 'text') || typeof body.inputTruncated !== 'boolean')
  ) {
    bad(body, CF + 'request.body', '{ inputTruncated: boolean, action, encoding: "base64" | "text", data: string }')
  }
  if (stage === 'origin-response' || stage === 'viewer-response') {
    if (!isObj(res)) bad(res, CF + 'response')
    const status = res.status
    if (typeof status !== 'string' && typeof status !== 'number') bad(status, CF + 'response.status', 'a string like "200"')
    headers(res.headers, 'response')
  }
  return event as unknown as CfEvent
}
