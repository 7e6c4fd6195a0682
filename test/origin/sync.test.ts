/**
 * `edgeware origins import|export|diff` and `--profile`, in process against a real dynalite: a seed file goes into
 * a table and back out unchanged, `--replace` makes the table equal the file, and `diff` between a table and a
 * seed file or two tables lists what to add, remove and change (exit 0 same, 1 different, 2 trouble).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readSeedFile, startLocalDynamo, type LocalDynamo } from '../../src/origin/local.js'
import { canonicalRule, diffRules } from '../../src/origin/sync.js'
import { runCli } from '../cli/run-cli.js'

const SEED = join(__dirname, '..', '..', 'edge-functions', 'origins.seed.json')
let db: LocalDynamo
let dir: string
const cli = (...args: string[]) => runCli('origins', ...args)
const at = (table: string) => ['--table', table, '--endpoint', db.endpoint]

beforeAll(async () => {
  db = await startLocalDynamo({ table: 'routes-a' })
  dir = await mkdtemp(join(tmpdir(), 'edgeware-origins-sync-'))
  for (const t of ['routes-b', 'Routes_C.1']) expect((await cli('create-table', ...at(t))).code).toBe(0)
})
afterAll(async () => {
  await db?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('import and export', () => {
  it('a seed file imported and exported comes back as the same rules', async () => {
    const imp = await cli('import', ...at('routes-a'), '--file', SEED)
    expect(imp).toMatchObject({ code: 0, out: `imported 3 rule(s) from ${SEED} into routes-a` })
    const exp = await cli('export', ...at('routes-a'))
    expect(exp.code).toBe(0)
    const seed = (await readSeedFile(SEED)) as Record<string, unknown>[]
    const sorted = [...seed].sort((a, b) => String(a.host).localeCompare(String(b.host)) || String(a.pathPrefix).localeCompare(String(b.pathPrefix)))
    expect(JSON.parse(exp.out)).toEqual(sorted.map(canonicalRule))
    // keys in a fixed order: host, pathPrefix, type, domainName, then the rest
    expect(Object.keys(JSON.parse(exp.out)[0])).toEqual(['host', 'pathPrefix', 'type', 'domainName', 'port', 'protocol'])
    const file = join(dir, 'exported.json')
    expect((await cli('export', ...at('routes-a'), '--file', file)).out).toBe(`exported routes-a to ${file}`)
    expect((await readFile(file, 'utf8')).trimEnd()).toBe(exp.out)
  })

  it('--replace also deletes the rules the file does not have; an invalid file writes nothing', async () => {
    await cli('put', ...at('routes-b'), '--host', 'old.example.com', '--prefix', '/', '--type', 'custom', '--domain', 'old.example.net')
    const r = await cli('import', ...at('routes-b'), '--file', SEED, '--replace')
    expect(r.out).toBe(`imported 3 rule(s) from ${SEED} into routes-b, deleted 1 other rule(s)`)
    expect((await cli('diff', ...at('routes-b'), SEED)).code).toBe(0)
    const bad = join(dir, 'bad.json')
    await writeFile(bad, JSON.stringify([{ host: 'x.example.com', pathPrefix: '/', type: 'custom', domainName: '10.0.0.1' }]))
    const refused = await cli('import', ...at('routes-b'), '--file', bad, '--replace')
    expect(refused.code).toBe(1)
    expect(refused.err).toMatch(/nothing written, 1 invalid rule/)
    expect((await cli('diff', ...at('routes-b'), SEED)).out).toBe('no differences')
  })
})

describe('diff', () => {
  it('a table and a seed file: what to add, remove and change, exit code 1 when they differ', async () => {
    const changed = ((await readSeedFile(SEED)) as Record<string, unknown>[]).map((r) => ({ ...r }))
    changed[1]!.customHeaders = { 'X-Tenant': 'journal' } // blog.localhost /
    changed.splice(2, 1) // * /assets
    changed.push({ host: 'shop.localhost', pathPrefix: '/', type: 'custom', domainName: 'shop.example.net' })
    const file = join(dir, 'changed.json')
    await writeFile(file, JSON.stringify(changed))
    const r = await cli('diff', ...at('routes-a'), file)
    expect(r.code).toBe(1)
    expect(r.out.split('\n')).toEqual([
      '+ shop.localhost /  custom shop.example.net',
      '- * /assets  custom localhost',
      '~ blog.localhost /',
      '    customHeaders.X-Tenant: "blog" → "journal"',
      '3 differences: 1 added, 1 removed, 1 changed',
    ])
    const same = await cli('diff', ...at('routes-a'), SEED)
    expect(same).toMatchObject({ code: 0, out: 'no differences' })
  })

  it('two tables by dynamodb:// URL (a table name is taken as written)', async () => {
    await cli('put', ...at('Routes_C.1'), '--host', '*', '--prefix', '/', '--type', 'custom', '--domain', 'localhost', '--protocol', 'http', '--port', '9999')
    const url = (t: string) => `dynamodb://${t}?endpoint=${encodeURIComponent(db.endpoint)}&region=us-east-1`
    const r = await cli('diff', url('routes-a'), url('Routes_C.1'))
    expect(r.code).toBe(1)
    expect(r.out.split('\n')).toEqual([
      '- * /assets  custom localhost',
      '- blog.localhost /  custom localhost',
      '~ * /',
      '    port: 8788 → 9999',
      '3 differences: 0 added, 2 removed, 1 changed',
    ])
  })

  it('trouble is exit code 2: a missing table, a missing file, a bad source', async () => {
    expect((await cli('diff', ...at('no-such-table'), SEED)).code).toBe(2)
    expect((await cli('diff', ...at('routes-a'), join(dir, 'missing.json'))).code).toBe(2)
    expect((await cli('diff', ...at('routes-a'))).code).toBe(2)
    const bad = await cli('diff', 'dynamodb://t?endpoint=ftp://x', SEED)
    expect(bad.code).toBe(2)
    expect(bad.err).toMatch(/endpoint must be an http\(s\) URL/)
  })

  it('diffRules compares nested values field by field and ignores key order', () => {
    const a = [{ host: 'h', pathPrefix: '/', type: 'custom', domainName: 'd', customHeaders: { A: '1', B: '2' } }]
    const b = [{ customHeaders: { B: '2', A: '1' }, domainName: 'd', type: 'custom', pathPrefix: '/', host: 'h' }]
    expect(diffRules(a, b)).toEqual({ added: [], removed: [], changed: [] })
    expect(diffRules(a, [{ ...b[0]!, customHeaders: { A: '1' }, sslProtocols: ['TLSv1.2'] }]).changed).toEqual([
      { host: 'h', pathPrefix: '/', fields: [{ field: 'customHeaders.B', from: '2' }, { field: 'sslProtocols', to: ['TLSv1.2'] }] },
    ])
  })
})

describe('--profile', () => {
  it('takes the credentials of that profile from the AWS files', async () => {
    const credentials = join(dir, 'aws-credentials')
    await writeFile(credentials, '[local-table]\naws_access_key_id = AKIDLOCAL\naws_secret_access_key = local-secret\n')
    const saved = { c: process.env.AWS_CONFIG_FILE, s: process.env.AWS_SHARED_CREDENTIALS_FILE, k: process.env.AWS_ACCESS_KEY_ID }
    process.env.AWS_CONFIG_FILE = join(dir, 'no-aws-config')
    process.env.AWS_SHARED_CREDENTIALS_FILE = credentials
    delete process.env.AWS_ACCESS_KEY_ID
    try {
      const r = await cli('list', ...at('routes-a'), '--profile', 'local-table')
      expect(r.err).toBe('')
      expect(JSON.parse(r.out)).toHaveLength(3)
      // a profile that is not in the files fails, where without --profile the local endpoint gets dummy credentials
      expect((await cli('list', ...at('routes-a'))).code).toBe(0)
      const missing = await cli('list', ...at('routes-a'), '--profile', 'no-such-profile')
      expect(missing.code).toBe(1)
      expect(missing.err).toMatch(/CredentialsProviderError: Could not load credentials/)
    } finally {
      for (const [k, v] of [['AWS_CONFIG_FILE', saved.c], ['AWS_SHARED_CREDENTIALS_FILE', saved.s], ['AWS_ACCESS_KEY_ID', saved.k]] as const) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
    }
  })
})
