/**
 * What the model holds that `edgeware dev` or `edgeware build` does not act on yet, in one table, so that nothing
 * in a config is silently lost: each tool prints a warning per key it doesn't apply, and refuses a config it
 * cannot run at all. Delete an entry (or its `dev` / `build` note) when the tool implements the feature.
 */
import type { EdgeConfig } from './model.js'

/** A tool that reads the model. */
export type Tool = 'dev' | 'build'

interface PendingKey {
  /** Matches a given key; the first group is the key reported. */
  key: RegExp
  /** What the tool does instead; absent when the tool applies the key. */
  dev?: string
  build?: string
}

/**
 * The keys not applied yet, per tool: none today (`edgeware dev` and `edgeware build` apply every key). An entry
 * reads `{ key: /^(edge\.some_key)(?:$|[.[])/, dev: 'what edgeware dev does instead' }`.
 */
const PENDING: readonly PendingKey[] = []

const TOOL_NAME: Record<Tool, string> = { dev: 'edgeware dev', build: 'edgeware build' }

/**
 * What `tool` does not apply yet in a config: `warnings` (one line per key used: the key, and what the tool does
 * instead) and `errors` (what the tool cannot run at all: nothing today, every kind of origin is served and written).
 *
 * @example
 * ```ts
 * const { warnings, errors } = notYetApplied(config, 'dev')
 * // each warning: '<key> is parsed but not yet applied by edgeware dev: <what it does instead>' (none today)
 * ```
 */
export function notYetApplied(config: EdgeConfig, tool: Tool): { warnings: string[]; errors: string[] } {
  const warnings: string[] = []
  const errors: string[] = []
  const seen = new Set<string>()
  for (const given of config.givenKeys) {
    for (const p of PENDING) {
      const note = p[tool]
      const m = note ? p.key.exec(given) : null
      if (!m || seen.has(m[1]!)) continue
      seen.add(m[1]!)
      warnings.push(`${m[1]} is parsed but not yet applied by ${TOOL_NAME[tool]}: ${note}`)
    }
  }
  return { warnings, errors }
}
