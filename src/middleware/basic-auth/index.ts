/**
 * `basicAuth(options)`: HTTP Basic authentication at the edge (viewer-request).
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { Middleware, ViewerRequestContext } from '../../core/types.js'
import { authStageWhy, stageError } from '../_shared/index.js'

/**
 * One user allowed in.
 *
 * @example
 * ```ts
 * const user: BasicAuthUser = { username: 'ann', password: 's3cret' }
 * ```
 */
export interface BasicAuthUser {
  username: string
  password: string
}

/**
 * Options of {@link basicAuth}: either fixed credentials, a list of users, or a `verify` function.
 *
 * @example
 * ```ts
 * const opts: BasicAuthOptions = { users: [{ username: 'ann', password: 's3cret' }], realm: 'Staging' }
 * ```
 */
export interface BasicAuthOptions {
  /** Single user name (with `password`). */
  username?: string
  /** Single user's password (with `username`). */
  password?: string
  /** Several users. */
  users?: readonly BasicAuthUser[]
  /** Custom check (called only when no fixed credentials match); compare secrets in constant time yourself. */
  verify?: (username: string, password: string, c: ViewerRequestContext) => boolean | Promise<boolean>
  /** The realm in `WWW-Authenticate` (default `Restricted`). */
  realm?: string
  /** Body of the 401 response (default `Unauthorized`). */
  message?: string
}

declare module '../../core/types.js' {
  interface ContextVariableMap {
    /** The user name `basicAuth()` accepted. */
    basicAuthUser: string
  }
}

/** SHA-256 of a string: every credential is compared as a 32-byte digest, so lengths never leak. */
function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest()
}

/**
 * Constant-time string comparison: both sides are hashed to equal-length SHA-256 digests and compared with
 * `crypto.timingSafeEqual`, so neither the content nor the length of the secret leaks through timing.
 *
 * @example
 * ```ts
 * safeEqual(given, expected) // true when equal
 * ```
 */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b))
}

/**
 * Asks for HTTP Basic credentials and answers `401` with `WWW-Authenticate: Basic realm="…"` until the
 * viewer sends valid ones. Credentials are compared in constant time (SHA-256 digests of equal length
 * compared with `crypto.timingSafeEqual`, every configured user checked, no early exit). The accepted user
 * name is put in `c.set('basicAuthUser', …)`.
 *
 * viewer-request only: in origin-request the 401 and the authorized object would be cached and served to
 * other viewers without a check (and CloudFront forwards `Authorization` only when a policy says so); other
 * stages can't answer a request. Those throw `EdgeRuleError` (`UnsupportedStage`) on first use.
 *
 * @example
 * ```ts
 * import { viewerRequest } from 'edgeware'
 * import { basicAuth } from 'edgeware/middleware'
 *
 * export const handler = viewerRequest(basicAuth({ username: 'preview', password: 'hunter2', realm: 'Preview' }))
 * ```
 */
export function basicAuth(options: BasicAuthOptions): Middleware<ViewerRequestContext> {
  const users: BasicAuthUser[] = [...(options.users ?? [])]
  if (options.username !== undefined || options.password !== undefined) {
    users.push({ username: options.username ?? '', password: options.password ?? '' })
  }
  if (users.length === 0 && !options.verify) {
    throw new TypeError('basicAuth(): give username and password, users, or a verify function')
  }
  for (const u of users) {
    if (typeof u.username !== 'string' || typeof u.password !== 'string' || u.username === '' || u.username.includes(':')) {
      throw new TypeError(`basicAuth(): each user needs a non-empty username without ":" and a string password, got username ${JSON.stringify(u.username)}`)
    }
  }
  const realm = options.realm ?? 'Restricted'
  // eslint-disable-next-line no-control-regex
  if (typeof realm !== 'string' || /["\\\u0000-\u001f\u007f]/.test(realm)) {
    throw new TypeError(`basicAuth(): realm must not contain quotes, backslashes or control characters, got ${JSON.stringify(realm)}`)
  }
  // Precomputed once per container: the digest of each `user:password`.
  const expected = users.map((u) => digest(`${u.username}:${u.password}`))
  const challenge = { 'WWW-Authenticate': `Basic realm="${realm}", charset="UTF-8"` }
  const message = options.message ?? 'Unauthorized'
  const verify = options.verify

  return async function basicAuthMiddleware(c, next) {
    if (c.stage !== 'viewer-request') {
      throw stageError('basicAuth', c.stage, authStageWhy(c.stage))
    }
    const header = c.request.headers.get('authorization')
    const m = header ? /^\s*basic\s+([A-Za-z0-9+/=._~-]+)\s*$/i.exec(header) : null
    if (m) {
      const decoded = Buffer.from(m[1]!, 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      if (colon > 0) {
        const given = digest(decoded)
        let ok = false
        // Check every user, no early exit: the time taken doesn't say which user (if any) matched.
        for (const e of expected) ok = timingSafeEqual(given, e) || ok
        const username = decoded.slice(0, colon)
        if (!ok && verify) ok = (await verify(username, decoded.slice(colon + 1), c)) === true
        if (ok) {
          c.set('basicAuthUser', username)
          return next()
        }
      }
    }
    c.text(message, 401, challenge)
  }
}
