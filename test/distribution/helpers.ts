import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { ConfigError, parseConfig, type ConfigProblem, type EdgeConfig, type LoadOptions } from '../../src/distribution/index.js'

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures')
export const FILE = join(FIXTURES, 'wrangler.toml')
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
/** The shared reference directory (beside the repository, or the machine's copy). */
export const REFERENCE = [join(repo, '..', 'shared', 'reference'), '/work/shared/reference'].find((d) => existsSync(d))

/** One custom origin `app` and a default behavior targeting it. */
export const BASE = `
[[edge.origins]]
id = "app"
url = "http://localhost:3000"
[edge.default_behavior]
origin = "app"
`

export const parse = (toml: string, opts?: LoadOptions): EdgeConfig => parseConfig(toml, FILE, opts)

/** The ConfigError a config throws (fails the test when it parses). */
export function problems(toml: string, opts?: LoadOptions): ConfigError {
  try {
    parseConfig(toml, FILE, opts)
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError)
    return e as ConfigError
  }
  throw new Error('expected a ConfigError')
}

/**
 * Asserts a config fails with exactly one problem at `key` whose message matches `re` and names the value
 * (`value` is the text the message must quote).
 */
export function expectProblem(toml: string, key: string, re: RegExp, opts?: LoadOptions): ConfigError {
  const e = problems(toml, opts)
  expect(e.problems.map((p) => `${p.key}: ${p.message}`)).toEqual([expect.stringMatching(new RegExp(`^${key.replace(/[.[\]]/g, '\\$&')}: .*${re.source}`))])
  expect(e.message.startsWith(FILE)).toBe(true)
  return e
}

/** Parses `toml` in `dir`, creating each file and directory it names, until nothing but real problems are left. */
export function problemsWithFiles(toml: string, dir: string, opts?: LoadOptions): readonly ConfigProblem[] {
  return configWithFiles(toml, dir, opts).problems
}

/** Parses `toml` in `dir` as problemsWithFiles does, and gives the configuration when it parses. */
export function configWithFiles(toml: string, dir: string, opts?: LoadOptions): { config?: EdgeConfig; problems: readonly ConfigProblem[] } {
  for (let round = 0; round < 5; round++) {
    try {
      return { config: parseConfig(toml, join(dir, 'wrangler.toml'), opts), problems: [] }
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e
      const missing = e.problems.map((p) => /(file|directory) not found: .* \(resolved to (.*)\)$/.exec(p.message)).filter((m) => m !== null)
      if (missing.length === 0) return { problems: e.problems }
      for (const [, kind, path] of missing) {
        mkdirSync(kind === 'directory' ? path! : dirname(path!), { recursive: true })
        if (kind === 'file') writeFileSync(path!, '{"data":[]}\n')
      }
    }
  }
  throw new Error('files kept missing')
}
