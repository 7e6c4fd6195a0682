import { describe, expect, it } from 'vitest'
import { EdgeRuleError, originRequest, originResponse, viewerRequest, viewerResponse, type Stage } from 'edgeware'
import { DISALLOWED_HEADERS, READ_ONLY_HEADERS } from 'edgeware/cloudfront'
import { createEvent } from 'edgeware/testing'
import { asRequest } from './helpers.js'

function ruleError(fn: () => unknown): EdgeRuleError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(EdgeRuleError)
    return e as EdgeRuleError
  }
  throw new Error('expected an EdgeRuleError')
}

const factories = { 'viewer-request': viewerRequest, 'origin-request': originRequest, 'origin-response': originResponse, 'viewer-response': viewerResponse }

/** Runs `fn` with the headers object of the stage's writable side (request or response). */
async function withHeaders(stage: Stage, fn: (h: import('edgeware').EdgeHeaders) => void): Promise<void> {
  const f = factories[stage] as (mw: (c: never) => void) => (e: unknown) => Promise<unknown>
  await f((c: { request: { headers: import('edgeware').EdgeHeaders }; response?: { headers: import('edgeware').EdgeHeaders } }) => {
    fn(stage.endsWith('response') ? c.response!.headers : c.request.headers)
  })(createEvent(stage))
}

describe('header reads', () => {
  it('are case-insensitive and keep repeated headers separate', async () => {
    const event = createEvent('viewer-request', { headers: { 'X-Multi': ['a', 'b'], Cookie: ['a=1', 'b=2'] } })
    await viewerRequest(async (c) => {
      const h = c.request.headers
      expect(h.get('USER-AGENT')).toBe('curl/7.66.0')
      expect(h.get('x-multi')).toBe('a')
      expect(h.getAll('X-MULTI')).toEqual(['a', 'b'])
      expect(h.has('Accept')).toBe(true)
      expect(h.has('nope')).toBe(false)
      expect(h.get('nope')).toBeUndefined()
      expect(h.getAll('nope')).toEqual([])
      expect([...h].filter(([n]) => n === 'x-multi')).toEqual([
        ['x-multi', 'a'],
        ['x-multi', 'b'],
      ])
      expect(h.raw).toBe(c.request.raw.headers)
    })(event)
  })
})

describe('header writes', () => {
  it('set keeps the original key casing of an existing header and uses the caller’s spelling for a new one', async () => {
    const out = asRequest(
      await viewerRequest(async (c) => {
        c.request.headers.set('ACCEPT', 'text/html')
        c.request.headers.set('X-New-Header', 'v')
      })(createEvent('viewer-request')),
    )
    expect(out.headers['accept']).toEqual([{ key: 'accept', value: 'text/html' }])
    expect(out.headers['x-new-header']).toEqual([{ key: 'X-New-Header', value: 'v' }])
  })

  it('set with an array writes one entry per value; append adds; delete removes all', async () => {
    const out = asRequest(
      await viewerRequest(async (c) => {
        c.request.headers.set('x-list', ['1', '2'])
        c.request.headers.append('X-List', '3')
        c.request.headers.append('x-fresh', 'f')
        c.request.headers.delete('User-Agent')
        c.request.headers.set('x-empty', [])
      })(createEvent('viewer-request')),
    )
    expect(out.headers['x-list']!.map((e) => e.value)).toEqual(['1', '2', '3'])
    expect(out.headers['x-fresh']).toEqual([{ key: 'x-fresh', value: 'f' }])
    expect(out.headers['user-agent']).toBeUndefined()
    expect('x-empty' in out.headers).toBe(false)
  })

  it('CR/LF and other control characters in a value throw InvalidHeaderValue', async () => {
    await viewerRequest(async (c) => {
      for (const v of ['a\r\nSet-Cookie: x', 'a\nb', 'a\u0000', 'a\u007f']) {
        expect(ruleError(() => c.request.headers.set('x-a', v)).rule).toBe('InvalidHeaderValue')
        expect(ruleError(() => c.request.headers.append('x-a', v)).rule).toBe('InvalidHeaderValue')
      }
      expect(ruleError(() => c.request.headers.set('x-a', 5 as never)).rule).toBe('InvalidHeaderValue')
      expect(ruleError(() => c.request.headers.set('x-a', ['ok', 'b\r'])).rule).toBe('InvalidHeaderValue')
      // tab is allowed
      c.request.headers.set('x-tab', 'a\tb')
      expect(c.request.headers.get('x-tab')).toBe('a\tb')
    })(createEvent('viewer-request'))
  })

  it('an invalid header name throws InvalidHeaderName', async () => {
    await viewerRequest(async (c) => {
      expect(ruleError(() => c.request.headers.set('bad name', 'v')).rule).toBe('InvalidHeaderName')
      expect(ruleError(() => c.request.headers.set('', 'v')).rule).toBe('InvalidHeaderName')
      for (const bad of [5, null, undefined, {}]) {
        expect(ruleError(() => c.request.headers.set(bad as never, 'v')).rule).toBe('InvalidHeaderName')
        expect(ruleError(() => c.request.headers.append(bad as never, 'v')).rule).toBe('InvalidHeaderName')
        expect(ruleError(() => c.request.headers.delete(bad as never)).rule).toBe('InvalidHeaderName')
        expect(ruleError(() => c.request.headers.get(bad as never)).rule).toBe('InvalidHeaderName')
      }
    })(createEvent('viewer-request'))
  })
})

describe('header names that are Object.prototype members', () => {
  it('constructor, toString and __proto__ are ordinary headers', async () => {
    const event = JSON.parse(JSON.stringify(createEvent('viewer-request')).replace('"accept":', '"__proto__":[{"key":"__proto__","value":"p"}],"accept":'))
    const out = asRequest(
      await viewerRequest(async (c) => {
        const h = c.request.headers
        expect(h.get('constructor')).toBeUndefined()
        expect(h.has('toString')).toBe(false)
        expect(h.getAll('valueOf')).toEqual([])
        expect(h.get('__proto__')).toBe('p')
        h.set('constructor', 'c')
        h.append('toString', 't')
        h.set('__proto__', 'q')
        expect(h.get('constructor')).toBe('c')
        expect(h.getAll('toString')).toEqual(['t'])
        expect(c.request.cookies.get('constructor')).toBeUndefined()
      })(event),
    )
    expect(Object.getPrototypeOf(out.headers)).toBe(Object.prototype)
    expect(Object.keys(out.headers)).toEqual(expect.arrayContaining(['constructor', 'tostring', '__proto__']))
    expect(JSON.parse(JSON.stringify(out.headers)).__proto__).toEqual([{ key: '__proto__', value: 'q' }])
  })
})

describe('read-only headers, per stage [RALL]', () => {
  for (const stage of ['viewer-request', 'origin-request', 'origin-response', 'viewer-response'] as const) {
    for (const name of READ_ONLY_HEADERS[stage]) {
      it(`${stage}: ${name} can't be set, appended or deleted`, async () => {
        await withHeaders(stage, (h) => {
          const before = h.getAll(name)
          for (const op of [() => h.set(name, 'x'), () => h.append(name.toUpperCase(), 'x'), () => h.delete(name)]) {
            const e = ruleError(op)
            expect(e.rule).toBe('ReadOnlyHeader')
            expect(e.value).toBeDefined()
            expect(e.message).toContain(stage)
          }
          expect(h.getAll(name)).toEqual(before) // nothing changed
        })
      })
    }
  }

  it('Host is writable in origin-request but not in viewer-request', async () => {
    await withHeaders('origin-request', (h) => h.set('host', 'other.example.com'))
    await withHeaders('viewer-request', (h) => expect(ruleError(() => h.set('Host', 'x')).rule).toBe('ReadOnlyHeader'))
  })
})

describe('disallowed headers (every stage) [RALL]', () => {
  const names = [...DISALLOWED_HEADERS, 'x-amz-cf-pop', 'X-Edge-Location']
  for (const stage of ['viewer-request', 'origin-request', 'origin-response', 'viewer-response'] as const) {
    it(`${stage}: every disallowed header throws DisallowedHeader`, async () => {
      await withHeaders(stage, (h) => {
        for (const name of names) {
          expect(ruleError(() => h.set(name, 'x')).rule).toBe('DisallowedHeader')
          expect(ruleError(() => h.append(name, 'x')).rule).toBe('DisallowedHeader')
        }
      })
    })
  }

  it('viewer-request may not add CloudFront-Viewer-Country; origin-request may', async () => {
    await withHeaders('viewer-request', (h) => expect(ruleError(() => h.set('CloudFront-Viewer-Country', 'DE')).rule).toBe('ViewerCountryAdded'))
    await withHeaders('origin-request', (h) => h.set('CloudFront-Viewer-Country', 'DE'))
  })
})

describe('the request in response stages is read-only', () => {
  it('header writes on c.request throw ReadOnlyRequest', async () => {
    await viewerResponse(async (c) => {
      expect(c.request.headers.get('host')).toBe('d111111abcdef8.cloudfront.net')
      expect(ruleError(() => c.request.headers.set('x-a', '1')).rule).toBe('ReadOnlyRequest')
      expect(ruleError(() => c.request.headers.delete('accept')).rule).toBe('ReadOnlyRequest')
      expect(c.request.uri).toBe('/')
      expect(c.request.method).toBe('GET')
      expect(c.request.clientIp).toBe('203.0.113.178')
      const r = c.request as unknown as Record<string, unknown>
      for (const field of ['uri', 'querystring', 'method', 'clientIp']) {
        expect(() => (r[field] = '/x')).toThrow(expect.objectContaining({ name: 'EdgeRuleError', rule: 'ReadOnlyField' }))
      }
      expect(c.request.uri).toBe('/')
      expect(c.request.origin).toBeUndefined()
      expect(() => (r.origin = {})).toThrow(expect.objectContaining({ rule: 'ReadOnlyField' }))
    })(createEvent('viewer-response'))
    await originResponse(async (c) => {
      expect(c.request.origin?.custom?.domainName).toBe('example.org')
    })(createEvent('origin-response'))
  })

  it('method and clientIp are read-only in request stages too; origin only exists in origin-request', async () => {
    await viewerRequest(async (c) => {
      const r = c.request as unknown as Record<string, unknown>
      expect(() => (r.method = 'POST')).toThrow(expect.objectContaining({ rule: 'ReadOnlyField' }))
      expect(() => (r.clientIp = '1.1.1.1')).toThrow(expect.objectContaining({ rule: 'ReadOnlyField' }))
      expect(r.origin).toBeUndefined()
      expect(() => (r.origin = { custom: {} })).toThrow(expect.objectContaining({ rule: 'OriginNotAllowed' }))
    })(createEvent('viewer-request'))
  })
})
