import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CfEvent, CfRequest, CfResponse, CfResultResponse } from 'edgeware'

const FIXTURES = join(import.meta.dirname, '..', 'cloudfront', 'fixtures')

/** The AWS sample events, verbatim from test/cloudfront/fixtures (fresh parse per call). */
export function fixture(name: 'viewer-request' | 'origin-request-custom' | 'origin-request-s3-body' | 'origin-response' | 'viewer-response'): CfEvent {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as CfEvent
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
