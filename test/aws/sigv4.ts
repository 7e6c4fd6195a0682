/**
 * Checks AWS Signature Version 4 on a request the way AWS does: rebuild the canonical request from what arrived
 * on the wire (method, path, query, the signed headers, the payload hash), derive the signing key from the secret
 * key known for the access key id, and compare signatures. The stand-ins answer 403 like AWS for a bad signature.
 */
import { createHash, createHmac } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'

/** The parts of an `Authorization: AWS4-HMAC-SHA256 …` header. */
export interface SigV4Auth {
  accessKeyId: string
  date: string
  region: string
  service: string
  signedHeaders: string[]
  signature: string
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex')
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest()
/** RFC 3986 encoding, as SigV4 wants it. */
const enc = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())

/** Parses the Authorization header, or returns why it can't. */
export function parseAuthorization(header: string | undefined): SigV4Auth | string {
  if (!header) return 'MissingAuthenticationToken: Missing Authentication Token'
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(header)
  if (!m) return `IncompleteSignature: Authorization header is not a SigV4 header: ${header.slice(0, 60)}`
  return { accessKeyId: m[1]!, date: m[2]!, region: m[3]!, service: m[4]!, signedHeaders: m[5]!.split(';'), signature: m[6]! }
}

function canonicalQuery(rawQuery: string): string {
  if (!rawQuery) return ''
  return rawQuery
    .split('&')
    .filter(Boolean)
    .map((p) => {
      const i = p.indexOf('=')
      const k = decodeURIComponent((i < 0 ? p : p.slice(0, i)).replace(/\+/g, '%20'))
      const v = i < 0 ? '' : decodeURIComponent(p.slice(i + 1).replace(/\+/g, '%20'))
      return [enc(k), enc(v)] as const
    })
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
}

/**
 * Verifies the signature of a request. `rawUrl` is the request target as received (`/path?query`), `body` the
 * raw payload. Returns undefined when valid, else AWS's error code and message.
 */
export function verifySigV4(
  method: string,
  rawUrl: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
  secrets: Record<string, string>,
): { auth: SigV4Auth; error?: undefined } | { auth?: SigV4Auth; error: string } {
  const auth = parseAuthorization(headers.authorization)
  if (typeof auth === 'string') return { error: auth }
  const secret = secrets[auth.accessKeyId]
  if (secret === undefined) return { auth, error: 'UnrecognizedClientException: The security token included in the request is invalid.' }
  const amzDate = String(headers['x-amz-date'] ?? '')
  if (!amzDate.startsWith(auth.date)) return { auth, error: `IncompleteSignature: X-Amz-Date ${amzDate} does not match the credential date ${auth.date}` }
  if (!auth.signedHeaders.includes('host')) return { auth, error: 'IncompleteSignature: the host header must be signed' }
  const q = rawUrl.indexOf('?')
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q)
  const query = q < 0 ? '' : rawUrl.slice(q + 1)
  // S3 signs the path as sent; every other service signs it URI-encoded once more.
  const canonicalPath = auth.service === 's3' ? path : path.split('/').map((s) => enc(s)).join('/')
  const canonicalHeaders = auth.signedHeaders
    .map((h) => {
      const v = headers[h]
      const value = (Array.isArray(v) ? v.join(',') : String(v ?? '')).trim().replace(/\s+/g, ' ')
      return `${h}:${value}\n`
    })
    .join('')
  const declared = headers['x-amz-content-sha256']
  const payloadHash = typeof declared === 'string' ? declared : sha256(body)
  if (typeof declared === 'string' && /^[0-9a-f]{64}$/.test(declared) && declared !== sha256(body)) {
    return { auth, error: 'XAmzContentSHA256Mismatch: The provided x-amz-content-sha256 header does not match what was computed.' }
  }
  const canonical = [method, canonicalPath, canonicalQuery(query), canonicalHeaders, auth.signedHeaders.join(';'), payloadHash].join('\n')
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n')
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, auth.date), auth.region), auth.service), 'aws4_request')
  const expected = createHmac('sha256', key).update(toSign).digest('hex')
  if (expected !== auth.signature) {
    return { auth, error: 'SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided.' }
  }
  return { auth }
}
