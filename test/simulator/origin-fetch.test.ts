// CloudFront's connection attempts and connection timeout against real sockets: a port that refuses, and a
// listener that never accepts (its queue full, further connections hang as they do at an unreachable origin).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchOrigin } from '../../src/simulator/index.js'
import { freePort } from './helpers.js'

// A socket that listens and never accepts: Node's servers always accept, so a small Python listener stands in.
const python = spawnSync('python3', ['-c', 'print(1)']).status === 0
if (!python) console.warn('origin-fetch.test.ts: python3 not found — SKIPPING the connection-timeout test (it needs a listener that never accepts)')

let listener: ChildProcess | undefined
let stuckPort = 0
const queued: net.Socket[] = []
beforeAll(async () => {
  if (!python) return
  listener = spawn('python3', ['-c', 'import socket,time\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(600)'])
  stuckPort = await new Promise<number>((resolve) => listener!.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))))
  // Fill the accept queue: from now on a connection attempt hangs.
  const s = net.connect(stuckPort, '127.0.0.1')
  queued.push(s)
  await new Promise((r) => s.once('connect', r))
})
afterAll(() => {
  for (const s of queued) s.destroy()
  listener?.kill()
})

const req = { method: 'GET', headers: {}, readTimeout: 5, keepaliveTimeout: 5 }

describe('fetchOrigin', () => {
  it('tries a refused connection connection_attempts times, then answers 502 OriginConnectError', async () => {
    const r = await fetchOrigin({ ...req, url: `http://localhost:${await freePort()}/`, connectionAttempts: 3 })
    expect(r).toMatchObject({ ok: false, status: 502, code: 'OriginConnectError' })
    expect(!r.ok && r.message).toMatch(/ECONNREFUSED: connection refused\); 3 attempts\.$/)
  })

  it.skipIf(!python)('gives up on a connection after the connection timeout, each attempt, then answers 504 OriginConnectError', async () => {
    const t0 = performance.now()
    const r = await fetchOrigin({ ...req, url: `http://localhost:${stuckPort}/`, connectTimeoutMs: 300, connectionAttempts: 2 })
    const took = performance.now() - t0
    expect(r).toMatchObject({ ok: false, status: 504, code: 'OriginConnectError' })
    expect(!r.ok && r.message).toMatch(/within the connection timeout \(0\.3 s\); 2 attempts\.$/)
    expect(took).toBeGreaterThanOrEqual(590)
  })
})
