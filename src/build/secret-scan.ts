/**
 * Finds the secrets a function reads: every `secret('NAME')` call of `edgeware/secrets` in its own sources, so that
 * `edgeware build` grants its role exactly those (and nothing else). A call whose name or store the build cannot
 * see (a variable, a template with `${}`, options not written inline) is reported with its line: the build refuses it.
 */
import { stripComments } from './strip-comments.js'

/** Where a secret lives on AWS (see `edgeware/secrets`). */
export type SecretStoreName = 'ssm' | 'secretsmanager'

/** One `secret('NAME', { store })` call found in source text. */
export interface SecretCall {
  name: string
  store: SecretStoreName
  /** 1-based line of the call. */
  line: number
}

/** A use of `secret` the build cannot read statically. */
export interface SecretRefusal {
  line: number
  /** What is wrong, e.g. `secret(name) with a name that is not a string literal`. */
  message: string
}

const MODULE = /(['"])edgeware\/secrets\1/
const STORES = new Set(['ssm', 'secretsmanager'])

function lineAt(src: string, index: number): number {
  let line = 1
  for (let k = src.indexOf('\n'); k !== -1 && k < index; k = src.indexOf('\n', k + 1)) line++
  return line
}

/** The index just past the bracket matching the one at `open` (same depth), on comment-free text. */
function closing(src: string, open: number): number {
  const pairs: Record<string, string> = { '(': ')', '{': '}', '[': ']' }
  const stack: string[] = []
  for (let i = open; i < src.length; i++) {
    const c = src[i]!
    if (c === '"' || c === "'" || c === '`') {
      for (i++; i < src.length && src[i] !== c; i++) if (src[i] === '\\') i++
      continue
    }
    if (pairs[c]) stack.push(pairs[c]!)
    else if (c === stack[stack.length - 1]) {
      stack.pop()
      if (stack.length === 0) return i + 1
    }
  }
  return src.length
}

/** Local names bound to `secret` by imports / requires of edgeware/secrets, and namespace names (`ns.secret`). */
function bindings(kept: string): { names: Set<string>; namespaces: Set<string>; spans: [number, number][]; reexports: number[] } {
  const names = new Set<string>()
  const namespaces = new Set<string>()
  const spans: [number, number][] = []
  const reexports: number[] = []
  // a clause holds no quote or `;`, so a match never spans an earlier import of another module
  const imp = /\bimport\s+(?:type\s+)?([^'"`;]*?)\s+from\s*(['"])edgeware\/secrets\2|\b(?:const|let|var)\s+([^'"`;=]*?)=\s*require\(\s*(['"])edgeware\/secrets\4\s*\)|\bexport\s+(?:\*|\{[^}]*\})\s*from\s*(['"])edgeware\/secrets\5/g
  for (let m = imp.exec(kept); m; m = imp.exec(kept)) {
    spans.push([m.index, m.index + m[0].length])
    if (m[0].startsWith('export')) {
      if (/\*|\bsecret\b/.test(m[0])) reexports.push(m.index)
      continue
    }
    const clause = (m[1] ?? m[3] ?? '').trim()
    const ns = /^\*\s+as\s+([A-Za-z_$][\w$]*)$/.exec(clause) ?? /^([A-Za-z_$][\w$]*)$/.exec(clause)
    if (ns) {
      namespaces.add(ns[1]!)
      continue
    }
    const inner = /\{([^}]*)\}/.exec(clause)?.[1] ?? ''
    for (const spec of inner.split(',')) {
      const s = /^\s*(?:type\s+)?secret(?:\s*(?:as|:)\s*([A-Za-z_$][\w$]*))?\s*$/.exec(spec)
      if (s) names.add(s[1] ?? 'secret')
    }
  }
  return { names, namespaces, spans, reexports }
}

/** The store given in an inline options object, or a refusal. */
function storeOf(kept: string, from: number, to: number): SecretStoreName | string {
  const rest = kept.slice(from, to).trim()
  if (rest === '') return 'ssm'
  if (!rest.startsWith('{')) return 'options that are not an object literal (write { store: … } inline so the build can see the store)'
  const inner = rest.slice(1, closing(rest, 0) - 1)
  if (/\.\.\./.test(inner)) return 'spread options (write { store: … } inline so the build can see the store)'
  if (/(?:^|[,\s])store\s*(?:,|$)/.test(inner)) return 'a store that is not written as a literal ({ store } shorthand)'
  const m = /(?:^|[,{\s])store\s*:\s*([^,}]*)/.exec(inner)
  if (!m) return 'ssm'
  const lit = /^(['"`])([^'"`$]*)\1$/.exec(m[1]!.trim())
  if (!lit || !STORES.has(lit[2]!)) return `a store that is not 'ssm' or 'secretsmanager' written as a literal (${m[1]!.trim()})`
  return lit[2] as SecretStoreName
}

/**
 * Lists the `secret()` calls of a module and the uses the build must refuse (dynamic names or stores, `secret`
 * passed around as a value, re-exports that would hide calls elsewhere).
 *
 * @example
 * ```ts
 * findSecretCalls("import { secret } from 'edgeware/secrets'\nconst k = secret('JWT_SECRET')")
 * // { calls: [{ name: 'JWT_SECRET', store: 'ssm', line: 2 }], refusals: [] }
 * ```
 */
export function findSecretCalls(source: string): { calls: SecretCall[]; refusals: SecretRefusal[] } {
  const calls: SecretCall[] = []
  const refusals: SecretRefusal[] = []
  if (!MODULE.test(source)) return { calls, refusals }
  const kept = stripComments(source)
  const blank = stripComments(source, true)
  const { names, namespaces, spans, reexports } = bindings(kept)
  for (const at of reexports) {
    refusals.push({ line: lineAt(kept, at), message: 're-exports secret from edgeware/secrets: import it where you call it, so the build sees each secret a function reads' })
  }
  const ids = [...names].map((n) => n.replace(/\$/g, '\\$'))
  const nss = [...namespaces].map((n) => `${n.replace(/\$/g, '\\$')}\\s*(?:\\.\\s*secret\\b|\\[)`)
  if (ids.length + nss.length === 0) return { calls, refusals }
  const use = new RegExp(`(?<![\\w$.])(?:${[...ids.map((i) => `${i}(?![\\w$])`), ...nss].join('|')})`, 'g')
  for (let m = use.exec(blank); m; m = use.exec(blank)) {
    const at = m.index
    if (spans.some(([a, b]) => at >= a && at < b)) continue
    if (/\btypeof\s*$/.test(blank.slice(Math.max(0, at - 20), at))) continue
    // a property named secret (`{ secret: … }`), not the function
    if (/^\s*:(?!:)/.test(blank.slice(at + m[0].length)) && /[{,]\s*$/.test(blank.slice(Math.max(0, at - 200), at))) continue
    const line = lineAt(blank, at)
    if (m[0].endsWith('[')) {
      refusals.push({ line, message: `${m[0].slice(0, -1).trim()}[…]: call secret by name (ns.secret('NAME')) so the build sees it` })
      continue
    }
    const after = at + m[0].length
    const paren = /^\s*(?:<[^>()]*>\s*)?\(/.exec(blank.slice(after))
    if (!paren) {
      // a namespace object on its own (e.g. passed to a function) hides its calls too
      refusals.push({ line, message: `uses secret as a value (${kept.slice(at, after + 20).split('\n')[0]!.trim()}…): call it directly, secret('NAME'), so the build sees each secret` })
      continue
    }
    const open = after + paren[0].length - 1
    const end = closing(kept, open)
    const args = kept.slice(open + 1, end - 1)
    const lit = /^\s*(['"`])([^'"`\\$]*)\1\s*(,|$)/.exec(args)
    if (!lit) {
      refusals.push({ line, message: `secret(${args.trim().slice(0, 40)}) with a name that is not a string literal: the build grants each function exactly the secrets it names, so write secret('NAME')` })
      continue
    }
    const store = storeOf(args, lit[0].length, args.length)
    if (store !== 'ssm' && store !== 'secretsmanager') {
      refusals.push({ line, message: `secret('${lit[2]}', …) with ${store}` })
      continue
    }
    calls.push({ name: lit[2]!, store, line })
  }
  return { calls, refusals }
}
