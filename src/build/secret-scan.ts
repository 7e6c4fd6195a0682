/**
 * Finds the secrets a function reads: every `secret('NAME')` call of `edgeware/secrets` in its own sources, so that
 * `edgeware build` grants its role exactly those (and nothing else). The module's syntax tree is followed from the
 * import (or `require`) through aliases and namespaces; a call whose name or store the build cannot see (a
 * variable, a template with `${}`, options not written inline) and `secret` used as a value are reported with
 * their line: the build refuses them.
 */
import type { SecretStore } from '../secrets/index.js'
import { importsOf, parseModule, staticKey, stringValue, type ParsedModule, type SourceLoader } from './parse-module.js'
import type { AstNode } from './scope.js'

/** One `secret('NAME', { store })` call found in source text. */
export interface SecretCall {
  name: string
  store: SecretStore
  /** 1-based line of the call. */
  line: number
}

/** A use of `secret` the build cannot read statically. */
export interface SecretRefusal {
  line: number
  /** What is wrong, e.g. `secret(name) with a name that is not a string literal`. */
  message: string
}

const MODULE = 'edgeware/secrets'
const MENTIONED = /(['"])edgeware\/secrets\1/
const STORES: ReadonlySet<string> = new Set(['ssm', 'secretsmanager'])
const SHOWN = 60

/**
 * The source as written from where a node of the compiled code starts, on its line: through the bracket that
 * closes the first one opened (a call's arguments), or up to a bracket it did not open.
 */
function written(mod: ParsedModule, node: AstNode): string {
  const { line, column } = mod.at(node.start)
  let from = 0
  for (let n = 1; n < line; n++) from = mod.source.indexOf('\n', from) + 1
  const text = mod.source.slice(from + column).split('\n')[0]!
  let depth = 0
  let end = text.length
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (c === '"' || c === "'" || c === '`') {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++
    } else if ('([{'.includes(c)) depth++
    else if (')]}'.includes(c)) {
      end = depth === 0 ? i : i + 1
      if (depth-- <= 1) break
    }
  }
  const s = text.slice(0, end).trim()
  return s.length > SHOWN ? `${s.slice(0, SHOWN - 1)}…` : s
}

/** The store given in `secret(name, options)`, or why the build can't see it. */
function storeOf(mod: ParsedModule, options: AstNode | undefined): SecretStore | { why: string } {
  if (options === undefined) return 'ssm'
  if (options.type !== 'ObjectExpression') return { why: 'options that are not an object literal (write { store: … } inline so the build can see the store)' }
  const props = options.properties as AstNode[]
  if (props.some((p) => p.type === 'SpreadElement')) return { why: 'spread options (write { store: … } inline so the build can see the store)' }
  const prop = props.find((p) => staticKey(p.key as AstNode, p.computed === true) === 'store')
  if (prop === undefined) return 'ssm'
  if (prop.shorthand === true) return { why: 'a store that is not written as a literal ({ store } shorthand)' }
  const store = stringValue(prop.value as AstNode)
  if (store === undefined || !STORES.has(store)) return { why: `a store that is not 'ssm' or 'secretsmanager' written as a literal (${written(mod, prop.value as AstNode)})` }
  return store as SecretStore
}

/** Follows `secret` and the module's namespace through the syntax tree, collecting calls and refusals. */
class SecretTracker {
  readonly calls: (SecretCall & { pos: number })[] = []
  readonly refusals: (SecretRefusal & { pos: number })[] = []
  readonly #mod: ParsedModule

  constructor(mod: ParsedModule) {
    this.#mod = mod
  }

  refuse(node: AstNode, message: string): void {
    this.refusals.push({ line: this.#mod.at(node.start).line, message, pos: node.start })
  }

  /** The identifiers that refer to what a declaring identifier binds. */
  refs(id: AstNode): AstNode[] {
    return this.#mod.scopes.declared.get(id)?.refs ?? []
  }

  /** `node` evaluates to the `secret` function. */
  fn(node: AstNode): void {
    const p = node.parent!
    if (p.type === 'UnaryExpression' && p.operator === 'typeof') return
    if (p.type === 'CallExpression' && p.callee === node) return this.call(p)
    this.refuse(node, `uses secret as a value (${written(this.#mod, node)}): call it directly, secret('NAME'), so the build sees each secret`)
  }

  /** `node` evaluates to the module's namespace (an `import *`, a `require`). */
  namespace(node: AstNode): void {
    const p = node.parent!
    if (p.type === 'UnaryExpression' && p.operator === 'typeof') return
    if (p.type === 'MemberExpression' && p.object === node) {
      const key = staticKey(p.property as AstNode, p.computed === true)
      if (key === 'secret') this.fn(p)
      else if (key === undefined) this.refuse(p, `${written(this.#mod, p)}: call secret by name (ns.secret('NAME')) so the build sees it`)
      return
    }
    if (p.type === 'VariableDeclarator' && p.init === node) return this.pattern(p.id as AstNode)
    this.refuse(node, `uses secret as a value (${written(this.#mod, node)}): call it directly, secret('NAME'), so the build sees each secret`)
  }

  /** A binding pattern receives the module's namespace (`const { secret } = require(…)`). */
  pattern(id: AstNode): void {
    if (id.type === 'Identifier') {
      for (const ref of this.refs(id)) this.namespace(ref)
      return
    }
    if (id.type !== 'ObjectPattern') return
    for (const prop of id.properties as AstNode[]) {
      if (prop.type === 'RestElement') {
        this.refuse(prop, 'copies secret with a rest element: destructure { secret } by name so the build sees each secret')
        continue
      }
      const key = staticKey(prop.key as AstNode, prop.computed === true)
      if (key !== undefined && key !== 'secret') continue
      // `{ secret }`, `{ secret: s }`, `{ secret = f }`: the local name; a computed key or a nested pattern hides it
      const value = prop.value as AstNode
      const local = value.type === 'AssignmentPattern' ? (value.left as AstNode) : value
      if (key === 'secret' && local.type === 'Identifier') for (const ref of this.refs(local)) this.fn(ref)
      else this.refuse(prop, `destructures secret in a way the build can't follow (${written(this.#mod, prop)}): destructure { secret } by name so the build sees each secret`)
    }
  }

  /** One call of `secret`: a literal name and store, or a refusal. */
  call(call: AstNode): void {
    const [nameArg, options] = call.arguments as AstNode[]
    const name = stringValue(nameArg)
    if (name === undefined) {
      this.refuse(call, `${written(this.#mod, call)} with a name that is not a string literal: the build grants each function exactly the secrets it names, so write secret('NAME')`)
      return
    }
    const store = storeOf(this.#mod, options)
    if (typeof store === 'object') this.refuse(call, `secret('${name}', …) with ${store.why}`)
    else this.calls.push({ name, store, line: this.#mod.at(call.start).line, pos: call.start })
  }
}

/**
 * Lists the `secret()` calls of a parsed module and the uses the build must refuse (dynamic names or stores,
 * `secret` passed around as a value, re-exports that would hide calls elsewhere).
 *
 * @example
 * ```ts
 * secretCalls(parseModule(source)) // { calls: [{ name: 'JWT_SECRET', store: 'ssm', line: 2 }], refusals: [] }
 * ```
 */
export function secretCalls(mod: ParsedModule): { calls: SecretCall[]; refusals: SecretRefusal[] } {
  const t = new SecretTracker(mod)
  for (const { imported, local } of importsOf(mod.program, (m) => m === MODULE)) {
    if (imported === 'secret') for (const ref of t.refs(local)) t.fn(ref)
    else if (imported === '*' || imported === 'default') for (const ref of t.refs(local)) t.namespace(ref)
  }
  for (const ref of mod.scopes.globals.get('require') ?? []) {
    const call = ref.parent!
    if (call.type === 'CallExpression' && call.callee === ref && stringValue((call.arguments as AstNode[])[0]) === MODULE) t.namespace(call)
  }
  for (const node of mod.program.body as AstNode[]) {
    const from = node.type === 'ExportAllDeclaration' || node.type === 'ExportNamedDeclaration' ? stringValue(node.source as AstNode | null) : undefined
    if (from !== MODULE) continue
    const names = node.type === 'ExportAllDeclaration' ? ['*'] : (node.specifiers as AstNode[]).map((s) => staticKey(s.local as AstNode, false))
    if (names.some((n) => n === '*' || n === 'secret')) t.refuse(node, 're-exports secret from edgeware/secrets: import it where you call it, so the build sees each secret a function reads')
  }
  // in source order
  const calls = t.calls.sort((a, b) => a.pos - b.pos).map(({ name, store, line }) => ({ name, store, line }))
  const refusals = t.refusals.sort((a, b) => a.pos - b.pos).map(({ line, message }) => ({ line, message }))
  return { calls, refusals }
}

/**
 * Whether a module's source names `edgeware/secrets` at all (only such a module can call `secret`).
 *
 * @example
 * ```ts
 * mentionsSecrets("import { secret } from 'edgeware/secrets'") // true
 * ```
 */
export function mentionsSecrets(source: string): boolean {
  return MENTIONED.test(source)
}

/**
 * Lists the `secret()` calls of a module's source and the uses the build must refuse.
 *
 * @example
 * ```ts
 * findSecretCalls("import { secret } from 'edgeware/secrets'\nconst k = secret('JWT_SECRET')")
 * // { calls: [{ name: 'JWT_SECRET', store: 'ssm', line: 2 }], refusals: [] }
 * ```
 */
export function findSecretCalls(source: string, loader?: SourceLoader): { calls: SecretCall[]; refusals: SecretRefusal[] } {
  return mentionsSecrets(source) ? secretCalls(parseModule(source, loader)) : { calls: [], refusals: [] }
}
