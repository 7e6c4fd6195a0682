import http from 'node:http'
import https from 'node:https'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { parseConfig, startDev, type DevServer } from '../../src/simulator/index.js'
import { run } from '../../src/cli/dev.js'
import { FIXTURES, freePort } from './helpers.js'
import { BIN, start } from '../cli/child.js'

let dir: string
let dev: DevServer
let appPort: number
let blogPort: number

/** GET with an explicit Host header (fetch can't set it). */
function get(path: string, host?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const u = new URL(dev.url)
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: u.port, path, headers: host ? { host } : {} }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
  })
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgeware-example-'))
  appPort = await freePort()
  blogPort = await freePort()
  writeFileSync(
    join(dir, 'seed.json'),
    JSON.stringify([
      { host: '*', pathPrefix: '/', type: 'custom', domainName: 'localhost', protocol: 'http', port: appPort },
      { host: 'blog.localhost', pathPrefix: '/', type: 'custom', domainName: 'localhost', protocol: 'http', port: blogPort },
    ]),
  )
  const toml = `
name = "example-test"
[vars]
ORIGINS_TABLE = "test-origins"
[[edge.origins]]
id = "app"
url = "http://localhost:${appPort}"
example = "tour"
[[edge.origins]]
id = "blog"
url = "http://localhost:${blogPort}"
example = "tour"
[edge.dynamodb]
local = true
table = "test-origins"
seed = "seed.json"
[edge.default_behavior]
origin = "app"
origin_request = "${join(FIXTURES, 'functions', 'dynamo-oreq.ts')}"
cache = { default_ttl = 60, headers = ["host"] }
`
  dev = await startDev({ config: parseConfig(toml, join(dir, 'wrangler.toml')), port: 0, watch: false, logger: { info() {}, error() {} } })
}, 60_000)

afterAll(async () => {
  await dev?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('example origins and the local DynamoDB', () => {
  it('starts an example origin per example origin, with the guided tour\'s pages and Cache-Control', async () => {
    expect(dev.examples.map((e) => [e.id, e.port])).toEqual([
      ['app', appPort],
      ['blog', blogPort],
    ])
    const home = await get('/')
    expect(home.status).toBe(200)
    expect(home.headers['x-origin']).toBe('app')
    expect(home.body).toContain('example origin <b>app</b>')
    expect(home.headers['x-cache']).toBe('Miss from cloudfront')
    expect((await get('/')).headers['x-cache']).toBe('Hit from cloudfront')
    for (const p of ['/docs/', '/docs/index.html', '/about']) expect((await get(p)).status).toBe(200)
    expect((await get('/missing')).status).toBe(404)
  })

  it('routes by host through the seeded table (dynalite started in-process, endpoint baked in)', async () => {
    expect(dev.dynamoEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const blog = await get('/', 'blog.localhost')
    expect(blog.status).toBe(200)
    expect(blog.headers['x-origin']).toBe('blog')
    expect((await get('/', 'other.localhost')).headers['x-origin']).toBe('app')
  })

  it('example = true serves the starter site: every link on its pages answers, the page needs nothing else', async () => {
    const d2 = await startDev({
      config: parseConfig(`[[edge.origins]]\nid = "site"\nurl = "http://localhost:${await freePort()}"\nexample = true\n[edge.default_behavior]\norigin = "site"\n`, join(dir, 'starter.toml')),
      port: 0,
      watch: false,
      logger: { info() {}, error() {} },
    })
    try {
      const home = await fetch(d2.url)
      const body = await home.text()
      expect(home.status).toBe(200)
      expect(home.headers.get('cache-control')).toBe('public, max-age=60')
      expect(body).toContain('Your distribution is up')
      expect(body).toContain('example origin <b>site</b>')
      expect(body).not.toMatch(/<link |<script |<img /) // style inline, nothing fetched from paths the distribution may lack
      // the commands it shows reach this edge, on the port it listens on (here not 8787)
      expect(body).toContain(`curl -i http://localhost:${new URL(d2.url).port}/ `)
      const seen = new Set<string>()
      const queue = ['/']
      while (queue.length) {
        const path = queue.shift()!
        const res = await fetch(new URL(path, d2.url))
        expect(res.status, path).toBe(200)
        for (const [, href] of (await res.text()).matchAll(/href="(\/[^"]*)"/g)) if (!seen.has(href!)) seen.add(href!), queue.push(href!)
      }
      expect([...seen].sort()).toEqual(['/', '/about'])
      const missing = await fetch(new URL('/docs/', d2.url))
      expect(missing.status).toBe(404)
      expect(await missing.text()).toContain('has no page at <code>/docs/</code>')
    } finally {
      await d2.close()
    }
  })

  it('closes everything it started', async () => {
    const port = dev.examples[0]!.port
    const d2 = await startDev({
      config: parseConfig(`[[edge.origins]]\nid = "x"\nurl = "http://localhost:${await freePort()}"\nexample = true\n[edge.default_behavior]\norigin = "x"\n`, join(dir, 'w2.toml')),
      port: 0,
      watch: false,
      logger: { info() {}, error() {} },
    })
    const url = d2.url
    const exPort = d2.examples[0]!.port
    await d2.close()
    await expect(fetch(url)).rejects.toThrow()
    await expect(fetch(`http://127.0.0.1:${exPort}/`)).rejects.toThrow()
    expect(port).toBe(appPort)
  })
})

describe('start-up errors', () => {
  it('names a busy port and the way out before starting anything (workerd never tries it), and releases the example origin port', async () => {
    const busy = http.createServer()
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r))
    const port = (busy.address() as { port: number }).port
    const exPort = await freePort()
    const cfg = parseConfig(`[[edge.origins]]\nid = "x"\nurl = "http://localhost:${exPort}"\nexample = true\n[edge.default_behavior]\norigin = "x"\n`, join(dir, 'w3.toml'))
    try {
      await expect(startDev({ config: cfg, port, watch: false, logger: { info() {}, error() {} } })).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use (another edgeware dev?): stop it, or start on another port with --port <n>`)
    } finally {
      busy.close()
    }
    const again = http.createServer()
    await new Promise<void>((ok, fail) => {
      again.once('error', fail)
      again.listen(exPort, '127.0.0.1', () => ok())
    })
    again.close()
  })
})

describe('edgeware dev (CLI)', () => {
  it('--https serves HTTPS beside HTTP and prints both addresses; SIGINT stops it', async () => {
    writeFileSync(join(dir, 'https.toml'), `[[edge.origins]]\nid = "x"\nurl = "http://localhost:${await freePort()}"\nexample = true\n[edge.default_behavior]\norigin = "x"\n[dev]\nhttps_port = 0\n`)
    // as users run it: the CLI in its own process (it exits once stopped)
    const dev = start(process.execPath, [BIN, 'dev', '--config', join(dir, 'https.toml'), '--port', '0', '--https'], dir)
    try {
      const m = await dev.waitFor(/on (http:\/\/\S+) and (https:\/\/\S+) \(self-signed certificate\)/)
      const status = await new Promise<number>((resolve, reject) => {
        const u = new URL(m[2]!)
        https.get({ host: u.hostname, port: u.port, path: '/', rejectUnauthorized: false }, (r) => {
          r.resume()
          resolve(r.statusCode ?? 0)
        }).on('error', reject)
      })
      expect(status).toBe(200)
      dev.child.kill('SIGINT')
      // 128 + 2, as a shell reports a Ctrl+C'd command (Miniflare's exit hook exits with it)
      expect(await dev.exited).toBe(130)
    } finally {
      if (dev.child.exitCode === null) dev.child.kill('SIGKILL')
    }
  })

  it('rejects bad options with usage (exit 2) and an invalid config naming the key (exit 1)', async () => {
    const errors: string[] = []
    const spy = vi.spyOn(console, 'error').mockImplementation((m: unknown) => void errors.push(String(m)))
    try {
      expect(await run(['--port', 'abc'])).toBe(2)
      expect(errors.join('\n')).toMatch(/--port: expected a port number/)
      expect(await run(['--nope'])).toBe(2)
      writeFileSync(join(dir, 'bad.toml'), '[edge]\nlimits = "fast"\n')
      expect(await run(['--config', join(dir, 'bad.toml')])).toBe(1)
      expect(errors.join('\n')).toMatch(/invalid config: .*bad\.toml: edge\.limits: expected "classic" or "current", got "fast"/)
    } finally {
      spy.mockRestore()
    }
  })
})
