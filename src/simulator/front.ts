/**
 * The viewer-facing front of the local edge: a small HTTP/1.1 relay in Node between viewers and workerd, for what
 * workerd's own HTTP server can't be told to do as CloudFront does. Per viewer connection it keeps one connection
 * to the edge's socket and passes bytes on unchanged, reading only each request's head (and the framing of its
 * body, to find the next head):
 *
 * - CloudFront's size limits (reference §8.4 [CUST], [S3O], [LIM]): a URL over 8,192 bytes or a request line plus
 *   headers over 20,480 bytes is refused (413) and the connection closed.
 * - A method CloudFront doesn't know (only GET, HEAD, OPTIONS, PUT, POST, PATCH and DELETE exist there) is refused
 *   with CloudFront's 403 instead of workerd's plain-text 501, and the connection closed.
 * - `Expect: 100-continue` gets `100 Continue` at once, so a client holding back a large body doesn't stall.
 * - `Connection: close` (and HTTP/1.0 without keep-alive) closes the connection after the response.
 * - A request head that isn't complete within the headers timeout closes the connection.
 * - What workerd can't see goes to the edge in one header ({@link FRONT_HEADER}): the viewer's address and port,
 *   the header names as the viewer cased and ordered them, the request's size, the TLS protocol and cipher.
 *
 * Refused requests are passed to the edge as a bodiless GET carrying why, so CloudFront's error page and the log
 * line come from the one place that makes them. `POST /__edgeware/invalidate` (`edgeware invalidate`) is passed on
 * marked as the edge's own: only the front can mark a request so.
 */
import net from 'node:net'
import type tls from 'node:tls'
import { FRONT_HEADER, formatFrontInfo, INVALIDATION_PATH, type FrontInfo, type FrontRefusal } from './front-wire.js'

/** Headers the front reads (the rest it passes on unread). */
const READ = new Set(['host', 'content-length', 'transfer-encoding', 'expect', 'connection'])

/** The methods CloudFront serves [DVS]; any other is refused at the front. */
const METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE'])

/** CloudFront's request size limits, bytes (reference §8.4). */
const FRONT_LIMITS = { maxUrlBytes: 8192, maxHeadBytes: 20_480 } as const

/** How long a viewer may take to send a request's head once it has started it (CloudFront's value isn't published). */
const DEFAULT_HEADERS_TIMEOUT_MS = 10_000

/** Options of {@link frontConnection}. */
export interface FrontOptions {
  /** The port of the edge's socket (workerd, on 127.0.0.1) this listener's requests go to. */
  upstreamPort: () => number
  /** Ms a started request head may take (default {@link DEFAULT_HEADERS_TIMEOUT_MS}). */
  headersTimeoutMs?: number
  /** Told when the front closes a connection itself (a head that never ended). */
  onDropped?: (why: string) => void
  /** The configuration generation each request is served with (see front-wire.ts). */
  generation?: () => number
}

/** A chunked request body, read only to find where it ends. */
class ChunkedBody {
  private line = ''
  /** Bytes of chunk data, plus the CRLF after them, still to come. */
  private left = 0
  private trailer = false
  broken = false

  /** Consumes `b` from `at`: the index just after the body's end, or -1 when all of `b` belongs to it. */
  feed(b: Buffer, at: number): number {
    while (at < b.length) {
      if (this.left > 0) {
        const n = Math.min(this.left, b.length - at)
        this.left -= n
        at += n
        continue
      }
      const c = b[at++]!
      if (c !== 10) {
        if (c !== 13 && this.line.length < 1024) this.line += String.fromCharCode(c)
        continue
      }
      const line = this.line
      this.line = ''
      if (this.trailer) {
        if (line === '') return at
        continue
      }
      const size = parseInt(line, 16)
      if (Number.isNaN(size)) {
        this.broken = true
        return at
      }
      if (size === 0) this.trailer = true
      else this.left = size + 2
    }
    return -1
  }
}

/** The viewer's address as CloudFront logs it (no IPv4-mapped prefix). */
const viewerIp = (s: net.Socket): string => (s.remoteAddress ?? '127.0.0.1').replace(/^::ffff:(?=\d+\.)/, '')

/** One parsed request head, and what the front does with it. */
interface Head {
  method: string
  target: string
  version: string
  /** The head as it goes on (without its final CRLF CRLF; the front's own header and Expect taken out). */
  text: string
  names: string[]
  host: string | undefined
  bodyBytes: number
  chunked: boolean
  continue: boolean
  close: boolean
  refused?: FrontRefusal
  invalidation?: true
}

/** Reads a complete head (`text`: request line and header lines); undefined when it isn't HTTP/1.x. */
function parseHead(text: string, headBytes: number): Head | undefined {
  const lines = text.split('\r\n')
  const m = /^([^ ]+) ([^ ]+) HTTP\/(1\.[01])$/.exec(lines[0]!)
  if (!m) return undefined
  const h: Head = { method: m[1]!, target: m[2]!, version: m[3]!, text: lines[0]!, names: [], host: undefined, bodyBytes: 0, chunked: false, continue: false, close: m[3] === '1.0', refused: undefined }
  let kept = true
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!
    const colon = line.indexOf(':')
    if (colon <= 0) return undefined
    const name = line.slice(0, colon)
    const lower = name.toLowerCase()
    if (lower === FRONT_HEADER) {
      kept = false
      continue
    }
    h.names.push(name)
    if (READ.has(lower)) {
      const value = line.slice(colon + 1).trim().toLowerCase()
      if (lower === 'host') h.host = line.slice(colon + 1).trim()
      else if (lower === 'content-length') {
        if (!/^\d+$/.test(value)) return undefined
        h.bodyBytes = Number(value)
      } else if (lower === 'transfer-encoding') h.chunked = value.includes('chunked')
      else if (lower === 'expect') {
        // Answered here; the edge never sees it (a disallowed header for functions anyway).
        h.continue = value === '100-continue'
        kept = false
        continue
      } else if (value.includes('close')) h.close = true
      else if (value.includes('keep-alive')) h.close = false
    }
  }
  h.text = kept ? text : [lines[0], ...lines.slice(1).filter((l) => !/^(x-edgeware-front|expect)\s*:/i.test(l))].join('\r\n')
  if (Buffer.byteLength(h.target, 'latin1') > FRONT_LIMITS.maxUrlBytes) h.refused = 'url-too-long'
  else if (headBytes > FRONT_LIMITS.maxHeadBytes) h.refused = 'request-too-large'
  else if (!METHODS.has(h.method)) h.refused = 'unknown-method'
  else if (h.method === 'POST' && h.target === INVALIDATION_PATH) h.invalidation = true
  return h
}

/**
 * Serves one viewer connection (plain or TLS, already accepted) through the edge's socket.
 *
 * @example
 * ```ts
 * net.createServer((socket) => frontConnection(socket, { upstreamPort: () => edgePort })).listen(8787)
 * ```
 */
export function frontConnection(client: net.Socket | tls.TLSSocket, opts: FrontOptions): void {
  const upstream = net.connect(opts.upstreamPort(), '127.0.0.1')
  client.setNoDelay(true)
  upstream.setNoDelay(true)
  const ip = viewerIp(client)
  const port = client.remotePort ?? 0
  const secure = client as Partial<tls.TLSSocket>
  const cipher = secure.getCipher?.()
  const tlsInfo = cipher ? `${secure.getProtocol?.() ?? ''} ${cipher.name}` : undefined
  const headersTimeoutMs = opts.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS
  /** Bytes of a head not complete yet. */
  let pending: Buffer | undefined
  /** Body bytes of the current request still to pass on. */
  let body = 0
  let chunked: ChunkedBody | undefined
  /** The current request is the connection's last: after it, the edge's side is closed for writing. */
  let last = false
  /** The last request is passed on (or the front gave up parsing): later bytes are dropped, or passed as they are. */
  let done = false
  let raw = false
  let slow: ReturnType<typeof setTimeout> | undefined
  let waiting = false

  const end = (): void => {
    clearTimeout(slow)
    client.destroy()
    upstream.destroy()
  }
  const send = (b: Buffer | string): void => {
    if (upstream.write(b as Buffer, 'latin1') || waiting) return
    waiting = true
    client.pause()
    upstream.once('drain', () => {
      waiting = false
      client.resume()
    })
  }
  /** The last request has gone on: the edge answers it and closes its side; the viewer's side follows. */
  const finish = (): void => {
    done = true
    upstream.end()
  }

  const info = (h: Head, headBytes: number): FrontInfo => ({
    ip,
    port,
    headBytes,
    httpVersion: h.version,
    names: h.names,
    ...(tlsInfo ? { tls: tlsInfo } : {}),
    ...(h.invalidation ? { invalidation: true as const } : {}),
    ...(opts.generation ? { generation: opts.generation() } : {}),
  })

  /** Passes a head on (or its refusal); returns nothing: the state says what comes next. */
  const request = (h: Head, headBytes: number): void => {
    if (h.refused) {
      // A bodiless GET to the edge, which answers with CloudFront's page; then the connection closes.
      const path = h.target.startsWith('/') ? h.target.slice(0, 1024) : '/'
      const f: FrontInfo = { ...info(h, headBytes), refused: { why: h.refused, method: h.method.slice(0, 64), urlBytes: Buffer.byteLength(h.target, 'latin1') } }
      send(`GET ${path} HTTP/1.1\r\nHost: ${h.host ?? 'localhost'}\r\nConnection: close\r\n${FRONT_HEADER}: ${formatFrontInfo(f)}\r\n\r\n`)
      finish()
      return
    }
    send(`${h.text}\r\n${FRONT_HEADER}: ${formatFrontInfo(info(h, headBytes))}\r\n\r\n`)
    if (h.chunked) chunked = new ChunkedBody()
    else body = h.bodyBytes
    last = h.close
    if (h.continue && (body > 0 || chunked)) client.write('HTTP/1.1 100 Continue\r\n\r\n')
    if (last && body === 0 && !chunked) finish()
  }

  /** Reads a head from `chunk` at `at` (with what came before); returns where the next bytes start. */
  const head = (chunk: Buffer, at: number): number => {
    const before = pending?.length ?? 0
    const buf = pending ? Buffer.concat([pending, chunk.subarray(at)]) : chunk.subarray(at)
    let start = 0
    // CRLFs before a request line are ignored (RFC 9112 §2.2).
    while (start + 1 < buf.length && buf[start] === 13 && buf[start + 1] === 10) start += 2
    const stop = buf.indexOf('\r\n\r\n', start, 'latin1')
    if (stop < 0) {
      if (buf.length - start > FRONT_LIMITS.maxHeadBytes + FRONT_LIMITS.maxUrlBytes) {
        // Over both limits and still no end: refuse on what there is.
        const line = buf.toString('latin1', start, Math.min(buf.length, start + FRONT_LIMITS.maxUrlBytes + 64)).split('\r\n')[0]!
        const [method = 'GET', target = '/'] = line.split(' ')
        const h: Head = { method, target, version: '1.1', text: '', names: [], host: undefined, bodyBytes: 0, chunked: false, continue: false, close: true, refused: Buffer.byteLength(target, 'latin1') > FRONT_LIMITS.maxUrlBytes ? 'url-too-long' : 'request-too-large' }
        pending = undefined
        clearTimeout(slow)
        request(h, buf.length - start)
        return chunk.length
      }
      pending = buf
      slow ??= setTimeout(() => {
        opts.onDropped?.(`closed a connection from ${ip}:${port}: its request head was not complete within ${headersTimeoutMs / 1000} s`)
        end()
      }, headersTimeoutMs)
      return chunk.length
    }
    pending = undefined
    clearTimeout(slow)
    slow = undefined
    const next = at + stop + 4 - before
    const h = parseHead(buf.toString('latin1', start, stop), stop + 4 - start)
    if (!h) {
      // Not HTTP/1.x as the front reads it: workerd answers (400) what it makes of it.
      raw = true
      send(buf.subarray(start))
      return chunk.length
    }
    request(h, stop + 4 - start)
    return next
  }

  client.on('data', (chunk: Buffer) => {
    let at = 0
    while (at < chunk.length) {
      if (raw) {
        send(chunk.subarray(at))
        return
      }
      if (done) return
      if (body > 0) {
        const n = Math.min(body, chunk.length - at)
        send(chunk.subarray(at, at + n))
        body -= n
        at += n
        if (body === 0 && last) finish()
        continue
      }
      if (chunked) {
        const stop = chunked.feed(chunk, at)
        send(chunk.subarray(at, stop < 0 ? chunk.length : stop))
        if (stop < 0) return
        at = stop
        if (chunked.broken) raw = true
        chunked = undefined
        if (last) finish()
        continue
      }
      at = head(chunk, at)
    }
  })
  upstream.on('data', (c: Buffer) => {
    if (!client.write(c)) {
      upstream.pause()
      client.once('drain', () => upstream.resume())
    }
  })
  upstream.on('end', () => client.end())
  client.on('end', () => {
    if (!done) upstream.end()
  })
  upstream.on('error', end)
  client.on('error', end)
  upstream.on('close', () => {
    clearTimeout(slow)
    // Once the viewer has what was written to it.
    if (!client.destroyed) client.end()
  })
  client.on('close', end)
}

/** A running front listener. */
export interface FrontListener {
  port: number
  close(): Promise<void>
}

/**
 * Listens on `ip:port` and serves each connection with {@link frontConnection}.
 *
 * @example
 * ```ts
 * const front = await startFront({ ip: '127.0.0.1', port: 8787, upstreamPort: () => edgePort })
 * ```
 */
export async function startFront(opts: FrontOptions & { ip: string; port: number }): Promise<FrontListener> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    frontConnection(socket, opts)
  })
  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen({ port: opts.port, host: opts.ip, exclusive: true }, () => ok())
  })
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((done) => {
        for (const s of sockets) s.destroy()
        server.close(() => done())
      }),
  }
}
