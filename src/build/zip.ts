/**
 * Deterministic zips: the same files give byte-identical archives on any machine, in any time zone.
 */
import { createHash } from 'node:crypto'
import { zipSync, type Zippable } from 'fflate'

/**
 * One file of a zip.
 *
 * @example
 * ```ts
 * const entries: ZipEntry[] = [{ name: 'index.js', data: 'exports.handler = async (e) => e.Records[0].cf.request' }]
 * const zip = deterministicZip(entries) // the same bytes for the same entries, every time
 * ```
 */
export interface ZipEntry {
  /** Path inside the archive (`index.js`). */
  name: string
  data: Uint8Array | string
}

/** DOS time has no zone: fflate reads local-time fields, so build 1980-01-01 00:00:00 from local fields. */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0)
/** Unix (made by 3), regular file 0644: `-rw-r--r--` in the high 16 bits of the external attributes. */
const UNIX = 3
const REGULAR_0644 = ((0o100644 << 16) >>> 0)

/**
 * Zips `entries` in the given order with a fixed timestamp (1980-01-01), fixed permissions (0644 regular file)
 * and a fixed deflate level, so the same inputs give the same bytes.
 *
 * @example
 * ```ts
 * const zip = deterministicZip([{ name: 'index.js', data: code }])
 * ```
 */
export function deterministicZip(entries: readonly ZipEntry[], level: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 = 9): Uint8Array {
  const files: Zippable = {}
  const seen = new Set<string>()
  for (const e of entries) {
    if (seen.has(e.name)) throw new Error(`duplicate zip entry ${JSON.stringify(e.name)}`)
    seen.add(e.name)
    const data = typeof e.data === 'string' ? new TextEncoder().encode(e.data) : e.data
    files[e.name] = [data, { level, mtime: FIXED_MTIME, os: UNIX, attrs: REGULAR_0644 }]
  }
  return zipSync(files, { level, mtime: FIXED_MTIME })
}

/**
 * The digests of a package: `sha256` in hex (the manifest) and `codeSha256` in base64 (what Lambda reports as
 * `CodeSha256` and what `AWS::Lambda::Version` compares).
 *
 * @example
 * ```ts
 * const { sha256, codeSha256 } = digest(zip)
 * ```
 */
export function digest(data: Uint8Array): { sha256: string; codeSha256: string } {
  const h = createHash('sha256').update(data).digest()
  return { sha256: h.toString('hex'), codeSha256: h.toString('base64') }
}
