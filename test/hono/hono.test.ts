import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Hono } from 'hono'
import { Hono as TinyHono } from 'hono/tiny'
import { cors as honoCors } from 'hono/cors'
import { EdgeRuleError, originRequest, originResponse, viewerRequest } from 'edgeware'
import { createEvent, EdgeExecutionError, invoke, samples } from 'edgeware/testing'
import { hono, type EdgeBindings } from 'edgeware/hono'
import { asRequest, asResponse, expectRefused, header, headerAll, quietErrors } from '../middleware/helpers.js'

let restore: () => void
beforeAll(() => {
  restore = quietErrors()
})
afterAll(() => restore())

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x80])
let customNotFoundRan = 0

const app = new Hono<{ Bindings: EdgeBindings }>()
app.use('*', async (c, next) => {
  await next()
  c.header('x-powered-by', 'hono-at-the-edge')
})
app.get('/api/hello', (c) => c.text('hello edge'))
app.get('/api/json', (c) => c.json({ ok: true, requestId: c.env.edge.requestId, stage: c.env.edge.stage, q: c.req.query('q') }))
app.get('/api/image.png', (c) => c.body(png, 200, { 'content-type': 'image/png' }))
app.get('/api/cookies', (c) => {
  c.header('set-cookie', 'a=1; Path=/', { append: true })
  c.header('set-cookie', 'b=2; Path=/', { append: true })
  return c.body(null, 204)
})
app.post('/api/echo', async (c) => c.json({ got: await c.req.json(), type: c.req.header('content-type') }, 201))
app.post('/api/bytes', async (c) => c.text(String((await c.req.arrayBuffer()).byteLength)))
app.get('/api/big', (c) => c.text('x'.repeat(50 * 1024)))
app.get('/api/boom', () => {
  throw new Error('boom')
})
app.notFound((c) => {
  customNotFoundRan++
  return c.text('custom 404', 404)
})

const handler = viewerRequest(hono(app))

describe('hono(app)', () => {
  it('turns a matched text route into a generated response', async () => {
    const res = asResponse(await invoke(handler, createEvent('viewer-request', { uri: '/api/hello' })))
    expect(res.status).toBe('200')
    expect(res.body).toBe('hello edge')
    expect(res.bodyEncoding).toBe('text')
    expect(header(res.headers, 'content-type')).toMatch(/^text\/plain/)
    expect(header(res.headers, 'x-powered-by')).toBe('hono-at-the-edge')
  })

  it('gives the app the edgeware context and the query string', async () => {
    const event = createEvent('viewer-request', { uri: '/api/json', querystring: 'q=caf%C3%A9' })
    const res = asResponse(await invoke(handler, event))
    expect(JSON.parse(res.body!)).toEqual({ ok: true, requestId: event.Records[0]!.cf.config.requestId, stage: 'viewer-request', q: 'café' })
  })

  it('sends binary bodies base64-encoded, byte for byte', async () => {
    const res = asResponse(await invoke(handler, createEvent('viewer-request', { uri: '/api/image.png' })))
    expect(res.bodyEncoding).toBe('base64')
    expect(new Uint8Array(Buffer.from(res.body!, 'base64'))).toEqual(png)
  })

  it('keeps each Set-Cookie as a separate header and a 204 without a body', async () => {
    const res = asResponse(await invoke(handler, createEvent('viewer-request', { uri: '/api/cookies' })))
    expect(res.status).toBe('204')
    expect('body' in res).toBe(false)
    expect(headerAll(res.headers, 'set-cookie')).toEqual(['a=1; Path=/', 'b=2; Path=/'])
  })

  it('passes the IncludeBody body to the app', async () => {
    const event = createEvent('viewer-request', { uri: '/api/echo', body: JSON.stringify({ name: 'Zoë' }), headers: { 'content-type': 'application/json' } })
    const res = asResponse(await invoke(handler, event))
    expect(res.status).toBe('201')
    expect(JSON.parse(res.body!)).toEqual({ got: { name: 'Zoë' }, type: 'application/json' })
    const bytes = new Uint8Array(3000).map((_, i) => i % 256)
    const r2 = asResponse(await invoke(handler, createEvent('viewer-request', { uri: '/api/bytes', body: bytes })))
    expect(r2.body).toBe('3000')
  })

  it("passes unmatched routes on unchanged, without running the app's notFound", async () => {
    customNotFoundRan = 0
    const event = createEvent('viewer-request', { uri: '/index.html', querystring: 'x=1' })
    const before = structuredClone(event.Records[0]!.cf.request)
    const req = asRequest(await invoke(handler, event))
    expect(req).toEqual(before)
    // a path that exists for another method is unmatched too
    expect(asRequest(await invoke(handler, createEvent('viewer-request', { uri: '/api/echo', method: 'GET' }))).uri).toBe('/api/echo')
    expect(customNotFoundRan).toBe(0)
  })

  it("lets the app answer unmatched routes with notFound: 'app'", async () => {
    const h = viewerRequest(hono(app, { notFound: 'app' }))
    const res = asResponse(await invoke(h, createEvent('viewer-request', { uri: '/nope' })))
    expect(res.status).toBe('404')
    expect(res.body).toBe('custom 404')
  })

  it('runs after other middleware and before the origin in origin-request', async () => {
    const h = originRequest(
      async (c, next) => {
        c.request.uri = '/api' + c.request.uri
        await next()
      },
      hono(app),
    )
    const res = asResponse(await invoke(h, createEvent('origin-request', { uri: '/hello' })))
    expect(res.body).toBe('hello edge')
    const passed = asRequest(await invoke(h, createEvent('origin-request', { uri: '/missing' })))
    expect(passed.uri).toBe('/api/missing')
    expect(passed.origin?.custom?.domainName).toBe('example.org')
  })

  it("reads the AWS S3 IncludeBody sample's form body in origin-request", async () => {
    const forms = new Hono()
    forms.post('/form', async (c) => c.json(await c.req.parseBody()))
    const res = asResponse(await invoke(originRequest(hono(forms)), structuredClone(samples.originRequestS3BodySample)))
    expect(JSON.parse(res.body!)).toEqual({ name: 'John', email: 'john@example.com' })
  })

  it('throws a clear ResponseTooLarge error instead of returning an oversize response', async () => {
    const err = await invoke(handler, createEvent('viewer-request', { uri: '/api/big' })).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(EdgeExecutionError)
    const cause = (err as EdgeExecutionError).cause as EdgeRuleError
    expect(cause).toBeInstanceOf(EdgeRuleError)
    expect(cause.rule).toBe('ResponseTooLarge')
    expect(cause.message).toMatch(/40960/)
    // origin-request allows 1 MB
    const big = asResponse(await invoke(originRequest(hono(app)), createEvent('origin-request', { uri: '/api/big' })))
    expect(big.body).toHaveLength(50 * 1024)
  })

  it('turns an unhandled error into Hono’s 500, like any Hono runtime', async () => {
    const res = asResponse(await invoke(handler, createEvent('viewer-request', { uri: '/api/boom' })))
    expect(res.status).toBe('500')
  })

  it('works with hono/tiny, HEAD requests and Hono middleware such as cors', async () => {
    const tiny = new TinyHono()
    tiny.use('/api/*', honoCors({ origin: 'https://app.example.com' }))
    tiny.get('/api/t', (c) => c.text('tiny'))
    const h = viewerRequest(hono(tiny))
    const res = asResponse(await invoke(h, createEvent('viewer-request', { uri: '/api/t', headers: { origin: 'https://app.example.com' } })))
    expect(res.body).toBe('tiny')
    expect(header(res.headers, 'access-control-allow-origin')).toBe('https://app.example.com')
    const head = asResponse(await invoke(h, createEvent('viewer-request', { uri: '/api/t', method: 'HEAD' })))
    expect(head.status).toBe('200')
    expect(head.body).toBeUndefined()
    // middleware-only matches (cors on /api/*) still pass an unmatched route on
    expect(asRequest(await invoke(h, createEvent('viewer-request', { uri: '/api/none' }))).uri).toBe('/api/none')
    // nothing routed at all (the fast path, no Fetch objects built)
    const event = createEvent('viewer-request', { uri: '/index.html', querystring: 'a=1' })
    const before = structuredClone(event.Records[0]!.cf.request)
    expect(asRequest(await invoke(h, event))).toEqual(before)
  })

  it("keeps the app's path handling: strict: false and a custom getPath", async () => {
    const loose = new Hono({ strict: false })
    loose.get('/api/t', (c) => c.text('loose'))
    const h = viewerRequest(hono(loose))
    expect(asResponse(await invoke(h, createEvent('viewer-request', { uri: '/api/t/' }))).body).toBe('loose')
    expect(asRequest(await invoke(h, createEvent('viewer-request', { uri: '/api/x/' }))).uri).toBe('/api/x/')
    // host-based routing through getPath (Hono docs' pattern): the Host header must reach the app
    const byHost = new Hono({ getPath: (req) => '/' + req.headers.get('host') + new URL(req.url).pathname })
    byHost.get('/d111111abcdef8.cloudfront.net/hi', (c) => c.text('host route'))
    const hh = viewerRequest(hono(byHost))
    expect(asResponse(await invoke(hh, createEvent('viewer-request', { uri: '/hi' }))).body).toBe('host route')
    expect(asRequest(await invoke(hh, createEvent('viewer-request', { uri: '/other' }))).uri).toBe('/other')
  })

  it('refuses response stages and non-apps', async () => {
    await expectRefused(originResponse(hono(app) as never), createEvent('origin-response'), 'hono', 'origin-response')
    expect(() => hono({} as never)).toThrow(/Hono app/)
  })
})
