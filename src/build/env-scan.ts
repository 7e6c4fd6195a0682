/**
 * Finds every way a module's code reads the environment. Lambda@Edge functions cannot have environment variables
 * ("The function cannot have environment variables" [ISS-ENV]; [RLE] "except for reserved environment
 * variables, which are automatically supported"), so `edgeware build` rejects every read that is neither reserved
 * nor baked from `[vars]`, and every form whose variable it can't see.
 *
 * The source is compiled with esbuild (TypeScript, JSX) and parsed with acorn; a scope analysis follows the
 * `process` object and its `env` through aliases, imports, `require`, destructuring and `globalThis`, so a read is
 * found whatever it is written like, and a shadowing local named `process` is not mistaken for it. Lines are
 * mapped back to the source through esbuild's source map.
 */
import { importsOf, parseModule, staticKey, type ParsedModule, type SourceLoader } from './parse-module.js'
import { children, type AstNode, type Scopes } from './scope.js'

/**
 * Lambda's reserved (and always-set runtime) environment variables: these are available at the edge and stay
 * runtime reads. Source: AWS Lambda "Defined runtime environment variables" and [RLE].
 *
 * @example
 * ```ts
 * RESERVED_ENV_VARS.has('AWS_REGION') // true
 * ```
 */
export const RESERVED_ENV_VARS: ReadonlySet<string> = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_LAMBDA_LOG_FORMAT',
  'AWS_LAMBDA_LOG_LEVEL',
  'AWS_LAMBDA_RUNTIME_API',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_XRAY_CONTEXT_MISSING',
  'AWS_XRAY_DAEMON_ADDRESS',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
  'LANG',
  'LD_LIBRARY_PATH',
  'NODE_PATH',
  'PATH',
  'TZ',
])

/**
 * One read of the environment found in a module. `name` is the variable, or for a dynamic read the form that hides
 * it: `process.env[…]` (a computed key), `...rest of process.env`, `process.env` (the whole object used as a
 * value), `process[…]`, `process` (the object used as a value), `globalThis[…]`, `globalThis`,
 * `import('process')`, `eval`, `Function`.
 *
 * @example
 * ```ts
 * const reads: EnvRead[] = findEnvReads('const host = process.env.API_HOST')
 * // [{ name: 'API_HOST', line: 1, dynamic: false }]
 * ```
 */
export interface EnvRead {
  /** The variable name, or the form of a dynamic read (see above). */
  name: string
  /** 1-based line of the read. */
  line: number
  /** True when the name cannot be known statically (computed key, rest destructuring, whole object, eval…). */
  dynamic: boolean
  /**
   * Read some other way than `process.env.NAME` / `process.env['NAME']` on the global `process` (an `env` imported
   * or destructured from process, an alias, `globalThis.process`, destructuring `process.env`, `'NAME' in
   * process.env`): `[vars]` are baked only into the plain form, so such a read of a `[vars]` key would be undefined.
   */
  viaAlias?: true
}


/** What each dynamic form does, as a build error says it. */
const DYNAMIC_FORMS: Readonly<Record<string, string>> = {
  'process.env[…]': 'reads process.env with a computed key',
  '...rest of process.env': 'copies the rest of process.env',
  'process.env': 'uses the whole process.env object',
  'process[…]': 'reads process with a computed key (it can reach process.env)',
  process: 'passes the process object on (it can reach process.env)',
  'globalThis[…]': 'reads globalThis with a computed key (it can reach process.env)',
  globalThis: 'passes the global object on (it can reach process.env)',
  "import('process')": 'imports process dynamically',
  eval: 'calls eval, running code the build never sees',
  Function: 'builds a function from a string with Function, running code the build never sees',
}

/**
 * A read as a build error or the dev log says it: `reads the environment variable X`, the dynamic form
 * (`calls eval, …`), or a read of X that `[vars]` can't be baked into (`reads X through an alias of process.env`).
 *
 * @example
 * ```ts
 * describeEnvRead({ name: 'TABLE', dynamic: false }) // 'reads the environment variable TABLE'
 * ```
 */
export function describeEnvRead(r: { name: string; dynamic?: boolean; viaAlias?: true }): string {
  if (r.dynamic) return `${DYNAMIC_FORMS[r.name] ?? `reads ${r.name}`}, so the build can't tell which environment variables it reads`
  if (r.viaAlias) return `reads the environment variable ${r.name} some other way than process.env.${r.name} ([vars] are baked only into process.env.${r.name} and process.env['${r.name}'], so write it that way)`
  return `reads the environment variable ${r.name}`
}

/**
 * Options of {@link findEnvReads}.
 *
 * @example
 * ```ts
 * const options: FindEnvReadsOptions = { loader: 'js' }
 * findEnvReads('module.exports = process.env.KEY', options)
 * ```
 */
export interface FindEnvReadsOptions {
  /** How to read the source (default `ts`, which also reads plain JavaScript). */
  loader?: SourceLoader
}

type Kind = 'global' | 'process' | 'env'
const PROCESS_MODULES = new Set(['process', 'node:process'])
const GLOBAL_NAMES = new Set(['globalThis', 'global'])

/** Whether a member expression is written to (assigned, updated, deleted, a destructuring or for-in target). */
function isWrite(m: AstNode): boolean {
  const p = m.parent!
  if (p.type === 'AssignmentExpression') return p.left === m
  if (p.type === 'UpdateExpression') return true
  if (p.type === 'UnaryExpression') return p.operator === 'delete'
  if (p.type === 'ForInStatement' || p.type === 'ForOfStatement') return p.left === m
  return p.type === 'ArrayPattern' || p.type === 'RestElement' || p.type === 'AssignmentPattern' || (p.type === 'Property' && p.parent?.type === 'ObjectPattern')
}

/** Follows the environment through one module's syntax tree and collects the reads. */
class Tracker {
  readonly reads: { name: string; pos: number; dynamic: boolean; viaAlias: boolean }[] = []
  readonly #scopes: Scopes
  readonly #seen = new Set<string>()

  constructor(scopes: Scopes) {
    this.#scopes = scopes
  }

  read(node: AstNode, name: string, dynamic: boolean, viaAlias = true): void {
    this.reads.push({ name, pos: node.start, dynamic, viaAlias })
  }

  /** `node` evaluates to the global object, process or process.env: follow where the value goes. */
  use(node: AstNode, kind: Kind, plain = false): void {
    const p = node.parent!
    switch (p.type) {
      case 'ChainExpression':
      case 'AwaitExpression':
      case 'ParenthesizedExpression':
        return this.use(p, kind)
      case 'MemberExpression':
        if (p.object === node) return this.member(p, kind, plain)
        return
      case 'VariableDeclarator':
        if (p.init === node) this.bind(p.id as AstNode, kind)
        return
      case 'AssignmentExpression':
        if (p.left === node) return
        if (p.operator === '=') this.bind(p.left as AstNode, kind)
        return this.use(p, kind)
      case 'LogicalExpression':
        return this.use(p, kind)
      case 'ConditionalExpression':
        if (p.test !== node) this.use(p, kind)
        return
      case 'SequenceExpression': {
        const list = p.expressions as AstNode[]
        if (list[list.length - 1] === node) this.use(p, kind)
        return
      }
      case 'BinaryExpression':
        // `'NAME' in process.env` reads NAME
        if (kind === 'env' && p.operator === 'in' && p.right === node) {
          const k = p.left as AstNode
          if (k.type === 'Literal' && typeof k.value === 'string') this.read(p, k.value, false)
          else this.read(p, 'process.env[…]', true)
        }
        return
      case 'UnaryExpression':
      case 'UpdateExpression':
      case 'ExpressionStatement':
      case 'IfStatement':
      case 'WhileStatement':
      case 'DoWhileStatement':
      case 'ForStatement':
      case 'SwitchStatement':
      case 'SwitchCase':
      case 'TemplateLiteral':
        return
      case 'CallExpression':
      case 'NewExpression':
        if (p.callee === node) return
    }
    this.escape(node, kind)
  }

  /** The value went somewhere the build can't follow (an argument, a property, a return value…). */
  escape(node: AstNode, kind: Kind): void {
    if (kind === 'env') this.read(node, 'process.env', true)
    else this.read(node, kind === 'process' ? 'process' : 'globalThis', true)
  }

  /** `object.key` where `object` is of `kind`. */
  member(m: AstNode, kind: Kind, plain: boolean): void {
    const key = staticKey(m.property as AstNode, m.computed === true)
    if (kind === 'env') {
      if (isWrite(m)) return
      if (key === undefined) this.read(m, 'process.env[…]', true)
      else this.read(m, key, false, !plain)
      return
    }
    if (key === undefined) {
      this.read(m, kind === 'process' ? 'process[…]' : 'globalThis[…]', true)
      return
    }
    if (kind === 'process') {
      if (key === 'env') this.use(m, 'env', plain)
      else if (key === 'default') this.use(m, 'process')
      return
    }
    if (key === 'process') this.use(m, 'process')
    else if (GLOBAL_NAMES.has(key)) this.use(m, 'global')
  }

  /** A binding pattern receives a value of `kind`. */
  bind(pattern: AstNode, kind: Kind): void {
    switch (pattern.type) {
      case 'Identifier': {
        const b = this.#scopes.declared.get(pattern) ?? this.#scopes.resolved.get(pattern)
        const refs = b?.refs ?? this.#scopes.globals.get(pattern.name as string) ?? []
        const id = `${b === undefined ? 'global' : ''}:${pattern.name as string}:${pattern.start}:${kind}`
        if (this.#seen.has(id)) return
        this.#seen.add(id)
        for (const ref of refs) this.use(ref, kind)
        return
      }
      case 'AssignmentPattern':
        return this.bind(pattern.left as AstNode, kind)
      case 'ObjectPattern':
        for (const prop of pattern.properties as AstNode[]) {
          if (prop.type === 'RestElement') {
            if (kind === 'process') this.bind(prop.argument as AstNode, 'process')
            else this.read(prop, kind === 'env' ? '...rest of process.env' : 'globalThis', true)
            continue
          }
          const key = staticKey(prop.key as AstNode, prop.computed === true)
          const target = prop.value as AstNode
          if (kind === 'env') this.read(prop, key ?? 'process.env[…]', key === undefined)
          else if (key === undefined) this.read(prop, kind === 'process' ? 'process[…]' : 'globalThis[…]', true)
          else if (kind === 'process' && key === 'env') this.bind(target, 'env')
          else if (kind === 'global' && key === 'process') this.bind(target, 'process')
          else if (kind === 'global' && GLOBAL_NAMES.has(key)) this.bind(target, 'global')
        }
        return
      case 'ArrayPattern':
        return
      default:
        this.escape(pattern, kind)
    }
  }
}

/** Every environment read of a parsed module (positions in the compiled code). */
function track({ program, scopes }: ParsedModule): Tracker['reads'] {
  const t = new Tracker(scopes)
  for (const ref of scopes.globals.get('process') ?? []) t.use(ref, 'process', true)
  for (const name of GLOBAL_NAMES) for (const ref of scopes.globals.get(name) ?? []) t.use(ref, 'global')
  for (const ref of scopes.globals.get('require') ?? []) {
    const call = ref.parent!
    const arg = (call.arguments as AstNode[] | undefined)?.[0]
    if (call.type === 'CallExpression' && call.callee === ref && arg?.type === 'Literal' && PROCESS_MODULES.has(arg.value as string)) t.use(call, 'process')
  }
  for (const { imported, local } of importsOf(program, (m) => PROCESS_MODULES.has(m))) {
    if (imported === 'env') t.bind(local, 'env')
    else if (imported === '*' || imported === 'default') t.bind(local, 'process')
  }
  // eval and the Function constructor run code the build never sees
  for (const name of ['eval', 'Function']) {
    for (const ref of scopes.globals.get(name) ?? []) {
      const p = ref.parent!
      const harmless =
        (p.type === 'UnaryExpression' && p.operator === 'typeof') ||
        (p.type === 'BinaryExpression' && p.operator === 'instanceof' && p.right === ref) ||
        (p.type === 'MemberExpression' && p.object === ref && staticKey(p.property as AstNode, p.computed === true) === 'prototype')
      if (!harmless) t.read(ref, name, true)
    }
  }
  const stack: AstNode[] = [program]
  while (stack.length > 0) {
    const node = stack.pop()!
    if (node.type === 'ImportExpression') {
      const src = node.source as AstNode
      if (src.type !== 'Literal' || PROCESS_MODULES.has(src.value as string)) t.read(node, "import('process')", true)
    }
    stack.push(...children(node))
  }
  return t.reads
}

/**
 * Whether a module's source can read the environment at all: every form {@link findEnvReads} reports names one of
 * `process`, `global`, `eval` or `Function`.
 *
 * @example
 * ```ts
 * mentionsEnv('export const handler = async (e) => e') // false
 * ```
 */
export function mentionsEnv(source: string): boolean {
  return /process|global|eval|Function/.test(source)
}

/**
 * Lists every read of the environment in a module's source: `process.env.NAME` and `process.env['NAME']`, the
 * same through `globalThis.process`, an alias (`const p = process`), `import process from 'process'`,
 * `import * as p from 'node:process'`, `import { env } from 'process'`, `require('process')`, destructuring
 * (`const { A } = process.env`, `const { env } = process`) and `'NAME' in process.env`; and as dynamic reads
 * the forms that hide the name: a computed key, a rest element, the whole object passed on (`Object.keys(process.env)`,
 * `Reflect.get(process.env, k)`), `process` itself passed on, `globalThis[…]`, `import('process')`, `eval` and
 * `new Function`. Writes (`process.env.X = …`) are not reads. A local variable named `process` is not the global.
 *
 * @example
 * ```ts
 * findEnvReads("const t = process.env.TABLE\nconst { A } = process.env")
 * // [{ name: 'TABLE', line: 1, dynamic: false }, { name: 'A', line: 2, dynamic: false, viaAlias: true }]
 * ```
 */
export function findEnvReads(source: string, options: FindEnvReadsOptions = {}): EnvRead[] {
  return envReads(parseModule(source, options.loader))
}

/**
 * {@link findEnvReads} on a module already parsed (the build parses each file once for all its source checks).
 *
 * @example
 * ```ts
 * envReads(parseModule(source, 'ts')) // [{ name: 'TABLE', line: 1, dynamic: false }]
 * ```
 */
export function envReads(mod: ParsedModule): EnvRead[] {
  const placed: { read: EnvRead; column: number }[] = []
  for (const r of track(mod)) {
    const { line, column } = mod.at(r.pos)
    const read: EnvRead = { name: r.name, line, dynamic: r.dynamic }
    if (r.viaAlias && !r.dynamic) read.viaAlias = true
    placed.push({ read, column })
  }
  return placed.sort((a, b) => a.read.line - b.read.line || a.column - b.column).map((p) => p.read)
}
