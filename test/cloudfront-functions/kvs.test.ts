import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createFunctionEvent, invokeFunction, KeyValueStore, KvsError, loadKeyValueStore, runFunctionOutcome, saveKeyValueStore } from 'edgeware/testing'
import type { CffValues } from 'edgeware/cloudfront'

const dir = mkdtempSync(join(tmpdir(), 'edgeware-kvs-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const file = (name: string, content: unknown): string => {
  const p = join(dir, name)
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content))
  return p
}
const kvsError = (fn: () => unknown): KvsError => {
  try {
    fn()
  } catch (e) {
    if (e instanceof KvsError) return e
    throw e
  }
  throw new Error('expected a KvsError')
}

describe('the import file format and its limits', () => {
  it('reads {"data":[{"key","value"}]} in order', () => {
    const store = KeyValueStore.fromImport('{"data":[{"key":"/old","value":"/new"},{"key":"jwt.secret","value":"s"}]}')
    expect([...store.entries()]).toEqual([['/old', '/new'], ['jwt.secret', 's']])
    expect(store.toImport()).toEqual({ data: [{ key: '/old', value: '/new' }, { key: 'jwt.secret', value: 's' }] })
  })
  it('refuses what CloudFront refuses, each with its code', () => {
    const cases: [unknown, string][] = [
      ['{not json', 'InvalidImportFile'],
      [[], 'InvalidImportFile'],
      [{ items: [] }, 'InvalidImportFile'],
      [{ data: ['x'] }, 'InvalidImportFile'],
      [{ data: [{ key: 'a' }] }, 'InvalidValue'],
      [{ data: [{ key: 'a', value: 1 }] }, 'InvalidValue'],
      [{ data: [{ key: '', value: 'x' }] }, 'InvalidKey'],
      [{ data: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] }, 'DuplicateKey'],
      [{ data: [{ key: 'k'.repeat(513), value: 'x' }] }, 'KeyTooLong'],
      [{ data: [{ key: 'k', value: 'v'.repeat(1025) }] }, 'ValueTooLong'],
    ]
    for (const [input, code] of cases) expect(kvsError(() => KeyValueStore.fromImport(input)).code, JSON.stringify(input).slice(0, 40)).toBe(code)
  })
  it('keys up to 512 and values up to 1,024 characters pass; characters, not bytes', () => {
    const store = KeyValueStore.fromImport({ data: [{ key: 'é'.repeat(512), value: '😀'.repeat(1024) }] })
    expect(store.size).toBe(1)
  })
  it('a file over 5 MB is refused (FileTooLarge); the limits can be changed', () => {
    expect(kvsError(() => KeyValueStore.fromImport(JSON.stringify({ data: [{ key: 'a', value: 'b' }] }), { limits: { kvsFileBytes: 10 } })).code).toBe('FileTooLarge')
    expect(KeyValueStore.fromImport({ data: [{ key: 'k', value: 'v'.repeat(2000) }] }, { limits: { kvsValueChars: 4096 } }).size).toBe(1)
  })
  it('writes are checked too, and meta() counts the keys', () => {
    const store = new KeyValueStore({ a: '1' })
    store.set('b', '2')
    expect(store.delete('a')).toBe(true)
    expect(store.meta()).toMatchObject({ keyCount: 1 })
    expect(Date.parse(store.meta().lastUpdatedDateTime)).toBeGreaterThanOrEqual(Date.parse(store.meta().creationDateTime))
    expect(kvsError(() => store.set('c', 'x'.repeat(1025))).code).toBe('ValueTooLong')
  })
})

describe('files: load, watch, save', () => {
  it('loadKeyValueStore reads a file; a bad file is refused naming it', async () => {
    const { store } = await loadKeyValueStore(file('ok.json', { data: [{ key: 'a', value: '1' }] }))
    expect(store.get('a')).toBe('1')
    await expect(loadKeyValueStore(file('dup.json', { data: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] }))).rejects.toThrow(/DuplicateKey: .*dup\.json: data\[1\]: the key "a" appears twice/)
    await expect(loadKeyValueStore(join(dir, 'missing.json'))).rejects.toThrow(/can't read .*missing\.json: ENOENT/)
  })
  it('with watch, the store follows the file; a broken save keeps the last good content and is reported', async () => {
    const path = file('watched.json', { data: [{ key: 'route', value: '/v1' }] })
    let reloaded!: () => void
    let failed!: (e: Error) => void
    const reload = new Promise<void>((r) => (reloaded = r))
    const broken = new Promise<Error>((r) => (failed = r))
    const handle = await loadKeyValueStore(path, { watch: true, onReload: () => reloaded(), onError: (e) => failed(e) })
    try {
      writeFileSync(path, JSON.stringify({ data: [{ key: 'route', value: '/v2' }] }))
      await reload
      expect(handle.store.get('route')).toBe('/v2')
      writeFileSync(path, '{"data":[{"key":"route"}]}')
      expect((await broken).message).toMatch(/InvalidValue/)
      expect(handle.store.get('route')).toBe('/v2')
    } finally {
      handle.close()
    }
  })
  it('saveKeyValueStore writes the import format (what loadKeyValueStore reads back)', async () => {
    const path = join(dir, 'saved.json')
    await saveKeyValueStore(path, new KeyValueStore({ b: '2', a: '1' }))
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ data: [{ key: 'b', value: '2' }, { key: 'a', value: '1' }] })
    expect((await loadKeyValueStore(path)).store.get('a')).toBe('1')
    await expect(saveKeyValueStore(path, new KeyValueStore({ a: 'x' }, { limits: { kvsFileBytes: 8 } }))).rejects.toThrow(/FileTooLarge/)
  })
})

describe('cf.kvs() in a function', () => {
  const kvs = new KeyValueStore({ text: 'héllo', conf: '{"a":[1,2]}', broken: '{' }, { id: 'config' })
  /** Runs an async expression against the store and returns its JSON, via a header. */
  const read = async (expr: string, options = {}): Promise<unknown> => {
    const code = `import cf from 'cloudfront'\nasync function handler(event) { const s = cf.kvs(); let out; try { out = await (${expr}) } catch (e) { out = { error: e.name + ': ' + e.message } } event.request.headers['x-out'] = { value: JSON.stringify(out) }; return event.request }`
    const res = await invokeFunction(code, createFunctionEvent('viewer-request'), { kvs, ...options })
    return JSON.parse((res.headers as CffValues)['x-out']!.value)
  }

  it('get: string (default), json, bytes', async () => {
    expect(await read("s.get('text')")).toBe('héllo')
    expect(await read("s.get('conf', { format: 'json' })")).toEqual({ a: [1, 2] })
    expect(await read("s.get('text', { format: 'bytes' }).then(function (b) { return [b instanceof Uint8Array, b.length] })")).toEqual([true, 6])
  })
  it('a missing key rejects (the documented error), invalid JSON rejects with a SyntaxError, a bad format with a TypeError', async () => {
    expect(await read("s.get('nope')")).toEqual({ error: 'Error: the key "nope" was not found in the key value store' })
    expect((await read("s.get('broken', { format: 'json' })")) as { error: string }).toMatchObject({ error: expect.stringMatching(/^SyntaxError/) })
    expect(await read("s.get('text', { format: 'xml' })")).toEqual({ error: 'TypeError: format must be string, json or bytes, got xml' })
  })
  it('exists and meta', async () => {
    expect(await read("Promise.all([s.exists('text'), s.exists('nope')])")).toEqual([true, false])
    expect(await read('s.meta()')).toMatchObject({ keyCount: 3, creationDateTime: expect.stringMatching(/Z$/) })
  })
  it('the store’s own id is accepted; another id is refused, as is cf.kvs() without a store', async () => {
    const code = (id: string) => `import cf from 'cloudfront'\nasync function handler(event) { await cf.kvs(${id}).get('text'); return event.request }`
    expect((await runFunctionOutcome(code("'config'"), createFunctionEvent('viewer-request'), { kvs })).ok).toBe(true)
    const other = await runFunctionOutcome(code("'routes'"), createFunctionEvent('viewer-request'), { kvs })
    expect(!other.ok && other.message).toMatch(/the key value store "routes" is not associated with this function \(its store is "config"\)/)
    const none = await runFunctionOutcome(code(''), createFunctionEvent('viewer-request'))
    expect(!none.ok && none.message).toMatch(/no key value store is associated with this function/)
  })
  it('invokeFunction takes the store as a file path or an import object too', async () => {
    const path = file('routes.json', { data: [{ key: 'text', value: 'from file' }] })
    expect(await read("s.get('text')", { kvs: path })).toBe('from file')
    expect(await read("s.get('text')", { kvs: { data: [{ key: 'text', value: 'inline' }] } })).toBe('inline')
  })
})
