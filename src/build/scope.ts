/**
 * A small scope analysis of an ESTree program (acorn's output): which declaration each identifier refers to, and
 * which names are free (globals). Enough to follow values such as `process` through aliases in the build's
 * environment check; not a general-purpose resolver (sloppy-mode block functions and `with` are not modelled).
 */

/** An ESTree node as acorn produces it, with its parent once {@link analyzeScopes} has run. */
export interface AstNode {
  type: string
  start: number
  end: number
  parent?: AstNode
  [key: string]: unknown
}

/** One declared name: its declaring identifier and every identifier that refers to it. */
export interface Binding {
  name: string
  refs: AstNode[]
}

/** What {@link analyzeScopes} found. */
export interface Scopes {
  /** The binding a declaring identifier (a `const` name, a parameter, an import's local name) creates. */
  declared: Map<AstNode, Binding>
  /** The binding a referring identifier resolves to; absent for free names. */
  resolved: Map<AstNode, Binding>
  /** Free names (globals) and the identifiers that use them. */
  globals: Map<string, AstNode[]>
}

const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression'])
const BLOCKS = new Set(['BlockStatement', 'ForStatement', 'ForInStatement', 'ForOfStatement', 'SwitchStatement', 'StaticBlock', 'Program'])

const isNode = (v: unknown): v is AstNode => typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string'

/**
 * The child nodes of `node`, in source order.
 *
 * @example
 * ```ts
 * for (const child of children(program)) visit(child)
 * ```
 */
export function children(node: AstNode): AstNode[] {
  const out: AstNode[] = []
  for (const k in node) {
    if (k === 'parent' || k === 'loc') continue
    const v = node[k]
    if (Array.isArray(v)) {
      for (const x of v) if (isNode(x)) out.push(x)
    } else if (isNode(v)) out.push(v)
  }
  return out
}

/** The identifiers a binding pattern declares. */
function patternIds(p: AstNode | null | undefined, out: AstNode[]): void {
  if (!p) return
  switch (p.type) {
    case 'Identifier':
      out.push(p)
      break
    case 'ObjectPattern':
      for (const prop of p.properties as AstNode[]) patternIds(prop.type === 'RestElement' ? (prop.argument as AstNode) : (prop.value as AstNode), out)
      break
    case 'ArrayPattern':
      for (const el of p.elements as (AstNode | null)[]) patternIds(el, out)
      break
    case 'RestElement':
      patternIds(p.argument as AstNode, out)
      break
    case 'AssignmentPattern':
      patternIds(p.left as AstNode, out)
      break
  }
}

function nearest(node: AstNode, kinds: ReadonlySet<string>): AstNode {
  let n = node.parent
  while (n && !kinds.has(n.type)) n = n.parent
  return n ?? node
}

const FUNCTION_OR_PROGRAM = new Set([...FUNCTIONS, 'Program'])

/** Whether an identifier is a name other than a variable reference (a property key, a label, an import name…). */
function notAReference(id: AstNode): boolean {
  const p = id.parent!
  switch (p.type) {
    case 'MemberExpression':
      return p.property === id && !p.computed
    case 'Property':
    case 'MethodDefinition':
    case 'PropertyDefinition':
      return p.key === id && !p.computed
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
      return true
    case 'ImportSpecifier':
    case 'ImportDefaultSpecifier':
    case 'ImportNamespaceSpecifier':
      return true
    case 'ExportSpecifier':
      return p.exported === id && p.local !== id
    case 'ExportAllDeclaration':
    case 'MetaProperty':
      return true
  }
  return false
}

/**
 * Links every node to its parent and resolves identifiers to their declarations (var to the function, let, const,
 * class and function declarations to the block, parameters and a function expression's name to the function,
 * a catch parameter to its clause, imports to the program).
 *
 * @example
 * ```ts
 * const { globals } = analyzeScopes(acorn.parse(code, { ecmaVersion: 'latest' }) as unknown as AstNode)
 * globals.get('process') // every use of the global process
 * ```
 */
export function analyzeScopes(program: AstNode): Scopes {
  const scopes = new Map<AstNode, Map<string, Binding>>()
  const declared = new Map<AstNode, Binding>()
  const declare = (scope: AstNode, id: AstNode): void => {
    let names = scopes.get(scope)
    if (names === undefined) scopes.set(scope, (names = new Map()))
    const name = id.name as string
    let b = names.get(name)
    if (b === undefined) names.set(name, (b = { name, refs: [] }))
    declared.set(id, b)
  }
  const ids: AstNode[] = []
  // pass 1: parents and declarations
  const stack: AstNode[] = [program]
  while (stack.length > 0) {
    const node = stack.pop()!
    for (const c of children(node)) {
      c.parent = node
      stack.push(c)
    }
    const found: AstNode[] = []
    switch (node.type) {
      case 'Identifier':
        ids.push(node)
        break
      case 'VariableDeclaration': {
        const scope = node.kind === 'var' ? nearest(node, FUNCTION_OR_PROGRAM) : nearest(node, BLOCKS)
        for (const d of node.declarations as AstNode[]) {
          patternIds(d.id as AstNode, found)
          for (const id of found.splice(0)) declare(scope, id)
        }
        break
      }
      case 'ClassDeclaration':
        if (node.id) declare(nearest(node, BLOCKS), node.id as AstNode)
        break
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        // a declaration's name belongs to the enclosing block, an expression's to the function itself
        if (node.id) declare(node.type === 'FunctionDeclaration' ? nearest(node, BLOCKS) : node, node.id as AstNode)
        for (const p of node.params as AstNode[]) patternIds(p, found)
        for (const id of found.splice(0)) declare(node, id)
        break
      case 'ClassExpression':
        if (node.id) declare(node, node.id as AstNode)
        break
      case 'CatchClause':
        patternIds(node.param as AstNode | null, found)
        for (const id of found.splice(0)) declare(node, id)
        break
      case 'ImportDeclaration':
        for (const s of node.specifiers as AstNode[]) declare(program, s.local as AstNode)
        break
    }
  }
  // pass 2: references
  const resolved = new Map<AstNode, Binding>()
  const globals = new Map<string, AstNode[]>()
  for (const id of ids) {
    if (declared.has(id) || notAReference(id)) continue
    const name = id.name as string
    let b: Binding | undefined
    for (let n = id.parent; n && b === undefined; n = n.parent) b = scopes.get(n)?.get(name)
    if (b !== undefined) {
      b.refs.push(id)
      resolved.set(id, b)
    } else {
      const list = globals.get(name)
      if (list === undefined) globals.set(name, [id])
      else list.push(id)
    }
  }
  return { declared, resolved, globals }
}
