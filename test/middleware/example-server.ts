/**
 * The example distribution as `npm run dev` serves it (the root wrangler.toml, edge-functions/, public/, the two
 * example origins and dynalite), with the example origins on free ports (the seed's rules moved with them) and the
 * edge on `port` (default: any free one), so it runs beside a `npm run dev` and other suites.
 * Used by the example suites and by scripts/screenshot.mjs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadConfig } from '../../src/simulator/config.js'
import { startDev, type DevServer } from '../../src/simulator/dev.js'
import type { DevLogger } from '../../src/simulator/log.js'

/** The repository root (wrangler.toml, edge-functions/, public/). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const port = (s.address() as { port: number }).port
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return port
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
