import { describe, expect, it } from 'vitest'
import { BASE, expectProblem, parse } from './helpers.js'

const withPolicy = (table: string, body: string, use = '') => `${BASE}${use}\n[[edge.${table}]]\n${body}\n`

describe('custom cache policies', () => {
  it('reads every key, with CloudFront defaults for the TTLs and both compression flags on', () => {
    const c = parse(withPolicy('cache_policies', 'id = "by-language"\nheaders = ["Accept-Language"]\ncookies = { all_except = ["session"] }\nquery_strings = ["q", "page"]', 'cache_policy = "by-language"'))
    expect(c.behaviors[0]!.cachePolicy).toEqual({
      kind: 'custom',
      id: 'by-language',
      name: 'by-language',
      minTtl: 0,
      defaultTtl: 86_400,
      maxTtl: 31_536_000,
      headers: { kind: 'list', names: ['accept-language'] },
      cookies: { kind: 'allExcept', names: ['session'] },
      queryStrings: { kind: 'list', names: ['q', 'page'] },
      gzip: true,
      brotli: true,
    })
    expect(c.edge.cachePolicies.map((p) => p.id)).toEqual(['by-language'])
    expect(parse(withPolicy('cache_policies', 'id = "p"\nname = "site-cache"\ncomment = "site"\nmin_ttl = 100000\ngzip = false', 'cache_policy = "p"')).behaviors[0]!.cachePolicy).toMatchObject({
      name: 'site-cache',
      comment: 'site',
      minTtl: 100_000,
      defaultTtl: 100_000,
      gzip: false,
      brotli: true,
    })
  })

  it('raises the default max_ttl to a default_ttl above one year, as CloudFront does', () => {
    const ttls = (body: string) => parse(withPolicy('cache_policies', `id = "p"\n${body}`, 'cache_policy = "p"')).behaviors[0]!.cachePolicy
    expect(ttls('default_ttl = 63072000')).toMatchObject({ minTtl: 0, defaultTtl: 63_072_000, maxTtl: 63_072_000 })
    expect(ttls('min_ttl = 40000000')).toMatchObject({ minTtl: 40_000_000, defaultTtl: 40_000_000, maxTtl: 40_000_000 })
    expect(ttls('default_ttl = 600')).toMatchObject({ defaultTtl: 600, maxTtl: 31_536_000 })
  })

  it.each([
    ['default above max', 'id = "p"\ndefault_ttl = 10\nmax_ttl = 5', 'edge.cache_policies[0].default_ttl', /between min_ttl \(0\) and max_ttl \(5\), got 10/],
    ['min above max', 'id = "p"\nmin_ttl = 10\nmax_ttl = 5', 'edge.cache_policies[0].min_ttl', /must be <= max_ttl \(5\), got 10/],
    ['a negative TTL', 'id = "p"\nmin_ttl = -1', 'edge.cache_policies[0].min_ttl', /from 0 to .*got -1/],
    ['"all" headers', 'id = "p"\nheaders = "all"', 'edge.cache_policies[0].headers', /expected "none", an array of names, got "all"/],
    ['an origin-request-only CloudFront header in the key', 'id = "p"\nheaders = ["CloudFront-Viewer-Address"]', 'edge.cache_policies[0].headers', /cloudfront-viewer-address can only be forwarded by an origin request policy/],
    ['an unknown CloudFront header', 'id = "p"\nheaders = ["CloudFront-Viewer-Planet"]', 'edge.cache_policies[0].headers[0]', /"CloudFront-Viewer-Planet" is not a header CloudFront adds/],
    ['an invalid header name', 'id = "p"\nheaders = ["bad header"]', 'edge.cache_policies[0].headers[0]', /not a valid header name: "bad header"/],
    ['a header listed twice', 'id = "p"\nheaders = ["A", "a"]', 'edge.cache_policies[0].headers[1]', /"a" is listed twice/],
    ['an empty all_except', 'id = "p"\ncookies = { all_except = [] }', 'edge.cache_policies[0].cookies.all_except', /at least one name/],
    ['a name with spaces', 'id = "p"\nname = "my cache"', 'edge.cache_policies[0].name', /1-128 letters, digits, "-" and "_", got "my cache"/],
    ['an id that is a managed name', 'id = "CachingOptimized"', 'edge.cache_policies[0].id', /"CachingOptimized" is the name of a managed policy/],
    ['a comment over 128 characters', `id = "p"\ncomment = "${'c'.repeat(129)}"`, 'edge.cache_policies[0].comment', /at most 128 characters, got 129/],
    ['an unknown key', 'id = "p"\nttl = 1', 'edge.cache_policies[0].ttl', /unknown key/],
  ])('rejects %s', (_, body, key, re) => {
    expectProblem(withPolicy('cache_policies', body), key, re)
  })

  it('refuses duplicate ids and two policies with one name', () => {
    expectProblem(`${BASE}[[edge.cache_policies]]\nid = "p"\n[[edge.cache_policies]]\nid = "p"`, 'edge.cache_policies[1].id', /duplicate policy id "p"/)
    expectProblem(`${BASE}[[edge.cache_policies]]\nid = "p"\nname = "n"\n[[edge.cache_policies]]\nid = "q"\nname = "n"`, 'edge.cache_policies', /policies "p" and "q" have the same name "n"/)
  })
})

describe('custom origin request policies', () => {
  const orp = (body: string) => withPolicy('origin_request_policies', `id = "fwd"\n${body}`, 'cache_policy = "CachingDisabled"\norigin_request_policy = "fwd"')

  it('reads the header forms CloudFront has', () => {
    const headers = (h: string) => parse(orp(`headers = ${h}`)).behaviors[0]!.originRequestPolicy!.headers
    expect(headers('"all_viewer"')).toEqual({ kind: 'all' })
    expect(headers('"none"')).toEqual({ kind: 'none' })
    expect(headers('["CloudFront-Viewer-Country", "X-Api-Key"]')).toEqual({ kind: 'list', names: ['cloudfront-viewer-country', 'x-api-key'] })
    expect(headers('{ all_except = ["Host"] }')).toEqual({ kind: 'allExcept', names: ['host'] })
    expect(headers('{ all_viewer_and_cloudfront = ["CloudFront-Viewer-City"] }')).toEqual({ kind: 'allViewerAndCloudFront', names: ['cloudfront-viewer-city'] })
    expect(parse(orp('headers = ["CloudFront-Viewer-TLS"]')).behaviors[0]!.originRequestPolicy!.headers).toEqual({ kind: 'list', names: ['cloudfront-viewer-tls'] })
  })

  it('lists only CloudFront-* headers beside all viewer headers', () => {
    expectProblem(orp('headers = { all_viewer_and_cloudfront = ["X-A"] }'), 'edge.origin_request_policies[0].headers.all_viewer_and_cloudfront[0]', /only CloudFront-\* headers are listed here .*got "X-A"/)
    expectProblem(orp('headers = { all_viewer_and_cloudfront = [] }'), 'edge.origin_request_policies[0].headers.all_viewer_and_cloudfront', /at least one CloudFront-\* header/)
  })

  it.each([
    ['Authorization', 'headers = ["Authorization"]', /authorization is not allowed in an origin request policy.*"The parameter Headers contains Authorization that is not allowed"/],
    ['Accept-Encoding', 'headers = ["Accept-Encoding"]', /accept-encoding is not allowed in an origin request policy/],
    ['all_viewer_and_cloudfront without its list', 'headers = "all_viewer_and_cloudfront"', /names the CloudFront headers to add/],
    ['an unknown form', 'headers = "everything"', /expected "none", "all_viewer", an array of names, \{ all_viewer_and_cloudfront = \[\.\.\.\] \} or \{ all_except = \[\.\.\.\] \}, got "everything"/],
  ])('rejects %s', (_, body, re) => {
    const e = expectProblem(orp(body), 'edge.origin_request_policies[0].headers', /.*/)
    expect(e.problems[0]!.message).toMatch(re)
  })

  it('needs a cache policy on the behavior', () => {
    expectProblem(withPolicy('origin_request_policies', 'id = "fwd"', 'origin_request_policy = "fwd"'), 'edge.default_behavior.origin_request_policy', /can only be used together with a cache policy/)
  })
})

describe('custom response headers policies', () => {
  const rhp = (body: string) => withPolicy('response_headers_policies', `id = "site"\n${body}`, 'response_headers_policy = "site"')
  const read = (body: string) => parse(rhp(body)).behaviors[0]!.responseHeadersPolicy!

  it('builds each security header value as CloudFront sends it', () => {
    const p = read(`security = { hsts = "max-age=63072000; includeSubDomains", content_type_options = true, frame_options = "DENY", referrer_policy = "same-origin", csp = "default-src 'self'", xss_protection = { mode_block = true }, override = true }`)
    expect(p.security).toEqual({
      hsts: { value: 'max-age=63072000; includeSubDomains', maxAgeSec: 63_072_000, includeSubdomains: true, preload: false, override: true },
      contentTypeOptions: { value: 'nosniff', override: true },
      frameOptions: { value: 'DENY', override: true },
      referrerPolicy: { value: 'same-origin', override: true },
      csp: { value: "default-src 'self'", override: true },
      xssProtection: { value: '1; mode=block', protection: true, modeBlock: true, override: true },
    })
    expect(read('security = { hsts = { max_age = 600, preload = true } }').security?.hsts).toMatchObject({ value: 'max-age=600; preload', override: false })
    expect(read('security = { xss_protection = { report_uri = "https://r.test/x" } }').security?.xssProtection?.value).toBe('1; report=https://r.test/x')
  })

  it('reads CORS with defaults for methods and headers, custom and removed headers, server timing', () => {
    const p = read(`cors = { allow_origins = ["https://example.com", "https://*.example.org"], max_age = 600 }
custom = [{ name = "X-Site", value = "example", override = true }, { name = "X-Empty", value = "" }]
remove = ["Server", "X-Powered-By"]
server_timing = { sampling_rate = 12.5 }`)
    expect(p.cors).toEqual({ allowOrigins: ['https://example.com', 'https://*.example.org'], allowMethods: ['ALL'], allowHeaders: ['*'], exposeHeaders: [], allowCredentials: false, maxAgeSec: 600, override: false })
    expect(p.custom).toEqual([
      { name: 'X-Site', value: 'example', override: true },
      { name: 'X-Empty', value: '', override: false },
    ])
    expect(p.remove).toEqual(['server', 'x-powered-by'])
    expect(p.serverTiming).toEqual({ enabled: true, samplingRate: 12.5 })
  })

  it.each([
    ['a bad HSTS string', 'security = { hsts = "max-age=1; foo" }', 'edge.response_headers_policies[0].security.hsts', /max-age=<seconds>\[; includeSubDomains\]\[; preload\]", got "max-age=1; foo"/],
    ['HSTS without max-age', 'security = { hsts = "includeSubDomains" }', 'edge.response_headers_policies[0].security.hsts', /max-age=<seconds> is required/],
    ['a frame option', 'security = { frame_options = "ALLOW" }', 'edge.response_headers_policies[0].security.frame_options', /"DENY" or "SAMEORIGIN", got "ALLOW"/],
    ['a referrer policy', 'security = { referrer_policy = "never" }', 'edge.response_headers_policies[0].security.referrer_policy', /"unsafe-url", got "never"/],
    ['a CSP over 1,783 characters', `security = { csp = "${'a'.repeat(1784)}" }`, 'edge.response_headers_policies[0].security.csp', /at most 1783 characters, got 1784/],
    ['mode_block with report_uri', 'security = { xss_protection = { mode_block = true, report_uri = "https://r.test" } }', 'edge.response_headers_policies[0].security.xss_protection', /mutually exclusive/],
    ['no CORS origins', 'cors = { allow_methods = ["GET"] }', 'edge.response_headers_policies[0].cors.allow_origins', /at least one origin/],
    ['a wildcard inside a label', 'cors = { allow_origins = ["https://ex*ample.com"] }', 'edge.response_headers_policies[0].cors.allow_origins[0]', /may not be part of a label/],
    ['a wildcard TLD', 'cors = { allow_origins = ["https://example.*"] }', 'edge.response_headers_policies[0].cors.allow_origins[0]', /may not be the top-level domain/],
    ['a wildcard right of a subdomain', 'cors = { allow_origins = ["https://a.*.example.com"] }', 'edge.response_headers_policies[0].cors.allow_origins[0]', /only be the leftmost label/],
    ['a CORS method', 'cors = { allow_origins = ["*"], allow_methods = ["GET", "TRACE"] }', 'edge.response_headers_policies[0].cors.allow_methods[1]', /got "TRACE"/],
    ['ALL with other methods', 'cors = { allow_origins = ["*"], allow_methods = ["ALL", "GET"] }', 'edge.response_headers_policies[0].cors.allow_methods', /list it alone/],
    ['removing a header CloudFront keeps', 'remove = ["Content-Length"]', 'edge.response_headers_policies[0].remove[0]', /can't remove Content-Length/],
    ['removing an X-Amz-Cf- header', 'remove = ["X-Amz-Cf-Pop"]', 'edge.response_headers_policies[0].remove[0]', /can't remove X-Amz-Cf-Pop/],
    ['a custom header twice', 'custom = [{ name = "X-A", value = "1" }, { name = "x-a", value = "2" }]', 'edge.response_headers_policies[0].custom[1].name', /duplicate custom header "x-a"/],
    ['a custom header without value', 'custom = [{ name = "X-A" }]', 'edge.response_headers_policies[0].custom[0].value', /is required \(may be ""\)/],
    ['a sampling rate over 100', 'server_timing = { sampling_rate = 101 }', 'edge.response_headers_policies[0].server_timing.sampling_rate', /0 to 100 with at most 4 decimal places, got 101/],
    ['a sampling rate with 5 decimals', 'server_timing = { sampling_rate = 1.00001 }', 'edge.response_headers_policies[0].server_timing.sampling_rate', /got 1.00001/],
    ['an empty policy', '', 'edge.response_headers_policies[0]', /needs at least one of security, cors, custom, remove or server_timing/],
  ])('rejects %s', (_, body, key, re) => {
    expectProblem(rhp(body), key, re)
  })
})

describe('policy references', () => {
  it('name what is known when a behavior names an unknown policy', () => {
    const e = expectProblem(`${BASE}cache_policy = "Fast"\n[[edge.cache_policies]]\nid = "mine"`, 'edge.default_behavior.cache_policy', /no cache policy named "Fast" \(custom: mine; managed: Amplify, CachingDisabled/)
    expect(e.value).toBe('Fast')
    expectProblem(`${BASE}response_headers_policy = "Secure"`, 'edge.default_behavior.response_headers_policy', /no response headers policy named "Secure" \(custom: none; managed: SimpleCORS/)
  })

  it('lists the policies the model holds: custom ones declared, managed ones used', () => {
    const c = parse(`${BASE}cache_policy = "CachingDisabled"\norigin_request_policy = "AllViewer"\nresponse_headers_policy = "SimpleCORS"\n[[edge.cache_policies]]\nid = "unused"`)
    expect(c.edge.cachePolicies.map((p) => [p.kind, p.id])).toEqual([
      ['custom', 'unused'],
      ['managed', 'CachingDisabled'],
    ])
    expect(c.edge.originRequestPolicies.map((p) => p.id)).toEqual(['AllViewer'])
    expect(c.edge.responseHeadersPolicies.map((p) => p.awsId)).toEqual(['60669652-455b-4ae9-85a4-c4c02393f86c'])
  })
})
