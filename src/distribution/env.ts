/**
 * Environments (`[env.<name>]` overlays) and local secrets (`.dev.vars`).
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { ConfigError, isTable, show, type ConfigProblem, type Table } from './problems.js'

/** Top-level keys of wrangler.toml (`main`, `account_id`, `workers_dev` are wrangler's, accepted and unused). */
export const TOP_LEVEL_KEYS = ['name', 'compatibility_date', 'vars', 'dev', 'edge', 'env', 'main', 'account_id', 'workers_dev']

/** The config after an environment overlay, and where each replaced value came from. */
export interface Overlaid {
  doc: Table
  /** Dotted paths whose value the environment gave (for messages: `env.<name>.<path>`). */
  fromEnv: string[]
}

function merge(base: Table, over: Table, path: string, fromEnv: string[]): Table {
  const out: Table = { ...base }
  for (const [k, v] of Object.entries(over)) {
    const p = path ? `${path}.${k}` : k
    const own = Object.hasOwn(out, k) ? out[k] : undefined
    // defineProperty keeps a key such as `__proto__` an own key (reported as unknown), never the table's prototype
    if (isTable(v) && isTable(own) && p !== 'vars') Object.defineProperty(out, k, { value: merge(own, v, p, fromEnv), enumerable: true, writable: true, configurable: true })
    else {
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true })
      fromEnv.push(p)
    }
  }
  return out
}

/**
 * The config for `--env <name>`: each key the environment gives replaces the top-level one; tables merge key by
 * key (so `[env.production.edge] region = …` keeps the top-level origins), while arrays — including arrays of
 * tables such as `[[env.production.edge.origins]]` — and `[env.<name>.vars]` replace the whole value, as wrangler
 * replaces a key given in an environment. Without its own `name`, the environment's name is `<name>-<env>`, as
 * wrangler names it. An unknown environment is an error listing the known ones.
 *
 * @example
 * ```ts
 * overlayEnv({ name: 'site', env: { prod: { vars: { A: '1' } } } }, 'prod', 'wrangler.toml').doc
 * // { name: 'site-prod', vars: { A: '1' } }
 * ```
 */
export function overlayEnv(doc: Table, env: string | undefined, file: string): Overlaid {
  const { env: envs, ...rest } = doc
  const problems: ConfigProblem[] = []
  if (envs !== undefined && !isTable(envs)) throw new ConfigError(file, 'env', `expected [env.<name>] tables, got ${show(envs)}`, envs)
  const all = (envs ?? {}) as Table
  for (const [n, t] of Object.entries(all)) {
    if (!isTable(t)) problems.push({ key: `env.${n}`, message: `expected a table, got ${show(t)}`, value: t })
    else {
      for (const k of Object.keys(t)) {
        if (!TOP_LEVEL_KEYS.includes(k) || k === 'env') {
          problems.push({ key: `env.${n}.${k}`, message: `unknown key (an environment may hold: ${TOP_LEVEL_KEYS.filter((x) => x !== 'env').join(', ')})`, value: t[k] })
        }
      }
    }
  }
  if (env !== undefined && !Object.hasOwn(all, env)) {
    const known = Object.keys(all)
    problems.push({ key: 'env', message: `no [env.${env}] in the config (known environments: ${known.length ? known.join(', ') : 'none'})`, value: env })
  }
  if (problems.length) throw new ConfigError(file, problems)
  if (env === undefined) return { doc: rest, fromEnv: [] }
  const over = all[env] as Table
  const fromEnv: string[] = []
  const merged = merge(rest, over, '', fromEnv)
  if (over.name === undefined) merged.name = `${typeof rest.name === 'string' ? rest.name : 'edgeware'}-${env}`
  return { doc: merged, fromEnv }
}

const lineError = (file: string, line: number, message: string, value: string): ConfigError =>
  new ConfigError(file, [{ key: `line ${line}`, message, value, line, column: 1 }])

function unquote(raw: string, file: string, n: number): string {
  const q = raw[0]
  if (q !== '"' && q !== "'") {
    const hash = raw.search(/\s#/)
    return (hash >= 0 ? raw.slice(0, hash) : raw).trim()
  }
  let end = 1
  while (end < raw.length && raw[end] !== q) end += q === '"' && raw[end] === '\\' ? 2 : 1
  if (end >= raw.length) end = -1
  if (end < 0 || raw.slice(end + 1).trim().replace(/^#.*$/, '') !== '') {
    throw lineError(file, n, `malformed value ${raw} (a quoted value ends with its quote; only a # comment may follow)`, raw)
  }
  const body = raw.slice(1, end)
  return q === "'" ? body : body.replace(/\\([nrt"\\])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' })[c]!)
}

/**
 * Parses `.dev.vars` text: `KEY=value` lines, blank lines and `#` comments; an optional `export ` prefix;
 * values bare (trimmed, a ` #` starts a comment), in single quotes (literal) or double quotes (`\n`, `\t`, `\"`,
 * `\\` escapes). A later line wins over an earlier one. A malformed line is a `ConfigError` naming `file`, the
 * line number and the line.
 *
 * @example
 * ```ts
 * parseDevVars('JWT_SECRET="s3cr3t"\n# local only\nDEBUG=1\n', '.dev.vars') // { JWT_SECRET: 's3cr3t', DEBUG: '1' }
 * ```
 */
export function parseDevVars(text: string, file: string): Record<string, string> {
  const out: Record<string, string> = {}
  text.split(/\r?\n/).forEach((line, i) => {
    const n = i + 1
    const s = line.trim()
    if (s === '' || s.startsWith('#')) return
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(s)
    if (!m) throw lineError(file, n, `expected KEY=value (KEY of letters, digits and _), got ${JSON.stringify(line)}`, line)
    out[m[1]!] = unquote(m[2]!, file, n)
  })
  return out
}

/**
 * Local secrets for `edgeware dev` and `edgeware invoke`: `.dev.vars` beside the config (with an environment,
 * `.dev.vars.<env>` when it exists, as wrangler does). `{}` when there is none. Never used by `edgeware build`.
 *
 * @example
 * ```ts
 * const secrets = loadDevVars('wrangler.toml') // { JWT_SECRET: '…' } from ./.dev.vars
 * ```
 */
export function loadDevVars(configPath: string, opts: { env?: string } = {}): Record<string, string> {
  const dir = dirname(configPath)
  const candidates = opts.env ? [join(dir, `.dev.vars.${opts.env}`), join(dir, '.dev.vars')] : [join(dir, '.dev.vars')]
  const file = candidates.find((f) => existsSync(f))
  return file ? parseDevVars(readFileSync(file, 'utf8'), file) : {}
}
