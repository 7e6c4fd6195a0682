/**
 * The rules of each integration in one place: limits, the integration's own error answers, and the helpers that
 * name a broken rule. Source tags (docs/origins.md lists them):
 * - APIGW-PROXY: API Gateway developer guide, "Set up Lambda proxy integrations" (REST, payload 1.0)
 * - APIGW-HTTP: API Gateway developer guide, "Working with AWS Lambda proxy integrations for HTTP APIs"
 * - APIGW-HTTP-TROUBLE: "Troubleshooting issues with HTTP API Lambda integrations"
 * - APIGW-LIMITS: API Gateway quotas; APIGW-GWRESP: "Gateway response types"; APIGW-BINARY: "Working with binary
 *   media types for REST APIs"
 * - LAMBDA-APIGW: Lambda developer guide, "Handling errors with an API Gateway API"; LAMBDA-LIMITS: Lambda quotas;
 *   LAMBDA-ENV: "Using Lambda environment variables"
 * - ELB-LAMBDA: ELB guide, "Lambda functions as targets"; ELB-TROUBLE: "Troubleshoot your Application Load Balancers"
 * - URLS: Lambda developer guide, "Invoking Lambda function URLs"; URLS-MON: "Monitoring Lambda function URLs"
 * - 3P: observed behaviour reported by third parties, not in AWS's docs; SILENT: not documented, edgeware's choice
 */
import type { Integration, OriginResponse, OriginRule } from './types.js'

/**
 * Sizes and times the integrations enforce.
 *
 * @example
 * ```ts
 * LIMITS.albBytes // 1048576
 * ```
 */
export const LIMITS = {
  /** Lambda's synchronous invocation payload, request and response, 6 MB each [LAMBDA-LIMITS]. */
  lambdaPayloadBytes: 6 * 1024 * 1024,
  /** API Gateway payload size, REST and HTTP APIs: 10 MB [APIGW-LIMITS]. */
  apiGatewayPayloadBytes: 10 * 1024 * 1024,
  /** ALB: request body and response JSON at most 1 MB [ELB-LAMBDA]. */
  albBytes: 1024 * 1024,
  /** REST integration timeout: 50 ms – 29 s [APIGW-LIMITS]. */
  restTimeoutMs: { min: 50, max: 29_000 },
  /** HTTP API maximum integration timeout: 30 s [APIGW-LIMITS]. */
  httpTimeoutMs: { min: 50, max: 30_000 },
  /** Lambda function timeout: up to 900 s [LAMBDA-LIMITS]. */
  lambdaTimeoutS: { min: 1, max: 900 },
  /** Lambda memory: 128 – 10,240 MB [LAMBDA-LIMITS]. */
  lambdaMemoryMb: { min: 128, max: 10_240 },
} as const

/**
 * Which of its own answers the integration gives:
 * - `rejected`: the Lambda service refused the invocation (an event over 6 MB);
 * - `failed`: the function ran and failed (a throw, a timeout, a crash, a response over 6 MB);
 * - `malformed`: the function's result is not in the integration's format;
 * - `timeout`: the integration stopped waiting (its integration timeout);
 * - `too-large`: the request is over the integration's own size limit;
 * - `config`: API Gateway could not apply its own configuration (REST: base64 that does not decode).
 */
export type Answer = 'rejected' | 'failed' | 'malformed' | 'timeout' | 'too-large' | 'config'

/** A rule broken by an exchange, with the answer it makes the integration give. */
export interface Violation extends OriginRule {
  answer: Answer
}

/** A broken rule. */
export const violation = (answer: Answer, code: string, message: string, source: string, path?: string): Violation =>
  path === undefined ? { answer, code, message, source } : { answer, code, message, source, path }

/** A rule met with a loss. */
export const warning = (code: string, message: string, source: string, path?: string): OriginRule =>
  path === undefined ? { code, message, source } : { code, message, source, path }

const json = 'application/json'
const REST_5XX = '{"message": "Internal server error"}'
const HTTP_5XX = '{"message":"Internal Server Error"}'
const albPage = (status: number, text: string): string =>
  `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n</body>\r\n</html>\r\n`

/** Status, content type and body of each integration's own answers. */
const ANSWERS: Record<Integration, Record<Answer, readonly [number, string, string]>> = {
  // REST: 500 when Lambda rejects the invocation, 502 for a function error or a wrong format, both with
  // {"message": "Internal server error"} [LAMBDA-APIGW]; INTEGRATION_TIMEOUT 504, REQUEST_TOO_LARGE 413,
  // API_CONFIGURATION_ERROR 500 [APIGW-GWRESP] (their default bodies: 3P).
  rest: {
    rejected: [500, json, REST_5XX],
    failed: [502, json, REST_5XX],
    malformed: [502, json, REST_5XX],
    timeout: [504, json, '{"message": "Endpoint request timed out"}'],
    'too-large': [413, json, '{"message":"Request Too Long"}'],
    config: [500, json, REST_5XX],
  },
  // HTTP API: {"message":"Internal Server Error"} [APIGW-HTTP-TROUBLE] with 500 (3P); a timeout 503 and the
  // 413's body: 3P.
  http: {
    rejected: [500, json, HTTP_5XX],
    failed: [500, json, HTTP_5XX],
    malformed: [500, json, HTTP_5XX],
    timeout: [503, json, '{"message":"Service Unavailable"}'],
    'too-large': [413, json, '{"message":"Request Entity Too Large"}'],
    config: [500, json, HTTP_5XX],
  },
  // ALB: 502 for a malformed response, a timeout, a function error or a response over 1 MB; 413 for a request
  // body over 1 MB [ELB-TROUBLE]. The pages themselves: 3P.
  alb: {
    rejected: [502, 'text/html', albPage(502, 'Bad Gateway')],
    failed: [502, 'text/html', albPage(502, 'Bad Gateway')],
    malformed: [502, 'text/html', albPage(502, 'Bad Gateway')],
    timeout: [502, 'text/html', albPage(502, 'Bad Gateway')],
    'too-large': [413, 'text/html', albPage(413, 'Request Entity Too Large')],
    config: [502, 'text/html', albPage(502, 'Bad Gateway')],
  },
  // Function URLs: "5XX series codes indicate server-side errors, such as function errors and timeouts" [URLS-MON];
  // 502 "Internal Server Error", and 413 with the Lambda API's message for an event over 6 MB: 3P.
  url: {
    rejected: [413, json, '{"Message":"Request must be smaller than 6291456 bytes for the InvokeFunction operation"}'],
    failed: [502, 'text/plain', 'Internal Server Error'],
    malformed: [502, 'text/plain', 'Internal Server Error'],
    timeout: [502, 'text/plain', 'Internal Server Error'],
    'too-large': [413, json, '{"Message":"Request must be smaller than 6291456 bytes for the InvokeFunction operation"}'],
    config: [502, 'text/plain', 'Internal Server Error'],
  },
}

/**
 * The integration's own answer for `answer`, with the headers it adds (`ids`: the request id headers of
 * {@link idHeaders}).
 */
export function errorResponse(integration: Integration, answer: Answer, ids: [string, string][]): OriginResponse {
  const [status, type, body] = ANSWERS[integration][answer]
  const headers: [string, string][] = [['content-type', type], ...ids]
  // API Gateway names the error class of its own 5xx answers (3P).
  if (integration === 'rest' && status >= 500) headers.push(['x-amzn-ErrorType', 'InternalServerErrorException'])
  if (integration === 'alb') headers.push(['server', 'awselb/2.0'])
  return { status, headers, body: new TextEncoder().encode(body) }
}

/**
 * The request id headers each integration adds to its responses (3P): REST `x-amzn-RequestId` and
 * `x-amz-apigw-id`, HTTP API `apigw-requestid`, function URLs `x-amzn-RequestId`, ALB none.
 */
export function idHeaders(integration: Integration, requestId: string, gatewayId: string | undefined): [string, string][] {
  switch (integration) {
    case 'rest':
      return gatewayId ? [['x-amzn-RequestId', requestId], ['x-amz-apigw-id', gatewayId]] : [['x-amzn-RequestId', requestId]]
    case 'http':
      return [['apigw-requestid', requestId]]
    case 'url':
      return [['x-amzn-RequestId', requestId]]
    case 'alb':
      return []
  }
}

/**
 * Request bodies sent as text, not base64: text/\*, application/json, application/javascript, application/xml,
 * without a `content-encoding` [ELB-LAMBDA]. HTTP APIs and function URLs document only "if the content type of the
 * request is binary, the body is base64-encoded" [URLS]; edgeware applies the ALB's list to them too (SILENT).
 */
export function isTextBody(contentType: string | undefined, contentEncoding: string | undefined): boolean {
  if (contentEncoding !== undefined && contentEncoding.trim() !== '' && !/^identity$/i.test(contentEncoding.trim())) return false
  if (contentType === undefined) return false
  const t = mediaType(contentType)
  return t.startsWith('text/') || t === 'application/json' || t === 'application/javascript' || t === 'application/xml'
}

/** `type/subtype` of a Content-Type or Accept entry, lowercased, parameters dropped. */
export const mediaType = (value: string): string => value.split(';', 1)[0]!.trim().toLowerCase()

/** Whether a REST API's `binaryMediaTypes` entry (`image/png`, `image/*`, `*\/*`) covers `type` [APIGW-BINARY]. */
export function matchesMediaType(types: readonly string[], type: string): boolean {
  if (type === '') return false
  const [main] = type.split('/', 1)
  for (const t of types) {
    const want = t.trim().toLowerCase()
    if (want === '*/*' || want === type || want === `${main}/*`) return true
  }
  return false
}

/** Strict base64 (what a decoder that rejects bad input accepts): the alphabet, padding only at the end. */
export const isBase64 = (s: string): boolean => s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s)

/** Hop-by-hop headers a proxy never passes on; the ALB "does not honor" them [ELB-LAMBDA]. */
export const HOP_BY_HOP: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade'])
