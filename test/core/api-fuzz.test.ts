import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EdgeRuleError, originRequest, originResponse, viewerRequest, viewerResponse, type AnyContext, type CfEvent, type Stage } from 'edgeware'
import { DISALLOWED_HEADERS, READ_ONLY_HEADERS, validateResult } from 'edgeware/cloudfront'
import { createEvent } from 'edgeware/testing'

// Random sequences of API calls with random (often wrong) arguments: every refusal is an EdgeRuleError at the call,
// and whatever the API let through is a result CloudFront accepts.

const factories = { 'viewer-request': viewerRequest, 'origin-request': originRequest, 'origin-response': originResponse, 'viewer-response': viewerResponse }

const name = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('x-secret', 'X-Tenant', 'x-ab', 'host', 'Via', 'content-length') },
  fc.constantFrom(...DISALLOWED_HEADERS, 'x-ab', 'Cache-Control', 'constructor', '__proto__', 'x-secret', 'CloudFront-Viewer-Country'),
  fc.constantFrom(...new Set(Object.values(READ_ONLY_HEADERS).flatMap((s) => [...s]))),
  fc.string({ maxLength: 10 }),
)
const str = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('/a', '/a b', '?q=1', 'a#b', 'x\r\ny', '/' + 'p'.repeat(8300)))
const anyArg = fc.oneof(str, fc.anything({ maxDepth: 2 }), fc.integer({ min: 100, max: 700 }), fc.uint8Array({ maxLength: 20 }))
const validCustom = {
  customHeaders: {},
  domainName: 'api.example.com',
  keepaliveTimeout: 5,
  path: '',
  port: 443,
  protocol: 'https',
  readTimeout: 30,
  responseCompletionTimeout: 30,
  sslProtocols: ['TLSv1.2'],
}
const badField = fc.oneof(
  fc.constant({}),
  fc.constantFrom(
    { domainName: '1.2.3.4' },
    { domainName: '' },
    { port: 70000 },
    { protocol: 'ftp' },
    { readTimeout: 100, responseCompletionTimeout: 100 },
    { keepaliveTimeout: 0 },
    { path: '/v1/' },
    { sslProtocols: ['TLSv9'] },
    { customHeaders: { 'x-secret': [{ key: 'X-Secret', value: 's' }] } },
    { customHeaders: { 'x-tenant': [{ key: 'X-Tenant', value: 's' }] } },
    { customHeaders: { host: [{ key: 'Host', value: 's' }] } },
  ),
)
const origin = fc.oneof(
  { weight: 4, arbitrary: badField.map((f) => ({ custom: { ...validCustom, ...f } })) },
  { weight: 1, arbitrary: fc.constant({ s3: { authMethod: 'none', customHeaders: {}, domainName: 'bucket.s3.amazonaws.com', path: '', region: 'us-east-1' } }) },
  { weight: 1, arbitrary: anyArg },
)

type Op = [string, unknown, unknown]
const requestOps: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('set', 'append'), name, fc.oneof(fc.constantFrom('v', 'B'), str, anyArg)) },
  fc.tuple(fc.constant('delete'), name, fc.constant(undefined)),
  fc.tuple(fc.constantFrom('uri', 'querystring', 'replaceBody', 'json', 'method', 'clientIp'), anyArg, fc.constant(undefined)),
  fc.tuple(fc.constantFrom('redirect', 'text', 'html'), anyArg, fc.oneof(fc.constant(undefined), anyArg)),
  fc.tuple(
    fc.constant('respond'),
    fc.oneof(fc.record({ status: anyArg, headers: fc.option(fc.dictionary(name, fc.oneof(str, anyArg), { maxKeys: 2 }), { nil: undefined }), body: fc.option(anyArg, { nil: undefined }) }), anyArg),
    fc.constant(undefined),
  ),
  { weight: 3, arbitrary: fc.tuple(fc.constant('origin'), origin, fc.constant(undefined)) },
)
const responseOps: fc.Arbitrary<Op> = fc.oneof(
  fc.tuple(fc.constantFrom('set', 'append'), name, fc.oneof(str, anyArg)),
  fc.tuple(fc.constant('delete'), name, fc.constant(undefined)),
  fc.tuple(fc.constantFrom('status', 'statusDescription', 'body'), anyArg, fc.constant(undefined)),
  fc.tuple(fc.constant('requestHeader'), name, str),
  fc.tuple(fc.constantFrom('uri', 'querystring', 'method', 'clientIp', 'origin'), anyArg, fc.constant(undefined)),
)

function run(c: AnyContext, [op, a, b]: Op): void {
  const anyC = c as unknown as Record<string, (...args: unknown[]) => unknown> & { request: Record<string, unknown>; response: Record<string, unknown> }
  const isResponse = c.stage === 'origin-response' || c.stage === 'viewer-response'
  const headers = (isResponse ? anyC.response.headers : anyC.request.headers) as Record<string, (...args: unknown[]) => unknown>
  switch (op) {
    case 'set':
    case 'append':
      headers[op]!.call(headers, a, b)
      return
    case 'delete':
      headers.delete!.call(headers, a)
      return
    case 'uri':
    case 'querystring':
    case 'origin':
    case 'method':
    case 'clientIp':
      anyC.request[op] = a
      return
    case 'replaceBody':
      ;(anyC.request.replaceBody as (x: unknown) => void).call(anyC.request, a)
      return
    case 'requestHeader':
      ;(anyC.request.headers as { set: (n: unknown, v: unknown) => void }).set(a, b)
      return
    case 'status':
    case 'statusDescription':
    case 'body':
      anyC.response[op] = a
      return
    default:
      anyC[op]!.call(c, a, b)
  }
}

describe('property: random API call sequences', () => {
  for (const stage of ['viewer-request', 'origin-request', 'origin-response', 'viewer-response'] as Stage[]) {
    it(stage, async () => {
      const ops = fc.array(stage.endsWith('request') ? requestOps : responseOps, { minLength: 1, maxLength: 8 })
      await fc.assert(
        fc.asyncProperty(ops, async (list) => {
          const event = createEvent(stage, stage === 'origin-request' ? { headers: { 'x-tenant': 't' } } : {})
          const original: CfEvent = structuredClone(event)
          const f = factories[stage] as (mw: (c: AnyContext) => void) => (e: CfEvent) => Promise<unknown>
          const out = await f((c) => {
            for (const op of list) {
              try {
                run(c, op)
              } catch (e) {
                if (!(e instanceof EdgeRuleError)) throw new Error(`${op[0]}(${String(op[1])}) threw ${String(e)}`)
              }
            }
          })(event)
          expect(validateResult(stage, original, out)).toEqual([])
        }),
        { numRuns: 500 },
      )
    })
  }
})
