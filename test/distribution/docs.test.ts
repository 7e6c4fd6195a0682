import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse as parseToml } from 'smol-toml'
import { describe, expect, it } from 'vitest'
import { configWithFiles, FIXTURES, problemsWithFiles } from './helpers.js'

const docText = (name: string): string => readFileSync(join(FIXTURES, '..', '..', '..', 'docs', name), 'utf8')
const blocksOf = (text: string, lang = 'toml'): string[] => [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!)

/** docs/dev.md split at its configuration reference. */
function devDoc(): { reference: string; rest: string } {
  const doc = docText('dev.md')
  const start = doc.indexOf('### Configuration reference')
  const end = doc.indexOf('### From code')
  return { reference: doc.slice(start, end), rest: doc.slice(0, start) + doc.slice(end) }
}

/** The TOML examples of the configuration reference in docs/dev.md. */
const referenceBlocks = (): string[] => blocksOf(devDoc().reference)

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

interface OriginRefs {
  edge?: {
    origins?: { id?: string }[]
    origin_groups?: { id?: string; members?: string[] }[]
    behaviors?: { origin?: string }[]
    default_behavior?: { origin?: string }
  }
}

/**
 * A fragment of a config completed into the smallest distribution around it: a custom origin for each origin id it
 * names without defining, and a default behavior when it has none.
 */
function complete(fragment: string): string {
  const edge = (parseToml(fragment) as OriginRefs).edge ?? {}
  const defined = new Set([...(edge.origins ?? []), ...(edge.origin_groups ?? [])].map((o) => o.id))
  const named = [edge.default_behavior?.origin, ...(edge.behaviors ?? []).map((b) => b.origin), ...(edge.origin_groups ?? []).flatMap((g) => g.members ?? [])]
  const missing = [...new Set(named.filter((id): id is string => id !== undefined && !defined.has(id)))]
  if (defined.size === 0 && missing.length === 0) missing.push('app')
  const origins = missing.map((id) => `[[edge.origins]]\nid = "${id}"\nurl = "http://${id}.test"\n`).join('')
  const first = edge.origins?.[0]?.id ?? missing[0]
  return `${fragment}\n${origins}${edge.default_behavior ? '' : `[edge.default_behavior]\norigin = "${first}"\n`}`
}

describe('the other TOML examples of docs/dev.md and docs/functions.md', () => {
  const blocks = [...blocksOf(devDoc().rest).map((b) => ['dev.md', b]), ...blocksOf(docText('functions.md')).map((b) => ['functions.md', b])]

  it.each(blocks.map(([doc, block]) => [`${doc}: ${block!.split('\n')[0]}`, block!]))('%s: valid as written in a distribution around it', (_, block) => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeware-docs-'))
    try {
      expect(problemsWithFiles(complete(block), dir)).toEqual([])
    } finally {
      rmSync(dir, { recursive: true })
    }
  })

  it('the environment example does what its comments say', () => {
    const block = blocksOf(docText('dev.md')).find((b) => b.startsWith('[env.production]'))!
    const top = `name = "my-site"\n[vars]\nORIGINS_TABLE = "edge-origins"\n[edge]\nregion = "us-east-1"\n[[edge.behaviors]]\npath_pattern = "/api/*"\norigin = "app"\n`
    const dir = mkdtempSync(join(tmpdir(), 'edgeware-docs-'))
    try {
      const { config } = configWithFiles(complete(top + block.replace(/^\[env/, '\n[env')), dir, { env: 'production' })
      expect(config).toMatchObject({ name: 'my-site-production', vars: { STAGE: 'prod' }, edge: { region: 'eu-west-1' } })
      expect(config!.vars).not.toHaveProperty('ORIGINS_TABLE')
      expect(config!.edge.origins.map((o) => [o.id, o.kind === 'custom' && o.domain])).toEqual([['app', 'app.example.com']])
      expect(config!.behaviors.map((b) => b.pathPattern)).toEqual(['/api/*', '*'])
    } finally {
      rmSync(dir, { recursive: true })
    }
  })

  it('the two other places of the origin table (a text block of [edge.dynamodb] bodies) parse as [edge.dynamodb]', () => {
    const text = blocksOf(devDoc().reference, 'text')
    const bodies = text.flatMap((t) => t.split(/\n\n/)).filter((b) => /^local = /m.test(b))
    expect(bodies).toHaveLength(2)
    const dir = mkdtempSync(join(tmpdir(), 'edgeware-docs-'))
    try {
      for (const body of bodies) expect(problemsWithFiles(complete(`[edge.dynamodb]\n${body}`), dir)).toEqual([])
    } finally {
      rmSync(dir, { recursive: true })
    }
  })
})
