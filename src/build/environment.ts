/**
 * The one place deploy, dev and invoke get a config for an environment (`--env <name>`) and the local secrets
 * (`.dev.vars`). It is written against the distribution model's API (`loadConfig(file, { env })`,
 * `loadDevVars(configPath)`); until that model is in, it reads the config with today's loader (which refuses
 * `[env.*]` tables as unknown keys, so nothing is silently ignored) and parses `.dev.vars` itself.
 *
 * To switch to the model: in {@link loadEnvConfig}, `loadConfig(file)` becomes the model's `loadConfig(file, { env })`;
 * in {@link loadLocalSecrets}, reading `.dev.vars` becomes `loadDevVars(configPath)` (the `.dev.vars.example`
 * fallback stays, parsed with the model's `.dev.vars` parser if it exports one, else with {@link parseDevVars}).
 */
import { existsSync, readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { ConfigError, loadConfig, type EdgeConfig } from '../simulator/config.js'

/**
 * A config for one environment. The name is what Lambda function names, the stack name and the secret prefix
 * start with, so it keeps environments apart: `<name>-<env>` (wrangler's rule) unless the environment sets
 * its own name ending in `-<env>`.
 *
 * @example
 * ```ts
 * const config = await loadEnvConfig('wrangler.toml', 'production')
 * config.name // 'my-site-production'
 * ```
 */
export async function loadEnvConfig(file: string, env?: string): Promise<EdgeConfig> {
  if (env !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(env)) {
    throw new ConfigError(file, 'env', `an environment name is 1-32 letters, digits, - or _, got ${JSON.stringify(env)}`, env)
  }
  const config = await loadConfig(file)
  if (env === undefined || config.name.endsWith(`-${env}`)) return config
  return { ...config, name: `${config.name}-${env}` }
}

/** The local secrets of a config and where they came from. */
export interface LocalSecrets {
  values: Record<string, string>
  /** The file read (`.dev.vars`, or `.dev.vars.example` when there is no `.dev.vars`), or `undefined` for none. */
  file?: string
  /** Set when dev falls back to `.dev.vars.example`: say so once. */
  notice?: string
}

/**
 * `.dev.vars` beside the config, the local stand-in for `secret()` under `edgeware dev` and `edgeware invoke`.
 * It is never committed; without it, a committed `.dev.vars.example` is read instead, with a notice. Neither file:
 * no local secrets (`secret()` then fails with `SecretNotFound` naming `.dev.vars`).
 *
 * @example
 * ```ts
 * const { values, notice } = loadLocalSecrets('wrangler.toml')
 * if (notice) console.warn(notice)
 * ```
 */
export function loadLocalSecrets(configPath: string): LocalSecrets {
  const dir = dirname(configPath)
  const own = join(dir, '.dev.vars')
  if (existsSync(own)) return { values: parseDevVars(readFileSync(own, 'utf8'), own), file: own }
  const example = join(dir, '.dev.vars.example')
  if (existsSync(example)) {
    return {
      values: parseDevVars(readFileSync(example, 'utf8'), example),
      file: example,
      notice: `no .dev.vars next to ${basename(configPath)}: secret() reads .dev.vars.example (copy it to .dev.vars and put your own values there; .dev.vars is never committed)`,
    }
  }
  return { values: {} }
}

/**
 * `KEY=value` lines (dotenv style): `#` comments and blank lines skipped, an optional `export `, values in double
 * quotes (with `\n`, `\t`, `\"`, `\\` escapes), single quotes (as written) or bare (trimmed, a ` #` starts a comment).
 * A malformed line is a `ConfigError` naming the file and the line.
 *
 * @example
 * ```ts
 * parseDevVars('JWT_SECRET="abc"\n# note\nAPI_KEY=xyz', '.dev.vars') // { JWT_SECRET: 'abc', API_KEY: 'xyz' }
 * ```
 */
export function parseDevVars(text: string, file: string): Record<string, string> {
  const out: Record<string, string> = {}
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line)
    if (!m) throw new ConfigError(file, `line ${i + 1}`, `expected KEY=value, got ${JSON.stringify(line)}`, line)
    const rest = m[2]!
    let value: string
    const q = rest[0]
    if (q === '"' || q === "'") {
      const end = q === '"' ? /^"((?:[^"\\]|\\.)*)"\s*(?:#.*)?$/.exec(rest) : /^'([^']*)'\s*(?:#.*)?$/.exec(rest)
      if (!end) throw new ConfigError(file, `line ${i + 1} (${m[1]})`, `unterminated ${q === '"' ? 'double' : 'single'}-quoted value`, rest)
      value = q === '"' ? end[1]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c)) : end[1]!
    } else {
      value = rest.replace(/\s+#.*$/, '').trim()
    }
    out[m[1]!] = value
  })
  return out
}
