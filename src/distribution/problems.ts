/**
 * Config problems: `ConfigError` (every problem of a file at once) and the `Reader` that checks TOML values,
 * records a problem for each bad one and goes on, so one run reports them all.
 */
import { statSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'

/**
 * One problem in a config file: the dotted key, what is wrong, and the value.
 *
 * @example
 * ```ts
 * try {
 *   await loadConfig('wrangler.toml')
 * } catch (e) {
 *   if (e instanceof ConfigError) for (const p of e.problems) console.error(p.key, p.message, p.value)
 * }
 * ```
 */
export interface ConfigProblem {
  /** The dotted key, e.g. `edge.behaviors[0].path_pattern`. */
  key: string
  message: string
  value?: unknown
  /** 1-based line and column, when the problem is in the file's syntax. */
  line?: number
  column?: number
}

const problemLine = (file: string, p: ConfigProblem): string =>
  p.line !== undefined ? `${file}:${p.line}:${p.column ?? 1}: ${p.message}` : `${file}: ${p.key}: ${p.message}`

/**
 * Problems in a config file, all of them: the message has one line per problem naming the file, the key (dotted
 * TOML path) and the bad value; a TOML syntax error names `file:line:column`. `key` and `value` are the first
 * problem's.
 *
 * @example
 * ```ts
 * try { await loadConfig('wrangler.toml') } catch (e) {
 *   if (e instanceof ConfigError) for (const p of e.problems) console.error(p.key, p.message)
 *   // edge.limits expected "classic" or "current", got "fast"
 * }
 * ```
 */
export class ConfigError extends Error {
  override name = 'ConfigError'
  /** The config file. */
  readonly file: string
  /** The first problem's dotted key, e.g. `edge.behaviors[0].path_pattern`. */
  readonly key: string
  /** The first problem's offending value. */
  readonly value: unknown
  /** Every problem found, in file order as far as the checks go. */
  readonly problems: readonly ConfigProblem[]

  constructor(file: string, key: string, message: string, value?: unknown)
  constructor(file: string, problems: readonly ConfigProblem[])
  constructor(file: string, keyOrProblems: string | readonly ConfigProblem[], message?: string, value?: unknown) {
    const problems: readonly ConfigProblem[] =
      typeof keyOrProblems === 'string' ? [{ key: keyOrProblems, message: message ?? 'invalid', ...(value !== undefined ? { value } : {}) }] : keyOrProblems
    super(problems.map((p) => problemLine(file, p)).join('\n'))
    this.file = file
    this.problems = problems
    this.key = problems[0]?.key ?? ''
    this.value = problems[0]?.value
  }
}

/** A TOML table as smol-toml returns it. */
export type Table = Record<string, unknown>

/**
 * A TOML table (not an array, not a date).
 *
 * @example
 * ```ts
 * isTable({ a: 1 }) // true
 * ```
 */
export const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date)

/**
 * A value as config messages quote it (JSON; dates as ISO strings).
 *
 * @example
 * ```ts
 * show('fast') // '"fast"'
 * ```
 */
export const show = (v: unknown): string => {
  try {
    return v instanceof Date ? v.toISOString() : (JSON.stringify(v) ?? String(v))
  } catch {
    return String(v)
  }
}

/**
 * Reads TOML values for the model: each reader returns the value when it is valid, or records a problem and
 * returns `undefined` (the caller falls back to a default and goes on). `done()` throws the collected problems.
 */
export class Reader {
  readonly problems: ConfigProblem[] = []

  /**
   * @param file the config file (in messages)
   * @param root the directory relative paths resolve from
   * @param envKey maps a key to how the user wrote it (e.g. `env.production.…` for a value from an environment)
   */
  constructor(
    readonly file: string,
    readonly root: string,
    private readonly envKey: (key: string) => string = (k) => k,
  ) {}

  /** Records a problem; returns `undefined` so `return r.fail(…)` ends a reader. */
  fail(key: string, message: string, value?: unknown): undefined {
    this.problems.push({ key: this.envKey(key), message, ...(value !== undefined ? { value } : {}) })
    return undefined
  }

  /** Throws every problem recorded so far as one `ConfigError`. */
  done(): void {
    if (this.problems.length) throw new ConfigError(this.file, this.problems)
  }

  unknownKeys(table: Table, key: string, allowed: readonly string[]): void {
    for (const k of Object.keys(table)) {
      if (!allowed.includes(k)) this.fail(key ? `${key}.${k}` : k, `unknown key (expected one of: ${allowed.join(', ')})`, table[k])
    }
  }

  /** A table (`{}` when absent). */
  table(v: unknown, key: string): Table | undefined {
    if (v === undefined) return {}
    if (!isTable(v)) return this.fail(key, `expected a table, got ${show(v)}`, v)
    return v
  }

  /** An array of tables (`[[key]]`), `[]` when absent. */
  tables(v: unknown, key: string): unknown[] {
    if (v === undefined) return []
    if (!Array.isArray(v)) {
      this.fail(key, `expected an array of tables ([[${key}]]), got ${show(v)}`, v)
      return []
    }
    return v
  }

  string(v: unknown, key: string, required = false): string | undefined {
    if (v === undefined) return required ? this.fail(key, 'is required') : undefined
    if (typeof v !== 'string' || v === '') return this.fail(key, `expected a non-empty string, got ${show(v)}`, v)
    return v
  }

  /** One of a fixed set of strings. */
  oneOf<T extends string>(v: unknown, key: string, values: readonly T[], what = ''): T | undefined {
    if (v === undefined) return undefined
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      return this.fail(key, `expected ${values.map((x) => `"${x}"`).join(', ').replace(/, ([^,]*)$/, ' or $1')}${what}, got ${show(v)}`, v)
    }
    return v as T
  }

  int(v: unknown, key: string, min: number, max: number, what = ''): number | undefined {
    if (v === undefined) return undefined
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      return this.fail(key, `expected an integer from ${min} to ${max}${what}, got ${show(v)}`, v)
    }
    return v
  }

  bool(v: unknown, key: string): boolean | undefined {
    if (v === undefined) return undefined
    if (typeof v !== 'boolean') return this.fail(key, `expected true or false, got ${show(v)}`, v)
    return v
  }

  /** An array of non-empty strings (`[]` when absent). */
  stringList(v: unknown, key: string): string[] | undefined {
    if (v === undefined) return []
    if (!Array.isArray(v)) return this.fail(key, `expected an array of strings, got ${show(v)}`, v)
    const out: string[] = []
    let ok = true
    v.forEach((x, i) => {
      const s = this.string(x, `${key}[${i}]`, true)
      if (s === undefined) ok = false
      else out.push(s)
    })
    return ok ? out : undefined
  }

  /** A path relative to the config dir that must exist as a file (`kind = 'file'`) or a directory. */
  path(v: unknown, key: string, kind: 'file' | 'directory' = 'file'): string | undefined {
    const s = this.string(v, key)
    if (s === undefined) return undefined
    const abs = isAbsolute(s) ? s : resolve(this.root, s)
    let ok = false
    try {
      const st = statSync(abs)
      ok = kind === 'file' ? st.isFile() : st.isDirectory()
    } catch {
      ok = false
    }
    if (!ok) return this.fail(key, `${kind} not found: ${show(s)} (resolved to ${abs})`, s)
    return abs
  }
}
