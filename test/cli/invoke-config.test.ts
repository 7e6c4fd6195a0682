/**
 * `edgeware invoke` runs a function as it is deployed: built as `edgeware build` builds it from the config (its
 * `[vars]`, its env-var refusal, its stage check), in a container with only Lambda's reserved environment
 * variables, against the local DynamoDB with `--local`, with stack traces on the user's source lines.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { zipSync, strToU8 } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEvent } from 'edgeware/testing'
import { edgeware, ROOT } from './child.js'
import { runCli } from './run-cli.js'

let dir: string

const TOML = `name = "invoke-test"
[vars]
GREETING = "hello from [vars]"
ORIGINS_TABLE = "invoke-origins"
[[edge.origins]]
id = "app"
url = "https://app.example.com"
[edge.dynamodb]
local = true
table = "invoke-origins"
seed = "seed.json"
[edge.default_behavior]
origin = "app"
viewer_request = "greet.ts"
viewer_response = "wrong-stage.ts"
origin_request = "route.ts"
`

beforeAll(() => {
  mkdirSync(join(ROOT, '.edgeware'), { recursive: true })
  // inside the project so `import 'edgeware'` resolves, like a user's function
  dir = mkdtempSync(join(ROOT, '.edgeware', 'test-invoke-'))
  const files: Record<string, string> = {
    'wrangler.toml': TOML,
    'greet.ts': `import { viewerRequest } from 'edgeware'\nexport const handler = viewerRequest(async (c) => { c.text(process.env.GREETING ?? 'no greeting') })\n`,
    'wrong-stage.ts': `import { viewerRequest } from 'edgeware'\nexport const handler = viewerRequest(async (c, next) => next())\n`,
    'route.ts': `import { originRequest } from 'edgeware'\nimport { dynamoOrigin } from 'edgeware/origin'\nexport const handler = originRequest(dynamoOrigin({ table: process.env.ORIGINS_TABLE!, ttl: 60, negativeTtl: 10, staleTtl: 60, timeoutMs: 1000, fallback: 'pass-through' }))\n`,
    'seed.json': JSON.stringify([{ host: 'blog.localhost', pathPrefix: '/', type: 'custom', domainName: 'blog.example.com', protocol: 'https', port: 443 }]),
    'reads-env.ts': `export const handler = async () => ({ status: '200', body: String(process.env.FOO) })\n`,
    'throws.ts': `import { viewerRequest } from 'edgeware'\n\nfunction check(uri: string): void {\n  if (uri.length > 0) throw new RangeError('no ' + uri)\n}\nexport const handler = viewerRequest(async (c) => check(c.request.uri))\n`,
    'blog.json': JSON.stringify(createEvent('origin-request', { headers: { host: 'blog.localhost' } })),
  }
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  // a built function (no env scan possible) reading what the shell has
  writeFileSync(join(dir, 'env.zip'), zipSync({ 'index.js': strToU8(`exports.handler = async () => ({ status: '200', body: JSON.stringify(Object.keys(process.env).sort()) + ' FOO=' + process.env.FOO })\n`) }))
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('edgeware invoke --config', () => {
  it('bakes the config\'s [vars] in, as edgeware build does', async () => {
    const r = await runCli('invoke', join(dir, 'greet.ts'), '--event', 'viewer-request', '--config', join(dir, 'wrangler.toml'), '--json')
    expect(r.code, r.err).toBe(0)
    expect(JSON.parse(r.out).result.body).toBe('hello from [vars]')
  })

  it('refuses a handler made for another stage than the config associates it with, as edgeware build does', async () => {
    const r = await runCli('invoke', join(dir, 'wrong-stage.ts'), '--event', 'viewer-response', '--config', join(dir, 'wrangler.toml'))
    expect(r.code).toBe(1)
    expect(r.err).toBe(
      'edgeware invoke: wrong-stage: wrong-stage.ts makes its handler with viewerRequest() (viewer-request), but wrangler.toml associates it as viewer_response (the default behavior); ' +
        "it would answer every viewer-response event with an error (CloudFront's 503): associate it as viewer_request, or make the handler with viewerResponse()",
    )
  })

  it('--local: the origin-request routes through the config\'s table in a local DynamoDB loaded with its seed', async () => {
    const r = await runCli('invoke', join(dir, 'route.ts'), '--event', join(dir, 'blog.json'), '--config', join(dir, 'wrangler.toml'), '--local', '--json')
    expect(r.code, r.err).toBe(0)
    expect(JSON.parse(r.out).result.origin.custom).toMatchObject({ domainName: 'blog.example.com', protocol: 'https', port: 443 })
  })

  it('--local without an [edge.dynamodb] table: a clear refusal', async () => {
    writeFileSync(join(dir, 'no-db.toml'), TOML.replace(/\[edge\.dynamodb\][^[]*/, ''))
    const r = await runCli('invoke', join(dir, 'greet.ts'), '--event', 'viewer-request', '--config', join(dir, 'no-db.toml'), '--local')
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/^edgeware invoke: --local: .*no-db\.toml has no \[edge\.dynamodb\] table to start$/)
  })

  it("a throw's stack points at the lines of the TypeScript source, not the minified bundle", async () => {
    const r = await runCli('invoke', join(dir, 'throws.ts'), '--event', 'viewer-request', '--config', join(dir, 'wrangler.toml'))
    expect(r.code).toBe(1)
    expect(r.out).toContain('ERROR: the viewer-request function failed: RangeError: no / at throws.ts:4:29 (CloudFront answers 503)')
    expect(r.out).toContain(`at check (${join(dir, 'throws.ts')}:4:29)`)
  })
})

describe('edgeware invoke leaks nothing of the shell', () => {
  it('refuses a function that reads an environment variable the shell has (FOO=bar edgeware invoke …)', async () => {
    const r = await edgeware(['invoke', join(dir, 'reads-env.ts'), '--event', 'viewer-request'], { cwd: dir, env: { FOO: 'bar' } })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^edgeware invoke: reads-env: reads-env\.ts:1 reads the environment variable FOO\. Lambda@Edge functions cannot have environment variables/)
  })

  it('runs a function with only the reserved Lambda variables, whatever the shell has', async () => {
    const r = await edgeware(['invoke', join(dir, 'env.zip'), '--event', 'viewer-request', '--json'], { cwd: dir, env: { FOO: 'bar' } })
    expect(r.code, r.stderr).toBe(0)
    const body = JSON.parse(r.stdout).result.body as string
    expect(body.endsWith(' FOO=undefined')).toBe(true)
    const names = JSON.parse(body.slice(0, body.lastIndexOf(' FOO='))) as string[]
    expect(names).toContain('AWS_LAMBDA_FUNCTION_NAME')
    expect(names).not.toContain('HOME')
    expect(names.every((n) => n.startsWith('AWS_') || n.startsWith('LAMBDA_') || ['LANG', 'TZ', 'PATH', 'LD_LIBRARY_PATH', 'NODE_PATH'].includes(n))).toBe(true)
  })
})
