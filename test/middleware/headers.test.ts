import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { originRequest, originResponse, viewerRequest, viewerResponse } from 'edgeware'
import type { CfResponse } from 'edgeware'
import { createEvent, invoke } from 'edgeware/testing'
import { cacheControl, cors, securityHeaders } from 'edgeware/middleware'
import { asRequest, asResponse, expectRefused, header, headerAll, quietErrors } from './helpers.js'

let restore: () => void
beforeAll(() => {
  restore = quietErrors()
})
afterAll(() => restore())

describe('securityHeaders()', () => {
  it('adds the default set in origin-response and viewer-response', async () => {
    for (const [h, stage] of [
      [originResponse(securityHeaders()), 'origin-response'],
      [viewerResponse(securityHeaders()), 'viewer-response'],
    ] as const) {
      const res = (await invoke(h, createEvent(stage))) as CfResponse
      expect(header(res.headers, 'strict-transport-security')).toBe('max-age=63072000; includeSubDomains')
      expect(header(res.headers, 'x-content-type-options')).toBe('nosniff')
      // the sample origin sent X-Frame-Options: DENY; overriding keeps exactly one entry
      expect(headerAll(res.headers, 'x-frame-options')).toEqual(['DENY'])
      // the sample's Referrer-Policy is replaced
      expect(header(res.headers, 'referrer-policy')).toBe('strict-origin-when-cross-origin')
      expect(res.headers['content-security-policy']).toBeUndefined()
      // the read-only Content-Length of viewer-response is untouched
      expect(header(res.headers, 'content-length')).toBe('9593')
    }
  })

  it('builds CSP and Permissions-Policy from objects and can keep the origin values', async () => {
    const h = originResponse(
      securityHeaders({
        hsts: { maxAge: 300, includeSubDomains: false, preload: true },
        contentSecurityPolicy: { 'default-src': ["'self'"], 'img-src': ["'self'", 'data:'], 'upgrade-insecure-requests': [] },
        permissionsPolicy: { camera: [], geolocation: ['self', 'https://maps.example.com'] },
        frameOptions: 'SAMEORIGIN',
        referrerPolicy: false,
        override: false,
      }),
    )
    const res = (await invoke(h, createEvent('origin-response'))) as CfResponse
    expect(header(res.headers, 'strict-transport-security')).toBe('max-age=300; preload')
    expect(header(res.headers, 'content-security-policy')).toBe("default-src 'self'; img-src 'self' data:; upgrade-insecure-requests")
    expect(header(res.headers, 'permissions-policy')).toBe('camera=(), geolocation=(self "https://maps.example.com")')
    expect(header(res.headers, 'x-frame-options')).toBe('DENY') // origin's value kept (override: false)
    expect(header(res.headers, 'referrer-policy')).toBe('no-referrer-when-downgrade') // not touched
  })

  it('refuses CR/LF in values at construction and request stages at first use', async () => {
    expect(() => securityHeaders({ contentSecurityPolicy: "default-src 'self'\r\nSet-Cookie: a=1" })).toThrow(/InvalidHeaderValue/)
    expect(() => securityHeaders({ contentSecurityPolicy: { 'script-src': ["'self'; object-src *"] } })).toThrow(/contain ";"/)
    await expectRefused(viewerRequest(securityHeaders() as never), createEvent('viewer-request'), 'securityHeaders', 'viewer-request')
  })
})

describe('cacheControl()', () => {
  const h = originResponse(
    cacheControl({
      rules: [
        { path: '/assets/*', value: 'public, max-age=31536000, immutable' },
        { path: '/api/*', value: 'no-store', statuses: [200, 404, 500] },
        { path: '*.html', value: 'public, max-age=60', override: false },
        { path: '/raw', value: false },
      ],
      default: 'public, max-age=300',
    }),
  )
  const cc = async (uri: string, status = 200, responseHeaders: Record<string, string> = {}) => {
    const res = (await invoke(h, createEvent('origin-response', { uri, status, responseHeaders }))) as CfResponse
    return header(res.headers, 'cache-control')
  }

  it('sets Cache-Control per path, first rule wins, default otherwise', async () => {
    expect(await cc('/assets/app.js')).toBe('public, max-age=31536000, immutable')
    expect(await cc('/api/x', 500)).toBe('no-store')
    expect(await cc('/index.html')).toBe('public, max-age=60')
    expect(await cc('/about')).toBe('public, max-age=300')
    expect(await cc('/raw', 200, { 'cache-control': 'private' })).toBe('private')
  })

  it("keeps the origin's header when the rule says so, and never gives a 5xx a long life", async () => {
    expect(await cc('/index.html', 200, { 'cache-control': 'no-cache' })).toBe('no-cache')
    expect(await cc('/assets/app.js', 503)).toBeUndefined()
    expect(await cc('/assets/app.js', 404)).toBe('public, max-age=31536000, immutable')
  })

  it('removes a contradicting Expires', async () => {
    const res = (await invoke(h, createEvent('origin-response', { uri: '/assets/a.css', responseHeaders: { expires: 'Thu, 01 Jan 1970 00:00:00 GMT' } }))) as CfResponse
    expect(res.headers['expires']).toBeUndefined()
  })

  it('refuses viewer-response (it would not change the cache) and request stages', async () => {
    const mw = cacheControl({ rules: [] })
    const e = await expectRefused(viewerResponse(mw as never), createEvent('viewer-response'), 'cacheControl', 'viewer-response')
    expect(e.message).toMatch(/origin-response/)
    await expectRefused(originRequest(mw as never), createEvent('origin-request'), 'cacheControl', 'origin-request')
    expect(() => cacheControl({ rules: [{ path: '/a', value: 'max-age=1\nx' }] })).toThrow(/InvalidHeaderValue/)
  })
})

describe('cors()', () => {
  const policy = cors({ origin: ['https://app.example.com'], credentials: true, maxAge: 600, exposeHeaders: ['X-Total'] })

  it('answers a preflight at the edge with 204 and the CORS headers', async () => {
    const res = asResponse(
      await invoke(
        viewerRequest(policy),
        createEvent('viewer-request', {
          method: 'OPTIONS',
          uri: '/api/items',
          headers: { origin: 'https://app.example.com', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type, x-id' },
        }),
      ),
    )
    expect(res.status).toBe('204')
    expect(res.body).toBeUndefined()
    expect(header(res.headers, 'access-control-allow-origin')).toBe('https://app.example.com')
    expect(header(res.headers, 'access-control-allow-methods')).toBe('GET, HEAD, PUT, POST, DELETE, PATCH')
    expect(header(res.headers, 'access-control-allow-headers')).toBe('content-type, x-id')
    expect(header(res.headers, 'access-control-allow-credentials')).toBe('true')
    expect(header(res.headers, 'access-control-max-age')).toBe('600')
  })

  it('gives a disallowed origin no CORS grant, and passes plain requests on', async () => {
    const res = asResponse(
      await invoke(
        viewerRequest(policy),
        createEvent('viewer-request', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } }),
      ),
    )
    expect(res.headers?.['access-control-allow-origin']).toBeUndefined()
    const req = asRequest(await invoke(viewerRequest(policy), createEvent('viewer-request', { headers: { origin: 'https://app.example.com' } })))
    expect(req.uri).toBe('/')
  })

  it('does not echo injected preflight request headers', async () => {
    const res = asResponse(
      await invoke(
        viewerRequest(cors()),
        createEvent('viewer-request', {
          method: 'OPTIONS',
          headers: { origin: 'https://a.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-a\u0001, y' },
        }),
      ),
    )
    expect(res.headers?.['access-control-allow-headers']).toBeUndefined()
    expect(header(res.headers, 'access-control-allow-origin')).toBe('*')
  })

  it('adds headers to responses, with Vary: Origin appended', async () => {
    const res = (await invoke(
      viewerResponse(policy),
      createEvent('viewer-response', { headers: { origin: 'https://app.example.com' }, responseHeaders: { vary: 'Accept-Encoding' } }),
    )) as CfResponse
    expect(header(res.headers, 'access-control-allow-origin')).toBe('https://app.example.com')
    expect(header(res.headers, 'access-control-allow-credentials')).toBe('true')
    expect(header(res.headers, 'access-control-expose-headers')).toBe('X-Total')
    expect(header(res.headers, 'vary')).toBe('Accept-Encoding, Origin')
    // the sample origin response grants Access-Control-Allow-Origin: * with credentials; the edge policy refuses
    // a foreign origin, so that grant is removed
    const other = (await invoke(originResponse(policy), createEvent('origin-response', { headers: { origin: 'https://evil.example' } }))) as CfResponse
    expect(other.headers['access-control-allow-origin']).toBeUndefined()
    expect(other.headers['access-control-allow-credentials']).toBeUndefined()
    expect(header(other.headers, 'vary')).toBe('Origin')
  })

  it('adds the headers to a response generated by an inner middleware', async () => {
    const h = viewerRequest(policy, async (c) => {
      c.json({ ok: true })
    })
    const res = asResponse(await invoke(h, createEvent('viewer-request', { headers: { origin: 'https://app.example.com' } })))
    expect(header(res.headers, 'access-control-allow-origin')).toBe('https://app.example.com')
  })

  it('takes a RegExp (alone or in the list) that the whole Origin must match, a /g one included', async () => {
    for (const origin of [/^https:\/\/[a-z0-9-]+\.example\.com$/, ['https://other.test', /^https:\/\/[a-z0-9-]+\.example\.com$/g]]) {
      const p = cors({ origin, credentials: true })
      for (let i = 0; i < 3; i++) {
        const ok = (await invoke(viewerResponse(p), createEvent('viewer-response', { headers: { origin: 'https://shop.example.com' } }))) as CfResponse
        expect(header(ok.headers, 'access-control-allow-origin')).toBe('https://shop.example.com')
      }
      const refused = (await invoke(viewerResponse(p), createEvent('viewer-response', { headers: { origin: 'https://shop.example.com.evil.test' } }))) as CfResponse
      expect(refused.headers['access-control-allow-origin']).toBeUndefined()
      expect(header(refused.headers, 'vary')).toBe('Origin')
    }
  })

  it('rejects unsafe configurations', () => {
    expect(() => cors({ origin: [5] as never })).toThrow(/cors\(\): origin must be .* got number/)
    expect(() => cors({ origin: { a: 1 } as never })).toThrow(/cors\(\): origin must be .* got object/)
    expect(() => cors({ credentials: true })).toThrow(/credentials/)
    expect(() => cors({ origin: 'https://a\r\nx' })).toThrow(/InvalidHeaderValue/)
    expect(() => cors({ allowMethods: ['GET, POST'] })).toThrow(/HTTP tokens/)
  })
})
