/**
 * The SigV4 signer `secret()` and the local origin-table relay use: AWS's published test-suite examples, and the
 * signatures a SigV4-checking stand-in (which rebuilds the canonical request from what arrives) accepts or refuses.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { signV4 } from '../../src/secrets/sigv4.js'
import { verifySigV4 } from '../aws/sigv4.js'

// The credentials, scope and time of AWS's "Signature Version 4 Test Suite"
// (https://docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html): AKIDEXAMPLE/20150830/us-east-1/service.
const EXAMPLE = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
const EXAMPLE_TIME = new Date('2015-08-30T12:36:00Z')
const get = (url: string) => signV4({ method: 'GET', url: new URL(url), headers: {}, body: '', region: 'us-east-1', service: 'service', date: EXAMPLE_TIME }, EXAMPLE)

const CREDS = { accessKeyId: 'AKIDEDGEWARESIGV4', secretAccessKey: 'a-secret-access-key-for-these-tests' }
const check = (headers: Record<string, string>, url: URL, body: string, secretAccessKey = CREDS.secretAccessKey) =>
  verifySigV4('POST', url.pathname + url.search, headers, Buffer.from(body), { [CREDS.accessKeyId]: secretAccessKey })

describe('signV4', () => {
  it("signs AWS's test-suite requests get-vanilla and get-vanilla-query-order-key-case as AWS publishes them", () => {
    const vanilla = get('https://example.amazonaws.com/')
    expect(vanilla).toEqual({
      host: 'example.amazonaws.com',
      'x-amz-date': '20150830T123600Z',
      authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    })
    // GET /?Param2=value2&Param1=value1: the parameters are sorted by name in the canonical request.
    expect(get('https://example.amazonaws.com/?Param2=value2&Param1=value1').authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
    )
  })

  it('sends and signs the session token of temporary credentials; a request whose token was swapped is refused', () => {
    const url = new URL('http://127.0.0.1:4566/')
    const body = '{"Name":"/site/KEY","WithDecryption":true}'
    const headers = signV4({ method: 'POST', url, headers: { 'x-amz-target': 'AmazonSSM.GetParameter' }, body, region: 'us-east-1', service: 'ssm' }, { ...CREDS, sessionToken: 'token-1' })
    expect(headers['x-amz-security-token']).toBe('token-1')
    expect(headers.authorization).toMatch(/SignedHeaders=host;x-amz-date;x-amz-security-token;x-amz-target,/)
    expect(headers.host).toBe('127.0.0.1:4566')
    expect(check(headers, url, body).error).toBeUndefined()
    expect(check({ ...headers, 'x-amz-security-token': 'token-2' }, url, body).error).toMatch(/^SignatureDoesNotMatch/)
    expect(check(headers, url, body.replace('KEY', 'OTHER')).error).toMatch(/^SignatureDoesNotMatch/)
    expect(check(headers, url, body, 'another-secret-key').error).toMatch(/^SignatureDoesNotMatch/)
  })

  it('any endpoint path, query and header value (runs of spaces, characters RFC 3986 escapes) signs as the stand-in checks it', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '-', '_', '.', '~', '!', "'", '(', ')', '*', '+', '=', '&', '%', 'ü', '€', '/'), maxLength: 12 })
    fc.assert(
      fc.property(fc.array(text.filter((s) => !s.includes('/')), { maxLength: 3 }), fc.array(fc.tuple(text, text), { maxLength: 4 }), text, text, (segments, query, value, body) => {
        const url = new URL('http://127.0.0.1:4566/')
        url.pathname = '/' + segments.map(encodeURIComponent).join('/')
        for (const [k, v] of query) url.searchParams.append(k, v)
        const headers = signV4({ method: 'POST', url, headers: { 'x-amz-meta': `  ${value}  x` }, body, region: 'eu-west-1', service: 'dynamodb' }, CREDS)
        const { error } = check(headers, url, body)
        expect(error).toBeUndefined()
      }),
      { numRuns: 300 },
    )
  })
})
