import { randomBytes } from 'node:crypto'
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validateResult } from 'edgeware/cloudfront'
import type { Stage } from 'edgeware'
import { build, type BuildResult } from '../../src/build/index.js'
import { loadConfig } from '../../src/simulator/config.js'
import { buildFailure, cleanTempDirs, FIXTURES, REPO, runDir, runFresh, sampleEvent, tempDir, unzipTo, writeProject, zipRecords } from './helpers.js'

const SITE = join(FIXTURES, 'site', 'wrangler.toml')

let out: string
let result: BuildResult

beforeAll(async () => {
  out = join(await tempDir(), 'out')
  result = await build({ config: SITE, outDir: out })
})
afterAll(cleanTempDirs)

/** Unzips one built function into a fresh dir and returns the dir. */
async function unpacked(name: string, from = out): Promise<string> {
  const dir = await runDir(`edgeware-run-${name}-`)
  expect(unzipTo(join(from, `${name}.zip`), dir)).toEqual(['index.js'])
  return dir
}

/** A project dir with a wrangler.toml using the given functions (copied from fixtures/functions). */
const project = (toml: string, files: Record<string, string> = {}): Promise<string> => writeProject({ 'wrangler.toml': toml, ...files }, 'proj-')

const fixtureFn = (name: string) => readFileSync(join(FIXTURES, 'functions', name), 'utf8')

function viewerOnly(entry: string, extra = ''): string {
  return `name = "t"\n[[edge.origins]]\nid = "app"\nurl = "https://app.example.com"\n[edge.default_behavior]\norigin = "app"\nviewer_request = "${entry}"\n${extra}`
}

describe('edgeware build: the fixture site', () => {
  it('writes one zip per function plus the manifest and the association outputs', () => {
    expect(readdirSync(out).sort()).toEqual([
      'cloudformation.json',
      'cloudfront-associations.json',
      'manifest.json',
      'origin.zip',
      'plain-callback.zip',
      'plain-esm.zip',
      'viewer.zip',
    ])
    expect(result.functions.map((f) => [f.name, f.stages, f.behaviors])).toEqual([
      ['origin', ['origin-request'], ['*']],
      ['plain-callback', ['origin-response'], ['*']],
      ['plain-esm', ['viewer-response'], ['*']],
      ['viewer', ['viewer-request'], ['/api/*', '*']],
    ])
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))
    const viewer = manifest.functions.find((f: { name: string }) => f.name === 'viewer')
    expect(viewer).toMatchObject({ functionName: 'fixture-site-viewer', entry: 'edge-functions/viewer.ts', zip: 'viewer.zip', stages: ['viewer-request'] })
    expect(viewer.zipBytes).toBe(readFileSync(join(out, 'viewer.zip')).length)
    expect(viewer.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(viewer.limits).toMatchObject({ zipBytes: 1024 * 1024, memoryMb: 128, timeoutS: 5 })
    const origin = manifest.functions.find((f: { name: string }) => f.name === 'origin')
    expect(origin).toMatchObject({ memoryMb: 512, timeoutS: 20, limits: { zipBytes: 50 * 1024 * 1024, timeoutS: 30 } })
  })

  it('zips index.js only, with a fixed 1980 timestamp and 0644 permissions', () => {
    for (const f of result.functions) {
      const records = zipRecords(readFileSync(f.zip))
      expect(records).toEqual([{ name: 'index.js', madeBy: 3, mtime: '1980-01-01 00:00:00', mode: 0o100644, method: 8 }])
    }
  })

  it('runs the edgeware viewer-request bundle in a fresh node with the AWS sample event, [vars] baked in', async () => {
    const dir = await unpacked('viewer')
    const code = readFileSync(join(dir, 'index.js'), 'utf8')
    expect(code).not.toContain(REPO)
    expect(code).not.toMatch(/\bimport\s*\{/) // CommonJS
    const event = sampleEvent('viewer-request')
    // GREETING is not in the child's environment: the value comes from [vars]
    const pass = await runFresh(dir, event, { GREETING: 'from-the-environment' })
    expect(pass.error).toBeUndefined()
    expect(validateResult('viewer-request', event, pass.result)).toEqual([])
    expect((pass.result as { headers: Record<string, { value: string }[]> }).headers['x-greeting']?.[0]?.value).toBe('hello')

    const hello = sampleEvent('viewer-request')
    hello.Records[0]!.cf.request.uri = '/hello'
    const answered = await runFresh(dir, hello, { AWS_REGION: 'eu-west-3' })
    expect(validateResult('viewer-request', hello, answered.result)).toEqual([])
    expect(answered.result).toMatchObject({ status: '200', body: 'hello r7 from eu-west-3' })
  })

  it('runs the origin-request, callback-style origin-response and ESM viewer-response bundles with the samples', async () => {
    const cases: [string, Stage, Parameters<typeof sampleEvent>[0], (r: Record<string, unknown>) => void][] = [
      ['origin', 'origin-request', 'origin-request', (r) => expect(r.uri).toBe('/index.html')],
      ['origin', 'origin-request', 'origin-request-s3-body', (r) => expect(r.uri).toBe('/form')],
      ['plain-callback', 'origin-response', 'origin-response', (r) => expect(r.headers).toHaveProperty('x-served-by', [{ key: 'X-Served-By', value: 'callback.js' }])],
      ['plain-esm', 'viewer-response', 'viewer-response', (r) => expect(r.headers).toHaveProperty('strict-transport-security')],
    ]
    for (const [name, stage, sample, check] of cases) {
      const dir = await unpacked(name)
      const event = sampleEvent(sample)
      const run = await runFresh(dir, event)
      expect(run.error, `${name}: ${run.stderr}`).toBeUndefined()
      expect(validateResult(stage, event, run.result), name).toEqual([])
      check(run.result as Record<string, unknown>)
    }
  })

  it('is deterministic: a second build, and a build from another checkout path, give the same bytes', async () => {
    const again = join(await tempDir(), 'out')
    await build({ config: SITE, outDir: again })
    for (const f of readdirSync(out)) expect(readFileSync(join(again, f)).equals(readFileSync(join(out, f))), f).toBe(true)

    const copy = join(await tempDir('checkout-'), 'deeper', 'site')
    cpSync(join(FIXTURES, 'site'), copy, { recursive: true })
    const moved = join(copy, 'out')
    await build({ config: join(copy, 'wrangler.toml'), outDir: moved })
    for (const f of readdirSync(out)) expect(readFileSync(join(moved, f)).equals(readFileSync(join(out, f))), f).toBe(true)
  })

  it('adds a source map with relative paths when asked', async () => {
    const mapped = join(await tempDir(), 'out')
    const r = await build({ config: SITE, outDir: mapped, sourcemap: true })
    const dir = await tempDir('map-')
    expect(unzipTo(join(mapped, 'viewer.zip'), dir)).toEqual(['index.js', 'index.js.map'])
    const map = JSON.parse(readFileSync(join(dir, 'index.js.map'), 'utf8')) as { sources: string[] }
    // paths relative to the config dir (where index.js sits in the project), never absolute
    expect(map.sources).toContain('edge-functions/viewer.ts')
    for (const s of map.sources) expect(s.startsWith('/')).toBe(false)
    expect(readFileSync(join(dir, 'index.js'), 'utf8')).toContain('//# sourceMappingURL=index.js.map')
    expect(r.manifest.functions.every((f) => f.sourcemap)).toBe(true)
  })

  it('removes zips of functions an earlier build had but the config no longer has', async () => {
    const dir = join(await tempDir(), 'out')
    await build({ config: SITE, outDir: dir })
    const smaller = await project(viewerOnly('fn.js'), { 'fn.js': fixtureFn('empty.js') })
    await build({ config: smaller, outDir: dir })
    expect(readdirSync(dir).filter((f) => f.endsWith('.zip'))).toEqual(['fn.zip'])
  })
})

describe('edgeware build: association outputs', () => {
  type Resource = { Type: string; Properties: Record<string, unknown> }
  let template: { Resources: Record<string, Resource>; Parameters: Record<string, unknown>; Rules: unknown; Outputs: Record<string, unknown> }
  beforeAll(() => {
    template = JSON.parse(readFileSync(join(out, 'cloudformation.json'), 'utf8'))
  })
  const ofType = (t: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === t)

  it('declares per function a role trusted by lambda and edgelambda, the function and a numbered version', () => {
    expect(ofType('AWS::Lambda::Function')).toHaveLength(4)
    expect(ofType('AWS::Lambda::Version')).toHaveLength(4)
    expect(ofType('AWS::IAM::Role')).toHaveLength(4)
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      const p = fn.Properties
      expect(p).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'index.handler', Architectures: ['x86_64'], PackageType: 'Zip' })
      expect(p).not.toHaveProperty('Environment')
      expect(p).not.toHaveProperty('Layers')
      expect(p).not.toHaveProperty('VpcConfig')
      expect(p.Code).toEqual({ S3Bucket: { Ref: 'CodeBucket' }, S3Key: { Ref: expect.stringMatching(/CodeKey$/) } })
      const roleId = (p.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]
      const role = template.Resources[roleId]!
      const trust = (role.Properties.AssumeRolePolicyDocument as { Statement: { Principal: { Service: string[] }; Action: string }[] }).Statement[0]!
      expect(trust.Action).toBe('sts:AssumeRole')
      expect(trust.Principal.Service.sort()).toEqual(['edgelambda.amazonaws.com', 'lambda.amazonaws.com'])
    }
    const viewer = template.Resources.ViewerFunction!.Properties
    expect(viewer).toMatchObject({ FunctionName: 'fixture-site-viewer', MemorySize: 128, Timeout: 5 })
    expect(template.Resources.OriginFunction!.Properties).toMatchObject({ MemorySize: 512, Timeout: 20 })
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))
    const sha = manifest.functions.find((f: { name: string }) => f.name === 'viewer').codeSha256
    expect(template.Resources.ViewerVersion).toEqual({
      Type: 'AWS::Lambda::Version',
      DeletionPolicy: 'RetainExceptOnCreate',
      UpdateReplacePolicy: 'Retain',
      Properties: { FunctionName: { Ref: 'ViewerFunction' }, CodeSha256: sha, Description: expect.any(String) },
    })
    // CloudFront's replicas outlive an association: the stack keeps every function and version it deletes or replaces
    for (const [, r] of [...ofType('AWS::Lambda::Function'), ...ofType('AWS::Lambda::Version')]) expect(r).toMatchObject({ DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' })
    for (const [, r] of ofType('AWS::IAM::Role')) expect(r).not.toHaveProperty('DeletionPolicy')
    expect(Object.keys(template.Parameters).sort()).toEqual([
      'AppOriginDomainName',
      'CodeBucket',
      'OriginCodeKey',
      'PlainCallbackCodeKey',
      'PlainEsmCodeKey',
      'ViewerCodeKey',
    ])
    expect(JSON.stringify(template.Rules)).toContain('us-east-1')
  })

  it('associates version ARNs on each cache behavior, IncludeBody only where set', () => {
    const [[, dist]] = ofType('AWS::CloudFront::Distribution') as [[string, Resource]]
    const cfg = dist.Properties.DistributionConfig as {
      DefaultCacheBehavior: { LambdaFunctionAssociations: Record<string, unknown>[]; TargetOriginId: string }
      CacheBehaviors: { PathPattern: string; LambdaFunctionAssociations: Record<string, unknown>[] }[]
      Origins: { Id: string }[]
    }
    expect(cfg.DefaultCacheBehavior.TargetOriginId).toBe('app')
    expect(cfg.Origins.map((o) => o.Id)).toEqual(['app'])
    expect(cfg.DefaultCacheBehavior.LambdaFunctionAssociations).toEqual([
      { EventType: 'viewer-request', LambdaFunctionARN: { Ref: 'ViewerVersion' } },
      { EventType: 'origin-request', LambdaFunctionARN: { Ref: 'OriginVersion' } },
      { EventType: 'origin-response', LambdaFunctionARN: { Ref: 'PlainCallbackVersion' } },
      { EventType: 'viewer-response', LambdaFunctionARN: { Ref: 'PlainEsmVersion' } },
    ])
    expect(cfg.CacheBehaviors).toHaveLength(1)
    expect(cfg.CacheBehaviors[0]).toMatchObject({
      PathPattern: '/api/*',
      LambdaFunctionAssociations: [{ EventType: 'viewer-request', IncludeBody: true, LambdaFunctionARN: { Ref: 'ViewerVersion' } }],
    })
    // every LambdaFunctionARN refers to an AWS::Lambda::Version (a numbered version, never $LATEST)
    const all = [...cfg.DefaultCacheBehavior.LambdaFunctionAssociations, ...cfg.CacheBehaviors.flatMap((b) => b.LambdaFunctionAssociations)]
    for (const a of all) expect(template.Resources[(a.LambdaFunctionARN as { Ref: string }).Ref]!.Type).toBe('AWS::Lambda::Version')
  })

  it('writes the CloudFront API cache behaviors: settings in the API form, LambdaFunctionAssociations with version ARN placeholders in us-east-1', () => {
    const api = JSON.parse(readFileSync(join(out, 'cloudfront-associations.json'), 'utf8'))
    expect(api.DefaultCacheBehavior.LambdaFunctionAssociations.Quantity).toBe(4)
    expect(api.DefaultCacheBehavior.LambdaFunctionAssociations.Items[0]).toEqual({
      EventType: 'viewer-request',
      IncludeBody: false,
      LambdaFunctionARN: 'arn:aws:lambda:us-east-1:<account>:function:fixture-site-viewer:<version>',
    })
    expect(api.CacheBehaviors).toEqual({
      Quantity: 1,
      Items: [
        {
          PathPattern: '/api/*',
          TargetOriginId: 'app',
          ViewerProtocolPolicy: 'redirect-to-https',
          AllowedMethods: { Quantity: 7, Items: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE'], CachedMethods: { Quantity: 2, Items: ['GET', 'HEAD'] } },
          Compress: true,
          ForwardedValues: { QueryString: false, Cookies: { Forward: 'none' } },
          MinTTL: 0,
          DefaultTTL: 86_400,
          MaxTTL: 31_536_000,
          LambdaFunctionAssociations: {
            Quantity: 1,
            Items: [{ EventType: 'viewer-request', IncludeBody: true, LambdaFunctionARN: 'arn:aws:lambda:us-east-1:<account>:function:fixture-site-viewer:<version>' }],
          },
        },
      ],
    })
    expect(api.DefaultCacheBehavior.ForwardedValues).toEqual({ QueryString: true, Cookies: { Forward: 'none' }, Headers: { Quantity: 1, Items: ['host'] } })
    for (const item of api.DefaultCacheBehavior.LambdaFunctionAssociations.Items) {
      expect(item.LambdaFunctionARN).toMatch(/^arn:aws:lambda:us-east-1:<account>:function:[\w-]+:<version>$/)
      expect(item.LambdaFunctionARN).not.toContain('$LATEST')
    }
  })
})

describe('edgeware build: failures name the rule, the function and the value, and write nothing', () => {
  it('rejects a read of a non-reserved environment variable, naming it and the file', async () => {
    const config = await project(viewerOnly('edge-functions/env-read.ts'), { 'edge-functions/env-read.ts': fixtureFn('env-read.ts') })
    const err = await buildFailure(config)
    expect(err.code).toBe('EnvironmentVariables')
    expect(err.message).toContain('SECRET_TOKEN')
    expect(err.message).toContain('edge-functions/env-read.ts:3')
    expect(err.message).toContain('The function cannot have environment variables')
  })

  it('accepts the same variable once it is in [vars] (baked in)', async () => {
    const config = await project(viewerOnly('edge-functions/env-read.ts', '[vars]\nSECRET_TOKEN = "baked"\n'), {
      'edge-functions/env-read.ts': fixtureFn('env-read.ts'),
    })
    const r = await build({ config, outDir: join(await tempDir(), 'out') })
    expect(r.functions.map((f) => f.name)).toEqual(['env-read'])
  })

  it('rejects a read through `env` from node:process even for a [vars] key, since only process.env.K is baked', async () => {
    const config = await project(viewerOnly('fn.ts', '[vars]\nTABLE = "t"\n'), {
      'fn.ts': "import { env } from 'node:process'\nexport const handler = async () => ({ status: '200', body: String(env.TABLE) })\n",
    })
    const err = await buildFailure(config)
    expect(err.message).toBe(
      "fn: fn.ts:2 reads the environment variable TABLE some other way than process.env.TABLE ([vars] are baked only into process.env.TABLE and process.env['TABLE'], so write it that way). " +
        'Lambda@Edge functions cannot have environment variables ("The function cannot have environment variables."): add it to [vars] in wrangler.toml to bake it in at build time, or read a reserved Lambda variable.',
    )
  })

  it('rejects a dynamic process.env read', async () => {
    const config = await project(viewerOnly('fn.js'), { 'fn.js': fixtureFn('env-dynamic.js') })
    const err = await buildFailure(config)
    expect(err.message).toMatch(/fn\.js:2 reads process\.env with a computed key, so the build can't tell which environment variables it reads/)
  })

  it('rejects a function without a handler export', async () => {
    const config = await project(viewerOnly('fn.js'), { 'fn.js': fixtureFn('no-handler.js') })
    const err = await buildFailure(config)
    expect(err.code).toBe('MissingHandler')
    expect(err.message).toContain('fn: fn.js has no "handler" export')
  })

  it('rejects a source that does not compile, with esbuild\'s location', async () => {
    const config = await project(viewerOnly('fn.ts'), { 'fn.ts': 'export const handler = async (e => e\n' })
    const err = await buildFailure(config)
    expect(err.code).toBe('BundleFailed')
    expect(err.message).toMatch(/fn\.ts:\d+:\d+: Expected "\)"/)
  })

  it('fails a viewer function over the 1 MiB zip limit, naming the function, its size and the limit', async () => {
    const files = {
      'edge-functions/big.ts': fixtureFn('big.ts'),
      // random bytes do not compress: ~1.9 MB of base64 zips to ~1.4 MB
      'edge-functions/big-data.js': `export const blob = ${JSON.stringify(randomBytes(1_400_000).toString('base64'))}\n`,
    }
    const config = await project(viewerOnly('edge-functions/big.ts'), files)
    const err = await buildFailure(config)
    expect(err.code).toBe('FunctionCodeSize')
    expect(err.message).toMatch(/^big \(viewer-request, limits "classic"\): The function code size is larger than the maximum allowed size for functions that are triggered by a CloudFront event: \d{7} Max allowed: 1048576/)
    expect(err.message).toContain('edge-functions/big-data.js')
    // the same function is fine as an origin-request function (50 MiB) and under the "current" profile
    const asOrigin = await project(viewerOnly('edge-functions/big.ts').replace('viewer_request', 'origin_request'), files)
    await expect(build({ config: asOrigin, outDir: join(await tempDir(), 'out') })).resolves.toBeTruthy()
    const current = await project(viewerOnly('edge-functions/big.ts').replace('name = "t"\n', 'name = "t"\n[edge]\nlimits = "current"\n'), files)
    await expect(build({ config: current, outDir: join(await tempDir(), 'out') })).resolves.toBeTruthy()
  })

  it('warns when a viewer function passes 80% of the limit, listing the largest inputs', async () => {
    const files = {
      'edge-functions/big.ts': fixtureFn('big.ts'),
      'edge-functions/big-data.js': `export const blob = ${JSON.stringify(randomBytes(880_000).toString('base64'))}\n`,
    }
    const config = await project(viewerOnly('edge-functions/big.ts'), files)
    const lines: string[] = []
    const r = await build({ config, outDir: join(await tempDir(), 'out'), log: (l) => lines.push(l) })
    expect(r.functions[0]!.share).toBeGreaterThan(0.8)
    expect(r.functions[0]!.share).toBeLessThan(1)
    expect(r.warnings).toHaveLength(1)
    expect(r.warnings[0]!.message).toMatch(/^big: .* zipped is \d+% of the 1\.00 MiB viewer-request limit; largest inputs: edge-functions\/big-data\.js /)
    expect(lines.some((l) => l.startsWith('warning: big:'))).toBe(true)
  })

  it('checks memory and timeout against the stage limits with CloudFront\'s messages', async () => {
    const config = await loadConfig(SITE)
    const viewer = config.functions.find((f) => f.name === 'viewer')!
    viewer.memoryMb = 1024
    viewer.timeoutS = 30
    const err = await buildFailure(config)
    expect(err.code).toBe('FunctionMemorySize')
    expect(err.message).toContain('The function memory size is larger than the maximum allowed size for functions that are triggered by a CloudFront event: 1024 Max allowed: 128')
    expect(err.message).toContain('The function timeout is larger than the maximum allowed for functions that are triggered by a CloudFront event: 30 Max allowed: 5')
    expect(err.problems.map((p) => p.code)).toEqual(['FunctionMemorySize', 'FunctionTimeout'])
  })

  it('rejects IncludeBody on a response event with CloudFront\'s message (TOML and in-memory configs)', async () => {
    const toml = await project(viewerOnly('fn.js', 'include_body = ["origin_response"]\n'), { 'fn.js': fixtureFn('empty.js') })
    const fromToml = await buildFailure(toml)
    expect(fromToml.message).toContain('The IncludeBody option can only be used with viewer-request or origin-request events')

    const config = await loadConfig(SITE)
    config.behaviors[0]!.includeBody = ['origin-response']
    const err = await buildFailure(config)
    expect(err.code).toBe('IncludeBodyEventType')
    expect(err.message).toBe('behavior /api/*: The IncludeBody option can only be used with viewer-request or origin-request events (got origin-response).')
  })

  it('rejects IncludeBody for a stage with no function, an unknown event type and an unsupported runtime', async () => {
    const config = await loadConfig(SITE)
    config.behaviors[0]!.includeBody = ['origin-request']
    ;(config.behaviors[1]!.functions as Record<string, string>)['viewer-request-2'] = config.functions[0]!.entry
    config.edge.runtime = 'nodejs18.x'
    const err = await buildFailure(config)
    expect(err.problems.map((p) => p.code).sort()).toEqual(['IncludeBodyWithoutFunction', 'InvalidEventType', 'TooManyLambdaFunctionAssociations', 'UnsupportedRuntime'])
    expect(err.message).toContain('Unsupported runtime "nodejs18.x"')
    expect(err.message).toContain('the default behavior has 5 function associations; at most 4 (one per event type)')
    expect(err.message).toContain('behavior /api/*: IncludeBody is set for origin-request but no function is associated with origin-request')
  })

  it('warns about a deprecated or unconfirmed runtime', async () => {
    const old = await project(viewerOnly('fn.js').replace('name = "t"\n', 'name = "t"\n[edge]\nruntime = "nodejs20.x"\n'), { 'fn.js': fixtureFn('empty.js') })
    const r = await build({ config: old, outDir: join(await tempDir(), 'out') })
    expect(r.warnings.map((w) => w.code)).toEqual(['DeprecatedRuntime'])
    expect(r.warnings[0]!.message).toContain('Aug 31 2026')
    const next = await project(viewerOnly('fn.js').replace('name = "t"\n', 'name = "t"\n[edge]\nruntime = "nodejs24.x"\n'), { 'fn.js': fixtureFn('empty.js') })
    expect((await build({ config: next, outDir: join(await tempDir(), 'out') })).warnings.map((w) => w.code)).toEqual(['UnconfirmedRuntime'])
    expect(result.warnings).toEqual([])
  })

  it('rejects a function no behavior uses', async () => {
    const config = await loadConfig(SITE)
    config.behaviors[0]!.functions = {}
    config.behaviors[0]!.includeBody = []
    delete config.behaviors[1]!.functions['viewer-request']
    const err = await buildFailure(config)
    expect(err.problems.map((p) => p.code)).toEqual(['UnassociatedFunction'])
    expect(err.message).toContain('function viewer (')
    expect(err.message).toContain('is not associated with any cache behavior')
  })

  it('rejects a function name Lambda would refuse', async () => {
    const config = await loadConfig(SITE)
    config.name = 'a'.repeat(60)
    const err = await buildFailure(config)
    expect(err.code).toBe('InvalidFunctionName')
    expect(err.message).toContain('must be 1-64 letters, digits, - or _')
  })

  it('reports a config error from wrangler.toml as a build error naming the key', async () => {
    const config = await project(viewerOnly('missing.js'))
    const err = await buildFailure(config)
    expect(err.code).toBe('InvalidConfig')
    expect(err.message).toContain('edge.default_behavior.viewer_request')
    expect(err.message).toContain('missing.js')
  })
})

describe('edgeware build: the example wrangler.toml', () => {
  const example = join(REPO, 'wrangler.toml')
  it.skipIf(!existsSync(example))('builds every example function within its limits, and they run on the samples', async () => {
    const dir = join(await tempDir(), 'out')
    const r = await build({ config: join(REPO, 'wrangler.toml'), outDir: dir })
    expect(r.functions.length).toBeGreaterThanOrEqual(5)
    for (const f of r.functions) expect(f.share).toBeLessThan(1)
    const vr = r.functions.find((f) => f.name === 'site-viewer-request')!
    expect(vr.stages).toEqual(['viewer-request'])
    const run = await runFresh(await unpacked('site-viewer-request', dir), sampleEvent('viewer-request'))
    expect(run.error, run.stderr).toBeUndefined()
    expect(validateResult('viewer-request', sampleEvent('viewer-request'), run.result)).toEqual([])
    // the origin-request function reads the origin table from whichever Region its replica runs in
    const template = JSON.parse(readFileSync(join(dir, 'cloudformation.json'), 'utf8'))
    const role = JSON.stringify(template.Resources.SiteOriginRequestRole)
    expect(role).toContain('dynamodb:Query')
    expect(role).toContain(':dynamodb:*:${AWS::AccountId}:table/edge-origins')
    expect(JSON.stringify(template.Resources.SiteViewerRequestRole)).not.toContain('dynamodb')
  })
})
