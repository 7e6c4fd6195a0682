import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSite, type Site } from './helpers.js'

// Functions in the plain form of AWS's examples, run by the local edge: what CloudFront would send on the wire,
// and the errors it would answer with.
const vreq = `'use strict'
exports.handler = async (event) => {
  const request = event.Records[0].cf.request
  if (request.uri === '/inject') request.uri = '/a\\r\\nX-Injected: 1'
  if (request.uri === '/nul') request.uri = '/index\\u0000.html'
  return request
}
`
const oreq = `'use strict'
exports.handler = async (event) => {
  const request = event.Records[0].cf.request
  const headers = request.headers
  if (request.uri === '/copy') headers['x-copied-agent'] = [headers['user-agent'][0]]
  if (request.uri === '/s3-missing' || request.uri === '/custom-missing') {
    const domainName = request.uri === '/s3-missing' ? 'missing-bucket.s3.invalid' : 'missing-origin.invalid'
    request.origin = request.uri === '/s3-missing'
      ? { s3: { domainName, region: '', authMethod: 'none', path: '', customHeaders: {} } }
      : { custom: { ...request.origin.custom, domainName } }
    headers['host'] = [{ key: 'Host', value: domainName }]
  }
  return request
}
`

let site: Site
beforeAll(async () => {
  site = await startSite('fidelity', { 'vreq.js': vreq, 'oreq.js': oreq }, 'viewer_request = "vreq.js"\norigin_request = "oreq.js"\ncache = { default_ttl = 0, max_ttl = 0, headers = ["user-agent"] }\n')
}, 60_000)
afterAll(() => site?.close())

async function get(path: string, init?: RequestInit) {
  const res = await site.h.get(path, init)
  const body = await res.text()
  const record = await site.h.record(res.headers.get('x-amz-cf-id')!)
  return { res, body, record }
}

describe('a uri with CR, LF or NUL set by a function', () => {
  it('is a 502 naming InvalidUri, and the origin is never asked for another object', async () => {
    const before = site.origin.total()
    for (const path of ['/inject', '/nul']) {
      const { res, record } = await get(path)
      expect(res.status).toBe(502)
      expect(record.error?.code).toBe('InvalidUri')
      expect(record.error?.stage).toBe('viewer-request')
    }
    expect(site.origin.total()).toBe(before)
    expect(site.origin.requests.some((r) => r.url.includes('X-Injected') || r.headers['x-injected'] !== undefined)).toBe(false)
  })
})

describe("a header entry copied under another header's name", () => {
  it("goes to the origin under the map's name, capitalised as CloudFront fills in a key, with the copied value", async () => {
    const { res } = await get('/copy', { headers: { 'user-agent': 'agent/1.0' } })
    expect(res.status).toBe(200)
    const seen = site.origin.requests.at(-1)!
    const raw = seen.rawHeaders
    const names = raw.filter((_, i) => i % 2 === 0)
    expect(names).toContain('X-Copied-Agent')
    expect(raw[raw.indexOf('X-Copied-Agent') + 1]).toBe('agent/1.0')
    expect(names.filter((n) => n.toLowerCase() === 'user-agent')).toHaveLength(1)
  })
})

describe('an origin whose domain name does not resolve', () => {
  it('is a 502 NonS3OriginDnsError for a custom origin and OriginDnsError for an S3 origin', async () => {
    const custom = await get('/custom-missing')
    expect(custom.res.status).toBe(502)
    expect(custom.record.error?.code).toBe('NonS3OriginDnsError')
    const s3 = await get('/s3-missing')
    expect(s3.res.status).toBe(502)
    expect(s3.record.error?.code).toBe('OriginDnsError')
    expect(s3.record.error?.message).toContain('missing-bucket.s3.invalid')
  })
})
