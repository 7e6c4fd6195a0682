import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useProjectDir } from '../cloudfront-functions/helpers.js'
import { compileCloudFrontFunction } from 'edgeware/build'
import { compileFunction, createFunctionEvent, FunctionError, KeyValueStore, runFunction } from 'edgeware/testing'
import type { FunctionRuntime } from 'edgeware/cloudfront'

const projectDir = useProjectDir('cff-build')

function src(name: string, code: string): string {
  const p = join(projectDir(), name)
  writeFileSync(p, code)
  return p
}

async function refusal(entry: string, runtime?: FunctionRuntime, limits = {}): Promise<FunctionError> {
  const e = await compileCloudFrontFunction(entry, { ...(runtime ? { runtime } : {}), limits }).catch((x: unknown) => x)
  if (e instanceof FunctionError) return e
  throw new Error(`expected a FunctionError, got ${String(e)}`)
}

describe('compileCloudFrontFunction: TypeScript into the runtime’s form', () => {
  it('a module exporting an async handler becomes a script with a top-level async function handler; cloudfront stays an import', async () => {
    const entry = src(
      'router.ts',
      `import cf from 'cloudfront'
import type { CffEvent } from 'edgeware/cloudfront'
const PREFIX: string = '/v2'
export async function handler(event: CffEvent) {
  const value = await cf.kvs().get(event.request.uri)
  event.request.uri = PREFIX + value
  return event.request
}
`,
    )
    const { code, bytes, limit, runtime } = await compileCloudFrontFunction(entry)
    expect(runtime).toBe('cloudfront-js-2.0')
    expect(limit).toBe(10 * 1024)
    expect(bytes).toBe(Buffer.byteLength(code))
    expect(code).toMatch(/^import \w+ from"cloudfront";/)
    expect(code).toMatch(/\nasync function handler\(event\)\{return \w+\(event\)\}\n$/)
    expect(code).not.toMatch(/\bexport\b/)
    const fn = compileFunction(code, { runtime: 'cloudfront-js-2.0' })
    const out = runFunction(fn, createFunctionEvent('viewer-request', { uri: '/a' }), { kvs: new KeyValueStore({ '/a': '/b' }) })
    expect(out.ok && out.result.uri).toBe('/v2/b')
  })

  it('without minify, a function declared as handler is kept as is', async () => {
    const entry = src('plain.ts', 'export function handler(event: { request: object }) {\n  return event.request\n}\n')
    const { code } = await compileCloudFrontFunction(entry, { minify: false })
    expect(code).toMatch(/^function handler\(event\) \{/m)
    expect(code).not.toMatch(/export|async function handler/)
  })

  it('for cloudfront-js-1.0 the handler stays synchronous and syntax the runtime lacks is lowered where esbuild can', async () => {
    const entry = src('v1.ts', 'export function handler(event: any) {\n  var n = event.request.headers?.x?.value ?? "none"\n  event.request.headers["x-n"] = { value: n }\n  return event.request\n}\n')
    const { code } = await compileCloudFrontFunction(entry, { runtime: 'cloudfront-js-1.0' })
    expect(code).toMatch(/\nfunction handler\(event\)\{return \w+\(event\)\}\n$/)
    expect(code).not.toMatch(/\?\.|\?\?/)
    const out = runFunction(compileFunction(code, { runtime: 'cloudfront-js-1.0' }), createFunctionEvent('viewer-request'))
    expect(out.ok && (out.result.headers as Record<string, unknown>)['x-n']).toEqual({ value: 'none' })
  })

  it('AWS’s plain form passes through unchanged (and is checked)', async () => {
    const code = 'function handler(event) {\n  return event.request\n}\n'
    expect((await compileCloudFrontFunction(src('aws.js', code))).code).toBe(code)
    expect((await refusal(src('aws-const.js', 'const a = 1\nfunction handler(event) { return event.request }\n'), 'cloudfront-js-1.0')).code).toBe('UnsupportedSyntax')
  })
})

describe('compileCloudFrontFunction refuses what the runtime can’t run, at the line of the source', () => {
  it('syntax esbuild can’t lower (destructuring, for-of, classes) names the file and line', async () => {
    const e = await refusal(src('destructure.ts', 'export function handler(event: any) {\n  const { request } = event\n  for (const k of Object.keys(request)) {}\n  return request\n}\n'))
    expect(e.code).toBe('UnsupportedSyntax')
    expect(e.problems.map((p) => [p.file?.split('/').pop(), p.line, p.message])).toEqual([
      ['destructure.ts', 2, 'destructuring is not supported in cloudfront-js-2.0'],
      ['destructure.ts', 3, 'for-of loops is not supported in cloudfront-js-2.0'],
    ])
    expect(e.message).toMatch(/destructure\.ts:2:\d+ UnsupportedSyntax: destructuring is not supported/)
  })
  it('const in 1.0 is refused at its line', async () => {
    const e = await refusal(src('v1-const.ts', 'export function handler(event: any) {\n  if (event) {\n    const x = 1\n    event.x = x\n  }\n  return event.request\n}\n'), 'cloudfront-js-1.0')
    expect(e.problems[0]).toMatchObject({ line: 3, message: 'const is not supported in cloudfront-js-1.0' })
    expect(e.message).toMatch(/v1-const\.ts:3:\d+ UnsupportedSyntax/)
  })
  it('a global the runtime lacks is located in the source through the source map', async () => {
    const e = await refusal(src('map.ts', 'export function handler(event: any) {\n  var seen = new Map()\n  return event.request\n}\n'))
    expect(e.code).toBe('UnsupportedGlobal')
    expect(e.problems[0]).toMatchObject({ line: 2, message: expect.stringMatching(/^Map is not available in cloudfront-js-2\.0/) })
    expect(e.problems[0]!.file).toMatch(/map\.ts$/)
  })
  it('a Node.js module is not there to import', async () => {
    const e = await refusal(src('fs.ts', "import { readFileSync } from 'fs'\nexport function handler(event: any) { readFileSync('x'); return event.request }\n"))
    expect(e.message).toMatch(/fs/)
  })
  it('a module without a handler export: MissingHandler', async () => {
    expect((await refusal(src('nohandler.ts', 'export const other = 1\n'))).code).toBe('MissingHandler')
  })
  it('over the code size limit: FunctionSizeLimitExceeded, naming the largest inputs', async () => {
    src('big-data.ts', `export const TABLE = ${JSON.stringify('x'.repeat(12_000))}\n`)
    const e = await refusal(src('big.ts', "import { TABLE } from './big-data.js'\nexport function handler(event: any) { event.request.uri = TABLE; return event.request }\n"))
    expect(e.code).toBe('FunctionSizeLimitExceeded')
    expect(e.message).toMatch(/the compiled function is \d+ bytes, over the limit of 10240 bytes \(largest inputs: .*big-data\.ts \d+ B/)
    const small = await refusal(src('small.ts', 'export function handler(event: any) { return event.request }\n'), undefined, { codeBytes: 10 })
    expect(small.code).toBe('FunctionSizeLimitExceeded')
  })
  it('a source that doesn’t parse: BuildFailed with esbuild’s message', async () => {
    const e = await refusal(src('broken.ts', 'export function handler(\n'))
    expect(e.code).toBe('BuildFailed')
    expect(e.message).toMatch(/broken\.ts:2/)
  })
})

it('the compiled output is what a deployment would upload: it reads back as the same code', async () => {
  const entry = src('roundtrip.ts', 'export function handler(event: any) { return event.request }\n')
  const { code } = await compileCloudFrontFunction(entry)
  writeFileSync(join(projectDir(), 'out.js'), code)
  expect(readFileSync(join(projectDir(), 'out.js'), 'utf8')).toBe(code)
  expect((await compileCloudFrontFunction(join(projectDir(), 'out.js'))).code).toBe(code)
})
