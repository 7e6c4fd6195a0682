// viewer-request, cloudfront-js-2.0: only requests with a valid HS256 token in ?jwt= pass (the secret is the
// key value store's "jwt.secret"); the token is removed from the query string before the origin sees it.
import crypto from 'crypto'
import cf from 'cloudfront'

const DENIED = { statusCode: 401, statusDescription: 'Unauthorized' }

function sameString(a, b) {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

function claims(token, secret) {
  const parts = token.split('.')
  if (parts.length !== 3) return null
  const expected = crypto.createHmac('sha256', secret).update(parts[0] + '.' + parts[1]).digest('base64url')
  if (!sameString(expected, parts[2])) return null
  const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString())
  if (header.alg !== 'HS256') return null
  const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString())
  const now = Date.now() / 1000
  if (payload.nbf !== undefined && now < payload.nbf) return null
  if (payload.exp !== undefined && now > payload.exp) return null
  return payload
}

async function handler(event) {
  const request = event.request
  const param = request.querystring.jwt
  if (!param) return DENIED
  let secret
  try {
    secret = await cf.kvs().get('jwt.secret')
  } catch (err) {
    return DENIED
  }
  try {
    if (claims(param.value, secret) === null) return DENIED
  } catch (err) {
    return DENIED
  }
  delete request.querystring.jwt
  return request
}
