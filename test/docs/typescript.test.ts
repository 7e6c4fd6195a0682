/**
 * The TypeScript examples of README.md, docs/dev.md and docs/functions.md compile as written against the public API
 * (`edgeware`, `edgeware/middleware`, `edgeware/functions`, `edgeware/testing`, …), with the project's strict
 * compiler options. Each block is one module: a block that uses a name imports it. A block is checked as a file at
 * the repository's root, or in `test/` when it imports from `'../…'` (a test beside a project's functions).
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const DOCS = ['README.md', 'docs/dev.md', 'docs/functions.md']

interface Snippet {
  /** Where the block starts: `docs/dev.md:123`. */
  where: string
  /** The virtual file it is checked as. */
  file: string
  text: string
}

function snippets(): Snippet[] {
  return DOCS.flatMap((doc) => {
    const text = readFileSync(join(ROOT, doc), 'utf8')
    return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m, i) => {
      const line = text.slice(0, m.index).split('\n').length + 1
      const dir = m[1]!.includes("from '../") ? join(ROOT, 'test') : ROOT
      return { where: `${doc}:${line}`, file: join(dir, `doc-example-${doc.replace(/\W/g, '-')}-${i + 1}.ts`), text: `export {}\n${m[1]}` }
    })
  })
}

/** Type-checks the snippets in one program, as `tsc --noEmit` would; returns each error as `doc:line: message`. */
function typeErrors(list: Snippet[]): string[] {
  const { config } = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (f) => ts.sys.readFile(f))
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT)
  const byFile = new Map(list.map((s) => [s.file, s]))
  const host = ts.createCompilerHost(options)
  const { fileExists, readFile, getSourceFile } = host
  host.fileExists = (f) => byFile.has(f) || fileExists.call(host, f)
  host.readFile = (f) => byFile.get(f)?.text ?? readFile.call(host, f)
  host.getSourceFile = (f, lang, ...rest) => {
    const s = byFile.get(f)
    return s ? ts.createSourceFile(f, s.text, lang) : getSourceFile.call(host, f, lang, ...rest)
  }
  const program = ts.createProgram([...byFile.keys()], options, host)
  return ts.getPreEmitDiagnostics(program).flatMap((d) => {
    const s = d.file && byFile.get(d.file.fileName)
    if (!s || d.start === undefined) return d.file ? [] : [ts.flattenDiagnosticMessageText(d.messageText, '\n')]
    const line = d.file!.getLineAndCharacterOfPosition(d.start).line - 1
    const [doc, start] = s.where.split(':')
    return [`${doc}:${Number(start) + line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`]
  })
}

describe('the TypeScript examples of the README and the guides', () => {
  it('compile as written against the public API', () => {
    const list = snippets()
    expect(list.length).toBeGreaterThanOrEqual(15)
    expect(typeErrors(list)).toEqual([])
  }, 120_000)

  it('a block that breaks the API is caught, at its line in the doc', () => {
    const bad = { where: 'docs/x.md:10', file: join(ROOT, 'doc-example-bad.ts'), text: "export {}\nimport { viewerRequest } from 'edgeware'\nviewerRequest(42)\n" }
    expect(typeErrors([bad])).toEqual([expect.stringMatching(/^docs\/x\.md:11: Argument of type '\[number\]'/)])
  }, 120_000)
})
