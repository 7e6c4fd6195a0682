/**
 * The example distribution as `npm run dev` serves it (the root wrangler.toml, edge-functions/, public/, the two
 * example origins and dynalite), with the example origins on free ports (the seed's rules moved with them) and the
 * edge on `port` (default: any free one), so it runs beside a `npm run dev` and other suites.
 * Used by the example suites and by scripts/screenshot.mjs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request, type IncomingHttpHeaders } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadConfig } from '../../src/simulator/config.js'
import { startDev, type DevServer } from '../../src/simulator/dev.js'
import type { DevLogger } from '../../src/simulator/log.js'
import { freePort } from '../simulator/helpers.js'

/** The repository root (wrangler.toml, edge-functions/, public/). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** An answer read whole. */
export interface Answer {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/**
 * Sends a request to 127.0.0.1:`port` with node:http (which, unlike fetch, lets a test set `Host`), reading the
 * answer whole.
 *
 * @example
 * ```ts
 * const blog = await send(8787, '/', { headers: { host: 'blog.localhost' } })
 * ```
 */
export function send(port: number | string, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: init.method ?? 'GET', path, headers: init.headers ?? {} }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end(init.body)
  })
}

/**
 * Starts the example; `close()` stops it and removes the moved seed.
 *
 * @example
 * ```ts
 * const example = await startExample({ logger: { info() {}, error() {} } })
 * await fetch(example.dev.url + '/docs/')
 * await example.close()
 * ```
 */
export async function startExample(opts: { port?: number; logger?: DevLogger } = {}): Promise<{ dev: DevServer; close(): Promise<void> }> {
  const config = await loadConfig(join(ROOT, 'wrangler.toml'))
  const tmp = mkdtempSync(join(tmpdir(), 'edgeware-example-'))
  const moved = new Map<number, number>()
  for (const o of config.edge.origins) {
    if (o.kind !== 'custom' || !o.example) continue
    const url = new URL(o.url)
    const port = await freePort()
    moved.set(Number(url.port), port)
    url.port = String(port)
    o.url = url.href.replace(/\/$/, '')
  }
  if (config.edge.dynamodb?.seed) {
    const rules = JSON.parse(readFileSync(config.edge.dynamodb.seed, 'utf8')) as { port?: number }[]
    for (const r of rules) if (r.port !== undefined && moved.has(r.port)) r.port = moved.get(r.port)!
    const seed = join(tmp, 'origins.seed.json')
    writeFileSync(seed, JSON.stringify(rules))
    config.edge.dynamodb.seed = seed
  }
  try {
    const dev = await startDev({ config, port: opts.port ?? 0, watch: false, ...(opts.logger ? { logger: opts.logger } : {}) })
    return {
      dev,
      close: async () => {
        await dev.close()
        rmSync(tmp, { recursive: true, force: true })
      },
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true })
    throw e
  }
}
