/**
 * Managing the origin table (CLI, local edge, tests, users' scripts): create it, put / get / list / delete rules.
 * Every rule is validated (table shape + CloudFront's origin rules) before it is written.
 */
import {
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb'
import type { LimitsProfile } from '../cloudfront/limits.js'
import { EdgeRuleError } from '../core/errors.js'
import { createEdgeDynamoClient, hostQuery } from './client.js'
import type { DynamoItem } from './schema.js'
import { describeItem, describeViolations, HOST_KEY, ORIGIN_TABLE_KEYS, PREFIX_KEY, ruleToItem, ruleViolations, unmarshallItem } from './schema.js'
import type { OriginRule } from './types.js'

/**
 * A client for table administration (longer timeouts than the edge client; dummy credentials for local endpoints;
 * an optional named AWS profile).
 *
 * @example
 * ```ts
 * const client = createTableClient({ endpoint: 'http://127.0.0.1:8000' })
 * ```
 */
export function createTableClient(opts: { region?: string; endpoint?: string; profile?: string } = {}): DynamoDBClient {
  return createEdgeDynamoClient({
    region: opts.region ?? process.env.AWS_REGION ?? 'us-east-1',
    endpoint: opts.endpoint,
    timeoutMs: 10_000,
    maxAttempts: 3,
    ...(opts.profile ? { profile: opts.profile } : {}),
  })
}

/**
 * Creates the origin table (`host` HASH, `pathPrefix` RANGE, on-demand) and waits until it is ACTIVE.
 * Resolves to false when it already exists.
 *
 * @example
 * ```ts
 * await createOriginTable(client, 'edge-origins')
 * ```
 */
export async function createOriginTable(client: DynamoDBClient, table: string): Promise<boolean> {
  let created = true
  try {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [...ORIGIN_TABLE_KEYS.AttributeDefinitions],
        KeySchema: [...ORIGIN_TABLE_KEYS.KeySchema],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    )
  } catch (e) {
    if ((e as { name?: string }).name !== 'ResourceInUseException') throw e
    created = false
  }
  for (let i = 0; i < 300; i++) {
    const d = await client.send(new DescribeTableCommand({ TableName: table }))
    if (d.Table?.TableStatus === 'ACTIVE') return created
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`table ${table} did not become ACTIVE within 30 s`)
}

/**
 * Checks every rule (table shape + CloudFront's origin rules) without writing anything: throws
 * `EdgeRuleError('InvalidOriginItem')` naming each invalid item, its broken rules and values.
 *
 * @example
 * ```ts
 * checkRules(await readSeedFile('edge-functions/origins.seed.json'))
 * ```
 */
export function checkRules(rules: readonly unknown[], limits?: LimitsProfile): void {
  const problems: string[] = []
  rules.forEach((r, i) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) {
      problems.push(`rule #${i + 1}: must be an object, got ${JSON.stringify(r)}`)
      return
    }
    const v = ruleViolations(r as Record<string, unknown>, limits)
    if (v.length > 0) problems.push(`rule #${i + 1} (${describeItem(r as Record<string, unknown>)}): ${describeViolations(v)}`)
  })
  if (problems.length > 0) throw new EdgeRuleError('InvalidOriginItem', `nothing written, ${problems.length} invalid rule(s):\n  ${problems.join('\n  ')}`, rules)
}

/**
 * Validates every rule (all or nothing, {@link checkRules}), then writes them.
 *
 * @example
 * ```ts
 * await putRules(client, 'edge-origins', [{ host: '*', pathPrefix: '/', type: 'custom', domainName: 'example.org' }])
 * ```
 */
export async function putRules(client: DynamoDBClient, table: string, rules: readonly unknown[], limits?: LimitsProfile): Promise<number> {
  checkRules(rules, limits)
  for (const r of rules) await client.send(new PutItemCommand({ TableName: table, Item: ruleToItem(r as OriginRule) }))
  return rules.length
}

/**
 * Reads one rule, or undefined.
 *
 * @example
 * ```ts
 * await getRule(client, 'edge-origins', 'blog.localhost', '/')
 * ```
 */
export async function getRule(client: DynamoDBClient, table: string, host: string, pathPrefix: string): Promise<Record<string, unknown> | undefined> {
  const out = await client.send(new GetItemCommand({ TableName: table, Key: { [HOST_KEY]: { S: host }, [PREFIX_KEY]: { S: pathPrefix } } }))
  return out.Item ? unmarshallItem(out.Item as DynamoItem) : undefined
}

/**
 * Lists the rules of one host (a Query), or of the whole table (a Scan), sorted by host then prefix.
 *
 * @example
 * ```ts
 * const all = await listRules(client, 'edge-origins')
 * ```
 */
export async function listRules(client: DynamoDBClient, table: string, host?: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = []
  let start: DynamoItem | undefined
  do {
    const out = host
      ? await client.send(new QueryCommand(hostQuery(table, host, start)))
      : await client.send(new ScanCommand({ TableName: table, ...(start ? { ExclusiveStartKey: start } : {}) }))
    for (const it of out.Items ?? []) items.push(unmarshallItem(it as DynamoItem))
    start = out.LastEvaluatedKey as DynamoItem | undefined
  } while (start)
  return items.sort((a, b) => String(a.host).localeCompare(String(b.host)) || String(a.pathPrefix).localeCompare(String(b.pathPrefix)))
}

/**
 * Deletes one rule; resolves to whether it existed.
 *
 * @example
 * ```ts
 * await deleteRule(client, 'edge-origins', 'blog.localhost', '/')
 * ```
 */
export async function deleteRule(client: DynamoDBClient, table: string, host: string, pathPrefix: string): Promise<boolean> {
  const out = await client.send(
    new DeleteItemCommand({ TableName: table, Key: { [HOST_KEY]: { S: host }, [PREFIX_KEY]: { S: pathPrefix } }, ReturnValues: 'ALL_OLD' }),
  )
  return out.Attributes !== undefined
}
