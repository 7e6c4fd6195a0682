/**
 * `edgeware dev` as a process: how it starts, refuses and stops, run the way users run it (`npm run dev` in a
 * project `edgeware init` wrote, or node directly).
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { alive, BIN, descendants, edgeware, freePort, linkEdgeware, portFree, start, until } from './child.js'

const posix = process.platform !== 'win32'
let project: string
let empty: string

/** The project's wrangler.toml on free ports, with an example origin and a local DynamoDB. */
async function writeConfig(): Promise<{ edge: number; origin: number }> {
  const edge = await freePort()
  const origin = await freePort()
  writeFileSync(
    join(project, 'wrangler.toml'),
    `name = "signals"
[dev]
port = ${edge}
[[edge.origins]]
id = "app"
url = "http://localhost:${origin}"
example = true
[edge.dynamodb]
local = true
table = "origins"
[edge.default_behavior]
origin = "app"
viewer_request = "edge-functions/site/viewer-request.ts"
origin_response = "edge-functions/site/origin-response.ts"
`,
  )
  return { edge, origin }
}

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'edgeware-dev-process-'))
  empty = mkdtempSync(join(tmpdir(), 'edgeware-empty-'))
  const init = await edgeware(['init', project, '--force'], { cwd: project })
  expect(init.code, init.stderr).toBe(0)
  expect(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).scripts.dev).toBe(posix ? SCRIPTS.init : 'edgeware dev')
  linkEdgeware(project)
})

afterAll(() => {
  rmSync(project, { recursive: true, force: true })
  rmSync(empty, { recursive: true, force: true })
})

/** The dev script as `edgeware init` writes it, and as a user may write it by hand. */
const SCRIPTS = { init: 'exec edgeware dev', plain: 'edgeware dev' }
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
const RUNS = [
  ...SIGNALS.map((signal) => ({ signal, script: 'init' as const })),
  // npm hands SIGINT on to the `sh -c` it runs a script with, and sh ignores it while it waits: only `exec` gets it
  // to the server (a terminal's Ctrl+C goes to every process of the group, the server included).
  ...(['SIGTERM', 'SIGHUP'] as const).map((signal) => ({ signal, script: 'plain' as const })),
  ...SIGNALS.map((signal) => ({ signal, script: 'node' as const })),
  // killed outright, the server can't end workerd (Miniflare's child) itself: its watchdog does (Linux)
  ...(process.platform === 'linux' ? [{ signal: 'SIGKILL' as const, script: 'node' as const }] : []),
]

describe.skipIf(!posix)('stopping `npm run dev` (or `edgeware dev` started directly)', () => {
  for (const { signal, script } of RUNS) {
    const to = script === 'node' ? 'node running edgeware dev' : `npm (dev script "${SCRIPTS[script]}")`
    it(`${signal} to ${to} stops the edge, the functions, the example origin and the local DynamoDB`, async () => {
      const ports = await writeConfig()
      let dev
      if (script === 'node') dev = start(process.execPath, [BIN, 'dev'], project)
      else {
        const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
        pkg.scripts.dev = SCRIPTS[script]
        writeFileSync(join(project, 'package.json'), JSON.stringify(pkg))
        dev = start('npm', ['run', 'dev'], project)
      }
      let tree: number[] = []
      try {
        await dev.waitFor(/open http:\/\/127\.0\.0\.1:\d+\//)
        const dynamo = Number((await dev.waitFor(/local DynamoDB \(origins\) on http:\/\/127\.0\.0\.1:(\d+)/))[1])
        expect(await (await fetch(`http://127.0.0.1:${ports.edge}/`)).text()).toContain('example origin')
        tree = [dev.child.pid!, ...descendants(dev.child.pid!)]
        expect(tree.length).toBeGreaterThanOrEqual(2) // npm or not, a shell or not, the server (node) and workerd
        dev.child.kill(signal)
        const ms = await until(
          async () => tree.every((p) => !alive(p)) && (await portFree(ports.edge)) && (await portFree(ports.origin)) && (await portFree(dynamo)),
          3000,
          `after ${signal}: every process gone and ports ${ports.edge}, ${ports.origin}, ${dynamo} free`,
        )
        expect(ms).toBeLessThan(3000)
      } finally {
        // (what it started, orphaned or not, when the test failed)
        for (const p of new Set([...tree, dev.child.pid!, ...descendants(dev.child.pid!)])) if (alive(p)) process.kill(p, 'SIGKILL')
      }
    }, 60_000)
  }
})

describe.skipIf(!posix || !existsSync('/usr/bin/script'))('edgeware dev in a terminal, and edgeware invalidate', () => {
  it('i invalidates the whole cache and Ctrl+C stops; edgeware invalidate empties the paths it names', async () => {
    const ports = await writeConfig()
    // `script` gives the server a terminal (stdin a TTY), as when a user runs it.
    const child = spawn('script', ['-qfec', `"${process.execPath}" "${BIN}" dev`, '/dev/null'], { cwd: project, stdio: ['pipe', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')))
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')))
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
    const seen = async (re: RegExp): Promise<void> => {
      await until(() => re.test(out), 20_000, `${re} in the output`).catch(() => {
        throw new Error(`no ${re} in the output:\n${out}`)
      })
    }
    const xcache = async (path = '/'): Promise<string | null> => {
      const res = await fetch(`http://127.0.0.1:${ports.edge}${path}`)
      await res.arrayBuffer()
      return res.headers.get('x-cache')
    }
    try {
      await seen(/i to invalidate the cache · Ctrl\+C to stop/)
      await xcache()
      expect(await xcache()).toBe('Hit from cloudfront')
      child.stdin.write('i')
      await seen(/invalidated 1 cached object: \/\*/)
      expect(await xcache()).toBe('Miss from cloudfront')
      await xcache('/about')
      const r = await edgeware(['invalidate', '/about', '/nothing*'], { cwd: project })
      expect(r.stdout).toBe(`invalidated 1 cached object on 127.0.0.1:${ports.edge}: /about /nothing*\n`)
      expect(r.code).toBe(0)
      expect(await xcache('/about')).toBe('Miss from cloudfront')
      expect(await xcache()).toBe('Hit from cloudfront')
      child.stdin.write('\u0003')
      expect(await exited).toBe(130)
      expect(await portFree(ports.edge)).toBe(true)
    } finally {
      for (const p of [child.pid!, ...descendants(child.pid!)]) if (alive(p)) process.kill(p, 'SIGKILL')
    }
  }, 60_000)
})

describe('edgeware dev refusing to start', () => {
  let busy: Server
  afterAll(() => busy?.close())

  it('a taken port: one line naming the port and --port, exit code 1', async () => {
    const ports = await writeConfig()
    busy = createServer()
    await new Promise<void>((r) => busy.listen(ports.edge, '127.0.0.1', r))
    const r = await edgeware(['dev'], { cwd: project })
    expect(r.code).toBe(1)
    const lines = (r.stdout + r.stderr).trimEnd().split('\n')
    expect(lines, r.stdout + r.stderr).toHaveLength(1)
    expect(lines[0]).toBe(`edgeware dev: port ${ports.edge} on 127.0.0.1 is already in use (another edgeware dev?): stop it, or start on another port with --port <n>`)
    // nothing it had started is left: the example origin's port is free
    expect(await portFree(ports.origin)).toBe(true)
  })

  it('no wrangler.toml: one line pointing at edgeware init (dev and build)', async () => {
    for (const command of ['dev', 'build']) {
      const r = await edgeware([command], { cwd: empty })
      expect(r.code).toBe(1)
      expect(r.stdout).toBe('')
      expect(r.stderr).toBe(`edgeware ${command}: no wrangler.toml in ${empty}: start a project with \`npx edgeware init\`, or name the config with --config FILE\n`)
    }
    const r = await edgeware(['dev', '--config', 'nope.toml'], { cwd: empty })
    expect(r.stderr).toBe('edgeware dev: no config at nope.toml: start a project with `npx edgeware init`, or check the --config path\n')
  })
})

describe.skipIf(process.platform !== 'linux')('edgeware dev --ip', () => {
  it('listens on the address given instead of 127.0.0.1', async () => {
    const ports = await writeConfig()
    const dev = start(process.execPath, [BIN, 'dev', '--ip', '127.0.0.2'], project)
    try {
      await dev.waitFor(/open http:\/\/127\.0\.0\.2:\d+\//)
      expect((await fetch(`http://127.0.0.2:${ports.edge}/`)).status).toBe(200)
      await expect(fetch(`http://127.0.0.1:${ports.edge}/`)).rejects.toThrow()
    } finally {
      dev.child.kill('SIGTERM')
      await dev.exited
    }
  }, 60_000)
})
