import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, BuildError, type BuildResult } from '../../src/build/index.js'
import { deployedName } from '../../src/build/template.js'
import { buildFailure, cleanTempDirs, FIXTURES, tempDir, writeProject } from './helpers.js'

type Resource = { Type: string; Condition?: string; Properties: Record<string, unknown> }
type Template = { Parameters: Record<string, Record<string, unknown>>; Conditions?: Record<string, unknown>; Resources: Record<string, Resource>; Outputs: Record<string, unknown> }

const DIST = join(FIXTURES, 'distribution', 'wrangler.toml')
const read = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'))
const distributionConfig = (t: Template) => t.Resources.Distribution!.Properties.DistributionConfig as Record<string, unknown>

let out: string
let result: BuildResult
let template: Template

const lines: string[] = []

beforeAll(async () => {
  out = join(await tempDir('dist-'), 'out')
  result = await build({ config: DIST, outDir: out, log: (l) => lines.push(l) })
  template = read(out, 'cloudformation.json')
})
afterAll(cleanTempDirs)

/** A project with the given wrangler.toml and a pass-through viewer-request function. */
const project = (toml: string): Promise<string> =>
  writeProject({ 'wrangler.toml': toml, 'fn.js': 'exports.handler = async (e) => e.Records[0].cf.request\n', 'public/index.html': 'hi\n' }, 'dist-proj-')
const buildError = async (toml: string): Promise<BuildError> => buildFailure(await project(toml))

const S3_ORIGIN = '[[edge.origins]]\nid = "assets"\ns3 = { dir = "public", bucket = "my-assets", region = "us-east-1" }\n'
const APP = '[[edge.origins]]\nid = "app"\nurl = "https://app.example.com"\n'

describe('edgeware build: origins', () => {
  it('writes S3 origins with an empty origin access identity and their origin access control, custom origins as configured', () => {
    expect(distributionConfig(template).Origins).toEqual([
      {
        Id: 'assets',
        DomainName: 'fixture-dist-assets.s3.eu-west-1.amazonaws.com',
        S3OriginConfig: { OriginAccessIdentity: '' },
        OriginAccessControlId: { Ref: 'AssetsOriginAccessControl' },
        ConnectionAttempts: 3,
        ConnectionTimeout: 10,
      },
      {
        Id: 'media',
        DomainName: 'fixture-dist-assets.s3.eu-west-1.amazonaws.com',
        OriginPath: '/media',
        S3OriginConfig: { OriginAccessIdentity: '' },
        OriginAccessControlId: { Ref: 'MediaOriginAccessControl' },
        OriginCustomHeaders: [{ HeaderName: 'X-Bucket-Token', HeaderValue: 'm' }],
        ConnectionAttempts: 3,
        ConnectionTimeout: 10,
      },
      {
        Id: 'app',
        DomainName: 'app.example.com',
        OriginPath: '/v1',
        CustomOriginConfig: {
          HTTPPort: 3000,
          HTTPSPort: 8443,
          OriginProtocolPolicy: 'https-only',
          OriginSSLProtocols: ['TLSv1.2'],
          OriginReadTimeout: 45,
          OriginKeepaliveTimeout: 10,
        },
        OriginCustomHeaders: [{ HeaderName: 'X-Origin-Token', HeaderValue: 'secret' }],
        ConnectionAttempts: 2,
        ConnectionTimeout: 5,
      },
      {
        Id: 'backup',
        DomainName: { Ref: 'BackupOriginDomainName' },
        CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
        ConnectionAttempts: 3,
        ConnectionTimeout: 10,
      },
    ])
    // only the origin without `domain` takes a parameter
    expect(Object.keys(template.Parameters).filter((k) => k.endsWith('OriginDomainName'))).toEqual(['BackupOriginDomainName'])
  })

  it('creates one origin access control per S3 origin, named <name>-<origin>', () => {
    expect(template.Resources.AssetsOriginAccessControl).toEqual({
      Type: 'AWS::CloudFront::OriginAccessControl',
      Properties: {
        OriginAccessControlConfig: {
          Name: 'fixture-dist-assets',
          Description: 'edgeware fixture-dist: origin "assets" (s3://fixture-dist-assets)',
          OriginAccessControlOriginType: 's3',
          SigningBehavior: 'always',
          SigningProtocol: 'sigv4',
        },
      },
    })
    expect((template.Resources.MediaOriginAccessControl!.Properties.OriginAccessControlConfig as { Name: string }).Name).toBe('fixture-dist-media')
  })

  it('grants the distribution s3:GetObject with one bucket policy per bucket, created unless its parameter says false', () => {
    const policies = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::S3::BucketPolicy')
    expect(policies.map(([id]) => id)).toEqual(['FixtureDistAssetsBucketPolicy'])
    expect(template.Resources.FixtureDistAssetsBucketPolicy).toEqual({
      Type: 'AWS::S3::BucketPolicy',
      Condition: 'FixtureDistAssetsBucketPolicyCreated',
      Properties: {
        Bucket: 'fixture-dist-assets',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'AllowCloudFrontServicePrincipalReadOnly',
              Effect: 'Allow',
              Principal: { Service: 'cloudfront.amazonaws.com' },
              Action: 's3:GetObject',
              // "assets" reads the whole bucket, so "media"'s prefix adds nothing
              Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::fixture-dist-assets/*' },
              Condition: { StringEquals: { 'AWS:SourceArn': { 'Fn::Sub': 'arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}' } } },
            },
          ],
        },
      },
    })
    expect(template.Parameters.CreateFixtureDistAssetsBucketPolicy).toMatchObject({ Type: 'String', AllowedValues: ['true', 'false'], Default: 'true' })
    expect(template.Conditions).toEqual({ FixtureDistAssetsBucketPolicyCreated: { 'Fn::Equals': [{ Ref: 'CreateFixtureDistAssetsBucketPolicy' }, 'true'] } })
    expect(template.Outputs.DistributionArn).toMatchObject({ Value: { 'Fn::Sub': 'arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}' } })
  })

  it('scopes a bucket policy to the origin paths when every origin on the bucket has one', async () => {
    const toml = `name = "paths"
[[edge.origins]]
id = "a"
origin_path = "/site%20a"
s3 = { dir = "public", bucket = "shared-bucket", region = "us-east-1" }
[[edge.origins]]
id = "b"
origin_path = "/b"
s3 = { dir = "public", bucket = "shared-bucket", region = "us-east-1" }
[edge.default_behavior]
origin = "a"
viewer_request = "fn.js"
[[edge.behaviors]]
path_pattern = "/b/*"
origin = "b"
`
    const dir = join(await tempDir('dist-paths-'), 'out')
    await build({ config: await project(toml), outDir: dir })
    const t: Template = read(dir, 'cloudformation.json')
    const statement = (t.Resources.SharedBucketBucketPolicy!.Properties.PolicyDocument as { Statement: { Resource: unknown }[] }).Statement[0]!
    // S3 keys are the decoded path
    expect(statement.Resource).toEqual([{ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::shared-bucket/site a/*' }, { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::shared-bucket/b/*' }])
    expect(read(dir, 'manifest.json').distribution.buckets).toEqual([
      {
        bucket: 'shared-bucket',
        region: 'us-east-1',
        dir: 'public',
        origins: ['a', 'b'],
        bucketPolicy: {
          logicalId: 'SharedBucketBucketPolicy',
          parameter: 'CreateSharedBucketBucketPolicy',
          statement: {
            Sid: 'AllowCloudFrontServicePrincipalReadOnly',
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Resource: ['arn:aws:s3:::shared-bucket/site a/*', 'arn:aws:s3:::shared-bucket/b/*'],
            Condition: { StringEquals: { 'AWS:SourceArn': 'arn:aws:cloudfront::<account>:distribution/<distribution-id>' } },
          },
        },
      },
    ])
  })

  it('writes origin groups in the Quantity / Items form', () => {
    expect(distributionConfig(template).OriginGroups).toEqual({
      Quantity: 1,
      Items: [
        {
          Id: 'app-ha',
          FailoverCriteria: { StatusCodes: { Quantity: 4, Items: [500, 502, 503, 504] } },
          Members: { Quantity: 2, Items: [{ OriginId: 'app' }, { OriginId: 'backup' }] },
        },
      ],
    })
  })
})

describe('edgeware build: behaviors and policies', () => {
  it('writes the default behavior with custom policies by Ref, its methods, protocol policy and compression', () => {
    expect(distributionConfig(template).DefaultCacheBehavior).toEqual({
      TargetOriginId: 'app-ha',
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS'],
      CachedMethods: ['GET', 'HEAD', 'OPTIONS'],
      Compress: false,
      CachePolicyId: { Ref: 'CachePolicyByLanguage' },
      OriginRequestPolicyId: { Ref: 'OriginRequestPolicyViewerCountry' },
      ResponseHeadersPolicyId: { Ref: 'ResponseHeadersPolicySiteHeaders' },
      LambdaFunctionAssociations: [{ EventType: 'viewer-request', LambdaFunctionARN: { Ref: 'ViewerVersion' } }],
    })
  })

  it('writes managed policies by ID, and the legacy cache as ForwardedValues and TTLs without any policy', () => {
    expect(distributionConfig(template).CacheBehaviors).toEqual([
      {
        PathPattern: '/assets/*',
        TargetOriginId: 'assets',
        ViewerProtocolPolicy: 'redirect-to-https',
        AllowedMethods: ['GET', 'HEAD'],
        CachedMethods: ['GET', 'HEAD'],
        Compress: true,
        CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6',
        OriginRequestPolicyId: '88a5eaf4-2fd4-4709-b370-b4c650ea3fcf',
        ResponseHeadersPolicyId: '67f7725c-6f97-4210-82d7-5512b31e9d03',
        LambdaFunctionAssociations: [],
      },
      {
        PathPattern: '/clips/*',
        TargetOriginId: 'media',
        ViewerProtocolPolicy: 'allow-all',
        AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE'],
        CachedMethods: ['GET', 'HEAD'],
        Compress: true,
        ForwardedValues: { QueryString: true, QueryStringCacheKeys: ['v'], Cookies: { Forward: 'whitelist', WhitelistedNames: ['session'] }, Headers: ['origin'] },
        MinTTL: 0,
        DefaultTTL: 3600,
        MaxTTL: 31_536_000,
        LambdaFunctionAssociations: [],
      },
      {
        PathPattern: '/api/*',
        TargetOriginId: 'app',
        ViewerProtocolPolicy: 'redirect-to-https',
        AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE'],
        CachedMethods: ['GET', 'HEAD'],
        Compress: true,
        CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
        OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
        LambdaFunctionAssociations: [{ EventType: 'origin-request', LambdaFunctionARN: { Ref: 'OriginVersion' }, IncludeBody: true }],
      },
    ])
  })

  it('creates each custom cache policy a behavior uses, named <name>-<policy>', () => {
    expect(template.Resources.CachePolicyByLanguage).toEqual({
      Type: 'AWS::CloudFront::CachePolicy',
      Properties: {
        CachePolicyConfig: {
          Name: 'fixture-dist-by-language',
          Comment: 'one copy per language',
          MinTTL: 0,
          DefaultTTL: 600,
          MaxTTL: 3600,
          ParametersInCacheKeyAndForwardedToOrigin: {
            EnableAcceptEncodingGzip: true,
            EnableAcceptEncodingBrotli: false,
            HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Accept-Language', 'CloudFront-Viewer-Country'] },
            CookiesConfig: { CookieBehavior: 'allExcept', Cookies: ['tracking'] },
            QueryStringsConfig: { QueryStringBehavior: 'whitelist', QueryStrings: ['page', 'lang'] },
          },
        },
      },
    })
  })

  it('creates the custom origin request policy with CloudFront-* headers as CloudFront spells them', () => {
    expect(template.Resources.OriginRequestPolicyViewerCountry).toEqual({
      Type: 'AWS::CloudFront::OriginRequestPolicy',
      Properties: {
        OriginRequestPolicyConfig: {
          Name: 'fixture-dist-viewer-country',
          HeadersConfig: { HeaderBehavior: 'allViewerAndWhitelistCloudFront', Headers: ['CloudFront-Viewer-Country', 'CloudFront-Is-SmartTV-Viewer'] },
          CookiesConfig: { CookieBehavior: 'all' },
          QueryStringsConfig: { QueryStringBehavior: 'none' },
        },
      },
    })
  })

  it('creates the custom response headers policy under its name, every part in CloudFormation form', () => {
    expect(template.Resources.ResponseHeadersPolicySiteHeaders).toEqual({
      Type: 'AWS::CloudFront::ResponseHeadersPolicy',
      Properties: {
        ResponseHeadersPolicyConfig: {
          Name: 'fixture-dist-site-headers-v2',
          CorsConfig: {
            AccessControlAllowCredentials: true,
            AccessControlAllowHeaders: { Items: ['*'] },
            AccessControlAllowMethods: { Items: ['GET', 'HEAD'] },
            AccessControlAllowOrigins: { Items: ['https://example.com'] },
            AccessControlExposeHeaders: { Items: ['ETag'] },
            AccessControlMaxAgeSec: 600,
            OriginOverride: false,
          },
          SecurityHeadersConfig: {
            ContentSecurityPolicy: { ContentSecurityPolicy: "default-src 'self'", Override: true },
            ContentTypeOptions: { Override: true },
            FrameOptions: { FrameOption: 'DENY', Override: true },
            ReferrerPolicy: { ReferrerPolicy: 'same-origin', Override: true },
            StrictTransportSecurity: { AccessControlMaxAgeSec: 63_072_000, IncludeSubdomains: true, Preload: true, Override: true },
            XSSProtection: { Protection: true, ModeBlock: true, Override: true },
          },
          CustomHeadersConfig: { Items: [{ Header: 'X-Site', Value: 'fixture', Override: true }] },
          RemoveHeadersConfig: { Items: [{ Header: 'Server' }] },
          ServerTimingHeadersConfig: { Enabled: true, SamplingRate: 12.5 },
        },
      },
    })
  })

  it('leaves out a custom policy no behavior uses, with a warning', () => {
    const types = Object.values(template.Resources).map((r) => r.Type)
    expect(types.filter((t) => t === 'AWS::CloudFront::CachePolicy')).toHaveLength(1)
    expect(result.warnings).toEqual([{ code: 'UnusedPolicy', message: 'edge.cache_policies: "unused" is not used by any behavior, so the template leaves it out' }])
  })

  it('writes the error responses and the default root object', () => {
    const cfg = distributionConfig(template)
    expect(cfg.CustomErrorResponses).toEqual([
      { ErrorCode: 404, ResponsePagePath: '/errors/404.html', ResponseCode: 404, ErrorCachingMinTTL: 30 },
      { ErrorCode: 503, ErrorCachingMinTTL: 0 },
    ])
    expect(cfg.DefaultRootObject).toBe('index.html')
  })

  it('writes none of them, and no policy, access control or bucket policy, for a legacy config', async () => {
    const dir = join(await tempDir('dist-legacy-'), 'out')
    await build({ config: join(FIXTURES, 'site', 'wrangler.toml'), outDir: dir })
    const legacy: Template = read(dir, 'cloudformation.json')
    const cfg = distributionConfig(legacy)
    for (const k of ['CustomErrorResponses', 'DefaultRootObject', 'OriginGroups']) expect(cfg).not.toHaveProperty(k)
    expect(legacy).not.toHaveProperty('Conditions')
    expect(new Set(Object.values(legacy.Resources).map((r) => r.Type))).toEqual(new Set(['AWS::IAM::Role', 'AWS::Lambda::Function', 'AWS::Lambda::Version', 'AWS::CloudFront::Distribution']))
    expect(read(dir, 'manifest.json').distribution).toEqual({
      parameters: [{ name: 'AppOriginDomainName', origin: 'app', url: 'https://app.example.com' }],
      buckets: [],
      originAccessControls: [],
      policies: [],
    })
  })
})

describe('edgeware build: the CloudFront API JSON and the manifest', () => {
  it('gives each behavior its settings in the API form, custom policy IDs as placeholders naming the policy', () => {
    const api = read(out, 'cloudfront-associations.json')
    expect(api.DefaultCacheBehavior).toEqual({
      TargetOriginId: 'app-ha',
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: { Quantity: 3, Items: ['GET', 'HEAD', 'OPTIONS'], CachedMethods: { Quantity: 3, Items: ['GET', 'HEAD', 'OPTIONS'] } },
      Compress: false,
      CachePolicyId: '<id of cache policy fixture-dist-by-language>',
      OriginRequestPolicyId: '<id of origin request policy fixture-dist-viewer-country>',
      ResponseHeadersPolicyId: '<id of response headers policy fixture-dist-site-headers-v2>',
      LambdaFunctionAssociations: {
        Quantity: 1,
        Items: [{ EventType: 'viewer-request', IncludeBody: false, LambdaFunctionARN: 'arn:aws:lambda:us-east-1:<account>:function:fixture-dist-viewer:<version>' }],
      },
    })
    const clips = api.CacheBehaviors.Items.find((b: { PathPattern: string }) => b.PathPattern === '/clips/*')
    expect(clips.ForwardedValues).toEqual({
      QueryString: true,
      QueryStringCacheKeys: { Quantity: 1, Items: ['v'] },
      Cookies: { Forward: 'whitelist', WhitelistedNames: { Quantity: 1, Items: ['session'] } },
      Headers: { Quantity: 1, Items: ['origin'] },
    })
    expect(api.CacheBehaviors.Items.find((b: { PathPattern: string }) => b.PathPattern === '/assets/*').CachePolicyId).toBe('658327ea-f89d-4fab-a63d-7e88639e58f6')
  })

  it('says which directory to upload to which bucket', () => {
    expect(lines).toContain('  s3://fixture-dist-assets (assets, media) serves public: upload it before deploying, e.g. aws s3 sync public s3://fixture-dist-assets')
  })

  it('tells a deploy step the parameters to fill, the buckets to upload with their policy, the access controls and the policies', () => {
    const m = read(out, 'manifest.json').distribution
    expect(m.parameters).toEqual([{ name: 'BackupOriginDomainName', origin: 'backup', url: 'https://backup.example.net' }])
    expect(m.buckets).toEqual([
      {
        bucket: 'fixture-dist-assets',
        region: 'eu-west-1',
        dir: 'public',
        origins: ['assets', 'media'],
        bucketPolicy: {
          logicalId: 'FixtureDistAssetsBucketPolicy',
          parameter: 'CreateFixtureDistAssetsBucketPolicy',
          statement: {
            Sid: 'AllowCloudFrontServicePrincipalReadOnly',
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Resource: 'arn:aws:s3:::fixture-dist-assets/*',
            Condition: { StringEquals: { 'AWS:SourceArn': 'arn:aws:cloudfront::<account>:distribution/<distribution-id>' } },
          },
        },
      },
    ])
    expect(m.originAccessControls).toEqual([
      { origin: 'assets', logicalId: 'AssetsOriginAccessControl', name: 'fixture-dist-assets' },
      { origin: 'media', logicalId: 'MediaOriginAccessControl', name: 'fixture-dist-media' },
    ])
    expect(m.policies).toContainEqual({ kind: 'cache', id: 'by-language', name: 'fixture-dist-by-language', managed: false, logicalId: 'CachePolicyByLanguage', behaviors: ['*'] })
    expect(m.policies).toContainEqual({
      kind: 'cache',
      id: 'CachingOptimized',
      name: 'Managed-CachingOptimized',
      managed: true,
      policyId: '658327ea-f89d-4fab-a63d-7e88639e58f6',
      behaviors: ['/assets/*'],
    })
    expect(m.policies.map((p: { id: string }) => p.id).sort()).toEqual(
      ['AllViewerExceptHostHeader', 'by-language', 'CachingDisabled', 'CachingOptimized', 'CORS-S3Origin', 'SecurityHeadersPolicy', 'site-headers', 'viewer-country'].sort(),
    )
  })
})

describe('edgeware build: names and logical IDs', () => {
  it('shortens a deployed name past CloudFront\'s limit with a hash of the full name, the same on every build', () => {
    expect(deployedName('site', 'by-language', 128)).toBe('site-by-language')
    const long = deployedName('a'.repeat(60), 'assets', 64)
    expect(long).toHaveLength(64)
    expect(long).toMatch(/^a{55}-[0-9a-f]{8}$/)
    expect(deployedName('a'.repeat(60), 'assets', 64)).toBe(long)
    expect(deployedName('a'.repeat(60), 'assets2', 64)).not.toBe(long)
  })

  it('keeps logical IDs unique when a policy id spells a function resource', async () => {
    const toml = `name = "ids"
${APP}
[[edge.cache_policies]]
id = "x-role"
[edge.default_behavior]
origin = "app"
viewer_request = "cache-policy-x.js"
cache_policy = "x-role"
`
    const config = await writeProject({ 'wrangler.toml': toml, 'cache-policy-x.js': 'exports.handler = async (e) => e.Records[0].cf.request\n' }, 'dist-ids-')
    await build({ config, outDir: join(config, '..', 'out') })
    const t: Template = read(join(config, '..', 'out'), 'cloudformation.json')
    expect(t.Resources.CachePolicyXRole!.Type).toBe('AWS::IAM::Role')
    expect(t.Resources.CachePolicyXRole2!.Type).toBe('AWS::CloudFront::CachePolicy')
    expect((distributionConfig(t).DefaultCacheBehavior as { CachePolicyId: unknown }).CachePolicyId).toEqual({ Ref: 'CachePolicyXRole2' })
  })
})

describe('edgeware build: refusals name the rule and the value, and write nothing', () => {
  it('refuses a policy name that is neither managed nor declared, listing both', async () => {
    const err = await buildError(`${APP}[edge.default_behavior]\norigin = "app"\nviewer_request = "fn.js"\ncache_policy = "CachingFast"\n`)
    expect(err.code).toBe('InvalidConfig')
    expect(err.message).toMatch(/edge\.default_behavior\.cache_policy: no cache policy named "CachingFast" \(custom: none; managed: Amplify, CachingDisabled, CachingOptimized/)
  })

  it('refuses an origin group member that does not exist', async () => {
    const err = await buildError(`${APP}[[edge.origin_groups]]\nid = "ha"\nmembers = ["app", "gone"]\n[edge.default_behavior]\norigin = "ha"\nviewer_request = "fn.js"\n`)
    expect(err.code).toBe('InvalidConfig')
    expect(err.message).toContain('edge.origin_groups[0].members[1]: no [[edge.origins]] with id "gone" (known: app)')
  })

  it('refuses POST, PUT, PATCH or DELETE on a behavior that targets an origin group, with CloudFront\'s message', async () => {
    const toml = `${APP}[[edge.origins]]\nid = "b"\nurl = "https://b.example.com"\n[[edge.origin_groups]]\nid = "ha"\nmembers = ["app", "b"]\n[edge.default_behavior]\norigin = "ha"\nviewer_request = "fn.js"\nallowed_methods = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]\n`
    const err = await buildError(toml)
    expect(err.message).toContain(
      'edge.default_behavior.allowed_methods: The parameter AllowedMethods cannot include POST, PUT, PATCH, or DELETE for a cached behavior associated with an origin group (origin = "ha")',
    )
  })

  it('refuses Host in the cache key of a behavior reaching an S3 origin, by policy or legacy cache', async () => {
    const policy = await buildError(`${S3_ORIGIN}[edge.default_behavior]\norigin = "assets"\nviewer_request = "fn.js"\ncache_policy = "Amplify"\n`)
    expect(policy.message).toContain('edge.default_behavior.cache_policy: cache policy "Amplify" keys on Host, which CloudFront doesn\'t allow with an S3 origin (S3 origin "assets")')
    const legacy = await buildError(`${S3_ORIGIN}[edge.default_behavior]\norigin = "assets"\nviewer_request = "fn.js"\ncache = { headers = ["host"] }\n`)
    expect(legacy.message).toContain('edge.default_behavior.cache.headers: Host is in the cache key, which CloudFront doesn\'t allow with an S3 origin (S3 origin "assets")')
  })

  it('writes a Lambda origin a group names, as the group\'s member', async () => {
    const dir = join(await tempDir('dist-group-'), 'out')
    const toml = `${APP}[[edge.origins]]\nid = "fnurl"\nlambda = { handler = "fn.js", integration = "url" }\n[[edge.origin_groups]]\nid = "ha"\nmembers = ["app", "fnurl"]\n[edge.default_behavior]\norigin = "ha"\nviewer_request = "fn.js"\n`
    const r = await build({ config: await project(toml), outDir: dir })
    const t = read(dir, 'cloudformation.json') as Template
    expect((distributionConfig(t).Origins as { Id: string }[]).map((o) => o.Id)).toEqual(['app', 'fnurl'])
    expect(r.manifest.lambdaOrigins.map((o) => o.id)).toEqual(['fnurl'])
  })
})
