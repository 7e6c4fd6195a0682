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

const BEHAVIOR = String.raw`edge\.(?:default_behavior|behaviors\[\d+\])`
const at = (prefix: string, keys: string): RegExp => new RegExp(`^(${prefix}\\.(?:${keys}))(?:$|[.[])`)

/** The keys not applied yet, per tool. */
const PENDING: readonly PendingKey[] = [
  { key: at(BEHAVIOR, 'compress'), dev: 'responses are not compressed' },
  { key: at(BEHAVIOR, 'viewer_request_function|viewer_response_function'), dev: 'CloudFront Functions do not run' },
  { key: /^(edge\.(?:cloudfront_functions|key_value_stores))(?:$|[.[])/, dev: 'CloudFront Functions do not run' },
]

const TOOL_NAME: Record<Tool, string> = { dev: 'edgeware dev', build: 'edgeware build' }

/**
 * What `tool` does not apply yet in a config: `warnings` (one line per key used: the key, and what the tool does
 * instead) and `errors` (what the tool cannot run at all, e.g. a behavior targeting a Lambda origin).
 *
 * @example
 * ```ts
 * const { warnings, errors } = notYetApplied(config, 'dev')
 * // warnings: ['edge.default_behavior.compress is parsed but not yet applied by edgeware dev: responses are not compressed']
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
  config.edge.origins.forEach((o, i) => {
    // Both tools serve custom and S3 origins; the build writes Lambda origins too.
    if (o.kind !== 'lambda' || tool === 'build') return
    const groups = config.edge.originGroups.filter((g) => g.members.includes(o.id))
    const users = config.behaviors.filter((b) => b.originId === o.id || (b.targetGroupId && groups.some((g) => g.id === b.targetGroupId)))
    const line = `edge.origins[${i}] (${o.id}): Lambda origins are parsed but not yet served by ${TOOL_NAME[tool]}`
    if (users.some((b) => b.originId === o.id)) errors.push(`${line} (used by ${users.map((b) => (b.isDefault ? 'the default behavior' : b.pathPattern)).join(', ')})`)
    else warnings.push(`${line}; no behavior sends requests to it${users.length ? ' first' : ''}, so it is left out`)
  })
  return { warnings, errors }
}
