// bench/_load.mjs — the load generator the edge benches share (scripts/bench.js runs only *.bench.mjs, so not
// this file). It runs in its own process (keep-alive connections, fixed concurrency, fixed duration), so it does not
// share an event loop with the edge's Node host; each phase first warms up at the measured concurrency, then
// measures. CPU of this process (the edge's Node host, and whatever else the bench runs in it) and of workerd is
// counted over the measured part only.
import { spawn } from 'node:child_process'
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

// A minimal HTTP/1.1 keep-alive client on raw sockets (like wrk or autocannon): Node's http client costs ~0.25 ms
// of CPU per request, a quarter of what the edge itself needs, taken from the same 2 cores. It checks each status
// line and reads each whole body (Content-Length or chunked).
const SCRIPT = `import net from 'node:net'
const [base, mode, duration, concurrency, serial, warm, headers] = process.argv.slice(2)
const url = new URL(base)
// The phase's own request headers ({ name: value }, e.g. Accept-Encoding), after Host.
const extra = Object.entries(JSON.parse(headers)).map(([k, v]) => k + ': ' + v + '\\r\\n').join('')
const idle = []
let seq = 0
// '/p/%16': /p/0 … /p/15 in turn (cache hits after the first round); '/p/%': a new path each time; else one path.
const path = mode.endsWith('/%16') ? () => mode.slice(0, -3) + (seq++ % 16) : mode.endsWith('/%') ? () => mode.slice(0, -1) + (seq++) : () => mode
function connection() {
  const s = net.connect(Number(url.port), url.hostname)
  s.setNoDelay(true)
  const c = { s, buf: null, done: null, fail: null, dead: false }
  const parse = () => {
    const buf = c.buf
    const he = buf.indexOf('\\r\\n\\r\\n')
    if (he < 0) return
    const head = buf.toString('latin1', 0, he).toLowerCase()
    const status = Number(head.slice(9, 12))
    let end
    const cl = /\\r\\ncontent-length: *(\\d+)/.exec(head)
    if (cl) end = he + 4 + Number(cl[1])
    else if (/\\r\\ntransfer-encoding: *chunked/.test(head)) {
      let at = he + 4
      for (;;) {
        const nl = buf.indexOf('\\r\\n', at)
        if (nl < 0) return
        const size = parseInt(buf.toString('latin1', at, nl), 16)
        at = nl + 2 + size + 2
        if (at > buf.length) return
        if (size === 0) break
      }
      end = at
    } else end = he + 4
    if (buf.length < end) return
    c.buf = buf.length > end ? buf.subarray(end) : null
    const done = c.done
    c.done = c.fail = null
    done(status)
  }
  s.on('data', (chunk) => { c.buf = c.buf ? Buffer.concat([c.buf, chunk]) : chunk; if (c.done) parse() })
  s.on('error', (e) => c.fail && c.fail(e))
  s.on('close', () => { c.dead = true; if (c.fail) c.fail(new Error('connection closed')) })
  return c
}
const get = () => new Promise((resolve, reject) => {
  let c = idle.pop()
  while (c && c.dead) c = idle.pop()
  c ??= connection()
  const t = performance.now()
  c.done = (status) => { idle.push(c); status === 200 ? resolve(performance.now() - t) : reject(new Error('status ' + status)) }
  c.fail = reject
  c.s.write('GET ' + path() + ' HTTP/1.1\\r\\nHost: ' + url.host + '\\r\\n' + extra + 'Connection: keep-alive\\r\\n\\r\\n')
})
for (let i = 0; i < 64; i++) await get()  // fill the cache
// warm up at the measured concurrency (JIT in every isolate on the way)
const w0 = performance.now()
await Promise.all(Array.from({ length: Number(concurrency) }, async () => { while (performance.now() - w0 < Number(warm)) await get() }))
const lat = []
for (let i = 0; i < Number(serial); i++) lat.push(await get())
lat.sort((a, b) => a - b)
let n = 0
process.stdout.write('go\\n') // the parent starts counting CPU
const cpu0 = process.cpuUsage()
const t0 = performance.now()
const conc = []
await Promise.all(Array.from({ length: Number(concurrency) }, async () => { while (performance.now() - t0 < Number(duration)) { conc.push(await get()); n++ } }))
conc.sort((a, b) => a - b)
const secs = (performance.now() - t0) / 1000
const q = (a, p) => a[Math.min(a.length - 1, Math.floor(a.length * p))]
const cpu = process.cpuUsage(cpu0)
for (const c of idle) c.s.destroy()
console.log(JSON.stringify({ lgCpu: (cpu.user + cpu.system) / 1000 / n, rps: n / secs, p50: q(lat, 0.5), p99: q(lat, 0.99), cp50: q(conc, 0.5), cp99: q(conc, 0.99), n }))
`

/** CPU seconds used so far by this process (origin + the edge's Node host) and by workerd. */
export function cpu() {
  const u = process.cpuUsage()
  let workerd = 0
  for (const pid of workerdPids()) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      workerd += (Number(f[11]) + Number(f[12])) / 100 // utime + stime, clock ticks (USER_HZ = 100)
    } catch {}
  }
  return { node: (u.user + u.system) / 1e6, workerd }
}
export function workerdPids() {
  const out = []
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === process.pid && /workerd/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))) out.push(pid)
    } catch {}
  }
  return out
}
/** Each phase's settings: BENCH_MS (measured, default 3000), BENCH_WARM_MS (warm-up, 1000), BENCH_CONCURRENCY (8); 400 serial requests. */
export const LOAD = {
  durationMs: Number(process.env.BENCH_MS ?? 3000),
  warmMs: Number(process.env.BENCH_WARM_MS ?? 1000),
  concurrency: Number(process.env.BENCH_CONCURRENCY ?? 8),
  serial: 400,
}

/** The settings in words, for a bench's heading. */
export const describeLoad = ({ durationMs, warmMs, concurrency, serial } = LOAD) =>
  `concurrency ${concurrency}, ${durationMs} ms each after ${warmMs} ms of warm-up, serial latency over ${serial} requests`

/**
 * A load generator writing its script into `dir`; `measured(base, mode, headers)` runs one phase against `base`
 * (each request with `headers`, `{ name: value }`, besides Host and Connection) and resolves to { rps, p50, p99
 * (serial latency, ms), cp50, cp99 (under concurrency), n, lgCpu (its own CPU ms per request), cpuNode, cpuWorkerd
 * (CPU seconds over the measured part) }. `mode`: '/p/%16' cycles /p/0 … /p/15 (hits after the first round), '/p/%'
 * asks a new path each time (misses), any other path is asked again and again.
 */
export function loadGenerator(dir, { durationMs, warmMs, concurrency, serial } = LOAD) {
  const loadScript = join(dir, 'load.mjs')
  writeFileSync(loadScript, SCRIPT)
  return { measured: (base, mode, headers = {}) => measured(loadScript, base, mode, [durationMs, concurrency, serial, warmMs, JSON.stringify(headers)].map(String)) }
}

/** One phase; CPU of this process and of workerd over its measured (concurrent) part. */
function measured(loadScript, base, mode, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [loadScript, base, mode, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    let c0
    let c1
    child.stdout.on('data', (c) => {
      out += c
      if (!c0 && out.startsWith('go\n')) c0 = cpu()
      if (c0 && !c1 && out.endsWith('}\n')) c1 = cpu()
    })
    child.on('exit', (code) => {
      if (code !== 0 || !c0 || !c1) return reject(new Error(`load generator exited ${code}`))
      const r = JSON.parse(out.slice(3))
      r.cpuNode = c1.node - c0.node
      r.cpuWorkerd = c1.workerd - c0.workerd
      resolve(r)
    })
  })
}

