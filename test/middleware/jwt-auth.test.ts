import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose'
import { originRequest, viewerRequest, viewerResponse } from 'edgeware'
import { createEvent, EdgeExecutionError, invoke } from 'edgeware/testing'
import { jwtAuth } from 'edgeware/middleware'
import { asRequest, asResponse, expectRefused, header, quietErrors } from './helpers.js'

const ISS = 'https://issuer.test'
const AUD = 'edge-app'

let server: Server
let jwksUrl: string
let hits = 0
let served: JWK[] = []
let key1: { privateKey: CryptoKey; publicKey: CryptoKey }
let key2: { privateKey: CryptoKey; publicKey: CryptoKey }
let restore: () => void

beforeAll(async () => {
  restore = quietErrors()
  key1 = await generateKeyPair('RS256')
  key2 = await generateKeyPair('RS256')
  served = [{ ...(await exportJWK(key1.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }]
  server = createServer((req, res) => {
    hits++
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: served }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`
})

afterAll(async () => {
  restore()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

function sign(claims: Record<string, unknown> = {}, opts: { kid?: string; key?: CryptoKey; exp?: string | number; aud?: string; iss?: string } = {}) {
  const jwt = new SignJWT({ sub: 'user-1', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? 'k1' })
    .setIssuedAt()
    .setIssuer(opts.iss ?? ISS)
    .setAudience(opts.aud ?? AUD)
    .setExpirationTime(opts.exp ?? '5m')
  return jwt.sign(opts.key ?? key1.privateKey)
}

const b64url = (s: string) => Buffer.from(s).toString('base64url')

function makeHandler(extra: Partial<Parameters<typeof jwtAuth>[0]> = {}) {
  return viewerRequest(jwtAuth({ jwks: jwksUrl, issuer: ISS, audience: AUD, ...extra }), async (c, next) => {
    c.request.headers.set('x-sub', String(c.get('jwt')?.sub))
    await next()
  })
}

describe('jwtAuth()', () => {
  let handler: ReturnType<typeof makeHandler>
  beforeAll(() => {
    handler = makeHandler({ cookie: 'id_token' })
  })
  const bearer = async (token: string) => invoke(handler, createEvent('viewer-request', { headers: { authorization: `Bearer ${token}` } }))

  it('accepts a valid bearer token, puts the claims in c.get("jwt"), and caches the keys', async () => {
    hits = 0
    const token = await sign()
    for (let i = 0; i < 3; i++) {
      const req = asRequest(await bearer(token))
      expect(header(req.headers, 'x-sub')).toBe('user-1')
    }
    expect(hits).toBe(1) // one JWKS fetch for the container, not one per request
  })

  it('reads the token from a cookie', async () => {
    const req = asRequest(await invoke(handler, createEvent('viewer-request', { cookies: { id_token: await sign({ sub: 'c' }) } })))
    expect(header(req.headers, 'x-sub')).toBe('c')
  })

  it('answers 401 with a Bearer challenge when no token is sent', async () => {
    const res = asResponse(await invoke(handler, createEvent('viewer-request')))
    expect(res.status).toBe('401')
    expect(header(res.headers, 'www-authenticate')).toBe('Bearer realm="edge"')
  })

  it('refuses expired, tampered, wrong-audience, wrong-issuer and foreign-key tokens', async () => {
    const good = await sign()
    const [h, p, s] = good.split('.')
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString())
    const tampered = `${h}.${b64url(JSON.stringify({ ...payload, sub: 'admin' }))}.${s}`
    const cases: Record<string, string> = {
      expired: await sign({}, { exp: Math.floor(Date.now() / 1000) - 60 }),
      tampered,
      'wrong audience': await sign({}, { aud: 'someone-else' }),
      'wrong issuer': await sign({}, { iss: 'https://evil.test' }),
      'signed by another key with a known kid': await sign({}, { key: key2.privateKey }),
      garbage: 'not.a.jwt',
    }
    for (const [name, token] of Object.entries(cases)) {
      const res = asResponse(await bearer(token))
      expect(res.status, name).toBe('401')
      expect(header(res.headers, 'www-authenticate'), name).toBe('Bearer realm="edge", error="invalid_token"')
    }
  })

  it('refuses alg: none and HS256 tokens (algorithm confusion)', async () => {
    const claims = b64url(JSON.stringify({ sub: 'admin', iss: ISS, aud: AUD, exp: Math.floor(Date.now() / 1000) + 300 }))
    const none = `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${claims}.`
    expect(asResponse(await bearer(none)).status).toBe('401')
    const jwk = served[0]!
    const hs = await new SignJWT({ sub: 'admin' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setIssuer(ISS)
      .setAudience(AUD)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JSON.stringify(jwk)))
    expect(asResponse(await bearer(hs)).status).toBe('401')
  })

  it('refuses a token without exp by default, and accepts it with requireExp: false', async () => {
    const noExp = await new SignJWT({ sub: 'forever' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(ISS).setAudience(AUD).sign(key1.privateKey)
    const res = asResponse(await bearer(noExp))
    expect(res.status).toBe('401')
    expect(header(res.headers, 'www-authenticate')).toBe('Bearer realm="edge", error="invalid_token"')
    const lenient = makeHandler({ requireExp: false })
    const req = asRequest(await invoke(lenient, createEvent('viewer-request', { headers: { authorization: `Bearer ${noExp}` } })))
    expect(header(req.headers, 'x-sub')).toBe('forever')
  })

  it('tolerates small clock skew only', async () => {
    const h = makeHandler({ clockTolerance: 30 })
    const justExpired = await sign({}, { exp: Math.floor(Date.now() / 1000) - 10 })
    expect(asRequest(await invoke(h, createEvent('viewer-request', { headers: { authorization: `Bearer ${justExpired}` } }))).uri).toBe('/')
  })

  it('picks up a rotated key (unknown kid → refetch after the cooldown)', async () => {
    const h = makeHandler({ jwksCooldownMs: 0 })
    const t1 = await sign()
    expect(asRequest(await invoke(h, createEvent('viewer-request', { headers: { authorization: `Bearer ${t1}` } }))).uri).toBe('/')
    served = [...served, { ...(await exportJWK(key2.publicKey)), kid: 'k2', alg: 'RS256' }]
    const t2 = await sign({ sub: 'rotated' }, { kid: 'k2', key: key2.privateKey })
    const req = asRequest(await invoke(h, createEvent('viewer-request', { headers: { authorization: `Bearer ${t2}` } })))
    expect(header(req.headers, 'x-sub')).toBe('rotated')
  })

  it('redirects to loginUrl instead of a 401 when configured', async () => {
    const h = makeHandler({ cookie: 'id_token', header: false, loginUrl: 'https://auth.example.com/login' })
    const res = asResponse(await invoke(h, createEvent('viewer-request', { headers: { authorization: `Bearer ${await sign()}` } })))
    expect(res.status).toBe('302')
    expect(header(res.headers, 'location')).toBe('https://auth.example.com/login')
  })

  it('accepts an inline key set and a validate() hook', async () => {
    const h = viewerRequest(jwtAuth({ keys: { keys: served }, audience: AUD, validate: (p) => p.sub === 'user-1' }))
    expect(asRequest(await invoke(h, createEvent('viewer-request', { headers: { authorization: `Bearer ${await sign()}` } }))).uri).toBe('/')
    expect(asResponse(await invoke(h, createEvent('viewer-request', { headers: { authorization: `Bearer ${await sign({ sub: 'x' })}` } }))).status).toBe('401')
  })

  it('throws (CloudFront 503) when the JWKS cannot be fetched, instead of blaming the viewer', async () => {
    const dead = createServer()
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve))
    const port = (dead.address() as AddressInfo).port
    await new Promise<void>((resolve) => dead.close(() => resolve()))
    const h = viewerRequest(jwtAuth({ jwks: `http://127.0.0.1:${port}/jwks.json`, jwksTimeoutMs: 500 }))
    await expect(invoke(h, createEvent('viewer-request', { headers: { authorization: `Bearer ${await sign()}` } }))).rejects.toBeInstanceOf(EdgeExecutionError)
  })

  it('rejects unsafe configurations at construction', () => {
    expect(() => jwtAuth({ jwks: jwksUrl, algorithms: ['none'] })).toThrow(/unsigned tokens/)
    expect(() => jwtAuth({ jwks: jwksUrl, algorithms: ['RS256', 'HS256'] })).toThrow(/algorithm confusion/)
    expect(() => jwtAuth({ secret: 'x'.repeat(32), algorithms: ['RS256'] })).toThrow(/algorithm confusion/)
    expect(() => jwtAuth({ secret: 'short' })).toThrow(/32 bytes/)
    expect(() => jwtAuth({ jwks: jwksUrl, keys: { keys: [] } })).toThrow(/exactly one/)
    expect(() => jwtAuth({ jwks: 'file:///etc/passwd' })).toThrow(/http\(s\) URL/)
    expect(() => jwtAuth({ cognito: { region: 'nowhere', userPoolId: 'x' } })).toThrow(/cognito/)
    for (const loginUrl of ['//evil.example/login', '/\\evil.example', '\\\\evil.example']) {
      expect(() => jwtAuth({ jwks: jwksUrl, loginUrl }), loginUrl).toThrow(/jwtAuth\(\): loginUrl .* another host/)
    }
  })

  it('verifies HS256 with a shared secret', async () => {
    const secret = 'a-very-long-shared-secret-of-32-bytes!'
    const h = viewerRequest(jwtAuth({ secret }))
    const token = await new SignJWT({ sub: 's' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1m').sign(new TextEncoder().encode(secret))
    expect(asRequest(await invoke(h, createEvent('viewer-request', { headers: { authorization: `Bearer ${token}` } }))).uri).toBe('/')
  })

  it('takes the secret from a function (edgeware/secrets), per request, following a rotation', async () => {
    const first = 'the-first-shared-secret-of-32-bytes!!'
    const second = 'the-rotated-shared-secret-of-32-bytes'
    let current = first
    let calls = 0
    const h = viewerRequest(jwtAuth({ secret: async () => (calls++, current) }))
    const tokenFor = (secret: string) => new SignJWT({ sub: 's' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1m').sign(new TextEncoder().encode(secret))
    const run = async (token: string) => invoke(h, createEvent('viewer-request', { headers: { authorization: `Bearer ${token}` } }))
    expect(calls).toBe(0) // not read when the handler is made (cold start), only when a request needs it
    expect(asRequest(await run(await tokenFor(first))).uri).toBe('/')
    current = second
    expect(asResponse(await run(await tokenFor(first))).status).toBe('401')
    expect(asRequest(await run(await tokenFor(second))).uri).toBe('/')
    expect(calls).toBe(3)
    current = 'short'
    const err = await run(await tokenFor(second)).then(() => undefined, (e: unknown) => e)
    expect(err).toBeInstanceOf(EdgeExecutionError) // a 503, not a pass
    expect(String((err as { cause?: Error }).cause?.message)).toMatch(/the secret must be at least 32 bytes \(got 5\)/)
  })

  it('checks Cognito id and access tokens (issuer, token_use, client)', async () => {
    const pool = { region: 'eu-west-1', userPoolId: 'eu-west-1_Abc123', clientId: 'client-1' }
    const iss = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc123'
    const idH = viewerRequest(jwtAuth({ cognito: pool, jwks: jwksUrl }))
    const accessH = viewerRequest(jwtAuth({ cognito: { ...pool, tokenUse: 'access' }, jwks: jwksUrl }))
    const run = async (h: typeof idH, token: string) =>
      invoke(h, createEvent('viewer-request', { headers: { authorization: `Bearer ${token}` } }))
    const idToken = await sign({ token_use: 'id' }, { iss, aud: 'client-1' })
    const accessToken = await new SignJWT({ sub: 'u', token_use: 'access', client_id: 'client-1' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(iss)
      .setExpirationTime('5m')
      .sign(key1.privateKey)
    expect(asRequest(await run(idH, idToken)).uri).toBe('/')
    expect(asRequest(await run(accessH, accessToken)).uri).toBe('/')
    // an access token where an id token is expected, and the other way round
    expect(asResponse(await run(idH, accessToken)).status).toBe('401')
    expect(asResponse(await run(accessH, idToken)).status).toBe('401')
    // another app client, another pool
    expect(asResponse(await run(idH, await sign({ token_use: 'id' }, { iss, aud: 'client-2' }))).status).toBe('401')
    expect(asResponse(await run(idH, await sign({ token_use: 'id' }, { iss: iss + 'x', aud: 'client-1' }))).status).toBe('401')
    const otherClient = await new SignJWT({ token_use: 'access', client_id: 'client-2' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(iss)
      .setExpirationTime('5m')
      .sign(key1.privateKey)
    expect(asResponse(await run(accessH, otherClient)).status).toBe('401')
  })

  it('refuses origin-request (cached answers) and response stages', async () => {
    await expectRefused(originRequest(jwtAuth({ jwks: jwksUrl }) as never), createEvent('origin-request'), 'jwtAuth', 'origin-request')
    await expectRefused(viewerResponse(jwtAuth({ jwks: jwksUrl }) as never), createEvent('viewer-response'), 'jwtAuth', 'viewer-response')
  })
})
