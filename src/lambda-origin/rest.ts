/**
 * API Gateway REST API, Lambda proxy integration (payload format 1.0): the event API Gateway sends and how it
 * reads the function's result [APIGW-PROXY].
 */
import { isUtf8 } from 'node:buffer'
import { gatewayId, group, lastHeader, pct, queryPairs, requestTime, type IncomingRequest } from './request.js'
import { isObject, mapped, readBase64Flag, readBody, readHeaders, readMultiHeaders, readStatus, setHeaders, bodyBytes, describe, type Mapped } from './result.js'
import { matchesMediaType, mediaType, violation, warning } from './rules.js'
import type { Resolved } from './settings.js'
import type { JsonObject, OriginRule } from './types.js'

/**
 * The REST event. The API is a `{proxy+}` resource with an `ANY` method (and the root resource `/`), deployed to
 * `stage`. A path that starts with `/<stage>` came through the API's `execute-api` endpoint: the stage is taken
 * off `path` and kept in `requestContext.path`; any other path came through a custom domain mapped at its root.
 */
export function restEvent(s: Resolved, r: IncomingRequest, requestId: string, warnings: OriginRule[]): JsonObject {
  const prefix = `/${s.stage}`
  const path = r.path === prefix ? '/' : r.path.startsWith(`${prefix}/`) ? r.path.slice(prefix.length) : r.path
  const resource = path === '/' ? '/' : '/{proxy+}'
  // `headers` holds one value per name (the last one; the documented sample is not consistent about which),
  // `multiValueHeaders` every value [APIGW-PROXY]; header names keep the client's spelling. (Never empty: the
  // integration adds its X-Forwarded-* headers.)
  const headers: Record<string, string> = {}
  const multiValueHeaders: Record<string, string[]> = {}
  for (const [k, vs] of group(r.headers, true)) {
    headers[k] = vs[vs.length - 1]!
    multiValueHeaders[k] = vs
  }
  // REST APIs decode URL-encoded request parameters (API Gateway important notes).
  const mq = group(queryPairs(r.query, true), false)
  let qs: Record<string, string> | null = null
  let mqs: Record<string, string[]> | null = null
  for (const [k, vs] of mq) {
    ;(qs ??= {})[k] = vs[vs.length - 1]!
    ;(mqs ??= {})[k] = vs
  }
  let body: string | null = null
  let isBase64Encoded = false
  if (r.body.byteLength > 0) {
    const type = mediaType(lastHeader(r.headers, 'content-type') ?? '')
    if (matchesMediaType(s.binaryMediaTypes, type)) {
      body = r.body.toString('base64')
      isBase64Encoded = true
    } else {
      // Without a matching binary media type the payload is handled as UTF-8 text [APIGW-BINARY].
      if (!isUtf8(r.body)) {
        warnings.push(warning('RestBinaryRequestBody', `the request body is not UTF-8 text and no binaryMediaTypes entry matches its Content-Type ${JSON.stringify(type || '(none)')}: API Gateway passes it to the function as text, and bytes that are not UTF-8 are lost`, 'APIGW-BINARY', 'body'))
      }
      body = r.body.toString('utf8')
    }
  }
  return {
    resource,
    path,
    httpMethod: r.method,
    headers,
    multiValueHeaders,
    queryStringParameters: qs,
    multiValueQueryStringParameters: mqs,
    requestContext: restContext(s, r, requestId, resource),
    pathParameters: resource === '/' ? null : { proxy: pct(path.slice(1)) },
    stageVariables: s.stageVariables ? { ...s.stageVariables } : null,
    body,
    isBase64Encoded,
  }
}

/** The REST event's `requestContext`: no authorizer, no caller identity but the viewer's address and agent. */
function restContext(s: Resolved, r: IncomingRequest, requestId: string, resource: string): JsonObject {
  return {
    accountId: s.accountId,
    apiId: s.apiId,
    authorizer: { claims: null, scopes: null },
    domainName: s.domainName,
    domainPrefix: s.apiId,
    extendedRequestId: gatewayId(),
    httpMethod: r.method,
    identity: {
      accessKey: null,
      accountId: null,
      caller: null,
      cognitoAuthenticationProvider: null,
      cognitoAuthenticationType: null,
      cognitoIdentityId: null,
      cognitoIdentityPoolId: null,
      principalOrgId: null,
      // The viewer's address from X-Forwarded-For (3P: a regional endpoint takes the last address it received).
      sourceIp: r.forwardedIp,
      user: null,
      userAgent: lastHeader(r.headers, 'user-agent') ?? null,
      userArn: null,
      // No mutual TLS behind CloudFront.
      clientCert: null,
    },
    path: r.path,
    protocol: 'HTTP/1.1',
    requestId,
    requestTime: requestTime(r.now),
    requestTimeEpoch: r.now,
    resourceId: s.resourceId,
    resourcePath: resource,
    stage: s.stage,
  }
}

const FIELDS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded'])
const FORMAT = 'APIGW-PROXY'

/**
 * Reads a REST result: `{ isBase64Encoded, statusCode, headers, multiValueHeaders, body }`; any other output is
 * a 502 [APIGW-PROXY]. `headers` and `multiValueHeaders` are merged, a pair in both listed once [APIGW-PROXY].
 * A base64 body is decoded only when a `binaryMediaTypes` entry matches the request's first `Accept` type or the
 * response's `Content-Type`; otherwise the base64 text itself is sent [APIGW-BINARY].
 */
export function restResult(s: Resolved, event: JsonObject, result: unknown): Mapped {
  const m = mapped()
  if (!isObject(result)) {
    m.violations.push(violation('malformed', 'RestMalformedResult', `If the function output is of a different format, API Gateway returns a 502 Bad Gateway error response: the result is ${describe(result)}, not { statusCode, headers, multiValueHeaders, body, isBase64Encoded }`, FORMAT))
    return m
  }
  for (const k in result) {
    // Observed (3P): a proxy result with any other field is a "Malformed Lambda proxy response".
    if (!FIELDS.has(k)) m.violations.push(violation('malformed', 'RestUnknownField', `a Lambda proxy result has only statusCode, headers, multiValueHeaders, body and isBase64Encoded; API Gateway rejects the field ${JSON.stringify(k)} as a malformed Lambda proxy response`, '3P', k))
  }
  readStatus(m, result.statusCode, 'RestStatusCode', FORMAT)
  const multi: [string, string][] = []
  readMultiHeaders(m, result.multiValueHeaders, 'multiValueHeaders', 'RestHeaders', FORMAT, multi)
  const single: [string, string][] = []
  readHeaders(m, result.headers, 'headers', 'RestHeaders', FORMAT, single)
  const body = readBody(m, result.body, 'RestBody', FORMAT)
  const base64 = readBase64Flag(m, result.isBase64Encoded, 'RestIsBase64Encoded', FORMAT)
  // "If the same key-value pair is specified in both, only the values from multiValueHeaders will appear".
  const merged = multi.slice()
  for (const [k, v] of single) {
    const lk = k.toLowerCase()
    if (!multi.some(([mk, mvv]) => mk.toLowerCase() === lk && mvv === v)) merged.push([k, v])
  }
  if (m.violations.length) return m
  let decode = base64
  if (base64) {
    const accept = mediaType((lastHeader(Object.entries((event.headers as Record<string, string> | null) ?? {}), 'accept') ?? '').split(',', 1)[0]!)
    const type = mediaType(lastHeader(merged, 'content-type') ?? '')
    decode = matchesMediaType(s.binaryMediaTypes, accept) || matchesMediaType(s.binaryMediaTypes, type)
    if (!decode) {
      m.warnings.push(warning('RestBinaryNotDecoded', `isBase64Encoded is true but no binaryMediaTypes entry (${s.binaryMediaTypes.length ? s.binaryMediaTypes.join(', ') : 'none configured'}) matches the request's Accept ${JSON.stringify(accept || '(none)')} or the response's Content-Type ${JSON.stringify(type || '(none)')}: API Gateway sends the base64 text as the body`, 'APIGW-BINARY', 'isBase64Encoded'))
    }
  }
  // A base64 body that does not decode is API_CONFIGURATION_ERROR, "when base64 decoding fails on binary data
  // when binary support is enacted": 500 [APIGW-GWRESP].
  bodyBytes(m, body, decode, 'RestBase64Body', 'config', 'APIGW-GWRESP')
  setHeaders(m, merged, undefined)
  // A response without a Content-Type goes out as application/json (3P).
  if (lastHeader(m.headers, 'content-type') === undefined) m.headers.push(['Content-Type', 'application/json'])
  return m
}
