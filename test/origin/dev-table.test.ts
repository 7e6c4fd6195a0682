/**
 * The origin table `[edge.dynamodb]` names, opened as the local edge opens it: a kept local store (one process at
 * a time), a dev server's state file and how a stale one is told apart, a self-run DynamoDB at `endpoint`, and the
 * real table through the signing relay (against a stand-in that checks SigV4 as AWS does, with a real dynalite
 * behind it).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/distribution/index.js'
import { createEvent } from '../../src/testing/index.js'
import { devStatePath, findRunningDev, writeDevState } from '../../src/origin/dev-state.js'
import { openDevTable } from '../../src/origin/dev-table.js'
import { LocalDynamoError, startLocalDynamo, type LocalDynamo } from '../../src/origin/local.js'
import { startSigningRelay } from '../../src/origin/relay.js'
import { createTableClient, listRules, putRules } from '../../src/origin/table.js'
import { startDev, type DevServer } from '../../src/simulator/dev.js'
import { jsonOperation, startAwsStandin, TEST_CREDENTIALS, type AwsStandin } from '../aws/server.js'
import { runCli } from '../cli/run-cli.js'
import { ORIGIN_REQUEST, originFor as routedOriginFor, routedSiteToml } from './routed-site.js'
import { FIXTURES, freePort } from '../simulator/helpers.js'

let dir: string
const quiet = { info: () => {}, warn: () => {}, error: () => {} }

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'edgeware-dev-table-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A wrangler.toml in its own directory under the test's, loaded. */
async function project(name: string, toml: string) {
  const d = join(dir, name)
  rmSync(d, { recursive: true, force: true })
  mkdirSync(d, { recursive: true })
  writeFileSync(join(d, 'wrangler.toml'), toml)
  return loadConfig(join(d, 'wrangler.toml'))
}

/** Which example origin the dev server sends a request for `host` to. */
const originFor = (dev: DevServer, host: string): Promise<string> => routedOriginFor(new URL(dev.url).port, host)

/** A routed site (routed-site.ts) in its own directory, and the two rules that route it. */
async function routedSite(name: string, dynamodb: string) {
  const app = await freePort()
  const blog = await freePort()
  const rules = [
    { host: '*', pathPrefix: '/', type: 'custom', domainName: 'localhost', protocol: 'http', port: app },
    { host: 'blog.localhost', pathPrefix: '/', type: 'custom', domainName: 'localhost', protocol: 'http', port: blog },
  ]
  return { config: await project(name, routedSiteToml({ name, app, blog, dynamodb })), rules }
}

describe('a kept local table', () => {
  it('is open in one process at a time: a second start says which directory and what to do', async () => {
    const store = join(dir, 'kept')
    const first = await startLocalDynamo({ table: 'origins', persist: store })
    try {
      const second = startLocalDynamo({ table: 'origins', persist: store })
      await expect(second).rejects.toBeInstanceOf(LocalDynamoError)
      await expect(second).rejects.toThrow(`the local DynamoDB kept in ${store} is open in another process (a running edgeware dev?): stop it, or reach its table through it (edgeware origins … --local)`)
    } finally {
      await first.close()
    }
    // closed, the store opens again, with its table
    const again = await startLocalDynamo({ table: 'origins', persist: store, seed: join(FIXTURES, '..', '..', '..', 'edge-functions', 'origins.seed.json') })
    expect({ created: again.created, seeded: again.seeded }).toEqual({ created: false, seeded: 0 })
    await again.close()
  })
})

describe("a running dev server's state file", () => {
  it('is found while its server answers, and set aside (removed) when nothing answers at its endpoint', async () => {
    const config = join(dir, 'state', 'wrangler.toml')
    const db = await startLocalDynamo({ table: 'origins' })
    const remove = writeDevState({ pid: process.pid, endpoint: db.endpoint, table: 'origins', config, started: new Date().toISOString() })
    try {
      expect((await findRunningDev(config)).running).toMatchObject({ pid: process.pid, endpoint: db.endpoint })
      await db.close()
      const { running, stale } = await findRunningDev(config)
      expect(running).toBeUndefined()
      expect(stale).toMatch(new RegExp(`^ignoring .*dev\\.json: nothing answers at ${db.endpoint}, where the edgeware dev that wrote it \\(pid ${process.pid}\\) kept its table; removed it$`))
      expect(await findRunningDev(config)).toEqual({})
    } finally {
      remove()
    }
  })

  it("is removed by its own server only: a newer server's file stays", async () => {
    const config = join(dir, 'state2', 'wrangler.toml')
    const base = { endpoint: 'http://127.0.0.1:1', table: 'origins', config }
    const removeOld = writeDevState({ ...base, pid: process.pid, started: '2026-01-01T00:00:00.000Z' })
    const removeNew = writeDevState({ ...base, pid: process.pid, started: '2026-01-01T00:00:01.000Z' })
    removeOld()
    expect(JSON.parse(readFileSync(devStatePath(config), 'utf8')).started).toBe('2026-01-01T00:00:01.000Z')
    removeNew()
    expect(existsSync(devStatePath(config))).toBe(false)
  })

  it('that is not JSON a dev server writes is ignored with a line saying so', async () => {
    const config = join(dir, 'state3', 'wrangler.toml')
      mkdirSync(join(dir, 'state3', '.edgeware'), { recursive: true })
    writeFileSync(devStatePath(config), '{"pid": "nope"')
    expect((await findRunningDev(config)).stale).toMatch(/^ignoring .*dev\.json: not a state file edgeware dev writes; removed it$/)
  })
})

describe('a self-run DynamoDB at [edge.dynamodb] endpoint', () => {
  let db: LocalDynamo
  afterAll(() => db?.close())

  it('is where dev bakes the functions\' endpoint and origins --local writes; it is never seeded or started', async () => {
    const port = await freePort()
    const site = await routedSite('self-run', `table = "origins"\nendpoint = "http://localhost:${port}"`)
    const seed = join(site.config.root, 'seed.json')
    writeFileSync(seed, JSON.stringify(site.rules.slice(0, 1)))
    db = await startLocalDynamo({ table: 'origins', seed, port })

    const dev = await startDev({ config: site.config.path, port: 0, watch: false, logger: quiet })
    try {
      expect(dev.dynamo).toMatchObject({ kind: 'self-run', endpoint: `http://localhost:${port}` })
      expect(dev.dynamo!.lines).toEqual([`origin table origins on the self-run DynamoDB at http://localhost:${port} ([edge.dynamodb] endpoint: edgeware neither starts nor seeds it)`])
      expect(await originFor(dev, 'shop.localhost')).toBe('app')
      const blog = site.rules[1]!
      const put = await runCli('origins', 'put', '--local', '--config', site.config.path, '--host', 'blog.localhost', '--prefix', '/', '--type', 'custom', '--domain', 'localhost', '--protocol', 'http', '--port', String(blog.port))
      expect(put.code, put.err).toBe(0)
      expect(await originFor(dev, 'blog.localhost')).toBe('blog')
      const client = createTableClient({ endpoint: db.endpoint })
      expect((await listRules(client, 'origins')).map((r) => r.host)).toEqual(['*', 'blog.localhost'])
      client.destroy()
      // invoke --local bakes the same endpoint in
      const event = join(site.config.root, 'blog.json')
      writeFileSync(event, JSON.stringify(createEvent('origin-request', { headers: { host: 'blog.localhost' } })))
      const inv = await runCli('invoke', ORIGIN_REQUEST, '--event', event, '--config', site.config.path, '--local', '--json')
      expect(inv.code, inv.err).toBe(0)
      expect(inv.err).toContain(`edgeware invoke: origin table origins on the self-run DynamoDB at http://localhost:${port}`)
      expect(JSON.parse(inv.out).result.origin.custom).toMatchObject({ port: blog.port })
    } finally {
      await dev.close()
    }
  }, 60_000)

  it('not answering, or without the table, is said at the start (the start goes on)', async () => {
    const port = await freePort()
    const gone = await project('gone', `name = "gone"\n[[edge.origins]]\nid = "app"\nurl = "http://localhost:8080"\n[edge.dynamodb]\ntable = "origins"\nendpoint = "http://localhost:${port}"\n[edge.default_behavior]\norigin = "app"\n`)
    const problems: string[] = []
    const t = await openDevTable(gone, { use: 'invoke', onProblem: (m) => problems.push(m) })
    expect(t.endpoint).toBe(`http://localhost:${port}`)
    expect(problems).toEqual([`nothing answers at http://localhost:${port} ([edge.dynamodb] endpoint): start your DynamoDB Local or dynalite there; origin lookups fail until then`])

    const empty = await startLocalDynamo({ table: 'other', port })
    problems.length = 0
    await openDevTable(gone, { use: 'invoke', onProblem: (m) => problems.push(m) })
    await empty.close()
    expect(problems).toEqual([`the DynamoDB at http://localhost:${port} has no table origins: edgeware origins create-table --endpoint http://localhost:${port} --table origins`])
  })
})

describe('the real table (local = false, no endpoint)', () => {
  let aws: AwsStandin
  let behind: LocalDynamo
  const saved = { ...process.env }

  beforeAll(async () => {
    behind = await startLocalDynamo({ table: 'origins' })
    // DynamoDB on AWS, as far as the wire goes: SigV4 checked, then the request served by a real dynalite
    aws = await startAwsStandin({
      dynamodb: {
        operation: jsonOperation,
        handle: async (req) => {
          const r = await fetch(behind.endpoint, {
            method: 'POST',
            headers: { 'content-type': String(req.headers['content-type']), 'x-amz-target': String(req.headers['x-amz-target']), authorization: String(req.headers.authorization), 'x-amz-date': String(req.headers['x-amz-date']) },
            body: new Uint8Array(req.body),
          })
          return { status: r.status, headers: { 'content-type': r.headers.get('content-type') ?? 'application/x-amz-json-1.0' }, body: Buffer.from(await r.arrayBuffer()) }
        },
      },
    })
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: aws.url,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/nonexistent/edgeware-test-aws-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/edgeware-test-aws-credentials',
    })
    delete process.env.AWS_PROFILE
    delete process.env.AWS_REGION
  })
  afterAll(async () => {
    process.env = saved
    await aws?.close()
    await behind?.close()
  })

  it("is reached from the functions through a relay that signs with this shell's credentials for the table's Region", async () => {
    const site = await routedSite('real', `table = "origins"\nregion = "eu-west-1"`)
    const client = createTableClient({ endpoint: behind.endpoint })
    await putRules(client, 'origins', site.rules)
    client.destroy()
    const problems: string[] = []
    const dev = await startDev({ config: site.config.path, port: 0, watch: false, logger: { ...quiet, info: (l: string) => problems.push(l) } })
    try {
      expect(dev.dynamo?.kind).toBe('aws')
      expect(dev.dynamo!.lines).toEqual([
        `origin table origins: the real table in eu-west-1 ([edge.dynamodb] region) at ${aws.url}`,
        "  signed with this shell's AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID…, SSO or ~/.aws); they need dynamodb:Query on arn:aws:dynamodb:eu-west-1:<account>:table/origins",
      ])
      expect(await originFor(dev, 'blog.localhost'), problems.join('\n')).toBe('blog')
      expect(await originFor(dev, 'shop.localhost')).toBe('app')
      const queries = aws.callsOf('dynamodb', 'Query')
      expect(queries.length).toBeGreaterThanOrEqual(2)
      expect(queries.every((q) => q.region === 'eu-west-1' && q.input.TableName === 'origins')).toBe(true)
      expect(problems.filter((l) => l.includes('⚠'))).toEqual([])
    } finally {
      await dev.close()
    }
  }, 60_000)

  it('takes requests for the origin table only, and says when there are no credentials', async () => {
    const problems: string[] = []
    const relay = await startSigningRelay({ table: 'origins', region: 'eu-west-1', onProblem: (m) => problems.push(m) })
    try {
      const post = (token: boolean, body: unknown) =>
        fetch(token ? relay.endpoint : relay.endpoint.replace(/\/[0-9a-f]+$/, '/'), { method: 'POST', headers: { 'x-amz-target': 'DynamoDB_20120810.Scan', 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify(body) })
      const other = await post(true, { TableName: 'billing' })
      expect(other.status).toBe(403)
      expect(await other.json()).toMatchObject({ message: 'edgeware: the relay reaches the origin table origins only, not billing' })
      expect((await post(false, { TableName: 'origins' })).status).toBe(403)
      expect((await post(true, { TableName: 'origins' })).status).toBe(200)

      delete process.env.AWS_ACCESS_KEY_ID
      delete process.env.AWS_SECRET_ACCESS_KEY
      const bare = await startSigningRelay({ table: 'origins', region: 'eu-west-1', onProblem: (m) => problems.push(m) })
      const who = await bare.credentials()
      await bare.close()
      expect(who).toMatchObject({ error: expect.stringMatching(/^no AWS credentials for the origin table origins in eu-west-1 \(.*\): run aws sso login or add them to ~\/\.aws \(the next lookup picks them up\), or start again with AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, set$/) })
      expect(problems).toEqual([(who as { error: string }).error])
    } finally {
      await relay.close()
      process.env.AWS_ACCESS_KEY_ID = TEST_CREDENTIALS.accessKeyId
      process.env.AWS_SECRET_ACCESS_KEY = TEST_CREDENTIALS.secretAccessKey
    }
  })
})
