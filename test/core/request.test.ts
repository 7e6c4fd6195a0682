import { describe, expect, it, vi } from 'vitest'
import { EdgeRuleError, originRequest, viewerRequest, type CfOrigin } from 'edgeware'
import { limits, validateResult } from 'edgeware/cloudfront'
import { createEvent, invoke } from 'edgeware/testing'
import { asRequest } from './helpers.js'

function rule(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(EdgeRuleError)
    return (e as EdgeRuleError).rule
  }
  throw new Error('expected an EdgeRuleError')
}

describe('uri and querystring', () => {
  it('setters write through to the CloudFront request', async () => {
    const out = asRequest(
      await invoke(
        viewerRequest(async (c) => {
          c.request.uri = '/index.html'
          c.request.querystring = '?a=1&b=2'
        }),
        createEvent('viewer-request'),
      ),
    )
    expect(out.uri).toBe('/index.html')
    expect(out.querystring).toBe('a=1&b=2') // leading ? dropped
  })

  it('invalid values throw the rule CloudFront would reject', async () => {
    await viewerRequest(async (c) => {
      expect(rule(() => (c.request.uri = 'no-slash'))).toBe('InvalidUri')
      expect(rule(() => (c.request.uri = ''))).toBe('InvalidUri')
      expect(rule(() => (c.request.uri = '/a\nb'))).toBe('InvalidUri')
      expect(rule(() => (c.request.uri = 5 as never))).toBe('InvalidUri')
      expect(rule(() => (c.request.querystring = 'a b'))).toBe('InvalidQuerystring')
      expect(rule(() => (c.request.querystring = 'a#frag'))).toBe('InvalidQuerystring')
      expect(rule(() => (c.request.querystring = 'a=\u0001'))).toBe('InvalidQuerystring')
      expect(c.request.uri).toBe('/')
      expect(c.request.querystring).toBe('')
    })(createEvent('viewer-request'))
  })

  it('the uri setter and validateResult refuse the same uris (CR, LF, NUL, no leading /) and accept the same', async () => {
    const uris = ['/a\r\nHost: evil', '/nul\u0000', '/a\u001b', '/del\u007f', '/tab\tx', 'x', '', '/ok', '/%0D%0A', '/ü', '/a b']
    const event = createEvent('viewer-request')
    await viewerRequest(async (c) => {
      for (const uri of uris) {
        let thrown: string | undefined
        try {
          c.request.uri = uri
        } catch (e) {
          thrown = (e as EdgeRuleError).rule
        }
        const v = validateResult('viewer-request', event, { ...event.Records[0]!.cf.request, uri })
        expect(thrown, JSON.stringify(uri)).toBe(v.length ? 'InvalidUri' : undefined)
        expect(v.map((x) => x.code), JSON.stringify(uri)).toEqual(thrown ? ['InvalidUri'] : [])
      }
    })(createEvent('viewer-request'))
  })

  it('uri + querystring must stay under 8,192 characters (at and over the boundary)', async () => {
    await viewerRequest(async (c) => {
      c.request.querystring = 'q=' + 'x'.repeat(100)
      const qsLen = c.request.querystring.length
      c.request.uri = '/' + 'a'.repeat(8191 - qsLen - 1) // total 8191: ok
      expect(c.request.uri.length + qsLen).toBe(8191)
      expect(rule(() => (c.request.uri = '/' + 'a'.repeat(8192 - qsLen - 1)))).toBe('UriTooLong')
      expect(rule(() => (c.request.querystring = c.request.querystring + 'y'))).toBe('UriTooLong')
    })(createEvent('viewer-request'))
  })

  it('query is parsed lazily and follows querystring changes', async () => {
    await viewerRequest(async (c) => {
      expect(c.request.query.get('a')).toBe('1')
      expect(c.request.query.getAll('b')).toEqual(['2', '3'])
      c.request.querystring = 'a=9'
      expect(c.request.query.get('a')).toBe('9')
    })(createEvent('viewer-request', { querystring: 'a=1&b=2&b=3' }))
  })
})

describe('cookies', () => {
  it('parses every Cookie entry; the first occurrence of a name wins', async () => {
    const event = createEvent('viewer-request', { headers: { cookie: ['ab=B; theme=dark', 'ab=C; lang=de%20CH'] } })
    await viewerRequest(async (c) => {
      expect(c.request.cookies.get('ab')).toBe('B')
      expect(c.request.cookies.get('lang')).toBe('de CH')
      expect(c.request.cookies.has('theme')).toBe(true)
      expect(c.request.cookies.has('nope')).toBe(false)
      expect(c.request.cookies.all()).toEqual({ ab: 'B', theme: 'dark', lang: 'de CH' })
    })(event)
  })

  it('no Cookie header: empty; a header change is seen', async () => {
    await viewerRequest(async (c) => {
      expect(c.request.cookies.get('a')).toBeUndefined()
      expect(c.request.cookies.all()).toEqual({})
      c.request.headers.set('cookie', 'a=1')
      expect(c.request.cookies.get('a')).toBe('1')
      c.request.headers.append('cookie', 'b=2')
      expect(c.request.cookies.get('b')).toBe('2')
    })(createEvent('viewer-request'))
  })
})

describe('body (IncludeBody)', () => {
  it('decodes the base64 body as bytes, text and JSON', async () => {
    await viewerRequest(async (c) => {
      const b = c.request.body!
      expect(b.inputTruncated).toBe(false)
      expect(b.text()).toBe('{"name":"Jöhn"}')
      expect(b.json()).toEqual({ name: 'Jöhn' })
      expect(Buffer.from(b.bytes()).toString('utf8')).toBe('{"name":"Jöhn"}')
    })(createEvent('viewer-request', { body: '{"name":"Jöhn"}' }))
  })

  it('surfaces inputTruncated when the body was over the stage limit', async () => {
    await viewerRequest(async (c) => {
      expect(c.request.body!.inputTruncated).toBe(true)
      expect(c.request.body!.bytes().byteLength).toBe(40 * 1024)
    })(createEvent('viewer-request', { body: 'x'.repeat(40 * 1024 + 1) }))
  })

  it('is undefined without IncludeBody; bad JSON is a clear SyntaxError', async () => {
    await viewerRequest(async (c) => {
      expect(c.request.body).toBeUndefined()
    })(createEvent('viewer-request'))
    await viewerRequest(async (c) => {
      expect(() => c.request.body!.json()).toThrow(/not valid JSON.*"not json"/)
    })(createEvent('viewer-request', { body: 'not json' }))
  })

  it('honours encoding: text', async () => {
    const event = createEvent('viewer-request', { body: 'x' })
    event.Records[0]!.cf.request.body = { inputTruncated: false, action: 'read-only', encoding: 'text', data: 'plain' }
    await viewerRequest(async (c) => {
      expect(c.request.body!.text()).toBe('plain')
    })(event)
  })

  it('replaceBody sets action replace with text or base64, checked against the limits', async () => {
    const out = asRequest(
      await invoke(
        viewerRequest(async (c) => {
          c.request.replaceBody('new text')
        }),
        createEvent('viewer-request', { body: 'old' }),
      ),
    )
    expect(out.body).toEqual({ inputTruncated: false, action: 'replace', encoding: 'text', data: 'new text' })
    const out2 = asRequest(
      await invoke(
        originRequest(async (c) => {
          c.request.replaceBody(new Uint8Array([0, 1, 2, 255]))
        }),
        createEvent('origin-request'),
      ),
    )
    expect(out2.body).toMatchObject({ action: 'replace', encoding: 'base64', data: 'AAEC/w==' })
    await viewerRequest(async (c) => {
      const max = limits.classic.replaceBody['viewer-request']
      c.request.replaceBody('x'.repeat(max.text)) // at the limit: fine
      expect(rule(() => c.request.replaceBody('x'.repeat(max.text + 1)))).toBe('BodyTooLarge')
      expect(rule(() => c.request.replaceBody('é'.repeat(max.text / 2 + 1)))).toBe('BodyTooLarge') // UTF-8 bytes count
      const b64Bytes = Math.floor((max.base64 / 4) * 3)
      c.request.replaceBody(new Uint8Array(b64Bytes)) // ≤ 53.2 KB of base64
      expect(rule(() => c.request.replaceBody(new Uint8Array(b64Bytes + 3)))).toBe('BodyTooLarge')
      expect(rule(() => c.request.replaceBody(5 as never))).toBe('InvalidBody')
    })(createEvent('viewer-request'))
  })
})

describe('origin (origin-request)', () => {
  it('reads and switches origins, custom ↔ s3; the result validates', async () => {
    const h = originRequest(async (c) => {
      expect(c.request.origin.custom?.domainName).toBe('example.org')
      const s3: CfOrigin = {
        s3: { authMethod: 'none', customHeaders: {}, domainName: 'bucket.s3.us-east-1.amazonaws.com', path: '', region: 'us-east-1' },
      }
      c.request.origin = s3
      c.request.headers.set('host', 'bucket.s3.us-east-1.amazonaws.com') // Host is writable in origin-request
    })
    const out = asRequest(await invoke(h, createEvent('origin-request')))
    expect(out.origin?.s3?.domainName).toBe('bucket.s3.us-east-1.amazonaws.com')
    expect(out.headers['host']).toEqual([{ key: 'Host', value: 'bucket.s3.us-east-1.amazonaws.com' }])
  })

  it('an invalid origin throws InvalidOrigin naming the field and value, and is not applied', async () => {
    await originRequest(async (c) => {
      const bad = { custom: { ...c.request.origin.custom!, port: 70000 } }
      let err: EdgeRuleError | undefined
      try {
        c.request.origin = bad
      } catch (e) {
        err = e as EdgeRuleError
      }
      expect(err?.rule).toBe('InvalidOrigin')
      expect(err?.message).toMatch(/port/)
      expect(err?.message).toMatch(/70000/)
      expect(c.request.origin.custom?.port).toBe(443)
      expect(rule(() => (c.request.origin = { custom: c.request.origin.custom!, s3: {} } as never))).toBe('InvalidOrigin')
      expect(rule(() => (c.request.origin = null as never))).toBe('InvalidOrigin')
    })(createEvent('origin-request'))
  })

  it('an origin custom header may not duplicate a request header, either way round [EVT]', async () => {
    const event = createEvent('origin-request', { headers: { 'x-tenant': 'a' } })
    const original = structuredClone(event)
    const out = await originRequest(async (c) => {
      const custom = c.request.origin.custom!
      let rule = ''
      try {
        c.request.origin = { custom: { ...custom, customHeaders: { 'x-tenant': [{ key: 'X-Tenant', value: 'b' }] } } }
      } catch (e) {
        rule = (e as EdgeRuleError).rule
      }
      expect(rule).toBe('DuplicateCustomHeader')
      c.request.origin = { custom: { ...custom, customHeaders: { 'x-secret': [{ key: 'X-Secret', value: 's' }] } } }
      expect(() => c.request.headers.set('X-Secret', 'v')).toThrow(expect.objectContaining({ rule: 'DuplicateCustomHeader' }))
      expect(() => c.request.headers.append('x-secret', 'v')).toThrow(expect.objectContaining({ rule: 'DuplicateCustomHeader' }))
      c.request.headers.set('x-other', 'ok')
    })(event)
    expect(validateResult('origin-request', original, out)).toEqual([])
  })

  it('the current profile allows readTimeout values classic rejects', async () => {
    const setTo = (readTimeout: number) =>
      originRequest({ limits: 'current' }, async (c) => {
        c.request.origin = { custom: { ...c.request.origin.custom!, readTimeout, responseCompletionTimeout: readTimeout } }
      })
    await expect(setTo(100)(createEvent('origin-request'))).resolves.toBeDefined()
    const classic = originRequest(async (c) => {
      c.request.origin = { custom: { ...c.request.origin.custom!, readTimeout: 100, responseCompletionTimeout: 100 } }
    })
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
    await expect(classic(createEvent('origin-request'))).rejects.toThrow(/readTimeout must be an integer from 4 to 60/)
    spy.mockRestore()
  })
})

describe('the generated request results pass the validator', () => {
  it('a request changed through the API is valid', async () => {
    const event = createEvent('viewer-request', { querystring: 'x=1' })
    const h = viewerRequest(async (c) => {
      c.request.uri = '/a/b'
      c.request.querystring = 'y=2'
      c.request.headers.set('x-forwarded-host', c.request.headers.get('host')!)
    })
    const out = await h(structuredClone(event))
    expect(validateResult('viewer-request', event, out)).toEqual([])
  })
})
