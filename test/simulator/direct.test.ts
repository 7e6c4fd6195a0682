// Direct containers: the edge calls a container over its own WebSocket (container.ts); the container validates its
// result with the host's code and answers itself; the main thread times it out, reports its end and retires it.
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { classic } from '../../src/cloudfront/limits.js'
import type { InvokeReply } from '../../src/simulator/protocol.js'
import { containerRuntimeCode } from '../../src/simulator/dev.js'
import { LambdaFunction, type DirectEnd } from '../../src/simulator/lambda.js'
import type { VerdictLine } from '../../src/simulator/verdict.js'
import { createEvent } from '../../src/testing/index.js'

const CODE = `
exports.handler = async (event) => {
  const request = event.Records[0].cf.request
  if (request.uri === '/hang') await new Promise(() => setInterval(() => {}, 1000))
  if (request.uri === '/readonly') request.headers.host = [{ key: 'Host', value: 'changed.example' }]
  else request.headers['x-seen'] = [{ key: 'X-Seen', value: request.uri }]
  return request
}
`
const TOKEN = 'test-token'

const fns: LambdaFunction[] = []
afterEach(async () => {
  for (const f of fns.splice(0)) await f.close()
})

async function direct(timeoutMs = 5000, sockets?: { socketDir: string; socketSlots: number }): Promise<{ fn: LambdaFunction; lines: VerdictLine[]; ends: DirectEnd[] }> {
  const lines: VerdictLine[] = []
  const ends: DirectEnd[] = []
  const fn = new LambdaFunction({
    name: 'direct-vreq',
    code: CODE,
    filename: '/tmp/direct-vreq.js',
    memoryMb: 128,
    timeoutMs,
    region: 'us-east-1',
    direct: { runtime: await containerRuntimeCode(), token: TOKEN, limits: classic, verbose: false, color: false, ...sockets },
    onLines: (l) => lines.push(...l),
    onDirectEnd: (e) => ends.push(e),
  })
  fns.push(fn)
  return { fn, lines, ends }
}

/** A WebSocket client like the edge: masked frames out, replies in. */
async function connect(where: number | string, path = `/${TOKEN}`): Promise<{ call(text: string): Promise<string>; head: string; socket: net.Socket }> {
  const socket = typeof where === 'number' ? net.connect(where, '127.0.0.1') : net.connect(where)
  await once(socket, 'connect')
  let data = Buffer.alloc(0)
  const waiters: ((t: string) => void)[] = []
  let head = ''
  socket.on('data', (c: Buffer) => {
    data = Buffer.concat([data, c])
    if (!head) {
      const end = data.indexOf('\r\n\r\n')
      if (end < 0) return
      head = data.toString('latin1', 0, end)
      data = data.subarray(end + 4)
      waiters.shift()?.(head)
    }
    while (data.length >= 2) {
      let len = data[1]! & 0x7f
      let off = 2
      if (len === 126) {
        len = data.readUInt16BE(2)
        off = 4
      }
      if (data.length < off + len) return
      const text = data.toString('utf8', off, off + len)
      data = data.subarray(off + len)
      waiters.shift()?.(text)
    }
  })
  socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`)
  await new Promise<string>((r) => waiters.push(r))
  return {
    head,
    socket,
    call(text) {
      const payload = Buffer.from(text, 'utf8')
      const len = payload.length
      const frame = Buffer.alloc((len < 126 ? 2 : 4) + 4 + len)
      frame[0] = 0x81
      let off = 2
      if (len < 126) frame[1] = 0x80 | len
      else {
        frame[1] = 0x80 | 126
        frame.writeUInt16BE(len, 2)
        off = 4
      }
      const mask = [0x01, 0x02, 0x03, 0x04]
      for (let i = 0; i < 4; i++) frame[off + i] = mask[i]!
      for (let i = 0; i < len; i++) frame[off + 4 + i] = payload[i]! ^ mask[i & 3]!
      socket.write(frame)
      return new Promise((r) => waiters.push(r))
    },
  }
}

const call = (id: number, uri: string, requestId = `req-${id}`): string => `${id}\nviewer-request\n${requestId}\n${JSON.stringify(createEvent('viewer-request', { uri }))}`
const reply = (text: string, id: number): InvokeReply => {
  expect(text.startsWith(`${id}\n`)).toBe(true)
  return JSON.parse(text.slice(String(id).length + 1)) as InvokeReply
}

describe('direct containers', () => {
  it('answer the edge themselves: the result, cold then warm', async () => {
    const { fn } = await direct()
    const c = await fn.lease()
    const ws = await connect(Number(await c.ready!))
    expect(ws.head).toMatch(/^HTTP\/1\.1 101 /)
    const first = reply(await ws.call(call(1, '/a')), 1)
    expect(first).toMatchObject({ ok: true, cold: true })
    expect(first.ok && (first.result as { headers: Record<string, unknown> }).headers['x-seen']).toEqual([{ key: 'X-Seen', value: '/a' }])
    const second = reply(await ws.call(call(2, '/b')), 2)
    expect(second).toMatchObject({ ok: true, cold: false })
    // the cold call's time includes the container's start-up (thread, runtime, module), as when a call waited for it
    expect(first.ms).toBeGreaterThan(second.ms)
    ws.socket.destroy()
  })

  it("validate with checkResult: a read-only header change is the 502, the rule and the header in the reply's detail for the request's log line", async () => {
    const { fn } = await direct()
    const c = await fn.lease()
    const ws = await connect(Number(await c.ready!))
    const r = reply(await ws.call(call(1, '/readonly', 'req-ro')), 1)
    expect(r).toMatchObject({ ok: false, status: 502, code: 'ReadOnlyHeader' })
    expect((r as { detail?: string }).detail).toMatch(/^The Lambda function result failed validation: The function tried to add, delete, or change a read-only header\..* \(at headers\.host\)$/)
    ws.socket.destroy()
  })

  it('turn calls away after a live reload (the edge calls a new container), but finish the one running', async () => {
    const { fn } = await direct()
    const c = await fn.lease()
    const ws = await connect(Number(await c.ready!))
    expect(reply(await ws.call(call(1, '/a')), 1)).toMatchObject({ ok: true })
    fn.swap(CODE)
    expect(await ws.call(call(2, '/a'))).toBe('2\n')
    ws.socket.destroy()
  })

  it('time out like Lambda: the main thread kills the container and reports what it was running', async () => {
    const { fn, ends } = await direct(300)
    const c = await fn.lease()
    const ws = await connect(Number(await c.ready!))
    void ws.call(call(1, '/hang', 'req-hang'))
    for (let i = 0; i < 100 && !ends.length; i++) await new Promise((res) => setTimeout(res, 10))
    expect(ends).toHaveLength(1)
    const end = ends[0]!
    expect(end.container).toBe(c.id)
    expect(end.running).toMatchObject({ stage: 'viewer-request', requestId: 'req-hang', outcome: { ok: false, kind: 'timeout', message: 'Task timed out after 0.30 seconds', cold: true } })
    const ms = end.running!.outcome.ms
    expect(ms).toBeGreaterThanOrEqual(300)
    expect(ms).toBeLessThan(1000)
    expect(fn.size).toBe(0)
  })

  it('listen on a Unix socket slot when the edge has socket bindings, and free the slot when they go', async () => {
    const socketDir = mkdtempSync(join(tmpdir(), 'edgeware-test-'))
    try {
      const { fn } = await direct(5000, { socketDir, socketSlots: 1 })
      const a = await fn.lease()
      expect(await a.ready).toBe('s0')
      const ws = await connect(join(socketDir, '0.sock'))
      expect(reply(await ws.call(call(1, '/a')), 1)).toMatchObject({ ok: true })
      ws.socket.destroy()
      // the only slot is taken: the next container listens on TCP
      const b = await fn.lease()
      expect(await b.ready).toMatch(/^\d+$/)
      // once the first is gone its slot is free again
      fn.retire(a)
      await once(a.worker, 'exit')
      const c = await fn.lease()
      expect(await c.ready).toBe('s0')
    } finally {
      rmSync(socketDir, { recursive: true, force: true })
    }
  })

  it('refuse a connection without the token', async () => {
    const { fn } = await direct()
    const c = await fn.lease()
    const ws = await connect(Number(await c.ready!), '/wrong')
    expect(ws.head).toMatch(/^HTTP\/1\.1 403 /)
    ws.socket.destroy()
  })
})
