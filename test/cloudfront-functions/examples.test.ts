import { describe, expect, it } from 'vitest'
import { EdgeValidationError, invokeFunction, KeyValueStore, runFunctionOutcome } from 'edgeware/testing'
import type { CffEvent, CffValues } from 'edgeware/cloudfront'
import { example, referenceEvent, signJwt } from './helpers.js'

// The functions in edge-functions/cff-examples do what each of AWS's published CloudFront Functions examples
// does; they run here on AWS's own test events, unchanged, through invokeFunction.

const headers = (r: Record<string, unknown>): CffValues => r.headers as CffValues

describe('viewer-request examples on the reference test events', () => {
  it('true-client-ip: adds the viewer address as true-client-ip, in both runtimes', async () => {
    for (const runtime of ['cloudfront-js-1.0', 'cloudfront-js-2.0'] as const) {
      const out = await invokeFunction(example('true-client-ip.js'), referenceEvent('add-true-client-ip-header/test-event.json'), { runtime })
      expect(headers(out)['true-client-ip']).toEqual({ value: '0.0.0.0' })
    }
  })

  it('default-origin-header: adds Origin from the host when missing, keeps an existing one', async () => {
    const added = await invokeFunction(example('default-origin-header.js'), referenceEvent('add-origin-header/test-objects/no-origin-header.json'))
    expect(headers(added).origin).toEqual({ value: 'https://www.example.com' })
    const kept = await invokeFunction(example('default-origin-header.js'), referenceEvent('add-origin-header/test-objects/origin-header.json'))
    expect(headers(kept).origin).toEqual({ value: 'https://originexample.com' })
  })

  it('spa-rewrite: a directory gets index.html, an extensionless path /index.html, a file is left alone', async () => {
    const cases = [
      ['url-rewrite-single-page-apps/test-objects/no-file-name.json', '/index.html'],
      ['url-rewrite-single-page-apps/test-objects/file-name-no-extension.json', '/blog/index.html'],
      ['url-rewrite-single-page-apps/test-objects/file-name-and-extension.json', '/blog/index.html'],
    ] as const
    for (const [file, uri] of cases) {
      const out = await invokeFunction(example('spa-rewrite.js'), referenceEvent(file), { runtime: 'cloudfront-js-1.0' })
      expect(out.uri, file).toBe(uri)
    }
  })

  it('redirect-by-country: DE gets a 302 to the German site, others pass through', async () => {
    const de = await invokeFunction(example('redirect-by-country.js'), referenceEvent('redirect-based-on-country/test-objects/country-de.json'))
    expect(de).toEqual({ statusCode: 302, statusDescription: 'Found', headers: { location: { value: 'https://www.example.com/de/index.html' } } })
    const gb = await invokeFunction(example('redirect-by-country.js'), referenceEvent('redirect-based-on-country/test-objects/country-not-de.json'))
    expect(gb.uri).toBe('/index.html')
  })

  it('normalize-query: the query string comes back sorted, repeated values included, as a string', async () => {
    const event = referenceEvent('add-true-client-ip-header/test-event.json')
    event.request.querystring = { b: { value: '2' }, a: { value: '1', multiValue: [{ value: '1' }, { value: '0' }] } }
    const out = await invokeFunction(example('normalize-query.js'), event, { runtime: 'cloudfront-js-1.0' })
    expect(out.querystring).toBe('a=0&a=1&b=2')
  })

  it('origin-by-country: the S3 bucket of the viewer’s Region, with origin access control', async () => {
    const out = await runFunctionOutcome(example('origin-by-country.js'), referenceEvent('redirect-based-on-country/test-objects/country-de.json'))
    expect(out.ok).toBe(true)
    expect(out.originChanges).toEqual([
      {
        helper: 'updateRequestOrigin',
        params: {
          domainName: 'site-assets-eu-central-1.s3.eu-central-1.amazonaws.com',
          originAccessControlConfig: { enabled: true, signingBehavior: 'always', signingProtocol: 'sigv4', originType: 's3' },
        },
      },
    ])
  })
})

describe('key value store examples', () => {
  it('kvs-path-rewrite: a known first segment is replaced, an unknown one is kept (and both are logged)', async () => {
    const kvs = new KeyValueStore({ blog: 'v2-blog' })
    const event = referenceEvent('add-true-client-ip-header/test-event.json')
    event.request.uri = '/blog/post-1'
    const hit = await runFunctionOutcome(example('kvs-path-rewrite.js'), event, { kvs })
    expect(hit.ok && hit.result.uri).toBe('/v2-blog/post-1')
    expect(hit.logs).toEqual(['rewrote /blog/post-1 to /v2-blog/post-1'])
    event.request.uri = '/shop/cart'
    const miss = await runFunctionOutcome(example('kvs-path-rewrite.js'), event, { kvs })
    expect(miss.ok && miss.result.uri).toBe('/shop/cart')
    expect(miss.logs[0]).toMatch(/^kept \/shop\/cart: the key "shop" was not found/)
  })

  it('kvs-path-rewrite without an associated store fails like CloudFront: 503', async () => {
    await expect(invokeFunction(example('kvs-path-rewrite.js'), referenceEvent('add-true-client-ip-header/test-event.json'))).rejects.toMatchObject({
      status: 503,
      code: 'FunctionExecutionError',
      rule: 'FunctionThrew',
    })
  })

  it('kvs-ab-split: a JSON split sends every request to a or b; the variant cookie sticks', async () => {
    const kvs = KeyValueStore.fromImport({ data: [{ key: 'latest', value: '{"a_weight":0.5,"a":"v1","b":"v2"}' }] })
    const event = referenceEvent('add-true-client-ip-header/test-event.json')
    event.request.uri = '/latest/app.js'
    const seen = new Set<unknown>()
    for (let i = 0; i < 40; i++) seen.add((await invokeFunction(example('kvs-ab-split.js'), structuredClone(event), { kvs })).uri)
    expect(seen).toEqual(new Set(['/v1/app.js', '/v2/app.js']))
    event.request.cookies.variant = { value: 'latest' }
    expect((await invokeFunction(example('kvs-ab-split.js'), event, { kvs })).uri).toBe('/latest/app.js')
  })

  describe('jwt-verify (HS256, secret from the store)', () => {
    const secret = 'a-local-test-secret'
    const kvs = new KeyValueStore({ 'jwt.secret': secret })
    const at2024 = Date.parse('2024-01-01T00:00:00Z')
    /** The reference event with its token re-signed with our secret (same header and claims). */
    const resigned = (file: string): CffEvent => {
      const event = referenceEvent(file)
      const token = event.request.querystring.jwt!.value
      event.request.querystring.jwt!.value = signJwt(token.split('.').slice(0, 2).join('.'), secret)
      return event
    }
    const verify = (event: CffEvent) => invokeFunction(example('jwt-verify.js'), event, { kvs, now: at2024 })
    const denied = { statusCode: 401, statusDescription: 'Unauthorized' }

    it('a valid token passes and is removed from the query string', async () => {
      const out = await verify(resigned('kvs-jwt-verify/test-objects/valid-jwt.json'))
      expect(out.querystring).toEqual({ test: { value: 'anotherQueryString' } })
    })
    it('expired, not yet valid, missing, malformed, or signed with another secret: 401', async () => {
      expect(await verify(resigned('kvs-jwt-verify/test-objects/expired-jwt.json'))).toEqual(denied)
      expect(await verify(resigned('kvs-jwt-verify/test-objects/invalid-nbe-jwt.json'))).toEqual(denied)
      expect(await verify(referenceEvent('kvs-jwt-verify/test-objects/missing-jwt.json'))).toEqual(denied)
      expect(await verify(referenceEvent('kvs-jwt-verify/test-objects/invalid-jwt.json'))).toEqual(denied)
      expect(await verify(referenceEvent('kvs-jwt-verify/test-objects/valid-jwt.json'))).toEqual(denied)
    })
    it('Date is the run’s start time: the same token expires when the run is later', async () => {
      const event = resigned('kvs-jwt-verify/test-objects/valid-jwt.json')
      expect(await invokeFunction(example('jwt-verify.js'), event, { kvs, now: Date.parse('2030-01-01T00:00:00Z') })).toEqual(denied)
    })
  })
})

describe('viewer-response examples on the reference test events', () => {
  it('security-headers: six headers added, the rest of the response untouched', async () => {
    const event = referenceEvent('add-security-headers/test-event.json')
    const out = await invokeFunction(example('security-headers.js'), event, { runtime: 'cloudfront-js-1.0' })
    expect(Object.keys(headers(out))).toEqual([
      'server', 'content-type', 'content-length', 'strict-transport-security', 'content-security-policy',
      'x-content-type-options', 'x-frame-options', 'x-xss-protection', 'referrer-policy',
    ])
    expect(out.statusCode).toBe(200)
    expect(out.cookies).toEqual(event.response!.cookies)
  })

  it('cors-echo: copies the request Origin when the origin sent none, and logs it', async () => {
    const out = await runFunctionOutcome(example('cors-echo.js'), referenceEvent('add-cors-header/test-objects/no-cors-header.json'))
    expect(out.ok && headers(out.result)['access-control-allow-origin']).toEqual({ value: 'https://www.example.com' })
    expect(out.logs).toEqual(['allowed origin https://www.example.com'])
    const kept = await invokeFunction(example('cors-echo.js'), referenceEvent('add-cors-header/test-objects/cors-header.json'))
    expect(headers(kept)['access-control-allow-origin']).toEqual({ value: 'https://www.example.com' })
  })

  it('cache-control: set on 2xx/3xx, not on a 404', async () => {
    const event = referenceEvent('add-cache-control-header/test-event.json')
    expect(headers(await invokeFunction(example('cache-control.js'), event))['cache-control']).toEqual({ value: 'public, max-age=63072000' })
    event.response!.statusCode = 404
    expect(headers(await invokeFunction(example('cache-control.js'), event))['cache-control']).toBeUndefined()
  })

  it('a viewer-response function that changes a read-only header gets CloudFront’s 502', async () => {
    const code = "function handler(event) { event.response.headers.via = { value: '1.1 mine' }; return event.response }"
    const err = await invokeFunction(code, referenceEvent('add-cache-control-header/test-event.json')).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(EdgeValidationError)
    expect(err).toMatchObject({ code: 'ReadOnlyHeader' })
  })
})

it('warnings about the event come with the outcome: AWS’s test events spell multiValue in lowercase', async () => {
  const out = await runFunctionOutcome(example('true-client-ip.js'), referenceEvent('add-true-client-ip-header/test-event.json'))
  expect(out.warnings.map((w) => [w.code, w.path])).toContainEqual(['MultivalueSpelling', 'event.request.querystring.arg.multivalue'])
})
