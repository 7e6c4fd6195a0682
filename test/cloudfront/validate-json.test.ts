import { describe, expect, it } from 'vitest'
import { CF_MESSAGES, eventViolations, validateResult } from '../../src/cloudfront/validate.js'
import { STAGES } from '../../src/cloudfront/types.js'
import { codes, eventFor, passthrough, requestOf, sample } from './helpers.js'

describe('the result must be a JSON object', () => {
  for (const stage of STAGES) {
    for (const [what, result] of [
      ['undefined', undefined],
      ['null', null],
      ['a string', '{"status":"200"}'],
      ['a number', 200],
      ['a boolean', true],
      ['an array', [{ status: '200' }]],
      ['a function', () => ({ status: '200' })],
    ] as const) {
      it(`${stage}: ${what} → InvalidJson "must be an object type"`, () => {
        const v = validateResult(stage, eventFor(stage), result)
        expect(codes(v)).toEqual(['InvalidJson'])
        expect(v[0]!.message.startsWith(CF_MESSAGES.notObject)).toBe(true)
      })
    }
  }
})

describe('the result must be JSON-serialisable', () => {
  const stage = 'viewer-request'
  const parsable = (result: unknown) => {
    const v = validateResult(stage, eventFor(stage), result)
    const json = v.filter((x) => x.code === 'InvalidJson')
    expect(json).toHaveLength(1)
    expect(json[0]!.message.startsWith(CF_MESSAGES.notParsable)).toBe(true)
    return json[0]!
  }
  it('a cycle at the top level', () => {
    const r: Record<string, unknown> = requestOf(sample('viewer-request')) as never
    r.self = r
    expect(parsable(r).message).toContain('circular reference at self')
  })
  it('a cycle hidden in a header entry', () => {
    const r = requestOf(sample('viewer-request'))
    const entry: Record<string, unknown> = { key: 'X-A', value: 'v' }
    entry.loop = r
    ;(r.headers as Record<string, unknown>)['x-a'] = [entry]
    expect(parsable(r).message).toContain('circular reference')
  })
  it('a cycle through a wrongly typed header value', () => {
    const r = requestOf(sample('viewer-request'))
    const val: Record<string, unknown> = {}
    val.me = val
    ;(r.headers as Record<string, unknown>)['x-a'] = [{ value: val }]
    const v = validateResult(stage, eventFor(stage), r)
    expect(codes(v).sort()).toEqual(['InvalidHeaderValue', 'InvalidJson'])
  })
  it('a BigInt anywhere', () => {
    const r = { ...requestOf(sample('viewer-request')), extra: { n: 10n } }
    expect(parsable(r).message).toContain('BigInt at extra.n')
  })
  it('a BigInt or a cycle in a new origin (origin-request)', () => {
    const event = sample('origin-request-custom')
    const r = requestOf(event) as unknown as { origin: { custom: Record<string, unknown> } }
    r.origin.custom.extra = { n: 1n }
    const v = validateResult('origin-request', event, r)
    expect(codes(v)).toEqual(['InvalidJson'])
    expect(v[0]!.message).toContain('BigInt at origin.custom.extra.n')
    r.origin.custom.extra = r.origin
    expect(codes(validateResult('origin-request', event, r))).toEqual(['InvalidJson'])
  })
  it('a toJSON that throws', () => {
    const r = { ...requestOf(sample('viewer-request')), extra: { toJSON: () => { throw new Error('boom') } } }
    expect(parsable(r).message).toContain('boom')
  })
  it('a toJSON on the result itself: one that throws is not parsable, one that returns is what CloudFront judges', () => {
    const base = requestOf(sample('viewer-request'))
    const throwing = { ...base, toJSON: () => { throw new Error('boom at the top') } }
    expect(parsable(throwing).message).toContain('boom at the top')
    const toString = { ...base, toJSON: () => 'a string' }
    expect(codes(validateResult(stage, eventFor(stage), toString))).toEqual(['InvalidJson'])
    const toBadUri = { ...base, toJSON: () => ({ ...base, uri: 'no-slash' }) }
    expect(codes(validateResult(stage, eventFor(stage), toBadUri))).toEqual(['InvalidUri'])
    const toSame = { ...base, uri: 'no-slash', toJSON: () => base }
    expect(validateResult(stage, eventFor(stage), toSame)).toEqual([])
  })
  it('a getter that throws', () => {
    const r = requestOf(sample('viewer-request'))
    Object.defineProperty(r, 'uri', { get: () => { throw new Error('nope') }, enumerable: true })
    expect(parsable(r).message).toContain('nope')
  })
  it('a proxy that throws on every trap', () => {
    const p = new Proxy({}, { get: () => { throw new Error('trap') }, ownKeys: () => { throw new Error('trap') } })
    expect(parsable(p).message).toContain('trap')
  })
  it('shared (non-cyclic) references are fine, and so are Dates and functions JSON drops', () => {
    const shared = { a: 'x' }
    const r = { ...requestOf(sample('viewer-request')), extra1: shared, extra2: [shared, shared], when: new Date(0), fn: () => 1 }
    expect(validateResult(stage, eventFor(stage), r)).toEqual([])
  })
  it('a DAG of shared objects is not mistaken for a cycle', () => {
    let node: Record<string, unknown> = { leaf: true }
    for (let i = 0; i < 20; i++) node = { a: node, b: [node] }
    const r = { ...requestOf(sample('viewer-request')), extra: node }
    expect(validateResult(stage, eventFor(stage), r)).toEqual([])
  })
  it('nesting deeper than 1000 levels is reported, not a stack overflow', () => {
    let deep: unknown = 'x'
    for (let i = 0; i < 5000; i++) deep = [deep]
    expect(parsable({ ...requestOf(sample('viewer-request')), deep }).message).toContain('deeper than 1000')
  })
})

describe('eventViolations on malformed events', () => {
  const cases: [string, (e: Record<string, any>) => unknown, string][] = [
    ['null', () => null, ''],
    ['a string', () => 'event', ''],
    ['no Records', () => ({}), 'Records'],
    ['empty Records', () => ({ Records: [] }), 'Records'],
    ['two Records', (e) => ({ Records: [e.Records[0], e.Records[0]] }), 'Records'],
    ['no cf', () => ({ Records: [{}] }), 'Records[0].cf'],
    ['config not an object', (e) => ((e.Records[0].cf.config = 1), e), 'Records[0].cf.config'],
    ['unknown eventType', (e) => ((e.Records[0].cf.config.eventType = 'viewer'), e), 'Records[0].cf.config.eventType'],
    ['requestId a number', (e) => ((e.Records[0].cf.config.requestId = 7), e), 'Records[0].cf.config.requestId'],
    ['request missing', (e) => (delete e.Records[0].cf.request, e), 'Records[0].cf.request'],
    ['uri without /', (e) => ((e.Records[0].cf.request.uri = 'x'), e), 'Records[0].cf.request.uri'],
    ['querystring a number', (e) => ((e.Records[0].cf.request.querystring = 1), e), 'Records[0].cf.request.querystring'],
    ['headers an array', (e) => ((e.Records[0].cf.request.headers = []), e), 'Records[0].cf.request.headers'],
    ['a header value a number', (e) => ((e.Records[0].cf.request.headers.host[0].value = 1), e), 'Records[0].cf.request.headers.host[0].value'],
    ['an uppercase header key', (e) => ((e.Records[0].cf.request.headers.Host = [{ value: 'h' }]), e), 'Records[0].cf.request.headers.Host'],
    ['a response in viewer-request', (e) => ((e.Records[0].cf.response = { status: '200', headers: {} }), e), 'Records[0].cf.response'],
    ['a body that is a string', (e) => ((e.Records[0].cf.request.body = 'x'), e), 'Records[0].cf.request.body'],
  ]
  for (const [what, make, path] of cases) {
    it(`${what} → InvalidEvent at ${JSON.stringify(path)}`, () => {
      const v = eventViolations(make(sample('viewer-request') as never), 'viewer-request')
      expect(v.length).toBeGreaterThan(0)
      expect(new Set(codes(v))).toEqual(new Set(['InvalidEvent']))
      expect(v.map((x) => x.path)).toContain(path)
    })
  }
  it('a response event without response, or with a bad status', () => {
    const e = sample('viewer-response') as Record<string, any>
    e.Records[0].cf.response.status = 200
    expect(eventViolations(e).map((x) => x.path)).toEqual(['Records[0].cf.response.status'])
    delete e.Records[0].cf.response
    expect(eventViolations(e).map((x) => x.path)).toEqual(['Records[0].cf.response'])
  })
  it('an origin event with a broken origin', () => {
    const e = sample('origin-request-custom') as Record<string, any>
    e.Records[0].cf.request.origin.custom.port = 79
    const v = eventViolations(e, 'origin-request')
    expect(codes(v)).toEqual(['InvalidEvent'])
    expect(v[0]!.path).toBe('Records[0].cf.request.origin.custom.port')
  })
  it('an origin-request event without an origin', () => {
    const e = sample('origin-request-custom') as Record<string, any>
    delete e.Records[0].cf.request.origin
    const v = eventViolations(e, 'origin-request')
    expect(codes(v)).toEqual(['InvalidEvent'])
    expect(v[0]!.path).toBe('Records[0].cf.request.origin')
  })
  it('an unknown stage', () => {
    expect(codes(eventViolations(sample('viewer-request'), 'viewer' as never))).toEqual(['InvalidEvent'])
  })
  it('a cyclic event does not hang', () => {
    const e = sample('viewer-request') as Record<string, any>
    e.Records[0].cf.request.headers.host[0].self = e
    e.Records[0].cf.request.loop = e.Records[0].cf.request
    expect(eventViolations(e, 'viewer-request')).toEqual([])
  })
})

describe('validateResult with a broken event', () => {
  it('reports InvalidEvent instead of diffing, and still checks the result', () => {
    const result = passthrough('viewer-request', sample('viewer-request'))
    result.headers['x-cache'] = [{ value: 'x' }]
    const v = validateResult('viewer-request', null, result)
    expect(codes(v)).toEqual(['InvalidEvent', 'DisallowedHeader'])
  })
  it('an unknown stage is InvalidEvent', () => {
    expect(codes(validateResult('viewer' as never, sample('viewer-request'), {}))).toEqual(['InvalidEvent'])
  })
})
