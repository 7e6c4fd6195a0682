import { describe, expect, it } from 'vitest'
import { findEnvReads, RESERVED_ENV_VARS, stripComments } from '../../src/build/env-scan.js'

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

  it('keeps offsets and newlines when stripping comments', () => {
    const src = 'a /* x\ny */ b // c\nd'
    const out = stripComments(src)
    expect(out.length).toBe(src.length)
    expect(out.split('\n')).toHaveLength(3)
    expect(out.replace(/\s+/g, ' ')).toBe('a b d')
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
