/**
 * The example distribution on the local edge (Miniflare + Lambda-like containers), with the origin table in an
 * in-process dynalite seeded from a file: two hosts reach two different local origins, no AWS account involved.
 * The example's config is loaded as is; only the origin ports are moved to free ones (and the seed with them) so
 * that this suite can run next to others.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadConfig } from '../../src/simulator/config.js'
import { startDev, type DevServer } from '../../src/simulator/dev.js'
import { freePort } from '../simulator/helpers.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
let dev: DevServer
let dir: string

function get(path: string, host: string): Promise<{ status: number; body: string; cache: string | undefined }> {
  const u = new URL(dev.url)
  return new Promise((resolve, reject) => {
    const q = request({ host: '127.0.0.1', port: u.port, path, headers: { host } }, (r) => {
      let body = ''
      r.setEncoding('utf8')
      r.on('data', (c: string) => (body += c))
      r.on('end', () => resolve({ status: r.statusCode ?? 0, body, cache: r.headers['x-cache'] as string | undefined }))
    })
    q.on('error', reject)
    q.end()
  })
}

beforeAll(async () => {
  const config = await loadConfig(join(root, 'wrangler.toml'))
  const app = await freePort()
  const blog = await freePort()
  const ports: Record<string, number> = { app, blog }
  const moved: Record<string, number> = {}
  config.edge.origins = config.edge.origins.map((o) => {
    if (o.kind !== 'custom') return o
    const u = new URL(o.url)
    moved[u.port] = ports[o.id]!
    return { ...o, url: `http://localhost:${ports[o.id]}` }
  })
  dir = await mkdtemp(join(tmpdir(), 'edgeware-origin-edge-'))
  const seed = JSON.parse(await readFile(join(root, 'edge-functions/origins.seed.json'), 'utf8')) as { port?: number }[]
  for (const r of seed) if (r.port !== undefined && moved[String(r.port)]) r.port = moved[String(r.port)]
  const seedFile = join(dir, 'seed.json')
  await writeFile(seedFile, JSON.stringify(seed))
  config.edge.dynamodb = { ...config.edge.dynamodb!, seed: seedFile }
  const quiet = () => {}
  dev = await startDev({ config, port: 0, watch: false, logger: { info: quiet, warn: quiet, error: quiet } as never })
}, 60_000)

afterAll(async () => {
  await dev?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('the example distribution', () => {
  it('routes blog.localhost to the blog origin and every other host to the app origin, from the seeded table', async () => {
    const blog = await get('/hello', 'blog.localhost')
    expect(blog.body).toMatch(/example origin <b>blog<\/b>/)
    const app = await get('/hello', 'localhost')
    expect(app.body).toMatch(/example origin <b>app<\/b>/)
    const other = await get('/hello', 'shop.localhost:8787')
    expect(other.body).toMatch(/example origin <b>app<\/b>/)
    // Host is in the cache key: a second blog request is a hit on the blog's own object
    const again = await get('/hello', 'blog.localhost')
    expect(again.body).toMatch(/example origin <b>blog<\/b>/)
    expect(again.cache).toMatch(/^Hit/)
    expect(blog.cache).toMatch(/^Miss/)
    expect(app.cache).toMatch(/^Miss/)
  })
})
