/**
 * `basicAuth(options)` for a viewer-request CloudFront Function: the twin of `edgeware/middleware`'s, same options
 * (`verify` gets the request instead of a context), same 401.
 * @module
 */
import crypto from 'crypto'
import type { CffRequest, CffResponse } from '../../cloudfront/functions-types.js'
import type { BasicAuthOptions, BasicAuthUser } from '../../middleware/basic-auth/index.js'
import type { FunctionHook } from '../compose.js'
import { headerValue } from '../_shared/index.js'

/**
 * Options of {@link basicAuth}: `edgeware/middleware`'s, with `verify` receiving the CloudFront Functions request.
 *
 * @example
 * ```ts
 * const opts: BasicAuthFunctionOptions = { users: [{ username: 'ann', password: 's3cret' }], realm: 'Staging' }
 * ```
 */
export interface BasicAuthFunctionOptions extends Omit<BasicAuthOptions, 'verify'> {
  /** Custom check (called only when no fixed credentials match); compare secrets in constant time yourself. */
  verify?: (username: string, password: string, request: CffRequest) => boolean | Promise<boolean>
}

function digest(s: string): string {
  return crypto.createHash('sha256').update(s).digest('hex')
}

/** Equal-length hex digests compared without an early exit. */
function same(a: string, b: string): boolean {
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

/**
 * Asks for HTTP Basic credentials and answers `401` with `WWW-Authenticate` until the viewer sends valid ones, as
 * `edgeware/middleware`'s `basicAuth` does: credentials compared as SHA-256 digests, every user checked.
 *
 * @example
 * ```ts
 * import { viewerRequestFunction, basicAuth } from 'edgeware/functions'
 * export const handler = viewerRequestFunction(basicAuth({ username: 'preview', password: 'hunter2', realm: 'Preview' }))
 * ```
 */
export function basicAuth(options: BasicAuthFunctionOptions): FunctionHook {
  const users: BasicAuthUser[] = options.users !== undefined ? options.users.slice() : []
  if (options.username !== undefined || options.password !== undefined) {
    users.push({ username: options.username !== undefined ? options.username : '', password: options.password !== undefined ? options.password : '' })
  }
  if (users.length === 0 && !options.verify) throw new TypeError('basicAuth(): give username and password, users, or a verify function')
  const expected: string[] = []
  for (let i = 0; i < users.length; i++) {
    const u = users[i]!
    if (typeof u.username !== 'string' || typeof u.password !== 'string' || u.username === '' || u.username.indexOf(':') !== -1) {
      throw new TypeError('basicAuth(): each user needs a non-empty username without ":" and a string password, got username ' + JSON.stringify(u.username))
    }
    expected.push(digest(u.username + ':' + u.password))
  }
  const realm = options.realm !== undefined ? options.realm : 'Restricted'
  // eslint-disable-next-line no-control-regex
  if (typeof realm !== 'string' || /["\\\u0000-\u001f\u007f]/.test(realm)) {
    throw new TypeError('basicAuth(): realm must not contain quotes, backslashes or control characters, got ' + JSON.stringify(realm))
  }
  const challenge = 'Basic realm="' + realm + '", charset="UTF-8"'
  const message = options.message !== undefined ? options.message : 'Unauthorized'
  const verify = options.verify
  function deny(): CffResponse {
    return {
      statusCode: 401,
      statusDescription: 'Unauthorized',
      headers: { 'content-type': { value: 'text/plain; charset=utf-8' }, 'www-authenticate': { value: challenge } },
      body: message,
    }
  }
  return {
    name: 'basicAuth',
    request: function basicAuthRequest(request: CffRequest): CffResponse | undefined | Promise<CffResponse | undefined> {
      const header = headerValue(request.headers, 'authorization')
      const m = header !== undefined ? /^\s*basic\s+([A-Za-z0-9+/=._~-]+)\s*$/i.exec(header) : null
      if (m === null) return deny()
      const decoded = Buffer.from(m[1]!, 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      if (colon <= 0) return deny()
      const given = digest(decoded)
      let ok = false
      for (let i = 0; i < expected.length; i++) ok = same(given, expected[i]!) || ok
      if (ok) return undefined
      if (verify === undefined) return deny()
      return Promise.resolve(verify(decoded.slice(0, colon), decoded.slice(colon + 1), request)).then(function (r) {
        return r === true ? undefined : deny()
      })
    },
  }
}
