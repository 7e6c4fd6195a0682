import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { KeyValueStore, KvsError, loadKeyValueStore } from 'edgeware/testing'

// Import files of every wrong shape: a store or a KvsError naming the rule, never another error, and a running
// store keeps its content when its file goes bad.

const dir = mkdtempSync(join(tmpdir(), 'edgeware-kvs-fuzz-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const CODES = ['InvalidImportFile', 'DuplicateKey', 'InvalidKey', 'KeyTooLong', 'InvalidValue', 'ValueTooLong', 'FileTooLarge']
const limits = { kvsKeyChars: 8, kvsValueChars: 16, kvsFileBytes: 2048 }

function storeOrRule(input: unknown): void {
  try {
    const store = KeyValueStore.fromImport(input, { limits })
    expect(store.size).toBeGreaterThanOrEqual(0)
  } catch (e) {
    if (!(e instanceof KvsError)) throw new Error(`fromImport threw ${String(e)} for ${String(JSON.stringify(input)).slice(0, 200)}`)
    expect(CODES).toContain(e.code)
  }
}

const entry = fc.oneof(
  fc.record({ key: fc.string({ maxLength: 12 }), value: fc.string({ maxLength: 20 }) }),
  fc.record({ key: fc.oneof(fc.constant('k'), fc.anything({ maxDepth: 1 })), value: fc.oneof(fc.constant('v'), fc.anything({ maxDepth: 1 })) }, { requiredKeys: [] }),
  fc.anything({ maxDepth: 2 }),
)

describe('KeyValueStore.fromImport under arbitrary input', () => {
  it('documents of any shape', () => {
    fc.assert(
      fc.property(fc.oneof(fc.record({ data: fc.array(entry, { maxLength: 6 }) }), fc.record({ data: fc.anything({ maxDepth: 2 }) }), fc.anything({ maxDepth: 3 })), (doc) => {
        storeOrRule(doc)
        storeOrRule(JSON.stringify(doc) ?? 'undefined')
      }),
      { seed: 20261206, numRuns: 300 },
    )
  })

  it('text of any kind (not JSON, truncated, oversize)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('{"data":[', '{"data":[{"key":"a","value":"b"}', '\uFEFF{"data":[]}', '{"data":[]}'.padEnd(4096, ' '), 'null', '[]', '{"data":{}}')), (text) => {
        storeOrRule(text)
      }),
      { seed: 20261207, numRuns: 200 },
    )
  })
})

describe('import files on disk', () => {
  it('bytes that are not UTF-8 are refused naming the first bad byte, never read as U+FFFD', async () => {
    const path = join(dir, 'latin1.json')
    writeFileSync(path, Buffer.concat([Buffer.from('{"data":[{"key":"caf'), Buffer.from([0xe9]), Buffer.from('","value":"x"}]}')]))
    const err = await loadKeyValueStore(path).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(KvsError)
    expect(err).toMatchObject({ code: 'InvalidImportFile' })
    expect((err as Error).message).toMatch(/latin1\.json: the import file is not UTF-8: byte 20 \(0xe9\)/)
  })

  it('a file over the size limit is refused from its size, before it is read', async () => {
    const path = join(dir, 'huge.json')
    writeFileSync(path, '')
    truncateSync(path, 6 * 1024 * 1024) // sparse: 6 MiB of zero bytes
    await expect(loadKeyValueStore(path)).rejects.toMatchObject({ code: 'FileTooLarge', message: expect.stringMatching(/huge\.json: the import file is 6291456 bytes, over the limit of 5242880/) })
  })

  it('a reload of a file gone bad (not UTF-8, oversize, not JSON) rejects and the store keeps serving its content', async () => {
    const path = join(dir, 'live.json')
    writeFileSync(path, JSON.stringify({ data: [{ key: 'route', value: '/v1' }] }))
    const handle = await loadKeyValueStore(path, { limits: { kvsFileBytes: 1024 } })
    try {
      for (const [bad, code] of [
        [Buffer.from([0x7b, 0xff, 0x7d]), 'InvalidImportFile'],
        [Buffer.alloc(2048, 0x20), 'FileTooLarge'],
        [Buffer.from('{"data":[{"key":"route","value":'), 'InvalidImportFile'],
      ] as const) {
        writeFileSync(path, bad)
        await expect(handle.reload()).rejects.toMatchObject({ code })
        expect(handle.store.get('route')).toBe('/v1')
      }
    } finally {
      handle.close()
    }
  })
})
