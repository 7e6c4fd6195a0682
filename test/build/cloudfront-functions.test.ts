/**
 * CloudFront Functions and key value stores in `edgeware build`: the exact `AWS::CloudFront::Function` /
 * `AWS::CloudFront::KeyValueStore` resources, the behaviors' `FunctionAssociations` (template and API JSON), the
 * manifest, the data file written for `edgeware deploy`, the summary, names, and every refusal with its rule.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, BuildError, compileCloudFrontFunction, type BuildResult } from '../../src/build/index.js'
import { buildFailure, cleanTempDirs, tempDir, writeProject } from './helpers.js'

type Template = { Parameters: Record<string, unknown>; Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>; Outputs: Record<string, unknown> }

const ROUTER = `import cf from 'cloudfront'
export async function handler(event: { request: { uri: string } }) {
  try { event.request.uri = await cf.kvs().get(event.request.uri) } catch (e) { /* no route */ }
  return event.request
}
`
const HEADERS = "function handler(event) {\n  var r = event.response\n  r.headers['x-frame-options'] = { value: 'DENY' }\n  return r\n}\n"
const ORIGIN_REQUEST = 'exports.handler = async (e) => e.Records[0].cf.request\n'

const TOML = `name = "shop"
[[edge.origins]]
id = "app"
domain = "app.example.com"
[[edge.key_value_stores]]
id = "routes"
data = "data/routes.kvs.json"
[edge.cloudfront_functions.router]
key_value_store = "routes"
comment = "routes from the store"
[edge.cloudfront_functions.headers]
runtime = "cloudfront-js-1.0"
[edge.default_behavior]
origin = "app"
viewer_request_function = "cff/router.ts"
origin_request = "origin.js"
[[edge.behaviors]]
path_pattern = "/docs/*"
origin = "app"
viewer_request_function = "cff/router.ts"
viewer_response_function = "cff/headers.js"
`

/** A project: the wrangler.toml and the files (defaults: the router, the headers function, the origin-request function, the store). */
function project(toml: string, files: Record<string, string> = {}): Promise<string> {
  return writeProject({
    'wrangler.toml': toml,
    'cff/router.ts': ROUTER,
    'cff/headers.js': HEADERS,
    'origin.js': ORIGIN_REQUEST,
    'data/routes.kvs.json': '{\n  "data": [\n    { "key": "/old", "value": "/new" },\n    { "key": "/a", "value": "/b" }\n  ]\n}\n',
    ...files,
  }, 'cff-build-')
}

const buildError = async (toml: string, files: Record<string, string> = {}): Promise<BuildError> => buildFailure(await project(toml, files))

const read = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'))

let config: string
let out: string
let result: BuildResult
let template: Template
const lines: string[] = []

beforeAll(async () => {
  config = await project(TOML)
  out = join(await tempDir('cff-out-'), 'out')
  result = await build({ config, outDir: out, log: (l) => lines.push(l) })
  template = read(out, 'cloudformation.json')
})
afterAll(cleanTempDirs)

describe('edgeware build: CloudFront Functions in the template', () => {
  it('writes each function compiled, published (AutoPublish) and with its store, as AWS::CloudFront::Function', async () => {
    const router = await compileCloudFrontFunction(join(config, '..', 'cff', 'router.ts'))
    expect(template.Resources.RouterCloudFrontFunction).toEqual({
      Type: 'AWS::CloudFront::Function',
      Properties: {
        Name: 'shop-router',
        AutoPublish: true,
        FunctionConfig: { Comment: 'routes from the store', Runtime: 'cloudfront-js-2.0', KeyValueStoreAssociations: [{ KeyValueStoreARN: { 'Fn::GetAtt': ['RoutesKeyValueStore', 'Arn'] } }] },
        FunctionCode: router.code,
      },
      Metadata: { edgeware: { eventTypes: ['viewer-request'], behaviors: ['/docs/*', '*'], bytes: router.bytes, maxBytes: 10240 } },
    })
    // AWS's own form passes through unchanged; without a comment the function says what it is and where it runs
    expect(template.Resources.HeadersCloudFrontFunction!.Properties).toEqual({
      Name: 'shop-headers',
      AutoPublish: true,
      FunctionConfig: { Comment: 'edgeware shop: viewer-response on /docs/*', Runtime: 'cloudfront-js-1.0' },
      FunctionCode: HEADERS,
    })
  })

  it('writes each store a function uses as AWS::CloudFront::KeyValueStore importing its data from the code bucket', () => {
    const s = result.manifest.keyValueStores[0]!
    expect(template.Resources.RoutesKeyValueStore).toEqual({
      Type: 'AWS::CloudFront::KeyValueStore',
      Properties: {
        Name: `shop-routes-${s.sha256.slice(0, 8)}`,
        Comment: 'edgeware shop: routes (2 keys)',
        ImportSource: { SourceType: 'S3', SourceArn: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${CodeBucket}/${RoutesKeyValueStoreDataKey}' } },
      },
    })
    expect(template.Parameters.RoutesKeyValueStoreDataKey).toEqual({
      Type: 'String',
      Default: `edgeware/kvs/routes/${s.sha256.slice(0, 16)}.json`,
      Description: `S3 key in CodeBucket of routes.kvs.json (sha256 ${s.sha256}), the data key value store routes is created with.`,
    })
    expect(template.Outputs.RoutesKeyValueStoreArn).toEqual({ Description: 'ARN of key value store routes (for its data-plane API: UpdateKeys, PutKey, …)', Value: { 'Fn::GetAtt': ['RoutesKeyValueStore', 'Arn'] } })
  })

  it('writes the data as CloudFront imports it, next to the zips; its hash names the store and its key', () => {
    const text = readFileSync(join(out, 'routes.kvs.json'), 'utf8')
    expect(text).toBe('{"data":[{"key":"/old","value":"/new"},{"key":"/a","value":"/b"}]}\n')
    expect(result.manifest.keyValueStores).toEqual([
      {
        id: 'routes',
        name: expect.stringMatching(/^shop-routes-[0-9a-f]{8}$/),
        file: 'routes.kvs.json',
        s3Key: expect.stringMatching(/^edgeware\/kvs\/routes\/[0-9a-f]{16}\.json$/),
        keys: 2,
        bytes: Buffer.byteLength(text),
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        functions: ['router'],
        limits: { bytes: 5 * 1024 * 1024, share: 0 },
      },
    ])
    expect(result.files).toContain(join(out, 'routes.kvs.json'))
  })

  it('associates the functions with their behaviors beside Lambda@Edge on the origin events', () => {
    const dc = template.Resources.Distribution!.Properties.DistributionConfig as { DefaultCacheBehavior: Record<string, unknown>; CacheBehaviors: Record<string, unknown>[] }
    const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'FunctionMetadata.FunctionARN'] })
    expect(dc.DefaultCacheBehavior.FunctionAssociations).toEqual([{ EventType: 'viewer-request', FunctionARN: arn('RouterCloudFrontFunction') }])
    expect(dc.DefaultCacheBehavior.LambdaFunctionAssociations).toEqual([{ EventType: 'origin-request', LambdaFunctionARN: { Ref: 'OriginVersion' } }])
    expect(dc.CacheBehaviors[0]!.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: arn('RouterCloudFrontFunction') },
      { EventType: 'viewer-response', FunctionARN: arn('HeadersCloudFrontFunction') },
    ])
    expect(dc.CacheBehaviors[0]!.LambdaFunctionAssociations).toEqual([])
  })

  it('the CloudFront API JSON carries FunctionAssociations with the deployed names', () => {
    const api = read(out, 'cloudfront-associations.json')
    const arn = (name: string) => `arn:aws:cloudfront::<account>:function/${name}`
    expect(api.DefaultCacheBehavior.FunctionAssociations).toEqual({ Quantity: 1, Items: [{ EventType: 'viewer-request', FunctionARN: arn('shop-router') }] })
    expect(api.CacheBehaviors.Items[0].FunctionAssociations).toEqual({
      Quantity: 2,
      Items: [
        { EventType: 'viewer-request', FunctionARN: arn('shop-router') },
        { EventType: 'viewer-response', FunctionARN: arn('shop-headers') },
      ],
    })
  })

  it('the manifest lists each function with its deployed name, events, behaviors and size against the limit', () => {
    const headers = Buffer.byteLength(HEADERS)
    expect(result.manifest.cloudfrontFunctions).toEqual([
      {
        name: 'headers',
        functionName: 'shop-headers',
        entry: 'cff/headers.js',
        runtime: 'cloudfront-js-1.0',
        eventTypes: ['viewer-response'],
        behaviors: ['/docs/*'],
        bytes: headers,
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        limits: { bytes: 10240, share: Math.round((headers / 10240) * 10_000) / 10_000 },
      },
      expect.objectContaining({ name: 'router', functionName: 'shop-router', keyValueStore: 'routes', eventTypes: ['viewer-request'], behaviors: ['/docs/*', '*'] }),
    ])
  })

  it('the summary shows each function and store against its limit, as for the zips', () => {
    const from = lines.findIndex((l) => l.startsWith('built 3 functions and 1 key value store in '))
    expect(from).toBeGreaterThan(0)
    const rows = lines.slice(from + 1, from + 5)
    expect(rows[0]).toMatch(/^ {2}origin +origin-request +\d+ B zip, <0\.1% of the 50\.00 MiB limit$/)
    expect(rows[1]).toMatch(/^ {2}headers +viewer-response \(CloudFront Function\) +\d+ B code, \d\.\d% of the 10\.0 KiB limit$/)
    expect(rows[2]).toMatch(/^ {2}router +viewer-request \(CloudFront Function\) +\d+ B code, \d\.\d% of the 10\.0 KiB limit$/)
    expect(rows[3]).toMatch(/^ {2}routes +key value store +2 keys, \d+ B, <0\.1% of the 5\.00 MiB limit$/)
    expect(result.warnings).toEqual([])
  })

  it('builds a distribution with CloudFront Functions only', async () => {
    const toml = `name = "cff-only"\n[[edge.origins]]\nid = "app"\ndomain = "app.example.com"\n[edge.default_behavior]\norigin = "app"\nviewer_response_function = "cff/headers.js"\n`
    const dir = join(await tempDir('cff-only-'), 'out')
    const r = await build({ config: await project(toml), outDir: dir })
    expect(r.functions).toEqual([])
    const t = read(dir, 'cloudformation.json') as Template
    expect(Object.values(t.Resources).map((x) => x.Type).sort()).toEqual(['AWS::CloudFront::Distribution', 'AWS::CloudFront::Function'])
    expect(r.manifest.keyValueStores).toEqual([])
  })

  it('a comment made up for a function on many behaviors is cut to CloudFront’s 128 characters', async () => {
    const behaviors = Array.from({ length: 8 }, (_, i) => `[[edge.behaviors]]\npath_pattern = "/section-number-${i}/*"\norigin = "app"\nviewer_response_function = "cff/headers.js"\n`).join('')
    const toml = `name = "many"\n[[edge.origins]]\nid = "app"\ndomain = "app.example.com"\n[edge.default_behavior]\norigin = "app"\n${behaviors}`
    const dir = join(await tempDir('cff-comment-'), 'out')
    await build({ config: await project(toml), outDir: dir })
    const comment = ((read(dir, 'cloudformation.json') as Template).Resources.HeadersCloudFrontFunction!.Properties.FunctionConfig as { Comment: string }).Comment
    expect(comment).toHaveLength(128)
    expect(comment).toMatch(/^edgeware many: viewer-response on \/section-number-0\/\*, \/section-number-1\/\*, .*…$/)
  })

  it('names keep environments apart and stay within 64 characters', async () => {
    const toml = TOML.replace('name = "shop"', `name = "${'s'.repeat(60)}"`).replace('origin_request = "origin.js"\n', '') + '[env.staging]\n'
    const dir = join(await tempDir('cff-names-'), 'out')
    const r = await build({ config: await project(toml), env: 'staging', outDir: dir })
    const names = [...r.manifest.cloudfrontFunctions.map((f) => f.functionName), ...r.manifest.keyValueStores.map((s) => s.name)]
    for (const n of names) expect(n).toMatch(/^[A-Za-z0-9_-]{1,64}$/)
    expect(new Set(names).size).toBe(3)
    expect(names[0]!.startsWith(`${'s'.repeat(60)}-`.slice(0, 50))).toBe(true)
  })

  it('leaves out a store no function uses, with a warning', async () => {
    const toml = `${TOML}[[edge.key_value_stores]]\nid = "spare"\ndata = "data/routes.kvs.json"\n`
    const dir = join(await tempDir('cff-spare-'), 'out')
    const r = await build({ config: await project(toml), outDir: dir })
    expect(r.warnings).toContainEqual({ code: 'UnusedKeyValueStore', message: 'edge.key_value_stores: "spare" is not associated with any CloudFront Function, so the template leaves it out' })
    expect(r.manifest.keyValueStores.map((s) => s.id)).toEqual(['routes'])
    expect(existsSync(join(dir, 'spare.kvs.json'))).toBe(false)
  })

  it('warns about a store id written into the code: deployed, cf.kvs("<id>") names a store CloudFront never made', async () => {
    const withId = ROUTER.replace('cf.kvs()', "cf.kvs('routes')")
    const dir = join(await tempDir('cff-kvs-id-'), 'out')
    const r = await build({ config: await project(TOML, { 'cff/router.ts': withId }), outDir: dir })
    expect(r.warnings).toEqual([
      {
        code: 'KeyValueStoreIdInCode',
        message: 'CloudFront Function router calls cf.kvs("routes"): deployed, its store\'s id is the one CloudFront assigns (a new one with each change of its data), so the call fails there; call cf.kvs() without an id to read the associated store',
      },
    ])
    // cf.kvs() without an id (the shared project's router): no warning.
    expect(result.warnings).toEqual([])
  })

  it('a rebuild without a store removes its data file from the output', async () => {
    const dir = join(await tempDir('cff-rebuild-'), 'out')
    const cfg = await project(TOML)
    await build({ config: cfg, outDir: dir })
    expect(existsSync(join(dir, 'routes.kvs.json'))).toBe(true)
    writeFileSync(cfg, TOML.replace('[edge.cloudfront_functions.router]\nkey_value_store = "routes"\n', '[edge.cloudfront_functions.router]\n').replace(/\[\[edge\.key_value_stores\]\][^[]*/, ''))
    writeFileSync(join(cfg, '..', 'cff', 'router.ts'), 'export function handler(event: { request: object }) { return event.request }\n')
    await build({ config: cfg, outDir: dir })
    expect(existsSync(join(dir, 'routes.kvs.json'))).toBe(false)
  })
})

describe('edgeware build: what CloudFront would refuse in a CloudFront Function or a store', () => {
  it('code the runtime lacks: the rule, the file and the line', async () => {
    const err = await buildError(TOML, { 'cff/headers.js': 'const a = 1\nfunction handler(event) { return event.response }\n' })
    expect(err.code).toBe('UnsupportedSyntax')
    expect(err.message).toMatch(/^CloudFront Function headers: cff\/headers\.js:1:0: const is not supported in cloudfront-js-1\.0/)
  })

  it('a compiled function over the 10 KB limit, with its largest inputs', async () => {
    const big = `export function handler(event: { request: object }) {\n  return [${Array.from({ length: 2000 }, (_, i) => `'r${i}'`).join(',')}].length ? event.request : event.request\n}\n`
    const err = await buildError(TOML, { 'cff/router.ts': big })
    expect(err.code).toBe('FunctionSizeLimitExceeded')
    expect(err.message).toMatch(/^CloudFront Function router: cff\/router\.ts:1:0: the compiled function is \d+ bytes, over the limit of 10240 bytes \(largest inputs: \S*cff\/router\.ts \d+ B\)/)
  })

  it('cf.kvs() in a function that has no store (KVSH: it fails without an association)', async () => {
    const err = await buildError(TOML.replace('key_value_store = "routes"\n', ''))
    expect(err.code).toBe('KeyValueStoreNotAssociated')
    expect(err.message).toBe('CloudFront Function router calls cf.kvs(), but no key value store is associated with it: set [edge.cloudfront_functions.router] key_value_store')
  })

  it('an origin helper in a function associated with viewer-response (ORIG: viewer-request only)', async () => {
    const pick = "import cf from 'cloudfront'\nexport function handler(event) {\n  cf.selectRequestOriginById('app')\n  return event.response\n}\n"
    const err = await buildError(TOML.replace('runtime = "cloudfront-js-1.0"\n', ''), { 'cff/headers.js': pick })
    expect(err.code).toBe('OriginChangeNotAllowed')
    expect(err.message).toBe('CloudFront Function headers calls cf.selectRequestOriginById(), which works in viewer-request functions only, but it is associated with viewer-response on /docs/*')
  })

  it('store data over the limits or with duplicate keys: the rule, the key and the file; every problem at once', async () => {
    const data = JSON.stringify({ data: [{ key: '/a', value: 'x'.repeat(1025) }] })
    const err = await buildError(TOML, { 'data/routes.kvs.json': data, 'cff/headers.js': 'const a = 1\nfunction handler(event) { return event.response }\n' })
    expect(err.problems.map((p) => p.code)).toEqual(['UnsupportedSyntax', 'ValueTooLong'])
    expect(err.problems[1]!.message).toMatch(/^edge\.key_value_stores\[0\]\.data \(.*data\/routes\.kvs\.json\): data\[0\]: the value of "\/a" is 1025 characters, over the limit of 1024$/)
    const dup = await buildError(TOML, { 'data/routes.kvs.json': JSON.stringify({ data: [{ key: 'k', value: '1' }, { key: 'k', value: '2' }] }) })
    expect(dup.code).toBe('DuplicateKey')
    const bad = await buildError(TOML, { 'data/routes.kvs.json': '{"data": {"k": "v"}}' })
    expect(bad.code).toBe('InvalidImportFile')
  })

  it('a CloudFront Function and Lambda@Edge on the viewer events of one behavior (§6): refused at load, before any build', async () => {
    const err = await buildError(TOML.replace('origin_request = "origin.js"', 'viewer_response = "origin.js"'))
    expect(err.code).toBe('InvalidConfig')
    expect(err.message).toContain("CloudFront Functions and Lambda@Edge can't be combined on the viewer events of one behavior (viewer_request_function and viewer_response)")
  })
})
