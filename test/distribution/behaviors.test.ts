import { describe, expect, it } from 'vitest'
import { selects, unionSelection, type NameSelection } from '../../src/distribution/index.js'
import { BASE, expectProblem, parse } from './helpers.js'

const effective = (lines: string, extra = '') => parse(`${BASE}${lines}\n${extra}`).behaviors[0]!

describe('behavior settings', () => {
  it("keeps today's defaults: legacy cache, all seven methods, GET/HEAD cached, redirect-to-https, compress", () => {
    const b = effective('')
    expect(b).toMatchObject({
      cache: { defaultTtl: 86_400, minTtl: 0, maxTtl: 31_536_000, headers: [], cookies: [], queryStrings: 'none' },
      allowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE'],
      cachedMethods: ['GET', 'HEAD'],
      viewerProtocolPolicy: 'redirect-to-https',
      compress: true,
      cloudfrontFunctions: {},
    })
    expect(b.cachePolicy).toBeUndefined()
  })

  it('accepts CloudFront\'s method sets in any order', () => {
    expect(effective('allowed_methods = ["HEAD", "OPTIONS", "GET"]\ncached_methods = ["OPTIONS", "HEAD", "GET"]')).toMatchObject({
      allowedMethods: ['GET', 'HEAD', 'OPTIONS'],
      cachedMethods: ['GET', 'HEAD', 'OPTIONS'],
    })
  })

  it.each([
    ['a method set CloudFront lacks', 'allowed_methods = ["GET", "POST"]', 'edge.default_behavior.allowed_methods', /one of CloudFront's sets \[GET, HEAD\], \[GET, HEAD, OPTIONS\], .*got \["GET","POST"\]/],
    ['a cached set CloudFront lacks', 'cached_methods = ["GET"]', 'edge.default_behavior.cached_methods', /\[GET, HEAD\], \[GET, HEAD, OPTIONS\] \(any order\), got \["GET"\]/],
    ['OPTIONS cached but not allowed', 'allowed_methods = ["GET", "HEAD"]\ncached_methods = ["GET", "HEAD", "OPTIONS"]', 'edge.default_behavior.cached_methods', /subset of allowed_methods/],
    ['a viewer protocol policy', 'viewer_protocol_policy = "https"', 'edge.default_behavior.viewer_protocol_policy', /"allow-all", "redirect-to-https" or "https-only", got "https"/],
    ['compress as a string', 'compress = "yes"', 'edge.default_behavior.compress', /true or false, got "yes"/],
    ['cache and cache_policy together', 'cache = { default_ttl = 1 }\ncache_policy = "CachingOptimized"', 'edge.default_behavior.cache_policy', /either the legacy cache = \{ … \} or cache_policy, not both/],
  ])('rejects %s', (_, lines, key, re) => {
    expectProblem(`${BASE}${lines}`, key, re)
  })

  it('refuses a cache key on Host for an S3 origin, and allows it for a custom one', () => {
    const s3 = `[[edge.origins]]\nid = "assets"\ns3 = { dir = "public", bucket = "my-assets", region = "us-east-1" }\n`
    expectProblem(`${s3}${BASE}[[edge.behaviors]]\npath_pattern = "/assets/*"\norigin = "assets"\ncache_policy = "Amplify"`, 'edge.behaviors[0].cache_policy', /"Amplify" keys on Host, which CloudFront doesn't allow with an S3 origin/)
    expect(effective('cache_policy = "Amplify"').cachePolicy?.id).toBe('Amplify')
  })

  it('refuses Host in a legacy cache key for an S3 origin, also when an origin group reaches it', () => {
    const s3 = `[[edge.origins]]\nid = "assets"\ns3 = { dir = "public", bucket = "my-assets", region = "us-east-1" }\n`
    expectProblem(
      `${s3}${BASE}[[edge.behaviors]]\npath_pattern = "/assets/*"\norigin = "assets"\ncache = { headers = ["Host"] }`,
      'edge.behaviors[0].cache.headers',
      /Host is in the cache key, which CloudFront doesn't allow with an S3 origin \(S3 origin "assets"\)/,
    )
    const group = `[[edge.origin_groups]]\nid = "ha"\nmembers = ["app", "assets"]\n`
    expectProblem(
      `${s3}${BASE}${group}[[edge.behaviors]]\npath_pattern = "/x/*"\norigin = "ha"\ncache_policy = "Amplify"`,
      'edge.behaviors[0].cache_policy',
      /"Amplify" keys on Host, which CloudFront doesn't allow with an S3 origin \(origin group "ha" reaches S3 origin "assets"\)/,
    )
  })
})

describe('effective settings', () => {
  it('legacy cache = { … }: key and forwarded values are the same names, no normalisation, no compression', () => {
    const b = effective('cache = { default_ttl = 60, headers = ["Host", "CloudFront-Viewer-Country"], cookies = ["session"], query_strings = ["q"] }')
    expect(b.cache).toEqual({ defaultTtl: 60, minTtl: 0, maxTtl: 31_536_000, headers: ['host', 'cloudfront-viewer-country'], cookies: ['session'], queryStrings: ['q'] })
    expect(b.effective).toEqual({
      ttl: { min: 0, default: 60, max: 31_536_000 },
      cacheKey: { headers: ['host', 'cloudfront-viewer-country'], cookies: { kind: 'list', names: ['session'] }, queryStrings: { kind: 'list', names: ['q'] } },
      acceptEncoding: { gzip: false, brotli: false },
      forward: { headers: { kind: 'list', names: ['host'] }, cookies: { kind: 'list', names: ['session'] }, queryStrings: { kind: 'list', names: ['q'] } },
      cloudfrontHeaders: ['cloudfront-viewer-country'],
      compress: false,
    })
  })

  it('CachingOptimized: nothing but the path in the key, Accept-Encoding normalised, compressed', () => {
    const b = effective('cache_policy = "CachingOptimized"')
    expect(b.effective).toEqual({
      ttl: { min: 1, default: 86_400, max: 31_536_000 },
      cacheKey: { headers: [], cookies: { kind: 'none' }, queryStrings: { kind: 'none' } },
      acceptEncoding: { gzip: true, brotli: true },
      forward: { headers: { kind: 'none' }, cookies: { kind: 'none' }, queryStrings: { kind: 'none' } },
      cloudfrontHeaders: [],
      compress: true,
    })
    // The legacy form the local edge applies today: the policy's TTLs and key.
    expect(b.cache).toEqual({ defaultTtl: 86_400, minTtl: 1, maxTtl: 31_536_000, headers: [], cookies: [], queryStrings: 'none' })
    expect(effective('cache_policy = "CachingOptimized"\ncompress = false').effective.compress).toBe(false)
  })

  it('CachingDisabled + AllViewerExceptHostHeader: nothing cached or keyed, every viewer value but Host forwarded', () => {
    const b = effective('cache_policy = "CachingDisabled"\norigin_request_policy = "AllViewerExceptHostHeader"')
    expect(b.effective).toMatchObject({
      ttl: { min: 0, default: 0, max: 0 },
      cacheKey: { headers: [], cookies: { kind: 'none' }, queryStrings: { kind: 'none' } },
      forward: { headers: { kind: 'allExcept', names: ['host'] }, cookies: { kind: 'all' }, queryStrings: { kind: 'all' } },
      compress: false,
    })
    expect(b.cache).toMatchObject({ maxTtl: 0, headers: [], cookies: [], queryStrings: 'none' })
  })

  it("the managed AllViewer policies withhold S3's response-content-* overrides from S3 origins; the cache key's and custom policies' reach S3", () => {
    const s3Query = (lines: string, extra = '') => effective(lines, extra).effective.forward.s3QueryStrings
    const withheld = ['response-content-type', 'response-content-disposition', 'response-content-encoding']
    for (const orp of ['AllViewer', 'AllViewerAndCloudFrontHeaders-2022-06', 'AllViewerExceptHostHeader', 'Elemental-MediaTailor-PersonalizedManifests']) {
      expect(s3Query(`cache_policy = "CachingDisabled"\norigin_request_policy = "${orp}"`)).toEqual({ kind: 'allExcept', names: withheld })
    }
    expect(s3Query('cache_policy = "keyed"\norigin_request_policy = "Managed-AllViewer"', '[[edge.cache_policies]]\nid = "keyed"\nquery_strings = ["response-content-type", "v"]')).toEqual({
      kind: 'allExcept',
      names: ['response-content-disposition', 'response-content-encoding'],
    })
    expect(s3Query('cache_policy = "CachingDisabled"\norigin_request_policy = "every-query"', '[[edge.origin_request_policies]]\nid = "every-query"\nquery_strings = "all"')).toBeUndefined()
    expect(s3Query('cache_policy = "CachingDisabled"\norigin_request_policy = "CORS-S3Origin"')).toBeUndefined()
  })

  it('a custom key plus an origin request policy: the origin gets the union, the key stays the cache policy\'s', () => {
    const b = parse(`${BASE}cache_policy = "key"\norigin_request_policy = "fwd"
[[edge.cache_policies]]
id = "key"
headers = ["Accept-Language", "CloudFront-Viewer-Country"]
cookies = ["session"]
query_strings = { all_except = ["utm_source", "utm_medium"] }
gzip = false
[[edge.origin_request_policies]]
id = "fwd"
headers = ["X-Api-Version", "CloudFront-Viewer-Address"]
cookies = ["theme"]
query_strings = ["utm_medium"]
`).behaviors[0]!
    expect(b.effective).toEqual({
      ttl: { min: 0, default: 86_400, max: 31_536_000 },
      cacheKey: {
        headers: ['accept-language', 'cloudfront-viewer-country'],
        cookies: { kind: 'list', names: ['session'] },
        queryStrings: { kind: 'allExcept', names: ['utm_source', 'utm_medium'] },
      },
      acceptEncoding: { gzip: false, brotli: true },
      forward: {
        headers: { kind: 'list', names: ['accept-language', 'x-api-version'] },
        cookies: { kind: 'list', names: ['session', 'theme'] },
        queryStrings: { kind: 'allExcept', names: ['utm_source'] },
      },
      cloudfrontHeaders: ['cloudfront-viewer-country', 'cloudfront-viewer-address'],
      compress: true,
    })
    // all_except widens to all in the legacy form.
    expect(b.cache).toMatchObject({ headers: ['accept-language', 'cloudfront-viewer-country'], cookies: ['session'], queryStrings: 'all' })
  })

  it('all viewer headers and CloudFront headers: AllViewerAndCloudFrontHeaders-2022-06', () => {
    const e = effective('cache_policy = "CachingOptimized"\norigin_request_policy = "AllViewerAndCloudFrontHeaders-2022-06"').effective
    expect(e.forward.headers).toEqual({ kind: 'all' })
    expect(e.cloudfrontHeaders).toContain('cloudfront-viewer-country')
    expect(e.cloudfrontHeaders).toHaveLength(21)
  })

  it('does not compress when Accept-Encoding is a key header, or when only the flags are off', () => {
    const policy = (h: string) => `cache_policy = "p"\n[[edge.cache_policies]]\nid = "p"\n${h}`
    expect(effective(policy('headers = ["Accept-Encoding"]')).effective.compress).toBe(false)
    expect(effective(policy('gzip = false\nbrotli = false')).effective).toMatchObject({ compress: false, acceptEncoding: { gzip: false, brotli: false } })
    expect(effective(policy('max_ttl = 0\ndefault_ttl = 0')).effective.compress).toBe(false)
  })

  it('Elemental-MediaPackage normalises gzip only', () => {
    expect(effective('cache_policy = "Elemental-MediaPackage"').effective.acceptEncoding).toEqual({ gzip: true, brotli: false })
  })
})

describe('name selections', () => {
  const list = (...names: string[]): NameSelection => ({ kind: 'list', names })
  const except = (...names: string[]): NameSelection => ({ kind: 'allExcept', names })
  it.each<[NameSelection, NameSelection, NameSelection]>([
    [{ kind: 'none' }, list('a'), list('a')],
    [list('a'), { kind: 'all' }, { kind: 'all' }],
    [list('a'), list('b', 'a'), list('a', 'b')],
    [list('a'), except('a', 'b'), except('b')],
    [except('a', 'b'), except('b', 'c'), except('b')],
    [except('a'), except('b'), { kind: 'all' }],
    [list('a'), except('a'), { kind: 'all' }],
  ])('%j ∪ %j = %j, and lets through what either lets through', (a, b, expected) => {
    const u = unionSelection(a, b)
    expect(u).toEqual(expected)
    for (const n of ['a', 'b', 'c', 'd']) expect(selects(u, n)).toBe(selects(a, n) || selects(b, n))
  })
})
