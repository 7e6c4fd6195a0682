/**
 * CloudFront KeyValueStore, locally: a store in CloudFront's import file format (`{"data":[{"key","value"}]}`,
 * UTF-8 JSON, no duplicate keys, file ≤ 5 MB, key ≤ 512 and value ≤ 1,024 characters [KVS-FILE]), what
 * `cf.kvs()` reads in the sandbox, and a loader that reloads the file when it changes.
 */
import { watch, type FSWatcher } from 'node:fs'
import { readFile, rename, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { resolveFunctionLimits, type FunctionLimits } from '../cloudfront/functions-limits.js'

/**
 * A store or import file that breaks a KeyValueStore rule. `code`: `InvalidImportFile`, `DuplicateKey`,
 * `InvalidKey`, `KeyTooLong`, `InvalidValue`, `ValueTooLong` or `FileTooLarge`.
 *
 * @example
 * ```ts
 * try { KeyValueStore.fromImport('{"data":[{"key":"a"}]}') } catch (e) { (e as KvsError).code } // 'InvalidValue'
 * ```
 */
export class KvsError extends Error {
  override name = 'KvsError'
  readonly code: string

  constructor(code: string, message: string) {
    super(`${code}: ${message}`)
    this.code = code
  }
}

/**
 * What `meta()` answers [KVSH].
 *
 * @example
 * ```ts
 * const m: KvsMeta = store.meta() // { creationDateTime: '2026-…Z', lastUpdatedDateTime: '2026-…Z', keyCount: 3 }
 * ```
 */
export interface KvsMeta {
  creationDateTime: string
  lastUpdatedDateTime: string
  keyCount: number
}

/**
 * Options of a store.
 *
 * @example
 * ```ts
 * new KeyValueStore({ '/a': '/b' }, { id: 'routes', limits: { kvsValueChars: 2048 } })
 * ```
 */
export interface KeyValueStoreOptions {
  /** The store's id: `cf.kvs(id)` with another id fails. Without one, any id is accepted. */
  id?: string
  /** Key, value and file limits (default: CloudFront's). */
  limits?: Partial<FunctionLimits>
}

const chars = (s: string): number => {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0xd800 || c > 0xdbff) n++
  }
  return n
}

/**
 * A local KeyValueStore: string keys and values, CloudFront's limits checked on every write.
 *
 * @example
 * ```ts
 * const store = new KeyValueStore({ 'jwt.secret': 'LzdWGpAToQ1DqYuzHxE6YOqi7G3X2yvNBot9mCXfx5k' })
 * store.get('jwt.secret') // 'LzdW…'
 * ```
 */
export class KeyValueStore {
  readonly id: string | undefined
  readonly limits: FunctionLimits
  readonly #data = new Map<string, string>()
  #created = new Date()
  #updated = this.#created

  constructor(entries?: Readonly<Record<string, string>> | Iterable<readonly [string, string]>, options: KeyValueStoreOptions = {}) {
    this.id = options.id
    this.limits = resolveFunctionLimits(options.limits)
    if (entries !== undefined) {
      const list = Symbol.iterator in Object(entries) ? (entries as Iterable<readonly [string, string]>) : Object.entries(entries as Record<string, string>)
      for (const [k, v] of list) this.#check(k, v, this.#data)
    }
  }

  /**
   * A store from CloudFront's import format (JSON text or the parsed object), checked like CloudFront checks the
   * file: the shape, no duplicate keys, key / value / file sizes.
   *
   * @example
   * ```ts
   * const store = KeyValueStore.fromImport('{"data":[{"key":"/old","value":"/new"}]}', { id: 'routes' })
   * ```
   */
  static fromImport(file: string | unknown, options: KeyValueStoreOptions = {}): KeyValueStore {
    const store = new KeyValueStore(undefined, options)
    store.#data.clear()
    store.#load(file)
    return store
  }

  #check(key: unknown, value: unknown, into: Map<string, string>, where = ''): void {
    const l = this.limits
    if (typeof key !== 'string' || key === '') throw new KvsError('InvalidKey', `${where}key must be a non-empty string, got ${JSON.stringify(key)}`)
    if (chars(key) > l.kvsKeyChars) throw new KvsError('KeyTooLong', `${where}key ${JSON.stringify(key.slice(0, 40))}… is ${chars(key)} characters, over the limit of ${l.kvsKeyChars}`)
    if (typeof value !== 'string') throw new KvsError('InvalidValue', `${where}the value of ${JSON.stringify(key)} must be a string, got ${value === undefined ? 'none' : typeof value}`)
    if (chars(value) > l.kvsValueChars) throw new KvsError('ValueTooLong', `${where}the value of ${JSON.stringify(key)} is ${chars(value)} characters, over the limit of ${l.kvsValueChars}`)
    into.set(key, value)
  }

  /** Replaces the content with an import file's (all or nothing). */
  #load(file: string | unknown): void {
    let doc = file
    if (typeof file === 'string') {
      const bytes = Buffer.byteLength(file, 'utf8')
      if (bytes > this.limits.kvsFileBytes) throw new KvsError('FileTooLarge', `the import file is ${bytes} bytes, over the limit of ${this.limits.kvsFileBytes}`)
      try {
        doc = JSON.parse(file)
      } catch (err) {
        throw new KvsError('InvalidImportFile', `the import file is not valid JSON: ${(err as Error).message}`)
      }
    }
    const data = doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as { data?: unknown }).data : undefined
    if (!Array.isArray(data)) throw new KvsError('InvalidImportFile', 'the import file must be a JSON object {"data":[{"key":"…","value":"…"}, …]}')
    const next = new Map<string, string>()
    data.forEach((e: unknown, i) => {
      const where = `data[${i}]: `
      if (e === null || typeof e !== 'object' || Array.isArray(e)) throw new KvsError('InvalidImportFile', `${where}each entry must be an object { "key", "value" }`)
      const { key, value } = e as { key?: unknown; value?: unknown }
      if (typeof key === 'string' && next.has(key)) throw new KvsError('DuplicateKey', `${where}the key ${JSON.stringify(key)} appears twice (CloudFront refuses duplicate keys)`)
      this.#check(key, value, next, where)
    })
    this.#data.clear()
    for (const [k, v] of next) this.#data.set(k, v)
    this.#updated = new Date()
  }

  /**
   * Replaces the whole content with an import file's (the loader's reload); a bad file throws and leaves the
   * store as it was.
   *
   * @example
   * ```ts
   * store.replaceWith('{"data":[]}')
   * ```
   */
  replaceWith(file: string | unknown): void {
    this.#load(file)
  }

  /**
   * The value of `key`, or undefined.
   *
   * @example
   * ```ts
   * store.get('missing') // undefined
   * ```
   */
  get(key: string): string | undefined {
    return this.#data.get(key)
  }

  /**
   * Whether `key` is in the store.
   *
   * @example
   * ```ts
   * store.has('/old') // true
   * ```
   */
  has(key: string): boolean {
    return this.#data.has(key)
  }

  /**
   * Sets a key (checked against the key and value limits).
   *
   * @example
   * ```ts
   * store.set('/promo', '/sale')
   * ```
   */
  set(key: string, value: string): this {
    this.#check(key, value, this.#data)
    this.#updated = new Date()
    return this
  }

  /**
   * Removes a key; whether it was there.
   *
   * @example
   * ```ts
   * store.delete('/promo') // true
   * ```
   */
  delete(key: string): boolean {
    const had = this.#data.delete(key)
    if (had) this.#updated = new Date()
    return had
  }

  /**
   * The entries, in insertion order.
   *
   * @example
   * ```ts
   * for (const [key, value] of store.entries()) console.log(key, value)
   * ```
   */
  entries(): IterableIterator<[string, string]> {
    return this.#data.entries()
  }

  /**
   * Number of keys.
   *
   * @example
   * ```ts
   * store.size // 2
   * ```
   */
  get size(): number {
    return this.#data.size
  }

  /**
   * `meta()` as the `cloudfront` module answers it.
   *
   * @example
   * ```ts
   * store.meta().keyCount // 2
   * ```
   */
  meta(): KvsMeta {
    return { creationDateTime: this.#created.toISOString(), lastUpdatedDateTime: this.#updated.toISOString(), keyCount: this.#data.size }
  }

  /** @internal sets the creation/update times (from a file's times). */
  _times(created: Date, updated: Date): void {
    this.#created = created
    this.#updated = updated
  }

  /**
   * The store in CloudFront's import format, ready for `JSON.stringify` (what the build uploads).
   *
   * @example
   * ```ts
   * JSON.stringify(store.toImport()) // '{"data":[{"key":"/old","value":"/new"}]}'
   * ```
   */
  toImport(): { data: { key: string; value: string }[] } {
    return { data: [...this.#data].map(([key, value]) => ({ key, value })) }
  }
}

/**
 * Options of {@link loadKeyValueStore}.
 *
 * @example
 * ```ts
 * await loadKeyValueStore('routes.kvs.json', { watch: true, onReload: () => console.log('routes reloaded') })
 * ```
 */
export interface LoadKeyValueStoreOptions extends KeyValueStoreOptions {
  /** Reload when the file changes (default false). */
  watch?: boolean
  /** Called after each successful reload. */
  onReload?: (store: KeyValueStore) => void
  /** Called when a reload fails (the store keeps its previous content). */
  onError?: (err: Error) => void
}

/**
 * A store loaded from a file, and the watcher that keeps it current.
 *
 * @example
 * ```ts
 * const file = await loadKeyValueStore('routes.kvs.json', { watch: true })
 * file.store.get('/old'); file.close()
 * ```
 */
export interface KeyValueStoreFile {
  readonly path: string
  readonly store: KeyValueStore
  /** Reads the file again (what the watcher does); rejects with `KvsError` and keeps the content on a bad file. */
  reload(): Promise<void>
  /** Stops watching. */
  close(): void
}

/**
 * The text of an import file: its size checked before it is read (a huge file is refused, not loaded), its bytes
 * decoded as UTF-8 strictly (a byte that isn't UTF-8 is an error naming its offset, never a silent U+FFFD).
 */
async function readStoreFile(path: string, maxBytes: number): Promise<{ text: string; created: Date; updated: Date }> {
  let bytes: Buffer
  let st: Awaited<ReturnType<typeof stat>>
  try {
    st = await stat(path)
    if (st.isFile() && st.size > maxBytes) throw new KvsError('FileTooLarge', `${path}: the import file is ${st.size} bytes, over the limit of ${maxBytes}`)
    bytes = await readFile(path)
  } catch (err) {
    if (err instanceof KvsError) throw err
    throw new KvsError('InvalidImportFile', `can't read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    const at = firstInvalidUtf8(bytes)
    throw new KvsError('InvalidImportFile', `${path}: the import file is not UTF-8: byte ${at} (0x${bytes[at]!.toString(16).padStart(2, '0')}) starts no valid UTF-8 sequence`)
  }
  return { text, created: st.birthtime.getTime() > 0 ? st.birthtime : st.mtime, updated: st.mtime }
}

/** The offset of the first byte that doesn't decode as UTF-8 (only called once decoding failed). */
function firstInvalidUtf8(bytes: Buffer): number {
  let lo = 0
  let hi = bytes.length
  // the longest valid prefix: a prefix decodes unless it holds an invalid byte (or cuts a sequence at its end)
  const valid = (n: number): boolean => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, n), { stream: true })
      return true
    } catch {
      return false
    }
  }
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (valid(mid)) lo = mid
    else hi = mid - 1
  }
  // the bad byte may end a sequence begun before it: the sequence's first byte is the one to name
  for (let k = 1; k <= 3 && lo - k >= 0; k++) {
    const b = bytes[lo - k]!
    if (b >= 0xc0) return k < (b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2) ? lo - k : lo
    if (b < 0x80) break
  }
  return Math.min(lo, bytes.length - 1)
}

/**
 * Loads a KeyValueStore from an import-format file; with `watch`, the store follows the file (a file that
 * becomes invalid is reported to `onError` and the last good content stays).
 *
 * @example
 * ```ts
 * const { store } = await loadKeyValueStore('edge-functions/routes.kvs.json')
 * ```
 */
export async function loadKeyValueStore(path: string, options: LoadKeyValueStoreOptions = {}): Promise<KeyValueStoreFile> {
  const maxBytes = resolveFunctionLimits(options.limits).kvsFileBytes
  const first = await readStoreFile(path, maxBytes)
  let store: KeyValueStore
  try {
    store = KeyValueStore.fromImport(first.text, options)
  } catch (err) {
    if (err instanceof KvsError) throw new KvsError(err.code, `${path}: ${err.message.slice(err.code.length + 2)}`)
    throw err
  }
  store._times(first.created, first.updated)
  const reload = async (): Promise<void> => {
    const next = await readStoreFile(path, maxBytes)
    store.replaceWith(next.text)
    store._times(first.created, next.updated)
    options.onReload?.(store)
  }
  let watcher: FSWatcher | undefined
  let timer: NodeJS.Timeout | undefined
  if (options.watch) {
    const name = basename(path)
    // the directory, not the file: editors save by writing a new file and renaming it over the old one
    watcher = watch(dirname(path), (_event, file) => {
      if (file !== null && file !== name) return
      clearTimeout(timer)
      timer = setTimeout(() => reload().catch((err: Error) => options.onError?.(err)), 30)
    })
    watcher.unref()
  }
  return {
    path,
    store,
    reload,
    close() {
      clearTimeout(timer)
      watcher?.close()
    },
  }
}

/**
 * Writes a store to a file in the import format (pretty-printed, replaced atomically); refuses (`FileTooLarge`)
 * a file over the limit.
 *
 * @example
 * ```ts
 * store.set('/promo', '/sale'); await saveKeyValueStore('routes.kvs.json', store)
 * ```
 */
export async function saveKeyValueStore(path: string, store: KeyValueStore): Promise<void> {
  const text = `${JSON.stringify(store.toImport(), null, 2)}\n`
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > store.limits.kvsFileBytes) throw new KvsError('FileTooLarge', `the store would be ${bytes} bytes, over the import file limit of ${store.limits.kvsFileBytes}`)
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`)
  await writeFile(tmp, text)
  await rename(tmp, path)
}
