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
const ORIGIN = String.raw`edge\.origins\[\d+\]`
const at = (prefix: string, keys: string): RegExp => new RegExp(`^(${prefix}\\.(?:${keys}))(?:$|[.[])`)

/** The keys not applied yet, per tool. */
const PENDING: readonly PendingKey[] = [
  { key: at(ORIGIN, 'domain|http_port|https_port|ssl_protocols'), build: 'the template takes the origin domain as a parameter and its ports from the url' },
  { key: at(ORIGIN, 'protocol_policy'), build: 'the template sets http-only or https-only from the url scheme' },
  { key: at(ORIGIN, 'connection_attempts|connection_timeout'), build: "CloudFront's defaults (3 attempts, 10 s) are deployed" },
  { key: at(ORIGIN, 'read_timeout|keepalive_timeout'), build: "CloudFront's defaults (30 s, 5 s) are deployed" },
  { key: at(ORIGIN, 'custom_headers'), build: 'the template has no origin custom headers' },
  { key: /^(edge\.origin_groups)(?:$|[.[])/, build: 'the behaviors target the primary origin; no origin group is written' },
  { key: at(BEHAVIOR, 'cache_policy'), build: "written as legacy ForwardedValues and TTLs (all_except lists widen to all; no Accept-Encoding normalisation)" },
  { key: at(BEHAVIOR, 'origin_request_policy'), build: 'not written' },
  { key: at(BEHAVIOR, 'response_headers_policy'), build: 'not written' },
  { key: at(BEHAVIOR, 'allowed_methods'), build: 'all seven methods are allowed' },
  { key: at(BEHAVIOR, 'cached_methods'), build: 'GET and HEAD are cached' },
  { key: at(BEHAVIOR, 'viewer_protocol_policy'), build: 'redirect-to-https is deployed' },
  { key: at(BEHAVIOR, 'compress'), dev: 'responses are not compressed', build: 'Compress = true is deployed' },
  { key: at(BEHAVIOR, 'viewer_request_function|viewer_response_function'), dev: 'CloudFront Functions do not run', build: 'no CloudFront Function is written' },
  { key: /^(edge\.(?:cloudfront_functions|key_value_stores))(?:$|[.[])/, dev: 'CloudFront Functions do not run', build: 'not written' },
  { key: /^(edge\.custom_error_responses)(?:$|[.[])/, build: 'not written' },
  { key: /^(edge\.default_root_object)$/, build: 'not written' },
  { key: /^(edge\.dynamodb\.(?:persist|port|endpoint|region))$/, dev: 'the local table is in memory, on a free port, in the edge region' },
]

const TOOL_NAME: Record<Tool, string> = { dev: 'edgeware dev', build: 'edgeware build' }

/**
 * What `tool` does not apply yet in a config: `warnings` (one line per key used: the key, and what the tool does
 * instead) and `errors` (what the tool cannot run at all, e.g. a behavior targeting a Lambda origin).
 *
 * @example
 * ```ts
 * const { warnings, errors } = notYetApplied(config, 'dev')
 * // warnings: ['edge.default_behavior.cache_policy is parsed but not yet applied by edgeware dev: only the policy's TTLs …']
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
  const kindName = { s3: 'S3 origins', lambda: 'Lambda origins' } as const
  config.edge.origins.forEach((o, i) => {
    // edgeware dev serves S3 origins (their local directory); the build doesn't write them yet.
    if (o.kind === 'custom' || (o.kind === 's3' && tool === 'dev')) return
    const users = config.behaviors.filter((b) => b.originId === o.id || (b.targetGroupId && config.edge.originGroups.find((g) => g.id === b.targetGroupId)?.members.includes(o.id)))
    const line = `edge.origins[${i}] (${o.id}): ${kindName[o.kind]} are parsed but not yet ${tool === 'dev' ? 'served by' : 'written by'} ${TOOL_NAME[tool]}`
    if (users.some((b) => b.originId === o.id)) errors.push(`${line} (used by ${users.map((b) => (b.isDefault ? 'the default behavior' : b.pathPattern)).join(', ')})`)
    else warnings.push(`${line}; no behavior sends requests to it${users.length ? ' first' : ''}, so it is left out`)
  })
  return { warnings, errors }
}
