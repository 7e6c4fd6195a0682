/**
 * `npm run screenshot` (scripts/screenshot.mjs) in a fresh process: the example's main pages open in headless
 * Chromium with no console error, failed request or broken image, and each is saved as a PNG. Needs Debian's
 * chromium at /usr/bin/chromium; without it the suite is skipped and says so.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from './example-server.js'

const CHROMIUM = '/usr/bin/chromium'
const present = existsSync(CHROMIUM)
if (!present) {
  console.warn(`\n⚠ SKIPPED test/middleware/example-screenshot.test.ts: no Chromium at ${CHROMIUM}, so the example site's pages were NOT opened in a browser (apt-get install chromium to run it)\n`)
}

describe.skipIf(!present)('npm run screenshot', () => {
  it('opens the main pages of the example in headless Chromium with no console error, failed request or broken image, and saves each', () => {
    const out = mkdtempSync(join(tmpdir(), 'edgeware-screenshots-'))
    try {
      const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'screenshot.mjs'), '--out', out], { cwd: ROOT, encoding: 'utf8', timeout: 150_000 })
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0)
      const pngs = readdirSync(out).sort()
      expect(pngs).toEqual(expect.arrayContaining(['home.png', 'docs.png', 'api.png', 'not-found.png', 'blog.png']))
      for (const f of pngs) {
        const png = readFileSync(join(out, f))
        expect(png.subarray(0, 8).toString('hex'), f).toBe('89504e470d0a1a0a')
        // IHDR: width and height of a full page at the 1280-pixel viewport
        expect(png.readUInt32BE(16), f).toBe(1280)
        expect(png.readUInt32BE(20), f).toBeGreaterThan(600)
      }
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  }, 180_000)
})
