/**
 * A minimal WebSocket server endpoint (RFC 6455) for the edge ↔ host channel: text messages, ping/pong, close.
 * The Durable Object that runs the edge keeps one connection open, so a function call costs one message each
 * way instead of an HTTP request. Internal; loopback only.
 */
import { createHash } from 'node:crypto'
import http, { type IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'

/**
 * An HTTP server (not listening yet) that takes WebSocket upgrades on `/<token>` only: `onUpgrade` accepts them
 * (with {@link acceptWebSocket}); another path gets a 403, a plain request a 426.
 */
export function tokenServer(token: string, onUpgrade: (req: IncomingMessage, socket: Duplex) => void): http.Server {
  const server = http.createServer((_req, res) => {
    res.writeHead(426)
    res.end()
  })
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    if (req.url === `/${token}`) onUpgrade(req, socket)
    else socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n')
  })
  return server
}

/** One accepted connection. */
export interface WsConnection {
  send(text: string): void
  close(): void
  readonly closed: boolean
}

/**
 * Completes the upgrade handshake on `socket` and calls `onMessage` for every text message.
 *
 * @example
 * ```ts
 * server.on('upgrade', (req, socket) => acceptWebSocket(req, socket, (conn, text) => conn.send(text)))
 * ```
 */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, onMessage: (conn: WsConnection, text: string) => void, onClose?: () => void): WsConnection | undefined {
  const key = req.headers['sec-websocket-key']
  if (typeof key !== 'string' || String(req.headers['upgrade']).toLowerCase() !== 'websocket') {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
    return undefined
  }
  const accept = createHash('sha1').update(key + GUID).digest('base64')
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`)
  ;(socket as Duplex & { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true)
  let closed = false
  let corked = false
  const uncork = (): void => {
    corked = false
    socket.uncork()
  }
  /** One frame in one buffer; frames sent in the same event-loop turn leave in one write. */
  const frame = (opcode: number, payload: Buffer | string): void => {
    if (closed) return
    const len = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length
    const headLen = len < 126 ? 2 : len < 65536 ? 4 : 10
    const out = Buffer.allocUnsafe(headLen + len)
    out[0] = 0x80 | opcode
    if (len < 126) out[1] = len
    else if (len < 65536) {
      out[1] = 126
      out.writeUInt16BE(len, 2)
    } else {
      out[1] = 127
      out.writeBigUInt64BE(BigInt(len), 2)
    }
    if (typeof payload === 'string') out.write(payload, headLen, 'utf8')
    else payload.copy(out, headLen)
    if (!corked) {
      corked = true
      socket.cork()
      setImmediate(uncork)
    }
    socket.write(out)
  }
  const conn: WsConnection = {
    send: (text) => frame(1, text),
    close: () => {
      if (closed) return
      frame(8, Buffer.alloc(0))
      closed = true
      socket.end()
    },
    get closed() {
      return closed
    },
  }
  let buf: Buffer = Buffer.alloc(0)
  let parts: Buffer[] = []
  socket.on('data', (chunk: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk
    for (;;) {
      if (buf.length < 2) return
      const fin = (buf[0]! & 0x80) !== 0
      const opcode = buf[0]! & 0x0f
      const masked = (buf[1]! & 0x80) !== 0
      let len = buf[1]! & 0x7f
      let off = 2
      if (len === 126) {
        if (buf.length < 4) return
        len = buf.readUInt16BE(2)
        off = 4
      } else if (len === 127) {
        if (buf.length < 10) return
        len = Number(buf.readBigUInt64BE(2))
        off = 10
      }
      const maskOff = off
      if (masked) off += 4
      if (buf.length < off + len) return
      // Unmasked in place: the received bytes are this reader's own.
      const payload = buf.subarray(off, off + len)
      if (masked) {
        const m0 = buf[maskOff]!, m1 = buf[maskOff + 1]!, m2 = buf[maskOff + 2]!, m3 = buf[maskOff + 3]!
        let i = 0
        for (; i + 3 < len; i += 4) {
          payload[i]! ^= m0
          payload[i + 1]! ^= m1
          payload[i + 2]! ^= m2
          payload[i + 3]! ^= m3
        }
        for (; i < len; i++) payload[i]! ^= i % 4 === 0 ? m0 : i % 4 === 1 ? m1 : i % 4 === 2 ? m2 : m3
      }
      buf = buf.subarray(off + len)
      if (opcode === 8) {
        if (!closed) conn.close()
        return
      }
      if (opcode === 9) {
        frame(10, payload)
        continue
      }
      if (opcode === 10) continue
      parts.push(payload)
      if (!fin) continue
      const text = (parts.length === 1 ? parts[0]! : Buffer.concat(parts)).toString('utf8')
      parts = []
      onMessage(conn, text)
    }
  })
  const done = (): void => {
    closed = true
    onClose?.()
  }
  socket.on('close', done)
  socket.on('error', () => socket.destroy())
  return conn
}
