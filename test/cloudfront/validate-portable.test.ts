// The validator also has to run where there is no Buffer (workerd, browsers): bundle it with esbuild for a neutral
// platform and run the bundle in a bare V8 context (node:vm, no Node globals), then compare it with Node.
import { build } from 'esbuild'
import fc from 'fast-check'
import { createContext, runInContext } from 'node:vm'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { utf8Length as nodeUtf8Length, validateResult as nodeValidate } from '../../src/cloudfront/validate.js'
import { STAGES } from '../../src/cloudfront/types.js'
import { eventFor, passthrough } from './helpers.js'

interface Bare {
  utf8Length(s: string): number
  validateResult(...a: unknown[]): { code: string; message: string; path?: string }[]
}
let bare: Bare

beforeAll(async () => {
  const r = await build({
    entryPoints: [fileURLToPath(new URL('../../src/cloudfront/validate.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    globalName: 'edgewareValidate',
    platform: 'neutral',
    write: false,
    logLevel: 'silent',
  })
  const ctx = createContext({})
  runInContext(r.outputFiles[0]!.text, ctx)
  expect(runInContext('typeof Buffer', ctx)).toBe('undefined')
  bare = runInContext('edgewareValidate', ctx) as Bare
})

describe('validator without Buffer (bare V8 context)', () => {
  it('utf8Length matches Buffer.byteLength on any string, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), maxLength: 4 }), (a, sur) => {
        const s = a + sur + a
        expect(bare.utf8Length(s)).toBe(Buffer.byteLength(s, 'utf8'))
        expect(nodeUtf8Length(s)).toBe(Buffer.byteLength(s, 'utf8'))
      }),
      { numRuns: 500 },
    )
  })
  it('gives the same verdicts as in Node, including sizes', () => {
    for (const stage of STAGES) {
      const event = eventFor(stage)
      const ok = passthrough(stage, event)
      expect(bare.validateResult(stage, event, ok)).toEqual([])
    }
    const event = eventFor('viewer-request')
    for (const body of ['é'.repeat(20_480), 'é'.repeat(20_480) + 'a', '😀'.repeat(10_240) + 'a']) {
      const r = { status: '200', body }
      expect(bare.validateResult('viewer-request', event, r)).toEqual(nodeValidate('viewer-request', event, r))
    }
    expect(bare.validateResult('viewer-request', event, { status: '200', body: '😀'.repeat(10_240) + 'a' })[0]!.message).toContain('40961 bytes')
  })
})
