import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FIXTURES, problemsWithFiles } from './helpers.js'

/** The TOML examples of the configuration reference in docs/dev.md. */
function referenceBlocks(): string[] {
  const doc = readFileSync(join(FIXTURES, '..', '..', '..', 'docs', 'dev.md'), 'utf8')
  const section = doc.slice(doc.indexOf('### Configuration reference'), doc.indexOf('### From code'))
  return [...section.matchAll(/```toml\n([\s\S]*?)```/g)].map((m) => m[1]!)
}

describe('the configuration reference in docs/dev.md', () => {
  it('its examples are valid together: every documented key is known and every rule holds', () => {
    const blocks = referenceBlocks()
    expect(blocks.length).toBeGreaterThan(10)
    // The legacy cache example stands alone (a behavior takes it or cache_policy): check it on its own.
    const legacy = blocks.filter((b) => b.startsWith('cache = '))
    expect(legacy).toHaveLength(1)
    const dir = mkdtempSync(join(tmpdir(), 'edgeware-docs-'))
    try {
      expect(problemsWithFiles(blocks.filter((b) => !b.startsWith('cache = ')).join('\n'), dir)).toEqual([])
      expect(problemsWithFiles(`[[edge.origins]]\nid = "x"\nurl = "http://x.test"\n[edge.default_behavior]\norigin = "x"\n${legacy[0]}`, dir)).toEqual([])
    } finally {
      rmSync(dir, { recursive: true })
    }
  })
})
