import { describe, expect, it } from 'vitest'
import { assertOrigin, originViolations } from '../../src/cloudfront/origin-rules.js'
import { validateResult } from '../../src/cloudfront/validate.js'
import { limits } from '../../src/cloudfront/limits.js'
import { EdgeRuleError } from '../../src/core/errors.js'
import type { CfCustomOrigin, CfS3Origin } from '../../src/cloudfront/types.js'
import { codes, requestOf, sample } from './helpers.js'

const custom = (over: Record<string, unknown> = {}): { custom: CfCustomOrigin } => ({
  custom: {
    customHeaders: {},
    domainName: 'example.org',
    keepaliveTimeout: 5,
    path: '',
    port: 443,
    protocol: 'https',
    readTimeout: 30,
    sslProtocols: ['TLSv1.2'],
    ...over,
  } as CfCustomOrigin,
})
const s3 = (over: Record<string, unknown> = {}): { s3: CfS3Origin } => ({
  s3: {
    authMethod: 'origin-access-identity',
    customHeaders: {},
    domainName: 'amzn-s3-demo-bucket.s3.eu-west-1.amazonaws.com',
    path: '',
    region: 'eu-west-1',
    ...over,
  } as CfS3Origin,
})

const ok = (o: unknown, p: 'classic' | 'current' = 'classic') => expect(originViolations(o, limits[p])).toEqual([])
const bad = (o: unknown, path: string, p: 'classic' | 'current' = 'classic') => {
  const v = originViolations(o, limits[p])
  expect(codes(v)).toEqual(['InvalidOrigin'])
  expect(v[0]!.path).toBe(path)
  return v[0]!.message
}

describe('origin: exactly one of custom / s3', () => {
  it('accepts each alone, rejects both, neither and non-objects', () => {
    ok(custom())
    ok(s3())
    expect(bad({ ...custom(), ...s3() }, 'origin')).toContain('both')
    expect(bad({}, 'origin')).toContain('neither')
    bad(null, 'origin')
    bad('example.org', 'origin')
    bad({ custom: 'example.org' }, 'origin.custom')
  })
})

describe('custom origin fields', () => {
  it('port: 80, 443, 1024–65535', () => {
    for (const port of [80, 443, 1024, 8080, 65535]) ok(custom({ port }))
    for (const port of [79, 81, 442, 444, 1023, 65536, 0, -1, 443.5, '443', undefined]) {
      expect(bad(custom({ port }), 'origin.custom.port')).toContain(`got ${port === '443' ? '"443"' : port}`)
    }
  })
  for (const [profile, ka, rt] of [
    ['classic', [1, 60], [4, 60]],
    ['current', [1, 120], [1, 120]],
  ] as const) {
    it(`${profile}: keepaliveTimeout ${ka[0]}–${ka[1]}, readTimeout ${rt[0]}–${rt[1]}`, () => {
      for (const k of ka) ok(custom({ keepaliveTimeout: k }), profile)
      bad(custom({ keepaliveTimeout: ka[0] - 1 }), 'origin.custom.keepaliveTimeout', profile)
      expect(bad(custom({ keepaliveTimeout: ka[1] + 1 }), 'origin.custom.keepaliveTimeout', profile)).toContain(profile)
      for (const r of rt) ok(custom({ readTimeout: r, responseCompletionTimeout: 0 }), profile)
      bad(custom({ readTimeout: rt[0] - 1 }), 'origin.custom.readTimeout', profile)
      bad(custom({ readTimeout: rt[1] + 1 }), 'origin.custom.readTimeout', profile)
      bad(custom({ readTimeout: 5.5 }), 'origin.custom.readTimeout', profile)
    })
  }
  it('classic is stricter than current: readTimeout 3 and 61, keepaliveTimeout 61', () => {
    for (const o of [custom({ readTimeout: 3 }), custom({ readTimeout: 61 }), custom({ keepaliveTimeout: 61 })]) {
      expect(originViolations(o, limits.classic)).toHaveLength(1)
      expect(originViolations(o, limits.current)).toEqual([])
    }
    // classic is the default profile
    expect(originViolations(custom({ readTimeout: 61 }))).toHaveLength(1)
  })
  it('responseCompletionTimeout ≥ readTimeout, or 0', () => {
    ok(custom({ responseCompletionTimeout: 30 }))
    ok(custom({ responseCompletionTimeout: 0 }))
    ok(custom({ responseCompletionTimeout: 300 }))
    expect(bad(custom({ responseCompletionTimeout: 29 }), 'origin.custom.responseCompletionTimeout')).toContain('(29)')
    bad(custom({ responseCompletionTimeout: -1 }), 'origin.custom.responseCompletionTimeout')
  })
  it('protocol http | https', () => {
    ok(custom({ protocol: 'http' }))
    expect(bad(custom({ protocol: 'HTTPS' }), 'origin.custom.protocol')).toContain('"HTTPS"')
    bad(custom({ protocol: 'ftp' }), 'origin.custom.protocol')
  })
  it('domainName: not empty, no ":", not an IP address, ≤ 253', () => {
    ok(custom({ domainName: 'localhost' }))
    ok(custom({ domainName: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}` })) // 253
    bad(custom({ domainName: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}` }), 'origin.custom.domainName')
    expect(bad(custom({ domainName: '' }), 'origin.custom.domainName')).toContain('non-empty')
    expect(bad(custom({ domainName: 'example.org:8080' }), 'origin.custom.domainName')).toContain('":"')
    expect(bad(custom({ domainName: '127.0.0.1' }), 'origin.custom.domainName')).toContain('IP address')
    bad(custom({ domainName: '::1' }), 'origin.custom.domainName')
    bad(custom({ domainName: 'exa mple.org' }), 'origin.custom.domainName')
    bad(custom({ domainName: 'example.org/x' }), 'origin.custom.domainName')
  })
  it('path: "" or /…, not ending with /, URL-encoded, ≤ 255', () => {
    for (const path of ['', '/a', '/a/b', '/a%20b', '/' + 'a'.repeat(254)]) ok(custom({ path }))
    expect(bad(custom({ path: 'a' }), 'origin.custom.path')).toContain('start with /')
    expect(bad(custom({ path: '/a/' }), 'origin.custom.path')).toContain('end with /')
    bad(custom({ path: '/' }), 'origin.custom.path')
    expect(bad(custom({ path: '/' + 'a'.repeat(255) }), 'origin.custom.path')).toContain('256 characters')
    for (const path of ['/a b', '/ä', '/a?b', '/a#b', '/a%2', '/a%zz']) expect(bad(custom({ path }), 'origin.custom.path')).toContain('URL-encoded')
    bad(custom({ path: undefined }), 'origin.custom.path')
  })
  it('sslProtocols ⊆ {TLSv1.2, TLSv1.1, TLSv1, SSLv3}', () => {
    ok(custom({ sslProtocols: ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'SSLv3'] }))
    expect(bad(custom({ sslProtocols: ['TLSv1.3'] }), 'origin.custom.sslProtocols[0]')).toContain('"TLSv1.3"')
    bad(custom({ sslProtocols: 'TLSv1.2' }), 'origin.custom.sslProtocols')
  })
  it('customHeaders: header format, no disallowed name, no [CUSTHDR] deny-listed name', () => {
    ok(custom({ customHeaders: { 'x-origin-secret': [{ key: 'X-Origin-Secret', value: 's' }] } }))
    for (const name of ['x-cache', 'x-amz-cf-id', 'x-edge-a', 'connection']) bad(custom({ customHeaders: { [name]: [{ value: 'v' }] } }), `origin.custom.customHeaders.${name}`)
    for (const name of ['cache-control', 'cookie', 'host', 'range', 'te', 'via', 'x-amz-date', 'x-real-ip', 'max-forwards']) {
      expect(bad(custom({ customHeaders: { [name]: [{ value: 'v' }] } }), `origin.custom.customHeaders.${name}`)).toContain('custom header')
    }
    bad(custom({ customHeaders: { 'X-A': [{ value: 'v' }] } }), 'origin.custom.customHeaders.X-A')
    bad(custom({ customHeaders: { 'x-a': 'v' } }), 'origin.custom.customHeaders.x-a')
    bad(custom({ customHeaders: { 'x-a': [{ value: 1 }] } }), 'origin.custom.customHeaders.x-a[0].value')
    bad(custom({ customHeaders: { 'x-a': [{ value: 'a\nb' }] } }), 'origin.custom.customHeaders.x-a[0].value')
    bad(custom({ customHeaders: { 'x-a': [{ key: 'X-B', value: 'v' }] } }), 'origin.custom.customHeaders.x-a[0].key')
    bad(custom({ customHeaders: [] }), 'origin.custom.customHeaders')
  })
  it('reports every bad field at once', () => {
    const v = originViolations(custom({ port: 1, protocol: 'x', domainName: '' }))
    expect(v.map((x) => x.path).sort()).toEqual(['origin.custom.domainName', 'origin.custom.port', 'origin.custom.protocol'])
  })
})

describe('s3 origin fields', () => {
  it('authMethod origin-access-identity | none', () => {
    ok(s3({ authMethod: 'none', region: undefined }))
    expect(bad(s3({ authMethod: 'origin-access-control' }), 'origin.s3.authMethod')).toContain('"origin-access-control"')
  })
  it('region is required with origin-access-identity', () => {
    expect(bad(s3({ region: undefined }), 'origin.s3.region')).toContain('required')
    bad(s3({ region: '' }), 'origin.s3.region')
  })
  it('domainName lowercase, ≤ 128', () => {
    ok(s3({ domainName: 'b'.repeat(128) }))
    expect(bad(s3({ domainName: 'b'.repeat(129) }), 'origin.s3.domainName')).toContain('129')
    expect(bad(s3({ domainName: 'My-Bucket.s3.amazonaws.com' }), 'origin.s3.domainName')).toContain('lowercase')
    bad(s3({ domainName: '' }), 'origin.s3.domainName')
  })
  it('readTimeout only where the profile allows it (current)', () => {
    expect(bad(s3({ readTimeout: 30 }), 'origin.s3.readTimeout', 'classic')).toContain('classic')
    ok(s3({ readTimeout: 30 }), 'current')
    bad(s3({ readTimeout: 121 }), 'origin.s3.readTimeout', 'current')
  })
  it('path rules apply to S3 too', () => {
    ok(s3({ path: '/prefix' }))
    bad(s3({ path: '/prefix/' }), 'origin.s3.path')
  })
})

describe('assertOrigin', () => {
  it('passes a valid origin and narrows its type', () => {
    const o: unknown = custom()
    assertOrigin(o, limits.classic, 'origin-request')
    expect(o.custom?.domainName).toBe('example.org')
  })
  it('throws EdgeRuleError InvalidOrigin naming every bad field and value', () => {
    try {
      assertOrigin(custom({ port: 79, readTimeout: 61 }), undefined, 'origin-request')
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(EdgeRuleError)
      const err = e as EdgeRuleError
      expect(err.rule).toBe('InvalidOrigin')
      expect(err.stage).toBe('origin-request')
      expect(err.message).toContain('origin.custom.port must be 80, 443 or 1024–65535, got 79')
      expect(err.message).toContain('origin.custom.readTimeout must be an integer from 4 to 60 (classic limits), got 61')
    }
  })
  it('throws OriginNotAllowed in viewer stages', () => {
    expect(() => assertOrigin(custom(), undefined, 'viewer-request')).toThrow(/OriginNotAllowed/)
  })
})

describe('origin in validateResult', () => {
  it('origin-request may switch origins (custom → custom, S3 → custom)', () => {
    const event = sample('origin-request-custom')
    expect(validateResult('origin-request', event, { ...requestOf(event), origin: custom({ domainName: 'api.example.org' }) })).toEqual([])
    const s3ev = sample('origin-request-s3-body')
    expect(validateResult('origin-request', s3ev, { ...requestOf(s3ev), origin: custom() })).toEqual([])
    expect(validateResult('origin-request', s3ev, { ...requestOf(s3ev), origin: s3({ authMethod: 'none' }) })).toEqual([])
  })
  it('an invalid new origin → InvalidOrigin with the path', () => {
    const event = sample('origin-request-custom')
    const v = validateResult('origin-request', event, { ...requestOf(event), origin: custom({ port: 79 }) })
    expect(codes(v)).toEqual(['InvalidOrigin'])
    expect(v[0]!.path).toBe('origin.custom.port')
  })
  it('the limits profile applies (readTimeout 90 is fine under current only)', () => {
    const event = sample('origin-request-custom')
    const r = { ...requestOf(event), origin: custom({ readTimeout: 90, responseCompletionTimeout: 90 }) }
    expect(codes(validateResult('origin-request', event, r, limits.classic))).toEqual(['InvalidOrigin'])
    expect(validateResult('origin-request', event, r, limits.current)).toEqual([])
  })
  it('OAI cannot be used when switching from a custom origin to S3', () => {
    const event = sample('origin-request-custom')
    const v = validateResult('origin-request', event, { ...requestOf(event), origin: s3() })
    expect(codes(v)).toEqual(['InvalidOrigin'])
    expect(v[0]!.path).toBe('origin.s3.authMethod')
    expect(validateResult('origin-request', event, { ...requestOf(event), origin: s3({ authMethod: 'none' }) })).toEqual([])
  })
  it('a custom header may not duplicate a request header (DuplicateCustomHeader)', () => {
    const event = sample('origin-request-custom')
    const r = requestOf(event)
    r.origin = custom({ customHeaders: { 'user-agent': [{ value: 'x' }], 'x-secret': [{ value: 's' }] } })
    const v = validateResult('origin-request', event, r)
    expect(codes(v)).toEqual(['DuplicateCustomHeader'])
    expect(v[0]!.path).toBe('origin.custom.customHeaders.user-agent')
    // also when only the request header is new and the origin is unchanged
    const ev2 = sample('origin-request-custom')
    ev2.Records[0]!.cf.request.origin = custom({ customHeaders: { 'x-secret': [{ value: 's' }] } })
    const r2 = requestOf(ev2)
    expect(validateResult('origin-request', ev2, r2)).toEqual([])
    r2.headers['x-secret'] = [{ value: 'from the request' }]
    expect(codes(validateResult('origin-request', ev2, r2))).toEqual(['DuplicateCustomHeader'])
  })
  it('origin is not allowed in a viewer-request result (OriginNotAllowed)', () => {
    const event = sample('viewer-request')
    expect(codes(validateResult('viewer-request', event, { ...requestOf(event), origin: custom() }))).toEqual(['OriginNotAllowed'])
  })
  it('an unchanged origin from the event is not re-judged by the profile', () => {
    const event = sample('origin-request-custom')
    event.Records[0]!.cf.request.origin = custom({ readTimeout: 90 })
    expect(validateResult('origin-request', event, requestOf(event), limits.classic)).toEqual([])
  })
})
