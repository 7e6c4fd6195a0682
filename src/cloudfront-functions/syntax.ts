/**
 * The load-time check of a CloudFront Function's code against its runtime (reference/cloudfront-functions.md
 * §1.2–1.4): parsed with acorn (always strict, as the runtime is), then every syntax the runtime doesn't list,
 * every global it lacks, every module it can't load and the `handler` declaration are checked. The result also
 * carries what the sandbox needs: the imports and where to put the compute checks.
 */
import { parse, type AnyNode, type Node, type Program } from 'acorn'
import { fullAncestor } from 'acorn-walk'
import type { FunctionRuntime } from '../cloudfront/functions-types.js'
import { missingGlobal, requirable, runtimeProfile } from './profiles.js'

/**
 * One reason the code can't run in its runtime.
 *
 * @example
 * ```ts
 * const p: FunctionProblem = { code: 'UnsupportedSyntax', message: 'const is not supported in cloudfront-js-1.0 (use var)', line: 1, column: 0 }
 * ```
 */
export interface FunctionProblem {
  /** `SyntaxError`, `UnsupportedSyntax`, `UnsupportedGlobal`, `UnsupportedModule`, `UnsupportedFeature` or `MissingHandler`. */
  code: string
  message: string
  /** 1-based line of the code. */
  line: number
  /** 0-based column. */
  column: number
  /** The file the line is in, when it isn't the function's own (an input of a compiled function). */
  file?: string
}

/** `import x from 'module'` in 2.0 code: the local name the module is bound to. */
export interface FunctionImport {
  local: string
  module: string
  start: number
  end: number
}

/** A text insertion the sandbox makes (the compute checks), at an offset of the code. */
export interface Insertion {
  pos: number
  text: string
  /** Sort key among insertions at one offset: openers of outer nodes first, closers of inner nodes first. */
  rank: number
}

/**
 * What the check found: the problems (empty: the code may run), the imports, whether `handler` is async, and
 * the compute-check insertions (loop bodies and function entries).
 *
 * @example
 * ```ts
 * const { problems } = checkFunctionSyntax('const x = 1\nfunction handler(e) { return e.request }', 'cloudfront-js-1.0')
 * problems[0].code // 'UnsupportedSyntax'
 * ```
 */
export interface SyntaxReport {
  problems: FunctionProblem[]
  imports: FunctionImport[]
  handlerAsync: boolean
  insertions: Insertion[]
}

/** The name of the compute check the sandbox binds; inserted at each loop body and function entry. */
export const TICK = '__edgewareTick'

type Ancestors = AnyNode[]

interface Walk {
  runtime: FunctionRuntime
  problems: FunctionProblem[]
  insertions: Insertion[]
  lines: number[]
}

/** 1-based line and 0-based column of an offset. */
function where(lines: number[], pos: number): { line: number; column: number } {
  let lo = 0
  let hi = lines.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (lines[mid]! <= pos) lo = mid
    else hi = mid - 1
  }
  return { line: lo + 1, column: pos - lines[lo]! }
}

function problem(w: Walk, code: string, message: string, node: Node): void {
  w.problems.push({ code, message, ...where(w.lines, node.start) })
}

function unsupported(w: Walk, feature: string, node: Node, hint = ''): void {
  problem(w, 'UnsupportedSyntax', `${feature} ${feature.endsWith('s') && !feature.endsWith('ss') ? 'are' : 'is'} not supported in ${w.runtime}${hint}`, node)
}

const REGEX_FLAGS = /^[gim]*$/

function isFunction(n: AnyNode): n is Extract<AnyNode, { type: 'FunctionDeclaration' | 'FunctionExpression' | 'ArrowFunctionExpression' }> {
  return n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression'
}

/** Where the compute check goes for one loop or function body; `depth` orders insertions that share an offset. */
function tick(w: Walk, body: AnyNode, depth: number, block: boolean, expression: boolean): void {
  const open = depth - 1e6 // openers before closers, the outer node's first
  const close = 1e6 - depth // closers of the inner node first
  if (block) w.insertions.push({ pos: body.start + 1, text: `${TICK}();`, rank: open })
  else if (expression) w.insertions.push({ pos: body.start, text: `(${TICK}(),`, rank: open }, { pos: body.end, text: ')', rank: close })
  else w.insertions.push({ pos: body.start, text: `{${TICK}();`, rank: open }, { pos: body.end, text: '}', rank: close })
}

/** The syntax rules, one node at a time (ancestors: the enclosing nodes, outermost first, the node last). */
function visit(w: Walk, n: AnyNode, anc: Ancestors): void {
  const v10 = w.runtime === 'cloudfront-js-1.0'
  const parent = anc[anc.length - 2]
  switch (n.type) {
    case 'VariableDeclaration':
      if (v10 && n.kind !== 'var') unsupported(w, n.kind, n, ' (use var, or cloudfront-js-2.0)')
      if (n.kind !== 'var' && n.kind !== 'let' && n.kind !== 'const') unsupported(w, `${n.kind} declarations`, n)
      break
    case 'ForOfStatement':
      unsupported(w, 'for-of loops', n, ' (use for or for-in)')
      break
    case 'ClassDeclaration':
    case 'ClassExpression':
      unsupported(w, 'classes', n, ' (use functions and object literals)')
      break
    case 'ObjectPattern':
    case 'ArrayPattern':
      unsupported(w, 'destructuring', n)
      break
    case 'SpreadElement':
      unsupported(w, 'spread syntax (...)', n, ' (use Object.assign or concat)')
      break
    case 'AssignmentPattern':
      if (parent !== undefined && isFunction(parent)) unsupported(w, 'default parameters', n)
      break
    case 'ChainExpression':
      unsupported(w, 'optional chaining (?.)', n)
      break
    case 'LogicalExpression':
      if (n.operator === '??') unsupported(w, 'nullish coalescing (??)', n)
      break
    case 'AssignmentExpression':
      if (n.operator === '??=' || n.operator === '||=' || n.operator === '&&=') unsupported(w, `logical assignment (${n.operator})`, n)
      break
    case 'Property':
      if (parent?.type !== 'ObjectExpression') break
      if (n.shorthand) unsupported(w, 'shorthand properties', n, ` (write ${(n.key as { name?: string }).name ?? 'key'}: value)`)
      else if (n.method) unsupported(w, 'method definitions', n, ' (write name: function () {…})')
      else if (n.computed) unsupported(w, 'computed property names', n)
      break
    case 'TaggedTemplateExpression':
      unsupported(w, 'tagged templates', n)
      break
    case 'Literal':
      if ('bigint' in n && n.bigint !== undefined) unsupported(w, 'BigInt', n)
      else if ('regex' in n && n.regex !== undefined && !REGEX_FLAGS.test(n.regex.flags)) unsupported(w, `a regular expression with the flags "${n.regex.flags}"`, n, ' (g, i and m are)')
      else if (typeof n.value === 'number' && n.raw !== undefined && /^0[bBoO]|_/.test(n.raw)) unsupported(w, `the number literal ${n.raw}`, n)
      break
    case 'CatchClause':
      if (n.param === null) unsupported(w, 'catch without a binding', n, ' (write catch (e))')
      break
    case 'ImportExpression':
      unsupported(w, 'dynamic import()', n)
      break
    case 'MetaProperty':
      unsupported(w, `${n.meta.name}.${n.property.name}`, n)
      break
    case 'ExportNamedDeclaration':
    case 'ExportDefaultDeclaration':
    case 'ExportAllDeclaration':
      unsupported(w, 'export', n, ': CloudFront calls the top-level function handler by name (remove export)')
      break
    case 'AwaitExpression':
      if (!anc.some((a) => isFunction(a))) unsupported(w, 'top-level await', n)
      break
    case 'ForStatement':
    case 'ForInStatement':
    case 'WhileStatement':
    case 'DoWhileStatement':
      tick(w, n.body, anc.length, n.body.type === 'BlockStatement', false)
      break
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
      functionRules(w, n, anc)
      tick(w, n.body, anc.length, n.body.type === 'BlockStatement', n.body.type !== 'BlockStatement')
      break
    default:
  }
}

function functionRules(w: Walk, n: Extract<AnyNode, { type: 'FunctionDeclaration' | 'FunctionExpression' | 'ArrowFunctionExpression' }>, anc: Ancestors): void {
  if (n.generator) unsupported(w, 'generators', n)
  if (!n.async) return
  if (w.runtime === 'cloudfront-js-1.0') unsupported(w, 'async functions', n, ' (cloudfront-js-2.0 has them)')
  else if (n.type !== 'FunctionDeclaration' || anc.length !== 2) {
    problem(w, 'UnsupportedSyntax', `async closures are not supported in ${w.runtime}: only top-level async function declarations`, n)
  }
}

/** Names declared anywhere in the program (a reference to one of them is never a missing global). */
function declaredNames(ast: Program): Set<string> {
  const names = new Set<string>()
  fullAncestor(ast, (n) => {
    if (n.type === 'VariableDeclarator' && n.id.type === 'Identifier') names.add(n.id.name)
    else if ((n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ClassDeclaration') && n.id) names.add(n.id.name)
    else if (isFunction(n)) {
      for (const p of n.params) {
        if (p.type === 'Identifier') names.add(p.name)
        else if (p.type === 'RestElement' && p.argument.type === 'Identifier') names.add(p.argument.name)
      }
    } else if (n.type === 'CatchClause' && n.param?.type === 'Identifier') names.add(n.param.name)
    else if (n.type === 'ImportDefaultSpecifier' || n.type === 'ImportSpecifier' || n.type === 'ImportNamespaceSpecifier') names.add(n.local.name)
  })
  return names
}

/** Is `n` (an Identifier) a reference, not a property name, key, label or declaration? */
function isReference(n: AnyNode, parent: AnyNode | undefined): boolean {
  if (parent === undefined) return true
  switch (parent.type) {
    case 'MemberExpression':
      return parent.object === n || parent.computed
    case 'Property':
      return parent.value === n || (parent.computed && parent.key === n)
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
      return false
    case 'VariableDeclarator':
      return parent.init === n
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
      return parent.body === n
    case 'CatchClause':
      return false
    case 'ImportDefaultSpecifier':
    case 'ImportSpecifier':
    case 'ImportNamespaceSpecifier':
      return false
    default:
      return true
  }
}

function globalsAndModules(w: Walk, ast: Program): void {
  const declared = declaredNames(ast)
  const modules = runtimeProfile(w.runtime).modules
  fullAncestor(ast, (n, _s, anc) => {
    const parent = anc[anc.length - 2]
    if (n.type === 'Identifier' && !declared.has(n.name) && isReference(n, parent)) {
      if (parent?.type === 'UnaryExpression' && parent.operator === 'typeof') return // feature detection is fine
      const why = missingGlobal(w.runtime, n.name)
      if (why !== undefined) problem(w, 'UnsupportedGlobal', `${n.name} is not available in ${w.runtime}: ${why}`, n)
    } else if ((n.type === 'CallExpression' || n.type === 'NewExpression') && n.callee.type === 'Identifier' && !declared.has(n.callee.name)) {
      const name = n.callee.name
      if (name === 'Function') problem(w, 'UnsupportedFeature', `the Function constructor is not supported in CloudFront Functions (no dynamic code evaluation)`, n)
      if (name === 'require' && n.type === 'CallExpression') {
        const arg = n.arguments[0]
        if (arg?.type === 'Literal' && typeof arg.value === 'string' && !requirable(w.runtime).includes(arg.value)) {
          const why = arg.value === 'cloudfront' && modules.includes('cloudfront') ? "load it with import cf from 'cloudfront'" : `${w.runtime} has only ${requirable(w.runtime).join(', ')}`
          problem(w, 'UnsupportedModule', `require(${JSON.stringify(arg.value)}): ${why}`, n)
        }
      }
    }
  })
}

function checkImports(w: Walk, ast: Program): FunctionImport[] {
  const out: FunctionImport[] = []
  const profile = runtimeProfile(w.runtime)
  for (const s of ast.body) {
    if (s.type !== 'ImportDeclaration') continue
    const mod = String(s.source.value)
    if (!profile.imports) {
      const instead = mod === 'cloudfront' ? 'the cloudfront module is cloudfront-js-2.0 only' : `use require('${mod}'), or cloudfront-js-2.0`
      problem(w, 'UnsupportedSyntax', `import is not supported in ${w.runtime} (${instead})`, s)
      continue
    }
    const spec = s.specifiers[0]
    if (s.specifiers.length !== 1 || spec?.type !== 'ImportDefaultSpecifier') {
      problem(w, 'UnsupportedSyntax', `only the default import form is supported: import ${mod === 'cloudfront' ? 'cf' : mod} from '${mod}'`, s)
    } else if (!profile.modules.includes(mod)) {
      problem(w, 'UnsupportedModule', `import from '${mod}': ${w.runtime} has only ${profile.modules.join(', ')}`, s)
    } else out.push({ local: spec.local.name, module: mod, start: s.start, end: s.end })
  }
  return out
}

function findHandler(w: Walk, ast: Program): boolean {
  for (const s of ast.body) {
    if (s.type === 'FunctionDeclaration' && s.id?.name === 'handler') return s.async
  }
  const hint = ast.body.some((s) => s.type === 'VariableDeclaration' && s.declarations.some((d) => d.id.type === 'Identifier' && d.id.name === 'handler'))
    ? ' (handler is a variable here: write function handler(event) { … })'
    : ''
  w.problems.push({ code: 'MissingHandler', message: `the code has no top-level function handler(event), which CloudFront calls${hint}`, line: 1, column: 0 })
  return false
}

function lineStarts(code: string): number[] {
  const out = [0]
  for (let i = 0; i < code.length; i++) if (code.charCodeAt(i) === 10) out.push(i + 1)
  return out
}

/**
 * Parses `code` (always strict, as CloudFront runs it) and checks it against `runtime`: syntax the runtime
 * doesn't list, globals it lacks, modules it can't load, `eval`/`Function`, and the top-level `handler`.
 *
 * @example
 * ```ts
 * checkFunctionSyntax("import cf from 'cloudfront'\nasync function handler(e) { return e.request }", 'cloudfront-js-2.0').problems // []
 * ```
 */
export function checkFunctionSyntax(code: string, runtime: FunctionRuntime): SyntaxReport {
  const w: Walk = { runtime, problems: [], insertions: [], lines: lineStarts(code) }
  let ast: Program
  try {
    ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: false })
  } catch (err) {
    const e = err as SyntaxError & { loc?: { line: number; column: number } }
    const msg = e.message.replace(/ \(\d+:\d+\)$/, '')
    return { problems: [{ code: 'SyntaxError', message: msg, line: e.loc?.line ?? 1, column: e.loc?.column ?? 0 }], imports: [], handlerAsync: false, insertions: [] }
  }
  fullAncestor(ast, (n, _s, anc) => visit(w, n, anc))
  globalsAndModules(w, ast)
  const imports = checkImports(w, ast)
  const handlerAsync = findHandler(w, ast)
  w.problems.sort((a, b) => a.line - b.line || a.column - b.column)
  return { problems: w.problems, imports, handlerAsync, insertions: w.insertions }
}
