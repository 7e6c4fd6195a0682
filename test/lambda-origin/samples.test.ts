import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { checkEvent, detectIntegration, type Integration } from '../../src/lambda-origin/index.js'
import { invokeOrigin } from '../../src/testing/origin.js'
import { sample, SAMPLES_DIR } from './helpers.js'

/** Each AWS sample and the integration (payload format) it comes from. */
const SAMPLES: Record<string, Integration> = {
  'apigateway-rest.json': 'rest',
  'apigateway-rest-aws-lambda-go.json': 'rest',
  // An HTTP API with payload 1.0 sends the REST format.
  'apigateway-http-v1.json': 'rest',
  'apigateway-http.json': 'http',
  'function-url.json': 'url',
  'alb.json': 'alb',
  'alb-multi-value.json': 'alb',
}

/** Echoes the request in the format of the event's integration. */
const echo = async (event: any) => {
  const v2 = event.version === '2.0'
  const body = JSON.stringify({ path: v2 ? event.rawPath : event.path })
  if (v2) return { statusCode: 200, headers: { 'content-type': 'application/json' }, body }
  if (event.multiValueHeaders && event.requestContext?.elb) return { statusCode: 200, multiValueHeaders: { 'content-type': ['application/json'] }, body, isBase64Encoded: false }
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body, isBase64Encoded: false }
}

describe.skipIf(SAMPLES_DIR === undefined)("AWS's sample events, unchanged", () => {
  it('are all known here', () => {
    expect(readdirSync(SAMPLES_DIR!).filter((f) => f.endsWith('.json')).sort()).toEqual(Object.keys(SAMPLES).sort())
  })

  for (const [file, integration] of Object.entries(SAMPLES)) {
    it(`${file}: comes from ${integration}, passes its event check, and a handler answers through it`, async () => {
      const event = sample(file)
      expect(detectIntegration(event)).toBe(integration)
      expect(checkEvent(integration, event)).toEqual([])
      const r = await invokeOrigin(echo, event)
      expect([r.response.status, r.verdict.valid, r.verdict.violations]).toEqual([200, true, []])
      expect(JSON.parse(r.response.text).path).toBe(event.rawPath ?? event.path)
    })
  }
})

describe('the event check', () => {
  it('names each missing or mistyped field with its path', () => {
    expect(checkEvent('rest', { httpMethod: 'GET', requestContext: {}, headers: { a: 1 } })).toEqual([
      { code: 'InvalidEvent', message: 'path must be a string, got nothing', source: 'APIGW-PROXY', path: 'path' },
      { code: 'InvalidEvent', message: 'headers must be an object of strings or null, got an object', source: 'APIGW-PROXY', path: 'headers' },
    ])
    expect(checkEvent('http', { version: '2.0', rawPath: '/', rawQueryString: '', headers: {}, requestContext: { http: {} }, isBase64Encoded: false }).map((p) => p.path)).toEqual(['requestContext.http.method'])
    expect(checkEvent('alb', { requestContext: { elb: {} }, httpMethod: 'GET', path: '/', body: '', isBase64Encoded: false }).map((p) => p.path)).toEqual(['headers'])
    expect(checkEvent('url', 'GET /')[0]?.message).toBe('a url event must be an object, got the string "GET /"')
  })

  it('tells no integration for an event none of them sends', () => {
    expect(detectIntegration({ Records: [] })).toBeUndefined()
    expect(detectIntegration(null)).toBeUndefined()
  })
})
