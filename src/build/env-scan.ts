/**
 * Finds reads of `process.env` in source text. Lambda@Edge functions cannot have environment variables
 * ("The function cannot have environment variables" [ISS-ENV]; [RLE] "except for reserved environment
 * variables, which are automatically supported"), so `edgeware build` rejects every read that is neither reserved
 * nor baked from `[vars]`.
 */

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

/** One `process.env` read found in source text. `name` is the variable, or a description for dynamic reads. */
export interface EnvRead {
  /** The variable name; `process.env[…]` for a computed key, `process.env` for a use of the whole object. */
  name: string
  /** 1-based line of the read. */
  line: number
  /** True when the name cannot be known statically (computed key, rest destructuring, whole object). */
  dynamic: boolean
  /** Read through an `env` imported or destructured from `process`: `[vars]` are not baked into such reads. */
  viaAlias?: true
}

/**
 * Replaces comments with spaces (keeping newlines, so offsets and line numbers stay put), leaving strings,
 * template literals and regular expressions as they are. With `blankLiterals`, the insides of regular expressions,
 * template texts and strings are blanked too, except a string right after `[` (a computed member key).
 *
 * @example
 * ```ts
 * stripComments('a // b') // 'a     '
 * ```
 */
export function stripComments(src: string, blankLiterals = false): string {
  const out = src.split('')
  const n = src.length
  let i = 0
  // stack of open template literals; each entry is the brace depth of the `${` expression we are in (-1 = in the
  // template text itself)
  const templates: number[] = []
  let braceDepth = 0
  let lastSignificant = ''
  let templateKeep = false
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n' && out[k] !== '\r') out[k] = ' '
  }
  const skipString = (q: string) => {
    const from = i + 1
    const keep = !blankLiterals || lastSignificant === '['
    i++
    while (i < n && src[i] !== q) {
      if (src[i] === '\\') i++
      else if (src[i] === '\n') break
      i++
    }
    if (!keep) blank(from, Math.min(i, n))
    i++
  }
  const skipTemplateText = () => {
    // positioned after a backtick or after the `}` closing a `${`: scan to the closing backtick or the next `${`
    const keep = !blankLiterals || templateKeep
    while (i < n) {
      const c = src[i]
      if (c === '\\') { if (!keep) blank(i, Math.min(i + 2, n)); i += 2; continue }
      if (c === '`') { i++; templates.pop(); return }
      if (c === '$' && src[i + 1] === '{') { i += 2; templates[templates.length - 1] = braceDepth; braceDepth++; return }
      if (!keep) blank(i, i + 1)
      i++
    }
  }
  while (i < n) {
    const c = src[i]!
    const d = src[i + 1]
    if (c === '/' && d === '/') {
      const end = src.indexOf('\n', i)
      const stop = end === -1 ? n : end
      blank(i, stop)
      i = stop
      continue
    }
    if (c === '/' && d === '*') {
      const end = src.indexOf('*/', i + 2)
      const stop = end === -1 ? n : end + 2
      blank(i, stop)
      i = stop
      continue
    }
    if (c === '"' || c === "'") { skipString(c); lastSignificant = 'a'; continue }
    if (c === '`') { templateKeep = lastSignificant === '['; i++; templates.push(-1); skipTemplateText(); lastSignificant = 'a'; continue }
    if (c === '/' && (lastSignificant === '' || '(,=:[!&|?{};+-*%<>~^'.includes(lastSignificant))) {
      // a regular expression literal
      i++
      const from = i
      let inClass = false
      while (i < n && src[i] !== '\n') {
        const r = src[i]
        if (r === '\\') { i += 2; continue }
        if (r === '[') inClass = true
        else if (r === ']') inClass = false
        else if (r === '/' && !inClass) break
        i++
      }
      if (blankLiterals) blank(from, Math.min(i, n))
      i++
      lastSignificant = 'a'
      continue
    }
    if (c === '{') braceDepth++
    else if (c === '}') {
      braceDepth--
      if (templates.length > 0 && templates[templates.length - 1] === braceDepth) {
        i++
        templates[templates.length - 1] = -1
        skipTemplateText()
        lastSignificant = 'a'
        continue
      }
    }
    if (!/\s/.test(c)) lastSignificant = /[\w$)\]]/.test(c) ? 'a' : c
    i++
  }
  return out.join('')
}

function lineAt(src: string, index: number): number {
  let line = 1
  for (let k = src.indexOf('\n'); k !== -1 && k < index; k = src.indexOf('\n', k + 1)) line++
  return line
}

/** Names bound by an object destructuring pattern's text (between the braces). */
function destructuredNames(pattern: string): { names: string[]; rest: boolean } {
  const names: string[] = []
  let rest = false
  let depth = 0
  let start = 0
  const parts: string[] = []
  for (let k = 0; k < pattern.length; k++) {
    const c = pattern[k]
    if (c === '{' || c === '[' || c === '(') depth++
    else if (c === '}' || c === ']' || c === ')') depth--
    else if (c === ',' && depth === 0) { parts.push(pattern.slice(start, k)); start = k + 1 }
  }
  parts.push(pattern.slice(start))
  for (const raw of parts) {
    const p = raw.trim()
    if (!p) continue
    if (p.startsWith('...')) { rest = true; continue }
    const m = /^(?:(['"`])(.*?)\1|([A-Za-z_$][\w$]*)|\[)/.exec(p)
    if (!m) continue
    if (m[0] === '[') { rest = true; continue }
    names.push(m[2] ?? m[3]!)
  }
  return { names, rest }
}

/**
 * Lists every read of `process.env` in a module's source: `process.env.NAME`, `process.env['NAME']`,
 * `process.env[expr]` (dynamic), `const { A, B: b } = process.env` and any other use of the whole object.
 * Assignments (`process.env.X = …`) are not reads. Comments are ignored.
 *
 * @example
 * ```ts
 * findEnvReads("const t = process.env.TABLE\nconst { A } = process.env")
 * // [{ name: 'TABLE', line: 1, dynamic: false }, { name: 'A', line: 2, dynamic: false }]
 * ```
 */
export function findEnvReads(source: string): EnvRead[] {
  const src = stripComments(source, true)
  // same offsets, literals kept: for quoted keys in destructuring patterns
  const kept = stripComments(source)
  const reads: EnvRead[] = []
  scan(src, kept, /\bprocess\s*(?:\.|\?\.)\s*env\b|\bprocess\s*\[\s*(['"`])env\1\s*\]/g, false, reads)
  // `import { env } from 'node:process'`, `const { env } = process` / `require('process')`: reads through the alias
  // are not replaced by [vars] (those are baked as `process.env.K`), so they are reported whatever their name
  const aliases = new Set<string>()
  const importRe = /\bimport\s*\{([^}]*)\}\s*from\s*['"](?:node:)?process['"]/g
  for (let m = importRe.exec(kept); m; m = importRe.exec(kept)) {
    for (const spec of m[1]!.split(',')) {
      const a = /^\s*env(?:\s+as\s+([A-Za-z_$][\w$]*))?\s*$/.exec(spec)
      if (a) aliases.add(a[1] ?? 'env')
    }
  }
  const destructRe = /\{([^{}]*)\}\s*=\s*(?:process\b(?!\s*[.[])|require\(\s*['"](?:node:)?process['"]\s*\))/g
  for (let m = destructRe.exec(kept); m; m = destructRe.exec(kept)) {
    for (const spec of m[1]!.split(',')) {
      const a = /^\s*env(?:\s*:\s*([A-Za-z_$][\w$]*))?\s*$/.exec(spec)
      if (a) aliases.add(a[1] ?? 'env')
    }
  }
  for (const alias of aliases) {
    scan(src, kept, new RegExp(`(?<![\\w$.])${alias.replace(/\$/g, '\\$')}(?![\\w$])`, 'g'), true, reads)
  }
  return reads.sort((a, b) => a.line - b.line)
}

/** Adds the reads through each match of `re` (an expression that evaluates to the environment object). */
function scan(src: string, kept: string, re: RegExp, viaAlias: boolean, reads: EnvRead[]): void {
  const label = viaAlias ? 'env' : 'process.env'
  for (let m = re.exec(src); m; m = re.exec(src)) {
    const before = src.slice(0, m.index)
    // `foo.process.env` is someone else's object; `globalThis.process.env` is the real one
    const prev = /([\w$]+)\s*\.\s*$/.exec(before)
    if (prev && prev[1] !== 'globalThis' && prev[1] !== 'global') continue
    const after = src.slice(m.index + m[0].length)
    const line = lineAt(src, m.index)
    const push = (r: EnvRead) => reads.push(viaAlias ? { ...r, viaAlias: true } : r)
    let mm: RegExpExecArray | null
    if ((mm = /^\s*(?:\?\.|\.)\s*([A-Za-z_$][\w$]*)/.exec(after))) {
      if (/^\s*(?:=(?!=)|\+=|-=|\?\?=|\|\|=|&&=)/.test(after.slice(mm[0].length))) continue // a write
      push({ name: mm[1]!, line, dynamic: false })
      continue
    }
    if ((mm = /^\s*(?:\?\.)?\s*\[\s*(['"`])([^'"`$]*)\1\s*\]/.exec(after))) {
      if (/^\s*(?:=(?!=)|\+=|-=|\?\?=|\|\|=|&&=)/.test(after.slice(mm[0].length))) continue
      push({ name: mm[2]!, line, dynamic: false })
      continue
    }
    if (/^\s*(?:\?\.)?\s*\[/.test(after)) {
      push({ name: `${label}[…]`, line, dynamic: true })
      continue
    }
    // `{ A, B } = process.env`: find the pattern before the `=`
    const assign = /\}\s*=\s*$/.exec(before)
    if (assign) {
      let depth = 0
      let k = assign.index
      for (; k >= 0; k--) {
        if (before[k] === '}') depth++
        else if (before[k] === '{') { depth--; if (depth === 0) break }
      }
      if (k >= 0) {
        const { names, rest } = destructuredNames(kept.slice(k + 1, assign.index))
        for (const name of names) push({ name, line, dynamic: false })
        if (rest) push({ name: `...rest of ${label}`, line, dynamic: true })
        continue
      }
    }
    // through an alias, only member reads count: the name also appears where it is declared
    if (viaAlias) continue
    if (/^\s*(?:=(?!=))/.test(after)) continue // `process.env = …` replaces it: not a read
    if (/\btypeof\s*$/.test(before)) continue // `typeof process.env` (a type, or a check that it exists)
    const inCheck = /(['"`])([^'"`$]+)\1\s*in\s*$/.exec(kept.slice(0, m.index))
    if (inCheck) {
      push({ name: inCheck[2]!, line, dynamic: false }) // `'X' in process.env`
      continue
    }
    push({ name: 'process.env', line, dynamic: true })
  }
}
