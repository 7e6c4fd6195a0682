import { Hono } from 'hono'
import { handle } from 'hono/aws-lambda'
import { describe, expect, it } from 'vitest'
import { createEvent, invokeOrigin, type AlbEvent, type HttpApiEvent, type RestApiEvent } from 'edgeware/testing'

describe("createEvent for a Lambda origin's integration", () => {
  it('apigateway-rest: the path the function sees, behind the stage, with the query and cookies', () => {
    const e = createEvent('apigateway-rest', { path: '/orders/7', querystring: '?id=1&id=2', cookies: { session: 'a b' } })
    expect([e.path, e.requestContext.path, e.httpMethod, e.resource]).toEqual(['/orders/7', '/prod/orders/7', 'GET', '/{proxy+}'])
    expect(e.multiValueQueryStringParameters).toEqual({ id: ['1', '2'] })
    expect(e.headers?.Cookie).toBe('session=a%20b')
    expect(e.requestContext.identity.sourceIp).toBe('203.0.113.178')
    expect(e.headers?.Host).toBe(e.requestContext.domainName)
  })

  it('apigateway-http: a POST with a body, the viewer IP given, a JWT authorizer', () => {
    const e = createEvent('apigateway-http', { uri: '/items', body: '{"a":1}', headers: { 'Content-Type': 'application/json' }, clientIp: '192.0.2.7', authorizer: { jwt: { claims: { sub: 'u1' }, scopes: null } } })
    expect([e.requestContext.http.method, e.rawPath, e.body, e.isBase64Encoded]).toEqual(['POST', '/items', '{"a":1}', false])
    expect(e.requestContext.http.sourceIp).toBe('192.0.2.7')
    expect(e.requestContext.authorizer).toEqual({ jwt: { claims: { sub: 'u1' }, scopes: null } })
  })

  it('alb: repeated query values only with multiValueHeaders', () => {
    const off = createEvent('alb', { querystring: 'name=tony&name=chou' })
    const on = createEvent('alb', { querystring: 'name=tony&name=chou', multiValueHeaders: true })
    expect(off.queryStringParameters).toEqual({ name: 'chou' })
    expect(on.multiValueQueryStringParameters).toEqual({ name: ['tony', 'chou'] })
    expect(on.multiValueHeaders?.host?.[0]).toMatch(/\.elb\.amazonaws\.com$/)
  })

  it('function-url: its own domain, a header removed', () => {
    const e = createEvent('function-url', { headers: { 'user-agent': null } })
    expect(e.requestContext.domainName).toMatch(/\.lambda-url\.us-east-1\.on\.aws$/)
    expect(e.headers['user-agent']).toBeUndefined()
    expect(e.requestContext.http.userAgent).toBe('')
  })

  it('a fixed time', () => {
    const at = Date.UTC(2020, 2, 12, 19, 3, 58, 390)
    const e = createEvent('apigateway-http', { time: new Date(at) })
    expect([e.requestContext.time, e.requestContext.timeEpoch]).toEqual(['12/Mar/2020:19:03:58 +0000', at])
  })

  it('refuses what is not a request', () => {
    expect(() => createEvent('apigateway-rest', { path: 'orders' })).toThrow(/path must start with "\/", got "orders"/)
    expect(() => createEvent('alb', { authorizer: {} })).toThrow(/an ALB event has no authorizer/)
    expect(() => createEvent('apigateway-http', { stage: 'has space' })).toThrow(/stage names can only contain/)
    expect(() => createEvent('websocket' as 'alb')).toThrow(/unknown stage "websocket".*apigateway-rest/)
  })
})

describe('invokeOrigin', () => {
  const plain = async (event: RestApiEvent) => ({ statusCode: 200, multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] }, body: `hello ${event.queryStringParameters?.name ?? 'you'}` })

  it("answers with the integration's HTTP response and a valid verdict", async () => {
    const r = await invokeOrigin(plain, createEvent('apigateway-rest', { querystring: 'name=edge' }))
    expect([r.integration, r.response.status, r.response.text, r.verdict.valid]).toEqual(['rest', 200, 'hello edge', true])
    expect(r.response.headers.filter(([k]) => k === 'Set-Cookie').map(([, v]) => v)).toEqual(['a=1', 'b=2'])
    expect(r.result).toMatchObject({ statusCode: 200 })
  })

  it("answers a throw with the integration's error, the thrown error kept", async () => {
    const r = await invokeOrigin(async () => {
      throw new TypeError('nope')
    }, createEvent('apigateway-http'))
    expect([r.response.status, r.response.text, r.verdict.violations[0]?.code, r.result]).toEqual([500, '{"message":"Internal Server Error"}', 'FunctionError', null])
    expect(r.error).toBeInstanceOf(TypeError)
  })

  it('runs callback-style handlers, and a plain return without callback as null', async () => {
    const cb = await invokeOrigin((_e: AlbEvent, _c, callback) => callback(null, { statusCode: 204, headers: {}, isBase64Encoded: false }), createEvent('alb'))
    expect(cb.response.status).toBe(204)
    const sync = await invokeOrigin(((_e: HttpApiEvent) => ({ statusCode: 201 })) as never, createEvent('function-url'))
    expect([sync.response.status, sync.response.text, sync.verdict.warnings.map((w) => w.code)]).toEqual([200, 'null', ['NullResult']])
  })

  it("times out at the function's timeout, or at the integration's when that comes first", async () => {
    const slow = () => new Promise((r) => setTimeout(() => r({ statusCode: 200 }), 400))
    const t = await invokeOrigin(slow, createEvent('alb'), { timeoutMs: 100 })
    expect([t.response.status, t.verdict.violations[0]?.code]).toEqual([502, 'FunctionTimeout'])
    const i = await invokeOrigin(slow, createEvent('apigateway-rest'), { timeoutMs: 1000, integrationTimeoutMs: 100 })
    expect([i.response.status, i.verdict.violations[0]?.code]).toEqual([504, 'IntegrationTimeout'])
  })

  it('answers a result JSON cannot encode as a function error', async () => {
    const r = await invokeOrigin(async () => ({ statusCode: 200, body: 1n }), createEvent('apigateway-rest'))
    expect([r.response.status, r.verdict.violations[0]?.code]).toEqual([502, 'FunctionResultNotJson'])
  })

  it('gives the function a regional context (the function URL request id is the invocation id)', async () => {
    let ctx: unknown
    const event = createEvent('function-url')
    await invokeOrigin(async (_e: HttpApiEvent, context) => {
      ctx = context
      return 'ok'
    }, event)
    expect(ctx).toMatchObject({ functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:api', awsRequestId: event.requestContext.requestId })
  })

  it('runs a Hono app through hono/aws-lambda with each integration', async () => {
    const app = new Hono()
    app.get('/hi/:who', (c) => c.json({ who: c.req.param('who') }))
    const h = handle(app)
    for (const kind of ['apigateway-rest', 'apigateway-http', 'alb', 'function-url'] as const) {
      const r = await invokeOrigin(h as never, createEvent(kind, { path: '/hi/edge' }))
      expect([kind, r.response.status, JSON.parse(r.response.text), r.verdict.valid]).toEqual([kind, 200, { who: 'edge' }, true])
    }
  })

  it('refuses an event no integration sends, or one missing what its integration sends', async () => {
    await expect(invokeOrigin(plain, { Records: [] })).rejects.toThrow(/not one an API Gateway REST or HTTP API, an ALB or a function URL sends/)
    await expect(invokeOrigin(plain, { httpMethod: 'GET', resource: '/' })).rejects.toThrow(/not a valid rest event:\n  path: path must be a string, got nothing/)
  })
})
