/**
 * An Application Load Balancer with a Lambda target group: the event the load balancer sends and how it reads the
 * function's response [ELB-LAMBDA].
 */
import { group, lastHeader, queryPairs, type IncomingRequest } from './request.js'
import { bodyBytes, describe, isObject, mapped, noContentType, readBase64Flag, readBody, readHeaders, readMultiHeaders, readStatus, setHeaders, wireValue, type Mapped } from './result.js'
import { isTextBody, LIMITS, violation, warning } from './rules.js'
import type { Resolved } from './settings.js'
import type { JsonObject } from './types.js'

const SRC = 'ELB-LAMBDA'

/**
 * The ALB event. Without multi-value headers (the target group's default) a repeated header or query parameter
 * keeps "the last value that it receives" in `headers` / `queryStringParameters`; with them, every value, in
 * `multiValueHeaders` / `multiValueQueryStringParameters` [ELB-LAMBDA]. Query parameters are not decoded
 * [ELB-LAMBDA]. Header names are lowercase, as in AWS's samples. A body is base64 unless it is text (see
 * `isTextBody`) [ELB-LAMBDA]; no body is `""`.
 */
export function albEvent(s: Resolved, r: IncomingRequest): JsonObject {
  const headers = group(r.headers.map(([k, v]) => [k.toLowerCase(), v]), false)
  const query = group(queryPairs(r.query, false), false)
  const text = isTextBody(lastHeader(r.headers, 'content-type'), lastHeader(r.headers, 'content-encoding'))
  const event: JsonObject = { requestContext: { elb: { targetGroupArn: s.targetGroupArn } }, httpMethod: r.method, path: r.path }
  if (s.multiValueHeaders) {
    event.multiValueQueryStringParameters = Object.fromEntries(query)
    event.multiValueHeaders = Object.fromEntries(headers)
  } else {
    event.queryStringParameters = Object.fromEntries([...query].map(([k, vs]) => [k, vs[vs.length - 1]!]))
    event.headers = Object.fromEntries([...headers].map(([k, vs]) => [k, vs[vs.length - 1]!]))
  }
  event.body = r.body.byteLength === 0 ? '' : r.body.toString(text ? 'utf8' : 'base64')
  event.isBase64Encoded = r.body.byteLength > 0 && !text
  return event
}

/**
 * Reads an ALB response: status code, headers, optional body, base64 flag. "You must use multiValueHeaders if you
 * have enabled multi-value headers and headers otherwise" [ELB-LAMBDA]: the other map is not sent (SILENT: edgeware
 * drops it and warns). Hop-by-hop headers are not honored, and Content-Length is computed [ELB-LAMBDA]. A response
 * JSON over 1 MB or a malformed one is a 502 [ELB-TROUBLE].
 */
export function albResult(event: JsonObject, result: unknown, json: string): Mapped {
  const m = mapped()
  if (Buffer.byteLength(json) > LIMITS.albBytes) {
    m.violations.push(violation('malformed', 'AlbResponseTooLarge', `The maximum size of the response JSON that the Lambda function can send is 1 MB: this one is ${Buffer.byteLength(json)} bytes`, SRC))
    return m
  }
  if (!isObject(result)) {
    m.violations.push(violation('malformed', 'AlbInvalidResponse', `the target response is malformed (LambdaInvalidResponse): the result is ${describe(result)}, not { statusCode, headers, body, isBase64Encoded }`, 'ELB-TROUBLE'))
    return m
  }
  readStatus(m, result.statusCode, 'AlbStatusCode', SRC)
  if (typeof result.statusDescription === 'string') {
    const text = wireValue(m, result.statusDescription, 'statusDescription', 'AlbInvalidResponse', 'ELB-TROUBLE')
    if (text !== undefined) m.statusText = text.replace(/^\d{3}\s*/, '')
  }
  const multi = 'multiValueHeaders' in event
  const [use, skip] = multi ? (['multiValueHeaders', 'headers'] as const) : (['headers', 'multiValueHeaders'] as const)
  if (result[skip] !== undefined && result[skip] !== null) {
    m.warnings.push(warning('AlbHeadersIgnored', `You must use multiValueHeaders if you have enabled multi-value headers and headers otherwise: multi-value headers are ${multi ? 'enabled' : 'disabled'} on this target group, so ${skip} is not sent`, SRC, skip))
  }
  const headers: [string, string][] = []
  if (multi) readMultiHeaders(m, result.multiValueHeaders, use, 'AlbHeaders', SRC, headers)
  else readHeaders(m, result.headers, use, 'AlbHeaders', SRC, headers)
  const body = readBody(m, result.body, 'AlbBody', SRC)
  const base64 = readBase64Flag(m, result.isBase64Encoded, 'AlbIsBase64Encoded', SRC)
  if (m.violations.length) return m
  bodyBytes(m, body, base64, 'AlbBase64Body', 'malformed', SRC)
  setHeaders(m, headers, { source: SRC })
  if (lastHeader(m.headers, 'content-type') === undefined && m.body.byteLength > 0) m.warnings.push(noContentType('the load balancer'))
  return m
}
