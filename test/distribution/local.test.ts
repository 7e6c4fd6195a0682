import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { viewerHeaders } from '../../src/distribution/index.js'
import { BASE, expectProblem, FIXTURES, parse } from './helpers.js'

describe('[dev]', () => {
  it('defaults to 127.0.0.1:8787 over HTTP with no viewer data, the policy before viewer-response', () => {
    expect(parse(BASE).dev).toEqual({ port: 8787, ip: '127.0.0.1', https: false, httpsPort: 8443, responseHeadersPolicyOrder: 'before-viewer-response', viewer: {} })
  })

  it('reads https_port and response_headers_policy_order', () => {
    expect(parse(`[dev]\nhttps_port = 0\nresponse_headers_policy_order = "after-viewer-response"\n${BASE}`).dev).toMatchObject({ httpsPort: 0, responseHeadersPolicyOrder: 'after-viewer-response' })
  })

  it('reads ip, https and every [dev.viewer] field', () => {
    const c = parse(`[dev]
ip = "0.0.0.0"
https = true
[dev.viewer]
country = "US"
country_name = "United States"
country_region = "WA"
country_region_name = "Washington"
city = "Seattle"
postal_code = "98101"
time_zone = "America/Los_Angeles"
latitude = 47.6062
longitude = "-122.3321"
metro_code = 819
asn = "16509"
address = "198.51.100.10:46532"
tls = "TLSv1.3:TLS_AES_128_GCM_SHA256:fullHandshake"
ja3_fingerprint = "e7d705a3286e19ea42f587b344ee6865"
ja4_fingerprint = "t13d1516h2_8daaf6152771_b186095e22b6"
${BASE}`)
    expect(c.dev).toMatchObject({ ip: '0.0.0.0', https: true })
    expect(viewerHeaders(c.dev.viewer)).toEqual({
      'cloudfront-viewer-country': 'US',
      'cloudfront-viewer-country-name': 'United States',
      'cloudfront-viewer-country-region': 'WA',
      'cloudfront-viewer-country-region-name': 'Washington',
      'cloudfront-viewer-city': 'Seattle',
      'cloudfront-viewer-postal-code': '98101',
      'cloudfront-viewer-time-zone': 'America/Los_Angeles',
      'cloudfront-viewer-latitude': '47.6062',
      'cloudfront-viewer-longitude': '-122.3321',
      'cloudfront-viewer-metro-code': '819',
      'cloudfront-viewer-asn': '16509',
      'cloudfront-viewer-address': '198.51.100.10:46532',
      'cloudfront-viewer-tls': 'TLSv1.3:TLS_AES_128_GCM_SHA256:fullHandshake',
      'cloudfront-viewer-ja3-fingerprint': 'e7d705a3286e19ea42f587b344ee6865',
      'cloudfront-viewer-ja4-fingerprint': 't13d1516h2_8daaf6152771_b186095e22b6',
    })
  })

  it('percent-encodes non-ASCII viewer values as CloudFront does', () => {
    expect(viewerHeaders(parse(`[dev.viewer]\ncity = "Köln"\n${BASE}`).dev.viewer)).toEqual({ 'cloudfront-viewer-city': 'K%C3%B6ln' })
  })

  it.each([
    ['ip', '[dev]\nip = "my-laptop"', 'dev.ip', /an IP address to listen on .*got "my-laptop"/],
    ['https', '[dev]\nhttps = "yes"', 'dev.https', /true or false/],
    ['https_port', '[dev]\nhttps_port = 70000', 'dev.https_port', /65535|65,535/],
    ['order', '[dev]\nresponse_headers_policy_order = "first"', 'dev.response_headers_policy_order', /before-viewer-response.*got "first"/],
    ['country', '[dev.viewer]\ncountry = "usa"', 'dev.viewer.country', /ISO 3166-1 alpha-2 code such as "US", got "usa"/],
    ['region', '[dev.viewer]\ncountry_region = "WASH"', 'dev.viewer.country_region', /at most 3 characters .*got "WASH"/],
    ['time zone', '[dev.viewer]\ntime_zone = "Mars/Olympus"', 'dev.viewer.time_zone', /IANA time zone .*got "Mars\/Olympus"/],
    ['latitude', '[dev.viewer]\nlatitude = 91', 'dev.viewer.latitude', /from -90 to 90, got 91/],
    ['longitude', '[dev.viewer]\nlongitude = "east"', 'dev.viewer.longitude', /from -180 to 180, got "east"/],
    ['address', '[dev.viewer]\naddress = "198.51.100.10"', 'dev.viewer.address', /ip:port .*got "198.51.100.10"/],
    ['tls', '[dev.viewer]\ntls = "TLSv1.3"', 'dev.viewer.tls', /version:cipher:handshake/],
    ['ja3', '[dev.viewer]\nja3_fingerprint = "xyz"', 'dev.viewer.ja3_fingerprint', /32 lowercase hex digits/],
    ['an unknown field', '[dev.viewer]\nplanet = "Earth"', 'dev.viewer.planet', /unknown key/],
  ])('rejects a bad %s', (_, lines, key, re) => {
    expectProblem(`${lines}\n${BASE}`, key, re)
  })
})

describe('[edge.dynamodb]', () => {
  it('reads a local table with persistence and a port, or an endpoint for a self-run or real table', () => {
    expect(parse(`${BASE}[edge.dynamodb]\nlocal = true\ntable = "edge-origins"\nseed = "seed.json"\npersist = ".edgeware/db"\nport = 8000`).edge.dynamodb).toEqual({
      local: true,
      table: 'edge-origins',
      seed: join(FIXTURES, 'seed.json'),
      persist: join(FIXTURES, '.edgeware/db'),
      port: 8000,
    })
    expect(parse(`${BASE}[edge.dynamodb]\ntable = "edge-origins"\nendpoint = "http://127.0.0.1:8000"\nregion = "eu-west-1"`).edge.dynamodb).toEqual({
      local: false,
      table: 'edge-origins',
      endpoint: 'http://127.0.0.1:8000',
      region: 'eu-west-1',
    })
  })

  it.each([
    ['an endpoint with local = true', 'local = true\ntable = "t-1"\nendpoint = "http://127.0.0.1:8000"', 'edge.dynamodb.endpoint', /local = true starts its own DynamoDB/],
    ['a port without local', 'table = "t-1"\nport = 8000', 'edge.dynamodb.port', /needs local = true/],
    ['persist without local', 'table = "t-1"\npersist = "db"', 'edge.dynamodb.persist', /needs local = true/],
    ['persist on a file', 'local = true\ntable = "t-1"\npersist = "seed.json"', 'edge.dynamodb.persist', /expected a directory, but .*seed.json is a file/],
    ['a bad endpoint', 'table = "t-1"\nendpoint = "dynamodb"', 'edge.dynamodb.endpoint', /http\(s\):\/\/host\[:port\], got "dynamodb"/],
    ['a bad region', 'table = "t-1"\nregion = "europe"', 'edge.dynamodb.region', /not an AWS region name: "europe"/],
    ['a bad table name', 'table = "t"', 'edge.dynamodb.table', /not a DynamoDB table name/],
  ])('rejects %s', (_, lines, key, re) => {
    expectProblem(`${BASE}[edge.dynamodb]\n${lines}`, key, re)
  })
})

describe('custom error responses and the default root object', () => {
  const errors = (lines: string) => `[edge]\ndefault_root_object = "index.html"\n${BASE}[[edge.custom_error_responses]]\n${lines}`

  it('reads them with CloudFront defaults (10 s error caching)', () => {
    const c = parse(`${errors('error_code = 404\nresponse_page_path = "/404.html"\nresponse_code = 200')}\n[[edge.custom_error_responses]]\nerror_code = 503\nerror_caching_min_ttl = 0`)
    expect(c.edge.customErrorResponses).toEqual([
      { errorCode: 404, responsePagePath: '/404.html', responseCode: 200, errorCachingMinTtl: 10 },
      { errorCode: 503, errorCachingMinTtl: 0 },
    ])
    expect(c.edge.defaultRootObject).toBe('index.html')
  })

  it('warns that CloudFront never caches a 416', () => {
    expect(parse(errors('error_code = 416\nerror_caching_min_ttl = 60')).warnings).toEqual(['edge.custom_error_responses[0].error_caching_min_ttl: CloudFront never caches a 416, so this TTL has no effect'])
  })

  it.each([
    ['an error code CloudFront does not replace', 'error_code = 401', 'edge.custom_error_responses[0].error_code', /error_code 400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504, got 401/],
    ['a response code CloudFront does not send', 'error_code = 404\nresponse_page_path = "/a.html"\nresponse_code = 302', 'edge.custom_error_responses[0].response_code', /response_code 200, 400, .*got 302/],
    ['a page path without /', 'error_code = 404\nresponse_page_path = "404.html"\nresponse_code = 404', 'edge.custom_error_responses[0].response_page_path', /starting with "\/".*got "404.html"/],
    ['a response code without a page', 'error_code = 404\nresponse_code = 200', 'edge.custom_error_responses[0].response_code', /needs response_page_path/],
    ['a page without a response code', 'error_code = 404\nresponse_page_path = "/404.html"', 'edge.custom_error_responses[0].response_page_path', /needs response_code/],
    ['a negative TTL', 'error_code = 500\nerror_caching_min_ttl = -1', 'edge.custom_error_responses[0].error_caching_min_ttl', /from 0 to 31536000 \(seconds\), got -1/],
    ['no error code', 'error_caching_min_ttl = 5', 'edge.custom_error_responses[0].error_code', /is required/],
  ])('rejects %s', (_, lines, key, re) => {
    expectProblem(errors(lines), key, re)
  })

  it('refuses two responses for one error code', () => {
    expectProblem(`${errors('error_code = 404')}\n[[edge.custom_error_responses]]\nerror_code = 404`, 'edge.custom_error_responses[1].error_code', /for 404 is already configured/)
  })

  it.each([
    ['a leading /', '/index.html', /without a leading "\/"/],
    ['a trailing /', 'docs/', /not end with "\/"/],
    ['a query', 'index.html?x', /"\?" or "#"/],
    ['over 255 characters', `${'a'.repeat(256)}`, /at most 255 characters, got 256/],
  ])('refuses a default root object with %s', (_, v, re) => {
    expectProblem(`[edge]\ndefault_root_object = "${v}"\n${BASE}`, 'edge.default_root_object', re)
  })
})
