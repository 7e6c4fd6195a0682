import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
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

/**
 * The shared reference's sample events folder (`../shared/reference/events` beside the checkout, as CI lays it
 * out), or undefined when this checkout has none beside it.
 */
export const REFERENCE_EVENTS: string | undefined = [
  join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'reference', 'events'),
  '/work/shared/reference/events',
].find((d) => existsSync(d))

/**
 * Every Lambda@Edge event AWS has published, as the shared reference keeps them: the current samples and the older
 * editions' (`older/`), each with the stage its `config.eventType` names. A fresh copy per call.
 */
export function publishedEvents(): { file: string; stage: Stage; event: CfEvent }[] {
  if (REFERENCE_EVENTS === undefined) return []
  const out: { file: string; stage: Stage; event: CfEvent }[] = []
  for (const dir of ['', 'older']) {
    for (const f of readdirSync(join(REFERENCE_EVENTS, dir)).sort()) {
      if (!f.endsWith('.json')) continue
      const event = JSON.parse(readFileSync(join(REFERENCE_EVENTS, dir, f), 'utf8')) as CfEvent
      out.push({ file: dir ? `${dir}/${f}` : f, stage: event.Records[0]!.cf.config.eventType, event })
    }
  }
  return out
}
