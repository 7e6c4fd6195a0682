import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  checkFunctionEvent,
  checkFunctionResult,
  effectiveValues,
  FUNCTION_VIOLATION_CODES,
  originChangeViolations,
  validateFunctionResult,
  type CffEvent,
  type FunctionEventType,
} from 'edgeware/cloudfront'
import { createFunctionEvent } from 'edgeware/testing'
import { REFERENCE_EVENTS, referenceEvent } from '../cloudfront-functions/helpers.js'

// CloudFront Functions' result rules (reference/cloudfront-functions.md §3), one test per rule.

const vreq = (): CffEvent => createFunctionEvent('viewer-request')
const vres = (): CffEvent => createFunctionEvent('viewer-response')
const codes = (type: FunctionEventType, event: CffEvent, result: unknown, limits = {}) => validateFunctionResult(type, event, result, limits).map((v) => v.code)
const withRequest = (patch: (r: Record<string, unknown>) => void): [CffEvent, Record<string, unknown>] => {
  const event = vreq()
  const r = structuredClone(event.request) as unknown as Record<string, unknown>
  patch(r)
  return [event, r]
}
const withResponse = (patch: (r: Record<string, unknown>) => void): [CffEvent, Record<string, unknown>] => {
  const event = vres()
  const r = structuredClone(event.response) as unknown as Record<string, unknown>
  patch(r)
  return [event, r]
}
const hdr = (r: Record<string, unknown>) => r.headers as Record<string, unknown>

describe('what a function may return', () => {
  it('viewer-request: the request unchanged or changed, or a response — all accepted', () => {
    const event = vreq()
    expect(checkFunctionResult('viewer-request', event, event.request)).toMatchObject({ kind: 'request', violations: [] })
    expect(checkFunctionResult('viewer-request', event, { statusCode: 302, headers: { location: { value: '/x' } } })).toMatchObject({ kind: 'response', violations: [] })
    expect(checkFunctionResult('viewer-request', event, { statusCode: 401, statusDescription: 'Unauthorized' }).violations).toEqual([])
  })
  it('nothing, or not an object: InvalidResult', () => {
    expect(codes('viewer-request', vreq(), undefined)).toEqual(['InvalidResult'])
    expect(codes('viewer-response', vres(), 'ok')).toEqual(['InvalidResult'])
  })
  it('a Lambda@Edge-style response ({ status: "302" }): WrongResultKind, pointing at statusCode', () => {
    const v = validateFunctionResult('viewer-request', vreq(), { status: '302', headers: {} })
    expect(v[0]).toMatchObject({ code: 'WrongResultKind' })
    expect(v[0]!.message).toMatch(/statusCode, a number; status is Lambda@Edge/)
  })
  it('viewer-response must return the response, not the request: WrongResultKind', () => {
    const event = vres()
    expect(codes('viewer-response', event, event.request)).toEqual(['WrongResultKind'])
  })
  it('a result that can’t be serialised: InvalidJson', () => {
    const [event, r] = withRequest((r) => (r.self = r))
    expect(codes('viewer-request', event, r)).toEqual(['InvalidJson'])
  })
  it('an unknown event type: InvalidEvent', () => {
    expect(codes('origin-request' as FunctionEventType, vreq(), {})).toEqual(['InvalidEvent'])
  })
})

describe('request rules', () => {
  it('method is read-only: ReadOnlyField', () => {
    const [event, r] = withRequest((r) => (r.method = 'POST'))
    expect(codes('viewer-request', event, r)).toEqual(['ReadOnlyField'])
  })
  it('uri must start with /: InvalidUri', () => {
    const [event, r] = withRequest((r) => (r.uri = 'index.html'))
    expect(codes('viewer-request', event, r)).toEqual(['InvalidUri'])
  })
  it('uri + query string must stay under 8,192 characters: UriTooLong (limit configurable)', () => {
    const [event, r] = withRequest((r) => (r.uri = `/${'a'.repeat(8200)}`))
    expect(codes('viewer-request', event, r)).toEqual(['UriTooLong'])
    const [e2, r2] = withRequest((r) => (r.querystring = { q: { value: 'x'.repeat(40) } }))
    expect(codes('viewer-request', e2, r2, { maxUrlChars: 40 })).toEqual(['UriTooLong'])
  })
  it('a query string returned as a string is accepted (AWS’s normalize example), but not with spaces or #: InvalidQuerystring', () => {
    const [event, ok] = withRequest((r) => (r.querystring = 'a=1&b=2'))
    expect(codes('viewer-request', event, ok)).toEqual([])
    const [, bad] = withRequest((r) => (r.querystring = 'a=1 2#x'))
    expect(codes('viewer-request', event, bad)).toEqual(['InvalidQuerystring'])
  })
  it('query string values must be strings without control characters, the map an object: InvalidQuerystring', () => {
    for (const qs of [{ a: { value: 1 } }, { a: { value: 'x\ny' } }, 42, { a: 'plain' }]) {
      const [event, r] = withRequest((r) => (r.querystring = qs))
      expect(codes('viewer-request', event, r), JSON.stringify(qs)).toEqual(['InvalidQuerystring'])
    }
  })
  it('a request can’t carry a body: BodyNotAllowed', () => {
    const [event, r] = withRequest((r) => (r.body = 'x'))
    expect(codes('viewer-request', event, r)).toEqual(['BodyNotAllowed'])
  })
  it('cookie names are tokens, values have no control characters or ;: InvalidCookieName, InvalidCookieValue, InvalidCookies', () => {
    expect(codes('viewer-request', ...withRequest((r) => (r.cookies = { 'bad name': { value: 'x' } })))).toEqual(['InvalidCookieName'])
    expect(codes('viewer-request', ...withRequest((r) => (r.cookies = { a: { value: 'x; y' } })))).toEqual(['InvalidCookieValue'])
    expect(codes('viewer-request', ...withRequest((r) => (r.cookies = { a: 'x' })))).toEqual(['InvalidCookies'])
  })
})

describe('header rules (shared with Lambda@Edge where CloudFront applies them to both)', () => {
  it('read-only headers in viewer-request (Host, Via, Content-Length, …) can’t be added, changed or deleted', () => {
    expect(codes('viewer-request', ...withRequest((r) => (hdr(r).host = { value: 'evil.example' })))).toEqual(['ReadOnlyHeader'])
    expect(codes('viewer-request', ...withRequest((r) => delete hdr(r).host))).toEqual(['ReadOnlyHeader'])
    const [event, r] = withRequest((r) => (hdr(r).via = { value: '1.1 x' }))
    expect(validateFunctionResult('viewer-request', event, r)[0]!.message).toBe('the function tried to add the read-only header via')
  })
  it('in viewer-response only Warning and Via are read-only (Content-Length may change, unlike Lambda@Edge)', () => {
    expect(codes('viewer-response', ...withResponse((r) => (hdr(r).via = { value: 'x' })))).toEqual(['ReadOnlyHeader'])
    expect(codes('viewer-response', ...withResponse((r) => (hdr(r)['content-length'] = { value: '1' })))).toEqual([])
  })
  it('disallowed headers (X-Forwarded-Proto, X-Amz-Cf-*, Connection…) can’t be added: DisallowedHeader', () => {
    for (const name of ['x-forwarded-proto', 'x-amz-cf-pop', 'connection', 'x-edge-location']) {
      expect(codes('viewer-request', ...withRequest((r) => (hdr(r)[name] = { value: 'x' }))), name).toEqual(['DisallowedHeader'])
    }
    expect(codes('viewer-request', { ...vreq() }, { statusCode: 200, headers: { 'x-cache': { value: 'Hit' } } })).toEqual(['DisallowedHeader'])
  })
  it('a disallowed header that came in the event and is returned unchanged is not an addition', () => {
    const event = vreq()
    event.request.headers['connection'] = { value: 'keep-alive' }
    expect(codes('viewer-request', event, structuredClone(event.request))).toEqual([])
  })
  it('names must be lowercase tokens: InvalidHeaderName', () => {
    expect(codes('viewer-request', ...withRequest((r) => (hdr(r)['X-Ab'] = { value: 'B' })))).toEqual(['InvalidHeaderName'])
    expect(codes('viewer-request', ...withRequest((r) => (hdr(r)['x y'] = { value: 'B' })))).toEqual(['InvalidHeaderName'])
  })
  it('values must be { value: string } without CR/LF: InvalidHeaderValue, InvalidHeaders', () => {
    expect(codes('viewer-request', ...withRequest((r) => (hdr(r)['x-a'] = { value: 1 })))).toEqual(['InvalidHeaderValue'])
    expect(codes('viewer-request', ...withRequest((r) => (hdr(r)['x-a'] = { value: 'a\r\nSet-Cookie: x' })))).toEqual(['InvalidHeaderValue'])
    expect(codes('viewer-request', ...withRequest((r) => (hdr(r)['x-a'] = 'plain')))).toEqual(['InvalidHeaders'])
    expect(codes('viewer-request', ...withRequest((r) => (hdr(r)['x-a'] = { value: 'a', multiValue: 'b' })))).toEqual(['InvalidHeaders'])
    expect(codes('viewer-request', ...withRequest((r) => (r.headers = [])))).toEqual(['InvalidHeaders'])
  })
  it('a multivalue key (AWS’s sample spelling) is a warning: CloudFront reads multiValue', () => {
    const [event, r] = withRequest((r) => (hdr(r)['x-a'] = { value: 'a', multivalue: [{ value: 'a' }] }))
    expect(checkFunctionResult('viewer-request', event, r)).toMatchObject({ violations: [], warnings: [{ code: 'MultivalueSpelling', path: 'headers.x-a.multivalue' }] })
  })
})

describe('response rules', () => {
  it('statusCode must be an integer 200–599; a string gets a hint: InvalidStatus', () => {
    expect(codes('viewer-request', vreq(), { statusCode: 700 })).toEqual(['InvalidStatus'])
    expect(codes('viewer-request', vreq(), { statusCode: 200.5 })).toEqual(['InvalidStatus'])
    const v = validateFunctionResult('viewer-request', vreq(), { statusCode: '302' })
    expect(v[0]!.message).toMatch(/an integer, not a string as Lambda@Edge does/)
    expect(codes('viewer-response', ...withResponse((r) => delete r.statusCode))).toEqual(['InvalidStatus'])
  })
  it('viewer-response may change the status (unlike Lambda@Edge)', () => {
    expect(codes('viewer-response', ...withResponse((r) => (r.statusCode = 404)))).toEqual([])
  })
  it('statusDescription must be a string: InvalidStatusDescription', () => {
    expect(codes('viewer-request', vreq(), { statusCode: 200, statusDescription: 200 })).toEqual(['InvalidStatusDescription'])
  })
  it('a body is text or { encoding: text|base64, data }: InvalidBody, InvalidBodyEncoding, InvalidBase64', () => {
    expect(codes('viewer-request', vreq(), { statusCode: 200, body: 'hello' })).toEqual([])
    expect(codes('viewer-request', vreq(), { statusCode: 200, body: { encoding: 'base64', data: 'aGk=' } })).toEqual([])
    expect(codes('viewer-request', vreq(), { statusCode: 200, body: 42 })).toEqual(['InvalidBody'])
    expect(codes('viewer-request', vreq(), { statusCode: 200, body: { encoding: 'gzip', data: 'x' } })).toEqual(['InvalidBodyEncoding'])
    expect(codes('viewer-request', vreq(), { statusCode: 200, body: { encoding: 'base64', data: 'not base64!' } })).toEqual(['InvalidBase64'])
    expect(codes('viewer-request', vreq(), { statusCode: 200, body: { encoding: 'text', data: 1 } })).toEqual(['InvalidBody'])
  })
  it('viewer-response can replace or drop the body', () => {
    expect(codes('viewer-response', ...withResponse((r) => (r.body = '')))).toEqual([])
    expect(codes('viewer-response', ...withResponse((r) => (r.body = { encoding: 'text', data: 'replaced' })))).toEqual([])
  })
  it('body + headers over 40 KB: ResponseTooLarge (the limit is configurable)', () => {
    expect(codes('viewer-request', vreq(), { statusCode: 200, body: 'x'.repeat(41 * 1024) })).toEqual(['ResponseTooLarge'])
    expect(codes('viewer-request', vreq(), { statusCode: 200, headers: { 'x-a': { value: 'abcd' } }, body: 'x'.repeat(90) }, { responseBytes: 96 })).toEqual(['ResponseTooLarge'])
    expect(codes('viewer-request', vreq(), { statusCode: 200, body: 'é'.repeat(30) }, { responseBytes: 59 })).toEqual(['ResponseTooLarge'])
  })
  it('response cookies: { value, attributes?, multiValue? } with attributes free of control characters', () => {
    const cookies = { id: { value: 'a', attributes: 'Secure; Path=/', multiValue: [{ value: 'a', attributes: 'Secure' }, { value: 'b' }] } }
    expect(codes('viewer-response', ...withResponse((r) => (r.cookies = cookies)))).toEqual([])
    expect(codes('viewer-response', ...withResponse((r) => (r.cookies = { id: { value: 'a', attributes: 'Path=/\r\nx' } })))).toEqual(['InvalidCookieValue'])
    expect(codes('viewer-response', ...withResponse((r) => (r.cookies = { id: 'a' })))).toEqual(['InvalidCookies'])
  })
})

describe('the value / multiValue merge rule', () => {
  const input = { value: 'a', multiValue: [{ value: 'a' }, { value: 'b' }] }
  it('a changed multiValue wins; value is ignored', () => {
    expect(effectiveValues({ value: 'ignored', multiValue: [{ value: 'x' }, { value: 'y' }] }, input)).toEqual(['x', 'y'])
  })
  it('value changed with multiValue untouched: the first value changes, the later ones stay', () => {
    expect(effectiveValues({ value: 'z', multiValue: [{ value: 'a' }, { value: 'b' }] }, input)).toEqual(['z', 'b'])
  })
  it('a new entry without multiValue is its value alone; a deleted one is nothing', () => {
    expect(effectiveValues({ value: 'n' }, input)).toEqual(['n'])
    expect(effectiveValues(undefined, input)).toEqual([])
  })
  it('the read-only check compares what CloudFront would send, not the objects', () => {
    const event = vreq()
    event.request.headers['via'] = input
    const r = structuredClone(event.request)
    r.headers['via'] = { value: 'a', multiValue: [{ value: 'a' }, { value: 'b' }] }
    expect(codes('viewer-request', event, r)).toEqual([])
    r.headers['via'] = { value: 'a' }
    expect(codes('viewer-request', event, r)).toEqual(['ReadOnlyHeader'])
  })
})

describe('events', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : f.endsWith('.json') ? [join(dir, f)] : []))
  it('every reference test event is a valid event (warnings only: multivalue spellings, missing cookies)', () => {
    const all = files(REFERENCE_EVENTS)
    expect(all.length).toBeGreaterThanOrEqual(17)
    for (const f of all) {
      const { violations, warnings } = checkFunctionEvent(referenceEvent(relative(REFERENCE_EVENTS, f)))
      expect(violations, f).toEqual([])
      expect(warnings.every((w) => w.code === 'MultivalueSpelling' || w.code === 'MissingField'), f).toBe(true)
    }
  })
  it('the events createFunctionEvent builds have no problem at all', () => {
    expect(checkFunctionEvent(vreq(), 'viewer-request')).toEqual({ violations: [], warnings: [] })
    expect(checkFunctionEvent(vres(), 'viewer-response')).toEqual({ violations: [], warnings: [] })
  })
  it('a malformed event: every problem is an InvalidEvent naming the path', () => {
    const e = vreq() as unknown as Record<string, any>
    e.version = '2.0'
    e.request.headers['User-Agent'] = { value: 'x' }
    e.request.uri = 'x'
    e.response = { statusCode: 200 }
    const { violations } = checkFunctionEvent(e)
    expect(violations.map((v) => [v.code, v.path])).toEqual([
      ['InvalidEvent', 'version'],
      ['InvalidEvent', 'request.uri'],
      ['InvalidEvent', 'request.headers.User-Agent'],
      ['InvalidEvent', 'response'],
    ])
    expect(checkFunctionEvent(null).violations[0]!.code).toBe('InvalidEvent')
    expect(checkFunctionEvent(vres(), 'viewer-request').violations[0]!.path).toBe('context.eventType')
  })
  it('Cookie and Set-Cookie are never in an event\'s headers (CloudFront parses them into cookies): InvalidEvent', () => {
    const req = vreq() as unknown as Record<string, any>
    req.request.headers.cookie = { value: 'session=abc' }
    expect(checkFunctionEvent(req).violations).toEqual([
      { code: 'InvalidEvent', message: "request.headers.cookie: CloudFront parses Cookie into request.cookies, so the event's headers never hold it", path: 'request.headers.cookie' },
    ])
    const res = vres() as unknown as Record<string, any>
    res.response.headers['set-cookie'] = { value: 'a=1' }
    expect(checkFunctionEvent(res).violations.map((v) => [v.path, v.message])).toEqual([
      ['response.headers.set-cookie', "response.headers.set-cookie: CloudFront parses Set-Cookie into response.cookies, so the event's headers never hold it"],
    ])
  })
})

describe('origin modification helpers (2.0, viewer-request only)', () => {
  const ok = { domainName: 'bucket.s3.eu-west-1.amazonaws.com', originAccessControlConfig: { enabled: true, signingBehavior: 'always', signingProtocol: 'sigv4', originType: 's3' } }
  it('a valid update, selection or group passes', () => {
    expect(
      originChangeViolations('viewer-request', [
        { helper: 'updateRequestOrigin', params: { ...ok, timeouts: { readTimeout: 30, connectionTimeout: 5 }, connectionAttempts: 2, customHeaders: { 'x-from': 'edge' } } },
        { helper: 'selectRequestOriginById', originId: 'eu' },
        { helper: 'createRequestOriginGroup', params: { originIds: ['eu', 'us'], failoverCriteria: { statusCodes: [500, 503] } } },
      ]),
    ).toEqual([])
  })
  it('any call in viewer-response: OriginChangeNotAllowed', () => {
    expect(originChangeViolations('viewer-response', [{ helper: 'selectRequestOriginById', originId: 'eu' }])[0]!.code).toBe('OriginChangeNotAllowed')
  })
  it('out-of-range or unknown parameters: InvalidOriginChange naming the parameter', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ connectionAttempts: 5 }, /connectionAttempts must be an integer from 1 to 3/],
      [{ timeouts: { readTimeout: 61 } }, /timeouts\.readTimeout must be an integer from 1 to 60/],
      [{ timeouts: { connectionTimeout: 11 } }, /timeouts\.connectionTimeout must be an integer from 1 to 10/],
      [{ timeouts: { keepAliveTimeout: 0 } }, /timeouts\.keepAliveTimeout must be an integer from 1 to 60/],
      [{ connectionAttempts: 1.5 }, /connectionAttempts must be an integer from 1 to 3, got 1\.5/],
      [{ originShield: { enabled: true } }, /originShield\.region is required when Origin Shield is enabled/],
      [{ originShield: 'on' }, /originShield must be \{ enabled: boolean, region \}, got "on"/],
      [{ originAccessControlConfig: { enabled: true, signingBehavior: 'always', signingProtocol: 'sigv2', originType: 's3' } }, /signingProtocol must be one of sigv4, got "sigv2"/],
      [{ originAccessControlConfig: { enabled: true, signingBehavior: 'always', signingProtocol: 'sigv4', originType: 'ec2' } }, /originType must be one of s3, mediapackagev2, mediastore, lambda, got "ec2"/],
      [{ customOriginConfig: { port: 70000, protocol: 'https', sslProtocols: ['TLSv1.2'] } }, /customOriginConfig\.port must be a port number, got 70000/],
      [{ customOriginConfig: { port: 443, protocol: 'https', sslProtocols: ['TLSv1.3'] } }, /sslProtocols must be a non-empty list of SSLv3, TLSv1, TLSv1\.1, TLSv1\.2, got \["TLSv1\.3"\]/],
      [{ customHeaders: { 'x-ok': 'a\r\nb' } }, /customHeaders\.x-ok must be a string without control characters/],
      [{ originPath: '/trailing/' }, /originPath must be "" or a path starting with \/ and not ending with \//],
      [{ domainName: 'not a host' }, /domainName must be a domain name/],
      [{ originPath: 'no-slash' }, /originPath must be/],
      [{ customHeaders: { host: 'x' } }, /host can't be sent as an origin custom header/],
      [{ customOriginConfig: { port: 443, protocol: 'ftp', sslProtocols: ['TLSv1.2'] } }, /customOriginConfig\.protocol must be one of http, https/],
      [{ originAccessControlConfig: { enabled: true, signingBehavior: 'sometimes', signingProtocol: 'sigv4', originType: 's3' } }, /signingBehavior must be one of always, never, no-override/],
      [{ ...ok, hostHeader: 'a.example' }, /hostHeader can't be set while origin access control is enabled/],
      [{ domainname: 'x.example' }, /domainname is not an updateRequestOrigin parameter/],
    ]
    for (const [params, message] of bad) {
      const v = originChangeViolations('viewer-request', [{ helper: 'updateRequestOrigin', params }])
      expect(v.map((x) => x.code), JSON.stringify(params)).toEqual(['InvalidOriginChange'])
      expect(v[0]!.message).toMatch(message)
    }
  })
  it('origin ids are checked against the distribution’s when given', () => {
    expect(originChangeViolations('viewer-request', [{ helper: 'selectRequestOriginById', originId: 'nope' }], ['eu', 'us'])[0]!.message).toMatch(/"nope" is not an origin of the distribution/)
    expect(originChangeViolations('viewer-request', [{ helper: 'createRequestOriginGroup', params: { originIds: ['eu'], failoverCriteria: { statusCodes: [418] } } }]).length).toBe(2)
  })
  it('an origin group: two ids, a known selection criterion, failover statuses CloudFront fails over on', () => {
    const group = (params: Record<string, unknown>) => originChangeViolations('viewer-request', [{ helper: 'createRequestOriginGroup', params }]).map((v) => v.message)
    const failover = { statusCodes: [500] }
    expect(group({ originIds: ['eu', 'us'], failoverCriteria: failover, selectionCriteria: 'media-quality-score' })).toEqual([])
    expect(group({ originIds: ['eu', 'us', 'ap'], failoverCriteria: failover })).toEqual([expect.stringMatching(/originIds must be two origin ids \[primary, secondary\], got \["eu", "us", "ap"\]/)])
    expect(group({ originIds: ['eu', 'us'], failoverCriteria: failover, selectionCriteria: 'fastest' })).toEqual([expect.stringMatching(/selectionCriteria must be one of default, media-quality-score, got "fastest"/)])
    expect(group({ originIds: ['eu', 'us'], failoverCriteria: { statusCodes: [] } })).toEqual([expect.stringMatching(/failoverCriteria\.statusCodes must be a non-empty list of 400, 403, 404, 416, 500, 502, 503, 504, got \[\]/)])
    expect(originChangeViolations('viewer-request', [{ helper: 'selectRequestOriginById', originId: '' }])[0]!.message).toMatch(/originId must be a non-empty string/)
  })
  it('every code the validator reports is listed in FUNCTION_VIOLATION_CODES', () => {
    expect(FUNCTION_VIOLATION_CODES).toContain('InvalidOriginChange')
    expect(FUNCTION_VIOLATION_CODES).toContain('OriginChangeNotAllowed')
  })
})
