/**
 * The example site packages for Lambda@Edge: `edgeware build` on the root wrangler.toml succeeds (no env reads,
 * every zip within its stages' limits), and each built `index.js` runs in a fresh node process on an AWS sample;
 * the CloudFront Function compiled into the template runs in the sandbox with the store the build wrote.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { unzipSync, strFromU8 } from 'fflate'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type BuildResult } from '../../src/build/build.js'
import { REPO } from '../build/helpers.js'
import { createEvent, createFunctionEvent, invokeFunction, samples } from 'edgeware/testing'

let out: string
let result: BuildResult

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'edgeware-example-build-'))
  result = await build({ config: join(REPO, 'wrangler.toml'), outDir: out })
}, 120_000)

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true })
})

describe('example site build', () => {
  it('builds every example function', () => {
    const names = result.functions.map((f) => f.name).sort()
    expect(names).toEqual(expect.arrayContaining(['api-viewer-request', 'site-origin-response', 'site-viewer-request', 'site-viewer-response']))
    for (const f of result.functions) expect(f.share, f.name).toBeLessThan(1)
  })

  it('runs the built site viewer-request and api functions in a fresh node process', () => {
    const ran: string[] = []
    for (const f of result.functions) {
      if (f.name !== 'site-viewer-request' && f.name !== 'api-viewer-request') continue
      ran.push(f.name)
      const zip = unzipSync(readFileSync(f.zip))
      const dir = mkdtempSync(join(out, 'run-'))
      writeFileSync(join(dir, 'index.js'), strFromU8(zip['index.js']!))
      const script = `const { handler } = require(${JSON.stringify(join(dir, 'index.js'))});
        handler(${JSON.stringify(samples.viewerRequestSample)}, {}).then((r) => process.stdout.write(JSON.stringify(r)))`
      const res = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { uri?: string; headers: Record<string, { value: string }[]> }
      expect(res.uri).toBe('/')
      if (f.name === 'site-viewer-request') expect(res.headers['cookie']?.[0]?.value).toMatch(/^ab=(a|b)$/)
    }
    expect(ran.sort()).toEqual(['api-viewer-request', 'site-viewer-request'])
  })

  it('compiles the /static/* CloudFront Function into the template, and its code answers from the store the build wrote', async () => {
    expect(result.manifest.cloudfrontFunctions.map((f) => [f.name, f.behaviors, f.eventTypes, f.keyValueStore, f.limits.share < 1])).toEqual([['asset-router', ['/static/*'], ['viewer-request'], 'asset-routes', true]])
    expect(result.manifest.keyValueStores.map((k) => [k.id, k.keys, k.file])).toEqual([['asset-routes', 3, 'asset-routes.kvs.json']])
    const template = JSON.parse(readFileSync(join(out, 'cloudformation.json'), 'utf8')) as { Resources: Record<string, { Type: string; Properties: { FunctionCode?: string } }> }
    const code = Object.values(template.Resources).find((r) => r.Type === 'AWS::CloudFront::Function')!.Properties.FunctionCode!
    const kvs = join(out, 'asset-routes.kvs.json')
    const moved = await invokeFunction(code, createFunctionEvent('viewer-request', { uri: '/static/css/site.css' }), { kvs })
    expect(moved).toMatchObject({ statusCode: 301, headers: { location: { value: '/static/style.css' } } })
    expect(await invokeFunction(code, createFunctionEvent('viewer-request', { uri: '/static/V1/Logo.svg' }), { kvs })).toMatchObject({ uri: '/static/logo.svg' })
  })

  it('runs the built Lambda origin (behind an HTTP API) in a fresh node process on an HTTP API event', () => {
    expect(result.manifest.lambdaOrigins.map((o) => [o.id, o.integration, o.zip])).toEqual([['api', 'http', 'api.origin.zip']])
    const zip = unzipSync(readFileSync(join(out, 'api.origin.zip')))
    const dir = mkdtempSync(join(out, 'run-'))
    writeFileSync(join(dir, 'index.js'), strFromU8(zip['index.js']!))
    const event = createEvent('apigateway-http', { path: '/api/items/tee' })
    const script = `require(${JSON.stringify(join(dir, 'index.js'))}).handler(${JSON.stringify(event)}, {}).then((r) => process.stdout.write(JSON.stringify(r)))`
    const res = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { statusCode: number; body: string }
    expect([res.statusCode, JSON.parse(res.body)]).toEqual([200, { id: 'tee', name: 'Cache-hit T-shirt', price: 2400 }])
  })
})
