/**
 * The one place deploy, dev and invoke get a config for an environment (`--env <name>`) and the local secrets
 * (`.dev.vars`), both from the distribution model.
 */
import { existsSync, readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { ConfigError, loadConfig, type EdgeConfig } from '../distribution/index.js'
import { loadDevVars, parseDevVars } from '../distribution/env.js'

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
  // the model names an environment `<name>-<env>` unless the environment sets its own name
  return loadConfig(file, env === undefined ? {} : { env })
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
export function loadLocalSecrets(configPath: string, env?: string): LocalSecrets {
  const dir = dirname(configPath)
  const own = [...(env ? [join(dir, `.dev.vars.${env}`)] : []), join(dir, '.dev.vars')].find((f) => existsSync(f))
  if (own) return { values: loadDevVars(configPath, env === undefined ? {} : { env }), file: own }
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
