/**
 * The response-stage context (origin-response, viewer-response): the read-only request and the writable response.
 */
import type { LimitsProfile } from '../cloudfront/limits.js'
import { assertHeaderValue, statusText } from '../cloudfront/rules.js'
import type { CfEvent, CfResponse, LambdaContext, ResponseStage } from '../cloudfront/types.js'
import { BaseCtx } from './base.js'
import { kind, ruleError } from './errors.js'
import { CfHeaderMap } from './headers.js'
import { ORIGIN_RESPONSE_READ_ONLY, VIEWER_RESPONSE_READ_ONLY } from './read-only.js'
import { RequestView } from './request.js'
import { assertStatus, generatedResponseBytes, toBase64 } from './response.js'
import type { EdgeResponse, EdgeResponseInit } from './types.js'

/** The response in origin-response / viewer-response. */
export class ResponseView implements EdgeResponse {
  readonly raw: CfResponse
  readonly headers: CfHeaderMap
  readonly #stage: ResponseStage
  readonly #limits: LimitsProfile

  constructor(raw: CfResponse, stage: ResponseStage, limits: LimitsProfile) {
    this.raw = raw
    this.#stage = stage
    this.#limits = limits
    this.headers = new CfHeaderMap(raw.headers, stage, stage === 'viewer-response' ? VIEWER_RESPONSE_READ_ONLY : ORIGIN_RESPONSE_READ_ONLY)
  }

  get status(): number {
    return Number(this.raw.status)
  }
  // [RLE]: viewer-response can't change the status; origin-response may set 200–599 [UPD]
  set status(value: number) {
    if (this.#stage === 'viewer-response') {
      if (value === Number(this.raw.status)) return
      // not a number at all: named as such (and never stringified: any object may come in)
      assertStatus(value, this.#stage)
      ruleError('StatusChanged', `a viewer-response function can't change the status (${this.raw.status} → ${value})`, value, this.#stage)
    }
    assertStatus(value, this.#stage)
    if (value === 204 && this.raw.body !== undefined) {
      ruleError('BodyOn204', 'the response has a body; remove it (c.response.body = undefined) before setting status 204', value, this.#stage)
    }
    this.raw.status = String(value)
    const text = statusText(value)
    if (text !== '') this.raw.statusDescription = text
  }

  get statusDescription(): string {
    return this.raw.statusDescription ?? ''
  }
  set statusDescription(value: string) {
    assertHeaderValue('statusDescription', value, this.#stage)
    this.raw.statusDescription = value
  }

  get body(): string | Uint8Array | undefined {
    const b = this.raw.body
    if (b === undefined) return undefined
    if (this.raw.bodyEncoding === 'base64') {
      const buf = Buffer.from(b, 'base64')
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
    }
    return b
  }
  // [UPD]: only origin-response may replace the body ('' removes it); viewer-response body changes are unsupported [RLE]
  set body(value: string | Uint8Array | undefined) {
    if (this.#stage !== 'origin-response') {
      ruleError('BodyNotAllowed', `only an origin-response function can set the response body, not ${this.#stage}`, value, this.#stage)
    }
    if (value === undefined) {
      delete this.raw.body
      delete this.raw.bodyEncoding
      return
    }
    let body: string
    let encoding: 'text' | 'base64'
    if (typeof value === 'string') {
      body = value
      encoding = 'text'
    } else if (value instanceof Uint8Array) {
      body = toBase64(value)
      encoding = 'base64'
    } else {
      ruleError('InvalidBody', `a response body must be a string, a Uint8Array or undefined, got ${kind(value)}`, value, this.#stage)
    }
    if (this.raw.status === '204') {
      ruleError('BodyOn204', 'a 204 response must not carry a body (not even an empty one)', value, this.#stage)
    }
    // [QUO]: a replaced origin-response body counts against the origin-facing generated-response limit (1 MB)
    const max = this.#limits.generatedResponseBytes['origin-request']
    const size = generatedResponseBytes({ headers: this.raw.headers, body })
    if (size > max) {
      ruleError('ResponseTooLarge', `the response would be ${size} bytes (headers + body), over the origin-response limit of ${max} bytes`, size, this.#stage)
    }
    this.raw.body = body
    this.raw.bodyEncoding = encoding
  }
}

/** origin-response / viewer-response context. */
export class ResponseCtx<S extends ResponseStage = ResponseStage> extends BaseCtx<S> {
  readonly request: RequestView
  readonly response: ResponseView

  constructor(stage: S, event: CfEvent, lambdaContext: LambdaContext, limits: LimitsProfile, marginMs: number) {
    super(stage, event, lambdaContext, limits, marginMs)
    const cf = event.Records[0]!.cf
    this.request = new RequestView(cf.request, stage, 'read-only')
    this.response = new ResponseView(cf.response!, stage, limits)
  }
}

/**
 * Applies an onError response init to a response stage's (restored) response: origin-response takes status, headers
 * and body; viewer-response only headers (CloudFront forbids status and body changes there [RLE]).
 * @internal
 */
export function applyToResponse(stage: ResponseStage, res: CfResponse, init: EdgeResponseInit, limits: LimitsProfile): CfResponse {
  const view = new ResponseView(res, stage, limits)
  if (stage === 'origin-response') {
    view.status = init.status
    if (init.statusDescription !== undefined) view.statusDescription = init.statusDescription
    if (init.body !== undefined) view.body = init.body
  }
  if (init.headers !== undefined) for (const name in init.headers) view.headers.set(name, init.headers[name]!)
  return res
}
