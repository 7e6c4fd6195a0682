import { describe, expect, it } from 'vitest'
import { createIntegration, type FunctionOutcome, type IntegrationSettings, type OriginRequest } from '../../src/lambda-origin/index.js'
import { headerValues, text } from './helpers.js'

const GET: OriginRequest = { method: 'GET', path: '/prod/items', headers: [['Accept', 'application/json']] }

/** The integration's answer when the function returned `result` (or ended with `outcome`). */
function answer(settings: IntegrationSettings, result: unknown, req: OriginRequest = GET) {
  const api = createIntegration(settings)
  const built = api.event(req)
  const outcome: FunctionOutcome = result !== null && typeof result === 'object' && 'kind' in result && 'ok' in result ? (result as FunctionOutcome) : { ok: true, json: JSON.stringify(result) ?? 'null' }
  const { response, verdict } = api.respond(built.event, outcome)
  return { ...response, text: text(response.body), verdict, codes: verdict.violations.map((v) => v.code), warnings: verdict.warnings.map((w) => w.code), event: built.event as any }
}

const threw: FunctionOutcome = { ok: false, kind: 'error', message: 'Error: boom\n    at handler (index.js:1:1)' }
const timedOut: FunctionOutcome = { ok: false, kind: 'timeout', message: 'Task timed out after 3.00 seconds' }
const gaveUp: FunctionOutcome = { ok: false, kind: 'integration-timeout', message: 'no answer within 29000 ms' }
const notJson: FunctionOutcome = { ok: false, kind: 'not-json', message: 'Do not know how to serialize a BigInt' }
const crashed: FunctionOutcome = { ok: false, kind: 'crash', message: 'Runtime.OutOfMemory: heap' }
const REST_500 = '{"message": "Internal server error"}'

describe('REST API results (payload 1.0)', () => {
  const rest: IntegrationSettings = { integration: 'rest' }

  it('sends statusCode, headers and body, merging multiValueHeaders with headers (a pair in both once)', () => {
    const r = answer(rest, {
      statusCode: 201,
      headers: { 'Content-Type': 'text/plain', 'X-Ab': 'B', 'Set-Cookie': 'a=1' },
      multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'], Vary: ['accept', 'cookie'] },
      body: 'made',
    })
    expect([r.status, r.text, r.verdict.valid]).toEqual([201, 'made', true])
    expect(headerValues(r.headers, 'set-cookie')).toEqual(['a=1', 'b=2'])
    expect(headerValues(r.headers, 'vary')).toEqual(['accept', 'cookie'])
    expect(headerValues(r.headers, 'x-ab')).toEqual(['B'])
    expect(headerValues(r.headers, 'x-amzn-requestid')).toEqual([r.event.requestContext.requestId])
    expect(headerValues(r.headers, 'x-amz-apigw-id')).toEqual([r.event.requestContext.extendedRequestId])
  })

  it('sends a response without Content-Type as application/json, and computes Content-Length itself', () => {
    const r = answer(rest, { statusCode: 200, headers: { 'Content-Length': '999' }, body: '{}' })
    expect(headerValues(r.headers, 'content-type')).toEqual(['application/json'])
    expect(headerValues(r.headers, 'content-length')).toEqual([])
  })

  it('passes a formatted error (a 4xx with x-amzn-ErrorType) on as the HTTP error it describes', () => {
    const r = answer(rest, { statusCode: 404, headers: { 'Content-Type': 'text/plain', 'x-amzn-ErrorType': 'NotFound' }, isBase64Encoded: false, body: 'NotFound: no such item' })
    expect([r.status, r.text, r.verdict.valid]).toEqual([404, 'NotFound: no such item', true])
    expect(headerValues(r.headers, 'x-amzn-errortype')).toEqual(['NotFound'])
  })

  const malformed: [string, unknown, string, string?][] = [
    ['a bare JSON string', 'Hello from Lambda!', 'RestMalformedResult'],
    ['null (the handler returned nothing)', null, 'RestMalformedResult'],
    ['an array', [1], 'RestMalformedResult'],
    ['no statusCode', { body: 'x' }, 'RestStatusCode', 'statusCode'],
    ['a statusCode outside 100-599', { statusCode: 700 }, 'RestStatusCode', 'statusCode'],
    ['a field a proxy result does not have', { statusCode: 200, cookies: ['a=1'] }, 'RestUnknownField', 'cookies'],
    ['an object body', { statusCode: 200, body: { a: 1 } }, 'RestBody', 'body'],
    ['a header value that is an object', { statusCode: 200, headers: { 'X-A': { v: 1 } } }, 'RestHeaders', 'headers.X-A'],
    ['multiValueHeaders that are not arrays', { statusCode: 200, multiValueHeaders: { 'X-A': 'v' } }, 'RestHeaders', 'multiValueHeaders.X-A'],
    ['an isBase64Encoded that is not a boolean', { statusCode: 200, isBase64Encoded: 'yes' }, 'RestIsBase64Encoded', 'isBase64Encoded'],
  ]
  for (const [what, result, code, path] of malformed) {
    it(`answers 502 {"message": "Internal server error"} for ${what} (${code})`, () => {
      const r = answer(rest, result)
      expect([r.status, r.text, r.codes[0]]).toEqual([502, REST_500, code])
      expect(r.verdict.valid).toBe(false)
      if (path) expect(r.verdict.violations[0]?.path).toBe(path)
      expect(headerValues(r.headers, 'content-type')).toEqual(['application/json'])
      expect(headerValues(r.headers, 'x-amzn-errortype')).toEqual(['InternalServerErrorException'])
    })
  }

  it('reads a numeric string statusCode, with a warning', () => {
    const r = answer(rest, { statusCode: '202', body: '' })
    expect([r.status, r.warnings]).toEqual([202, ['StatusCodeString']])
  })

  it('answers 502 for a throw, a crash, a result JSON cannot encode and the function timing out; 504 when the integration timeout passes first', () => {
    for (const [out, code] of [[threw, 'FunctionError'], [crashed, 'FunctionError'], [notJson, 'FunctionResultNotJson'], [timedOut, 'FunctionTimeout']] as const) {
      const r = answer(rest, out)
      expect([r.status, r.text, r.codes]).toEqual([502, REST_500, [code]])
    }
    const r = answer(rest, gaveUp)
    expect([r.status, r.codes, r.verdict.violations[0]?.source]).toEqual([504, ['IntegrationTimeout'], 'APIGW-GWRESP'])
    expect(JSON.parse(r.text)).toEqual({ message: 'Endpoint request timed out' })
  })

  it("answers 502 for a response over Lambda's 6 MB", () => {
    const r = answer(rest, { statusCode: 200, body: 'a'.repeat(6 * 1024 * 1024) })
    expect([r.status, r.codes]).toEqual([502, ['LambdaResponseTooLarge']])
  })

  it('decodes a base64 body when binaryMediaTypes covers the response Content-Type or the first Accept type', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47])
    const result = { statusCode: 200, headers: { 'Content-Type': 'image/png' }, body: png.toString('base64'), isBase64Encoded: true }
    const byType = answer({ integration: 'rest', binaryMediaTypes: ['image/png'] }, result)
    expect([Buffer.from(byType.body), byType.verdict.warnings]).toEqual([png, []])
    const byAccept = answer({ integration: 'rest', binaryMediaTypes: ['application/octet-stream'] }, { ...result, headers: {} }, { method: 'GET', path: '/prod/f', headers: { Accept: 'application/octet-stream, */*' } })
    expect(Buffer.from(byAccept.body)).toEqual(png)
  })

  it('sends the base64 text itself, with a warning, when no binary media type matches', () => {
    const r = answer(rest, { statusCode: 200, headers: { 'Content-Type': 'image/png' }, body: 'iVBORw==', isBase64Encoded: true })
    expect([r.status, r.text, r.warnings]).toEqual([200, 'iVBORw==', ['RestBinaryNotDecoded']])
  })

  it('answers 500 (API_CONFIGURATION_ERROR) when a body to decode is not base64', () => {
    const r = answer({ integration: 'rest', binaryMediaTypes: ['*/*'] }, { statusCode: 200, body: 'not base64!', isBase64Encoded: true })
    expect([r.status, r.codes, r.verdict.violations[0]?.source]).toEqual([500, ['RestBase64Body'], 'APIGW-GWRESP'])
  })
})

describe('HTTP API results (payload 2.0)', () => {
  const http: IntegrationSettings = { integration: 'http' }
  const HTTP_500 = '{"message":"Internal Server Error"}'

  it('infers a 200 application/json from a result without statusCode: a string as it is, other JSON as JSON text', () => {
    const s = answer(http, 'Hello from Lambda!')
    expect([s.status, s.text, headerValues(s.headers, 'content-type'), s.verdict.valid]).toEqual([200, 'Hello from Lambda!', ['application/json'], true])
    const o = answer(http, { message: 'Hello from Lambda!' })
    expect(o.text).toBe('{"message":"Hello from Lambda!"}')
  })

  it('warns when the function returned nothing (a 200 whose body is null)', () => {
    const r = answer(http, null)
    expect([r.status, r.text, r.warnings]).toEqual([200, 'null', ['NullResult']])
  })

  it('makes each entry of cookies a set-cookie header', () => {
    const r = answer(http, { statusCode: 201, headers: { 'content-type': 'text/plain' }, cookies: ['a=1; HttpOnly', 'b=2'], body: 'ok' })
    expect([r.status, headerValues(r.headers, 'set-cookie')]).toEqual([201, ['a=1; HttpOnly', 'b=2']])
    expect(headerValues(r.headers, 'apigw-requestid')).toEqual([r.event.requestContext.requestId])
  })

  it('does not send multiValueHeaders (2.0 has none), with a warning', () => {
    const r = answer(http, { statusCode: 200, headers: { 'content-type': 'text/plain' }, multiValueHeaders: { 'x-a': ['1', '2'] }, body: '' })
    expect([headerValues(r.headers, 'x-a'), r.warnings]).toEqual([[], ['MultiValueHeadersIgnored']])
  })

  it('decodes a base64 body', () => {
    const r = answer(http, { statusCode: 200, headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from([1, 2, 255]).toString('base64'), isBase64Encoded: true })
    expect(Buffer.from(r.body)).toEqual(Buffer.from([1, 2, 255]))
  })

  for (const [what, result, code] of [
    ['a statusCode that is not a status', { statusCode: 'ok' }, 'StatusCode'],
    ['an object body', { statusCode: 200, body: { a: 1 } }, 'Body'],
    ['cookies that are not an array of strings', { statusCode: 200, cookies: 'a=1' }, 'Cookies'],
    ['a body that is not base64', { statusCode: 200, body: '%%%', isBase64Encoded: true }, 'Base64Body'],
  ] as const) {
    it(`answers 500 {"message":"Internal Server Error"} for ${what} (${code})`, () => {
      const r = answer(http, result)
      expect([r.status, r.text, r.codes]).toEqual([500, HTTP_500, [code]])
    })
  }

  it('answers 500 for a throw or the function timing out, 503 when the integration timeout passes first', () => {
    expect(answer(http, threw).status).toBe(500)
    expect(answer(http, timedOut).text).toBe(HTTP_500)
    const r = answer(http, gaveUp)
    expect([r.status, r.codes]).toEqual([503, ['IntegrationTimeout']])
  })
})

describe('function URL results', () => {
  const url: IntegrationSettings = { integration: 'url' }

  it('infers a 200 application/json whose body is the JSON text of the result, a string included', () => {
    const r = answer(url, 'Hello, world!')
    expect([r.status, r.text, headerValues(r.headers, 'content-type')]).toEqual([200, '"Hello, world!"', ['application/json']])
  })

  it('makes cookies set-cookie headers and names the request in x-amzn-RequestId', () => {
    const r = answer(url, { statusCode: 201, headers: { 'Content-Type': 'application/json', 'My-Custom-Header': 'Custom Value' }, body: '{"message":"Hello, world!"}', cookies: ['Cookie_1=Value1; Expires=21 Oct 2021 07:48 GMT', 'Cookie_2=Value2; Max-Age=78000'], isBase64Encoded: false })
    expect([r.status, headerValues(r.headers, 'my-custom-header'), headerValues(r.headers, 'set-cookie').length]).toEqual([201, ['Custom Value'], 2])
    expect(headerValues(r.headers, 'x-amzn-requestid')).toEqual([r.event.requestContext.requestId])
  })

  it('answers a 5xx for a throw, a timeout or a malformed result', () => {
    for (const out of [threw, timedOut, crashed]) expect(answer(url, out).status).toBe(502)
    expect(answer(url, { statusCode: 99 }).codes).toEqual(['StatusCode'])
    expect(answer(url, { statusCode: 99 }).status).toBe(502)
  })
})

describe('ALB results', () => {
  const alb: IntegrationSettings = { integration: 'alb' }
  const mv: IntegrationSettings = { integration: 'alb', multiValueHeaders: true }

  it('sends statusCode, statusDescription, headers and body', () => {
    const r = answer(alb, { isBase64Encoded: false, statusCode: 200, statusDescription: '200 OK', headers: { 'Set-cookie': 'cookies', 'Content-Type': 'application/json' }, body: 'Hello from Lambda (optional)' })
    expect([r.status, r.statusText, r.text, r.verdict.valid, r.warnings]).toEqual([200, 'OK', 'Hello from Lambda (optional)', true, []])
    expect(headerValues(r.headers, 'set-cookie')).toEqual(['cookies'])
  })

  it('with multi-value headers, sends each cookie of multiValueHeaders and drops headers, with a warning', () => {
    const r = answer(mv, { statusCode: 200, multiValueHeaders: { 'Set-cookie': ['a=1;Secure', 'b=2'], 'Content-Type': ['application/json'] }, headers: { 'X-Lost': 'yes' }, body: '{}' })
    expect(headerValues(r.headers, 'set-cookie')).toEqual(['a=1;Secure', 'b=2'])
    expect([headerValues(r.headers, 'x-lost'), r.warnings]).toEqual([[], ['AlbHeadersIgnored']])
  })

  it('without them, drops multiValueHeaders, with a warning', () => {
    const r = answer(alb, { statusCode: 200, headers: { 'Content-Type': 'text/plain' }, multiValueHeaders: { 'Set-cookie': ['a=1', 'b=2'] }, body: 'x' })
    expect([headerValues(r.headers, 'set-cookie'), r.warnings]).toEqual([[], ['AlbHeadersIgnored']])
  })

  it('drops hop-by-hop headers and Content-Length (the load balancer computes it)', () => {
    const r = answer(alb, { statusCode: 200, headers: { 'Content-Type': 'text/plain', Connection: 'close', 'Transfer-Encoding': 'chunked', 'Content-Length': '1' }, body: 'abc' })
    expect(r.headers.map(([k]) => k.toLowerCase()).filter((k) => k !== 'content-type')).toEqual([])
    expect(r.warnings).toEqual(['HopByHopHeader', 'HopByHopHeader'])
  })

  it('sends no Content-Type when the result has none, and warns (what the load balancer sends is not documented)', () => {
    const r = answer(alb, { statusCode: 200, body: 'plain' })
    expect([headerValues(r.headers, 'content-type'), r.warnings]).toEqual([[], ['NoContentType']])
  })

  it('decodes a base64 body', () => {
    const r = answer(alb, { statusCode: 200, headers: { 'Content-Type': 'image/gif' }, body: 'R0lGODlh', isBase64Encoded: true })
    expect(Buffer.from(r.body).toString('latin1')).toBe('GIF89a')
  })

  for (const [what, result, code] of [
    ['a result that is not an object', 'hello', 'AlbInvalidResponse'],
    ['no statusCode', { body: 'x' }, 'AlbStatusCode'],
    ['an object body', { statusCode: 200, body: [] }, 'AlbBody'],
    ['a body that is not base64', { statusCode: 200, body: 'ab*', isBase64Encoded: true }, 'AlbBase64Body'],
    ['response JSON over 1 MB', { statusCode: 200, body: 'a'.repeat(1024 * 1024) }, 'AlbResponseTooLarge'],
  ] as const) {
    it(`answers its 502 page for ${what} (${code})`, () => {
      const r = answer(alb, result)
      expect([r.status, r.codes]).toEqual([502, [code]])
      expect(r.text).toContain('<h1>502 Bad Gateway</h1>')
      expect(headerValues(r.headers, 'server')).toEqual(['awselb/2.0'])
    })
  }

  it('answers 502 for a throw and for the function timing out', () => {
    expect([answer(alb, threw).status, answer(alb, threw).codes]).toEqual([502, ['FunctionError']])
    expect([answer(alb, timedOut).status, answer(alb, timedOut).verdict.violations[0]?.source]).toEqual([502, 'ELB-TROUBLE'])
  })
})

describe('an outcome whose JSON does not parse', () => {
  it('is a function error, not a crash', () => {
    const api = createIntegration({ integration: 'url' })
    const { response, verdict } = api.respond(api.event(GET).event, { ok: true, json: '{"statusCode":' })
    expect([response.status, verdict.violations[0]?.code]).toEqual([502, 'FunctionResultNotJson'])
  })
})
