import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseConfig, startDev, type DevServer, type EdgeConfig, type LogRecord } from '../../src/simulator/index.js'

export const FIXTURES = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures')

/** A real origin server on 127.0.0.1 with a few behaviours chosen by path. */
export interface TestOrigin {
  name: string
  port: number
  url: string
  /** Requests received per path (with query). */
  hits(path: string): number
  total(): number
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders; rawHeaders: string[]; body: string }[]
  close(): Promise<void>
}

export async function startTestOrigin(name: string): Promise<TestOrigin> {
  const counts = new Map<string, number>()
  const requests: TestOrigin['requests'] = []
  let total = 0
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = req.url ?? '/'
      const path = url.split('?')[0]!
      counts.set(url, (counts.get(url) ?? 0) + 1)
      total++
      const body = Buffer.concat(chunks).toString('utf8')
      requests.push({ method: req.method ?? '', url, headers: req.headers, rawHeaders: req.rawHeaders, body })
      if (path.includes('/hang')) return // never answers
      if (path.includes('/reset')) {
        req.socket.destroy()
        return
      }
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-origin': name, 'x-origin-count': String(counts.get(url)) }
      let status = 200
      const st = /\/status\/(\d{3})/.exec(path)
      if (st) status = Number(st[1])
      const cc = /\/cc\/([^/]+)/.exec(path)
      if (cc) headers['cache-control'] = decodeURIComponent(cc[1]!)
      // `/hdr/<name>/<value>/`: a response header of the test's choosing (several allowed).
      for (const m of path.matchAll(/\/hdr\/([^/]+)\/([^/]*)/g)) headers[decodeURIComponent(m[1]!).toLowerCase()] = decodeURIComponent(m[2]!)
      if (path.includes('/etag/')) headers['etag'] = '"v1"'
      const out = JSON.stringify({ origin: name, method: req.method, url, headers: req.headers, body, count: counts.get(url) })
      // `/sized/`: with Content-Length (otherwise the body goes chunked).
      if (path.includes('/sized/')) headers['content-length'] = String(Buffer.byteLength(out))
      const answer = (): void => {
        res.writeHead(status, headers)
        res.end(req.method === 'HEAD' ? undefined : out)
      }
      // `/delay/<ms>/`: answers after a while.
      const delay = /\/delay\/(\d+)/.exec(path)
      if (delay) setTimeout(answer, Number(delay[1]))
      else answer()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  return {
    name,
    port,
    url: `http://localhost:${port}`,
    hits: (p) => counts.get(p) ?? 0,
    total: () => total,
    requests,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}

/**
 * A port nothing listens on, for an origin the test starts later or leaves closed (a refused connection): below
 * the kernel's ephemeral range, where no `listen(0)` elsewhere (workerd, dynalite, other suites) can be handed it in
 * the meantime.
 */
export { freePort } from '../cli/child.js'

export interface Harness {
  dev: DevServer
  logs: string[]
  records: LogRecord[]
  get(path: string, init?: RequestInit): Promise<Response>
  /** Waits until the request log line for a request id has arrived. */
  record(requestId: string): Promise<LogRecord>
  close(): Promise<void>
}

export interface HarnessOptions {
  verbose?: boolean
  maxContainers?: number
  watch?: boolean
  headersTimeoutMs?: number
  logFile?: string
}

export async function startHarness(config: EdgeConfig, opts: HarnessOptions = {}): Promise<Harness> {
  const logs: string[] = []
  const records: LogRecord[] = []
  const dev = await startDev({
    config,
    port: 0,
    logger: { info: (l) => logs.push(l), error: (l) => logs.push(l) },
    onRequest: (r) => records.push(r),
    watch: opts.watch ?? false,
    ...(opts.verbose ? { verbose: true } : {}),
    ...(opts.maxContainers ? { maxContainers: opts.maxContainers } : {}),
    ...(opts.headersTimeoutMs ? { headersTimeoutMs: opts.headersTimeoutMs } : {}),
    ...(opts.logFile ? { logFile: opts.logFile } : {}),
  })
  return {
    dev,
    logs,
    records,
    get: (path, init) => fetch(dev.url + path, { redirect: 'manual', ...init }),
    async record(id) {
      for (let i = 0; i < 200; i++) {
        const r = records.find((x) => x.requestId === id)
        if (r) return r
        await new Promise((res) => setTimeout(res, 10))
      }
      throw new Error(`no log record for ${id}; logs:\n${logs.join('\n')}`)
    },
    close: () => dev.close(),
  }
}

export function config(toml: string, file = join(FIXTURES, 'wrangler.test.toml')): EdgeConfig {
  return parseConfig(toml, file)
}

/** A site from files in a temporary directory: {@link startSite}. */
export interface Site {
  /** The directory the files and the config are in. */
  dir: string
  origin: TestOrigin
  h: Harness
  /** Closes the harness and the origin (unless it was given) and removes the directory. */
  close(): Promise<void>
}

/**
 * The usual end-to-end setup: `files` (name → source) written to a new temporary directory, a test origin `main`
 * (or `opts.origin`), and a harness on a config in that directory: `name = "<name>"`, the origin, and
 * `[edge.default_behavior]` on it followed by `toml` (the behavior's keys, then any further tables).
 *
 * @example
 * ```ts
 * const site = await startSite('reload', { 'vreq.js': source }, 'viewer_request = "vreq.js"', { watch: true })
 * await site.h.get('/')
 * await site.close()
 * ```
 */
export async function startSite(name: string, files: Record<string, string>, toml: string, opts: HarnessOptions & { origin?: TestOrigin } = {}): Promise<Site> {
  const dir = mkdtempSync(join(tmpdir(), `edgeware-${name}-`))
  let origin: TestOrigin | undefined
  let h: Harness | undefined
  const close = async (): Promise<void> => {
    await h?.close()
    if (origin && origin !== opts.origin) await origin.close()
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    for (const [file, source] of Object.entries(files)) writeFileSync(join(dir, file), source)
    origin = opts.origin ?? (await startTestOrigin('main'))
    const { origin: _, ...harness } = opts
    const head = `name = "${name}"\n[[edge.origins]]\nid = "main"\nurl = "${origin.url}"\n[edge.default_behavior]\norigin = "main"\n`
    h = await startHarness(parseConfig(head + toml, join(dir, 'wrangler.toml')), harness)
    return { dir, origin, h, close }
  } catch (e) {
    await close()
    throw e
  }
}

/** What came back on one raw connection: the bytes, and whether the edge closed it. */
export interface RawExchange {
  text: string
  closed: boolean
}

/**
 * Writes `parts` to a new connection to `url` (a RegExp part waits until what came back matches it, e.g. a
 * `100 Continue`), then reads until the edge closes the connection or `waitMs` passes without it.
 */
export function rawExchange(url: string, parts: (string | Buffer | RegExp)[], waitMs = 1500): Promise<RawExchange> {
  const u = new URL(url)
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(u.port), u.hostname)
    let text = ''
    let waiter: (() => void) | undefined
    const timer = setTimeout(() => {
      s.destroy()
      resolve({ text, closed: false })
    }, waitMs)
    s.on('data', (c: Buffer) => {
      text += c.toString('latin1')
      waiter?.()
    })
    s.on('error', () => {})
    s.on('close', () => {
      clearTimeout(timer)
      resolve({ text, closed: true })
    })
    void (async () => {
      for (const p of parts) {
        if (!(p instanceof RegExp)) {
          s.write(p)
          continue
        }
        await new Promise<void>((ok) => {
          waiter = () => {
            if (!p.test(text)) return
            waiter = undefined
            ok()
          }
          waiter()
        })
      }
    })().catch(reject)
  })
}
