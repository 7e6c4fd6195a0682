/**
 * The origin table on AWS: `origin-table.json`, a second template `edgeware build` writes when `[edge.dynamodb]`
 * is set. It holds the table as a DynamoDB Global Table with a replica in every Region the origin-request
 * functions' `dynamoOrigin({ replicas })` lists (plus us-east-1, where the stack lives). It is a stack of its own
 * so that the routing data outlives `edgeware destroy` of the edge stack.
 */
import type { EdgeConfig } from '../simulator/config.js'
import { AWS_REGION } from '../distribution/names.js'
import { importsOf, parseModule, staticKey, stringValue, type ParsedModule } from './parse-module.js'
import type { AstNode } from './scope.js'
import type { Problem } from './checks.js'
import { EDGE_REGION } from './checks.js'
import { ORIGIN_TABLE_KEYS } from '../origin/schema.js'

const CALLEE = 'dynamoOrigin'

/** The value of property `key` of an object literal (undefined when it has none). */
function property(obj: AstNode, key: string): AstNode | undefined {
  return ((obj.properties as AstNode[]).find((p) => p.type === 'Property' && staticKey(p.key as AstNode, p.computed === true) === key)?.value as AstNode | undefined)
}

/** A literal region name (a string, or the `region` of a `{ region, … }` replica), else undefined. */
function literalRegion(node: AstNode | null): string | undefined {
  const region = node?.type === 'ObjectExpression' ? stringValue(property(node, 'region')) : stringValue(node)
  return region !== undefined && AWS_REGION.test(region) ? region : undefined
}

/** One call's Regions: its replicas' (every entry must be a literal region or `{ region: '…', … }`), else its region; undefined where one is not a literal. */
function callRegions(options: AstNode | undefined): (string | undefined)[] {
  if (options?.type !== 'ObjectExpression') return [undefined]
  const replicas = property(options, 'replicas')
  if (replicas === undefined) return [literalRegion(property(options, 'region') ?? null)]
  return replicas.type === 'ArrayExpression' ? (replicas.elements as (AstNode | null)[]).map(literalRegion) : [undefined]
}

/**
 * The Regions each `dynamoOrigin({ … })` call of a parsed module names in `replicas` (strings, or `{ region }`
 * entries) or, without replicas, in `region`, as literals. A call whose Regions can't be read is `unknown` (its
 * line given).
 *
 * @example
 * ```ts
 * replicaRegions(parseModule("dynamoOrigin({ table: 't', replicas: ['us-east-1', 'eu-west-1'] })"))
 * // { regions: ['us-east-1', 'eu-west-1'], unknown: [] }
 * ```
 */
export function replicaRegions(mod: ParsedModule): { regions: string[]; unknown: number[] } {
  const regions: string[] = []
  const unknown: number[] = []
  // dynamoOrigin as imported (under any local name), or as a free name
  const imported = importsOf(mod.program, () => true).filter((i) => i.imported === CALLEE)
  const refs = [...imported.flatMap((i) => mod.scopes.declared.get(i.local)?.refs ?? []), ...(mod.scopes.globals.get(CALLEE) ?? [])]
  const calls = refs.filter((ref) => ref.parent!.type === 'CallExpression' && ref.parent!.callee === ref).map((ref) => ref.parent!)
  for (const call of calls.sort((a, b) => a.start - b.start)) {
    const entries = callRegions((call.arguments as AstNode[])[0])
    regions.push(...entries.filter((r): r is string => r !== undefined))
    if (entries.length === 0 || entries.includes(undefined)) unknown.push(mod.at(call.start).line)
  }
  return { regions, unknown }
}

/**
 * The Regions each `dynamoOrigin({ … })` call of a module's source names (see {@link replicaRegions}).
 *
 * @example
 * ```ts
 * findReplicaRegions("dynamoOrigin({ table: 't', replicas: ['us-east-1', 'eu-west-1'] })")
 * // { regions: ['us-east-1', 'eu-west-1'], unknown: [] }
 * ```
 */
export function findReplicaRegions(source: string): { regions: string[]; unknown: number[] } {
  return mentionsDynamoOrigin(source) ? replicaRegions(parseModule(source)) : { regions: [], unknown: [] }
}

/**
 * Whether a module's source names `dynamoOrigin` at all (only such a module can call it).
 *
 * @example
 * ```ts
 * mentionsDynamoOrigin("import { dynamoOrigin } from 'edgeware/origin'") // true
 * ```
 */
export function mentionsDynamoOrigin(source: string): boolean {
  return source.includes(CALLEE)
}

/**
 * The Global Table template for `[edge.dynamodb]`: the table (`host` HASH, `pathPrefix` RANGE, on-demand, streams
 * as Global Tables require), with a replica in us-east-1 (point-in-time recovery on) and in each of `regions`.
 * A replacement (e.g. a renamed table) keeps the old table and its data.
 *
 * @example
 * ```ts
 * const template = originTableTemplate(config, ['eu-west-1', 'ap-southeast-1'])
 * ```
 */
export function originTableTemplate(config: EdgeConfig, regions: readonly string[]): Record<string, unknown> {
  const table = config.edge.dynamodb!.table
  const replicas = [EDGE_REGION, ...[...new Set(regions)].filter((r) => r !== EDGE_REGION).sort()]
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `${config.name}: the DynamoDB origin table ${table} (a Global Table) read by the edge functions' dynamoOrigin(). Deploy in us-east-1.`,
    Rules: {
      TableRegion: {
        Assertions: [
          {
            Assert: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, EDGE_REGION] },
            AssertDescription: 'Deploy the origin table stack in us-east-1 (one of its replicas), next to the edge functions.',
          },
        ],
      },
    },
    Resources: {
      OriginTable: {
        Type: 'AWS::DynamoDB::GlobalTable',
        DeletionPolicy: 'Delete',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          TableName: table,
          BillingMode: 'PAY_PER_REQUEST',
          ...ORIGIN_TABLE_KEYS,
          StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
          Replicas: replicas.map((r) => (r === EDGE_REGION ? { Region: r, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } } : { Region: r })),
        },
      },
    },
    Outputs: {
      TableName: { Value: { Ref: 'OriginTable' } },
      TableArn: { Value: { 'Fn::GetAtt': ['OriginTable', 'Arn'] } },
      Replicas: { Value: replicas.join(',') },
    },
  }
}

/**
 * A warning when an origin-request function's replicas can't be read statically (the table then gets only the
 * replicas that could be read, and always us-east-1).
 *
 * @example
 * ```ts
 * replicaWarning('site-origin-request', ['edge-functions/site/origin-request.ts:12'])
 * ```
 */
export function replicaWarning(fnName: string, where: readonly string[]): Problem {
  return {
    code: 'OriginReplicasUnknown',
    message: `${fnName}: ${where.join(', ')}: dynamoOrigin()'s replicas (or region) are not string literals, so origin-table.json can't list them: write them inline, e.g. replicas: ['us-east-1', 'eu-west-1']`,
  }
}
