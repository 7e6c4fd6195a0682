import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { s3DomainName, type CustomOriginConfig, type LambdaOriginConfig, type S3OriginConfig } from '../../src/distribution/index.js'
import { BASE, expectProblem, FIXTURES, parse } from './helpers.js'

const origin = (fields: string, extra = '') => `
[[edge.origins]]
id = "app"
${fields}
${extra}
[edge.default_behavior]
origin = "app"
`
const custom = (c: string, opts?: { env?: string }) => parse(c, opts).edge.origins[0] as CustomOriginConfig

describe('custom origins', () => {
  it('fills CloudFront defaults from the url', () => {
    expect(custom(origin('url = "http://localhost:3000"'))).toEqual({
      kind: 'custom',
      id: 'app',
      url: 'http://localhost:3000',
      originPath: '',
      protocolPolicy: 'http-only',
      httpPort: 3000,
      httpsPort: 443,
      sslProtocols: ['TLSv1.2'],
      connectionAttempts: 3,
      connectionTimeout: 10,
      customHeaders: [],
    })
    expect(custom(origin('url = "https://api.example.com/v1"'))).toMatchObject({ protocolPolicy: 'https-only', httpPort: 80, httpsPort: 443, originPath: '/v1', url: 'https://api.example.com/v1' })
  })

  it('takes every key as CloudFront has it', () => {
    const o = custom(
      origin(`url = "http://127.0.0.1:3000"
domain = "app.example.com"
protocol_policy = "match-viewer"
http_port = 8080
https_port = 8443
origin_path = "/prod"
ssl_protocols = ["TLSv1.2", "TLSv1.1"]
connection_attempts = 1
connection_timeout = 2
read_timeout = 20
keepalive_timeout = 10
custom_headers = { "X-Origin-Token" = "abc", "X-Env" = "" }`),
    )
    expect(o).toMatchObject({
      url: 'http://127.0.0.1:3000/prod',
      domain: 'app.example.com',
      protocolPolicy: 'match-viewer',
      httpPort: 8080,
      httpsPort: 8443,
      originPath: '/prod',
      sslProtocols: ['TLSv1.2', 'TLSv1.1'],
      connectionAttempts: 1,
      connectionTimeout: 2,
      readTimeout: 20,
      keepaliveTimeout: 10,
      customHeaders: [
        { name: 'X-Origin-Token', value: 'abc' },
        { name: 'X-Env', value: '' },
      ],
    })
  })

  it('builds the url from the domain when only the domain is given', () => {
    expect(custom(origin('domain = "api.example.com"'))).toMatchObject({ url: 'https://api.example.com', protocolPolicy: 'https-only' })
    expect(custom(origin('domain = "api.example.com"\nprotocol_policy = "http-only"\nhttp_port = 8080\norigin_path = "/x"')).url).toBe('http://api.example.com:8080/x')
  })

  it.each([
    ['no url nor domain', 'example = true', 'edge.origins[0].url', /needs url \(what edgeware dev fetches\) or domain/],
    ['example "guide"', 'url = "http://a.test"\nexample = "guide"', 'edge.origins[0].example', /expected true, false or "tour" .*got "guide"/],
    ['connection_attempts 4', 'url = "http://a.test"\nconnection_attempts = 4', 'edge.origins[0].connection_attempts', /from 1 to 3 \(ConnectionAttempts\), got 4/],
    ['connection_attempts 0', 'url = "http://a.test"\nconnection_attempts = 0', 'edge.origins[0].connection_attempts', /from 1 to 3 .*got 0/],
    ['connection_timeout 11', 'url = "http://a.test"\nconnection_timeout = 11', 'edge.origins[0].connection_timeout', /from 1 to 10 .*got 11/],
    ['keepalive 61 (classic)', 'url = "http://a.test"\nkeepalive_timeout = 61', 'edge.origins[0].keepalive_timeout', /from 1 to 60, got 61/],
    ['a bad protocol policy', 'url = "http://a.test"\nprotocol_policy = "https"', 'edge.origins[0].protocol_policy', /"http-only", "match-viewer" or "https-only" \(OriginProtocolPolicy\), got "https"/],
    ['an http_port CloudFront refuses', 'url = "http://a.test"\nhttp_port = 81', 'edge.origins[0].http_port', /80, 443 or 1024-65535 .*got 81/],
    ['a domain that is an IP address', 'domain = "10.0.0.1"', 'edge.origins[0].domain', /not an IP address, got "10.0.0.1"/],
    ['a domain with a port', 'domain = "a.test:8080"', 'edge.origins[0].domain', /must not contain ":"/],
    ['an origin path ending in /', 'url = "http://a.test"\norigin_path = "/v1/"', 'edge.origins[0].origin_path', /must not end with \/, got "\/v1\/"/],
    ['an origin path not starting with /', 'url = "http://a.test"\norigin_path = "v1"', 'edge.origins[0].origin_path', /must be "" or start with \/, got "v1"/],
    ['an origin path given twice', 'url = "http://a.test/v1"\norigin_path = "/v2"', 'edge.origins[0].origin_path', /already has the origin path "\/v1"/],
    ['an unknown TLS protocol', 'url = "https://a.test"\nssl_protocols = ["TLSv1.3"]', 'edge.origins[0].ssl_protocols[0]', /TLSv1.2, TLSv1.1, TLSv1, SSLv3, got "TLSv1.3"/],
    ['a custom header CloudFront refuses', 'url = "http://a.test"\ncustom_headers = { Host = "x" }', 'edge.origins[0].custom_headers.Host', /CloudFront can't send host as an origin custom header/],
    ['a disallowed custom header', 'url = "http://a.test"\ncustom_headers = { "X-Forwarded-Proto" = "https" }', 'edge.origins[0].custom_headers.X-Forwarded-Proto', /disallowed header/],
    ['a custom header twice', 'url = "http://a.test"\ncustom_headers = { "X-A" = "1", "x-a" = "2" }', 'edge.origins[0].custom_headers.x-a', /duplicate origin custom header "x-a"/],
    ['a custom header value with LF', 'url = "http://a.test"\ncustom_headers = { "X-A" = "1\\n2" }', 'edge.origins[0].custom_headers.X-A', /CR, LF/],
    ['a custom header value over 1,783 characters', `url = "http://a.test"\ncustom_headers = { "X-A" = "${'v'.repeat(1784)}" }`, 'edge.origins[0].custom_headers.X-A', /at most 1783 characters, got 1784/],
    ['origin custom headers over 10,240 characters', `url = "http://a.test"\ncustom_headers = { ${Array.from({ length: 7 }, (_, i) => `"X-${i}" = "${'v'.repeat(1500)}"`).join(', ')} }`, 'edge.origins[0].custom_headers', /at most 10240 characters in total, got 10521/],
    ['two kinds at once', 'url = "http://a.test"\ns3 = { dir = "public", bucket = "b-b-b", region = "us-east-1" }', 'edge.origins[0]', /exactly one of .*got url\/domain and s3/],
    ['HTTPS to an S3 website endpoint', 'domain = "site.s3-website-us-east-1.amazonaws.com"\nprotocol_policy = "https-only"', 'edge.origins[0].protocol_policy', /site.s3-website-us-east-1.amazonaws.com is an S3 website endpoint, .* over HTTP only: use "http-only" .*got "https-only"/],
    ['match-viewer to an S3 website endpoint', 'url = "https://a.test"\ndomain = "site.s3-website.eu-central-1.amazonaws.com"\nprotocol_policy = "match-viewer"', 'edge.origins[0].protocol_policy', /S3 website endpoint.*got "match-viewer"/],
  ])('rejects %s', (_, fields, key, re) => {
    expectProblem(origin(fields), key, re)
  })

  it('reaches an S3 website endpoint over HTTP unless told otherwise, and a REST endpoint over HTTPS', () => {
    expect(custom(origin('domain = "site.s3-website-us-east-1.amazonaws.com"'))).toMatchObject({ protocolPolicy: 'http-only', url: 'http://site.s3-website-us-east-1.amazonaws.com' })
    expect(custom(origin('url = "https://127.0.0.1:8443"\ndomain = "site.s3-website.eu-central-1.amazonaws.com"')).protocolPolicy).toBe('http-only')
    expect(custom(origin('domain = "site.s3.us-east-1.amazonaws.com"')).protocolPolicy).toBe('https-only')
  })

  it('accepts the current profile ranges', () => {
    expect(custom(`[edge]\nlimits = "current"\n${origin('url = "http://a.test"\nkeepalive_timeout = 120\nread_timeout = 1')}`)).toMatchObject({ keepaliveTimeout: 120, readTimeout: 1 })
  })
})

describe('S3 origins', () => {
  const s3 = (fields: string, extra = '') => origin(`s3 = { ${fields} }`, extra)

  it('resolves the directory and names the REST endpoint', () => {
    const o = parse(s3('dir = "public", bucket = "my-site-assets", region = "eu-west-1"', 'origin_path = "/site"\nconnection_attempts = 2')).edge.origins[0] as S3OriginConfig
    expect(o).toEqual({
      kind: 's3',
      id: 'app',
      dir: join(FIXTURES, 'public'),
      bucket: 'my-site-assets',
      region: 'eu-west-1',
      originPath: '/site',
      connectionAttempts: 2,
      connectionTimeout: 10,
      customHeaders: [],
    })
    expect(s3DomainName(o)).toBe('my-site-assets.s3.eu-west-1.amazonaws.com')
  })

  it.each([
    ['a missing directory', 'dir = "nope", bucket = "abc", region = "us-east-1"', 'edge.origins[0].s3.dir', /directory not found: "nope"/],
    ['a file as directory', 'dir = "seed.json", bucket = "abc", region = "us-east-1"', 'edge.origins[0].s3.dir', /directory not found: "seed.json"/],
    ['no bucket', 'dir = "public", region = "us-east-1"', 'edge.origins[0].s3.bucket', /is required/],
    ['a short bucket name', 'dir = "public", bucket = "ab", region = "us-east-1"', 'edge.origins[0].s3.bucket', /3 to 63 characters long, got "ab"/],
    ['an uppercase bucket name', 'dir = "public", bucket = "My-Bucket", region = "us-east-1"', 'edge.origins[0].s3.bucket', /lowercase letters, digits, "." and "-", got "My-Bucket"/],
    ['a bucket name with two periods', 'dir = "public", bucket = "a..b", region = "us-east-1"', 'edge.origins[0].s3.bucket', /two adjacent periods/],
    ['a bucket name like an IP', 'dir = "public", bucket = "192.168.1.1", region = "us-east-1"', 'edge.origins[0].s3.bucket', /formatted as an IP address/],
    ['a bucket name ending in -', 'dir = "public", bucket = "abc-", region = "us-east-1"', 'edge.origins[0].s3.bucket', /begin and end with a letter or a digit/],
    ['a reserved prefix', 'dir = "public", bucket = "xn--abc", region = "us-east-1"', 'edge.origins[0].s3.bucket', /must not start with "xn--"/],
    ['a reserved suffix', 'dir = "public", bucket = "abc-s3alias", region = "us-east-1"', 'edge.origins[0].s3.bucket', /must not end with "-s3alias"/],
    ['a bad region', 'dir = "public", bucket = "abc", region = "moon-1"', 'edge.origins[0].s3.region', /not an AWS region name: "moon-1"/],
    ['an unknown key', 'dir = "public", bucket = "abc", region = "us-east-1", acl = "public"', 'edge.origins[0].s3.acl', /unknown key/],
  ])('rejects %s', (_, fields, key, re) => {
    expectProblem(s3(fields), key, re)
  })

  it('refuses a read timeout on S3 origins with the classic profile and takes it with current', () => {
    expectProblem(s3('dir = "public", bucket = "abc", region = "us-east-1"', 'read_timeout = 30'), 'edge.origins[0].read_timeout', /no read timeout with the "classic" limits profile/)
    const o = parse(`[edge]\nlimits = "current"\n${s3('dir = "public", bucket = "abc", region = "us-east-1"', 'read_timeout = 30')}`).edge.origins[0]!
    expect(o.readTimeout).toBe(30)
  })

  it('lets two origins share a bucket under different paths, with one directory and one region', () => {
    const second = (fields: string) => `${s3('dir = "public", bucket = "abc", region = "us-east-1"')}[[edge.origins]]\nid = "media"\norigin_path = "/media"\ns3 = { ${fields} }\n`
    expect(parse(second('dir = "public", bucket = "abc", region = "us-east-1"')).edge.origins.map((o) => o.id)).toEqual(['app', 'media'])
    expectProblem(second('dir = "functions", bucket = "abc", region = "us-east-1"'), 'edge.origins[1].s3.dir', /bucket "abc" is also origin "app"'s, served from another directory \(".*public"\): origins on one bucket share its directory/)
    expectProblem(second('dir = "public", bucket = "abc", region = "eu-west-1"'), 'edge.origins[1].s3.region', /bucket "abc" is also origin "app"'s, in "us-east-1": a bucket is in one region/)
  })

  it('has no keepalive timeout', () => {
    expectProblem(s3('dir = "public", bucket = "abc", region = "us-east-1"', 'keepalive_timeout = 5'), 'edge.origins[0].keepalive_timeout', /unknown key/)
  })
})

describe('Lambda origins', () => {
  const lambda = (fields: string) => origin(`lambda = { ${fields} }`)

  it('resolves the handler and fills Lambda defaults', () => {
    const o = parse(lambda('handler = "api/handler.mjs", integration = "http"')).edge.origins[0] as LambdaOriginConfig
    expect(o).toMatchObject({ kind: 'lambda', handler: join(FIXTURES, 'api/handler.mjs'), integration: 'http', multiValueHeaders: false, memoryMb: 128, timeoutS: 3 })
    expect(parse(lambda('handler = "api/handler.mjs", integration = "alb", multi_value_headers = true, memory = 1024, timeout = 60')).edge.origins[0]).toMatchObject({
      integration: 'alb',
      multiValueHeaders: true,
      memoryMb: 1024,
      timeoutS: 60,
    })
  })

  it.each([
    ['a missing handler file', 'handler = "api/nope.mjs", integration = "url"', 'edge.origins[0].lambda.handler', /file not found: "api\/nope.mjs"/],
    ['no integration', 'handler = "api/handler.mjs"', 'edge.origins[0].lambda.integration', /is required: one of "rest", "http", "alb", "url"/],
    ['an unknown integration', 'handler = "api/handler.mjs", integration = "grpc"', 'edge.origins[0].lambda.integration', /"rest", "http", "alb" or "url".*got "grpc"/],
    ['multi-value headers outside ALB', 'handler = "api/handler.mjs", integration = "http", multi_value_headers = true', 'edge.origins[0].lambda.multi_value_headers', /"alb" integration only, got integration = "http"/],
    ['memory under 128 MB', 'handler = "api/handler.mjs", integration = "url", memory = 64', 'edge.origins[0].lambda.memory', /from 128 to 10240 \(MB, Lambda\), got 64/],
    ['a timeout over 900 s', 'handler = "api/handler.mjs", integration = "url", timeout = 901', 'edge.origins[0].lambda.timeout', /from 1 to 900 .*got 901/],
    ['a region that is no AWS region', 'handler = "api/handler.mjs", integration = "url", region = "Frankfurt"', 'edge.origins[0].lambda.region', /not an AWS region name: "Frankfurt"/],
    ['an unknown function URL auth type', 'handler = "api/handler.mjs", integration = "url", auth_type = "IAM"', 'edge.origins[0].lambda.auth_type', /expected "AWS_IAM" or "NONE".*got "IAM"/],
    ['an auth type outside function URLs', 'handler = "api/handler.mjs", integration = "rest", auth_type = "NONE"', 'edge.origins[0].lambda.auth_type', /"url" integration .* only, got integration = "rest"/],
  ])('rejects %s', (_, fields, key, re) => {
    expectProblem(lambda(fields), key, re)
  })

  it('deploys in [edge] region unless it names its own; a function URL is signed by CloudFront (AWS_IAM) unless NONE', () => {
    const o = parse(`[edge]\nregion = "eu-west-1"\n${lambda('handler = "api/handler.mjs", integration = "url"')}`).edge.origins[0] as LambdaOriginConfig
    expect(o).toMatchObject({ region: 'eu-west-1', authType: 'AWS_IAM' })
    expect(parse(lambda('handler = "api/handler.mjs", integration = "url", region = "ap-southeast-2", auth_type = "NONE"')).edge.origins[0]).toMatchObject({ region: 'ap-southeast-2', authType: 'NONE' })
  })

  it('warns when the function may outlive the API Gateway integration timeout', () => {
    expect(parse(lambda('handler = "api/handler.mjs", integration = "rest", timeout = 60')).warnings).toEqual([
      'edge.origins[0].lambda.timeout: 60 s, but the "rest" integration answers 504 after 29 s',
    ])
    expect(parse(lambda('handler = "api/handler.mjs", integration = "url", timeout = 60')).warnings).toEqual([])
  })

  it('warns when a behavior forwards the viewer’s Host to an API Gateway or function URL origin (not to an ALB)', () => {
    const api = (integration: string, behavior: string) => `[[edge.origins]]\nid = "api"\nlambda = { handler = "api/handler.mjs", integration = "${integration}" }\n${BASE}[[edge.behaviors]]\npath_pattern = "/api/*"\norigin = "api"\n${behavior}`
    expect(parse(api('http', 'cache_policy = "CachingDisabled"\norigin_request_policy = "AllViewer"')).warnings).toEqual([
      'edge.behaviors[0]: forwards the viewer\'s Host header to Lambda origin api (integration "http"), which expects its own domain name in Host and refuses another in AWS; use an origin request policy without Host (e.g. AllViewerExceptHostHeader). edgeware dev forwards it as CloudFront would',
    ])
    expect(parse(api('url', 'cache = { headers = ["host"] }')).warnings).toHaveLength(1)
    expect(parse(api('alb', 'cache_policy = "CachingDisabled"\norigin_request_policy = "AllViewer"')).warnings).toEqual([])
    expect(parse(api('rest', 'cache_policy = "CachingDisabled"\norigin_request_policy = "AllViewerExceptHostHeader"')).warnings).toEqual([])
  })
})

describe('origin groups', () => {
  const two = `
[[edge.origins]]
id = "a"
url = "http://a.test"
[[edge.origins]]
id = "b"
url = "http://b.test"
`
  const group = (fields: string, behavior = '') => `${two}[[edge.origin_groups]]\nid = "ha"\n${fields}\n[edge.default_behavior]\norigin = "ha"\n${behavior}`

  it('targets the primary and fails over on the listed statuses (default 500, 502, 503, 504)', () => {
    const c = parse(group('members = ["a", "b"]'))
    expect(c.edge.originGroups).toEqual([{ id: 'ha', members: ['a', 'b'], failoverStatusCodes: [500, 502, 503, 504] }])
    expect(c.behaviors[0]).toMatchObject({ originId: 'a', targetGroupId: 'ha', allowedMethods: ['GET', 'HEAD', 'OPTIONS'] })
    expect(parse(group('members = ["b", "a"]\nfailover_status_codes = [403, 404, 416]')).edge.originGroups[0]!.failoverStatusCodes).toEqual([403, 404, 416])
  })

  it.each([
    ['one member', 'members = ["a"]', 'edge.origin_groups[0].members', /exactly two members \(primary, secondary\), got 1/],
    ['three members', 'members = ["a", "b", "a"]', 'edge.origin_groups[0].members', /exactly two members .*got 3/],
    ['the same origin twice', 'members = ["a", "a"]', 'edge.origin_groups[0].members', /must be different origins/],
    ['an unknown member', 'members = ["a", "c"]', 'edge.origin_groups[0].members[1]', /no \[\[edge.origins\]\] with id "c" \(known: a, b\)/],
    ['a status CloudFront does not fail over on', 'members = ["a", "b"]\nfailover_status_codes = [500, 501]', 'edge.origin_groups[0].failover_status_codes[1]', /only on 400, 403, 404, 416, 500, 502, 503, 504, got 501/],
    ['an empty status list', 'members = ["a", "b"]\nfailover_status_codes = []', 'edge.origin_groups[0].failover_status_codes', /non-empty array/],
    ['no members', '', 'edge.origin_groups[0].members', /is required/],
  ])('rejects %s', (_, fields, key, re) => {
    expectProblem(group(fields), key, re)
  })

  it('shares one namespace with origins', () => {
    expectProblem(`${two}[[edge.origin_groups]]\nid = "a"\nmembers = ["a", "b"]\n[edge.default_behavior]\norigin = "b"`, 'edge.origin_groups[0].id', /already the id of an origin/)
  })

  it('refuses a behavior with POST, PUT, PATCH or DELETE on a group, in CloudFront\'s words', () => {
    expectProblem(
      group('members = ["a", "b"]', 'allowed_methods = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]'),
      'edge.default_behavior.allowed_methods',
      /The parameter AllowedMethods cannot include POST, PUT, PATCH, or DELETE for a cached behavior associated with an origin group/,
    )
  })
})
