import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as esbuild from 'esbuild'
import { unzipSync } from 'fflate'
import { afterAll, describe, expect, it } from 'vitest'
import { deterministicZip, digest } from '../../src/build/zip.js'
import { cleanTempDirs, REPO, tempDir, zipRecords } from './helpers.js'

afterAll(cleanTempDirs)

describe('deterministicZip', () => {
  it('gives the same bytes in any time zone, with a 1980-01-01 00:00 DOS timestamp', async () => {
    const dir = await tempDir('zip-')
    const lib = join(dir, 'zip.mjs')
    await esbuild.build({ entryPoints: [join(REPO, 'src', 'build', 'zip.ts')], outfile: lib, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'silent' })
    const script = `import { deterministicZip } from ${JSON.stringify(pathToFileURL(lib).href)}
process.stdout.write(Buffer.from(deterministicZip([{ name: 'index.js', data: 'exports.handler = async (e) => e' }, { name: 'index.js.map', data: '{}' }])).toString('hex'))`
    const here = Buffer.from(deterministicZip([{ name: 'index.js', data: 'exports.handler = async (e) => e' }, { name: 'index.js.map', data: '{}' }])).toString('hex')
    for (const tz of ['UTC', 'Pacific/Kiritimati', 'America/St_Johns', 'Asia/Kathmandu']) {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, env: { PATH: process.env.PATH ?? '', TZ: tz }, encoding: 'utf8' })
      expect(r.stderr).toBe('')
      expect(r.stdout, tz).toBe(here)
    }
    const records = zipRecords(Buffer.from(here, 'hex'))
    expect(records.map((r) => [r.name, r.mtime, r.mode.toString(8)])).toEqual([
      ['index.js', '1980-01-01 00:00:00', '100644'],
      ['index.js.map', '1980-01-01 00:00:00', '100644'],
    ])
  })

  it('round-trips the content, keeps the given order and refuses duplicate names', () => {
    const zip = deterministicZip([{ name: 'b.txt', data: 'bee' }, { name: 'a.txt', data: new Uint8Array([1, 2, 3]) }])
    const files = unzipSync(zip)
    expect(Object.keys(files)).toEqual(['b.txt', 'a.txt'])
    expect(new TextDecoder().decode(files['b.txt'])).toBe('bee')
    expect([...files['a.txt']!]).toEqual([1, 2, 3])
    expect(() => deterministicZip([{ name: 'x', data: '1' }, { name: 'x', data: '2' }])).toThrow('duplicate zip entry "x"')
  })

  it('digests as hex (manifest) and base64 (Lambda CodeSha256)', () => {
    const d = digest(new TextEncoder().encode('abc'))
    expect(d.sha256).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(d.codeSha256).toBe(Buffer.from(d.sha256, 'hex').toString('base64'))
  })
})
