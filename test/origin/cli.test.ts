/**
 * `edgeware origins …` in process (the CLI's own `main`), against a real dynalite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../cli/run-cli.js'
import { startLocalDynamo, type LocalDynamo } from '../../src/origin/local.js'

let db: LocalDynamo
let dir: string
const port = () => new URL(db.endpoint).port

const cli = (...args: string[]) => runCli('origins', ...args)

beforeAll(async () => {
  db = await startLocalDynamo({ table: 'unused' })
  dir = await mkdtemp(join(tmpdir(), 'edgeware-origins-cli-'))
})

afterAll(async () => {
  await db?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('edgeware origins', () => {
  it('create-table, put, get, list, delete round trip', async () => {
    const t = ['--table', 'cli-origins', '--endpoint', db.endpoint]
    expect(await cli('create-table', ...t)).toMatchObject({ code: 0, out: 'created table cli-origins' })
    expect((await cli('create-table', ...t)).out).toBe('table cli-origins already exists')

    const put = await cli('put', ...t, '--host', 'blog.example.com', '--prefix', '/api', '--type', 'custom', '--domain', 'api.example.net', '--protocol', 'http', '--port', '8080', '--header', 'X-Tenant=blog', '--header', 'x-key=a=b', '--host-header', 'blog.internal')
    expect(put).toMatchObject({ code: 0, out: 'put 1 rule(s) into cli-origins' })

    const got = await cli('get', ...t, '--host', 'blog.example.com', '--prefix', '/api')
    expect(got.code).toBe(0)
    expect(JSON.parse(got.out)).toEqual({
      host: 'blog.example.com',
      pathPrefix: '/api',
      type: 'custom',
      domainName: 'api.example.net',
      protocol: 'http',
      port: 8080,
      hostHeader: 'blog.internal',
      customHeaders: { 'X-Tenant': 'blog', 'x-key': 'a=b' },
    })

    const file = join(dir, 'rules.json')
    await writeFile(
      file,
      JSON.stringify({ rules: [{ host: '*', pathPrefix: '/', type: 'custom', domainName: 'default.example.net' }, { host: 'blog.example.com', pathPrefix: '/', type: 's3', domainName: 'blog.s3.amazonaws.com' }] }),
    )
    expect((await cli('put', ...t, '--file', file)).out).toBe('put 2 rule(s) into cli-origins')

    const all = JSON.parse((await cli('list', ...t)).out) as { host: string; pathPrefix: string }[]
    expect(all.map((r) => `${r.host} ${r.pathPrefix}`)).toEqual(['* /', 'blog.example.com /', 'blog.example.com /api'])
    const one = JSON.parse((await cli('list', ...t, '--host', 'blog.example.com')).out) as unknown[]
    expect(one).toHaveLength(2)

    expect(await cli('delete', ...t, '--host', 'blog.example.com', '--prefix', '/api')).toMatchObject({ code: 0 })
    const gone = await cli('get', ...t, '--host', 'blog.example.com', '--prefix', '/api')
    expect(gone.code).toBe(1)
    expect(gone.err).toMatch(/no rule for host="blog\.example\.com" pathPrefix="\/api"/)
    expect((await cli('delete', ...t, '--host', 'blog.example.com', '--prefix', '/api')).code).toBe(1)
  })

  it('validates before writing: an invalid rule is refused with the item, field and value named', async () => {
    const t = ['--table', 'cli-origins', '--local', port()]
    const bad = await cli('put', ...t, '--host', 'x.example.com', '--prefix', '/', '--type', 'custom', '--domain', '10.1.2.3', '--port', '25')
    expect(bad.code).toBe(1)
    expect(bad.err).toMatch(/host="x\.example\.com" pathPrefix="\/"/)
    expect(bad.err).toMatch(/domainName.*10\.1\.2\.3/)
    expect(bad.err).toMatch(/port.*25/)
    expect((await cli('get', ...t, '--host', 'x.example.com', '--prefix', '/')).code).toBe(1)

    const file = join(dir, 'mixed.json')
    await writeFile(file, JSON.stringify([{ host: 'ok.example.com', pathPrefix: '/', type: 'custom', domainName: 'ok.example.net' }, { host: 'no.example.com', pathPrefix: '/', type: 'ftp', domainName: 'x' }]))
    const mixed = await cli('put', ...t, '--file', file)
    expect(mixed.code).toBe(1)
    expect(mixed.err).toMatch(/nothing written.*rule #2 \(host="no\.example\.com".*type must be "custom" or "s3", got "ftp"/s)
    expect((await cli('get', ...t, '--host', 'ok.example.com', '--prefix', '/')).code).toBe(1)
  })

  it('--local uses $EDGEWARE_DYNAMODB_ENDPOINT first, else the config\'s table, or says what it needs', async () => {
    const saved = process.env.EDGEWARE_DYNAMODB_ENDPOINT
    const cwd = process.cwd()
    try {
      delete process.env.EDGEWARE_DYNAMODB_ENDPOINT
      process.chdir(dir)
      const none = await cli('list', '--table', 'cli-origins', '--local')
      expect(none.code).toBe(2)
      expect(none.err).toMatch(/--local without a port reads the \[edge\.dynamodb\] of \.\/wrangler\.toml, and there is none here: name it with --config FILE, or pass --local <port> \(or set \$EDGEWARE_DYNAMODB_ENDPOINT\)/)
      await writeFile(join(dir, 'memory.toml'), 'name = "m"\n[[edge.origins]]\nid = "app"\nurl = "http://localhost:8080"\n[edge.dynamodb]\nlocal = true\ntable = "mem-origins"\n[edge.default_behavior]\norigin = "app"\n')
      const memory = await cli('list', '--local', '--config', 'memory.toml')
      expect(memory.code).toBe(1)
      expect(memory.err).toBe(
        'edgeware origins: --local: no edgeware dev is running for memory.toml, and its local table lives only while one runs (no [edge.dynamodb] persist): start edgeware dev, keep the table with persist = ".edgeware/dynamodb", or name a port with --local <port>',
      )
      process.env.EDGEWARE_DYNAMODB_ENDPOINT = db.endpoint
      expect((await cli('list', '--table', 'cli-origins', '--local', '--config', 'memory.toml')).code).toBe(0)
      expect((await cli('list', '--table', 'cli-origins', '--local', '9', '--config', 'memory.toml')).err).toMatch(/--config and --env choose the table of --local \(without a port\)/)
    } finally {
      process.chdir(cwd)
      if (saved === undefined) delete process.env.EDGEWARE_DYNAMODB_ENDPOINT
      else process.env.EDGEWARE_DYNAMODB_ENDPOINT = saved
    }
  })

  it('usage errors exit 2 with a message naming the problem', async () => {
    expect((await cli('frobnicate')).err).toMatch(/unknown origins command "frobnicate"/)
    expect((await cli('put', '--local', port(), '--host', 'a.com', '--type', 'custom', '--domain', 'x.com', '--port', 'eighty')).err).toMatch(/--port must be a whole number, got "eighty"/)
    expect((await cli('put', '--local', port(), '--host', 'a.com', '--type', 'custom')).err).toMatch(/--domain is required/)
    expect((await cli('put', '--local', port(), '--host', 'a.com', '--type', 'custom', '--domain', 'x.com', '--header', 'novalue')).code).toBe(2)
    expect((await cli('list', '--endpoint', 'ftp://x')).err).toMatch(/--endpoint must be an http\(s\) URL/)
    expect((await cli('list', '--bogus')).code).toBe(2)
    expect((await cli()).code).toBe(2)
    expect((await cli('--help')).code).toBe(0)
  })

  it('reports a missing table as a failure (exit 1), not a crash', async () => {
    const r = await cli('list', '--table', 'no-such-table', '--endpoint', db.endpoint)
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/ResourceNotFoundException/)
  })

  it('says no DynamoDB answers at an endpoint where nothing listens (exit 1)', async () => {
    const nobody = await startLocalDynamo({ table: 'unused' })
    const endpoint = nobody.endpoint
    await nobody.close()
    const r = await cli('create-table', '--local', new URL(endpoint).port)
    expect(r.code).toBe(1)
    expect(r.err).toMatch(new RegExp(`^edgeware origins: no DynamoDB answers at ${endpoint} \\(.*ECONNREFUSED.*\\): start one there`))
  })
})
