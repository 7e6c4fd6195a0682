/**
 * AWS Signature Version 4 (header form) on `node:crypto`, for the signed calls edgeware makes without the AWS SDK:
 * `secret()` at the edge and the local edge's origin-table relay. No Web Crypto and no fetch, so a cold container
 * loads nothing it does not need.
 *
 * The four steps are those of AWS's "Create a signed AWS API request" (IAM User Guide,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html):
 *
 * 1. canonical request = HTTPMethod \n CanonicalUri \n CanonicalQueryString \n CanonicalHeaders \n SignedHeaders \n
 *    HashedPayload, where CanonicalUri is the path with each segment URI-encoded twice (once more than on the wire;
 *    S3 alone differs, and edgeware signs no S3 request), the query parameters are encoded name and value apart and
 *    sorted by name, each header is `lowercase-name:trimmed value with inner runs of spaces made one` followed by a
 *    newline, sorted by name, and the payload hash is the hex SHA-256 of the body;
 * 2. string to sign = `AWS4-HMAC-SHA256` \n the request time (`YYYYMMDD'T'HHMMSS'Z'`) \n the credential scope
 *    (`date/region/service/aws4_request`) \n the hex SHA-256 of the canonical request;
 * 3. signing key = HMAC(HMAC(HMAC(HMAC("AWS4" + secret key, date), region), service), "aws4_request");
 * 4. signature = hex HMAC(signing key, string to sign), sent as
 *    `Authorization: AWS4-HMAC-SHA256 Credential=<key id>/<scope>, SignedHeaders=<names;…>, Signature=<hex>`.
 *
 * A session token (temporary credentials, as Lambda gives a function's role) goes in `X-Amz-Security-Token` and is
 * signed with the other headers.
 * @module
 */
import { createHash, createHmac } from 'node:crypto'

/**
 * The credentials a request is signed with.
 *
 * @example
 * ```ts
 * const creds: AwsCredentials = { accessKeyId: 'AKID…', secretAccessKey: '…', sessionToken: process.env.AWS_SESSION_TOKEN }
 * ```
 */
export interface AwsCredentials {
  accessKeyId: string
  secretAccessKey: string
  /** Temporary credentials' token; signed as `x-amz-security-token`. */
  sessionToken?: string | undefined
}

/**
 * A request to sign. Every header given is sent and signed; `host`, `x-amz-date` and (with a session token)
 * `x-amz-security-token` are added.
 *
 * @example
 * ```ts
 * const req: SigV4Request = { method: 'POST', url: new URL('https://ssm.us-east-1.amazonaws.com/'), headers: { 'x-amz-target': 'AmazonSSM.GetParameter' }, body: '{}', region: 'us-east-1', service: 'ssm' }
 * ```
 */
export interface SigV4Request {
  method: string
  url: URL
  /** Header names in lower case. */
  headers: Readonly<Record<string, string>>
  body: string
  region: string
  service: string
  /** The signing time (default: now). */
  date?: Date
}

const sha256 = (data: string): string => createHash('sha256').update(data).digest('hex')
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest()
/** RFC 3986 percent-encoding (encodeURIComponent leaves `!'()*` alone; SigV4 encodes them). */
const encode = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())

function canonicalQuery(url: URL): string {
  const pairs: [string, string][] = []
  for (const [k, v] of url.searchParams) pairs.push([encode(k), encode(v)])
  pairs.sort(([k1, v1], [k2, v2]) => (k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0))
  return pairs.map(([k, v]) => `${k}=${v}`).join('&')
}

/**
 * Signs `req` and returns every header to send with it: the given ones, `host`, `x-amz-date`,
 * `x-amz-security-token` (with a session token) and `authorization`.
 *
 * @example
 * ```ts
 * const url = new URL('https://ssm.us-east-1.amazonaws.com/')
 * const body = JSON.stringify({ Name: '/site/KEY', WithDecryption: true })
 * const headers = signV4({ method: 'POST', url, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.GetParameter' }, body, region: 'us-east-1', service: 'ssm' }, creds)
 * https.request(url, { method: 'POST', headers }).end(body)
 * ```
 */
export function signV4(req: SigV4Request, creds: AwsCredentials): Record<string, string> {
  const time = (req.date ?? new Date()).toISOString().replace(/[:-]|\.\d{3}/g, '') // 20150830T123600Z
  const day = time.slice(0, 8)
  const headers: Record<string, string> = { ...req.headers, host: req.url.host, 'x-amz-date': time }
  if (creds.sessionToken) headers['x-amz-security-token'] = creds.sessionToken
  const names = Object.keys(headers).sort()
  let canonicalHeaders = ''
  for (const n of names) canonicalHeaders += `${n}:${headers[n]!.trim().replace(/\s+/g, ' ')}\n`
  const signedHeaders = names.join(';')
  const canonicalUri = req.url.pathname.split('/').map(encode).join('/')
  const canonical = [req.method, canonicalUri, canonicalQuery(req.url), canonicalHeaders, signedHeaders, sha256(req.body)].join('\n')
  const scope = `${day}/${req.region}/${req.service}/aws4_request`
  const toSign = `AWS4-HMAC-SHA256\n${time}\n${scope}\n${sha256(canonical)}`
  const key = hmac(hmac(hmac(hmac('AWS4' + creds.secretAccessKey, day), req.region), req.service), 'aws4_request')
  const signature = createHmac('sha256', key).update(toSign).digest('hex')
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`
  return headers
}
