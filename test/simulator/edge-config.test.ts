// The distribution model resolved for the local edge (edge-config.ts): origins as their events show them, groups,
// the protocol policy the local edge applies, [dev.viewer] values.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { edgeOrigin, edgeWorkerConfig } from '../../src/simulator/edge-config.js'
import { parseConfig } from '../../src/simulator/index.js'
import { FIXTURES } from './helpers.js'

const parse = (toml: string) => parseConfig(toml, join(FIXTURES, 'wrangler.toml'))
const run = { functionNames: new Map<string, string>(), containers: {}, timeouts: {} }

describe('edgeWorkerConfig', () => {
  it("fetches a custom origin's url: its port for its own scheme, the configured port for the other one", () => {
    const c = parse(`[[edge.origins]]\nid = "a"\nurl = "http://localhost:3000/v1"\nhttp_port = 80\nhttps_port = 8443\nprotocol_policy = "match-viewer"\ncustom_headers = { "X-Token" = "t" }\nconnection_attempts = 2\n[edge.default_behavior]\norigin = "a"\n`)
    expect(edgeOrigin(c.edge.origins[0]!)).toEqual({
      kind: 'custom',
      id: 'a',
      path: '/v1',
      customHeaders: { 'x-token': [{ key: 'X-Token', value: 't' }] },
      connectionAttempts: 2,
      connectionTimeout: 10,
      domainName: 'localhost',
      protocolPolicy: 'match-viewer',
      httpPort: 3000,
      httpsPort: 8443,
      readTimeout: 30,
      keepaliveTimeout: 5,
      sslProtocols: ['TLSv1.2'],
    })
  })

  it('gives an S3 origin its REST endpoint domain and region', () => {
    const c = parse(`[[edge.origins]]\nid = "s"\ns3 = { dir = "functions", bucket = "my-bucket", region = "eu-west-1" }\norigin_path = "/site"\n[edge.default_behavior]\norigin = "s"\n`)
    expect(edgeOrigin(c.edge.origins[0]!)).toEqual({ kind: 's3', id: 's', path: '/site', customHeaders: {}, connectionAttempts: 3, connectionTimeout: 10, domainName: 'my-bucket.s3.eu-west-1.amazonaws.com', region: 'eu-west-1' })
  })

  it('gives a behavior targeting a group both members and the failover statuses', () => {
    const c = parse(`[[edge.origins]]\nid = "a"\nurl = "http://a.test"\n[[edge.origins]]\nid = "b"\nurl = "http://b.test"\n[[edge.origin_groups]]\nid = "g"\nmembers = ["a", "b"]\nfailover_status_codes = [503]\n[edge.default_behavior]\norigin = "g"\n`)
    const b = edgeWorkerConfig(c, run).behaviors[0]!
    expect(b.origins.map((o) => o.id)).toEqual(['a', 'b'])
    expect(b.failoverStatusCodes).toEqual([503])
    expect(b.allowedMethods).toEqual(['GET', 'HEAD', 'OPTIONS'])
  })

  it('applies a viewer protocol policy only where the config writes one (allow-all locally otherwise)', () => {
    const c = parse(`[[edge.origins]]\nid = "a"\nurl = "http://a.test"\n[edge.default_behavior]\norigin = "a"\n[[edge.behaviors]]\npath_pattern = "/s/*"\norigin = "a"\nviewer_protocol_policy = "https-only"\n`)
    expect(c.behaviors.map((b) => b.viewerProtocolPolicy)).toEqual(['https-only', 'redirect-to-https'])
    expect(edgeWorkerConfig(c, run).behaviors.map((b) => b.viewerProtocolPolicy)).toEqual(['https-only', 'allow-all'])
  })

  it('carries [dev.viewer] as CloudFront-Viewer-* values, the error responses and the default root object', () => {
    const c = parse(`[dev.viewer]\ncountry = "US"\n[[edge.origins]]\nid = "a"\nurl = "http://a.test"\n[edge]\ndefault_root_object = "index.html"\n[edge.default_behavior]\norigin = "a"\n[[edge.custom_error_responses]]\nerror_code = 500\nerror_caching_min_ttl = 0\n`)
    const e = edgeWorkerConfig(c, { ...run, httpsPort: 8443 })
    expect(e).toMatchObject({ viewer: { 'cloudfront-viewer-country': 'US' }, defaultRootObject: 'index.html', customErrorResponses: [{ errorCode: 500, errorCachingMinTtl: 0 }], httpsPort: 8443, responseHeadersPolicyOrder: 'before-viewer-response' })
  })
})
