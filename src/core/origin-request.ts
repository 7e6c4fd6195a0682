/**
 * The origin-request request: adds `origin`, validated with `assertOrigin` on set. Its own module so that
 * viewer-stage bundles don't carry the origin rules.
 */
import type { LimitsProfile } from '../cloudfront/limits.js'
import { assertOrigin } from '../cloudfront/origin-rules.js'
import type { CfOrigin, CfRequest } from '../cloudfront/types.js'
import { WritableRequest } from './request.js'
import type { EdgeOriginRequest } from './types.js'

/** The request in origin-request: adds `origin` (validated on set). */
export class OriginRequest extends WritableRequest implements EdgeOriginRequest {
  readonly #limits: LimitsProfile
  constructor(raw: CfRequest, limits: LimitsProfile) {
    super(raw, 'origin-request', limits)
    this.#limits = limits
  }
  get origin(): CfOrigin {
    return this.raw.origin!
  }
  set origin(value: CfOrigin) {
    assertOrigin(value, this.#limits, 'origin-request')
    this.raw.origin = value
  }
}


