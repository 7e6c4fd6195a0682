import type { CfEvent, CfRequest, CfResponse, CfResultResponse } from 'edgeware'
import { sample, type SampleName } from '../cloudfront/helpers.js'

/** The AWS sample events, verbatim (a fresh copy per call). */
export function fixture(name: SampleName): CfEvent {
  return sample(name)
}

export const FIXTURE_STAGES = [
  ['viewer-request', 'viewer-request'],
  ['origin-request-custom', 'origin-request'],
  ['origin-request-s3-body', 'origin-request'],
  ['origin-response', 'origin-response'],
  ['viewer-response', 'viewer-response'],
] as const

export function asResponse(r: unknown): CfResultResponse {
  return r as CfResultResponse
}
export function asRequest(r: unknown): CfRequest {
  return r as CfRequest
}
export function asCfResponse(r: unknown): CfResponse {
  return r as CfResponse
}
