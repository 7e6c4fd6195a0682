/**
 * The example origin-request function, bundled by `bundleFunction` (the build's own esbuild settings), run in a
 * fresh `node` process against a real dynalite: the way the local edge and Lambda run it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { bundleFunction } from '../../src/build/bundle.js'
import { createEvent } from 'edgeware/testing'
import type { CfRequest } from 'edgeware/cloudfront'
import { startLocalDynamo, type LocalDynamo } from '../../src/origin/local.js'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../..', import.meta.url))
const entry = join(root, 'edge-functions/site/origin-request.ts')
let db: LocalDynamo
let dir: string

beforeAll(async () => {
  db = await startLocalDynamo({ table: 'edge-origins', seed: join(root, 'edge-functions/origins.seed.json') })
  dir = await mkdtemp(join(tmpdir(), 'edgeware-origin-bundle-'))
})

afterAll(async () => {
  await db?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** Runs `handler(event)` from a bundle in a fresh node process with a Lambda-like environment only. */
async function invokeBundle(file: string, events: unknown[]): Promise<CfRequest[]> {
  const script = `
    const { handler } = require(${JSON.stringify(file)});
    const events = JSON.parse(process.argv[1]);
    (async () => {
      const out = [];
      for (const e of events) out.push(await handler(e, { getRemainingTimeInMillis: () => 30000 }));
      process.stdout.write(JSON.stringify(out));
    })().catch((e) => { console.error(e); process.exit(1) });`
  const env = { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIDLOCAL', AWS_SECRET_ACCESS_KEY: 'local', AWS_LAMBDA_FUNCTION_NAME: 'us-east-1.site-origin-request' }
  const { stdout } = await run(process.execPath, ['-e', script, JSON.stringify(events)], { env, timeout: 20_000 })
  return JSON.parse(stdout) as CfRequest[]
}

describe('the origin-request bundle', () => {
  it('routes the two example hosts from a dev build (endpoint and table baked in)', async () => {
    const b = await bundleFunction({ entry, vars: { ORIGINS_TABLE: 'edge-origins' }, dynamoEndpoint: db.endpoint, absWorkingDir: root })
    expect(b.envReads).toEqual([])
    const file = join(dir, 'dev.js')
    await writeFile(file, b.code)
    const [blog, app, assets] = await invokeBundle(file, [
      createEvent('origin-request', { uri: '/post/1', headers: { host: 'blog.localhost:8787' } }),
      createEvent('origin-request', { uri: '/', headers: { host: 'localhost:8787' } }),
      createEvent('origin-request', { uri: '/assets/app.css', headers: { host: 'localhost:8787' } }),
    ])
    expect(blog!.origin?.custom).toMatchObject({ domainName: 'localhost', port: 8789, protocol: 'http' })
    expect(blog!.headers['x-tenant']).toBeUndefined()
    expect(blog!.origin?.custom?.customHeaders['x-tenant']).toEqual([{ key: 'X-Tenant', value: 'blog' }])
    expect(app!.origin?.custom).toMatchObject({ domainName: 'localhost', port: 8788, protocol: 'http', path: '' })
    expect(assets!.origin?.custom).toMatchObject({ domainName: 'localhost', port: 8788, path: '/static' })
    expect(assets!.headers.host?.map((h) => h.value)).toEqual(['localhost'])
  })

  it("the build's settings (module main fields, env-only credentials) keep the dev bundle under 350 KB", async () => {
    const b = await bundleFunction({ entry, vars: { ORIGINS_TABLE: 'edge-origins' }, dynamoEndpoint: db.endpoint, absWorkingDir: root })
    const code = b.code
    expect(Buffer.byteLength(code)).toBeLessThan(350 * 1024)
    const file = join(dir, 'small.js')
    await writeFile(file, code)
    const [blog] = await invokeBundle(file, [createEvent('origin-request', { uri: '/', headers: { host: 'blog.localhost' } })])
    expect(blog!.origin?.custom).toMatchObject({ domainName: 'localhost', port: 8789 })
  })

  it('a production build bakes no local endpoint and reads no non-reserved environment variable', async () => {
    const b = await bundleFunction({ entry, vars: { ORIGINS_TABLE: 'edge-origins' }, absWorkingDir: root })
    expect(b.envReads).toEqual([])
    // the build uses the SDK's ES builds and the env-only credential provider (docs/origin.md "Bundle size")
    expect(b.code.length).toBeLessThan(350 * 1024)
    expect(b.code).not.toContain('fromSSO')
    expect(b.code).not.toContain('127.0.0.1:')
    expect(b.code).toContain('"edge-origins"')
  })
})
