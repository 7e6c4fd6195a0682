import { describe, expect, it } from 'vitest'
import { originRequest, originResponse, viewerRequest, viewerResponse, type AnyContext, type Middleware } from 'edgeware'
import { validateResult } from 'edgeware/cloudfront'
import { createEvent, invoke } from 'edgeware/testing'
import { FIXTURE_STAGES, fixture } from './helpers.js'

/** Reads everything a middleware can read, then goes on: must not change the event. */
const readEverything: Middleware<AnyContext> = async (c, next) => {
  const r = c.request
  void [r.method, r.uri, r.querystring, r.clientIp, r.raw, [...r.headers], r.headers.getAll('cookie'), r.cookies.all(), [...r.query]]
  if ('body' in r && r.body) void [r.body.text(), r.body.bytes(), r.body.inputTruncated]
  if ('origin' in r) void r.origin
  if (c.stage === 'origin-response' || c.stage === 'viewer-response') {
    const res = (c as Extract<AnyContext, { stage: 'origin-response' | 'viewer-response' }>).response
    void [res.status, res.statusDescription, [...res.headers], res.body]
  }
  void [c.requestId, c.config, c.get('x'), c.remainingMs()]
  await next()
}

const factories = {
  'viewer-request': viewerRequest,
  'origin-request': originRequest,
  'origin-response': originResponse,
  'viewer-response': viewerResponse,
} as const

describe('the AWS sample events', () => {
  for (const [name, stage] of FIXTURE_STAGES) {
    it(`${name}: accepted unchanged by the ${stage} adapter (empty and reading pipelines)`, async () => {
      const factory = factories[stage] as (...mw: Middleware<AnyContext>[]) => (e: unknown) => Promise<unknown>
      for (const handler of [factory(), factory(readEverything)]) {
        const event = fixture(name)
        const pristine = fixture(name)
        const out = await handler(event)
        expect(event).toEqual(pristine) // nothing mutated
        const cf = pristine.Records[0]!.cf
        expect(out).toEqual(stage.endsWith('request') ? cf.request : cf.response)
        expect(validateResult(stage, pristine, out)).toEqual([])
        // and through invoke (validated like CloudFront)
        await expect(invoke(handler as never, fixture(name))).resolves.toEqual(out)
      }
    })
  }

  it('createEvent(stage) is the AWS sample, deep-equal, a fresh copy each call', () => {
    expect(createEvent('viewer-request')).toEqual(fixture('viewer-request'))
    expect(createEvent('origin-request')).toEqual(fixture('origin-request-custom'))
    expect(createEvent('origin-response')).toEqual(fixture('origin-response'))
    expect(createEvent('viewer-response')).toEqual(fixture('viewer-response'))
    const a = createEvent('viewer-request')
    a.Records[0]!.cf.request.headers['host']![0]!.value = 'changed'
    expect(createEvent('viewer-request').Records[0]!.cf.request.headers['host']![0]!.value).toBe('d111111abcdef8.cloudfront.net')
  })

  it('createEvent origin-request with s3 + body matches the S3 sample’s origin and body', () => {
    const sample = fixture('origin-request-s3-body').Records[0]!.cf.request
    const event = createEvent('origin-request', { origin: 's3', body: 'name=John&email=john%40example.com' })
    const req = event.Records[0]!.cf.request
    expect(req.origin).toEqual(sample.origin)
    expect(req.body).toEqual(sample.body)
    expect(req.method).toBe('POST')
    expect(req.headers['host']).toEqual(sample.headers['host'])
  })
})
