/**
 * One SigV4-signed JSON 1.1 call to an AWS service, sent with `node:https` (`node:http` only for a local endpoint
 * override), not fetch: the first fetch of a Node process loads its HTTP client (undici), tens of ms of a cold
 * start, where node:https costs a few. `secret()` imports this module (and with it node:https and node:crypto) on
 * its first read from AWS, not when the function starts.
 * @module
 */
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { signV4, type AwsCredentials } from './sigv4.js'

/**
 * What the service answered: status, AWS's error type header and the body as text.
 *
 * @example
 * ```ts
 * const answer: AwsAnswer = { status: 400, errorType: 'ParameterNotFound', body: '{"__type":"ParameterNotFound"}' }
 * ```
 */
export interface AwsAnswer {
  status: number
  /** `x-amzn-errortype`, when the service sent one. */
  errorType: string | undefined
  body: string
}

/**
 * A call: the endpoint, the scope it is signed for, the `x-amz-target` operation and its JSON body.
 *
 * @example
 * ```ts
 * const call: AwsCall = { url: new URL('https://ssm.us-east-1.amazonaws.com/'), region: 'us-east-1', service: 'ssm', target: 'AmazonSSM.GetParameter', body: '{"Name":"/site/KEY"}' }
 * ```
 */
export interface AwsCall {
  url: URL
  region: string
  service: string
  target: string
  body: string
}

/** An answer, or `undefined` when a kept-alive connection turned out to be closed before the request went out. */
function send(request: typeof httpRequest, call: AwsCall, headers: Record<string, string>, signal: AbortSignal): Promise<AwsAnswer | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(call.url, { method: 'POST', headers, signal }, (res: IncomingMessage) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, errorType: res.headers['x-amzn-errortype'] as string | undefined, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('close', () => res.complete || reject(new Error('the connection closed before the answer was complete')))
    })
    // A container that was frozen between invocations can find its kept-alive connection closed by the server.
    req.on('error', (e: NodeJS.ErrnoException) => (req.reusedSocket && (e.code === 'ECONNRESET' || e.code === 'EPIPE') && !signal.aborted ? resolve(undefined) : reject(e)))
    req.end(call.body)
  })
}

/**
 * Signs and sends `call` (POST, `application/x-amz-json-1.1`) and reads the whole answer. Tries once more, on a
 * fresh connection, when a kept-alive one was found closed, or after a short random pause (under 50 ms) when the
 * service answers 5xx or 429. `signal` aborts it all; a network failure rejects.
 *
 * @example
 * ```ts
 * const answer = await callAws({ url, region: 'us-east-1', service: 'ssm', target: 'AmazonSSM.GetParameter', body }, creds, AbortSignal.timeout(2000))
 * if (answer.status === 200) JSON.parse(answer.body)
 * ```
 */
export async function callAws(call: AwsCall, creds: AwsCredentials, signal: AbortSignal): Promise<AwsAnswer> {
  const { protocol } = call.url
  if (protocol !== 'https:' && protocol !== 'http:') throw new Error(`the endpoint ${call.url.href} is not an https:// (or local http://) URL`)
  const request = protocol === 'https:' ? httpsRequest : httpRequest
  const headers = { 'content-length': String(Buffer.byteLength(call.body)), 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': call.target }
  for (let attempt = 0; ; attempt++) {
    const signed = signV4({ method: 'POST', url: call.url, headers, body: call.body, region: call.region, service: call.service }, creds)
    const answer = await send(request, call, signed, signal)
    const last = attempt === 1
    if (answer === undefined) {
      if (last) throw new Error('the service closed the connection before it answered')
    } else if (last || (answer.status < 500 && answer.status !== 429)) {
      return answer
    } else {
      await new Promise((r) => setTimeout(r, Math.random() * 50))
    }
  }
}
