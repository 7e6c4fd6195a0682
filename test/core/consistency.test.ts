import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EdgeRuleError, originRequest, originResponse, viewerRequest, viewerResponse, type CfEvent, type EdgeHeaders, type Stage } from 'edgeware'
import { DISALLOWED_HEADERS, READ_ONLY_HEADERS, validateResult } from 'edgeware/cloudfront'
import { createEvent } from 'edgeware/testing'

// The call-site checks (EdgeRuleError) and the result validator must agree: whatever the API lets through,
// CloudFront accepts; whatever it refuses, CloudFront would reject (unless the write changes nothing).

const factories = { 'viewer-request': viewerRequest, 'origin-request': originRequest, 'origin-response': originResponse, 'viewer-response': viewerResponse }

const names = fc.oneof(
  fc.constantFrom(...DISALLOWED_HEADERS, 'X-Amz-Cf-Pop', 'x-edge-location', 'CloudFront-Viewer-Country', 'x-ab', 'Cache-Control', 'set-cookie'),
  fc.constantFrom(...new Set(Object.values(READ_ONLY_HEADERS).flatMap((s) => [...s]))),
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.string({ unit: fc.constantFrom(...'abcXYZ-_.!~0'.split('')), minLength: 1, maxLength: 12 }),
)
const values = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 10 }), fc.constantFrom('a\r\nb', 'x\ty', 'nul\u0000', '\u007f'))

async function apply(stage: Stage, op: 'set' | 'append' | 'delete', name: string, value: string) {
  const event = createEvent(stage)
  const original = structuredClone(event)
  let error: unknown
  const f = factories[stage] as (mw: (c: { request: { headers: EdgeHeaders }; response?: { headers: EdgeHeaders } }) => void) => (e: CfEvent) => Promise<unknown>
  const out = await f((c) => {
    const h = stage.endsWith('response') ? c.response!.headers : c.request.headers
    try {
      if (op === 'delete') h.delete(name)
      else h[op](name, value)
    } catch (e) {
      error = e
    }
  })(event)
  return { original, out, error }
}

describe('property: API checks agree with the result validator', () => {
  for (const stage of ['viewer-request', 'origin-request', 'origin-response', 'viewer-response'] as const) {
    it(stage, async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('set', 'append', 'delete') as fc.Arbitrary<'set' | 'append' | 'delete'>, names, values, async (op, name, value) => {
          const { original, out, error } = await apply(stage, op, name, value)
          const violations = validateResult(stage, original, out)
          if (error === undefined) {
            expect(violations, `${op} ${JSON.stringify(name)}: ${JSON.stringify(value)}`).toEqual([])
          } else {
            expect(error).toBeInstanceOf(EdgeRuleError)
            // the same write done on the raw object must be refused by CloudFront (or change nothing)
            const raw = structuredClone(original)
            const cf = raw.Records[0]!.cf
            const headers = stage.endsWith('response') ? cf.response!.headers : cf.request.headers
            const key = name.toLowerCase()
            const own = Object.hasOwn(headers, key) ? headers[key] : undefined
            const put = (list: { key: string; value: string }[]) =>
              Object.defineProperty(headers, key, { value: list, writable: true, enumerable: true, configurable: true })
            if (op === 'delete') delete headers[key]
            else if (op === 'set' || own === undefined) put([{ key: name, value }])
            else own.push({ key: name, value })
            const result = stage.endsWith('response') ? cf.response : cf.request
            const unchanged = JSON.stringify(result) === JSON.stringify(stage.endsWith('response') ? original.Records[0]!.cf.response : original.Records[0]!.cf.request)
            if (!unchanged) expect(validateResult(stage, original, result), `${op} ${JSON.stringify(name)}: ${JSON.stringify(value)} → ${(error as EdgeRuleError).rule}`).not.toEqual([])
          }
        }),
        { numRuns: 1000 },
      )
    })
  }
})

describe('property: generated responses the API accepts are valid, the ones it refuses are not', () => {
  for (const stage of ['viewer-request', 'origin-request'] as const) {
    it(stage, async () => {
      const max = stage === 'viewer-request' ? 40 * 1024 : 1024 * 1024
      const init = fc.record({
        status: fc.oneof(fc.integer({ min: 150, max: 650 }), fc.constantFrom(200, 204, 301, 404, 599)),
        headers: fc.dictionary(names, fc.oneof(values, fc.array(values, { maxLength: 2 })), { maxKeys: 3 }),
        body: fc.option(
          fc.oneof(
            fc.string({ maxLength: 50 }),
            fc.integer({ min: max - 300, max: max + 50 }).map((n) => 'x'.repeat(n)),
            fc.uint8Array({ maxLength: 30 }),
          ),
          { nil: undefined },
        ),
      })
      await fc.assert(
        fc.asyncProperty(init, async (i) => {
          const event = createEvent(stage)
          const original = structuredClone(event)
          let error: unknown
          let raw: unknown
          await (factories[stage] as typeof viewerRequest)(async (c) => {
            try {
              raw = c.respond(i).raw
            } catch (e) {
              error = e
            }
          })(event)
          if (error === undefined) expect(validateResult(stage, original, raw)).toEqual([])
          else expect(error).toBeInstanceOf(EdgeRuleError)
        }),
        { numRuns: 300 },
      )
    })
  }
})
