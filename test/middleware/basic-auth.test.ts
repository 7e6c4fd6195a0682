import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { originRequest, viewerRequest } from 'edgeware'
import { createEvent, invoke } from 'edgeware/testing'
import { basicAuth, safeEqual } from 'edgeware/middleware'
import { asRequest, asResponse, expectRefused, header, quietErrors } from './helpers.js'

// Observe (not replace) crypto.timingSafeEqual: the real function runs, the spy records its arguments.
const seen = vi.hoisted(() => ({ lengths: [] as [number, number][] }))
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>()
  return {
    ...actual,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      seen.lengths.push([a.byteLength, b.byteLength])
      return actual.timingSafeEqual(a, b)
    },
  }
})

let restore: () => void
beforeAll(() => {
  restore = quietErrors()
})
afterAll(() => restore())

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64')

describe('basicAuth()', () => {
  const handler = viewerRequest(
    basicAuth({ users: [{ username: 'ann', password: 's3cret' }, { username: 'bob', password: 'pässwörd' }], realm: 'Staging' }),
    async (c, next) => {
      c.request.headers.set('x-user', c.get('basicAuthUser') ?? '')
      await next()
    },
  )
  const run = (authorization?: string) =>
    invoke(handler, createEvent('viewer-request', { headers: authorization === undefined ? {} : { authorization } }))

  it('asks for credentials with 401 and WWW-Authenticate', async () => {
    const res = asResponse(await run())
    expect(res.status).toBe('401')
    expect(header(res.headers, 'www-authenticate')).toBe('Basic realm="Staging", charset="UTF-8"')
    expect(res.body).toBe('Unauthorized')
  })

  it('lets valid users through (UTF-8 passwords too) and names them', async () => {
    const ann = asRequest(await run(`Basic ${b64('ann:s3cret')}`))
    expect(header(ann.headers, 'x-user')).toBe('ann')
    const bob = asRequest(await run(`basic   ${b64('bob:pässwörd')}`))
    expect(header(bob.headers, 'x-user')).toBe('bob')
  })

  it('refuses wrong, swapped, malformed and other-scheme credentials', async () => {
    for (const auth of [
      `Basic ${b64('ann:wrong')}`,
      `Basic ${b64('bob:s3cret')}`,
      `Basic ${b64('ann')}`,
      `Basic ${b64(':s3cret')}`,
      'Basic !!!notbase64',
      `Bearer ${b64('ann:s3cret')}`,
      `Basic ${b64('ann:s3cret' + 'x'.repeat(5000))}`,
    ]) {
      expect(asResponse(await run(auth)).status, auth.slice(0, 40)).toBe('401')
    }
  })

  it('compares equal-length SHA-256 digests with crypto.timingSafeEqual, checking every user', async () => {
    seen.lengths.length = 0
    await run(`Basic ${b64('ann:' + 'y'.repeat(300))}`)
    // two users configured: two comparisons even though the first one already failed, all 32-byte digests
    expect(seen.lengths).toEqual([
      [32, 32],
      [32, 32],
    ])
    seen.lengths.length = 0
    expect(safeEqual('short', 'a much longer secret value')).toBe(false)
    expect(safeEqual('same', 'same')).toBe(true)
    expect(seen.lengths).toEqual([
      [32, 32],
      [32, 32],
    ])
  })

  it('supports a custom verify function', async () => {
    const h = viewerRequest(basicAuth({ verify: (u, p) => u === 'ci' && p === 'token' }))
    expect(asRequest(await invoke(h, createEvent('viewer-request', { headers: { authorization: `Basic ${b64('ci:token')}` } }))).uri).toBe('/')
    expect(asResponse(await invoke(h, createEvent('viewer-request', { headers: { authorization: `Basic ${b64('ci:nope')}` } }))).status).toBe('401')
  })

  it('rejects bad configuration and origin-request (a cached 401 / authorized object)', async () => {
    expect(() => basicAuth({})).toThrow(/username and password/)
    expect(() => basicAuth({ username: 'a:b', password: 'x' })).toThrow(/without ":"/)
    expect(() => basicAuth({ username: 'a', password: 'x', realm: 'x"\r\nSet-Cookie: y' })).toThrow(/realm/)
    const e = await expectRefused(originRequest(basicAuth({ username: 'a', password: 'b' }) as never), createEvent('origin-request'), 'basicAuth', 'origin-request')
    expect(e.message).toMatch(/cached/)
  })
})
