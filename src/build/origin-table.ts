/**
 * The origin table on AWS: `origin-table.json`, a second template `edgeware build` writes when `[edge.dynamodb]`
 * is set. It holds the table as a DynamoDB Global Table with a replica in every Region the origin-request
 * functions' `dynamoOrigin({ replicas })` lists (plus us-east-1, where the stack lives). It is a stack of its own
 * so that the routing data outlives `edgeware destroy` of the edge stack.
 */
import type { EdgeConfig } from '../simulator/config.js'
import { stripComments } from './strip-comments.js'
import type { Problem } from './checks.js'
import { EDGE_REGION } from './checks.js'
import { ORIGIN_TABLE_KEYS } from '../origin/schema.js'

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/

/** The index just past the `)` closing the `(` at `open` (strings skipped). */
function closeParen(src: string, open: number): number {
  let depth = 0
  for (let i = open; i < src.length; i++) {
    const c = src[i]!
    if (c === '"' || c === "'" || c === '`') {
      for (i++; i < src.length && src[i] !== c; i++) if (src[i] === '\\') i++
      continue
    }
    if (c === '(' || c === '{' || c === '[') depth++
    else if (c === ')' || c === '}' || c === ']') {
      depth--
      if (depth === 0) return i + 1
    }
  }
  return src.length
}

/** The comma-separated items of a list's text at its top level (commas inside brackets and strings kept). */
function topLevel(text: string): string[] {
  const items: string[] = []
  let from = 0
  for (let i = 0; i <= text.length; i++) {
    const c = text[i]
    if (c === '"' || c === "'" || c === '`') {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++
    } else if (c === '(' || c === '{' || c === '[') {
      i = closeParen(text, i) - 1
    } else if (c === ',' || c === undefined) {
      const item = text.slice(from, i).trim()
      if (item) items.push(item)
      from = i + 1
    }
  }
  return items
}

/**
 * The Regions each `dynamoOrigin({ … })` call of a module names in `replicas` (strings, or `{ region }` entries)
 * or `region`, as literals. A call whose Regions can't be read from the text is `unknown` (its line given).
 *
 * @example
 * ```ts
 * findReplicaRegions("dynamoOrigin({ table: 't', replicas: ['us-east-1', 'eu-west-1'] })")
 * // { regions: ['us-east-1', 'eu-west-1'], unknown: [] }
 * ```
 */
export function findReplicaRegions(source: string): { regions: string[]; unknown: number[] } {
  const regions: string[] = []
  const unknown: number[] = []
  if (!source.includes('dynamoOrigin')) return { regions, unknown }
  const src = stripComments(source)
  const call = /(?<![\w$.])dynamoOrigin\s*\(/g
  for (let m = call.exec(src); m; m = call.exec(src)) {
    const open = m.index + m[0].length - 1
    const args = src.slice(open, closeParen(src, open))
    const line = src.slice(0, m.index).split('\n').length
    const list = /\breplicas\s*:\s*\[/.exec(args)
    if (list) {
      const body = args.slice(list.index + list[0].length - 1, closeParen(args, list.index + list[0].length - 1))
      // every entry must be a literal region or { region: '…', … }: anything else (a variable, a spread) is unknown
      const entries = topLevel(body.slice(1, -1))
      const found = entries.map((e) => /^(['"`])([a-z0-9-]+)\1$/.exec(e)?.[2] ?? /^\{\s*region\s*:\s*(['"`])([a-z0-9-]+)\1/.exec(e)?.[2])
      if (found.length === 0 || found.some((r) => r === undefined || !REGION.test(r))) unknown.push(line)
      regions.push(...found.filter((r): r is string => r !== undefined && REGION.test(r)))
      continue
    }
    const one = /\bregion\s*:\s*(['"`])([a-z0-9-]+)\1/.exec(args)
    if (one && REGION.test(one[2]!)) regions.push(one[2]!)
    else unknown.push(line)
  }
  return { regions, unknown }
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
