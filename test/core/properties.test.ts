import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  EdgeValidationError,
  originRequest,
  originResponse,
  viewerRequest,
  viewerResponse,
  type AnyContext,
  type CfEvent,
  type CfHeaders,
  type Middleware,
  type Stage,
} from 'edgeware'
import { createEvent } from 'edgeware/testing'

const STAGES: Stage[] = ['viewer-request', 'origin-request', 'origin-response', 'viewer-response']
const factories = { 'viewer-request': viewerRequest, 'origin-request': originRequest, 'origin-response': originResponse, 'viewer-response': viewerResponse }

const readEverything: Middleware<AnyContext> = async (c, next) => {
  const r = c.request
  void [r.method, r.uri, r.querystring, r.clientIp, [...r.headers], r.cookies.all(), [...r.query], r.headers.get('Host')]
  if ('body' in r && r.body) void [r.body.text(), r.body.bytes()]
  if (c.stage === 'origin-response' || c.stage === 'viewer-response') {
    const res = (c as Extract<AnyContext, { stage: 'origin-response' | 'viewer-response' }>).response
    void [res.status, res.statusDescription, [...res.headers], res.body]
  }
  await next()
}

const tchar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_.!#$%&\'*+^`|~'.split(''))
const headerName = fc.oneof(fc.string({ unit: tchar, minLength: 1, maxLength: 20 }), fc.constantFrom('constructor', '__proto__', 'tostring', 'hasownproperty', 'cookie'))
const headerValue = fc.string({ maxLength: 40 })
const headers: fc.Arbitrary<CfHeaders> = fc.dictionary(
  headerName,
  fc.array(fc.record({ key: fc.option(headerName, { nil: undefined }), value: headerValue }, { requiredKeys: ['value'] }), { minLength: 1, maxLength: 3 }),
  { maxKeys: 8 },
) as fc.Arbitrary<CfHeaders>

function eventArb(stage: Stage): fc.Arbitrary<CfEvent> {
  return fc
    .record({
      uri: fc.string({ maxLength: 60 }).map((s) => '/' + s),
      querystring: fc.string({ maxLength: 60 }),
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'),
      clientIp: fc.oneof(fc.ipV4(), fc.ipV6()),
      headers,
      requestId: fc.string({ minLength: 1, maxLength: 60 }),
      body: fc.option(fc.uint8Array({ maxLength: 200 }), { nil: undefined }),
      truncated: fc.boolean(),
      s3: fc.boolean(),
      status: fc.integer({ min: 200, max: 599 }),
      statusDescription: fc.string({ maxLength: 20 }),
      resHeaders: headers,
    })
    .map((r) => {
      const event = createEvent(stage, r.s3 && (stage === 'origin-request' || stage === 'origin-response') ? { origin: 's3' } : {})
      const cf = event.Records[0]!.cf
      cf.config.requestId = r.requestId
      Object.assign(cf.request, { uri: r.uri, querystring: r.querystring, method: r.method, clientIp: r.clientIp, headers: r.headers })
      if (r.body !== undefined && (stage === 'viewer-request' || stage === 'origin-request')) {
        cf.request.body = { inputTruncated: r.truncated, action: 'read-only', encoding: 'base64', data: Buffer.from(r.body).toString('base64') }
      }
      if (cf.response) Object.assign(cf.response, { status: String(r.status), statusDescription: r.statusDescription, headers: r.resHeaders })
      return event
    })
}

describe('property: a valid event through an empty (or only reading) pipeline comes back deep-equal', () => {
  for (const stage of STAGES) {
    it(stage, async () => {
      const factory = factories[stage] as (...mw: Middleware<AnyContext>[]) => (e: CfEvent) => Promise<unknown>
      const empty = factory()
      const reading = factory(readEverything)
      await fc.assert(
        fc.asyncProperty(eventArb(stage), async (event) => {
          for (const h of [empty, reading]) {
            const input = structuredClone(event)
            const out = await h(input)
            const cf = event.Records[0]!.cf
            expect(out).toEqual(stage.endsWith('request') ? cf.request : cf.response)
          }
        }),
        { numRuns: 150 },
      )
    })
  }
})

/** Every path (array of keys) into a JSON value. */
function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix)
  if (v !== null && typeof v === 'object') {
    for (const k of Object.keys(v)) paths((v as Record<string, unknown>)[k], [...prefix, Array.isArray(v) ? Number(k) : k], out)
  }
  return out
}

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value
  let o = root as Record<string | number, unknown>
  for (let i = 0; i < path.length - 1; i++) o = o[path[i]!] as Record<string | number, unknown>
  o[path[path.length - 1]!] = value
  return root
}

describe('property: garbage events only ever throw EdgeValidationError', () => {
  for (const stage of STAGES) {
    it(`${stage}: arbitrary values`, async () => {
      const factory = factories[stage] as (...mw: Middleware<AnyContext>[]) => (e: unknown) => Promise<unknown>
      const handlers = [factory(), factory(readEverything)]
      await fc.assert(
        fc.asyncProperty(fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true }), async (garbage) => {
          for (const h of handlers) {
            const err = await h(garbage).then(
              () => undefined,
              (e: unknown) => e,
            )
            expect(err).toBeInstanceOf(EdgeValidationError)
          }
        }),
        { numRuns: 150 },
      )
    })

    it(`${stage}: a valid event with one part replaced by anything`, async () => {
      const factory = factories[stage] as (...mw: Middleware<AnyContext>[]) => (e: unknown) => Promise<unknown>
      const handlers = [factory(), factory(readEverything)]
      const mutated = fc.tuple(eventArb(stage), fc.nat(), fc.anything({ withNullPrototype: true })).map(([event, i, value]) => {
        const all = paths(event)
        return setAt(event, all[i % all.length]!, value)
      })
      await fc.assert(
        fc.asyncProperty(mutated, async (event) => {
          for (const h of handlers) {
            const err = await h(structuredClone(event)).then(
              () => undefined,
              (e: unknown) => e,
            )
            // either still a well-formed event (accepted) or a clear EdgeValidationError, never a TypeError
            if (err !== undefined) expect(err).toBeInstanceOf(EdgeValidationError)
          }
        }),
        { numRuns: 300 },
      )
    })
  }
})
