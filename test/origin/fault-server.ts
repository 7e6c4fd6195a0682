/**
 * A small DynamoDB look-alike for fault injection, speaking DynamoDB's JSON protocol (`application/x-amz-json-1.0`,
 * `X-Amz-Target: DynamoDB_20120810.<Op>`, `__type` error bodies) on 127.0.0.1. It can answer Query from a fixed
 * item list, throttle, fail with a 500, hang, reset the connection, or proxy to a real endpoint (dynalite) while
 * counting calls.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { AttributeValue } from '@aws-sdk/client-dynamodb'

export type FaultMode = 'ok' | 'throttle' | '500' | 'hang' | 'reset' | 'proxy'

export interface FaultServer {
  endpoint: string
  mode: FaultMode
  /** Items returned by Query in 'ok' mode, per host. */
  items: Map<string, Record<string, AttributeValue>[]>
  /** Delay before answering in 'ok' / 'proxy' mode, ms. */
  delayMs: number
  /** Where 'proxy' mode forwards. */
  target: string | undefined
  /** Calls per X-Amz-Target operation (e.g. `Query`). */
  calls: Map<string, number>
  /** Hosts queried, in order. */
  queried: string[]
  count(op: string): number
  reset(): void
  close(): Promise<void>
}

const JSON_TYPE = 'application/x-amz-json-1.0'

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': 'fault-' + Date.now() })
  res.end(text)
}

export async function startFaultServer(mode: FaultMode = 'ok'): Promise<FaultServer> {
  const hanging = new Set<ServerResponse>()
  const state: FaultServer = {
    endpoint: '',
    mode,
    items: new Map(),
    delayMs: 0,
    target: undefined,
    calls: new Map(),
    queried: [],
    count: (op) => state.calls.get(op) ?? 0,
    reset: () => {
      state.calls.clear()
      state.queried.length = 0
    },
    close: async () => {
      for (const r of hanging) r.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks)
      const target = String(req.headers['x-amz-target'] ?? '')
      const op = target.split('.')[1] ?? ''
      state.calls.set(op, (state.calls.get(op) ?? 0) + 1)
      if (!target.startsWith('DynamoDB_20120810.') || req.headers['content-type'] !== JSON_TYPE) {
        send(res, 400, { __type: 'com.amazon.coral.service#UnknownOperationException', message: `bad target ${target}` })
        return
      }
      let body: { ExpressionAttributeValues?: Record<string, AttributeValue> } = {}
      try {
        body = JSON.parse(raw.toString('utf8') || '{}')
      } catch {
        send(res, 400, { __type: 'com.amazon.coral.service#SerializationException', message: 'bad json' })
        return
      }
      const host = body.ExpressionAttributeValues?.[':h']?.S
      if (op === 'Query' && host !== undefined) state.queried.push(host)
      switch (state.mode) {
        case 'throttle':
          send(res, 400, {
            __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
            message: 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
          })
          return
        case '500':
          send(res, 500, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' })
          return
        case 'hang':
          hanging.add(res)
          res.on('close', () => hanging.delete(res))
          return
        case 'reset':
          req.socket.resetAndDestroy()
          return
        case 'proxy': {
          const url = new URL(state.target!)
          setTimeout(() => {
            const fwd = httpRequest(
              { host: url.hostname, port: url.port, method: 'POST', path: '/', headers: { ...req.headers, host: url.host } },
              (up) => {
                res.writeHead(up.statusCode ?? 500, up.headers)
                up.pipe(res)
              },
            )
            fwd.on('error', () => res.destroy())
            fwd.end(raw)
          }, state.delayMs)
          return
        }
        case 'ok': {
          setTimeout(() => {
            if (op !== 'Query') {
              send(res, 400, { __type: 'com.amazon.coral.validate#ValidationException', message: `fault server only answers Query, not ${op}` })
              return
            }
            const items = state.items.get(host ?? '') ?? []
            send(res, 200, { Items: items, Count: items.length, ScannedCount: items.length })
          }, state.delayMs)
          return
        }
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  state.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return state
}
