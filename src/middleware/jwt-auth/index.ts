/**
 * `jwtAuth(options)`: verifies a JWT (bearer header or cookie) against a JWKS, a key or a secret, with `jose`.
 * @module
 */
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify } from 'jose'
import type { CryptoKey, JSONWebKeySet, JWTPayload, JWTVerifyGetKey, KeyObject } from 'jose'
import { otherHostLocation } from '../../core/request.js'
import type { Middleware, ViewerRequestContext } from '../../core/types.js'
import { authStageWhy, stageError } from '../_shared/index.js'

export type { JWTPayload } from 'jose'

/**
 * Cognito user pool shortcut: sets `jwks` and `issuer`, and checks `token_use` and the app client.
 *
 * @example
 * ```ts
 * const pool: CognitoOptions = { region: 'us-east-1', userPoolId: 'us-east-1_AbC', clientId: 'abc123', tokenUse: 'access' }
 * ```
 */
export interface CognitoOptions {
  /** e.g. `us-east-1`. */
  region: string
  /** e.g. `us-east-1_AbCdEf123`. */
  userPoolId: string
  /** App client id: checked against `aud` (id tokens) or `client_id` (access tokens). */
  clientId?: string | readonly string[]
  /** Which token to accept (default `id`). */
  tokenUse?: 'id' | 'access'
}

/**
 * Options of {@link jwtAuth}. Give exactly one of `jwks`, `keys`, `key`, `secret` or `cognito` (`cognito` may
 * be combined with `jwks` or `keys`, e.g. to serve the pool's keys from a mirror).
 *
 * @example
 * ```ts
 * const opts: JwtAuthOptions = { jwks: 'https://id.example.com/jwks.json', issuer: 'https://id.example.com', audience: 'app' }
 * ```
 */
export interface JwtAuthOptions {
  /** URL of a JSON Web Key Set, fetched on first use and cached per container (refetched for an unknown `kid`). */
  jwks?: string | URL
  /** A JSON Web Key Set given inline (no fetch). */
  keys?: JSONWebKeySet
  /** One public key. */
  key?: CryptoKey | KeyObject
  /**
   * Shared secret for HS256/384/512, or a function giving it (called on each request, e.g. `() => secret('JWT_SECRET')`
   * from `edgeware/secrets`, which reads it once per container).
   */
  secret?: string | Uint8Array | (() => string | Uint8Array | Promise<string | Uint8Array>)
  /** Cognito user pool (sets `issuer`, and `jwks` unless `jwks` or `keys` is given too). */
  cognito?: CognitoOptions
  /**
   * Allowed `alg` values (default `['RS256']` for keys and JWKS, `['HS256']` for a secret). `none` is always
   * refused, and HMAC algorithms can't be mixed with public keys (algorithm confusion).
   */
  algorithms?: readonly string[]
  /** Expected `iss` (one or several). */
  issuer?: string | readonly string[]
  /** Expected `aud` (one or several). */
  audience?: string | readonly string[]
  /** Accepted clock skew for `exp`/`nbf`/`iat`, in seconds or as a jose duration string (default 5 s). */
  clockTolerance?: number | string
  /**
   * Refuse a token without an `exp` claim (default `true`): one that never expires stays valid forever once
   * leaked. Set `false` only for tokens your issuer really mints without one.
   */
  requireExp?: boolean
  /** Read the token from this cookie (when no `Authorization: Bearer` header is sent). */
  cookie?: string
  /** Accept `Authorization: Bearer <token>` (default `true`). */
  header?: boolean
  /** Instead of a 401, redirect viewers without a valid token here (useful with a cookie, e.g. a Cognito hosted UI). */
  loginUrl?: string | ((c: ViewerRequestContext) => string)
  /** Realm in `WWW-Authenticate` (default `edge`). */
  realm?: string
  /** Extra check on the verified claims; returning false answers 401. */
  validate?: (payload: JWTPayload, c: ViewerRequestContext) => boolean | Promise<boolean>
  /** JWKS fetch timeout in ms (default 1500, well inside viewer-request's 5 s). */
  jwksTimeoutMs?: number
  /** How long fetched keys are trusted before a refetch, ms (default 10 min). */
  jwksCacheMaxAgeMs?: number
  /** Minimum time between two JWKS fetches (a token with an unknown `kid` triggers one), ms (default 30 s). */
  jwksCooldownMs?: number
}

declare module '../../core/types.js' {
  interface ContextVariableMap {
    /** The verified JWT claims `jwtAuth()` accepted. */
    jwt: JWTPayload
  }
}

const HMAC = /^HS(256|384|512)$/

/** A shared secret's bytes; HMAC keys shorter than 32 bytes are refused. */
function secretBytes(secret: string | Uint8Array): Uint8Array {
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret
  if (key.byteLength < 32) throw new TypeError(`jwtAuth(): the secret must be at least 32 bytes (got ${key.byteLength})`)
  return key
}

/** jose errors that mean "this token is not acceptable" (401), as opposed to a JWKS outage (thrown: 503). */
function isTokenError(e: unknown): boolean {
  return (
    e instanceof errors.JWTExpired ||
    e instanceof errors.JWTClaimValidationFailed ||
    e instanceof errors.JWSSignatureVerificationFailed ||
    e instanceof errors.JWSInvalid ||
    e instanceof errors.JWTInvalid ||
    e instanceof errors.JOSEAlgNotAllowed ||
    e instanceof errors.JOSENotSupported ||
    e instanceof errors.JWKSNoMatchingKey ||
    e instanceof errors.JWKSMultipleMatchingKeys
  )
}

/**
 * Verifies a JWT sent as `Authorization: Bearer …` or in a cookie, with [jose](https://github.com/panva/jose):
 * signature against a JWKS (e.g. Cognito's), a key or a secret; `alg` against an allow-list (never `none`);
 * `exp`/`nbf` with a clock tolerance; `iss` and `aud` when configured. A remote JWKS is fetched on first use
 * and its keys cached per container. The verified claims go in `c.set('jwt', payload)`.
 *
 * A missing or bad token is answered with `401` and `WWW-Authenticate: Bearer …` (or a redirect to
 * `loginUrl`). A JWKS that can't be fetched is thrown (CloudFront answers 503): an outage is not the
 * viewer's fault.
 *
 * viewer-request only: in origin-request the answer would be cached and served to other viewers without a
 * check. Other stages throw `EdgeRuleError` (`UnsupportedStage`) on first use.
 *
 * @example
 * ```ts
 * import { viewerRequest } from 'edgeware'
 * import { jwtAuth } from 'edgeware/middleware'
 *
 * export const handler = viewerRequest(
 *   jwtAuth({ cognito: { region: 'us-east-1', userPoolId: 'us-east-1_AbC', clientId: 'abc123' }, cookie: 'id_token' }),
 *   async (c, next) => { c.request.headers.set('x-user', String(c.get('jwt')?.sub)); await next() },
 * )
 * ```
 */
export function jwtAuth(options: JwtAuthOptions): Middleware<ViewerRequestContext> {
  const sources = (['jwks', 'keys', 'key', 'secret'] as const).filter((k) => options[k] !== undefined)
  const ok = options.cognito ? sources.length === 0 || (sources.length === 1 && sources[0] !== 'key' && sources[0] !== 'secret') : sources.length === 1
  if (!ok) {
    throw new TypeError(
      `jwtAuth(): give exactly one of jwks, keys, key, secret or cognito (cognito may be combined with jwks or keys to fetch its keys elsewhere); got ${[...sources, ...(options.cognito ? ['cognito'] : [])].join(', ') || 'none'}`,
    )
  }
  const symmetric = options.secret !== undefined
  const algorithms = [...(options.algorithms ?? [symmetric ? 'HS256' : 'RS256'])]
  if (algorithms.length === 0) throw new TypeError('jwtAuth(): algorithms must list at least one algorithm')
  for (const alg of algorithms) {
    if (typeof alg !== 'string' || alg.toLowerCase() === 'none') {
      throw new TypeError(`jwtAuth(): algorithm ${JSON.stringify(alg)} is refused: unsigned tokens are never accepted`)
    }
    if (HMAC.test(alg) !== symmetric) {
      throw new TypeError(
        `jwtAuth(): algorithm ${alg} can't be used with ${symmetric ? 'a secret' : 'public keys'}: mixing HMAC and public-key algorithms allows algorithm confusion`,
      )
    }
  }

  let issuer = options.issuer
  let audience = options.audience
  let jwksUrl = options.jwks
  const cognito = options.cognito
  if (cognito) {
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(cognito.region) || !/^[\w-]+_[0-9A-Za-z]+$/.test(cognito.userPoolId)) {
      throw new TypeError(`jwtAuth(): cognito.region / userPoolId look wrong: ${JSON.stringify(cognito.region)}, ${JSON.stringify(cognito.userPoolId)}`)
    }
    issuer = `https://cognito-idp.${cognito.region}.amazonaws.com/${cognito.userPoolId}`
    if (options.keys === undefined) jwksUrl ??= `${issuer}/.well-known/jwks.json`
    // Id tokens carry the client in `aud`; access tokens have no `aud` and carry it in `client_id`.
    if ((cognito.tokenUse ?? 'id') === 'id' && cognito.clientId !== undefined) audience = cognito.clientId
  }

  // Keys: resolved once per container (module scope of the handler), cached by jose.
  let key: JWTVerifyGetKey | CryptoKey | KeyObject | Uint8Array
  if (jwksUrl !== undefined) {
    let url: URL
    try {
      url = new URL(String(jwksUrl))
    } catch {
      throw new TypeError(`jwtAuth(): jwks must be an http(s) URL, got ${JSON.stringify(String(jwksUrl))}`)
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`jwtAuth(): jwks must be an http(s) URL, got ${url.href}`)
    key = createRemoteJWKSet(url, {
      timeoutDuration: options.jwksTimeoutMs ?? 1500,
      cacheMaxAge: options.jwksCacheMaxAgeMs ?? 600_000,
      cooldownDuration: options.jwksCooldownMs ?? 30_000,
    })
  } else if (options.keys !== undefined) {
    key = createLocalJWKSet(options.keys)
  } else if (typeof options.secret === 'function') {
    key = new Uint8Array(0) // resolved per request by secretKey()
  } else if (options.secret !== undefined) {
    key = secretBytes(options.secret)
  } else {
    key = options.key!
  }

  const verifyOptions = {
    algorithms,
    issuer: issuer as string | string[] | undefined,
    audience: audience as string | string[] | undefined,
    clockTolerance: options.clockTolerance ?? 5,
    ...(options.requireExp === false ? {} : { requiredClaims: ['exp'] }),
  }
  const tokenUse = cognito ? (cognito.tokenUse ?? 'id') : undefined
  const clientIds = cognito?.clientId === undefined ? undefined : ([] as string[]).concat(cognito.clientId)
  const cookieName = options.cookie
  const useHeader = options.header !== false
  const realm = options.realm ?? 'edge'
  // eslint-disable-next-line no-control-regex
  if (/["\\\u0000-\u001f\u007f]/.test(realm)) throw new TypeError(`jwtAuth(): realm must not contain quotes or control characters, got ${JSON.stringify(realm)}`)
  const loginUrl = options.loginUrl
  if (typeof loginUrl === 'string' && otherHostLocation(loginUrl) !== undefined) {
    throw new TypeError(`jwtAuth(): loginUrl ${JSON.stringify(loginUrl)} is a //host or backslash form that browsers send to another host; write an absolute https:// URL`)
  }
  const validate = options.validate

  // A secret given as a function: its bytes are kept while it returns the same value (a rotated one is re-encoded).
  const provider = typeof options.secret === 'function' ? options.secret : undefined
  let lastSecret: string | Uint8Array | undefined
  async function secretKey(): Promise<Uint8Array> {
    const s = await provider!()
    if (s !== lastSecret) {
      key = secretBytes(s)
      lastSecret = s
    }
    return key as Uint8Array
  }

  async function verify(token: string, c: ViewerRequestContext): Promise<JWTPayload | undefined> {
    const k = provider ? await secretKey() : key
    try {
      const { payload } = await jwtVerify(token, k as JWTVerifyGetKey, verifyOptions)
      if (tokenUse && payload.token_use !== tokenUse) return undefined
      if (tokenUse === 'access' && clientIds && !clientIds.includes(String(payload.client_id))) return undefined
      if (validate && (await validate(payload, c)) !== true) return undefined
      return payload
    } catch (e) {
      if (isTokenError(e)) return undefined
      throw e
    }
  }

  function deny(c: ViewerRequestContext, error: string | undefined): void {
    if (loginUrl !== undefined) {
      c.redirect(typeof loginUrl === 'string' ? loginUrl : loginUrl(c), 302)
      return
    }
    const challenge = `Bearer realm="${realm}"${error ? `, error="${error}"` : ''}`
    c.text('Unauthorized', 401, { 'WWW-Authenticate': challenge })
  }

  return async function jwtAuthMiddleware(c, next) {
    if (c.stage !== 'viewer-request') {
      throw stageError('jwtAuth', c.stage, authStageWhy(c.stage))
    }
    let token: string | undefined
    if (useHeader) {
      const h = c.request.headers.get('authorization')
      const m = h ? /^\s*bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(h) : null
      if (m) token = m[1]
    }
    if (token === undefined && cookieName !== undefined) token = c.request.cookies.get(cookieName) || undefined
    if (token === undefined) return deny(c, undefined)
    const payload = await verify(token, c)
    if (!payload) return deny(c, 'invalid_token')
    c.set('jwt', payload)
    return next()
  }
}
