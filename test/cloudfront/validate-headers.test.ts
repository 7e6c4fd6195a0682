import { describe, expect, it } from 'vitest'
import { CF_MESSAGES, validateResult } from '../../src/cloudfront/validate.js'
import { DISALLOWED_HEADERS, READ_ONLY_HEADERS, canonicalHeaderKey } from '../../src/cloudfront/rules.js'
import { STAGES, type CfHeaders, type CfRequest, type CfResponse, type Stage } from '../../src/cloudfront/types.js'
import { codes, eventFor, passthrough, requestOf, sample } from './helpers.js'

/** An event of `stage` whose input headers (request or response) also carry `extra`. */
function eventWith(stage: Stage, extra: CfHeaders) {
  const event = eventFor(stage)
  const cf = event.Records[0]!.cf
  const target = stage === 'viewer-request' || stage === 'origin-request' ? cf.request : cf.response!
  Object.assign(target.headers, structuredClone(extra))
  return event
}

function headersOf(result: CfRequest | CfResponse): CfHeaders {
  return result.headers
}

const h = (name: string, value: string): CfHeaders => ({ [name]: [{ key: canonicalHeaderKey(name), value }] })

describe('read-only headers, per stage (add, change, delete)', () => {
  for (const stage of STAGES) {
    for (const name of READ_ONLY_HEADERS[stage]) {
      it(`${stage}: adding ${name} is a ReadOnlyHeader violation`, () => {
        const event = eventFor(stage)
        const result = passthrough(stage, event)
        delete headersOf(result)[name]
        // input without the header
        const cf = event.Records[0]!.cf
        delete (stage.endsWith('request') ? cf.request.headers : cf.response!.headers)[name]
        headersOf(result)[name] = [{ key: canonicalHeaderKey(name), value: 'added' }]
        const v = validateResult(stage, event, result)
        expect(codes(v)).toEqual(['ReadOnlyHeader'])
        expect(v[0]!.message.startsWith(CF_MESSAGES.readOnlyHeader)).toBe(true)
        expect(v[0]!.message).toContain(`add read-only header, headerName : ${name}`)
        expect(v[0]!.path).toBe(`headers.${name}`)
      })
      it(`${stage}: changing ${name} is a ReadOnlyHeader violation`, () => {
        const event = eventWith(stage, h(name, 'original'))
        const result = passthrough(stage, event)
        headersOf(result)[name]![0]!.value = 'changed'
        const v = validateResult(stage, event, result)
        expect(codes(v)).toEqual(['ReadOnlyHeader'])
        expect(v[0]!.message).toContain(`change read-only header, headerName : ${name}`)
      })
      it(`${stage}: deleting ${name} is a ReadOnlyHeader violation`, () => {
        const event = eventWith(stage, h(name, 'original'))
        const result = passthrough(stage, event)
        delete headersOf(result)[name]
        const v = validateResult(stage, event, result)
        expect(codes(v)).toEqual(['ReadOnlyHeader'])
        expect(v[0]!.message).toContain(`delete read-only header, headerName : ${name}`)
        // an empty array is a deletion too
        headersOf(result)[name] = []
        expect(codes(validateResult(stage, event, result))).toEqual(['ReadOnlyHeader'])
      })
      it(`${stage}: ${name} passed through unchanged (even with another key casing) is fine`, () => {
        const event = eventWith(stage, h(name, 'original'))
        const result = passthrough(stage, event)
        headersOf(result)[name] = [{ key: name.toUpperCase(), value: 'original' }]
        expect(validateResult(stage, event, result)).toEqual([])
        headersOf(result)[name] = [{ value: 'original' }]
        expect(validateResult(stage, event, result)).toEqual([])
      })
    }
  }

  it('a header read-only in one stage is writable in another (host in origin-request)', () => {
    const event = eventFor('origin-request')
    const result = requestOf(event)
    result.headers.host = [{ key: 'Host', value: 'other.example.org' }]
    expect(validateResult('origin-request', event, result)).toEqual([])
    const vreq = eventFor('viewer-request')
    const r2 = requestOf(vreq)
    r2.headers.host = [{ key: 'Host', value: 'other.example.org' }]
    expect(codes(validateResult('viewer-request', vreq, r2))).toEqual(['ReadOnlyHeader'])
  })

  it('a generated response is not diffed against the request headers', () => {
    const event = eventFor('viewer-request')
    const v = validateResult('viewer-request', event, { status: '200', headers: { 'content-length': [{ value: '2' }] }, body: 'ok' })
    expect(v).toEqual([])
  })
})

const DISALLOWED_EXAMPLES = [...DISALLOWED_HEADERS, 'x-amz-cf-pop', 'x-amz-cf-id', 'x-edge-location', 'x-edge-anything']

describe('disallowed headers (every stage, every name and prefix family)', () => {
  for (const stage of STAGES) {
    for (const name of DISALLOWED_EXAMPLES) {
      it(`${stage}: adding ${name} is a DisallowedHeader violation`, () => {
        const event = eventFor(stage)
        const result = passthrough(stage, event)
        headersOf(result)[name] = [{ key: canonicalHeaderKey(name), value: 'v' }]
        const v = validateResult(stage, event, result)
        expect(codes(v)).toEqual(['DisallowedHeader'])
        expect(v[0]!.path).toBe(`headers.${name}`)
        expect(v[0]!.message).toContain(name)
      })
    }
    it(`${stage}: a generated or replaced response can't carry a disallowed header either`, () => {
      if (stage === 'viewer-response') return
      const event = eventFor(stage)
      const v = validateResult(stage, event, { status: '200', headers: { 'x-cache': [{ value: 'Hit' }] } })
      expect(codes(v)).toEqual(['DisallowedHeader'])
    })
  }
  it('prefix lookalikes outside the families are fine (x-amz-meta, x-edgeware, x-amzn-trace-id)', () => {
    const event = eventFor('viewer-request')
    const result = requestOf(event)
    for (const n of ['x-amz-meta-a', 'x-edgeware', 'x-amzn-trace-id', 'x-cached']) result.headers[n] = [{ value: '1' }]
    expect(validateResult('viewer-request', event, result)).toEqual([])
  })
  it('a disallowed header already in the input and passed through unchanged is not an addition', () => {
    const event = eventWith('origin-response', h('connection', 'keep-alive'))
    expect(validateResult('origin-response', event, passthrough('origin-response', event))).toEqual([])
    const changed = passthrough('origin-response', event) as CfResponse
    changed.headers.connection = [{ value: 'close' }]
    expect(codes(validateResult('origin-response', event, changed))).toEqual(['DisallowedHeader'])
  })
})

describe('CloudFront-Viewer-Country', () => {
  it('adding it in viewer-request is ViewerCountryAdded', () => {
    const event = eventFor('viewer-request')
    const result = requestOf(event)
    result.headers['cloudfront-viewer-country'] = [{ key: 'CloudFront-Viewer-Country', value: 'US' }]
    const v = validateResult('viewer-request', event, result)
    expect(codes(v)).toEqual(['ViewerCountryAdded'])
  })
  it('adding it in origin-request and the response stages is allowed', () => {
    for (const stage of ['origin-request', 'origin-response', 'viewer-response'] as const) {
      const event = eventFor(stage)
      const result = passthrough(stage, event)
      result.headers['cloudfront-viewer-country'] = [{ key: 'CloudFront-Viewer-Country', value: 'US' }]
      expect(validateResult(stage, event, result)).toEqual([])
    }
  })
  it('other CloudFront-* headers may be added in viewer-request', () => {
    const event = eventFor('viewer-request')
    const result = requestOf(event)
    result.headers['cloudfront-is-mobile-viewer'] = [{ value: 'true' }]
    expect(validateResult('viewer-request', event, result)).toEqual([])
  })
})

describe('header map shape and values', () => {
  const stage = 'viewer-request'
  const cases: [string, (hs: Record<string, unknown>) => void, string, string][] = [
    ['a non-string value', (hs) => (hs['x-a'] = [{ key: 'X-A', value: 5 }]), 'InvalidHeaderValue', 'headers.x-a[0].value'],
    ['a missing value', (hs) => (hs['x-a'] = [{ key: 'X-A' }]), 'InvalidHeaderValue', 'headers.x-a[0].value'],
    ['CR/LF in a value', (hs) => (hs['x-a'] = [{ value: 'a\r\nSet-Cookie: x=1' }]), 'InvalidHeaderValue', 'headers.x-a[0].value'],
    ['a NUL in a value', (hs) => (hs['x-a'] = [{ value: 'a\u0000' }]), 'InvalidHeaderValue', 'headers.x-a[0].value'],
    ['DEL in a value', (hs) => (hs['x-a'] = [{ value: 'a\u007f' }]), 'InvalidHeaderValue', 'headers.x-a[0].value'],
    ['a string instead of an array', (hs) => (hs['x-a'] = 'v'), 'InvalidHeaders', 'headers.x-a'],
    ['an object instead of an array', (hs) => (hs['x-a'] = { key: 'X-A', value: 'v' }), 'InvalidHeaders', 'headers.x-a'],
    ['a string entry', (hs) => (hs['x-a'] = ['v']), 'InvalidHeaders', 'headers.x-a[0]'],
    ['a null entry', (hs) => (hs['x-a'] = [null]), 'InvalidHeaders', 'headers.x-a[0]'],
    ['an uppercase map key', (hs) => (hs['X-A'] = [{ key: 'X-A', value: 'v' }]), 'InvalidHeaders', 'headers.X-A'],
    ['a non-string key', (hs) => (hs['x-a'] = [{ key: 1, value: 'v' }]), 'InvalidHeaders', 'headers.x-a[0].key'],
    ['a name that is not a token', (hs) => (hs['x a'] = [{ value: 'v' }]), 'InvalidHeaderName', 'headers.x a'],
    ['an empty name', (hs) => (hs[''] = [{ value: 'v' }]), 'InvalidHeaderName', 'headers.'],
  ]
  for (const [what, mutate, code, path] of cases) {
    it(`${what} → ${code}`, () => {
      const event = eventFor(stage)
      const result = requestOf(event)
      mutate(result.headers as unknown as Record<string, unknown>)
      const v = validateResult(stage, event, result)
      expect(codes(v)).toEqual([code])
      expect(v[0]!.path).toBe(path)
    })
  }
  it("a non-string value gets CloudFront's wording", () => {
    const event = eventFor('origin-response')
    const result = passthrough('origin-response', event) as CfResponse
    ;(result.headers as unknown as Record<string, unknown>)['x-n'] = [{ value: 42 }]
    const [v] = validateResult('origin-response', event, result)
    expect(v!.message.startsWith(CF_MESSAGES.headerValue)).toBe(true)
  })
  it('headers that are not an object → InvalidHeaders', () => {
    const event = eventFor('viewer-response')
    const result = { ...passthrough('viewer-response', event), headers: [] }
    expect(codes(validateResult('viewer-response', event, result))).toContain('InvalidHeaders')
  })
  it('keys differing only in case from the name, a tab in a value, and repeated entries are fine', () => {
    const event = sample('viewer-request')
    const result = requestOf(event)
    result.headers['x-multi'] = [
      { key: 'x-MULTI', value: 'a\tb' },
      { key: 'X-Multi', value: '' },
      { value: 'ünïcödé' },
    ]
    expect(validateResult('viewer-request', event, result)).toEqual([])
  })
  it('a header set to undefined is dropped by the JSON boundary, i.e. a deletion', () => {
    const event = sample('viewer-request')
    const result = requestOf(event) as unknown as { headers: Record<string, unknown> }
    result.headers['user-agent'] = undefined
    expect(validateResult('viewer-request', event, result)).toEqual([])
    result.headers.host = undefined
    expect(codes(validateResult('viewer-request', event, result))).toEqual(['ReadOnlyHeader'])
  })
})
