// Where a CloudFront Function's origin helpers send a request locally (cloudfront-functions.md §5.2): ids and
// domains of the distribution's own origins, and new domains inheriting from the origin they replace.
import { describe, expect, it } from 'vitest'
import { originDirectory } from '../../src/simulator/edge-config.js'
import { chooseOrigin } from '../../src/simulator/function-origins.js'
import { config } from './helpers.js'

const dir = originDirectory(
  config(`name = "origins"
[[edge.origins]]
id = "app"
url = "http://localhost:3000/v1"
domain = "app.example.com"
read_timeout = 10
[[edge.origins]]
id = "backup"
url = "https://localhost:3443"
[[edge.origins]]
id = "assets"
s3 = { dir = ".", bucket = "site-assets", region = "eu-west-1" }
[edge.default_behavior]
origin = "app"
`),
)

describe('chooseOrigin', () => {
  it('no helper call: the behavior’s origins stand', () => {
    expect(chooseOrigin([], ['app'], dir)).toBeUndefined()
  })

  it('selectRequestOriginById: that origin alone; createRequestOriginGroup: its two members and statuses', () => {
    expect(chooseOrigin([{ helper: 'selectRequestOriginById', originId: 'backup' }], ['app'], dir)).toEqual({ members: [dir.byId.get('backup')], failoverStatusCodes: [] })
    const group = chooseOrigin([{ helper: 'createRequestOriginGroup', params: { originIds: ['assets', 'app'], failoverCriteria: { statusCodes: [403, 404] } } }], ['app'], dir)
    expect(group).toEqual({ members: [dir.byId.get('assets'), dir.byId.get('app')], failoverStatusCodes: [403, 404] })
  })

  it('updateRequestOrigin with a domain one of the origins has (its deployed domain, its bucket): that origin as configured', () => {
    const byDeployedDomain = chooseOrigin([{ helper: 'updateRequestOrigin', params: { domainName: 'app.example.com' } }], ['assets'], dir)!
    expect(byDeployedDomain.members[0]).toMatchObject({ id: 'app', kind: 'custom', domainName: 'localhost', httpPort: 3000, path: '/v1' })
    const bucket = chooseOrigin([{ helper: 'updateRequestOrigin', params: { domainName: 'site-assets.s3.eu-west-1.amazonaws.com' } }], ['app'], dir)!
    expect(bucket.members[0]).toMatchObject({ id: 'assets', kind: 's3' })
  })

  it('updateRequestOrigin with a new domain: an S3 REST domain is an S3 origin in its Region, another a custom origin inheriting what the call leaves out', () => {
    const s3 = chooseOrigin([{ helper: 'updateRequestOrigin', params: { domainName: 'other.s3.ap-south-1.amazonaws.com' } }], ['app'], dir)!
    expect(s3.members[0]).toMatchObject({ kind: 's3', domainName: 'other.s3.ap-south-1.amazonaws.com', region: 'ap-south-1', path: '/v1' })
    const website = chooseOrigin([{ helper: 'updateRequestOrigin', params: { domainName: 'site.s3-website-us-east-1.amazonaws.com' } }], ['assets'], dir)!
    expect(website.members[0]).toMatchObject({ kind: 'custom', domainName: 'site.s3-website-us-east-1.amazonaws.com', protocolPolicy: 'https-only', httpsPort: 443 })
    const custom = chooseOrigin([{ helper: 'updateRequestOrigin', params: { domainName: 'eu.example.com' } }], ['app'], dir)!
    expect(custom.members[0]).toMatchObject({ kind: 'custom', domainName: 'eu.example.com', protocolPolicy: 'http-only', httpPort: 3000, path: '/v1', readTimeout: 10 })
  })

  it('updateRequestOrigin’s other parameters: path, headers, attempts, timeouts, port and protocol, Host', () => {
    const params = {
      originPath: '/v2',
      customHeaders: { 'X-Secret': 's' },
      connectionAttempts: 1,
      timeouts: { readTimeout: 5, keepAliveTimeout: 9, connectionTimeout: 2 },
      customOriginConfig: { port: 8443, protocol: 'https', sslProtocols: ['TLSv1.2'] },
      hostHeader: 'api.example.com',
    }
    expect(chooseOrigin([{ helper: 'updateRequestOrigin', params }], ['app'], dir)!.members[0]).toMatchObject({
      path: '/v2',
      customHeaders: { 'x-secret': [{ key: 'X-Secret', value: 's' }] },
      connectionAttempts: 1,
      readTimeout: 5,
      keepaliveTimeout: 9,
      connectionTimeout: 2,
      protocolPolicy: 'https-only',
      httpsPort: 8443,
      hostHeader: 'api.example.com',
    })
  })

  it('updateRequestOrigin on an origin group changes the first origin tried; the secondary and the behavior’s statuses stay', () => {
    const out = chooseOrigin([{ helper: 'updateRequestOrigin', params: { originPath: '/v3' } }], ['app', 'backup'], dir)!
    expect(out.members.map((m) => [m.id, m.path])).toEqual([
      ['app', '/v3'],
      ['backup', ''],
    ])
    expect(out).not.toHaveProperty('failoverStatusCodes')
  })
})
