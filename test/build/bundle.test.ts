import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { bundleFunction, BuildError, runtimeTarget } from '../../src/build/index.js'
import { cleanTempDirs, FIXTURES, runDir, runFresh, sampleEvent, tempDir, writeTree } from './helpers.js'
import { linkEdgeware } from '../cli/child.js'

afterAll(cleanTempDirs)

/** Writes `code` as the bundle's index.js into a Lambda-like dir and runs it with the viewer-request sample. */
async function runBundle(code: string, env: Record<string, string> = {}) {
  const dir = await runDir()
  writeFileSync(join(dir, 'index.js'), code)
  return runFresh(dir, sampleEvent('viewer-request'), env)
}

const ECHO_ENV = `
export const handler = async () => ({
  status: '200',
  body: JSON.stringify({ endpoint: process.env.EDGEWARE_DYNAMODB_ENDPOINT ?? null, table: process.env.ORIGINS_TABLE, release: process.env.RELEASE, region: process.env.AWS_REGION }),
})
`

describe('bundleFunction', () => {
  it('bakes [vars] and the dev DynamoDB endpoint; a production bundle ignores the runtime environment', async () => {
    const dir = await tempDir()
    writeTree(dir, { 'fn.ts': ECHO_ENV })
    const vars = { ORIGINS_TABLE: 'edge-origins', RELEASE: 7 }
    const dev = await bundleFunction({ entry: join(dir, 'fn.ts'), vars, dynamoEndpoint: 'http://127.0.0.1:4567' })
    expect(dev.envReads).toEqual([])
    const devRun = await runBundle(dev.code, { ORIGINS_TABLE: 'from-env' })
    expect(JSON.parse((devRun.result as { body: string }).body)).toEqual({ endpoint: 'http://127.0.0.1:4567', table: 'edge-origins', release: 7, region: 'us-east-1' })

    const prod = await bundleFunction({ entry: join(dir, 'fn.ts'), vars })
    const prodRun = await runBundle(prod.code, { EDGEWARE_DYNAMODB_ENDPOINT: 'http://127.0.0.1:9', AWS_REGION: 'ap-south-1' })
    expect(JSON.parse((prodRun.result as { body: string }).body)).toEqual({ endpoint: null, table: 'edge-origins', release: 7, region: 'ap-south-1' })
  })

  it('reports non-reserved reads in the function\'s own files only (not node_modules, not edgeware)', async () => {
    const dir = await tempDir()
    writeTree(dir, {
      'node_modules/envy/package.json': JSON.stringify({ name: 'envy', version: '1.0.0', main: 'index.js' }),
      'node_modules/envy/index.js': 'exports.debug = process.env.ENVY_DEBUG === "1"\n',
      'lib/helper.ts': 'export const token = () => process.env.HELPER_TOKEN\n',
      'fn.ts': [
        "import { viewerRequest } from 'edgeware'",
        "import { debug } from 'envy'",
        "import { token } from './lib/helper.js'",
        'export const handler = viewerRequest(async (c, next) => { if (debug || token() || process.env.AWS_REGION) await next() })',
      ].join('\n'),
    })
    const r = await bundleFunction({ entry: 'fn.ts', absWorkingDir: dir })
    expect(r.envReads).toEqual([{ name: 'HELPER_TOKEN', file: 'lib/helper.ts:1', path: 'lib/helper.ts', line: 1 }])
    expect(Object.keys(r.metafile.inputs)).toContain('node_modules/envy/index.js')
  })

  it('warns about each symlink that brings in code from outside the project, naming the link and its real path', async () => {
    const dir = await tempDir()
    const outside = await runDir('edgeware-outside-')
    writeTree(outside, {
      'secret-helper.ts': 'export const helper = () => "from outside"\n',
      'shared/a.ts': 'export const a = 1\n',
      'shared/b.ts': 'export const b = 2\n',
      'pkg/package.json': JSON.stringify({ name: 'linked-pkg', version: '1.0.0', main: 'index.js' }),
      'pkg/index.js': 'exports.linked = true\n',
    })
    writeTree(dir, {
      'inside.ts': 'export const inside = 0\n',
      'fn.ts': [
        "import { helper } from './lib/helper'",
        "import { a } from './shared/a.js'",
        "import { b } from './shared/b.js'",
        "import { linked } from 'linked-pkg'",
        "import { inside } from './inside.js'",
        'export const handler = async () => ({ status: "200", body: helper() + a + b + linked + inside })',
      ].join('\n'),
    })
    mkdirSync(join(dir, 'lib'))
    mkdirSync(join(dir, 'node_modules'))
    symlinkSync(join(outside, 'secret-helper.ts'), join(dir, 'lib', 'helper.ts'))
    symlinkSync(join(outside, 'shared'), join(dir, 'shared'))
    symlinkSync(join(outside, 'pkg'), join(dir, 'node_modules', 'linked-pkg'))
    const r = await bundleFunction({ entry: 'fn.ts', absWorkingDir: dir })
    const real = realpathSync(outside)
    expect(r.warnings.sort()).toEqual([
      `lib/helper.ts is a symlink to ${join(real, 'secret-helper.ts')}, outside the project: it is inlined into the bundle (imported from fn.ts)`,
      `node_modules/linked-pkg is a symlink to ${join(real, 'pkg')}, outside the project: 1 file from it is inlined into the bundle (imported from fn.ts)`,
      `shared is a symlink to ${join(real, 'shared')}, outside the project: 2 files from it are inlined into the bundle (imported from fn.ts)`,
    ])
    // a project without links says nothing
    const plain = await tempDir()
    writeTree(plain, { 'fn.ts': "import { inside } from './inside.js'\nexport const handler = async () => ({ status: '200', body: String(inside) })\n", 'inside.ts': 'export const inside = 0\n' })
    expect((await bundleFunction({ entry: 'fn.ts', absWorkingDir: plain })).warnings).toEqual([])
    // nor one that links edgeware itself, as \`edgeware init\` in a checkout does (file:): it is in every bundle
    const linked = await tempDir()
    writeTree(linked, { 'fn.ts': "import { viewerRequest } from 'edgeware'\nexport const handler = viewerRequest(async (c, next) => next())\n" })
    linkEdgeware(linked)
    expect((await bundleFunction({ entry: 'fn.ts', absWorkingDir: linked })).warnings).toEqual([])
  })

  it('accepts ESM re-exports and CommonJS object exports, and rejects a default export', async () => {
    const dir = await tempDir()
    writeTree(dir, {
      'impl.ts': 'export const handler = async (e: { Records: { cf: { request: unknown } }[] }) => e.Records[0]!.cf.request\nexport const other = 1\n',
      'reexport.ts': "export { handler } from './impl.js'\n",
      'star.ts': "export * from './impl.js'\n",
      'object.cjs': 'const handler = async (e) => e.Records[0].cf.request\nmodule.exports = { handler }\n',
      'required.cjs': "module.exports = require('./object.cjs')\n",
      'default.ts': "import { handler } from './impl.js'\nexport default { handler }\n",
    })
    for (const f of ['reexport.ts', 'star.ts', 'object.cjs', 'required.cjs']) {
      const b = await bundleFunction({ entry: join(dir, f) })
      const run = await runBundle(b.code)
      expect(run.error, f).toBeUndefined()
      expect(run.result, f).toMatchObject({ uri: '/' })
    }
    const err = await bundleFunction({ entry: join(dir, 'default.ts') }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BuildError)
    expect((err as BuildError).message).toBe('default.ts has no "handler" export: Lambda@Edge calls index.handler, so export it (export const handler = … or exports.handler = …)')
  })

  it('maps Lambda runtimes to esbuild targets and rejects others', async () => {
    expect(runtimeTarget('nodejs20.x')).toBe('node20')
    expect(runtimeTarget('nodejs22.x')).toBe('node22')
    expect(runtimeTarget('nodejs24.x')).toBe('node24')
    for (const bad of ['nodejs18.x', 'python3.13', 'node22']) {
      expect(() => runtimeTarget(bad)).toThrow(`Unsupported runtime "${bad}"`)
    }
    const entry = join(FIXTURES, 'functions', 'empty.js')
    await expect(bundleFunction({ entry, runtime: 'nodejs16.x' })).rejects.toThrow('Unsupported runtime "nodejs16.x"')
    // nodejs20.x output parses and runs on node 20
    const b = await bundleFunction({ entry, runtime: 'nodejs20.x' })
    expect((await runBundle(b.code)).result).toMatchObject({ uri: '/' })
  })

  it('rejects a [vars] key that cannot be baked as process.env.KEY', async () => {
    const entry = join(FIXTURES, 'functions', 'empty.js')
    await expect(bundleFunction({ entry, vars: { 'BAD-KEY': 'x' } })).rejects.toThrow('[vars] key "BAD-KEY"')
  })

  it('returns a source map only when asked, with relative sources', async () => {
    const entry = join(FIXTURES, 'functions', 'empty.js')
    expect((await bundleFunction({ entry })).map).toBeUndefined()
    const withMap = await bundleFunction({ entry, sourcemap: true })
    expect(JSON.parse(withMap.map!).sources).toEqual(['empty.js'])
  })
})

describe('bundleFunction and ESM-only code', () => {
  it('keeps import.meta.url working in the CommonJS bundle, computed where it runs', async () => {
    const dir = await tempDir()
    writeTree(dir, {
      'fn.mjs': [
        "import { createRequire } from 'node:module'",
        'const req = createRequire(import.meta.url)',
        "export const handler = async () => ({ status: '200', body: `${typeof req('node:path').join} ${new URL('.', import.meta.url).protocol} ${import.meta.url.endsWith('/index.js')}` })",
      ].join('\n'),
    })
    const b = await bundleFunction({ entry: join(dir, 'fn.mjs') })
    expect(b.code).not.toContain(dir)
    const run = await runBundle(b.code)
    expect(run.error, run.stderr).toBeUndefined()
    expect(run.result).toMatchObject({ body: 'function file: true' })
    // code that does not use it does not carry the shim
    const plain = await bundleFunction({ entry: join(FIXTURES, 'functions', 'empty.js') })
    expect(plain.code).not.toContain('pathToFileURL')
  })
})

describe('bundleFunction warnings', () => {
  it("passes on esbuild's warnings with their location", async () => {
    const dir = await tempDir()
    // a CommonJS .js file in a "type": "module" package is no warning: bundling to CommonJS makes it right
    expect((await bundleFunction({ entry: join(FIXTURES, 'functions', 'empty.js') })).warnings).toEqual([])
    writeTree(dir, { 'warn.cjs': 'exports.handler = async (e) => { if (e == -0) return e; return typeof e == "bigint" }\n' })
    const w = await bundleFunction({ entry: join(dir, 'warn.cjs') })
    expect(w.warnings).toHaveLength(1)
    expect(w.warnings[0]).toMatch(/^warn\.cjs:1:\d+: Comparison with -0/)
  })
})
