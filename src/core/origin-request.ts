/**
 * The origin-request request: adds `origin`, validated with `assertOrigin` on set. Its own module so that
 * viewer-stage bundles don't carry the origin rules.
 */
import type { LimitsProfile } from '../cloudfront/limits.js'
import { assertOrigin } from '../cloudfront/origin-rules.js'
import type { CfHeaders, CfOrigin, CfRequest } from '../cloudfront/types.js'
import { ruleError } from './errors.js'
import { CfHeaderMap, headerList } from './headers.js'
import { ORIGIN_REQUEST_READ_ONLY } from './read-only.js'
import { WritableRequest } from './request.js'
import type { EdgeOriginRequest } from './types.js'

/** The origin's custom headers map, whichever kind of origin it is. */
function customHeaders(o: CfOrigin | undefined): CfHeaders | undefined {
  return o === undefined ? undefined : (o.custom ?? o.s3)?.customHeaders
}

/** The request in origin-request: adds `origin` (validated on set). */
export class OriginRequest extends WritableRequest implements EdgeOriginRequest {
  readonly #limits: LimitsProfile
  #map: CfHeaderMap | undefined

  constructor(raw: CfRequest, limits: LimitsProfile) {
    super(raw, 'origin-request', limits, ORIGIN_REQUEST_READ_ONLY)
    this.#limits = limits
  }

  /** Header writes also refuse a name the origin already sends as a custom header [EVT]. */
  override get headers(): CfHeaderMap {
    return (this.#map ??= new CfHeaderMap(this.raw.headers, 'origin-request', ORIGIN_REQUEST_READ_ONLY, (key, name) => {
      const ch = customHeaders(this.raw.origin)
      if (ch !== undefined && headerList(ch, key)?.length) {
        ruleError('DuplicateCustomHeader', `${name} is already an origin custom header; a request header can't have the same name`, name, 'origin-request')
      }
    }))
  }

  override get origin(): CfOrigin {
    return this.raw.origin!
  }

  // [EVT]: the origin's fields in range, and no custom header may duplicate a request header
  override set origin(value: CfOrigin) {
    assertOrigin(value, this.#limits, 'origin-request')
    const ch = customHeaders(value)
    if (ch !== undefined) {
      for (const key in ch) {
        if (headerList(ch, key)?.length && headerList(this.raw.headers, key)?.length) {
          ruleError('DuplicateCustomHeader', `origin custom header ${key} duplicates a request header of the same name`, key, 'origin-request')
        }
      }
    }
    this.raw.origin = value
  }
}
