/**
 * The real origin table from the local edge. Local functions run like Lambda containers, with stand-in credentials
 * in their environment, so they can't sign a request AWS accepts. They reach the table through this relay on
 * 127.0.0.1 instead: it takes each DynamoDB request for the origin table, signs it again with the credentials of
 * the AWS chain of the process that runs it (AWS_PROFILE, AWS_ACCESS_KEY_ID…, SSO, ~/.aws) for the table's Region,
 * and hands back DynamoDB's answer. Requests for other tables, and requests without the relay's path token, are
 * refused.
 */
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { signV4 } from '../secrets/sigv4.js'
import { createTableClient } from './table.js'

/**
 * Options of {@link startSigningRelay}.
 *
 * @example
 * ```ts
 * const opts: SigningRelayOptions = { table: 'edge-origins', region: 'eu-west-1' }
 * ```
 */
export interface SigningRelayOptions {
  /** The only table requests may name. */
  table: string
  /** The table's Region: requests are signed for it and sent to its endpoint. */
  region: string
  /** Where to send requests (default `$AWS_ENDPOINT_URL_DYNAMODB`, `$AWS_ENDPOINT_URL`, else the Region's endpoint). */
  upstream?: string
  /** A named AWS profile (default: the AWS chain as the environment selects it). */
  profile?: string
  /** Told once per distinct failure to get credentials or to reach DynamoDB (the functions see a DynamoDB error). */
  onProblem?: (message: string) => void
}

/**
 * A running relay.
 *
 * @example
 * ```ts
 * const relay = await startSigningRelay({ table: 'edge-origins', region: 'eu-west-1' })
 * relay.endpoint // 'http://127.0.0.1:41234/3f…' (bake it in as the functions' DynamoDB endpoint)
 * await relay.close()
 * ```
 */
export interface SigningRelay {
  /** `http://127.0.0.1:<port>/<token>`: the DynamoDB endpoint for the functions. */
  endpoint: string
  /** Where requests go. */
  upstream: string
  /** Resolves the credentials now: their access key id, or why there are none. */
  credentials(): Promise<{ accessKeyId: string } | { error: string }>
  close(): Promise<void>
}

const MAX_BODY = 16 * 1024 * 1024

/** DynamoDB's JSON error, as the SDK reads it. */
function refuse(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': type })
  res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message }))
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size <= MAX_BODY) chunks.push(c)
    })
    req.on('end', () => resolve(size <= MAX_BODY ? Buffer.concat(chunks) : undefined))
    req.on('error', reject)
  })
}

/** The tables a DynamoDB request names (`TableName`, or the keys of `RequestItems`). */
function tablesOf(body: Buffer): string[] | undefined {
  try {
    const input = JSON.parse(body.toString('utf8')) as { TableName?: unknown; RequestItems?: unknown }
    if (typeof input.TableName === 'string') return [input.TableName]
    if (input.RequestItems && typeof input.RequestItems === 'object') return Object.keys(input.RequestItems)
    return []
  } catch {
    return undefined
  }
}

/**
 * Starts the relay on 127.0.0.1 (any free port). Credentials are resolved on each request from the AWS chain
 * (cached by the SDK until they expire; a failure is not cached), so an `aws sso login` after the start is picked up.
 *
 * @example
 * ```ts
 * const relay = await startSigningRelay({ table: 'edge-origins', region: 'eu-west-1', onProblem: console.warn })
 * const who = await relay.credentials()
 * ```
 */
export async function startSigningRelay(opts: SigningRelayOptions): Promise<SigningRelay> {
  const chain = createTableClient({ region: opts.region, ...(opts.profile ? { profile: opts.profile } : {}) })
  const upstream =
    opts.upstream ??
    process.env.AWS_ENDPOINT_URL_DYNAMODB ??
    process.env.AWS_ENDPOINT_URL ??
    chain.config.endpointProvider({ Region: opts.region, UseFIPS: false, UseDualStack: false }).url.href
  const token = randomBytes(12).toString('hex')
  const told = new Set<string>()
  const problem = (message: string): string => {
    if (!told.has(message)) {
      told.add(message)
      opts.onProblem?.(message)
    }
    return message
  }
  const credentials = async (): Promise<Awaited<ReturnType<typeof chain.config.credentials>> | { error: string }> => {
    try {
      return await chain.config.credentials()
    } catch (e) {
      return { error: problem(`no AWS credentials for the origin table ${opts.table} in ${opts.region} (${(e as Error).message}): run aws sso login or add them to ~/.aws (the next lookup picks them up), or start again with AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, set`) }
    }
  }
  const relay = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = req.headers['x-amz-target']
    // (the SDK posts to the endpoint's path with a trailing slash)
    if (req.method !== 'POST' || (req.url !== `/${token}` && req.url !== `/${token}/`) || typeof target !== 'string' || !target.startsWith('DynamoDB_20120810.')) {
      return refuse(res, 403, 'AccessDeniedException', 'edgeware: this relay takes the local functions\' DynamoDB requests only')
    }
    const body = await readBody(req)
    if (!body) return refuse(res, 413, 'ValidationException', `edgeware: a request body over ${MAX_BODY} bytes`)
    const tables = tablesOf(body)
    if (!tables || tables.some((t) => t !== opts.table)) {
      return refuse(res, 403, 'AccessDeniedException', `edgeware: the relay reaches the origin table ${opts.table} only, not ${tables?.join(', ') || 'this request'}`)
    }
    const creds = await credentials()
    if ('error' in creds) return refuse(res, 400, 'UnrecognizedClientException', creds.error)
    const payload = body.toString('utf8')
    let answer: Response
    try {
      const url = new URL(upstream)
      const signed = signV4({ method: 'POST', url, headers: { 'content-type': req.headers['content-type'] ?? 'application/x-amz-json-1.0', 'x-amz-target': target }, body: payload, region: opts.region, service: 'dynamodb' }, creds)
      // One try: DynamoDB's answer goes back as it is, and the function's own client retries within its deadline.
      answer = await fetch(url, { method: 'POST', headers: signed, body: payload })
    } catch (e) {
      return refuse(res, 503, 'ServiceUnavailable', problem(`the origin table's endpoint ${upstream} can't be reached: ${(e as Error).message}`))
    }
    const headers: Record<string, string> = { 'content-type': answer.headers.get('content-type') ?? 'application/x-amz-json-1.0' }
    for (const h of ['x-amzn-requestid', 'x-amzn-errortype']) {
      const v = answer.headers.get(h)
      if (v !== null) headers[h] = v
    }
    // (fetch has already undone any content encoding, so DynamoDB's x-amz-crc32 of the sent bytes is left out)
    res.writeHead(answer.status, headers)
    res.end(Buffer.from(await answer.arrayBuffer()))
  }
  const server = createServer((req, res) => {
    relay(req, res).catch((e: unknown) => {
      if (!res.headersSent) refuse(res, 500, 'InternalServerError', `edgeware relay: ${(e as Error).message}`)
      else res.destroy()
    })
  })
  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => ok())
  })
  let closed: Promise<void> | undefined
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/${token}`,
    upstream,
    credentials: async () => {
      const c = await credentials()
      return 'error' in c ? c : { accessKeyId: c.accessKeyId }
    },
    close: () =>
      (closed ??= new Promise<void>((done) => {
        chain.destroy()
        server.close(() => done())
        server.closeAllConnections()
      })),
  }
}
