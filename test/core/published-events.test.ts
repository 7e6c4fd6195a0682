import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EdgeValidationError, originRequest, originResponse, viewerRequest, viewerResponse, type AnyContext, type CfEvent, type Middleware, type Stage } from 'edgeware'
import { checkResult, eventViolations, validateResult } from 'edgeware/cloudfront'
import { invoke } from 'edgeware/testing'
import { publishedEvents, REFERENCE_EVENTS } from '../cloudfront/helpers.js'

// Every event AWS has published (the current samples and the older editions' in the shared reference) must go
// through each stage's handler and the validator as CloudFront's own events: accepted, unchanged, valid. The
// validator and the handlers agree on what an event is: whatever eventViolations accepts, the handler runs.

const factories = { 'viewer-request': viewerRequest, 'origin-request': originRequest, 'origin-response': originResponse, 'viewer-response': viewerResponse }
type Run = (event: unknown) => Promise<unknown>
const empty = (stage: Stage): Run => (factories[stage] as () => Run)()
const next: Middleware<AnyContext> = async (_c, n) => n()
const withNext = (stage: Stage): Run => (factories[stage] as (mw: Middleware<AnyContext>) => Run)(next)
const passedOn = (stage: Stage, e: CfEvent): unknown => (stage.endsWith('request') ? e.Records[0]!.cf.request : e.Records[0]!.cf.response)

const events = publishedEvents()
if (REFERENCE_EVENTS === undefined) console.warn('SKIPPED: the shared reference events (../shared/reference/events) are not beside this checkout')

describe.skipIf(events.length === 0)('every Lambda@Edge event AWS has published', () => {
  it('includes the older editions (no requestId; an origin in viewer-request)', () => {
    const files = events.map((e) => e.file)
    expect(files).toContain('older/awsdocs-2020-origin-request-no-requestid.json')
    expect(files).toContain('older/awsdocs-2019-viewer-request-all-fields.json')
  })

  for (const { file, stage, event } of events) {
    it(`${file}: a well-formed ${stage} event that the ${stage} handler passes on unchanged and valid`, async () => {
      expect(eventViolations(event, stage)).toEqual([])
      for (const handler of [empty(stage), withNext(stage)]) {
        const copy = structuredClone(event)
        const out = await handler(copy)
        expect(copy).toEqual(event)
        expect(out).toEqual(passedOn(stage, event))
        expect(checkResult(stage, event, out)).toEqual({ violations: [], warnings: [] })
        await expect(invoke(handler as never, structuredClone(event))).resolves.toEqual(passedOn(stage, event))
      }
    })
  }

  it('c.requestId is "" for an event without one', async () => {
    const noId = events.find((e) => e.file.includes('no-requestid'))!
    let seen: string | undefined
    const h = (factories[noId.stage] as (mw: Middleware<AnyContext>) => Run)(async (c, n) => {
      seen = c.requestId
      await n()
    })
    await h(structuredClone(noId.event))
    expect(seen).toBe('')
  })
})

// CloudFront-shaped variations of the published events: what a real distribution sends for other requests.
const token = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_.!~'.split('')), minLength: 1, maxLength: 16 })
const printable = fc.string({ unit: fc.constantFrom(...' abcXYZ09-_./:;=,"\'\t()[]{}éü€'.split('')), maxLength: 40 })
const caseOf = (name: string, how: number): string | undefined =>
  how === 0 ? undefined : how === 1 ? name : how === 2 ? name.toUpperCase() : name.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase())
const variation = fc.record({
  pick: fc.nat(),
  dropRequestId: fc.boolean(),
  uri: fc.option(fc.array(fc.string({ unit: fc.constantFrom(...'abcXYZ019-._~%'.split('')), maxLength: 10 }), { maxLength: 5 }).map((s) => '/' + s.join('/')), { nil: undefined }),
  querystring: fc.option(fc.string({ unit: fc.constantFrom(...'abz09=&%+-._~'.split('')), maxLength: 30 }), { nil: undefined }),
  method: fc.option(fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'), { nil: undefined }),
  clientIp: fc.option(fc.oneof(fc.ipV4(), fc.ipV6()), { nil: undefined }),
  headers: fc.array(fc.tuple(token, fc.array(fc.tuple(printable, fc.nat({ max: 3 })), { minLength: 1, maxLength: 3 })), { maxLength: 4 }),
  dropHeader: fc.nat(),
  status: fc.option(fc.integer({ min: 200, max: 599 }), { nil: undefined }),
})

function vary(v: typeof variation extends fc.Arbitrary<infer T> ? T : never): { stage: Stage; event: CfEvent } {
  const { stage, event: base } = events[v.pick % events.length]!
  const event = structuredClone(base)
  const cf = event.Records[0]!.cf
  const req = cf.request
  if (v.dropRequestId) delete cf.config.requestId
  if (v.uri !== undefined) req.uri = v.uri
  if (v.querystring !== undefined) req.querystring = v.querystring
  if (v.method !== undefined) req.method = v.method
  if (v.clientIp !== undefined) req.clientIp = v.clientIp
  const target = cf.response !== undefined && v.pick % 2 === 1 ? cf.response.headers : req.headers
  const names = Object.keys(target)
  if (names.length > 0 && v.dropHeader % 3 === 0) delete target[names[v.dropHeader % names.length]!]
  for (const [name, entries] of v.headers) {
    if (name.startsWith('x-amz-cf-') || name.startsWith('x-edge-')) continue // never shown to functions
    target[name] = entries.map(([value, how]) => {
      const key = caseOf(name, how)
      return key === undefined ? { value } : { key, value }
    })
  }
  if (cf.response !== undefined && v.status !== undefined) cf.response.status = String(v.status)
  return { stage, event }
}

describe.skipIf(events.length === 0)('property: published events and their CloudFront-shaped variations', () => {
  it('are well-formed, and an empty pipeline of their stage returns them unchanged and valid', async () => {
    await fc.assert(
      fc.asyncProperty(variation, async (v) => {
        const { stage, event } = vary(v)
        expect(eventViolations(event, stage)).toEqual([])
        const out = await empty(stage)(structuredClone(event))
        expect(out).toEqual(passedOn(stage, event))
        expect(checkResult(stage, event, out)).toEqual({ violations: [], warnings: [] })
      }),
      { numRuns: 300 },
    )
  })

  it('the handlers run every event eventViolations accepts, and refuse only events it reports', async () => {
    const paths = fc.array(fc.constantFrom<string | number>('Records', 0, 'cf', 'config', 'requestId', 'eventType', 'distributionId', 'request', 'response', 'headers', 'host', 'origin', 'custom', 's3', 'body', 'uri', 'method', 'querystring', 'clientIp', 'status', 'key', 'value', 'data', 'encoding', 'inputTruncated'), { minLength: 1, maxLength: 7 })
    const planted = fc.oneof(fc.constant(undefined), fc.constant(null), fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant({}), fc.constant([]), fc.constant([{ value: 'v' }]))
    await fc.assert(
      fc.asyncProperty(variation, paths, planted, async (v, path, value) => {
        const { stage, event } = vary(v)
        let node: unknown = event
        for (let i = 0; i < path.length - 1 && typeof node === 'object' && node !== null; i++) node = (node as Record<string | number, unknown>)[path[i]!]
        if (typeof node === 'object' && node !== null) (node as Record<string | number, unknown>)[path[path.length - 1]!] = value
        const problems = eventViolations(event, stage)
        let refused: unknown
        let out: unknown
        const copy = structuredClone(event)
        try {
          out = await empty(stage)(copy)
        } catch (e) {
          refused = e
        }
        if (refused !== undefined) {
          expect(refused).toBeInstanceOf(EdgeValidationError)
          expect(problems.length, `the handler refused ${JSON.stringify(path)} = ${JSON.stringify(value)}: ${(refused as Error).message}`).toBeGreaterThan(0)
        } else if (problems.length === 0) {
          expect(out).toEqual(passedOn(stage, event))
          expect(validateResult(stage, event, out)).toEqual([])
        }
      }),
      { numRuns: 1000 },
    )
  })
})
