import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { build } from 'esbuild'
import { zipSync, strToU8 } from 'fflate'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { freePort } from './child.js'
import { runCli } from './run-cli.js'
import { createEvent } from 'edgeware/testing'

const root = join(import.meta.dirname, '..', '..')
let dir: string

beforeAll(() => {
  mkdirSync(join(root, '.edgeware'), { recursive: true })
  // inside the project so `import 'edgeware'` resolves (package self-reference), like a user's edge function
  dir = mkdtempSync(join(root, '.edgeware', 'test-cli-'))
  writeFileSync(
    join(dir, 'redirect.ts'),
    `import { viewerRequest, path } from 'edgeware'
export const handler = viewerRequest(path('/old', async (c) => void c.redirect('/new', 301)), async (c, next) => {
  c.request.headers.set('x-ab', c.request.cookies.get('ab') ?? 'A')
  await next()
})
`,
  )
  writeFileSync(join(dir, 'bad-host.mjs'), `export const handler = async (event) => { const r = event.Records[0].cf.request; r.headers.host = [{ key: 'Host', value: 'evil' }]; return r }\n`)
  writeFileSync(join(dir, 'throws.cjs'), `exports.handler = async () => { throw new Error('kaput') }\n`)
  writeFileSync(join(dir, 'numeric.js'), `export const handler = async (event) => ({ ...event.Records[0].cf.response, status: 200 })\n`)
  writeFileSync(join(dir, 'tla.mjs'), `const suffix = await Promise.resolve('!')\nexport const handler = async () => ({ status: '200', body: 'tla' + suffix })\n`)
  writeFileSync(join(dir, 'noexport.ts'), `export const other = 1\n`)
  writeFileSync(join(dir, 'broken.ts'), `export const handler = (\n`)
  writeFileSync(join(dir, 'event.json'), JSON.stringify(createEvent('viewer-request', { uri: '/old' })))
  writeFileSync(join(dir, 'bad.json'), '{ nope')
  writeFileSync(
    join(dir, 'fn.zip'),
    zipSync({ 'index.js': strToU8(`exports.handler = async (event, ctx, cb) => ({ status: '200', body: 'from zip ' + ctx.functionName })\n`) }),
  )
  writeFileSync(join(dir, 'empty.zip'), zipSync({ 'other.js': strToU8('1') }))
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

const cli = runCli

afterEach(() => vi.restoreAllMocks())

describe('edgeware event', () => {
  it('prints the sample event of each stage', async () => {
    for (const stage of ['viewer-request', 'origin-request', 'origin-response', 'viewer-response'] as const) {
      const r = await cli('event', stage)
      expect(r.code).toBe(0)
      expect(JSON.parse(r.out)).toEqual(createEvent(stage))
    }
  })

  it('--s3 --body --uri --header --cookie --querystring --method', async () => {
    const r = await cli('event', 'origin-request', '--s3', '--body', 'a=1', '--uri', '/form', '--header', 'X-A: 1', '--cookie', 'ab=B', '--querystring', 'q=2', '--method', 'PUT')
    expect(r.code).toBe(0)
    const req = JSON.parse(r.out).Records[0].cf.request
    expect(req.origin.s3).toBeDefined()
    expect(req).toMatchObject({ uri: '/form', querystring: 'q=2', method: 'PUT', body: { data: Buffer.from('a=1').toString('base64') } })
    expect(req.headers['x-a']).toEqual([{ key: 'X-A', value: '1' }])
    expect(req.headers['cookie']).toEqual([{ key: 'Cookie', value: 'ab=B' }])
    const s = await cli('event', 'origin-response', '--status', '404')
    expect(JSON.parse(s.out).Records[0].cf.response.status).toBe('404')
  })

  it('usage errors exit 2 with a message', async () => {
    expect((await cli('event')).code).toBe(2)
    const bad = await cli('event', 'edge-request')
    expect(bad.code).toBe(2)
    expect(bad.err).toContain('"edge-request"')
    expect((await cli('event', 'viewer-request', '--header', 'nocolon')).err).toContain("'Name: value'")
    expect((await cli('event', 'viewer-response', '--body', 'x')).code).toBe(2)
    expect((await cli('event', 'viewer-request', '--bogus')).code).toBe(2)
  })
})

describe('edgeware invalidate', () => {
  it("checks CloudFront's path rules before it asks the local edge (exit 2, naming the path)", async () => {
    const none = await runCli('invalidate')
    expect(none.code).toBe(2)
    expect(none.err).toMatch(/^edgeware invalidate: expected at least one path/)
    const bad = await runCli('invalidate', '/ok', 'docs/*', '/a/*/b', '--port', '1')
    expect(bad.code).toBe(2)
    expect(bad.err).toContain('"docs/*": an invalidation path must start with "/" (try "/docs/*")')
    expect(bad.err).toContain('"/a/*/b": a * is allowed only as the last character of an invalidation path')
    expect((await runCli('invalidate', '/x', '--port', 'http')).err).toMatch(/--port: expected a port number 0-65535, got "http"/)
  })

  it('nothing listening on the port: one line saying to start edgeware dev, exit 1', async () => {
    const port = await freePort()
    const r = await runCli('invalidate', '/*', '--port', String(port), '--ip', '127.0.0.1')
    expect(r.code).toBe(1)
    expect(r.err).toBe(`edgeware invalidate: nothing answers on 127.0.0.1:${port} (ECONNREFUSED): start the local edge with \`edgeware dev\`, or name its port with --port`)
  })
})

describe('edgeware invoke', () => {
  it('bundles a TypeScript handler, runs it on a stage sample, prints the result and VALID', async () => {
    const r = await cli('invoke', join(dir, 'redirect.ts'), '--event', 'viewer-request')
    expect(r.code).toBe(0)
    const [json] = r.out.split('\n\n')
    expect(JSON.parse(json!).headers['x-ab']).toEqual([{ key: 'x-ab', value: 'A' }])
    expect(r.out).toMatch(/VALID: CloudFront accepts this viewer-request result \(limits: classic/)
  })

  it('reads an event file', async () => {
    const r = await cli('invoke', join(dir, 'redirect.ts'), '--event', join(dir, 'event.json'), '--json')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.out)).toMatchObject({ stage: 'viewer-request', valid: true, result: { status: '301' }, violations: [] })
  })

  it('an invalid result: exit 1 and each violation with code and message', async () => {
    const r = await cli('invoke', join(dir, 'bad-host.mjs'), '--event', 'viewer-request')
    expect(r.code).toBe(1)
    expect(r.out).toContain('INVALID: CloudFront would answer 502 (LambdaValidationError)')
    expect(r.out).toMatch(/ReadOnlyHeader at headers\.host: The Lambda function result failed validation/)
  })

  it('a throw: exit 1 with the 503, the cause and the line of the source it came from', async () => {
    const r = await cli('invoke', join(dir, 'throws.cjs'), '--event', 'viewer-request')
    expect(r.code).toBe(1)
    expect(r.out).toMatch(/^ERROR: the viewer-request function failed: Error: kaput at \.edgeware\/test-cli-\w+\/throws\.cjs:1:\d+ \(CloudFront answers 503\)$/m)
    const j = await cli('invoke', join(dir, 'throws.cjs'), '--event', 'origin-request', '--json')
    expect(JSON.parse(j.out)).toMatchObject({ valid: false, stage: 'origin-request', error: { name: 'EdgeExecutionError', status: 503 } })
  })

  it('warnings are printed (numeric status in a response event)', async () => {
    const r = await cli('invoke', join(dir, 'numeric.js'), '--event', 'origin-response', '--limits', 'current')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/warning: NumericStatus/)
    expect(r.out).toContain('limits: current')
  })

  it('an ES module with top-level await: refused as edgeware build refuses it (a Lambda@Edge bundle is CommonJS)', async () => {
    const r = await cli('invoke', join(dir, 'tla.mjs'), '--event', 'viewer-request', '--json')
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/^edgeware invoke: esbuild could not bundle .*tla\.mjs:\n.*[Tt]op-level await/m)
  })

  it('runs a built .zip (index.js, handler export)', async () => {
    const r = await cli('invoke', join(dir, 'fn.zip'), '--event', 'viewer-request', '--json')
    expect(r.code).toBe(0)
    // the context Lambda@Edge gives: the function's name, prefixed with us-east-1
    expect(JSON.parse(r.out).result).toEqual({ status: '200', body: 'from zip us-east-1.fn' })
  })

  it('clear errors for missing files, bad zips, bad events, missing exports, syntax errors, bad options', async () => {
    const cases: [string[], RegExp, number][] = [
      [[join(dir, 'nope.ts'), '--event', 'viewer-request'], /no such file/, 1],
      [[join(dir, 'empty.zip'), '--event', 'viewer-request'], /has no index\.js/, 1],
      [[join(dir, 'redirect.ts'), '--event', join(dir, 'bad.json')], /not valid JSON/, 1],
      [[join(dir, 'redirect.ts'), '--event', 'nostage'], /neither a stage name/, 1],
      [[join(dir, 'noexport.ts'), '--event', 'viewer-request'], /noexport\.ts has no "handler" export: Lambda@Edge calls index\.handler/, 1],
      [[join(dir, 'broken.ts'), '--event', 'viewer-request'], /esbuild could not bundle .*broken\.ts/, 1],
      [[join(dir, 'redirect.ts'), '--event', 'viewer-request', '--limits', 'huge'], /--limits must be/, 2],
      [[join(dir, 'redirect.ts'), '--event', 'viewer-request', '--timeout', '-4'], /--timeout/, 2],
      [[join(dir, 'redirect.ts')], /expected one handler file and --event/, 2],
    ]
    for (const [args, re, code] of cases) {
      const r = await cli('invoke', ...args)
      expect(r.code, args.join(' ')).toBe(code)
      expect(r.err, args.join(' ')).toMatch(re)
    }
  })

  it('a handler for another stage: the event error is reported', async () => {
    const r = await cli('invoke', join(dir, 'redirect.ts'), '--event', 'origin-request')
    expect(r.code).toBe(1)
    expect(r.out).toMatch(/WrongStage|serves viewer-request/)
  })
})

describe('the real CLI in a child process', () => {
  it('node runs the bundled CLI: event and invoke with exit codes', async () => {
    const cliFile = join(dir, 'cli.mjs')
    await build({
      entryPoints: [join(root, 'src', 'cli', 'index.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      outfile: cliFile,
      logLevel: 'silent',
      plugins: [
        {
          // the other subcommands belong to other modules; keep them out of this bundle
          name: 'only-event-invoke',
          setup(b) {
            b.onResolve({ filter: /^\.\/(dev|build|origins|deploy|destroy|logs|kvs|init)\.js$/ }, (a) => (a.importer.endsWith(join('cli', 'index.ts')) ? { path: a.path, external: true } : undefined))
          },
        },
      ],
    })
    writeFileSync(join(dir, 'run.mjs'), `import { main } from './cli.mjs'\nprocess.exitCode = await main(process.argv.slice(2))\n`)
    const run = promisify(execFile)
    const ev = await run(process.execPath, [join(dir, 'run.mjs'), 'event', 'viewer-request', '--uri', '/old'], { cwd: root })
    expect(JSON.parse(ev.stdout).Records[0].cf.request.uri).toBe('/old')
    const ok = await run(process.execPath, [join(dir, 'run.mjs'), 'invoke', join(dir, 'redirect.ts'), '--event', join(dir, 'event.json')], { cwd: root })
    expect(ok.stdout).toContain('"status": "301"')
    expect(ok.stdout).toContain('VALID')
    const bad = await run(process.execPath, [join(dir, 'run.mjs'), 'invoke', join(dir, 'bad-host.mjs'), '--event', 'viewer-request'], { cwd: root }).catch(
      (e: { code: number; stdout: string }) => e,
    )
    expect((bad as { code: number }).code).toBe(1)
    expect((bad as { stdout: string }).stdout).toContain('ReadOnlyHeader')
  })
})
