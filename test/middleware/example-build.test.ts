/**
 * The example site packages for Lambda@Edge: `edgeware build` on the root wrangler.toml succeeds (no env reads,
 * every zip within its stages' limits), and each built `index.js` runs in a fresh node process on an AWS sample.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { unzipSync, strFromU8 } from 'fflate'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type BuildResult } from '../../src/build/build.js'
import { REPO } from '../build/helpers.js'
import { samples } from 'edgeware/testing'

let out: string
let result: BuildResult

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'edgeware-example-build-'))
  result = await build({ config: join(REPO, 'wrangler.toml'), outDir: out })
}, 120_000)

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true })
})

describe('example site build', () => {
  it('builds every example function', () => {
    const names = result.functions.map((f) => f.name).sort()
    expect(names).toEqual(expect.arrayContaining(['api-viewer-request', 'site-origin-response', 'site-viewer-request', 'site-viewer-response']))
    for (const f of result.functions) expect(f.share, f.name).toBeLessThan(1)
  })

  it('runs the built site viewer-request and api functions in a fresh node process', () => {
    const ran: string[] = []
    for (const f of result.functions) {
      if (f.name !== 'site-viewer-request' && f.name !== 'api-viewer-request') continue
      ran.push(f.name)
      const zip = unzipSync(readFileSync(f.zip))
      const dir = mkdtempSync(join(out, 'run-'))
      writeFileSync(join(dir, 'index.js'), strFromU8(zip['index.js']!))
      const script = `const { handler } = require(${JSON.stringify(join(dir, 'index.js'))});
        handler(${JSON.stringify(samples.viewerRequestSample)}, {}).then((r) => process.stdout.write(JSON.stringify(r)))`
      const res = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { uri?: string; headers: Record<string, { value: string }[]> }
      expect(res.uri).toBe('/')
      if (f.name === 'site-viewer-request') expect(res.headers['cookie']?.[0]?.value).toMatch(/^ab=(a|b)$/)
    }
    expect(ran.sort()).toEqual(['api-viewer-request', 'site-viewer-request'])
  })
})
