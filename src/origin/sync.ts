/**
 * Moving routing rules between places: export a table to the seed file format, import a seed file into a table
 * (optionally removing the rules the file does not have), and the difference between two sets of rules (two
 * tables, or a table and a seed file): what to add, remove and change to go from one to the other.
 */
import { DeleteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { HOST_KEY, PREFIX_KEY } from './schema.js'
import { listRules, putRules } from './table.js'

type Rule = Record<string, unknown>

const key = (r: Rule) => `${String(r.host)}\u0000${String(r.pathPrefix)}`
const FIRST = ['host', 'pathPrefix', 'type', 'domainName']

/**
 * A rule with its keys in a fixed order (`host`, `pathPrefix`, `type`, `domainName`, then the rest sorted, nested
 * objects sorted too): the same rule always prints the same.
 *
 * @example
 * ```ts
 * canonicalRule({ type: 'custom', host: '*', pathPrefix: '/', domainName: 'a.example.com' })
 * // { host: '*', pathPrefix: '/', type: 'custom', domainName: 'a.example.com' }
 * ```
 */
export function canonicalRule(rule: Rule): Rule {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort)
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Rule)[k])]))
    return v
  }
  const keys = [...FIRST.filter((k) => k in rule), ...Object.keys(rule).filter((k) => !FIRST.includes(k)).sort()]
  return Object.fromEntries(keys.map((k) => [k, sort(rule[k])]))
}

/**
 * Every rule of a table in the seed file format (`edgeware origins import` and `startLocalDynamo` read it back):
 * sorted by host then prefix, keys in a fixed order, attributes other than a rule's kept.
 *
 * @example
 * ```ts
 * writeFileSync('origins.seed.json', JSON.stringify(await exportRules(client, 'edge-origins'), null, 2))
 * ```
 */
export async function exportRules(client: DynamoDBClient, table: string): Promise<Rule[]> {
  return (await listRules(client, table)).map(canonicalRule)
}

/**
 * Writes the rules of a seed file into a table, every rule validated first (nothing is written if one is
 * invalid). With `replace`, rules of the table the file does not have are deleted afterwards, so the table ends
 * up equal to the file.
 *
 * @example
 * ```ts
 * await importRules(client, 'edge-origins', await readSeedFile('origins.seed.json'), { replace: true })
 * ```
 */
export async function importRules(client: DynamoDBClient, table: string, rules: readonly unknown[], opts: { replace?: boolean } = {}): Promise<{ written: number; deleted: number }> {
  const written = await putRules(client, table, rules)
  let deleted = 0
  if (opts.replace) {
    const keep = new Set(rules.map((r) => key(r as Rule)))
    for (const r of await listRules(client, table)) {
      if (keep.has(key(r))) continue
      await client.send(new DeleteItemCommand({ TableName: table, Key: { [HOST_KEY]: { S: String(r.host) }, [PREFIX_KEY]: { S: String(r.pathPrefix) } } }))
      deleted++
    }
  }
  return { written, deleted }
}

/** One field that differs in a changed rule (`customHeaders.X-Tenant`), with its value on each side. */
export interface FieldChange {
  field: string
  from?: unknown
  to?: unknown
}

/** The difference between two sets of rules. */
export interface RulesDiff {
  /** In `to` only. */
  added: Rule[]
  /** In `from` only. */
  removed: Rule[]
  /** In both (same host and prefix) with other values. */
  changed: { host: string; pathPrefix: string; fields: FieldChange[] }[]
}

/** `{ a: { b: 1 } }` → `{ 'a.b': 1 }` (arrays are values). */
function flatten(v: Rule, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, x] of Object.entries(v)) {
    if (x && typeof x === 'object' && !Array.isArray(x)) flatten(x as Rule, `${prefix}${k}.`, out)
    else out[`${prefix}${k}`] = x
  }
  return out
}

/**
 * What to add, remove and change to go from `from` to `to` (rules are matched by host and prefix; a changed
 * rule lists each field that differs).
 *
 * @example
 * ```ts
 * const d = diffRules(await listRules(client, 'edge-origins'), await readSeedFile('origins.seed.json'))
 * if (d.added.length + d.removed.length + d.changed.length) console.log(formatRulesDiff(d))
 * ```
 */
export function diffRules(from: readonly Rule[], to: readonly Rule[]): RulesDiff {
  const a = new Map(from.map((r) => [key(r), r]))
  const b = new Map(to.map((r) => [key(r), r]))
  const order = (x: Rule, y: Rule) => String(x.host).localeCompare(String(y.host)) || String(x.pathPrefix).localeCompare(String(y.pathPrefix))
  const changed: RulesDiff['changed'] = []
  for (const [k, r] of a) {
    const other = b.get(k)
    if (!other) continue
    const fa = flatten(r)
    const fb = flatten(other)
    const fields = [...new Set([...Object.keys(fa), ...Object.keys(fb)])]
      .sort()
      .filter((f) => JSON.stringify(fa[f]) !== JSON.stringify(fb[f]))
      .map((f) => ({ field: f, ...(f in fa ? { from: fa[f] } : {}), ...(f in fb ? { to: fb[f] } : {}) }))
    if (fields.length) changed.push({ host: String(r.host), pathPrefix: String(r.pathPrefix), fields })
  }
  changed.sort((x, y) => x.host.localeCompare(y.host) || x.pathPrefix.localeCompare(y.pathPrefix))
  return {
    added: [...b].filter(([k]) => !a.has(k)).map(([, r]) => canonicalRule(r)).sort(order),
    removed: [...a].filter(([k]) => !b.has(k)).map(([, r]) => canonicalRule(r)).sort(order),
    changed,
  }
}

/**
 * A diff for people: `+` added and `-` removed rules (host, prefix, target), `~` changed ones with each field
 * `from → to`, and a count line.
 *
 * @example
 * ```ts
 * console.log(formatRulesDiff(diffRules(before, after)))
 * ```
 */
export function formatRulesDiff(d: RulesDiff): string[] {
  const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v))
  const target = (r: Rule) => `${String(r.type ?? '?')} ${String(r.domainName ?? '?')}`
  const lines: string[] = []
  for (const r of d.added) lines.push(`+ ${String(r.host)} ${String(r.pathPrefix)}  ${target(r)}`)
  for (const r of d.removed) lines.push(`- ${String(r.host)} ${String(r.pathPrefix)}  ${target(r)}`)
  for (const c of d.changed) {
    lines.push(`~ ${c.host} ${c.pathPrefix}`)
    for (const f of c.fields) lines.push(`    ${f.field}: ${show(f.from)} → ${show(f.to)}`)
  }
  const n = d.added.length + d.removed.length + d.changed.length
  lines.push(n === 0 ? 'no differences' : `${n} difference${n === 1 ? '' : 's'}: ${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`)
  return lines
}
