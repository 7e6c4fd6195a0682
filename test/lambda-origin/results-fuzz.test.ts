import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createIntegration, type IntegrationSettings, type OriginRequest } from '../../src/lambda-origin/index.js'
import { headerValues, text } from './helpers.js'

// Results of every shape, per integration: the function's response when the integration would send it, else the
// integration's own documented error (HTTP API 500, REST API / ALB / function URL 502) naming the rule;
// never a throw, and never a response HTTP can't carry (every header passes Fetch's checks).

const GET: OriginRequest = { method: 'GET', path: '/prod/items', headers: [['Accept', 'application/json']] }
const SETTINGS: [string, IntegrationSettings][] = [
  ['REST API', { integration: 'rest' }],
  ['HTTP API', { integration: 'http' }],
  ['ALB', { integration: 'alb' }],
  ['ALB with multi-value headers', { integration: 'alb', multiValueHeaders: true }],
  ['function URL', { integration: 'url' }],
]

const headerName = fc.oneof(fc.constantFrom('Content-Type', 'Set-Cookie', 'X-A', 'content-length', 'Connection', 'bad name', '', 'x\r\ny', '__proto__', 'constructor', 'é'), fc.string({ maxLength: 8 }))
const text_ = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('a\r\nX-Injected: 1', 'a\nb', '\u0000', 'café €', 'x'.repeat(3000), 'aGk=', '!!', '200 OK', '999 Weird'))
const scalar = fc.oneof(text_, fc.integer(), fc.double(), fc.boolean(), fc.constant(null))
const value = fc.oneof({ weight: 3, arbitrary: scalar }, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 4 }), scalar, { maxKeys: 2 }))
const result = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record(
      {
        statusCode: fc.oneof(fc.constantFrom(200, 201, 204, 301, 404, 500, 599, 99, 600, 1e9, -1, 200.5, '200', '2xx', null), fc.integer()),
        statusDescription: text_,
        headers: fc.dictionary(headerName, value, { maxKeys: 3 }),
        multiValueHeaders: fc.dictionary(headerName, fc.oneof(fc.array(scalar, { maxLength: 3 }), value), { maxKeys: 2 }),
        cookies: fc.oneof(fc.array(text_, { maxLength: 2 }), value),
        body: fc.oneof(text_, value),
        isBase64Encoded: fc.oneof(fc.boolean(), value),
      },
      { requiredKeys: [] },
    ),
  },
  fc.anything({ maxDepth: 2 }),
)

describe.each(SETTINGS)('%s: arbitrary results', (_, settings) => {
  it('the function’s response or the integration’s error, always one HTTP can carry', () => {
    const api = createIntegration(settings)
    const built = api.event(GET)
    fc.assert(
      fc.property(result, (r) => {
        const json = JSON.stringify(r) ?? 'null'
        const { response, verdict } = api.respond(built.event, { ok: true, json })
        expect(response.status).toBeGreaterThanOrEqual(100)
        expect(response.status).toBeLessThanOrEqual(599)
        const h = new Headers()
        for (const [k, v] of response.headers) h.append(k, v)
        if (response.statusText !== undefined) expect(() => new Response(null, { status: 200, statusText: response.statusText })).not.toThrow()
        if (!verdict.valid) {
          expect(response.status).toBe(settings.integration === 'http' ? 500 : 502)
          expect(verdict.violations.length).toBeGreaterThan(0)
          for (const v of verdict.violations) expect(v.code).toMatch(/^[A-Z][A-Za-z0-9]+$/)
        }
      }),
      { seed: 20261206, numRuns: 300 },
    )
  })
})

describe('headers HTTP can’t carry', () => {
  it.each([
    ['rest', 'RestHeaders', 502],
    ['http', 'Headers', 500],
    ['alb', 'AlbHeaders', 502],
    ['url', 'Headers', 502],
  ] as const)('%s: a CR/LF in a value or a name that is no token is the integration’s error (%s)', (integration, code, status) => {
    const api = createIntegration({ integration })
    const built = api.event(GET)
    for (const headers of [{ 'X-A': 'a\r\nX-Injected: 1' }, { 'bad name': 'x' }, { '': 'x' }, { 'X-A': 'nul\u0000' }]) {
      const { response, verdict } = api.respond(built.event, { ok: true, json: JSON.stringify({ statusCode: 200, headers, body: 'x' }) })
      expect([response.status, verdict.violations.map((v) => v.code)]).toEqual([status, [code]])
      expect(verdict.violations[0]!.message).toMatch(/control character|not one/)
      expect(headerValues(response.headers, 'x-injected')).toEqual([])
    }
  })

  it('a value past U+00FF goes out as its UTF-8 bytes', () => {
    const api = createIntegration({ integration: 'http' })
    const { response, verdict } = api.respond(api.event(GET).event, { ok: true, json: JSON.stringify({ statusCode: 200, headers: { 'X-Name': 'café €' }, body: 'x' }) })
    expect([verdict.valid, text(response.body)]).toEqual([true, 'x'])
    expect(Buffer.from(headerValues(response.headers, 'x-name')[0]!, 'latin1').toString('utf8')).toBe('café €')
  })

  it('HTTP API cookies with a line break, an ALB statusDescription with one: the integration’s error', () => {
    const http = createIntegration({ integration: 'http' })
    expect(http.respond(http.event(GET).event, { ok: true, json: JSON.stringify({ statusCode: 200, cookies: ['a=1\r\nX-Injected: 1'] }) }).verdict.violations.map((v) => v.code)).toEqual(['Cookies'])
    const alb = createIntegration({ integration: 'alb' })
    const r = alb.respond(alb.event(GET).event, { ok: true, json: JSON.stringify({ statusCode: 200, statusDescription: '200 OK\r\nX-Injected: 1', body: 'x' }) })
    expect([r.response.status, r.verdict.violations.map((v) => v.code)]).toEqual([502, ['AlbInvalidResponse']])
  })
})
