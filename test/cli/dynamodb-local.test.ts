/**
 * The local origin table as a team lives with it, through the `edgeware` command in processes of its own: a fixed
 * port, a table kept between starts, `edgeware origins … --local` and `edgeware invoke --local` finding the running
 * dev server's table with no environment variable, a state file left by a killed server, `--env`.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEvent } from 'edgeware/testing'
import { ORIGIN_REQUEST, originFor as routedOriginFor, routedSiteToml } from '../origin/routed-site.js'
import { alive, BIN, descendants, edgeware, freePort, ROOT, start, until, type Running } from './child.js'

let dir: string
let ports: { edge: number; app: number; blog: number; dynamo: number }

/** The project's wrangler.toml, `[edge.dynamodb]` as given. */
function writeProject(dynamodb: string, more = ''): void {
  writeFileSync(join(dir, 'wrangler.toml'), routedSiteToml({ name: 'tables', app: ports.app, blog: ports.blog, edgePort: ports.edge, dynamodb, more }))
}

/** The blog origin's rule, written the way a user writes it. */
const PUT_BLOG = () => ['origins', 'put', '--local', '--host', 'blog.localhost', '--prefix', '/', '--type', 'custom', '--domain', 'localhost', '--protocol', 'http', '--port', String(ports.blog)]

/** Which example origin the edge sends a request for `host` to. */
const originFor = (host: string): Promise<string> => routedOriginFor(ports.edge, host)

const run = (args: string[]) => edgeware(args, { cwd: dir })

/** `edgeware dev …` in the project, once it serves. */
async function startDev(args: string[] = []): Promise<Running> {
  const dev = start(process.execPath, [BIN, 'dev', ...args], dir)
  await dev.waitFor(/open http:\/\/127\.0\.0\.1:\d+\//, 45_000)
  return dev
}

async function stopDev(dev: Running): Promise<void> {
  dev.child.kill('SIGTERM')
  await dev.exited
}

/** Kills what a test left running (a failed test's server, or workerd orphaned by a SIGKILL). */
function killTree(dev: Running): void {
  for (const p of new Set([dev.child.pid!, ...descendants(dev.child.pid!)])) if (alive(p)) process.kill(p, 'SIGKILL')
}

beforeAll(async () => {
  mkdirSync(join(ROOT, '.edgeware'), { recursive: true })
  // inside the repository so that the function's `import 'edgeware'` resolves, as in a user's project
  dir = mkdtempSync(join(ROOT, '.edgeware', 'test-tables-'))
  ports = { edge: await freePort(), app: await freePort(), blog: await freePort(), dynamo: await freePort() }
  writeFileSync(join(dir, 'seed.json'), JSON.stringify([{ host: '*', pathPrefix: '/', type: 'custom', domainName: 'localhost', protocol: 'http', port: ports.app }]))
  writeFileSync(join(dir, 'blog-event.json'), JSON.stringify(createEvent('origin-request', { headers: { host: 'blog.localhost' } })))
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('a local table kept between starts, on a fixed port', () => {
  it('keeps a rule written with `origins put --local` across a restart; the seed only fills a new table', async () => {
    writeProject(`local = true\ntable = "origins"\nseed = "seed.json"\npersist = ".edgeware/dynamodb"\nport = ${ports.dynamo}`)
    let dev = await startDev()
    try {
      expect(dev.output()).toContain(`local DynamoDB (origins) on http://127.0.0.1:${ports.dynamo}, kept in .edgeware/dynamodb`)
      expect(dev.output()).toContain('new table: 1 rule(s) loaded from the seed seed.json')
      const state = JSON.parse(readFileSync(join(dir, '.edgeware', 'dev.json'), 'utf8')) as { pid: number; endpoint: string; table: string }
      expect(state).toMatchObject({ pid: dev.child.pid, endpoint: `http://127.0.0.1:${ports.dynamo}`, table: 'origins' })
      expect(await originFor('shop.localhost')).toBe('app')

      // no environment variable: `--local` finds the running server's table
      const put = await run(PUT_BLOG())
      expect(put.code, put.stderr).toBe(0)
      expect(put.stderr).toContain(`edgeware origins: the origin table origins of the running edgeware dev (pid ${dev.child.pid}) on http://127.0.0.1:${ports.dynamo}`)
      expect(put.stdout.trim()).toBe('put 1 rule(s) into origins')
      expect(await originFor('blog.localhost')).toBe('blog')

      // invoke --local reuses the running server's table
      const inv = await run(['invoke', ORIGIN_REQUEST, '--event', 'blog-event.json', '--local', '--json'])
      expect(inv.code, inv.stderr).toBe(0)
      expect(inv.stderr).toContain(`edgeware invoke: the origin table origins of the running edgeware dev (pid ${dev.child.pid})`)
      expect(JSON.parse(inv.stdout).result.origin.custom).toMatchObject({ domainName: 'localhost', port: ports.blog })

      await stopDev(dev)
      expect(existsSync(join(dir, '.edgeware', 'dev.json'))).toBe(false)

      dev = await startDev()
      expect(dev.output()).toContain('the table is kept from an earlier run: the seed is not loaded (edgeware origins import --local --replace reloads it)')
      expect(await originFor('blog.localhost')).toBe('blog')
    } finally {
      await stopDev(dev)
      killTree(dev)
    }

    // no dev server: `--local` opens the kept table itself
    const list = await run(['origins', 'list', '--local'])
    expect(list.code, list.stderr).toBe(0)
    expect(list.stderr).toBe('edgeware origins: no edgeware dev is running for wrangler.toml: opening the table kept in .edgeware/dynamodb here\n')
    expect((JSON.parse(list.stdout) as { host: string }[]).map((r) => r.host)).toEqual(['*', 'blog.localhost'])
    // invoke --local opens it as dev would: on the fixed port, from the directory
    const inv = await run(['invoke', ORIGIN_REQUEST, '--event', 'blog-event.json', '--local', '--json'])
    expect(inv.code, inv.stderr).toBe(0)
    expect(inv.stderr).toContain(`edgeware invoke: local DynamoDB (origins) on http://127.0.0.1:${ports.dynamo}, kept in .edgeware/dynamodb`)
    expect(JSON.parse(inv.stdout).result.origin.custom).toMatchObject({ port: ports.blog })
    // and the seed comes back with import --replace (the config's seed without --file)
    const reload = await run(['origins', 'import', '--local', '--replace'])
    expect(reload.code, reload.stderr).toBe(0)
    expect(reload.stdout.trim()).toBe('imported 1 rule(s) from seed.json into origins, deleted 1 other rule(s)')
    expect((JSON.parse((await run(['origins', 'list', '--local'])).stdout) as unknown[]).length).toBe(1)
  }, 120_000)

  describe('a taken DynamoDB port', () => {
    let busy: Server
    afterAll(() => busy?.close())
    it('stops the start in one line naming the port and both ways to choose another', async () => {
      writeProject(`local = true\ntable = "origins"\nport = ${ports.dynamo}`)
      busy = createServer()
      await new Promise<void>((r) => busy.listen(ports.dynamo, '127.0.0.1', r))
      const r = await run(['dev'])
      expect(r.code).toBe(1)
      expect((r.stdout + r.stderr).trimEnd().split('\n')).toEqual([
        `edgeware dev: local DynamoDB (origins): port ${ports.dynamo} on 127.0.0.1 is already in use (another edgeware dev, or a DynamoDB Local?): stop it, or choose another port with [edge.dynamodb] port or --dynamodb-port <n>`,
      ])
    })
  })
})

describe('edgeware dev --env, and a server killed outright', () => {
  it('runs [env.staging] with its own table and state file; a state file whose server is gone is ignored and removed', async () => {
    writeProject(
      `local = true\ntable = "origins"\nseed = "seed.json"`,
      `[env.staging.vars]\nORIGINS_TABLE = "origins-staging"\n[env.staging.edge.dynamodb]\nlocal = true\ntable = "origins-staging"\nseed = "seed.json"\n`,
    )
    const dynamo = await freePort()
    const dev = await startDev(['--env', 'staging', '--dynamodb-port', String(dynamo)])
    const stateFile = join(dir, '.edgeware', 'dev.staging.json')
    try {
      expect(dev.output()).toMatch(/edgeware dev: tables-staging on http:\/\/127\.0\.0\.1:\d+ .*env: staging\)/)
      expect(dev.output()).toContain(`local DynamoDB (origins-staging) on http://127.0.0.1:${dynamo}, in memory`)
      expect(existsSync(stateFile)).toBe(true)

      const put = await run([...PUT_BLOG(), '--env', 'staging'])
      expect(put.code, put.stderr).toBe(0)
      expect(put.stdout.trim()).toBe('put 1 rule(s) into origins-staging')
      expect(await originFor('blog.localhost')).toBe('blog')

      const inv = await run(['invoke', ORIGIN_REQUEST, '--event', 'blog-event.json', '--env', 'staging', '--local', '--json'])
      expect(inv.code, inv.stderr).toBe(0)
      expect(JSON.parse(inv.stdout).result.origin.custom).toMatchObject({ port: ports.blog })

      // the top-level config has no dev server running, and its table is in memory only
      const top = await run(['origins', 'list', '--local'])
      expect(top.code).toBe(1)
      expect(top.stderr).toContain('edgeware origins: --local: no edgeware dev is running for wrangler.toml, and its local table lives only while one runs (no [edge.dynamodb] persist)')

      dev.child.kill('SIGKILL')
      await dev.exited
      expect(existsSync(stateFile)).toBe(true)
      const stale = await run(['origins', 'list', '--local', '--env', 'staging'])
      expect(stale.code).toBe(1)
      expect(stale.stderr.split('\n')[0]).toBe(`edgeware origins: ignoring .edgeware/dev.staging.json: the edgeware dev that wrote it (pid ${dev.child.pid}) is gone; removed it`)
      expect(stale.stderr).toContain('no edgeware dev is running for wrangler.toml (env staging)')
      expect(existsSync(stateFile)).toBe(false)
    } finally {
      // workerd, orphaned by the SIGKILL, is ended by its watchdog; anything left is ended here
      await until(() => descendants(dev.child.pid!).length === 0 || !alive(dev.child.pid!), 2000, 'the killed server gone').catch(() => {})
      killTree(dev)
    }
  }, 120_000)
})

describe('--env and --dynamodb-port mistakes', () => {
  it('are one line each, naming the flag and the value', async () => {
    writeProject(`local = true\ntable = "origins"`, `[env.staging]\nname = "tables-staging"\n`)
    const unknown = await run(['dev', '--env', 'nope'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toBe(`edgeware dev: invalid config: ${join(dir, 'wrangler.toml')}: env: no [env.nope] in the config (known environments: staging)\n`)
    const port = await run(['dev', '--dynamodb-port', 'eighty'])
    expect(port.code).toBe(2)
    expect(port.stderr.split('\n')[0]).toBe('edgeware dev: --dynamodb-port: expected a port number 0-65535, got "eighty"')
    mkdirSync(join(dir, 'no-config'), { recursive: true })
    const invoke = await edgeware(['invoke', ORIGIN_REQUEST, '--event', 'origin-request', '--env', 'staging'], { cwd: join(dir, 'no-config') })
    expect(invoke.code).toBe(1)
    expect(invoke.stderr).toBe('edgeware invoke: --env staging: there is no wrangler.toml here to take [env.staging] from (--config FILE)\n')
  })
})
