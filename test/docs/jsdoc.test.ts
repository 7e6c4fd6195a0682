/**
 * Every export of every public entry point (package.json `exports`, read through the `edgeware-source` condition)
 * has a JSDoc description and an `@example` with a ```ts block: what an editor shows a user on hover.
 * One TypeScript program over all entries, as the compiler resolves them (re-exports followed to their declaration).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/**
 * Exports whose declaration is not edgeware's to document, by name. `JWTPayload` is jose's own type, re-exported by
 * edgeware/middleware so that `verifyJwt`'s result can be named without a direct dependency on jose.
 */
const THIRD_PARTY = new Set(['JWTPayload'])

/** The source file of each public entry point, by subpath (`.`, `./testing`, …). */
function publicEntries(): Map<string, string> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string | Record<string, string>> }
  const out = new Map<string, string>()
  for (const [sub, target] of Object.entries(pkg.exports)) {
    const source = typeof target === 'object' ? target['edgeware-source'] : undefined
    if (source !== undefined) out.set(sub, join(ROOT, source))
  }
  return out
}

/** The nodes whose JSDoc documents an export: its declarations, or the `export * as name` that creates it. */
function documentedNodes(exported: ts.Symbol, checker: ts.TypeChecker): ts.Node[] {
  const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
  const nodes: ts.Node[] = []
  for (const d of target.declarations ?? []) {
    // A namespace re-export (`export * as samples from './samples.js'`) resolves to the module itself.
    if (ts.isSourceFile(d)) nodes.push(...(exported.declarations ?? []).map((a) => (ts.isNamespaceExport(a) ? a.parent : a)))
    else nodes.push(d)
  }
  return nodes
}

/** What an export lacks: `description`, `@example` (a ```ts block in an `@example` tag), both, or nothing. */
function missingDocs(nodes: readonly ts.Node[]): string[] {
  let description = false
  let example = false
  for (const node of nodes) {
    for (const doc of ts.getJSDocCommentsAndTags(node)) {
      if (ts.isJSDoc(doc) && (ts.getTextOfJSDocComment(doc.comment) ?? '').trim() !== '') description = true
      const tags = ts.isJSDoc(doc) ? (doc.tags ?? []) : [doc]
      for (const tag of tags) {
        if (tag.tagName.text === 'example' && /```ts\n\s*\S[\s\S]*?```/.test(ts.getTextOfJSDocComment(tag.comment) ?? '')) example = true
      }
    }
  }
  return [...(description ? [] : ['description']), ...(example ? [] : ['@example'])]
}

interface Report {
  /** How many exports were checked, per entry subpath. */
  counts: Map<string, number>
  /** `subpath name (file): lacks description, @example`, one per undocumented export. */
  undocumented: string[]
}

/** Walks each entry's exports in one program built with the project's compiler options. */
function checkEntries(entries: ReadonlyMap<string, string>, root: string): Report {
  const { config } = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (f) => ts.sys.readFile(f))
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT)
  const program = ts.createProgram([...entries.values()], { ...options, noEmit: true })
  const checker = program.getTypeChecker()
  const counts = new Map<string, number>()
  const undocumented: string[] = []
  for (const [sub, file] of entries) {
    const source = program.getSourceFile(file)
    const moduleSymbol = source && checker.getSymbolAtLocation(source)
    if (!moduleSymbol) throw new Error(`entry ${sub}: ${file} is not a module the compiler can read`)
    const exports = checker.getExportsOfModule(moduleSymbol)
    counts.set(sub, exports.length)
    for (const exported of exports) {
      if (THIRD_PARTY.has(exported.name)) continue
      const nodes = documentedNodes(exported, checker)
      const lacks = missingDocs(nodes)
      const where = nodes[0] ? relative(root, nodes[0].getSourceFile().fileName) : '?'
      if (lacks.length > 0) undocumented.push(`${sub} ${exported.name} (${where}): lacks ${lacks.join(', ')}`)
    }
  }
  return { counts, undocumented }
}

describe('JSDoc of the public API', () => {
  it('every export of every package entry point has a description and an @example', () => {
    const entries = publicEntries()
    expect([...entries.keys()]).toEqual(expect.arrayContaining(['.', './testing', './cloudfront', './middleware', './build']))
    const { counts, undocumented } = checkEntries(entries, ROOT)
    for (const [sub, n] of counts) expect(n, `exports of ${sub}`).toBeGreaterThan(0)
    expect(undocumented).toEqual([])
  }, 60_000)

  it('names an export without a description, one without an example, and a bare namespace re-export', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeware-jsdoc-'))
    try {
      writeFileSync(join(dir, 'parts.ts'), 'export const one = 1\n')
      writeFileSync(
        join(dir, 'index.ts'),
        [
          '/**\n * @example\n * ```ts\n * noText()\n * ```\n */',
          'export function noText(): void {}',
          '/** Says hello. */',
          'export function noExample(): string { return "hi" }',
          '/** Fenced, but not as TypeScript.\n * @example\n * hello()\n */',
          'export function plainExample(): void {}',
          '/**\n * Fine.\n *\n * @example\n * ```ts\n * const r: Fine = { ok: true }\n * ```\n */',
          'export interface Fine { ok: boolean }',
          "export * as parts from './parts.js'",
        ].join('\n'),
      )
      const { undocumented } = checkEntries(new Map([['./fixture', join(dir, 'index.ts')]]), dir)
      expect(undocumented.sort()).toEqual([
        './fixture noExample (index.ts): lacks @example',
        './fixture noText (index.ts): lacks description',
        './fixture parts (index.ts): lacks description, @example',
        './fixture plainExample (index.ts): lacks @example',
      ])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
