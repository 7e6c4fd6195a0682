/**
 * One local HTTP endpoint that stands in for the AWS services edgeware talks to (S3, CloudFormation, CloudWatch
 * Logs, Lambda, SSM, Secrets Manager), each speaking its real wire protocol. Every request must carry a valid SigV4
 * signature; the service and region come from its credential scope, as at AWS. Every call is recorded in order.
 * Test tool, not product: point SDK clients at it with `endpoint` / `AWS_ENDPOINT_URL`.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { verifySigV4 } from './sigv4.js'

/** Credentials the stand-in accepts (tests put them in the environment). */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDEDGEWARETEST0001', secretAccessKey: 'edgeware-test-secret-access-key-0001' }

/** A request as a service handler sees it. */
export interface StandinRequest {
  method: string
  /** Decoded path. */
  path: string
  /** Path as sent (still percent-encoded). */
  rawPath: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  body: Buffer
  region: string
  service: string
}

/** What a handler answers. */
export interface StandinResponse {
  status: number
  headers?: Record<string, string>
  body?: string | Buffer
}

/** One recorded call. */
export interface AwsCall {
  service: string
  region: string
  /** The operation: the query `Action`, the JSON target's operation, or the REST operation. */
  action: string
  /** The decoded input (form fields, JSON body, or path/query details). */
  input: Record<string, unknown>
}

/** A service: names each operation and answers it. */
export interface ServiceHandler {
  /** The operation name and decoded input of a request. */
  operation(req: StandinRequest): { action: string; input: Record<string, unknown> }
  handle(req: StandinRequest, action: string, input: Record<string, unknown>): StandinResponse | Promise<StandinResponse>
}

/** Returned by a fault hook: answer this instead, or drop the connection without an answer. */
export type Fault = StandinResponse | 'drop' | undefined

/** A running stand-in. */
export interface AwsStandin {
  /** `http://127.0.0.1:<port>` */
  url: string
  /** Every call, in arrival order. */
  calls: AwsCall[]
  /** The calls of one service (and action), in order. */
  callsOf(service: string, action?: string): AwsCall[]
  /** Called before each call is handled (after its signature is checked): inject a fault a real AWS can produce. */
  fault?: (call: AwsCall) => Fault
  close(): Promise<void>
}

/** A JSON 1.1 error as AWS sends it. */
export function jsonError(status: number, type: string, message: string): StandinResponse {
  return { status, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type }, body: JSON.stringify({ __type: type, message }) }
}

/** A JSON 1.1 answer. */
export function jsonOk(value: unknown): StandinResponse {
  return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(value) }
}

/** The operation of a JSON 1.0/1.1 request (`X-Amz-Target: Prefix.Operation`) and its body. */
export function jsonOperation(req: StandinRequest): { action: string; input: Record<string, unknown> } {
  const target = String(req.headers['x-amz-target'] ?? '')
  let input: Record<string, unknown> = {}
  try {
    input = req.body.length ? (JSON.parse(req.body.toString('utf8')) as Record<string, unknown>) : {}
  } catch {
    input = { unparsable: req.body.toString('utf8') }
  }
  return { action: target.slice(target.indexOf('.') + 1), input }
}

/**
 * Starts the stand-in on 127.0.0.1 with the given services (keyed by SigV4 service name: `s3`, `cloudformation`,
 * `logs`, `lambda`, `ssm`, `secretsmanager`).
 */
export async function startAwsStandin(services: Record<string, ServiceHandler>, secrets: Record<string, string> = { [TEST_CREDENTIALS.accessKeyId]: TEST_CREDENTIALS.secretAccessKey }): Promise<AwsStandin> {
  const calls: AwsCall[] = []
  const standin: AwsStandin = {
    url: '',
    calls,
    callsOf: (service, action) => calls.filter((c) => c.service === service && (action === undefined || c.action === action)),
    close: async () => {},
  }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks)
        const send = (r: StandinResponse): void => {
          const headers = { 'x-amzn-requestid': `req-${calls.length}`, ...(r.headers ?? {}) }
          res.writeHead(r.status, headers)
          res.end(req.method === 'HEAD' ? undefined : r.body)
        }
        const rawUrl = req.url ?? '/'
        const checked = verifySigV4(req.method ?? 'GET', rawUrl, req.headers, body, secrets)
        if (checked.error !== undefined) {
          const [type, message] = [checked.error.slice(0, checked.error.indexOf(':')), checked.error.slice(checked.error.indexOf(':') + 2)]
          if (checked.auth?.service === 's3') return send({ status: 403, headers: { 'content-type': 'application/xml' }, body: `<Error><Code>${type}</Code><Message>${message}</Message></Error>` })
          // JSON services name a bad signature InvalidSignatureException; S3 (above) SignatureDoesNotMatch.
          return send(jsonError(403, type === 'SignatureDoesNotMatch' ? 'InvalidSignatureException' : type!, message!))
        }
        const auth = checked.auth
        const handler = services[auth.service]
        if (!handler) return send(jsonError(400, 'UnknownService', `this stand-in has no ${auth.service}`))
        const q = rawUrl.indexOf('?')
        const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q)
        const request: StandinRequest = {
          method: req.method ?? 'GET',
          rawPath,
          path: decodeURIComponent(rawPath),
          query: new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1)),
          headers: req.headers,
          body,
          region: auth.region,
          service: auth.service,
        }
        const op = handler.operation(request)
        const call: AwsCall = { service: auth.service, region: auth.region, action: op.action, input: op.input }
        calls.push(call)
        const fault = standin.fault?.(call)
        if (fault === 'drop') {
          req.socket.destroy()
          return
        }
        if (fault) return send(fault)
        try {
          send(await handler.handle(request, op.action, op.input))
        } catch (e) {
          send(jsonError(500, 'InternalFailure', (e as Error).stack ?? String(e)))
        }
      })()
    })
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  standin.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  standin.close = () =>
    new Promise<void>((ok) => {
      server.close(() => ok())
      server.closeAllConnections()
    })
  return standin
}
