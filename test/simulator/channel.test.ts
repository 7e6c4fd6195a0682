// The edge ↔ host function channel: the WebSocket endpoint's framing (several frames per read, fragments, large
// payloads, replies of one turn coalesced) and log records riding along with a container request.
import { once } from 'node:events'
import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { classic } from '../../src/cloudfront/limits.js'
import { createHostHandler } from '../../src/simulator/host.js'
import { paint } from '../../src/simulator/log.js'
import type { LogRecord } from '../../src/simulator/protocol.js'
import { acceptWebSocket, type WsConnection } from '../../src/simulator/ws-server.js'

/** A client frame (masked, as RFC 6455 requires from clients). */
function clientFrame(text: string, opts: { opcode?: number; fin?: boolean } = {}): Buffer {
  const payload = Buffer.from(text, 'utf8')
  const len = payload.length
  const head = len < 126 ? Buffer.alloc(2) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10)
  head[0] = (opts.fin === false ? 0 : 0x80) | (opts.opcode ?? 1)
  if (len < 126) head[1] = 0x80 | len
  else if (len < 65536) {
    head[1] = 0x80 | 126
    head.writeUInt16BE(len, 2)
  } else {
    head[1] = 0x80 | 127
    head.writeBigUInt64BE(BigInt(len), 2)
  }
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78])
  const body = Buffer.from(payload)
  for (let i = 0; i < len; i++) body[i]! ^= mask[i & 3]!
  return Buffer.concat([head, mask, body])
}

/** Server frames (unmasked) parsed out of everything a client received. */
function serverTexts(buf: Buffer): string[] {
  const out: string[] = []
  let at = buf.indexOf('\r\n\r\n') + 4
  while (at < buf.length) {
    let len = buf[at + 1]! & 0x7f
    let off = at + 2
    if (len === 126) {
      len = buf.readUInt16BE(at + 2)
      off = at + 4
    } else if (len === 127) {
      len = Number(buf.readBigUInt64BE(at + 2))
      off = at + 10
    }
    if ((buf[at]! & 0x0f) === 1) out.push(buf.toString('utf8', off, off + len))
    at = off + len
  }
  return out
}

const servers: http.Server[] = []
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections()
    s.close()
  }
})

async function echoServer(onText: (conn: WsConnection, text: string) => void, onSocket?: (socket: net.Socket) => void): Promise<number> {
  const server = http.createServer()
  servers.push(server)
  server.on('upgrade', (req, socket) => {
    onSocket?.(socket as net.Socket)
    acceptWebSocket(req, socket, onText)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return (server.address() as AddressInfo).port
}

async function connect(port: number): Promise<{ socket: net.Socket; received: () => Buffer }> {
  const socket = net.connect(port, '127.0.0.1')
  await once(socket, 'connect')
  let data = Buffer.alloc(0)
  socket.on('data', (c: Buffer) => {
    data = Buffer.concat([data, c])
  })
  socket.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n')
  // Like the edge, send frames only once the upgrade is answered.
  await until(() => data.includes('\r\n\r\n'))
  expect(data.toString('latin1')).toMatch(/^HTTP\/1\.1 101 /)
  return { socket, received: () => data }
}

const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5))
}

describe('function channel framing', () => {
  it('reads several frames from one packet, fragments and 16/64-bit lengths; answers in order', async () => {
    const got: string[] = []
    const port = await echoServer((conn, text) => {
      got.push(text)
      conn.send(`echo:${text.length}:${text.slice(0, 8)}`)
    })
    const c = await connect(port)
    const big = 'é'.repeat(70_000) // 140,000 bytes: a 64-bit length
    const mid = 'm'.repeat(300) // a 16-bit length
    c.socket.write(Buffer.concat([clientFrame('one'), clientFrame(mid), clientFrame('fr', { fin: false }), clientFrame('ag', { opcode: 0 }), clientFrame(big)]))
    await until(() => serverTexts(c.received()).length === 4)
    expect(got).toEqual(['one', mid, 'frag', big])
    expect(serverTexts(c.received())).toEqual(['echo:3:one', `echo:300:${'m'.repeat(8)}`, 'echo:4:frag', `echo:70000:${'é'.repeat(8)}`])
    c.socket.destroy()
  })

  it('sends the replies of one event-loop turn together, and a frame split across packets still arrives whole', async () => {
    // Counted on the server's socket: this client shares the process, so it reads whatever one turn wrote at once.
    let flushes = 0
    const port = await echoServer(
      (conn, text) => {
        for (let i = 0; i < 5; i++) conn.send(`${text}#${i}`)
      },
      (socket) => {
        const s = socket as net.Socket & { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void }
        const write = s._write.bind(s)
        const writev = s._writev.bind(s)
        s._write = (...a) => (flushes++, write(...a))
        s._writev = (...a) => (flushes++, writev(...a))
      },
    )
    const c = await connect(port)
    const before = flushes
    const f = clientFrame('split')
    c.socket.write(f.subarray(0, 3))
    await new Promise((r) => setTimeout(r, 20))
    c.socket.write(f.subarray(3))
    await until(() => serverTexts(c.received()).length === 5)
    expect(serverTexts(c.received())).toEqual(['split#0', 'split#1', 'split#2', 'split#3', 'split#4'])
    expect(flushes - before).toBe(1)
    c.socket.destroy()
  })
})

describe('log records on the channel', () => {
  const record = (id: string): LogRecord => ({ requestId: id, method: 'GET', path: `/${id}`, status: 200, cache: 'Hit', stages: [], totalMs: 1 })

  it('takes the records in front of a container request (and on their own), then still answers the request', async () => {
    const records: LogRecord[] = []
    const lines: string[] = []
    const host = createHostHandler({
      functions: new Map(),
      limits: classic,
      logger: { info: (l) => lines.push(l), error: (l) => lines.push(l) },
      paint: paint(false),
      verbose: false,
      onRequest: (r) => records.push(r),
    })
    const sent: string[] = []
    const conn: WsConnection = { send: (t) => sent.push(t), close() {}, closed: false }
    // Records batched in front of a spawn request (as the edge sends them), then records on their own.
    host.message(conn, `l${JSON.stringify(record('a'))}\nl${JSON.stringify(record('b'))}\n7\ns\nnope\nviewer-request\nreq1`)
    host.message(conn, `l${JSON.stringify(record('c'))}\n`)
    await until(() => sent.length === 1)
    expect(records.map((r) => r.requestId)).toEqual(['a', 'b', 'c'])
    expect(lines.filter((l) => l.startsWith('[edge] GET /'))).toHaveLength(3)
    // The request after the records is answered (here: no such function, a failed start for spawn 7 with the 503).
    expect(sent[0]!.startsWith('f7\n')).toBe(true)
    expect(JSON.parse(sent[0]!.slice(3))).toMatchObject({ ok: false, status: 503, message: 'no function nope for viewer-request' })
  })
})
