import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useProjectDir } from '../cloudfront-functions/helpers.js'
import {
  createEvent,
  createFunctionEvent,
  EdgeValidationError,
  FunctionError,
  invokeFunction,
  loadFunction,
  toFunctionEvent,
  toLambdaRequest,
  toLambdaResponse,
} from 'edgeware/testing'
import type { CffEvent } from 'edgeware/cloudfront'

const projectDir = useProjectDir('testing-cff')

describe('createFunctionEvent', () => {
  it('the same sample request as createEvent, in CloudFront Functions’ format', () => {
    expect(createFunctionEvent('viewer-request')).toEqual({
      version: '1.0',
      context: { distributionDomainName: 'd111111abcdef8.cloudfront.net', distributionId: 'EDFDVBD6EXAMPLE', eventType: 'viewer-request', requestId: expect.any(String) },
      viewer: { ip: '203.0.113.178' },
      request: {
        method: 'GET',
        uri: '/',
        querystring: {},
        headers: { host: { value: 'd111111abcdef8.cloudfront.net' }, 'user-agent': { value: 'curl/7.66.0' }, accept: { value: '*/*' } },
        cookies: {},
      },
    })
  })
  it('overrides: query string and repeated headers become multiValue, cookies their own map, names lowercase', () => {
    const e = createFunctionEvent('viewer-request', { uri: '/a', method: 'POST', querystring: '?x=1&x=2&flag', headers: { 'X-Tags': ['a', 'b'], 'user-agent': null }, cookies: { session: 'abc', ab: 'B' }, clientIp: '198.51.100.7' })
    expect(e.request).toMatchObject({
      uri: '/a',
      method: 'POST',
      querystring: { x: { value: '1', multiValue: [{ value: '1' }, { value: '2' }] }, flag: { value: '' } },
      cookies: { session: { value: 'abc' }, ab: { value: 'B' } },
    })
    expect(e.request.headers['x-tags']).toEqual({ value: 'a', multiValue: [{ value: 'a' }, { value: 'b' }] })
    expect(e.request.headers['user-agent']).toBeUndefined()
    expect(e.request.headers['cookie']).toBeUndefined()
    expect(e.viewer.ip).toBe('198.51.100.7')
  })
  it('viewer-response: the status is a number, Set-Cookie becomes response.cookies with attributes', () => {
    const e = createFunctionEvent('viewer-response', { status: 404, responseHeaders: { 'set-cookie': ['id=1; Path=/; Secure', 'id=2', 'theme=dark'] } })
    expect(e.response).toMatchObject({ statusCode: 404, statusDescription: 'Not Found' })
    expect(e.response!.cookies).toEqual({
      id: { value: '1', attributes: 'Path=/; Secure', multiValue: [{ value: '1', attributes: 'Path=/; Secure' }, { value: '2' }] },
      theme: { value: 'dark' },
    })
    expect(e.response!.headers!['set-cookie']).toBeUndefined()
  })
  it('refuses what a CloudFront Functions event can’t hold, and other event types', () => {
    expect(() => createFunctionEvent('viewer-request', { body: 'x' } as never)).toThrow(/body is not part of a CloudFront Functions event/)
    expect(() => createFunctionEvent('origin-request' as never)).toThrow(/viewer-request or viewer-response/)
    expect(() => toFunctionEvent(createEvent('origin-request'))).toThrow(/not origin-request/)
  })
})

describe('back to Lambda@Edge: what the cache, the origin and the viewer get', () => {
  it('toLambdaRequest applies the merge rule, joins cookies into Cookie and serialises the query string', () => {
    const event = createFunctionEvent('viewer-request', { querystring: 'a=1&a=2', headers: { accept: ['text/html', 'application/json'] } })
    const result = structuredClone(event.request) as unknown as Record<string, unknown>
    const r = result as unknown as CffEvent['request']
    r.headers['accept']!.value = 'text/plain'
    r.cookies['s'] = { value: 'x' }
    r.querystring['b'] = { value: '' }
    expect(toLambdaRequest(result, event)).toEqual({
      clientIp: '203.0.113.178',
      method: 'GET',
      uri: '/',
      querystring: 'a=1&a=2&b',
      headers: {
        host: [{ key: 'Host', value: 'd111111abcdef8.cloudfront.net' }],
        'user-agent': [{ key: 'User-Agent', value: 'curl/7.66.0' }],
        accept: [{ key: 'Accept', value: 'text/plain' }, { key: 'Accept', value: 'application/json' }],
        cookie: [{ key: 'Cookie', value: 's=x' }],
      },
    })
    expect(toLambdaRequest({ ...result, querystring: 'z=9' }, event).querystring).toBe('z=9')
  })
  it('toLambdaResponse: status as a string, cookies as Set-Cookie, the body with its encoding', () => {
    const event = createFunctionEvent('viewer-request')
    expect(toLambdaResponse({ statusCode: 200, headers: { 'content-type': { value: 'text/plain' } }, cookies: { id: { value: '1', attributes: 'Secure' } }, body: { encoding: 'base64', data: 'aGk=' } }, event)).toEqual({
      status: '200',
      headers: { 'content-type': [{ key: 'Content-Type', value: 'text/plain' }], 'set-cookie': [{ key: 'Set-Cookie', value: 'id=1; Secure' }] },
      body: 'aGk=',
      bodyEncoding: 'base64',
    })
  })
})

describe('invokeFunction and loadFunction', () => {
  it('a TypeScript file is compiled first; a JavaScript module exporting handler too', async () => {
    writeFileSync(join(projectDir(), 'fn.ts'), "export function handler(event: { request: { uri: string } }) {\n  event.request.uri = '/ts'\n  return event.request\n}\n")
    writeFileSync(join(projectDir(), 'fn.mjs'), "export function handler(event) {\n  event.request.uri = '/mjs'\n  return event.request\n}\n")
    expect((await invokeFunction(join(projectDir(), 'fn.ts'), createFunctionEvent('viewer-request'))).uri).toBe('/ts')
    expect((await invokeFunction(join(projectDir(), 'fn.mjs'), createFunctionEvent('viewer-request'))).uri).toBe('/mjs')
    expect((await loadFunction(join(projectDir(), 'fn.ts'))).name).toBe('fn')
  })
  it('an event that isn’t a CloudFront Functions event is refused before anything runs', async () => {
    const err = await invokeFunction('function handler(e) { return e.request }', createEvent('viewer-request') as unknown as CffEvent).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(EdgeValidationError)
    expect((err as EdgeValidationError).code).toBe('InvalidEvent')
  })
  it('refused code rejects with FunctionError, named after the file', async () => {
    writeFileSync(join(projectDir(), 'bad.js'), 'function handler(event) { let x = 1; return event.request }\n')
    const err = await invokeFunction(join(projectDir(), 'bad.js'), createFunctionEvent('viewer-request'), { runtime: 'cloudfront-js-1.0' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FunctionError)
    expect((err as Error).message).toMatch(/^bad\.js:1:26 UnsupportedSyntax: let is not supported in cloudfront-js-1\.0/)
  })
})
