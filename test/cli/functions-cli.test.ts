import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFunctionEvent } from 'edgeware/testing'
import { runCli as cli } from './run-cli.js'

const root = join(import.meta.dirname, '..', '..')
const examples = join(root, 'edge-functions', 'cff-examples')
let dir: string

beforeAll(() => {
  mkdirSync(join(root, '.edgeware'), { recursive: true })
  dir = mkdtempSync(join(root, '.edgeware', 'test-cff-cli-'))
  writeFileSync(join(dir, 'throws.js'), "function handler(event) { console.log('about to fail'); throw new Error('kaput') }\n")
  writeFileSync(join(dir, 'bad-host.js'), "function handler(event) { event.request.headers.host = { value: 'evil' }; return event.request }\n")
  writeFileSync(join(dir, 'const.js'), 'const a = 1\nfunction handler(event) { return event.request }\n')
  writeFileSync(join(dir, 'typed.ts'), "import cf from 'cloudfront'\nexport async function handler(event: { request: { uri: string } }) {\n  event.request.uri = await cf.kvs().get('target')\n  return event.request\n}\n")
  writeFileSync(join(dir, 'store.json'), JSON.stringify({ data: [{ key: 'target', value: '/from-kvs' }] }))
  writeFileSync(join(dir, 'event.json'), JSON.stringify(createFunctionEvent('viewer-request', { uri: '/x', headers: { 'cloudfront-viewer-country': 'DE' } })))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('edgeware event cff-*', () => {
  it('prints a CloudFront Functions event, with the same overrides as the Lambda@Edge events', async () => {
    const r = await cli('event', 'cff-viewer-request', '--uri', '/docs/', '--querystring', 'a=1&a=2', '--header', 'X-A: 1', '--cookie', 'ab=B')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.out)).toEqual(createFunctionEvent('viewer-request', { uri: '/docs/', querystring: 'a=1&a=2', headers: { 'X-A': ['1'] }, cookies: { ab: 'B' } }))
    const res = await cli('event', 'cff-viewer-response', '--status', '404')
    expect(JSON.parse(res.out).response.statusCode).toBe(404)
  })
  it('options a CloudFront Functions event has no room for are usage errors', async () => {
    const r = await cli('event', 'cff-viewer-request', '--body', 'x')
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/body is not part of a CloudFront Functions event/)
  })
})

describe('edgeware invoke with a CloudFront Function', () => {
  it('runs AWS’s plain form on a sample event and prints the result, the verdict and compute utilization', async () => {
    const r = await cli('invoke', join(examples, 'redirect-by-country.js'), '--event', join(dir, 'event.json'))
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/"statusCode": 302/)
    expect(r.out).toMatch(/VALID: CloudFront answers the viewer with this response \(compute utilization \d+, cloudfront-js-2\.0\)/)
  })
  it('TypeScript with --kvs: compiled like edgeware build compiles it, then run', async () => {
    const r = await cli('invoke', join(dir, 'typed.ts'), '--event', 'cff-viewer-request', '--kvs', join(dir, 'store.json'))
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/"uri": "\/from-kvs"/)
  })
  it('--config: a function a behavior associates runs with its configured store and runtime; --kvs / --runtime still win', async () => {
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ data: [{ key: 'target', value: '/from-the-other-store' }] }))
    writeFileSync(
      join(dir, 'cff.toml'),
      `name = "cff"\n[[edge.origins]]\nid = "app"\nurl = "http://localhost:3000"\n[edge.default_behavior]\norigin = "app"\nviewer_request_function = "typed.ts"\n[edge.cloudfront_functions.typed]\nkey_value_store = "routes"\n[[edge.key_value_stores]]\nid = "routes"\ndata = "store.json"\n`,
    )
    const r = await cli('invoke', join(dir, 'typed.ts'), '--event', 'cff-viewer-request', '--config', join(dir, 'cff.toml'))
    expect(r.code, r.err).toBe(0)
    expect(r.out).toMatch(/"uri": "\/from-kvs"/)
    expect(r.out).toContain('cloudfront-js-2.0')
    const other = await cli('invoke', join(dir, 'typed.ts'), '--event', 'cff-viewer-request', '--config', join(dir, 'cff.toml'), '--kvs', join(dir, 'other.json'))
    expect(other.out).toMatch(/"uri": "\/from-the-other-store"/)
    // without that config (./wrangler.toml doesn't name the file), cf.kvs() has no store: CloudFront's 503
    const alone = await cli('invoke', join(dir, 'typed.ts'), '--event', 'cff-viewer-request')
    expect(alone.code).toBe(1)
    expect(alone.out).toContain('ERROR: CloudFront would answer 503')
    const unknownEnv = await cli('invoke', join(dir, 'typed.ts'), '--event', 'cff-viewer-request', '--config', join(dir, 'cff.toml'), '--env', 'nope')
    expect(unknownEnv.code).toBe(1)
    expect(unknownEnv.err).toContain('env: no [env.nope] in the config')
  })
  it('--json prints the outcome and TestFunction’s fields', async () => {
    const r = await cli('invoke', join(examples, 'true-client-ip.js'), '--event', 'cff-viewer-request', '--runtime', 'cloudfront-js-1.0', '--json')
    const out = JSON.parse(r.out)
    expect(out).toMatchObject({ valid: true, ok: true, kind: 'request', runtime: 'cloudfront-js-1.0' })
    expect(out.testResult.FunctionErrorMessage).toBe('')
    expect(JSON.parse(out.testResult.FunctionOutput).request.headers['true-client-ip']).toEqual({ value: '203.0.113.178' })
    expect(out.testResult.ComputeUtilization).toMatch(/^\d+$/)
  })
  it('an invalid result: exit 1 and the 502 with its rule', async () => {
    const r = await cli('invoke', join(dir, 'bad-host.js'), '--event', 'cff-viewer-request')
    expect(r.code).toBe(1)
    expect(r.out).toMatch(/INVALID: CloudFront would answer 502 \(FunctionValidationError\)/)
    expect(r.out).toMatch(/ReadOnlyHeader at headers\.host/)
  })
  it('a throw: exit 1, the 503 and the logs', async () => {
    const r = await cli('invoke', join(dir, 'throws.js'), '--event', 'cff-viewer-request')
    expect(r.code).toBe(1)
    expect(r.out).toMatch(/log: about to fail/)
    expect(r.out).toMatch(/ERROR: CloudFront would answer 503 \(FunctionExecutionError, FunctionThrew\): .*Error: kaput/)
  })
  it('code the runtime refuses: exit 1 naming the rule and the line', async () => {
    const r = await cli('invoke', join(dir, 'const.js'), '--event', 'cff-viewer-request', '--runtime', 'cloudfront-js-1.0')
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/const\.js:1:0 UnsupportedSyntax: const is not supported in cloudfront-js-1\.0/)
  })
  it('usage errors: an unknown runtime, a missing file', async () => {
    expect((await cli('invoke', join(dir, 'const.js'), '--event', 'cff-viewer-request', '--runtime', 'cloudfront-js-9')).code).toBe(2)
    const missing = await cli('invoke', join(dir, 'nope.js'), '--event', 'cff-viewer-request')
    expect(missing.code).toBe(1)
    expect(missing.err).toMatch(/no such file/)
  })
})

describe('edgeware kvs', () => {
  it('put creates the file; get, list, delete read and edit it', async () => {
    const file = join(dir, 'routes.kvs.json')
    expect((await cli('kvs', 'put', '/old', '/new', '--file', file)).code).toBe(0)
    expect((await cli('kvs', 'put', 'jwt.secret', 's3cret', '--file', file)).code).toBe(0)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ data: [{ key: '/old', value: '/new' }, { key: 'jwt.secret', value: 's3cret' }] })
    expect((await cli('kvs', 'get', '/old', '--file', file)).out).toBe('/new')
    expect((await cli('kvs', 'list', '--file', file)).out).toBe('/old\t/new\njwt.secret\ts3cret')
    expect(JSON.parse((await cli('kvs', 'list', '--file', file, '--json')).out).data).toHaveLength(2)
    expect((await cli('kvs', 'delete', '/old', '--file', file)).code).toBe(0)
    const gone = await cli('kvs', 'get', '/old', '--file', file)
    expect(gone.code).toBe(1)
    expect(gone.err).toMatch(/"\/old" is not in/)
  })
  it('limits and bad files are refused with the rule; the file is left as it was', async () => {
    const file = join(dir, 'limits.json')
    await cli('kvs', 'put', 'a', '1', '--file', file)
    const before = readFileSync(file, 'utf8')
    const r = await cli('kvs', 'put', 'a', 'x'.repeat(1025), '--file', file)
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/ValueTooLong: the value of "a" is 1025 characters, over the limit of 1024/)
    expect(readFileSync(file, 'utf8')).toBe(before)
    writeFileSync(join(dir, 'dup.json'), JSON.stringify({ data: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] }))
    expect((await cli('kvs', 'list', '--file', join(dir, 'dup.json'))).err).toMatch(/DuplicateKey/)
    expect((await cli('kvs', 'get', 'a', '--file', join(dir, 'none.json'))).err).toMatch(/can't read/)
    expect(existsSync(join(dir, 'none.json'))).toBe(false)
  })
  it('--store edits the data file of the configured store (of the environment with --env), with the same limits', async () => {
    const project = join(dir, 'store-project')
    mkdirSync(project, { recursive: true })
    writeFileSync(
      join(project, 'wrangler.toml'),
      `[[edge.origins]]\nid = "app"\nurl = "https://app.example.com"\n[[edge.key_value_stores]]\nid = "routes"\ndata = "data/routes.kvs.json"\n[edge.default_behavior]\norigin = "app"\n[env.staging]\n[[env.staging.edge.key_value_stores]]\nid = "routes"\ndata = "data/staging.kvs.json"\n`,
    )
    mkdirSync(join(project, 'data'))
    writeFileSync(join(project, 'data', 'routes.kvs.json'), '{"data":[{"key":"/a","value":"/b"}]}')
    writeFileSync(join(project, 'data', 'staging.kvs.json'), '{"data":[]}')
    const config = join(project, 'wrangler.toml')
    expect((await cli('kvs', 'put', '/c', '/d', '--store', 'routes', '--config', config)).code).toBe(0)
    expect(JSON.parse(readFileSync(join(project, 'data', 'routes.kvs.json'), 'utf8')).data).toEqual([{ key: '/a', value: '/b' }, { key: '/c', value: '/d' }])
    expect((await cli('kvs', 'list', '--store', 'routes', '--config', config)).out).toBe('/a\t/b\n/c\t/d')
    const staging = await cli('kvs', 'put', '/s', '/t', '--store', 'routes', '--config', config, '--env', 'staging')
    expect(staging.code, staging.err).toBe(0)
    expect(JSON.parse(readFileSync(join(project, 'data', 'staging.kvs.json'), 'utf8')).data).toEqual([{ key: '/s', value: '/t' }])
    const tooLong = await cli('kvs', 'put', 'k'.repeat(513), 'v', '--store', 'routes', '--config', config)
    expect(tooLong.code).toBe(1)
    expect(tooLong.err).toMatch(/KeyTooLong: key "k+"… is 513 characters, over the limit of 512/)
    const unknown = await cli('kvs', 'list', '--store', 'redirects', '--config', config)
    expect(unknown.code).toBe(1)
    expect(unknown.err).toMatch(/--store "redirects": no \[\[edge\.key_value_stores\]\] with that id in .*wrangler\.toml \(known: routes\)/)
    const noConfig = await cli('kvs', 'list', '--store', 'routes', '--config', join(project, 'nope.toml'))
    expect(noConfig.code).toBe(1)
    expect(noConfig.err).toContain('no config at')
  })

  it('usage errors exit 2', async () => {
    expect((await cli('kvs', 'list', '--store', 'a', '--file', 'x.json')).code).toBe(2)
    expect((await cli('kvs', 'list', '--file', 'x.json', '--config', 'wrangler.toml')).code).toBe(2)
    expect((await cli('kvs')).code).toBe(2)
    expect((await cli('kvs', 'get', '--file', 'x.json')).code).toBe(2)
    expect((await cli('kvs', 'list')).code).toBe(2)
    expect((await cli('kvs', 'rename', 'a', '--file', 'x.json')).code).toBe(2)
    expect((await cli('kvs', 'list', '--file', 'x.json', '--store', 'routes')).err).toMatch(/give --file or --store, not both/)
    expect((await cli('kvs', 'list', '--file', 'x.json', '--config', 'wrangler.toml')).err).toMatch(/--config and --env go with --store/)
  })
})
