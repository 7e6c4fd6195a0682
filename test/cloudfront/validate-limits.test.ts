import { describe, expect, it } from 'vitest'
import { CF_MESSAGES, checkResult, validateResult } from '../../src/cloudfront/validate.js'
import { limits } from '../../src/cloudfront/limits.js'
import type { CfResponse } from '../../src/cloudfront/types.js'
import { codes, eventFor, passthrough, requestOf, responseOf, sample } from './helpers.js'

const gen = (status: unknown, extra: Record<string, unknown> = {}) => ({ status, statusDescription: 'x', ...extra })

describe('generated response size (headers + body bytes)', () => {
  const cases = [
    ['viewer-request', 40_960],
    ['origin-request', 1_048_576],
  ] as const
  for (const [stage, limit] of cases) {
    for (const profile of [limits.classic, limits.current]) {
      it(`${stage} (${profile.name}): ${limit} bytes pass, ${limit + 1} fail`, () => {
        const event = eventFor(stage)
        expect(validateResult(stage, event, gen('200', { body: 'a'.repeat(limit) }), profile)).toEqual([])
        const v = validateResult(stage, event, gen('200', { body: 'a'.repeat(limit + 1) }), profile)
        expect(codes(v)).toEqual(['ResponseTooLarge'])
        expect(v[0]!.message).toBe(`${CF_MESSAGES.tooLarge} ${limit + 1} bytes which exceeded the CloudFront limit of ${limit} bytes`)
      })
    }
    it(`${stage}: header names and values count, in UTF-8 bytes`, () => {
      const event = eventFor(stage)
      const headers = { 'x-a': [{ key: 'X-A', value: 'é' }] } // 3 + 2 bytes
      expect(validateResult(stage, event, gen('200', { headers, body: 'a'.repeat(limit - 5) }))).toEqual([])
      const v = validateResult(stage, event, gen('200', { headers, body: 'a'.repeat(limit - 4) }))
      expect(codes(v)).toEqual(['ResponseTooLarge'])
      expect(v[0]!.message).toContain(`${limit + 1} bytes`)
    })
    it(`${stage}: multi-byte body characters count as their UTF-8 bytes`, () => {
      const event = eventFor(stage)
      const n = limit / 4 // 4-byte characters (2 UTF-16 units each)
      expect(validateResult(stage, event, gen('200', { body: '😀'.repeat(n) }))).toEqual([])
      expect(codes(validateResult(stage, event, gen('200', { body: '😀'.repeat(n) + 'a' })))).toEqual(['ResponseTooLarge'])
    })
  }
  it('origin-response body replacement is held to the origin limit (1,048,576 bytes)', () => {
    const event = sample('origin-response')
    const res = responseOf(event)
    // the sample's headers take some of the budget
    let hdr = 0
    for (const [n, l] of Object.entries(res.headers)) for (const e of l) hdr += n.length + e.value.length
    expect(validateResult('origin-response', event, { ...res, body: 'a'.repeat(1_048_576 - hdr) })).toEqual([])
    const v = validateResult('origin-response', event, { ...res, body: 'a'.repeat(1_048_576 - hdr + 1) })
    expect(codes(v)).toEqual(['ResponseTooLarge'])
  })
})

describe('uri + querystring length (< 8,192 characters)', () => {
  for (const stage of ['viewer-request', 'origin-request'] as const) {
    for (const profile of [limits.classic, limits.current]) {
      it(`${stage} (${profile.name}): 8,191 pass, 8,192 fail`, () => {
        const event = eventFor(stage)
        const r = requestOf(event)
        r.uri = '/' + 'a'.repeat(4000)
        r.querystring = 'q=' + 'b'.repeat(8191 - 4001 - 2)
        expect(validateResult(stage, event, r, profile)).toEqual([])
        r.querystring += 'b'
        const v = validateResult(stage, event, r, profile)
        expect(codes(v)).toEqual(['UriTooLong'])
        expect(v[0]!.message).toContain('8192')
        r.querystring = ''
        r.uri = '/' + 'a'.repeat(8191)
        expect(codes(validateResult(stage, event, r, profile))).toEqual(['UriTooLong'])
        r.uri = '/' + 'a'.repeat(8190)
        expect(validateResult(stage, event, r, profile)).toEqual([])
      })
    }
  }
})

describe('replacement request body (body.action = "replace")', () => {
  const cases = [
    ['viewer-request', 'text', 40_960],
    ['viewer-request', 'base64', 54_476], // floor(53.2 KB)
    ['origin-request', 'text', 1_048_576],
    ['origin-request', 'base64', 1_394_606], // floor(1.33 MB)
  ] as const
  for (const [stage, encoding, limit] of cases) {
    it(`${stage} ${encoding}: ${limit} pass, ${limit + 1} fail`, () => {
      const event = stage === 'origin-request' ? sample('origin-request-s3-body') : eventFor(stage)
      const r = requestOf(event)
      const make = (n: number) => (encoding === 'base64' ? padB64(n) : 'a'.repeat(n))
      r.body = { inputTruncated: r.body?.inputTruncated ?? false, action: 'replace', encoding, data: make(limit) }
      expect(validateResult(stage, event, r)).toEqual([])
      r.body.data = make(limit + 1)
      const v = validateResult(stage, event, r)
      expect(codes(v).filter((c) => c !== 'InvalidBase64')).toEqual(['BodyTooLarge'])
      expect(v.find((x) => x.code === 'BodyTooLarge')!.path).toBe('body.data')
    })
  }
  it('text limit counts UTF-8 bytes', () => {
    const event = eventFor('viewer-request')
    const r = requestOf(event)
    r.body = { inputTruncated: false, action: 'replace', encoding: 'text', data: 'é'.repeat(20_480) }
    expect(validateResult('viewer-request', event, r)).toEqual([])
    r.body.data += 'a'
    expect(codes(validateResult('viewer-request', event, r))).toEqual(['BodyTooLarge'])
  })
  it('invalid base64 replacement data → InvalidBase64; a bad encoding → InvalidBodyEncoding; a bad action → InvalidBody', () => {
    const event = sample('origin-request-s3-body')
    const r = requestOf(event)
    r.body = { ...r.body!, action: 'replace', data: 'not base64!' }
    expect(codes(validateResult('origin-request', event, r))).toEqual(['InvalidBase64'])
    r.body = { ...r.body, encoding: 'utf8' as 'text', data: 'x' }
    expect(codes(validateResult('origin-request', event, r))).toEqual(['InvalidBodyEncoding'])
    r.body = { ...r.body, encoding: 'text', action: 'overwrite' as 'replace' }
    expect(codes(validateResult('origin-request', event, r))).toEqual(['InvalidBody'])
  })
  it('the default encoding of a replacement is base64', () => {
    const event = sample('origin-request-s3-body')
    const r = requestOf(event) as unknown as { body: Record<string, unknown> }
    r.body = { action: 'replace', data: 'plain text?' }
    expect(codes(validateResult('origin-request', event, r))).toEqual(['InvalidBase64'])
    r.body.data = 'aGk='
    expect(validateResult('origin-request', event, r)).toEqual([])
  })
  it('with action read-only, data and encoding are ignored (CloudFront sends the original body)', () => {
    const event = sample('origin-request-s3-body')
    const r = requestOf(event)
    r.body = { ...r.body!, data: 'not base64 at all!'.repeat(100_000) }
    expect(validateResult('origin-request', event, r)).toEqual([])
  })
  it('inputTruncated is read-only', () => {
    const event = sample('origin-request-s3-body')
    const r = requestOf(event)
    r.body = { ...r.body!, inputTruncated: true }
    expect(codes(validateResult('origin-request', event, r))).toEqual(['ReadOnlyField'])
  })
})

/** A base64 string of exactly n characters (valid unless n % 4 === 1, which no base64 string can be). */
function padB64(n: number): string {
  if (n % 4 === 1) return 'QUJD'.repeat((n - 1) / 4) + 'Q'
  const full = 'QUJD'.repeat(Math.floor(n / 4))
  return full + ['', '', 'QQ', 'QUI'][n % 4]
}

describe('status', () => {
  for (const [status, ok] of [['199', false], ['200', true], ['599', true], ['600', false], ['20', false], ['2000', false], ['abc', false], ['', false], [' 200', false]] as const) {
    for (const stage of ['viewer-request', 'origin-request', 'origin-response'] as const) {
      it(`${stage}: status ${JSON.stringify(status)} is ${ok ? 'valid' : 'InvalidStatus'}`, () => {
        const event = eventFor(stage)
        const result = stage === 'origin-response' ? { ...responseOf(event), status } : { status }
        expect(codes(validateResult(stage, event, result))).toEqual(ok ? [] : ['InvalidStatus'])
      })
    }
  }
  it('a numeric status is an error in a generated response', () => {
    const v = validateResult('viewer-request', eventFor('viewer-request'), { status: 302, headers: { location: [{ value: '/x' }] } })
    expect(codes(v)).toEqual(['InvalidStatus'])
    expect(v[0]!.message).toContain('"302"')
  })
  it('a numeric status in a response event is accepted with a NumericStatus warning', () => {
    for (const stage of ['origin-response', 'viewer-response'] as const) {
      const event = eventFor(stage)
      const r = checkResult(stage, event, { ...responseOf(event), status: 200 })
      expect(r.violations).toEqual([])
      expect(codes(r.warnings)).toEqual(['NumericStatus'])
    }
    const r = checkResult('origin-response', eventFor('origin-response'), { ...responseOf(eventFor('origin-response')), status: 600 })
    expect(codes(r.violations)).toEqual(['InvalidStatus'])
  })
  it('viewer-response cannot change the status', () => {
    const event = eventFor('viewer-response')
    const v = validateResult('viewer-response', event, { ...responseOf(event), status: '404' })
    expect(codes(v)).toEqual(['StatusChanged'])
    expect(v[0]!.message).toContain('"200" → "404"')
  })
  it('origin-response may change the status', () => {
    const event = eventFor('origin-response')
    expect(validateResult('origin-response', event, { ...responseOf(event), status: '404', statusDescription: 'Not Found' })).toEqual([])
  })
  it('a response without status in a response event → InvalidStatus', () => {
    const event = eventFor('origin-response')
    const r: Partial<CfResponse> = responseOf(event)
    delete r.status
    expect(codes(validateResult('origin-response', event, r))).toEqual(['InvalidStatus'])
  })
  it('a non-string statusDescription → InvalidStatusDescription', () => {
    expect(codes(validateResult('viewer-request', eventFor('viewer-request'), { status: '200', statusDescription: 5 }))).toEqual(['InvalidStatusDescription'])
  })
})

describe('bodies', () => {
  for (const stage of ['viewer-request', 'origin-request', 'origin-response'] as const) {
    it(`${stage}: 204 with a body key (even "") → BodyOn204; without it → valid`, () => {
      const event = eventFor(stage)
      const base = stage === 'origin-response' ? responseOf(event) : {}
      for (const body of ['', 'x']) {
        const v = validateResult(stage, event, { ...base, status: '204', body })
        expect(codes(v)).toEqual(['BodyOn204'])
      }
      expect(validateResult(stage, event, { ...base, status: '204' })).toEqual([])
      expect(validateResult(stage, event, { ...base, status: '204', body: undefined })).toEqual([])
    })
    it(`${stage}: bodyEncoding must be text or base64, base64 must decode`, () => {
      const event = eventFor(stage)
      const base = stage === 'origin-response' ? responseOf(event) : {}
      expect(validateResult(stage, event, { ...base, status: '200', body: 'aGk=', bodyEncoding: 'base64' })).toEqual([])
      expect(validateResult(stage, event, { ...base, status: '200', body: 'aGk', bodyEncoding: 'base64' })).toEqual([])
      expect(validateResult(stage, event, { ...base, status: '200', body: 'hi!', bodyEncoding: 'text' })).toEqual([])
      expect(codes(validateResult(stage, event, { ...base, status: '200', body: 'hi!', bodyEncoding: 'base64' }))).toEqual(['InvalidBase64'])
      expect(codes(validateResult(stage, event, { ...base, status: '200', body: 'a', bodyEncoding: 'base64' }))).toEqual(['InvalidBase64'])
      expect(codes(validateResult(stage, event, { ...base, status: '200', body: 'aG=k', bodyEncoding: 'base64' }))).toEqual(['InvalidBase64'])
      expect(codes(validateResult(stage, event, { ...base, status: '200', body: 'YQ=', bodyEncoding: 'base64' }))).toEqual(['InvalidBase64'])
      expect(codes(validateResult(stage, event, { ...base, status: '200', body: 'aGk=\n', bodyEncoding: 'base64' }))).toEqual(['InvalidBase64'])
      expect(codes(validateResult(stage, event, { ...base, status: '200', body: 'hi', bodyEncoding: 'gzip' }))).toEqual(['InvalidBodyEncoding'])
      expect(codes(validateResult(stage, event, { ...base, status: '200', body: 42 }))).toEqual(['InvalidBody'])
    })
  }
  it('viewer-response can not set a body (BodyNotAllowed), not even ""', () => {
    const event = eventFor('viewer-response')
    for (const body of ['', 'x']) {
      expect(codes(validateResult('viewer-response', event, { ...responseOf(event), body }))).toEqual(['BodyNotAllowed'])
    }
  })
})

describe('request fields', () => {
  const stage = 'viewer-request'
  it('uri must start with / (InvalidUri)', () => {
    const event = eventFor(stage)
    for (const uri of ['index.html', '', 5, undefined]) {
      const r = { ...requestOf(event), uri }
      expect(codes(validateResult(stage, event, r))).toEqual(['InvalidUri'])
    }
  })
  it('uri: CR, LF, NUL and other control characters are InvalidUri', () => {
    for (const stage of ['viewer-request', 'origin-request'] as const) {
      const event = eventFor(stage)
      for (const uri of ['/a\r\nHost: evil', '/a\nb', '/nul\u0000.html', '/tab\tx', '/del\u007f']) {
        const v = validateResult(stage, event, { ...requestOf(event), uri })
        expect(codes(v), JSON.stringify(uri)).toEqual(['InvalidUri'])
        expect(v[0]!.message).toContain('control character')
      }
      for (const uri of ['/a%0D%0Ab', '/ü/€', '/a b']) expect(validateResult(stage, event, { ...requestOf(event), uri })).toEqual([])
    }
  })
  it('an unchanged uri, query string or body is not judged again, whatever the event holds', () => {
    const event = eventFor(stage)
    const req = event.Records[0]!.cf.request as unknown as Record<string, unknown>
    req.uri = '/a\u0001'
    req.querystring = 'a b'
    req.body = { inputTruncated: false, action: 'replace', encoding: 'base64', data: '!!' }
    expect(validateResult(stage, event, requestOf(event))).toEqual([])
    expect(codes(validateResult(stage, event, { ...requestOf(event), uri: '/b\u0001' }))).toEqual(['InvalidUri'])
  })
  it('querystring: no spaces, control characters or #; no leading ? problem; must be a string', () => {
    const event = eventFor(stage)
    for (const [qs, ok] of [['a=1&b=2', true], ['a=%20', true], ['', true], ['a=1 2', false], ['a=1#x', false], ['a=\u0001', false], ['a=\u007f', false], ['a=\n', false], [7, false]] as const) {
      const r = { ...requestOf(event), querystring: qs }
      expect(codes(validateResult(stage, event, r))).toEqual(ok ? [] : ['InvalidQuerystring'])
    }
  })
  it('method and clientIp are read-only (ReadOnlyField)', () => {
    const event = eventFor(stage)
    expect(codes(validateResult(stage, event, { ...requestOf(event), method: 'POST' }))).toEqual(['ReadOnlyField'])
    expect(codes(validateResult(stage, event, { ...requestOf(event), clientIp: '198.51.100.1' }))).toEqual(['ReadOnlyField'])
    const { method: _m, ...noMethod } = requestOf(event)
    expect(codes(validateResult(stage, event, noMethod))).toEqual(['ReadOnlyField'])
  })
  it('uri and querystring may change', () => {
    const event = eventFor(stage)
    expect(validateResult(stage, event, { ...requestOf(event), uri: '/new/path.html', querystring: 'x=1' })).toEqual([])
  })
  it('a request result in a response stage is WrongResultKind', () => {
    for (const s of ['origin-response', 'viewer-response'] as const) {
      const event = eventFor(s)
      expect(codes(validateResult(s, event, requestOf(event)))).toContain('WrongResultKind')
    }
  })
  it('an object that is neither request nor response in a request stage is WrongResultKind', () => {
    expect(codes(validateResult(stage, eventFor(stage), {}))).toEqual(['WrongResultKind'])
    expect(codes(validateResult(stage, eventFor(stage), { headers: {}, body: 'hi' }))).toEqual(['WrongResultKind'])
  })
  it('a generated response is decided by the status key, even when request fields are present', () => {
    const event = eventFor(stage)
    expect(validateResult(stage, event, { ...requestOf(event), status: '200', headers: {} })).toEqual([])
  })
  it('passing through a request to the unchanged response-stage diff uses the event input', () => {
    const event = eventFor('origin-response')
    expect(validateResult('origin-response', event, passthrough('origin-response', event))).toEqual([])
  })
})
