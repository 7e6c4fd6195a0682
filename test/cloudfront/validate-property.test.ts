import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkResult, eventViolations, validateResult } from '../../src/cloudfront/validate.js'
import { originViolations } from '../../src/cloudfront/origin-rules.js'
import { STAGES, type CfHeaders } from '../../src/cloudfront/types.js'
import { eventFor, passthrough } from './helpers.js'

const stage = fc.constantFrom(...STAGES)
const anything = fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true, withObjectString: true, withSparseArray: true, withBoxedValues: true, maxDepth: 4 })

/** Each violation is a proper { code, message, path? } record. */
function wellFormed(v: unknown): void {
  expect(Array.isArray(v)).toBe(true)
  for (const x of v as unknown[]) {
    expect(typeof (x as { code: unknown }).code).toBe('string')
    expect(typeof (x as { message: unknown }).message).toBe('string')
  }
}

describe('property: never throws', () => {
  it('eventViolations on anything', () => {
    fc.assert(
      fc.property(anything, fc.option(stage, { nil: undefined }), (e, s) => {
        const v = eventViolations(e, s)
        wellFormed(v)
        expect(v.length).toBeGreaterThan(0) // nothing random is a CloudFront event
      }),
      { numRuns: 500 },
    )
  })
  it('eventViolations on sample events with a random value planted at a random depth', () => {
    fc.assert(
      fc.property(stage, fc.array(fc.constantFrom('Records', 0, 'cf', 'request', 'response', 'config', 'headers', 'host', 'origin', 'custom', 'body', 'uri', 'status', 'value'), { minLength: 1, maxLength: 7 }), anything, (s, path, value) => {
        const e: Record<string | number, unknown> = eventFor(s) as never
        let node: unknown = e
        for (let i = 0; i < path.length - 1 && typeof node === 'object' && node !== null; i++) node = (node as Record<string | number, unknown>)[path[i]!]
        if (typeof node === 'object' && node !== null) (node as Record<string | number, unknown>)[path[path.length - 1]!] = value
        wellFormed(eventViolations(e, s))
      }),
      { numRuns: 500 },
    )
  })
  it('validateResult on arbitrary results', () => {
    fc.assert(
      fc.property(stage, anything, (s, r) => {
        wellFormed(validateResult(s, eventFor(s), r))
      }),
      { numRuns: 500 },
    )
  })
  it('validateResult on arbitrary objects shaped like results', () => {
    const headerish = fc.dictionary(fc.string({ maxLength: 12 }), fc.oneof(fc.array(fc.record({ key: fc.oneof(fc.string(), anything), value: fc.oneof(fc.string(), anything) }, { requiredKeys: [] })), anything))
    const result = fc.record(
      { status: fc.oneof(fc.constantFrom('200', '204', '302', '404', '600'), anything), headers: fc.oneof(headerish, anything), body: fc.oneof(fc.string(), anything), bodyEncoding: fc.oneof(fc.constantFrom('text', 'base64'), anything), uri: fc.oneof(fc.string(), anything), querystring: fc.oneof(fc.string(), anything), method: anything, origin: anything },
      { requiredKeys: [] },
    )
    fc.assert(
      fc.property(stage, result, fc.anything(), (s, r, ev) => {
        wellFormed(checkResult(s, eventFor(s), r).violations)
        wellFormed(checkResult(s, ev, r).violations)
      }),
      { numRuns: 500 },
    )
  })
  it('originViolations on anything', () => {
    fc.assert(
      fc.property(anything, (o) => {
        wellFormed(originViolations(o))
        wellFormed(originViolations({ custom: o }))
        wellFormed(originViolations({ s3: o }))
      }),
      { numRuns: 300 },
    )
  })
})

describe('property: valid edits stay valid, each forbidden edit is caught', () => {
  const token = fc.stringMatching(/^x-[a-z0-9-]{1,20}$/)
  const value = fc.string({ maxLength: 40 }).filter((s) => !/[\u0000-\u0008\u000a-\u001f\u007f]/.test(s))
  it('adding custom x-* headers with clean values in any stage is valid', () => {
    fc.assert(
      fc.property(stage, fc.dictionary(token, fc.array(value, { minLength: 1, maxLength: 3 })), (s, add) => {
        if (Object.keys(add).some((n) => n.startsWith('x-edge-') || n.startsWith('x-amz-cf-') || n.startsWith('x-accel-') || n.startsWith('x-amzn-') || n === 'x-cache' || n === 'x-real-ip' || n === 'x-forwarded-proto')) return
        const event = eventFor(s)
        const r = passthrough(s, event)
        for (const [n, vs] of Object.entries(add)) (r.headers as CfHeaders)[n] = vs.map((v) => ({ key: n.toUpperCase(), value: v }))
        expect(validateResult(s, event, r)).toEqual([])
      }),
      { numRuns: 300 },
    )
  })
  it('a control character anywhere in a header value is caught', () => {
    fc.assert(
      fc.property(stage, value, fc.integer({ min: 0, max: 40 }), fc.constantFrom('\r', '\n', '\u0000', '\u001b', '\u007f'), (s, v, at, bad) => {
        const event = eventFor(s)
        const r = passthrough(s, event)
        const i = Math.min(at, v.length)
        r.headers['x-test'] = [{ value: v.slice(0, i) + bad + v.slice(i) }]
        expect(validateResult(s, event, r).map((x) => x.code)).toEqual(['InvalidHeaderValue'])
      }),
      { numRuns: 300 },
    )
  })
})
