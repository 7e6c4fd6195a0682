/**
 * Building generated responses (request stages) and measuring them against CloudFront's limits [GEN], [QUO].
 */
import type { LimitsProfile } from '../cloudfront/limits.js'
import { assertHeaderValue, statusText } from '../cloudfront/rules.js'
import type { CfHeaders, CfResultResponse, RequestStage, Stage } from '../cloudfront/types.js'
import { kind, ruleError } from './errors.js'
import { CfHeaderMap, checkHeaderWrite } from './headers.js'
import type { EdgeGeneratedResponse, EdgeResponseInit } from './types.js'

/**
 * Throws `EdgeRuleError('InvalidStatus')` unless `status` is an integer in 200–599 [GEN].
 * @internal
 */
export function assertStatus(status: unknown, stage?: Stage): asserts status is number {
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) {
    ruleError('InvalidStatus', `status must be an integer from 200 to 599, got ${JSON.stringify(status) ?? String(status)}`, status, stage)
  }
}

/**
 * Bytes of a generated response as CloudFront counts them: every header name and value plus the body [GEN], [ISS-1MB].
 * @internal
 */
export function generatedResponseBytes(res: { headers?: CfHeaders; body?: string }): number {
  let n = 0
  const headers = res.headers
  if (headers !== undefined) {
    for (const name in headers) {
      const list = headers[name]!
      for (let i = 0; i < list.length; i++) {
        n += byteLength(name) + byteLength(list[i]!.value)
      }
    }
  }
  if (typeof res.body === 'string') n += byteLength(res.body)
  return n
}

/** UTF-8 byte length (a lone surrogate counts as U+FFFD, 3 bytes); Node's own counter, no allocation. */
export function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8')
}

/** Base64 of bytes (Node's Buffer: the Lambda runtime is Node.js). */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}

/**
 * Builds a CloudFront generated response from an init, checked against the stage's rules:
 * status 200–599 [GEN], header names/values [RALL], no body with 204 [ISS-204], size ≤ the stage limit [GEN], [QUO].
 * @internal
 */
export function buildGeneratedResponse(stage: RequestStage, limits: LimitsProfile, init: EdgeResponseInit): CfResultResponse {
  if (init === null || typeof init !== 'object') {
    ruleError('InvalidResponse', `a response init must be an object, got ${kind(init)}`, init, stage)
  }
  const status = init.status
  assertStatus(status, stage)
  const res: CfResultResponse = { status: String(status), statusDescription: init.statusDescription ?? statusText(status), headers: {} }
  if (init.statusDescription !== undefined) assertHeaderValue('statusDescription', init.statusDescription, stage)
  const map = new CfHeaderMap(res.headers!, stage, 'generated')
  const headers = init.headers
  if (headers !== undefined) {
    if (headers === null || typeof headers !== 'object') {
      ruleError('InvalidHeaders', `response headers must be a plain object of name → value(s)`, headers, stage)
    }
    for (const name in headers) {
      const v = headers[name]
      // append checks the name and each value (a non-string throws InvalidHeaderValue); a name with no values is
      // checked on its own
      if (!Array.isArray(v)) map.append(name, v as string)
      else if (v.length === 0) checkHeaderWrite('generated', stage, name)
      else for (const one of v) map.append(name, one as string)
    }
  }
  const body = init.body
  if (body !== undefined) {
    if (status === 204) {
      ruleError('BodyOn204', 'a 204 response must not carry a body (not even an empty one)', status, stage)
    }
    if (typeof body === 'string') {
      res.bodyEncoding = 'text'
      res.body = body
    } else if (body instanceof Uint8Array) {
      res.bodyEncoding = 'base64'
      res.body = toBase64(body)
    } else {
      ruleError('InvalidBody', `a response body must be a string or a Uint8Array, got ${typeof body}`, body, stage)
    }
  }
  assertGeneratedSize(stage, limits, res)
  return res
}

/**
 * Throws `EdgeRuleError('ResponseTooLarge')` when headers + body exceed the stage's generated-response limit [GEN], [QUO].
 * @internal
 */
export function assertGeneratedSize(stage: RequestStage, limits: LimitsProfile, res: CfResultResponse): void {
  const max = limits.generatedResponseBytes[stage]
  const size = generatedResponseBytes(res)
  if (size > max) {
    ruleError(
      'ResponseTooLarge',
      `the generated response is ${size} bytes (headers + body), over the ${stage} limit of ${max} bytes`,
      size,
      stage,
    )
  }
}

/** The generated response a request-stage middleware sees after a responder ran. */
export class GeneratedResponse implements EdgeGeneratedResponse {
  readonly raw: CfResultResponse
  readonly #stage: RequestStage
  #headers: CfHeaderMap | undefined

  constructor(raw: CfResultResponse, stage: RequestStage) {
    this.raw = raw
    this.#stage = stage
  }

  /** Created on first use. */
  get headers(): CfHeaderMap {
    return (this.#headers ??= new CfHeaderMap((this.raw.headers ??= {}), this.#stage, 'generated'))
  }

  get status(): number {
    return Number(this.raw.status)
  }
}
