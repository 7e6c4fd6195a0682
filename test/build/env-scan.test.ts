import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { runInNewContext } from 'node:vm'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { bundleFunction } from '../../src/build/bundle.js'
import { cleanTempDirs, tempDir } from './helpers.js'
import { findEnvReads, RESERVED_ENV_VARS } from '../../src/build/env-scan.js'

afterAll(cleanTempDirs)

const names = (src: string) => findEnvReads(src).map((r) => `${r.name}@${r.line}`)

describe('findEnvReads', () => {
  it('finds member, bracket, optional-chaining and globalThis reads with their lines', () => {
    const src = [
      'const a = process.env.TABLE',
      "const b = process.env['REGION_X'] ?? process.env[\"QUOTED\"]",
      'const c = process?.env?.OPTIONAL',
      'const d = globalThis.process.env.GLOBAL',
      'const e = `${process.env.IN_TEMPLATE}/x`',
    ].join('\n')
    expect(names(src)).toEqual(['TABLE@1', 'REGION_X@2', 'QUOTED@2', 'OPTIONAL@3', 'GLOBAL@4', 'IN_TEMPLATE@5'])
  })

  it('finds destructuring, with renames, defaults and quoted keys, and flags a rest element as dynamic', () => {
    const reads = findEnvReads("const { A, B: bee, C = 'x', 'D-E': de, ...rest } = process.env")
    expect(reads.map((r) => [r.name, r.dynamic])).toEqual([
      ['A', false],
      ['B', false],
      ['C', false],
      ['D-E', false],
      ['...rest of process.env', true],
    ])
  })

  it('flags computed keys and uses of the whole object as dynamic', () => {
    expect(findEnvReads('const v = process.env[key]\nObject.keys(process.env)').map((r) => [r.name, r.line, r.dynamic])).toEqual([
      ['process.env[…]', 1, true],
      ['process.env', 2, true],
    ])
  })

  it('ignores comments, strings that look like comments, writes and other objects\' env', () => {
    const src = [
      '// process.env.IN_LINE_COMMENT',
      '/* process.env.IN_BLOCK',
      '   comment */ const url = "http://example.com//x"; const y = process.env.AFTER_URL',
      "process.env.WRITTEN = '1'",
      'config.process.env.NOT_OURS',
      "const re = /\\/\\/ process.env.IN_REGEX/",
      'const z = process.env.LAST // trailing process.env.COMMENTED',
    ].join('\n')
    expect(names(src)).toEqual(['AFTER_URL@3', 'LAST@7'])
  })

  it('knows Lambda\'s reserved variables', () => {
    for (const v of ['AWS_REGION', 'AWS_LAMBDA_FUNCTION_NAME', 'AWS_ACCESS_KEY_ID', 'AWS_SESSION_TOKEN', 'LAMBDA_TASK_ROOT', 'TZ', '_HANDLER']) {
      expect(RESERVED_ENV_VARS.has(v), v).toBe(true)
    }
    expect(RESERVED_ENV_VARS.has('ORIGINS_TABLE')).toBe(false)
    expect(RESERVED_ENV_VARS.has('NODE_ENV')).toBe(false)
  })
})

describe('findEnvReads and checks', () => {
  it("reads `'X' in process.env` as a read of X and skips `typeof process.env`", () => {
    expect(names("if ('FEATURE' in process.env) f()\ntype Env = typeof process.env\nconst t = typeof process.env.TOKEN")).toEqual(['FEATURE@1', 'TOKEN@3'])
  })
})

describe('findEnvReads and literals', () => {
  it('ignores process.env inside strings, template text and regular expressions, not inside ${…}', () => {
    const src = [
      'const msg = "set process.env.IN_STRING first"',
      'const t = `process.env.IN_TEMPLATE_TEXT ${process.env.IN_EXPR}`',
      'const k = process.env[`TEMPLATE_KEY`]',
    ].join('\n')
    expect(names(src)).toEqual(['IN_EXPR@2', 'TEMPLATE_KEY@3'])
  })
})

describe('findEnvReads through an env alias', () => {
  it("finds reads through `env` imported or destructured from process, flagged viaAlias", () => {
    const src = [
      "import { env, argv } from 'node:process'",
      "import { env as e2 } from 'process'",
      'const { env: e3 } = process',
      'const a = env.ALPHA + e2["BETA"] + e3.GAMMA',
      'const { DELTA } = env',
      'const other = { env: 1 }.env',
      'myenv.NOT_IT',
    ].join('\n')
    expect(findEnvReads(src).map((r) => [r.name, r.line, r.viaAlias ?? false])).toEqual([
      ['ALPHA', 4, true],
      ['BETA', 4, true],
      ['GAMMA', 4, true],
      ['DELTA', 5, true],
    ])
  })
})

describe('findEnvReads follows process and process.env wherever they go', () => {
  const reads = (src: string) => findEnvReads(src).map((r) => [r.name, r.line, r.dynamic, r.viaAlias ?? false])

  it('finds a read through every way of reaching process, each marked as not baked', () => {
    const src = [
      "import proc from 'process'",
      "import * as ns from 'node:process'",
      'const viaDefault = proc.env.A',
      'const viaNamespace = ns.env.B',
      "const viaRequire = require('process').env.C",
      'const alias = process',
      'const viaAlias = alias.env.D',
      "const viaGlobal = globalThis['process'].env.E",
      'const g = global',
      'const viaGlobalAlias = g.process.env.F',
      "const { env: e } = require('node:process')",
      'const viaRequiredEnv = e.G',
      'const env2 = process.env',
      'const viaEnvAlias = env2.H',
    ].join('\n')
    expect(reads(src)).toEqual([
      ['A', 3, false, true],
      ['B', 4, false, true],
      ['C', 5, false, true],
      ['D', 7, false, true],
      ['E', 8, false, true],
      ['F', 10, false, true],
      ['G', 12, false, true],
      ['H', 14, false, true],
    ])
  })

  it("treats process['env']['X'] and process?.env?.X as the plain form (esbuild bakes them)", () => {
    expect(reads("const a = process['env']['X']\nconst b = process?.env?.Y\nconst c = process.env[`Z`]")).toEqual([
      ['X', 1, false, false],
      ['Y', 2, false, false],
      ['Z', 3, false, false],
    ])
  })

  it('reports the forms that hide the name: Reflect.get, passing process or its env on, computed keys, eval, new Function, import()', () => {
    const src = [
      "const a = Reflect.get(process.env, 'X')",
      'const b = inspect(process)',
      'const c = process[key]',
      "const d = globalThis[k]",
      "const e = eval('process.env.SECRET')",
      "const f = new Function('return process.env.SECRET')()",
      "const g = Function('return 1')()",
      "const h = (0, eval)('1')",
      "const i = import('node:process')",
      'const j = { ...process.env }',
      'for (const k in process.env) use(k)',
    ].join('\n')
    expect(reads(src)).toEqual([
      ['process.env', 1, true, false],
      ['process', 2, true, false],
      ['process[…]', 3, true, false],
      ['globalThis[…]', 4, true, false],
      ['eval', 5, true, false],
      ['Function', 6, true, false],
      ['Function', 7, true, false],
      ['eval', 8, true, false],
      ["import('process')", 9, true, false],
      ['process.env', 10, true, false],
      ['process.env', 11, true, false],
    ])
  })

  it('ignores a local named process, writes, typeof checks, other members and harmless uses of Function', () => {
    const src = [
      'function f(process: { env: Record<string, string> }) { return process.env.LOCAL }',
      "process.env.WRITTEN = '1'",
      'delete process.env.GONE',
      "if (typeof process !== 'undefined' && process.versions.node) process.nextTick(() => {})",
      'const isFn = f instanceof Function',
      'const proto = Function.prototype',
      "const ok = typeof eval === 'function'",
      'const { cwd } = process',
      'export { f, isFn, proto, ok, cwd }',
    ].join('\n')
    expect(reads(src)).toEqual([])
  })

  it('maps lines back through TypeScript that esbuild reprints (types, enums, decorators removed)', () => {
    const src = [
      'interface Config {',
      '  table: string',
      '}',
      'enum Mode { A, B }',
      '',
      'export const config: Config = {',
      '  table: (process.env as Record<string, string>).TABLE_NAME,',
      '}',
      'export const mode = Mode.A',
    ].join('\n')
    expect(reads(src)).toEqual([['TABLE_NAME', 7, false, false]])
  })

  it('reads JSX and plain CommonJS (sloppy mode) too', () => {
    expect(findEnvReads('export const el = <div>{process.env.JSX_VAR}</div>', { loader: 'tsx' }).map((r) => r.name)).toEqual(['JSX_VAR'])
    expect(findEnvReads('with (Math) { x = 010 }\nmodule.exports = process.env.SLOPPY', { loader: 'js' }).map((r) => [r.name, r.line])).toEqual([['SLOPPY', 2]])
  })
})

// Soundness, end to end: whatever form a function reads a variable with, the build either reports the read (with
// its line) or the bundle, run where the environment is empty (as at the edge), gets the right value. A read that
// is neither would silently come out undefined in production.
describe('property: no read of the environment comes out undefined unreported', () => {
  type Form = { prelude?: string; expr: (name: string) => string; isIn?: true }
  const FORMS: Form[] = [
    { expr: (n) => `process.env.${n}` },
    { expr: (n) => `process.env['${n}']` },
    { expr: (n) => `process['env']['${n}']` },
    { expr: (n) => `process?.env?.${n}` },
    { expr: (n) => `globalThis.process.env.${n}` },
    { expr: (n) => `globalThis['process'].env.${n}` },
    { prelude: 'const aliasP = process', expr: (n) => `aliasP.env.${n}` },
    { prelude: 'const aliasE = process.env', expr: (n) => `aliasE.${n}` },
    { prelude: "import procDefault from 'process'", expr: (n) => `procDefault.env.${n}` },
    { prelude: "import * as procNs from 'node:process'", expr: (n) => `procNs.env.${n}` },
    { prelude: "import { env as procEnv } from 'process'", expr: (n) => `procEnv.${n}` },
    { expr: (n) => `require('process').env.${n}` },
    { expr: (n) => `require('node:process')['env']['${n}']` },
    { expr: (n) => `Reflect.get(process.env, '${n}')` },
    { expr: (n) => `(() => { const { ${n}: v } = process.env; return v })()` },
    { expr: (n) => `(() => { const { env: { ${n}: v } } = process; return v })()` },
    { expr: (n) => `Object.entries(process.env).find(([k]) => k === '${n}')?.[1]` },
    { expr: (n) => `eval('process.env.${n}')` },
    { expr: (n) => `new Function('return process.env.${n}')()` },
    { expr: (n) => `process.env[['${n.slice(0, 2)}', '${n.slice(2)}'].join('')]` },
    { expr: (n) => `('${n}' in process.env)`, isIn: true },
  ]
  const NAMES = ['TABLE', 'REGION_X', 'SECRET', 'AWS_REGION']
  const RUNTIME_ENV: Record<string, string> = { AWS_REGION: 'eu-west-1' } // what Lambda@Edge sets: reserved only

  it('for random mixes of forms, names and [vars]', async () => {
    const dir = await tempDir('env-soundness-')
    let n = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: FORMS.length - 1 }), fc.constantFrom(...NAMES)), { minLength: 1, maxLength: 6 }),
        fc.subarray(['TABLE', 'REGION_X', 'SECRET']),
        async (reads, bakedNames) => {
          const preludes = [...new Set(reads.map(([f]) => FORMS[f]!.prelude).filter((p): p is string => p !== undefined))]
          const lines = [...preludes, 'const out: unknown[] = []']
          const lineOf: number[] = []
          for (const [f, name] of reads) {
            lines.push(`out.push(${FORMS[f]!.expr(name)})`)
            lineOf.push(lines.length)
          }
          lines.push('export const handler = async () => out')
          const file = `fn${n++}.ts`
          writeFileSync(join(dir, file), lines.join('\n'))
          const vars = Object.fromEntries(bakedNames.map((k) => [k, `baked-${k}`]))
          const b = await bundleFunction({ entry: file, absWorkingDir: dir, vars, minify: false })
          const reported = new Set(b.envReads.map((r) => r.line))
          const fake = { env: { ...RUNTIME_ENV }, versions: process.versions, nextTick: process.nextTick }
          const mod = { exports: {} as { handler?: () => Promise<unknown[]> } }
          const req = (id: string) => (id === 'process' || id === 'node:process' ? fake : createRequire(import.meta.url)(id))
          runInNewContext(b.code, { module: mod, exports: mod.exports, require: req, process: fake, console })
          const values = await mod.exports.handler!()
          reads.forEach(([f, name], i) => {
            if (reported.has(lineOf[i]!)) return // the build refuses it, naming the line
            const expected = FORMS[f]!.isIn ? true : (vars[name] ?? RUNTIME_ENV[name])
            expect(values[i], `${FORMS[f]!.expr(name)} with [vars] ${JSON.stringify(vars)}: neither reported nor right`).toBe(expected)
          })
        },
      ),
      { numRuns: 60 },
    )
  })
})
