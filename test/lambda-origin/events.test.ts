import { describe, expect, it } from 'vitest'
import { createIntegration, type Integration, type IntegrationSettings, type OriginRequest } from '../../src/lambda-origin/index.js'
import { keyPaths, sample, SAMPLES_DIR } from './helpers.js'

/** A request with everything an event can carry: repeated headers and cookies, a repeated query, a body. */
const FULL: OriginRequest = {
  method: 'POST',
  path: '/prod/my/path?parameter1=value1&parameter1=value2&parameter2=value',
  headers: [
    ['Host', 'api.example.com'],
    ['User-Agent', 'agent'],
    ['Header1', 'value1'],
    ['Header2', 'value1'],
    ['Header2', 'value2'],
    ['Cookie', 'cookie1=a; cookie2=b'],
    ['Content-Type', 'text/plain'],
    ['X-Forwarded-For', '192.0.2.1'],
  ],
  body: 'Hello from client!',
  remoteIp: '198.51.100.10',
}

const build = (settings: IntegrationSettings, req: OriginRequest = FULL) => createIntegration(settings).event(req).event

/** Objects the integration leaves `null` behind CloudFront (no mutual TLS, no authorizer): compared by name. */
const unused = (paths: string[], nullKeys: string[]): string[] => paths.filter((p) => !nullKeys.some((k) => p.startsWith(`${k}.`)))

describe.skipIf(SAMPLES_DIR === undefined)('events have the key sets of AWS samples, nested keys included', () => {
  it('REST API (payload 1.0): apigateway-rest.json', () => {
    const ours = build({ integration: 'rest', stageVariables: { v: '1' } })
    expect(keyPaths(ours)).toEqual(unused(keyPaths(sample('apigateway-rest.json')), ['requestContext.identity.clientCert']))
  })

  it('HTTP API (payload 2.0): apigateway-http.json (pathParameters only with a route that has some)', () => {
    const ours = build({ integration: 'http', stageVariables: { stageVariable1: 'value1' } })
    const theirs = unused(keyPaths(sample('apigateway-http.json')), ['requestContext.authentication', 'requestContext.authorizer'])
    expect(keyPaths(ours)).toEqual(theirs.filter((p) => p !== 'pathParameters'))
  })

  it('function URL: function-url.json', () => {
    const ours = build({ integration: 'url' })
    expect(keyPaths(ours)).toEqual(unused(keyPaths(sample('function-url.json')), ['requestContext.authorizer']))
  })

  it('ALB, multi-value headers disabled: alb.json', () => {
    expect(keyPaths(build({ integration: 'alb' }))).toEqual(keyPaths(sample('alb.json')))
  })

  it('ALB, multi-value headers enabled: alb-multi-value.json', () => {
    expect(keyPaths(build({ integration: 'alb', multiValueHeaders: true }))).toEqual(keyPaths(sample('alb-multi-value.json')))
  })
})

describe('REST API event (payload 1.0)', () => {
  it('takes the stage off path, keeps it in requestContext.path, and routes through the {proxy+} resource', () => {
    const e = build({ integration: 'rest' }) as any
    expect(e.path).toBe('/my/path')
    expect(e.requestContext.path).toBe('/prod/my/path')
    expect(e.resource).toBe('/{proxy+}')
    expect(e.requestContext.resourcePath).toBe('/{proxy+}')
    expect(e.pathParameters).toEqual({ proxy: 'my/path' })
    expect(e.requestContext.stage).toBe('prod')
  })

  it('serves the stage root through the root resource, without path parameters', () => {
    const e = build({ integration: 'rest' }, { method: 'GET', path: '/prod' }) as any
    expect([e.path, e.resource, e.pathParameters]).toEqual(['/', '/', null])
  })

  it('takes a path without the stage as coming through a custom domain mapped at its root', () => {
    const e = build({ integration: 'rest', stage: 'v1' }, { method: 'GET', path: '/orders/7' }) as any
    expect([e.path, e.requestContext.path, e.pathParameters]).toEqual(['/orders/7', '/orders/7', { proxy: 'orders/7' }])
  })

  it('lists repeated headers and query parameters in full in the multi-value maps, the last value in the single ones', () => {
    const e = build({ integration: 'rest' }) as any
    expect(e.multiValueQueryStringParameters).toEqual({ parameter1: ['value1', 'value2'], parameter2: ['value'] })
    expect(e.queryStringParameters).toEqual({ parameter1: 'value2', parameter2: 'value' })
    expect(e.multiValueHeaders.Header2).toEqual(['value1', 'value2'])
    expect(e.headers.Header2).toBe('value2')
    // header names keep the client's spelling
    expect(Object.keys(e.headers)).toContain('User-Agent')
  })

  it('decodes query parameters, and sends null for what the request does not have', () => {
    const e = build({ integration: 'rest' }, { method: 'GET', path: '/prod/x?q=a%20b%2Fc' }) as any
    expect(e.queryStringParameters).toEqual({ q: 'a b/c' })
    expect([e.body, e.isBase64Encoded, e.stageVariables]).toEqual([null, false, null])
    const bare = build({ integration: 'rest' }, { method: 'GET', path: '/prod/x' }) as any
    expect([bare.queryStringParameters, bare.multiValueQueryStringParameters]).toEqual([null, null])
  })

  it('has API Gateway-like ids, times and names', () => {
    const e = build({ integration: 'rest', region: 'eu-west-1', name: 'orders' }) as any
    const rc = e.requestContext
    expect(rc.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(rc.extendedRequestId).toMatch(/^[A-Za-z0-9+/]{15}=$/)
    expect(rc.apiId).toMatch(/^[a-z0-9]{10}$/)
    expect(rc.domainName).toBe(`${rc.apiId}.execute-api.eu-west-1.amazonaws.com`)
    expect(rc.domainPrefix).toBe(rc.apiId)
    expect(rc.requestTime).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/)
    expect(Math.abs(rc.requestTimeEpoch - Date.now())).toBeLessThan(60_000)
    expect(rc.identity.userAgent).toBe('agent')
    expect(e.headers['X-Amzn-Trace-Id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/)
  })

  it("takes sourceIp from the viewer's X-Forwarded-For and appends the connection's address to the header", () => {
    const e = build({ integration: 'rest' }) as any
    expect(e.requestContext.identity.sourceIp).toBe('192.0.2.1')
    expect(e.headers['X-Forwarded-For']).toBe('192.0.2.1, 198.51.100.10')
    expect([e.headers['X-Forwarded-Proto'], e.headers['X-Forwarded-Port']]).toEqual(['https', '443'])
    const direct = build({ integration: 'rest' }, { method: 'GET', path: '/prod/', remoteIp: '203.0.113.9' }) as any
    expect(direct.requestContext.identity.sourceIp).toBe('203.0.113.9')
  })

  it('base64-encodes a body whose Content-Type is one of binaryMediaTypes', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0xff])
    const api = createIntegration({ integration: 'rest', binaryMediaTypes: ['image/*'] })
    const e = api.event({ method: 'PUT', path: '/prod/img', headers: { 'Content-Type': 'image/png' }, body: png }).event as any
    expect(e.isBase64Encoded).toBe(true)
    expect(Buffer.from(e.body, 'base64')).toEqual(Buffer.from(png))
  })

  it('passes other bodies as UTF-8 text, and warns when the bytes are not UTF-8 (API Gateway loses them)', () => {
    const api = createIntegration({ integration: 'rest' })
    const built = api.event({ method: 'PUT', path: '/prod/img', headers: { 'Content-Type': 'image/png' }, body: Uint8Array.from([0xff, 0x41]) })
    expect((built.event as any).isBase64Encoded).toBe(false)
    expect(built.warnings.map((w) => w.code)).toEqual(['RestBinaryRequestBody'])
    const ok = api.event({ method: 'PUT', path: '/prod/t', headers: { 'Content-Type': 'text/plain' }, body: 'héllo' })
    expect([(ok.event as any).body, ok.warnings]).toEqual(['héllo', []])
  })
})

describe('HTTP API event (payload 2.0)', () => {
  it('lowercases header names and combines repeated headers and query parameters with commas', () => {
    const e = build({ integration: 'http' }) as any
    expect(e.headers.header2).toBe('value1,value2')
    expect(e.queryStringParameters).toEqual({ parameter1: 'value1,value2', parameter2: 'value' })
    expect(e.rawQueryString).toBe('parameter1=value1&parameter1=value2&parameter2=value')
    expect(Object.keys(e.headers).every((k) => k === k.toLowerCase())).toBe(true)
  })

  it('puts every cookie in cookies, one entry each, and not in headers', () => {
    const e = build({ integration: 'http' }, { method: 'GET', path: '/', headers: [['Cookie', 'a=1; b=2'], ['cookie', 'c=3']] }) as any
    expect(e.cookies).toEqual(['a=1', 'b=2', 'c=3'])
    expect(e.headers.cookie).toBeUndefined()
  })

  it('leaves out what a GET without them does not have, and uses the $default stage and route', () => {
    const e = build({ integration: 'http' }, { method: 'GET', path: '/items' }) as any
    for (const k of ['cookies', 'queryStringParameters', 'body', 'pathParameters', 'stageVariables']) expect(e).not.toHaveProperty(k)
    expect([e.routeKey, e.requestContext.routeKey, e.requestContext.stage, e.rawPath, e.requestContext.http.path]).toEqual(['$default', '$default', '$default', '/items', '/items'])
    expect(e.isBase64Encoded).toBe(false)
  })

  it("has the HTTP API's ids and names, and the viewer's address as sourceIp", () => {
    const e = build({ integration: 'http' }) as any
    expect(e.requestContext.requestId).toMatch(/^[A-Za-z0-9+/]{15}=$/)
    expect(e.requestContext.domainName).toMatch(/^[a-z0-9]{10}\.execute-api\.us-east-1\.amazonaws\.com$/)
    expect(e.requestContext.http).toEqual({ method: 'POST', path: '/prod/my/path', protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'agent' })
    expect(e.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/)
  })

  it('sends text bodies as they are and others base64-encoded', () => {
    const api = createIntegration({ integration: 'http' })
    const json = api.event({ method: 'POST', path: '/', headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"a":1}' }).event as any
    expect([json.body, json.isBase64Encoded]).toEqual(['{"a":1}', false])
    const form = api.event({ method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' }).event as any
    expect([form.body, form.isBase64Encoded]).toEqual([Buffer.from('a=1').toString('base64'), true])
  })
})

describe('function URL event', () => {
  it("has the function URL's id and domain, the invocation's request id, and the connection's address as sourceIp", () => {
    const built = createIntegration({ integration: 'url', region: 'us-west-2' }).event(FULL, { awsRequestId: 'e1506fd5-9e7b-434f-bd42-4f8fa224b599' })
    const e = built.event as any
    expect(e.requestContext.apiId).toMatch(/^[a-z0-9]{32}$/)
    expect(e.requestContext.domainName).toBe(`${e.requestContext.apiId}.lambda-url.us-west-2.on.aws`)
    expect(e.requestContext.requestId).toBe('e1506fd5-9e7b-434f-bd42-4f8fa224b599')
    expect(e.requestContext.http.sourceIp).toBe('198.51.100.10')
    expect([e.pathParameters, e.stageVariables, e.requestContext.authentication, e.requestContext.authorizer]).toEqual([null, null, null, null])
  })
})

describe('ALB event', () => {
  const req: OriginRequest = { method: 'GET', path: '/search?name=tony&name=chou&q=a%20b', headers: [['Accept', 'text/html'], ['Cookie', 'name1=value1'], ['Cookie', 'name2=value2']] }

  it('keeps the last value of a repeated query parameter or header when multi-value headers are disabled', () => {
    const e = build({ integration: 'alb' }, req) as any
    expect(e.queryStringParameters).toEqual({ name: 'chou', q: 'a%20b' })
    expect(e.headers.cookie).toBe('name2=value2')
    expect(e).not.toHaveProperty('multiValueHeaders')
    expect(e).not.toHaveProperty('multiValueQueryStringParameters')
  })

  it('sends every value when they are enabled', () => {
    const e = build({ integration: 'alb', multiValueHeaders: true }, req) as any
    expect(e.multiValueQueryStringParameters).toEqual({ name: ['tony', 'chou'], q: ['a%20b'] })
    expect(e.multiValueHeaders.cookie).toEqual(['name1=value1', 'name2=value2'])
    expect(e).not.toHaveProperty('headers')
  })

  it('adds X-Forwarded-For, -Port, -Proto and X-Amzn-Trace-Id, with lowercase names', () => {
    const e = build({ integration: 'alb' }, { ...req, protocol: 'http', remoteIp: '72.21.198.67' }) as any
    expect(e.headers['x-forwarded-for']).toBe('72.21.198.67')
    expect([e.headers['x-forwarded-port'], e.headers['x-forwarded-proto']]).toEqual(['80', 'http'])
    expect(e.headers['x-amzn-trace-id']).toMatch(/^Root=1-/)
    expect(e.requestContext.elb.targetGroupArn).toMatch(/^arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup\/api\/[0-9a-f]{16}$/)
  })

  it('sends text/*, application/json, application/javascript and application/xml as text, anything else (or an encoded body) base64', () => {
    const api = createIntegration({ integration: 'alb' })
    const body = (type: string | undefined, encoding?: string) => {
      const headers: [string, string][] = []
      if (type) headers.push(['Content-Type', type])
      if (encoding) headers.push(['Content-Encoding', encoding])
      const e = api.event({ method: 'POST', path: '/', headers, body: 'x=1' }).event as any
      return e.isBase64Encoded ? `base64:${e.body}` : e.body
    }
    expect(['text/csv', 'application/json', 'application/javascript', 'application/xml'].map((t) => body(t))).toEqual(['x=1', 'x=1', 'x=1', 'x=1'])
    expect(body('application/octet-stream')).toBe('base64:eD0x')
    expect(body(undefined)).toBe('base64:eD0x')
    expect(body('application/json', 'gzip')).toBe('base64:eD0x')
    const empty = api.event({ method: 'GET', path: '/' }).event as any
    expect([empty.body, empty.isBase64Encoded]).toEqual(['', false])
  })
})

describe('requests over a size limit are answered without invoking the function', () => {
  const big = (bytes: number) => new Uint8Array(bytes).fill(0x61)
  const post = (integration: Integration, bytes: number) =>
    createIntegration({ integration }).event({ method: 'POST', path: '/', headers: { 'content-type': 'text/plain' }, body: big(bytes) })

  it("ALB: a body over 1 MB is a 413", () => {
    const b = post('alb', 1024 * 1024 + 1)
    expect(b.rejected?.response.status).toBe(413)
    expect(b.rejected?.verdict.violations[0]).toMatchObject({ code: 'RequestTooLarge', source: 'ELB-TROUBLE' })
    expect(post('alb', 1024 * 1024).rejected).toBeUndefined()
  })

  it("REST and HTTP APIs: a body over 10 MB is a 413", () => {
    for (const i of ['rest', 'http'] as const) {
      const b = post(i, 10 * 1024 * 1024 + 1)
      expect(b.rejected?.response.status).toBe(413)
      expect(b.rejected?.verdict.violations[0]?.code).toBe('RequestTooLarge')
    }
  })

  it("an event over Lambda's 6 MB payload: REST 500, HTTP API 500, function URL 413", () => {
    const expected = { rest: 500, http: 500, url: 413 } as const
    for (const i of ['rest', 'http', 'url'] as const) {
      const b = post(i, 6 * 1024 * 1024)
      expect(b.rejected?.response.status, i).toBe(expected[i])
      expect(b.rejected?.verdict.violations[0]?.code).toBe('LambdaRequestTooLarge')
    }
    expect(Buffer.from(post('rest', 6 * 1024 * 1024).rejected!.response.body).toString()).toBe('{"message": "Internal server error"}')
    expect(post('url', 5 * 1024 * 1024).rejected).toBeUndefined()
  })
})

describe('settings that break a rule are refused with the rule and the value', () => {
  const bad: [IntegrationSettings, string, RegExp][] = [
    [{ integration: 'grpc' as Integration }, 'Integration', /integration must be one of rest, http, alb, url, got "grpc"/],
    [{ integration: 'rest', integrationTimeoutMs: 30_000 }, 'IntegrationTimeout', /from 50 ms to 29000 ms, got 30000/],
    [{ integration: 'http', integrationTimeoutMs: 31_000 }, 'IntegrationTimeout', /from 50 ms to 30000 ms, got 31000/],
    [{ integration: 'alb', integrationTimeoutMs: 1000 }, 'IntegrationTimeout', /API Gateway \(rest, http\) only/],
    [{ integration: 'rest', stage: '$default' }, 'Stage', /alphanumeric characters, hyphens, and underscores.*"\$default"/],
    [{ integration: 'url', stage: 'prod' }, 'Stage', /only API Gateway APIs have stages/],
    [{ integration: 'rest', multiValueHeaders: true }, 'MultiValueHeaders', /ALB target group attribute/],
    [{ integration: 'http', binaryMediaTypes: ['*/*'] }, 'BinaryMediaTypes', /REST API setting/],
    [{ integration: 'http', region: 'moon' }, 'Region', /got "moon"/],
  ]
  for (const [settings, code, message] of bad) {
    it(`${code}: ${JSON.stringify(settings)}`, () => {
      expect(() => createIntegration(settings)).toThrow(expect.objectContaining({ name: 'OriginConfigError', code, message: expect.stringMatching(message) }))
    })
  }
})

describe('a request that is not one is refused with what is wrong', () => {
  const api = createIntegration({ integration: 'http' })
  const bad: [unknown, RegExp][] = [
    [{ method: 'GET /', path: '/' }, /request\.method must be an HTTP method, got "GET \/"/],
    [{ method: 'GET', path: 'items' }, /request\.path must start with "\/", got "items"/],
    [{ method: 'GET', path: '/', headers: { 'x-n': 1 } }, /request headers must be name\/value strings, got "x-n": number/],
    [{ method: 'GET', path: '/', headers: [['x-a']] }, /request headers must be name\/value strings, got "x-a": undefined/],
    [{ method: 'POST', path: '/', body: { a: 1 } }, /request\.body must be a string or a Uint8Array, got object/],
  ]
  for (const [req, message] of bad) {
    it(JSON.stringify(req), () => {
      expect(() => api.event(req as OriginRequest)).toThrow(message)
    })
  }

  it('takes Fetch Headers as they are', () => {
    const e = api.event({ method: 'GET', path: '/', headers: new Headers({ 'X-A': '1', cookie: 'a=1' }) }).event as any
    expect([e.headers['x-a'], e.cookies]).toEqual(['1', ['a=1']])
  })
})
