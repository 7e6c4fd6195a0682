import type { CfEvent, CfRequest, CfResponse, Stage } from '../../src/cloudfront/types.js'
import * as samples from '../../src/testing/samples.js'

/** The AWS sample events (verbatim in src/testing/samples.ts, pinned to the shared reference by test/testing/samples.test.ts). */
export const SAMPLES = {
  'viewer-request': 'viewer-request',
  'origin-request-custom': 'origin-request',
  'origin-request-s3-body': 'origin-request',
  'origin-response': 'origin-response',
  'viewer-response': 'viewer-response',
} as const satisfies Record<string, Stage>

export type SampleName = keyof typeof SAMPLES

const BY_NAME: Record<SampleName, CfEvent> = {
  'viewer-request': samples.viewerRequestSample,
  'origin-request-custom': samples.originRequestCustomSample,
  'origin-request-s3-body': samples.originRequestS3BodySample,
  'origin-response': samples.originResponseSample,
  'viewer-response': samples.viewerResponseSample,
}

/** A fresh deep copy of a sample event. */
export function sample(name: SampleName): CfEvent {
  return structuredClone(BY_NAME[name])
}

/** The sample event of a stage (origin-request: the custom-origin one). */
export function eventFor(stage: Stage): CfEvent {
  return sample(stage === 'origin-request' ? 'origin-request-custom' : stage)
}

/** A deep copy of the event's request. */
export function requestOf(event: CfEvent): CfRequest {
  return structuredClone(event.Records[0]!.cf.request)
}

/** A deep copy of the event's response. */
export function responseOf(event: CfEvent): CfResponse {
  return structuredClone(event.Records[0]!.cf.response!)
}

/** The input a stage's result is compared with: a copy of the request (request stages) or response. */
export function passthrough(stage: Stage, event: CfEvent): CfRequest | CfResponse {
  return stage === 'viewer-request' || stage === 'origin-request' ? requestOf(event) : responseOf(event)
}

/** Codes of a violation list, for compact assertions. */
export function codes(v: readonly { code: string }[]): string[] {
  return v.map((x) => x.code)
}
