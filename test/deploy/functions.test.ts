/**
 * `edgeware deploy` of CloudFront Functions and their key value stores against the local AWS stand-ins: the
 * store's data goes to the code bucket before the stack that imports it, new data makes a new store (CloudFront
 * imports only on creation) and moves the function to it, a data file over the limits is refused before anything
 * is uploaded.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../cli/run-cli.js'
import { cleanTempDirs, writeProject } from '../build/helpers.js'
import { callTrace, fakeAwsEnv, readJson } from './helpers.js'

type Fake = Awaited<ReturnType<typeof fakeAwsEnv>>
let aws: Fake
let config: string

const TOML = `name = "cff-site"
[[edge.origins]]
id = "app"
domain = "app.example.com"
[[edge.key_value_stores]]
id = "routes"
data = "routes.kvs.json"
[edge.cloudfront_functions.router]
key_value_store = "routes"
[edge.default_behavior]
origin = "app"
viewer_request_function = "router.ts"
`
const ROUTER = `import cf from 'cloudfront'
export async function handler(event: { request: { uri: string } }) {
  try { event.request.uri = await cf.kvs().get(event.request.uri) } catch (e) { /* no route */ }
  return event.request
}
`

beforeAll(async () => {
  aws = await fakeAwsEnv()
  config = await writeProject({ 'wrangler.toml': TOML, 'router.ts': ROUTER, 'routes.kvs.json': '{ "data": [ { "key": "/old", "value": "/new" } ] }\n' }, 'deploy-cff-')
})
afterAll(async () => {
  await aws.restore()
  await cleanTempDirs()
})

const build = () => join(dirname(config), '.edgeware', 'build')
const manifest = () => readJson<{ keyValueStores: { id: string; name: string; s3Key: string; file: string }[]; cloudfrontFunctions: { functionName: string }[] }>(join(build(), 'manifest.json'))
const inputs = (action: string) => aws.calls.filter((c) => c.action === action).map((c) => c.input)

describe('edgeware deploy: CloudFront Functions and key value stores', () => {
  it('uploads the store\'s data before the stack, which creates the store from it and the function with it', async () => {
    const r = await runCli('deploy', '--config', config, '--bucket', 'edge-code')
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    const store = manifest().keyValueStores[0]!
    expect(store).toMatchObject({ id: 'routes', file: 'routes.kvs.json', s3Key: expect.stringMatching(/^edgeware\/kvs\/routes\/[0-9a-f]{16}\.json$/), name: expect.stringMatching(/^cff-site-routes-[0-9a-f]{8}$/) })
    const trace = callTrace(aws.calls)
    expect(trace.slice(0, 3)).toEqual(['s3:HeadBucket', 's3:HeadObject', 's3:PutObject'])
    expect(trace.indexOf('s3:PutObject')).toBeLessThan(trace.indexOf('cloudformation:CreateChangeSet'))
    expect(inputs('PutObject')).toEqual([{ Bucket: 'edge-code', Key: store.s3Key, Bytes: readFileSync(join(build(), store.file)).length }])
    // what CloudFront imported is the data file, in the import format
    expect(JSON.parse(aws.cfn.keyValueStores.get(store.name)!)).toEqual({ data: [{ key: '/old', value: '/new' }] })
    const params = Object.fromEntries((inputs('CreateChangeSet')[0]!.Parameters as { ParameterKey: string; ParameterValue: string }[]).map((p) => [p.ParameterKey, p.ParameterValue]))
    expect(params).toEqual({ CodeBucket: 'edge-code', RoutesKeyValueStoreDataKey: store.s3Key })
    expect(r.out).toMatch(/\+ Add +RoutesKeyValueStore +AWS::CloudFront::KeyValueStore/)
    expect(r.out).toMatch(/\+ Add +RouterCloudFrontFunction +AWS::CloudFront::Function/)
  })

  it('new data (edgeware kvs put --store) makes a new store; the function moves to it and the old store goes', async () => {
    const before = manifest().keyValueStores[0]!
    expect((await runCli('kvs', 'put', '/promo', '/sale', '--store', 'routes', '--config', config)).code).toBe(0)
    aws.calls.length = 0
    const r = await runCli('deploy', '--config', config)
    expect(r.code, r.err).toBe(0)
    const after = manifest().keyValueStores[0]!
    expect(after.name).not.toBe(before.name)
    expect(inputs('PutObject').map((i) => i.Key)).toEqual([after.s3Key])
    expect(r.out).toMatch(/± Replace +RoutesKeyValueStore +AWS::CloudFront::KeyValueStore/)
    expect(r.out).toMatch(/~ Modify +RouterCloudFrontFunction +AWS::CloudFront::Function/)
    expect([...aws.cfn.keyValueStores.keys()]).toEqual([after.name])
    expect(JSON.parse(aws.cfn.keyValueStores.get(after.name)!).data).toEqual([{ key: '/old', value: '/new' }, { key: '/promo', value: '/sale' }])
  })

  it('the same data again deploys nothing', async () => {
    aws.calls.length = 0
    const r = await runCli('deploy', '--config', config)
    expect(r.code).toBe(0)
    expect(inputs('PutObject')).toEqual([])
    expect(r.out).toContain('stack cff-site: nothing to deploy')
  })

  it('a data file CloudFront would refuse fails the build: the rule and the file are named, nothing is uploaded', async () => {
    writeFileSync(join(dirname(config), 'routes.kvs.json'), JSON.stringify({ data: [{ key: '/a', value: '1' }, { key: '/a', value: '2' }] }))
    aws.calls.length = 0
    const r = await runCli('deploy', '--config', config)
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/the build failed: edge\.key_value_stores\[0\]\.data \(.*routes\.kvs\.json\): data\[1\]: the key "\/a" appears twice \(CloudFront refuses duplicate keys\)/)
    expect(aws.calls).toEqual([])
  })
})
