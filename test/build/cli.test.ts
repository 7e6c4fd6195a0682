import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { run } from '../../src/cli/build.js'
import { cleanTempDirs, FIXTURES, tempDir, writeTree } from './helpers.js'

afterAll(cleanTempDirs)
afterEach(() => vi.restoreAllMocks())

function capture() {
  const out: string[] = []
  const err: string[] = []
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')))
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')))
  return { out, err }
}

describe('edgeware build (CLI)', () => {
  it('shows progress, then one summary line per function with its stages, zip size and share of the limit', async () => {
    const out = join(await tempDir(), 'out')
    const io = capture()
    const code = await run(['--config', join(FIXTURES, 'site', 'wrangler.toml'), '--out', out])
    expect(code).toBe(0)
    expect(io.out.filter((l) => /^ {2}\[\d\/4\] bundling /.test(l))).toHaveLength(4)
    const summary = io.out.slice(io.out.findIndex((l) => l.startsWith('built 4 functions')) + 1)
    expect(summary).toHaveLength(4)
    expect(summary[3]).toMatch(/^ {2}viewer +viewer-request +\d+\.\d KiB zip, \d+\.\d% of the 1\.00 MiB limit$/)
    expect(summary[0]).toMatch(/^ {2}origin +origin-request +\d+\.\d KiB zip, <0\.1% of the 50\.00 MiB limit$/)
    expect(readdirSync(out)).toContain('viewer.zip')
  })

  it('exits 1 with the reason and writes nothing when a rule is broken', async () => {
    const dir = await tempDir()
    writeTree(dir, {
      'wrangler.toml': 'name = "t"\n[[edge.origins]]\nid = "app"\nurl = "https://a.example.com"\n[edge.default_behavior]\norigin = "app"\nviewer_request = "fn.ts"\n',
      'fn.ts': 'export const handler = async () => ({ status: "200", body: process.env.API_KEY })\n',
    })
    const io = capture()
    const code = await run(['--config', join(dir, 'wrangler.toml'), '--out', join(dir, 'out')])
    expect(code).toBe(1)
    expect(io.err.join('\n')).toMatch(/^edgeware build failed: fn: fn\.ts:1 reads the environment variable API_KEY\./)
    expect(io.err.join('\n')).toContain('nothing was written')
    expect(existsSync(join(dir, 'out'))).toBe(false)
  })

  it('rejects unknown options with usage (exit 2) and prints help', async () => {
    const io = capture()
    expect(await run(['--bogus'])).toBe(2)
    expect(io.err.join('\n')).toContain('usage: edgeware build')
    expect(await run(['--help'])).toBe(0)
    expect(io.out.join('\n')).toContain('--sourcemap')
  })

  it('builds zips that `edgeware invoke` runs and CloudFront would accept', async () => {
    const out = join(await tempDir(), 'out')
    capture()
    expect(await run(['--config', join(FIXTURES, 'site', 'wrangler.toml'), '--out', out])).toBe(0)
    vi.restoreAllMocks()
    const { run: invoke } = await import('../../src/cli/invoke.js')
    for (const [zip, stage] of [['viewer.zip', 'viewer-request'], ['plain-callback.zip', 'origin-response'], ['plain-esm.zip', 'viewer-response']] as const) {
      const io = capture()
      const code = await invoke([join(out, zip), '--event', stage, '--json'])
      const report = JSON.parse(io.out.join('\n')) as { valid: boolean; stage: string }
      expect(code, zip).toBe(0)
      expect(report).toMatchObject({ valid: true, stage })
      vi.restoreAllMocks()
    }
  })

  it('fails clearly when the config file does not exist', async () => {
    const io = capture()
    expect(await run(['--config', join(FIXTURES, 'nope.toml')])).toBe(1)
    expect(io.err.join('\n')).toBe(`edgeware build: no config at ${join(FIXTURES, 'nope.toml')}: start a project with \`npx edgeware init\`, or check the --config path`)
  })
})
