import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { originRequest, originResponse, viewerRequest, viewerResponse } from 'edgeware'
import type { CfResponse } from 'edgeware'
import { createEvent, invoke } from 'edgeware/testing'
import { abTest, geo } from 'edgeware/middleware'
import { asRequest, asResponse, expectRefused, header, headerAll, quietErrors } from './helpers.js'

let restore: () => void
beforeAll(() => {
  restore = quietErrors()
})
afterAll(() => restore())

describe('abTest()', () => {
  const ab = abTest({
    variants: [
      { name: 'a', weight: 1 },
      { name: 'b', weight: 1, pathPrefix: '/next', origin: 'b.example.com' },
    ],
    header: 'x-ab-variant',
  })
  const vreq = viewerRequest(ab)
  const oreq = originRequest(ab)
  const vres = viewerResponse(ab)

  it('keeps a viewer on the variant in their cookie and sets no new cookie', async () => {
    const req = asRequest(await invoke(vreq, createEvent('viewer-request', { cookies: { ab: 'b', other: '1' } })))
    expect(header(req.headers, 'x-ab-variant')).toBe('b')
    expect(header(req.headers, 'cookie')).toBe('ab=b; other=1')
    const res = (await invoke(vres, createEvent('viewer-response', { cookies: { ab: 'b' } }))) as CfResponse
    expect(res.headers['set-cookie']).toBeUndefined()
  })

  it('assigns new viewers by weight and all stages of one request agree', async () => {
    const counts: Record<string, number> = { a: 0, b: 0 }
    for (let i = 0; i < 200; i++) {
      const requestId = `req-${i}-${Math.random()}`
      const req = asRequest(await invoke(vreq, createEvent('viewer-request', { config: { requestId }, cookies: { other: 'x', ab: 'bogus' } })))
      const chosen = header(req.headers, 'x-ab-variant')!
      counts[chosen]!++
      // the stale cookie value is replaced, other cookies kept: the cache key and origin see the variant
      expect(header(req.headers, 'cookie')).toBe(`other=x; ab=${chosen}`)
      // viewer-response of the same request sets the same variant, whether it sees the original or the modified request
      const original = createEvent('viewer-response', { config: { requestId }, cookies: { other: 'x', ab: 'bogus' } })
      const modified = createEvent('viewer-response', { config: { requestId } })
      modified.Records[0]!.cf.request.headers = req.headers
      for (const event of [original, modified]) {
        const res = (await invoke(vres, event)) as CfResponse
        expect(headerAll(res.headers, 'set-cookie')).toEqual([`ab=${chosen}; Path=/; Max-Age=2592000; SameSite=Lax; Secure`])
      }
    }
    expect(counts.a).toBeGreaterThan(60)
    expect(counts.b).toBeGreaterThan(60)
  })

  it('routes variant b to its origin and path prefix in origin-request', async () => {
    const req = asRequest(await invoke(oreq, createEvent('origin-request', { uri: '/index.html', cookies: { ab: 'b' } })))
    expect(req.uri).toBe('/next/index.html')
    expect(req.origin?.custom?.domainName).toBe('b.example.com')
    expect(req.origin?.custom?.port).toBe(443)
    expect(header(req.headers, 'host')).toBe('b.example.com')
    // without the cookie (not forwarded), the header viewer-request set decides
    const viaHeader = asRequest(await invoke(oreq, createEvent('origin-request', { uri: '/x', headers: { 'x-ab-variant': 'b' } })))
    expect(viaHeader.uri).toBe('/next/x')
    const a = asRequest(await invoke(oreq, createEvent('origin-request', { uri: '/index.html', cookies: { ab: 'a' } })))
    expect(a.uri).toBe('/index.html')
    expect(a.origin?.custom?.domainName).toBe('example.org')
  })

  it('never writes a viewer-supplied value into Set-Cookie (no injection), and ignores a forged marker', async () => {
    const event = createEvent('viewer-response', { headers: { 'x-edgeware-ab-new': 'a\r\nSet-Cookie: admin=1', cookie: 'ab=a' } })
    const res = (await invoke(vres, event)) as CfResponse
    expect(res.headers['set-cookie']).toBeUndefined()
    const req = asRequest(await invoke(vreq, createEvent('viewer-request', { cookies: { ab: 'a' }, headers: { 'x-edgeware-ab-new': 'b' } })))
    expect(req.headers['x-edgeware-ab-new']).toBeUndefined()
    // a cookie value carrying CR/LF or another variant's attributes is not a variant: a fresh one is drawn
    const evil = createEvent('viewer-response', { headers: { cookie: 'ab=a%0d%0aSet-Cookie:%20admin=1; ab2=x' } })
    const set = headerAll(((await invoke(vres, evil)) as CfResponse).headers, 'set-cookie')
    expect(set).toHaveLength(1)
    expect(set[0]).toMatch(/^ab=(a|b); Path=\/; Max-Age=2592000; SameSite=Lax; Secure$/)
  })

  it('rejects bad variants and origin-response (a cached Set-Cookie)', async () => {
    expect(() => abTest({ variants: [] })).toThrow(/at least one/)
    expect(() => abTest({ variants: ['a;b'] })).toThrow(/HTTP tokens/)
    expect(() => abTest({ variants: [{ name: 'a', weight: -1 }] })).toThrow(/weight/)
    expect(() => abTest({ variants: [{ name: 'a', origin: 'https://x.com/' }] })).toThrow(/domain name/)
    expect(() => abTest({ variants: ['a'], cookie: 'a b' })).toThrow(/cookie name/)
    const e = await expectRefused(originResponse(ab as never), createEvent('origin-response'), 'abTest', 'origin-response')
    expect(e.message).toMatch(/cached/)
  })
})

describe('geo()', () => {
  const h = originRequest(
    geo({ block: ['kp'], redirect: { FR: 'https://example.fr/' }, origin: { DE: 'eu.example.com' } }),
    async (c, next) => {
      c.request.headers.set('x-country', c.get('country') ?? 'none')
      await next()
    },
  )
  const run = (country?: string) =>
    invoke(h, createEvent('origin-request', { headers: country === undefined ? {} : { 'cloudfront-viewer-country': country } }))

  it('blocks, redirects and reroutes by country', async () => {
    const blocked = asResponse(await run('KP'))
    expect(blocked.status).toBe('403')
    const fr = asResponse(await run('FR'))
    expect(fr.status).toBe('302')
    expect(header(fr.headers, 'location')).toBe('https://example.fr/')
    const de = asRequest(await run('de'))
    expect(de.origin?.custom?.domainName).toBe('eu.example.com')
    expect(header(de.headers, 'host')).toBe('eu.example.com')
    expect(header(de.headers, 'x-country')).toBe('DE')
    const us = asRequest(await run('US'))
    expect(us.origin?.custom?.domainName).toBe('example.org')
  })

  it('passes requests without the header by default, or blocks them', async () => {
    expect(header(asRequest(await run()).headers, 'x-country')).toBe('none')
    const strict = originRequest(geo({ allow: ['US'], missing: 'block', status: 451 }))
    expect(asResponse(await invoke(strict, createEvent('origin-request'))).status).toBe('451')
    expect(asResponse(await invoke(strict, createEvent('origin-request', { headers: { 'cloudfront-viewer-country': 'CA' } }))).status).toBe('451')
    expect(asRequest(await invoke(strict, createEvent('origin-request', { headers: { 'cloudfront-viewer-country': 'US' } }))).uri).toBe('/')
  })

  it('refuses viewer-request, where CloudFront does not provide the header', async () => {
    const e = await expectRefused(viewerRequest(geo({ block: ['KP'] }) as never), createEvent('viewer-request'), 'geo', 'viewer-request')
    expect(e.message).toMatch(/CloudFront-Viewer-Country/)
    await expectRefused(viewerResponse(geo({}) as never), createEvent('viewer-response'), 'geo', 'viewer-response')
    expect(() => geo({ block: ['Germany'] })).toThrow(/alpha-2/)
    expect(() => geo({ redirect: { FR: 'https://x\r\nSet-Cookie: a' } })).toThrow(/InvalidHeaderValue/)
    expect(() => geo({ redirect: { FR: '//example.fr/' } })).toThrow(/geo\(\): redirect targets .* "\/\/example.fr\/"/)
    expect(() => geo({ redirect: { FR: '/\\example.fr/' } })).toThrow(/geo\(\): redirect targets/)
  })
})
