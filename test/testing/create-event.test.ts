import { describe, expect, it } from 'vitest'
import { eventViolations, limits } from 'edgeware/cloudfront'
import { createEvent } from 'edgeware/testing'

describe('createEvent', () => {
  it('every stage builds a well-formed event of that stage', () => {
    for (const stage of ['viewer-request', 'origin-request', 'origin-response', 'viewer-response'] as const) {
      const event = createEvent(stage)
      expect(event.Records[0]!.cf.config.eventType).toBe(stage)
      expect(eventViolations(event, stage)).toEqual([])
    }
  })

  it('overrides uri, querystring (leading ? dropped), method, clientIp and config', () => {
    const req = createEvent('viewer-request', {
      uri: '/a',
      querystring: '?x=1',
      method: 'PUT',
      clientIp: '198.51.100.7',
      config: { requestId: 'abc' },
    }).Records[0]!.cf
    expect(req.request).toMatchObject({ uri: '/a', querystring: 'x=1', method: 'PUT', clientIp: '198.51.100.7' })
    expect(req.config.requestId).toBe('abc')
    expect(() => createEvent('viewer-request', { uri: 'nope' })).toThrow(/uri must start with/)
  })

  it('headers: a plain record, arrays, CloudFront entries; names lowercased, key as written; null removes', () => {
    const h = createEvent('viewer-request', {
      headers: {
        'X-One': 'a',
        'X-Many': ['1', '2'],
        'x-cf': [{ key: 'X-CF', value: 'v' }, { value: 'w' }],
        'User-Agent': null,
      },
    }).Records[0]!.cf.request.headers
    expect(h['x-one']).toEqual([{ key: 'X-One', value: 'a' }])
    expect(h['x-many']).toEqual([
      { key: 'X-Many', value: '1' },
      { key: 'X-Many', value: '2' },
    ])
    expect(h['x-cf']).toEqual([{ key: 'X-CF', value: 'v' }, { value: 'w' }])
    expect(h['user-agent']).toBeUndefined()
    expect(h['host']).toBeDefined() // untouched sample headers stay
    expect(() => createEvent('viewer-request', { headers: { a: 5 as never } })).toThrow(/must be a string/)
  })

  it('cookies become one Cookie header with encoded values', () => {
    const h = createEvent('viewer-request', { cookies: { ab: 'B', sp: 'a b' } }).Records[0]!.cf.request.headers
    expect(h['cookie']).toEqual([{ key: 'Cookie', value: 'ab=B; sp=a%20b' }])
  })

  it('body: IncludeBody shape (base64, read-only), POST by default, truncated at the stage limit', () => {
    const b = createEvent('viewer-request', { body: 'hello' }).Records[0]!.cf.request
    expect(b.method).toBe('POST')
    expect(b.body).toEqual({ inputTruncated: false, action: 'read-only', encoding: 'base64', data: Buffer.from('hello').toString('base64') })
    const max = limits.classic.includeBodyBytes['viewer-request']
    const atLimit = createEvent('viewer-request', { body: new Uint8Array(max) }).Records[0]!.cf.request.body!
    expect(atLimit.inputTruncated).toBe(false)
    const over = createEvent('viewer-request', { body: new Uint8Array(max + 1) }).Records[0]!.cf.request.body!
    expect(over.inputTruncated).toBe(true)
    expect(Buffer.from(over.data, 'base64').byteLength).toBe(max)
    const origin = createEvent('origin-request', { body: new Uint8Array(max + 1) }).Records[0]!.cf.request.body!
    expect(origin.inputTruncated).toBe(false) // 1 MB there
    expect(createEvent('origin-request', { body: 'x', method: 'PUT' }).Records[0]!.cf.request.method).toBe('PUT')
    expect(() => createEvent('viewer-response', { body: 'x' })).toThrow(/only request stages/)
  })

  it('origin: custom, s3, or your own; Host follows the origin; only in origin events', () => {
    const s3 = createEvent('origin-request', { origin: 's3' }).Records[0]!.cf.request
    expect(s3.origin?.s3?.authMethod).toBe('origin-access-identity')
    expect(s3.headers['host']?.[0]?.value).toBe(s3.origin?.s3?.domainName)
    const mine = createEvent('origin-response', {
      origin: { custom: { customHeaders: {}, domainName: 'api.example.com', keepaliveTimeout: 5, path: '', port: 443, protocol: 'https', readTimeout: 30, sslProtocols: ['TLSv1.2'] } },
    }).Records[0]!.cf.request
    expect(mine.origin?.custom?.domainName).toBe('api.example.com')
    expect(mine.headers['host']).toEqual([{ key: 'Host', value: 'api.example.com' }])
    expect(() => createEvent('viewer-request', { origin: 's3' })).toThrow(/only origin events/)
  })

  it('response status (with its description) and response headers in response events', () => {
    const res = createEvent('origin-response', { status: 404, responseHeaders: { 'X-Origin': 'a', server: null } }).Records[0]!.cf.response!
    expect(res.status).toBe('404')
    expect(res.statusDescription).toBe('Not Found')
    expect(res.headers['x-origin']).toEqual([{ key: 'X-Origin', value: 'a' }])
    expect(res.headers['server']).toBeUndefined()
    const r2 = createEvent('viewer-response', { response: { status: '302', statusDescription: 'Moved', headers: { location: '/x' } } }).Records[0]!.cf.response!
    expect(r2).toMatchObject({ status: '302', statusDescription: 'Moved' })
    expect(() => createEvent('viewer-request', { status: 404 })).toThrow(/only response events/)
  })

  it('refuses an unknown stage', () => {
    expect(() => createEvent('edge' as never)).toThrow(/unknown stage "edge"/)
  })
})
