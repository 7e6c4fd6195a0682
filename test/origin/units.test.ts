/**
 * The pure parts of edgeware/origin: prefix matching, host normalisation, replica order, failover classification,
 * schema (defaults, checks, marshalling) and the env-only credential shim.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  itemShapeViolations,
  longestMatch,
  marshallValue,
  normalizeHost,
  orderReplicas,
  prefixMatches,
  ruleViolations,
  shouldFailOver,
  sortByPrefix,
  toCfOrigin,
  unmarshallValue,
} from 'edgeware/origin'
import { limits, originViolations } from 'edgeware/cloudfront'
import { defaultProvider } from '../../src/origin/edge-credentials.js'

describe('prefix matching', () => {
  it('matches on path-segment boundaries', () => {
    expect(prefixMatches('/', '/')).toBe(true)
    expect(prefixMatches('/', '/a/b')).toBe(true)
    expect(prefixMatches('/blog', '/blog')).toBe(true)
    expect(prefixMatches('/blog', '/blog/')).toBe(true)
    expect(prefixMatches('/blog', '/blog/post')).toBe(true)
    expect(prefixMatches('/blog', '/blogroll')).toBe(false)
    expect(prefixMatches('/blog', '/Blog')).toBe(false)
    expect(prefixMatches('/blog/', '/blog')).toBe(false)
    expect(prefixMatches('/blog/', '/blog/x')).toBe(true)
    expect(prefixMatches('/a/b', '/a')).toBe(false)
  })

  it('the longest matching prefix wins, whatever the table order', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(['/', '/a', '/a/b', '/a/b/c', '/ab', '/a/bc'], { minLength: 1 }), fc.constantFrom('/a/b/c/d', '/a/bcd', '/ab', '/a/b', '/x'), (prefixes, uri) => {
        const rules = sortByPrefix(prefixes.map((pathPrefix) => ({ pathPrefix })))
        const got = longestMatch(rules, uri)?.pathPrefix
        const want = prefixes.filter((p) => prefixMatches(p, uri)).sort((x, y) => y.length - x.length)[0]
        expect(got).toBe(want)
      }),
    )
  })
})

describe('normalizeHost', () => {
  it('lowercases, strips the port, the trailing dot and extra X-Forwarded-Host entries', () => {
    expect(normalizeHost('shop.example.com')).toBe('shop.example.com')
    expect(normalizeHost('Shop.Example.COM:8443')).toBe('shop.example.com')
    expect(normalizeHost('shop.example.com.')).toBe('shop.example.com')
    expect(normalizeHost('a.example.com, proxy.internal')).toBe('a.example.com')
    expect(normalizeHost('[::1]:8080')).toBe('[::1]')
    expect(normalizeHost('')).toBe('')
  })

  it('is idempotent and never leaves uppercase, ports or commas', () => {
    fc.assert(
      fc.property(fc.domain(), fc.option(fc.integer({ min: 1, max: 65535 })), fc.boolean(), (d, port, upper) => {
        const raw = (upper ? d.toUpperCase() : d) + (port === null ? '' : `:${port}`)
        const n = normalizeHost(raw)
        expect(n).toBe(d.toLowerCase())
        expect(normalizeHost(n)).toBe(n)
      }),
    )
  })
})

describe('replicas', () => {
  it("orders the function's region first, then its continent, then the rest as given", () => {
    const r = ['us-east-1', 'ap-southeast-1', 'eu-west-1', 'us-west-2', 'eu-central-1']
    expect(orderReplicas(r, 'eu-central-1')).toEqual(['eu-central-1', 'eu-west-1', 'us-east-1', 'ap-southeast-1', 'us-west-2'])
    expect(orderReplicas(r, 'us-west-2')).toEqual(['us-west-2', 'us-east-1', 'ap-southeast-1', 'eu-west-1', 'eu-central-1'])
    expect(orderReplicas(r, 'sa-east-1')).toEqual(r)
    expect(orderReplicas(r, undefined)).toEqual(r)
    expect(orderReplicas([{ region: 'us-east-1' }, { region: 'eu-west-1' }], 'eu-west-1').map((x) => x.region)).toEqual(['eu-west-1', 'us-east-1'])
  })

  it('fails over on service, network and timeout errors, not on request-shape errors', () => {
    const err = (name: string) => Object.assign(new Error(name), { name })
    for (const n of ['ProvisionedThroughputExceededException', 'ThrottlingException', 'InternalServerError', 'ResourceNotFoundException', 'TimeoutError', 'AbortError', 'OriginLookupTimeout'])
      expect(shouldFailOver(err(n))).toBe(true)
    expect(shouldFailOver(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true)
    expect(shouldFailOver(err('ValidationException'))).toBe(false)
  })
})

describe('schema', () => {
  it("fills CloudFront's custom-origin defaults (port by protocol) and passes the validator", () => {
    const https = toCfOrigin({ type: 'custom', domainName: 'a.example.com' })
    expect(https.custom).toMatchObject({ port: 443, protocol: 'https', path: '', readTimeout: 30, keepaliveTimeout: 5, sslProtocols: ['TLSv1.2'], customHeaders: {} })
    expect(toCfOrigin({ type: 'custom', domainName: 'a.example.com', protocol: 'http' }).custom?.port).toBe(80)
    expect(originViolations(https, 'classic')).toEqual([])
    const s3 = toCfOrigin({ type: 's3', domainName: 'b.s3.ap-southeast-2.amazonaws.com' })
    expect(s3.s3).toEqual({ authMethod: 'none', customHeaders: {}, domainName: 'b.s3.ap-southeast-2.amazonaws.com', path: '', region: 'ap-southeast-2' })
    expect(originViolations(s3, 'classic')).toEqual([])
  })

  it('formats custom headers as CloudFront does (lowercase name, original or canonical key)', () => {
    const o = toCfOrigin({ type: 'custom', domainName: 'a.example.com', customHeaders: { 'X-Tenant': 'a', 'x-api-key': 'k' } })
    expect(o.custom?.customHeaders).toEqual({ 'x-tenant': [{ key: 'X-Tenant', value: 'a' }], 'x-api-key': [{ key: 'X-Api-Key', value: 'k' }] })
  })

  it('names the item field and value of every table-level problem', () => {
    const v = itemShapeViolations({ host: 'A.com:80', pathPrefix: 'x', type: 'http', domainName: 5, port: '443', customHeaders: { 'accept-encoding': 'gzip' }, hostHeader: 'a b' })
    expect(v.map((x) => x.path).sort()).toEqual(['customHeaders.accept-encoding', 'domainName', 'host', 'hostHeader', 'pathPrefix', 'port', 'type'])
    expect(v.find((x) => x.path === 'port')?.message).toMatch(/"443"/)
  })

  it("checks CloudFront's origin rules on the compiled origin, with the limits profile", () => {
    const item = { host: 'a.com', pathPrefix: '/', type: 'custom', domainName: 'o.example.com', readTimeout: 2 }
    expect(ruleViolations(item, undefined).map((x) => x.path)).toEqual(['origin.custom.readTimeout']) // classic: 4–60
    expect(ruleViolations(item, limits.current)).toEqual([]) // current: 1–120
    expect(ruleViolations({ ...item, readTimeout: 30, customHeaders: { 'X-Amz-Foo': 'x' } }, undefined)[0]?.message).toMatch(/x-amz-foo/)
  })

  it('marshalls and unmarshalls rules losslessly', () => {
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.string({ minLength: 1 }), tie('v'), { maxKeys: 3 })),
    })).v
    fc.assert(
      fc.property(value, (v) => {
        expect(unmarshallValue(marshallValue(v))).toEqual(JSON.parse(JSON.stringify(v)))
      }),
    )
    expect(() => marshallValue(Infinity)).toThrow(/Infinity/)
  })
})

describe('edge credentials shim', () => {
  it('reads the Lambda environment and says so when it is empty', async () => {
    const saved = { ...process.env }
    try {
      process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE'
      process.env.AWS_SECRET_ACCESS_KEY = 'secret'
      process.env.AWS_SESSION_TOKEN = 'token'
      expect(await defaultProvider()()).toEqual({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' })
      delete process.env.AWS_ACCESS_KEY_ID
      await expect(defaultProvider()()).rejects.toThrow(/AWS_ACCESS_KEY_ID/)
    } finally {
      process.env = saved
    }
  })
})
