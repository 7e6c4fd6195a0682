/**
 * One parse of a module's source for the build's source checks (environment reads, `secret()` calls,
 * `dynamoOrigin()` replicas): esbuild compiles it (TypeScript, JSX) without changing its shape, acorn parses the
 * result, a scope analysis links every identifier to its declaration, and esbuild's source map leads each
 * position back to the line and column the user wrote.
 */
import { SourceMap } from 'node:module'
import { parse } from 'acorn'
import { transformSync, type Loader } from 'esbuild'
import { analyzeScopes, type AstNode, type Scopes } from './scope.js'

/** How a module's source is read (esbuild's loaders; `ts` reads plain JavaScript too). */
export type SourceLoader = 'ts' | 'tsx' | 'js' | 'jsx'

/** A module parsed once for every source check. */
export interface ParsedModule {
  /** The source as written. */
  source: string
  /** acorn's tree of the compiled code, each node linked to its parent. */
  program: AstNode
  /** Which declaration each identifier refers to, and the free names. */
  scopes: Scopes
  /** Where a position of the compiled code stands in the source: 1-based line, 0-based column. */
  at(pos: number): { line: number; column: number }
}

const ACORN = { ecmaVersion: 'latest', allowHashBang: true, allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true, allowImportExportEverywhere: true } as const

function lineStarts(code: string): number[] {
  const out = [0]
  for (let i = code.indexOf('\n'); i !== -1; i = code.indexOf('\n', i + 1)) out.push(i + 1)
  return out
}

/**
 * Compiles and parses a module's source (as an ES module, else as a sloppy-mode script) and analyses its scopes.
 * Throws esbuild's error for source that does not compile.
 *
 * @example
 * ```ts
 * const mod = parseModule("import { secret } from 'edgeware/secrets'\nawait secret('KEY')")
 * mod.scopes.globals.has('secret') // false: it is the import
 * ```
 */
export function parseModule(source: string, loader: SourceLoader = 'ts'): ParsedModule {
  const out = transformSync(source, { loader: loader as Loader, sourcemap: 'external', target: 'esnext', logLevel: 'silent' })
  let program: AstNode
  try {
    program = parse(out.code, { ...ACORN, sourceType: 'module' }) as unknown as AstNode
  } catch {
    program = parse(out.code, { ...ACORN, sourceType: 'script' }) as unknown as AstNode // sloppy CommonJS (`with`, octal)
  }
  const scopes = analyzeScopes(program)
  let map: SourceMap | undefined
  let starts: number[] | undefined
  return {
    source,
    program,
    scopes,
    at(pos) {
      map ??= new SourceMap(JSON.parse(out.map) as ConstructorParameters<typeof SourceMap>[0])
      starts ??= lineStarts(out.code)
      let line = 0
      while (line + 1 < starts.length && starts[line + 1]! <= pos) line++
      const entry = map.findEntry(line, pos - starts[line]!) as { originalLine?: number; originalColumn?: number }
      return { line: (entry.originalLine ?? line) + 1, column: entry.originalColumn ?? 0 }
    },
  }
}

/**
 * The key of `o.k`, `o['k']`, `` o[`k`] `` (a static name), or undefined for a computed one.
 *
 * @example
 * ```ts
 * staticKey(member.property as AstNode, member.computed === true) // 'env'
 * ```
 */
export function staticKey(key: AstNode, computed: boolean): string | undefined {
  if (!computed) return key.type === 'Identifier' ? (key.name as string) : key.type === 'Literal' ? String(key.value) : undefined
  return stringValue(key) ?? (key.type === 'Literal' && typeof key.value === 'number' ? String(key.value) : undefined)
}

/**
 * The value of a string literal or of a template literal without `${}`; undefined for any other expression.
 *
 * @example
 * ```ts
 * stringValue(call.arguments[0]) // 'JWT_SECRET' for secret('JWT_SECRET') or secret(`JWT_SECRET`)
 * ```
 */
export function stringValue(node: AstNode | null | undefined): string | undefined {
  if (!node) return undefined
  if (node.type === 'Literal') return typeof node.value === 'string' ? node.value : undefined
  if (node.type === 'TemplateLiteral' && (node.expressions as AstNode[]).length === 0) return (node.quasis as { value: { cooked: string } }[])[0]!.value.cooked
  return undefined
}

/**
 * The local identifiers an import binds, for every `import` of `module` (named imports by their exported name,
 * `'*'` for a namespace or default import).
 *
 * @example
 * ```ts
 * importsOf(mod.program, 'edgeware/secrets') // [{ imported: 'secret', local: <Identifier s> }]
 * ```
 */
export function importsOf(program: AstNode, module: (source: string) => boolean): { imported: string; local: AstNode }[] {
  const out: { imported: string; local: AstNode }[] = []
  for (const node of program.body as AstNode[]) {
    if (node.type !== 'ImportDeclaration' || !module((node.source as AstNode).value as string)) continue
    for (const s of node.specifiers as AstNode[]) out.push({ imported: s.type === 'ImportSpecifier' ? staticKey(s.imported as AstNode, false)! : '*', local: s.local as AstNode })
  }
  return out
}
