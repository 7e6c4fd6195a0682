/**
 * Payload format 2.0: API Gateway HTTP APIs [APIGW-HTTP] and function URLs, whose "request and response event
 * formats follow the same schema" [URLS]. Where the two differ (ids, domain names, `sourceIp`, inferred
 * responses) the integration decides.
 */
import { gatewayId, group, lastHeader, queryPairs, requestTime, type IncomingRequest } from './request.js'
import { bodyBytes, describe, isObject, mapped, noContentType, readBase64Flag, readBody, readHeaders, readStatus, setHeaders, wireValue, type Mapped } from './result.js'
import { isTextBody, violation, warning } from './rules.js'
import type { Resolved } from './settings.js'
import type { JsonObject } from './types.js'

/**
 * The 2.0 event. Header names are lowercased and repeated headers, like repeated query parameters, "are combined
 * with commas"; every `Cookie` header goes to `cookies`, one entry per cookie [APIGW-HTTP] (and not to `headers`:
 * 3P). Keys with nothing in them (`cookies`, `queryStringParameters`, `body`) are left out (3P, AWS's own sample of
 * a GET without them). The HTTP API has one `$default` route, so no `pathParameters`; a function URL sets it and
 * `stageVariables` to `null` [URLS]. Feature objects not in use behind CloudFront (mutual TLS `authentication`, an
 * `authorizer`) are `null`, as a function URL sends them [URLS].
 */
export function v2Event(s: Resolved, r: IncomingRequest, requestId: string): JsonObject {
  const headers: Record<string, string> = {}
  const cookies: string[] = []
  for (const [k, vs] of group(r.headers.map(([k, v]) => [k.toLowerCase(), v]), false)) {
    if (k === 'cookie') {
      for (const line of vs) for (const c of line.split(';')) if (c.trim()) cookies.push(c.trim())
    } else headers[k] = vs.join(',')
  }
  let qs: Record<string, string> | undefined
  for (const [k, vs] of group(queryPairs(r.query, true), false)) (qs ??= {})[k] = vs.join(',')
  const url = s.integration === 'url'
  const event: JsonObject = { version: '2.0', routeKey: '$default', rawPath: r.path, rawQueryString: r.query }
  if (cookies.length) event.cookies = cookies
  event.headers = headers
  if (qs) event.queryStringParameters = qs
  event.requestContext = {
    accountId: s.accountId,
    apiId: s.apiId,
    authentication: null,
    authorizer: null,
    domainName: s.domainName,
    domainPrefix: s.apiId,
    http: {
      method: r.method,
      path: r.path,
      protocol: 'HTTP/1.1',
      // Function URLs: "the source IP address of the immediate TCP connection" [URLS]; HTTP APIs: the viewer's
      // address, the last one received in X-Forwarded-For (3P).
      sourceIp: url ? r.remoteIp : r.forwardedIp,
      userAgent: lastHeader(r.headers, 'user-agent') ?? '',
    },
    requestId,
    routeKey: '$default',
    stage: s.stage,
    time: requestTime(r.now),
    timeEpoch: r.now,
  }
  if (r.body.byteLength > 0) {
    const text = isTextBody(lastHeader(r.headers, 'content-type'), lastHeader(r.headers, 'content-encoding'))
    event.body = r.body.toString(text ? 'utf8' : 'base64')
    event.isBase64Encoded = !text
  } else event.isBase64Encoded = false
  if (url) {
    event.pathParameters = null
    event.stageVariables = null
  } else if (s.stageVariables) event.stageVariables = { ...s.stageVariables }
  return event
}

/** An HTTP API's request id (`JdmFsgRvoAMEVfw=`); a function URL's is the invocation's own id. */
export const v2RequestId = (s: Resolved, awsRequestId: string): string => (s.integration === 'url' ? awsRequestId : gatewayId())

/**
 * Reads a 2.0 result. A result without `statusCode` (any valid JSON) is a 200 `application/json` whose body is
 * the function's response [APIGW-HTTP, URLS]: an HTTP API sends a string as it is ("Hello from Lambda!"), a
 * function URL the JSON text ("\"Hello, world!\"") — each as its docs show. Otherwise
 * `{ cookies, isBase64Encoded, statusCode, headers, body }`, each cookie a `set-cookie` header [APIGW-HTTP].
 */
export function v2Result(s: Resolved, result: unknown, json: string): Mapped {
  const m = mapped()
  const src = s.integration === 'url' ? 'URLS' : 'APIGW-HTTP'
  if (!isObject(result) || !('statusCode' in result)) {
    if (result === null) m.warnings.push(warning('NullResult', 'the function returned nothing (null): the answer is a 200 whose body is null', src))
    m.headers.push(['content-type', 'application/json'])
    m.body = Buffer.from(typeof result === 'string' && s.integration === 'http' ? result : json, 'utf8')
    return m
  }
  readStatus(m, result.statusCode, 'StatusCode', src)
  const headers: [string, string][] = []
  readHeaders(m, result.headers, 'headers', 'Headers', src, headers)
  if (result.cookies !== undefined && result.cookies !== null) {
    if (Array.isArray(result.cookies) && result.cookies.every((c) => typeof c === 'string')) {
      ;(result.cookies as string[]).forEach((c, i) => {
        const v = wireValue(m, c, `cookies[${i}]`, 'Cookies', src)
        if (v !== undefined) headers.push(['set-cookie', v])
      })
    } else m.violations.push(violation('malformed', 'Cookies', `cookies must be an array of strings (each becomes a set-cookie header), got ${describe(result.cookies)}`, src, 'cookies'))
  }
  if (result.multiValueHeaders !== undefined) {
    m.warnings.push(warning('MultiValueHeadersIgnored', `payload format 2.0 doesn't have multiValueHeaders: they are not sent (put repeated headers in one comma-separated value, cookies in cookies)`, 'APIGW-HTTP', 'multiValueHeaders'))
  }
  const body = readBody(m, result.body, 'Body', src)
  const base64 = readBase64Flag(m, result.isBase64Encoded, 'IsBase64Encoded', src)
  if (m.violations.length) return m
  bodyBytes(m, body, base64, 'Base64Body', 'malformed', src)
  setHeaders(m, headers, undefined)
  if (lastHeader(m.headers, 'content-type') === undefined && m.body.byteLength > 0) m.warnings.push(noContentType(s.integration === 'url' ? 'the function URL' : 'the HTTP API'))
  return m
}
