/**
 * The origin table from local to global: `origin-table.json` holds the `[edge.dynamodb]` table as a DynamoDB
 * Global Table with the replicas the origin-request functions' dynamoOrigin() lists, cfn-lint clean; and the main
 * template publishes a new Lambda version exactly when a function's code or settings change.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { build } from '../../src/build/index.js'
import { findReplicaRegions } from '../../src/build/origin-table.js'
import { expectLintClean, HAS_CFN_LINT } from './cfn-lint.js'
import { cleanTempDirs, REPO, tempDir, writeTree } from './helpers.js'

afterAll(cleanTempDirs)

const ORIGIN = (options: string) => `import { originRequest } from 'edgeware'
import { dynamoOrigin } from 'edgeware/origin'
export const handler = originRequest(dynamoOrigin({ table: process.env.ORIGINS_TABLE!, ${options}, ttl: 60 }))
`
const VIEWER = `import { viewerRequest } from 'edgeware'
export const handler = viewerRequest(async (c, next) => { c.request.headers.set('x-v', '1'); await next() })
`
const toml = (extra: string) => `name = "t"
[vars]
ORIGINS_TABLE = "routes"
[[edge.origins]]
id = "app"
url = "https://app.example.com"
${extra}
[edge.default_behavior]
origin = "app"
viewer_request = "edge-functions/viewer.ts"
origin_request = "edge-functions/origin.ts"
`
const DYNAMO = '[edge.dynamodb]\ntable = "routes"\n'

async function site(files: Record<string, string>): Promise<string> {
  const dir = await tempDir('table-')
  writeTree(dir, files)
  return dir
}

describe('the replicas dynamoOrigin() lists', () => {
  it('reads string and { region } replicas, or a single region, as literals', () => {
    expect(findReplicaRegions("dynamoOrigin({ table: 't', replicas: ['us-east-1', \"eu-west-1\", { region: 'ap-southeast-2', endpoint: 'x' }] })")).toEqual({
      regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
      unknown: [],
    })
    expect(findReplicaRegions("dynamoOrigin({ table: 't', region: 'eu-central-1' })")).toEqual({ regions: ['eu-central-1'], unknown: [] })
  })

  it('follows an import under another name; replicas win over region; a region elsewhere in the options is not one', () => {
    expect(findReplicaRegions("import { dynamoOrigin as routes } from 'edgeware/origin'\nroutes({ table: 't', region: 'us-west-2', replicas: ['eu-west-1'] })")).toEqual({ regions: ['eu-west-1'], unknown: [] })
    expect(findReplicaRegions("dynamoOrigin({ table: 't', client: new DynamoDBClient({ region: 'eu-north-1' }) })")).toEqual({ regions: [], unknown: [1] })
    expect(findReplicaRegions("dynamoOrigin({ table: 't', region: 'us-west-2', replicas: REPLICAS })")).toEqual({ regions: [], unknown: [1] })
    expect(findReplicaRegions("const x = { dynamoOrigin }\nother.dynamoOrigin({ region: 'eu-west-1' })")).toEqual({ regions: [], unknown: [] })
  })

  it('reports (by line) a call whose replicas are not literals', () => {
    expect(findReplicaRegions("\ndynamoOrigin({ table: 't', replicas: REPLICAS })").unknown).toEqual([2])
    expect(findReplicaRegions("dynamoOrigin({ table: 't', replicas: ['us-east-1', ...more] })")).toEqual({ regions: ['us-east-1'], unknown: [1] })
    expect(findReplicaRegions("dynamoOrigin({ table: 't' })").unknown).toEqual([1])
    expect(findReplicaRegions('// dynamoOrigin({})\nconst x = 1')).toEqual({ regions: [], unknown: [] })
  })
})

describe('origin-table.json', () => {
  it('the example: a Global Table with us-east-1 and the example replicas, keyed as the origin table, cfn-lint clean', async () => {
    const out = join(await tempDir('example-'), 'out')
    await build({ config: join(REPO, 'wrangler.toml'), outDir: out })
    const t = JSON.parse(readFileSync(join(out, 'origin-table.json'), 'utf8'))
    expect(t.Resources.OriginTable).toEqual({
      Type: 'AWS::DynamoDB::GlobalTable',
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        TableName: 'edge-origins',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'host', AttributeType: 'S' },
          { AttributeName: 'pathPrefix', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'host', KeyType: 'HASH' },
          { AttributeName: 'pathPrefix', KeyType: 'RANGE' },
        ],
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        Replicas: [{ Region: 'us-east-1', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }, { Region: 'ap-southeast-1' }, { Region: 'eu-west-1' }],
      },
    })
    if (!HAS_CFN_LINT) return
    for (const f of ['origin-table.json', 'cloudformation.json']) expectLintClean(join(out, f))
  })

  it('warns when the replicas are not literals, and keeps us-east-1', async () => {
    const dir = await site({ 'wrangler.toml': toml(DYNAMO), 'edge-functions/viewer.ts': VIEWER, 'edge-functions/origin.ts': ORIGIN('replicas: REGIONS') })
    const r = await build({ config: join(dir, 'wrangler.toml'), outDir: join(dir, 'out') })
    expect(r.warnings.map((w) => w.code)).toContain('OriginReplicasUnknown')
    expect(r.warnings.find((w) => w.code === 'OriginReplicasUnknown')!.message).toContain('origin: edge-functions/origin.ts:3: dynamoOrigin()')
    const t = JSON.parse(readFileSync(join(dir, 'out', 'origin-table.json'), 'utf8'))
    expect(t.Resources.OriginTable.Properties.Replicas).toEqual([{ Region: 'us-east-1', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }])
  })

  it('is written only with [edge.dynamodb], and a rebuild without it removes the old one', async () => {
    const dir = await site({ 'wrangler.toml': toml(DYNAMO), 'edge-functions/viewer.ts': VIEWER, 'edge-functions/origin.ts': ORIGIN("replicas: ['eu-west-1']") })
    const out = join(dir, 'out')
    await build({ config: join(dir, 'wrangler.toml'), outDir: out })
    expect(existsSync(join(out, 'origin-table.json'))).toBe(true)
    writeFileSync(join(dir, 'wrangler.toml'), toml(''))
    await build({ config: join(dir, 'wrangler.toml'), outDir: out })
    expect(existsSync(join(out, 'origin-table.json'))).toBe(false)
  })
})

describe('new Lambda versions', () => {
  type Template = { Parameters: Record<string, { Default?: string }>; Resources: Record<string, { Properties: Record<string, unknown> }> }
  const read = (out: string) => ({ text: readFileSync(join(out, 'cloudformation.json'), 'utf8'), t: JSON.parse(readFileSync(join(out, 'cloudformation.json'), 'utf8')) as Template })

  it('only for a function whose code or settings changed: the same sources give the same template byte for byte', async () => {
    const dir = await site({ 'wrangler.toml': toml(''), 'edge-functions/viewer.ts': VIEWER, 'edge-functions/origin.ts': ORIGIN("region: 'us-east-1'") })
    const config = join(dir, 'wrangler.toml')
    await build({ config, outDir: join(dir, 'a') })
    await build({ config, outDir: join(dir, 'b') })
    const a = read(join(dir, 'a'))
    expect(read(join(dir, 'b')).text).toBe(a.text)

    writeFileSync(join(dir, 'edge-functions/viewer.ts'), VIEWER.replace("'1'", "'2'"))
    await build({ config, outDir: join(dir, 'c') })
    const c = read(join(dir, 'c'))
    expect(c.t.Resources.ViewerVersion!.Properties.CodeSha256).not.toBe(a.t.Resources.ViewerVersion!.Properties.CodeSha256)
    expect(c.t.Parameters.ViewerCodeKey!.Default).not.toBe(a.t.Parameters.ViewerCodeKey!.Default)
    expect(c.t.Resources.OriginVersion).toEqual(a.t.Resources.OriginVersion)

    writeFileSync(join(dir, 'wrangler.toml'), toml('[edge.functions.origin]\nmemory = 256\n'))
    await build({ config, outDir: join(dir, 'd') })
    const d = read(join(dir, 'd'))
    const [before, after] = [a.t.Resources.OriginVersion!.Properties, d.t.Resources.OriginVersion!.Properties]
    expect(after.CodeSha256).toBe(before.CodeSha256)
    expect(after.Description).not.toBe(before.Description)
    expect(after.Description).toContain('256 MB')
  })
})
