import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  MANAGED_CACHE_POLICIES,
  MANAGED_ORIGIN_REQUEST_POLICIES,
  MANAGED_RESPONSE_HEADERS_POLICIES,
  findManaged,
  type NameSelection,
} from '../../src/distribution/index.js'
import { BASE, parse, REFERENCE } from './helpers.js'

/** The rows of the markdown table that follows `heading` in the distribution reference: name → cells. */
function referenceTable(heading: string): Map<string, string[]> {
  const text = readFileSync(join(REFERENCE!, 'cloudfront-distribution.md'), 'utf8')
  const start = text.indexOf(heading)
  expect(start).toBeGreaterThan(0)
  const rows = new Map<string, string[]>()
  for (const line of text.slice(start).split('\n').slice(1)) {
    if (line.startsWith('#')) break
    if (!line.startsWith('| ') || line.startsWith('| Name') || line.startsWith('|---')) continue
    const cells = line.split('|').slice(1, -1).map((c) => c.trim())
    rows.set(cells[0]!, cells)
  }
  return rows
}
const id = (cell: string): string => /`([0-9a-f-]{36})`/.exec(cell)![1]!
const names = (s: NameSelection): string[] => (s.kind === 'list' || s.kind === 'allExcept' ? s.names : [])

describe.skipIf(!REFERENCE)('the managed policies match the reference tables', () => {
  it('cache policies: every name, ID and TTL triple of §1.4', () => {
    const rows = referenceTable('### 1.4 Managed cache policies')
    expect(rows.size).toBe(7)
    expect(MANAGED_CACHE_POLICIES.map((p) => p.id).sort()).toEqual([...rows.keys()].sort())
    for (const p of MANAGED_CACHE_POLICIES) {
      const cells = rows.get(p.id)!
      expect(p.awsId, p.id).toBe(id(cells[1]!))
      const ttl = cells[2]!.replace(/\*\*3P\*\*|,/g, '').split('/').map((x) => Number(x.trim()))
      expect([p.minTtl, p.defaultTtl, p.maxTtl], p.id).toEqual(ttl)
    }
  })

  it('origin request policies: every name and ID of §2.3', () => {
    const rows = referenceTable('### 2.3 Managed origin request policies')
    expect(MANAGED_ORIGIN_REQUEST_POLICIES.map((p) => p.id).sort()).toEqual([...rows.keys()].sort())
    for (const p of MANAGED_ORIGIN_REQUEST_POLICIES) expect(p.awsId, p.id).toBe(id(rows.get(p.id)![1]!))
  })

  it('response headers policies: every name and ID of §3.4', () => {
    const rows = referenceTable('### 3.4 Managed response headers policies')
    expect(MANAGED_RESPONSE_HEADERS_POLICIES.map((p) => p.id).sort()).toEqual([...rows.keys()].sort())
    for (const p of MANAGED_RESPONSE_HEADERS_POLICIES) expect(p.awsId, p.id).toBe(id(rows.get(p.id)![1]!))
  })
})

describe('managed policy settings', () => {
  const cp = (n: string) => findManaged(MANAGED_CACHE_POLICIES, n)!
  const orp = (n: string) => findManaged(MANAGED_ORIGIN_REQUEST_POLICIES, n)!
  const rhp = (n: string) => findManaged(MANAGED_RESPONSE_HEADERS_POLICIES, n)!

  it('cache policies key on what §1.4 lists, with its gzip / brotli flags', () => {
    expect(cp('CachingOptimized')).toMatchObject({ headers: { kind: 'none' }, cookies: { kind: 'none' }, queryStrings: { kind: 'none' }, gzip: true, brotli: true })
    expect(cp('CachingOptimizedForUncompressedObjects')).toMatchObject({ gzip: false, brotli: false })
    expect(cp('CachingDisabled')).toMatchObject({ minTtl: 0, defaultTtl: 0, maxTtl: 0, gzip: false, brotli: false })
    expect(names(cp('Amplify').headers).sort()).toEqual(['authorization', 'cloudfront-viewer-country', 'host'])
    expect(cp('Amplify')).toMatchObject({ cookies: { kind: 'all' }, queryStrings: { kind: 'all' } })
    // MediaPackage is "Enabled for Gzip" only.
    expect(cp('Elemental-MediaPackage')).toMatchObject({ gzip: true, brotli: false, headers: { kind: 'list', names: ['origin'] } })
    expect(names(cp('Elemental-MediaPackage').queryStrings)).toEqual(['aws.manifestfilter', 'start', 'end', 'm'])
    expect(cp('UseOriginCacheControlHeaders-QueryStrings')).toMatchObject({ cookies: { kind: 'all' }, queryStrings: { kind: 'all' } })
    expect(cp('UseOriginCacheControlHeaders')).toMatchObject({ queryStrings: { kind: 'none' } })
  })

  it('console names carry the Managed- prefix except the two UseOriginCacheControlHeaders policies', () => {
    expect(cp('CachingOptimized').name).toBe('Managed-CachingOptimized')
    expect(cp('UseOriginCacheControlHeaders').name).toBe('UseOriginCacheControlHeaders')
    expect(orp('AllViewer').name).toBe('Managed-AllViewer')
  })

  it('origin request policies forward what §2.3 lists', () => {
    expect(orp('AllViewer')).toMatchObject({ headers: { kind: 'all' }, cookies: { kind: 'all' }, queryStrings: { kind: 'all' } })
    expect(orp('AllViewerExceptHostHeader').headers).toEqual({ kind: 'allExcept', names: ['host'] })
    const cf = orp('AllViewerAndCloudFrontHeaders-2022-06').headers
    expect(cf.kind).toBe('allViewerAndCloudFront')
    expect(names(cf as NameSelection).length + (cf.kind === 'allViewerAndCloudFront' ? cf.names.length : 0)).toBe(21)
    expect(orp('CORS-S3Origin').headers).toEqual({ kind: 'list', names: ['origin', 'access-control-request-headers', 'access-control-request-method'] })
    expect(orp('CORS-CustomOrigin')).toMatchObject({ headers: { kind: 'list', names: ['origin'] }, cookies: { kind: 'none' }, queryStrings: { kind: 'none' } })
    expect(orp('Elemental-MediaTailor-PersonalizedManifests').queryStrings).toEqual({ kind: 'all' })
    expect(orp('UserAgentRefererHeaders').headers).toEqual({ kind: 'list', names: ['user-agent', 'referer'] })
  })

  it('response headers policies: nosniff overrides, the other security headers and CORS keep the origin value', () => {
    const sec = rhp('SecurityHeadersPolicy').security!
    expect(sec.contentTypeOptions).toEqual({ value: 'nosniff', override: true })
    for (const h of [sec.hsts, sec.frameOptions, sec.referrerPolicy, sec.xssProtection]) expect(h?.override).toBe(false)
    expect(rhp('SimpleCORS').cors).toMatchObject({ allowOrigins: ['*'], override: false })
    expect(rhp('CORS-and-SecurityHeadersPolicy')).toMatchObject({ cors: { allowOrigins: ['*'] }, security: { contentTypeOptions: { value: 'nosniff' } } })
    expect(rhp('CORS-with-preflight-and-SecurityHeadersPolicy').cors?.allowMethods).toEqual(['ALL'])
  })

  it('a behavior names a managed policy by name, console name or ID, and gets a copy the model keeps once', () => {
    for (const ref of ['CachingOptimized', 'Managed-CachingOptimized', '658327ea-f89d-4fab-a63d-7e88639e58f6']) {
      const c = parse(`${BASE}cache_policy = "${ref}"\n[[edge.behaviors]]\npath_pattern = "/a/*"\norigin = "app"\ncache_policy = "CachingOptimized"`)
      expect(c.edge.cachePolicies.map((p) => p.awsId)).toEqual(['658327ea-f89d-4fab-a63d-7e88639e58f6'])
      expect(c.behaviors[0]!.cachePolicy).toBe(c.behaviors[1]!.cachePolicy)
      c.behaviors[0]!.cachePolicy!.maxTtl = 1
    }
    expect(cp('CachingOptimized').maxTtl).toBe(31_536_000)
  })
})
