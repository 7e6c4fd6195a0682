/**
 * Lambda origins in `edgeware build`: the exact resources of each integration (REST API, HTTP API, ALB, function
 * URL with and without origin access control), the function and its role, the custom origin the distribution
 * reaches it at, the template of another region with its outputs, the manifest, a zip that runs as Lambda loads
 * it, and the refusals and warnings about what the behaviors send.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, BuildError, type BuildResult } from '../../src/build/index.js'
import { REFERENCE } from '../distribution/helpers.js'
import { buildFailure, cleanTempDirs, runDir, runFresh, tempDir, unzipTo, writeProject } from './helpers.js'

type Resource = { Type: string; DependsOn?: unknown; Properties: Record<string, unknown>; Metadata?: unknown }
type Template = { Parameters: Record<string, unknown>; Resources: Record<string, Resource>; Outputs: Record<string, unknown>; Rules?: unknown; Description?: string }

const API = `export const handler = async (event: { path?: string; rawPath?: string }) => ({
  statusCode: 200,
  headers: { 'content-type': 'text/plain' },
  body: \`\${process.env.GREETING} \${event.path ?? event.rawPath}\`,
})
`
const TOML = `name = "shop"
[vars]
GREETING = "hello"
[[edge.origins]]
id = "rest"
origin_path = "/v1"
read_timeout = 20
lambda = { handler = "api.ts", integration = "rest", memory = 512, timeout = 20 }
[[edge.origins]]
id = "http"
lambda = { handler = "api.ts", integration = "http" }
[[edge.origins]]
id = "alb"
lambda = { handler = "api.ts", integration = "alb", multi_value_headers = true }
[[edge.origins]]
id = "url"
lambda = { handler = "api.ts", integration = "url" }
[[edge.origins]]
id = "public"
custom_headers = { X-From = "cloudfront" }
lambda = { handler = "api.ts", integration = "url", auth_type = "NONE", region = "eu-west-1" }
[[edge.origins]]
id = "eu-api"
lambda = { handler = "api.ts", integration = "http", region = "eu-west-1" }
[edge.default_behavior]
origin = "rest"
cache_policy = "CachingDisabled"
origin_request_policy = "AllViewerExceptHostHeader"
[[edge.behaviors]]
path_pattern = "/h/*"
origin = "http"
[[edge.behaviors]]
path_pattern = "/a/*"
origin = "alb"
cache_policy = "CachingDisabled"
origin_request_policy = "AllViewer"
[[edge.behaviors]]
path_pattern = "/u/*"
origin = "url"
allowed_methods = ["GET", "HEAD"]
[[edge.behaviors]]
path_pattern = "/p/*"
origin = "public"
[[edge.behaviors]]
path_pattern = "/eu/*"
origin = "eu-api"
`

const project = (toml: string, files: Record<string, string> = {}): Promise<string> => writeProject({ 'wrangler.toml': toml, 'api.ts': API, ...files }, 'origins-build-')
const buildError = async (toml: string, files: Record<string, string> = {}): Promise<BuildError> => buildFailure(await project(toml, files))

const read = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'))
const fnArn = (id: string) => ({ 'Fn::GetAtt': [`${id}Function`, 'Arn'] })

let out: string
let result: BuildResult
let edge: Template
let eu: Template
const lines: string[] = []

beforeAll(async () => {
  out = join(await tempDir('origins-out-'), 'out')
  result = await build({ config: await project(TOML), outDir: out, log: (l) => lines.push(l) })
  edge = read(out, 'cloudformation.json')
  eu = read(out, 'origins-eu-west-1.json')
})
afterAll(cleanTempDirs)

const origin = (id: string) => ((edge.Resources.Distribution!.Properties.DistributionConfig as { Origins: { Id: string }[] }).Origins.find((o) => o.Id === id) as Record<string, unknown>)

describe('edgeware build: a Lambda origin\'s function', () => {
  it('is a regional function with its own role: the config\'s runtime, index.handler, its memory and timeout, code from the bucket, no Retain', () => {
    const key = result.manifest.lambdaOrigins.find((o) => o.id === 'rest')!
    expect(edge.Resources.RestOriginFunction).toEqual({
      Type: 'AWS::Lambda::Function',
      Properties: {
        FunctionName: 'shop-origin-rest',
        Description: 'edgeware origin rest (rest)',
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Architectures: ['x86_64'],
        PackageType: 'Zip',
        MemorySize: 512,
        Timeout: 20,
        Role: { 'Fn::GetAtt': ['RestOriginRole', 'Arn'] },
        Code: { S3Bucket: { Ref: 'CodeBucket' }, S3Key: { Ref: 'RestOriginCodeKey' } },
      },
      Metadata: { edgeware: { origin: 'rest', integration: 'rest', region: 'us-east-1', zipBytes: key.zipBytes } },
    })
    expect(edge.Resources.RestOriginRole).toEqual({
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
        ManagedPolicyArns: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' }],
      },
    })
    expect(edge.Parameters.RestOriginCodeKey).toEqual({
      Type: 'String',
      Default: `edgeware/origins/rest/${key.sha256.slice(0, 16)}.zip`,
      Description: `S3 key of rest.origin.zip (sha256 ${key.sha256}); content-addressed so that new code updates the function.`,
    })
  })

  it('its zip runs as Lambda loads it, on AWS\'s own sample event, with [vars] baked in', async () => {
    const dir = await runDir()
    expect(unzipTo(join(out, 'rest.origin.zip'), dir)).toEqual(['index.js'])
    const event = JSON.parse(readFileSync(join(REFERENCE!, 'events', 'lambda', 'apigateway-rest.json'), 'utf8'))
    const r = await runFresh(dir, event)
    expect(r.result).toEqual({ statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'hello /my/path' })
  })
})

describe('edgeware build: the integrations', () => {
  it('rest: a regional REST API, ANY on / and /{proxy+} as Lambda proxy, deployed to the prod stage, allowed to invoke', () => {
    const uri = { 'Fn::Sub': 'arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${RestOriginFunction.Arn}/invocations' }
    const method = (resource: unknown) => ({ Type: 'AWS::ApiGateway::Method', Properties: { RestApiId: { Ref: 'RestOriginRestApi' }, ResourceId: resource, HttpMethod: 'ANY', AuthorizationType: 'NONE', Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST', Uri: uri } } })
    const r = edge.Resources
    expect(r.RestOriginRestApi).toEqual({ Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'shop-origin-rest', Description: 'edgeware origin (REST API, Lambda proxy)', EndpointConfiguration: { Types: ['REGIONAL'] } } })
    expect(r.RestOriginProxyResource).toEqual({ Type: 'AWS::ApiGateway::Resource', Properties: { RestApiId: { Ref: 'RestOriginRestApi' }, ParentId: { 'Fn::GetAtt': ['RestOriginRestApi', 'RootResourceId'] }, PathPart: '{proxy+}' } })
    expect(r.RestOriginProxyMethod).toEqual(method({ Ref: 'RestOriginProxyResource' }))
    expect(r.RestOriginRootMethod).toEqual(method({ 'Fn::GetAtt': ['RestOriginRestApi', 'RootResourceId'] }))
    expect(r.RestOriginDeployment).toEqual({ Type: 'AWS::ApiGateway::Deployment', DependsOn: ['RestOriginProxyMethod', 'RestOriginRootMethod'], Properties: { RestApiId: { Ref: 'RestOriginRestApi' }, Description: 'ANY / and ANY /{proxy+} to the function' } })
    expect(r.RestOriginStage).toEqual({ Type: 'AWS::ApiGateway::Stage', Properties: { RestApiId: { Ref: 'RestOriginRestApi' }, DeploymentId: { Ref: 'RestOriginDeployment' }, StageName: 'prod' } })
    expect(r.RestOriginPermission).toEqual({
      Type: 'AWS::Lambda::Permission',
      Properties: { FunctionName: fnArn('RestOrigin'), Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com', SourceArn: { 'Fn::Sub': 'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${RestOriginRestApi}/*' } },
    })
    // the stage, then the origin's own path, over HTTPS only
    expect(origin('rest')).toEqual({
      Id: 'rest',
      DomainName: { 'Fn::Sub': '${RestOriginRestApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}' },
      OriginPath: '/prod/v1',
      ConnectionAttempts: 3,
      ConnectionTimeout: 10,
      CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'], OriginReadTimeout: 20 },
    })
  })

  it('http: an HTTP API with the $default route to a payload 2.0 integration and an auto-deployed $default stage', () => {
    const r = edge.Resources
    expect(r.HttpOriginHttpApi).toEqual({ Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'shop-origin-http', Description: 'edgeware origin (HTTP API, payload 2.0)', ProtocolType: 'HTTP' } })
    expect(r.HttpOriginIntegration).toEqual({ Type: 'AWS::ApiGatewayV2::Integration', Properties: { ApiId: { Ref: 'HttpOriginHttpApi' }, IntegrationType: 'AWS_PROXY', IntegrationUri: fnArn('HttpOrigin'), PayloadFormatVersion: '2.0' } })
    expect(r.HttpOriginRoute).toEqual({ Type: 'AWS::ApiGatewayV2::Route', Properties: { ApiId: { Ref: 'HttpOriginHttpApi' }, RouteKey: '$default', Target: { 'Fn::Sub': 'integrations/${HttpOriginIntegration}' } } })
    expect(r.HttpOriginStage).toEqual({ Type: 'AWS::ApiGatewayV2::Stage', Properties: { ApiId: { Ref: 'HttpOriginHttpApi' }, StageName: '$default', AutoDeploy: true } })
    expect((r.HttpOriginPermission!.Properties as { SourceArn: unknown }).SourceArn).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${HttpOriginHttpApi}/*' })
    expect(origin('http').DomainName).toEqual({ 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': ['HttpOriginHttpApi', 'ApiEndpoint'] }] }] })
    expect(origin('http').OriginPath).toBeUndefined()
  })

  it('alb: subnets, security groups, certificate and domain as parameters; an HTTPS listener forwarding to a lambda target group', () => {
    const r = edge.Resources
    expect(edge.Parameters.AlbOriginSubnets).toMatchObject({ Type: 'List<AWS::EC2::Subnet::Id>' })
    expect(edge.Parameters.AlbOriginSecurityGroups).toMatchObject({ Type: 'List<AWS::EC2::SecurityGroup::Id>' })
    expect(edge.Parameters.AlbOriginCertificateArn).toMatchObject({ Type: 'String', AllowedPattern: expect.any(String) })
    expect(edge.Parameters.AlbOriginDomainName).toEqual({ Type: 'String', Description: 'Domain name of Lambda origin "alb": a name its load balancer\'s certificate covers, pointed (CNAME or alias) at the load balancer.' })
    expect(r.AlbOriginLoadBalancer).toEqual({ Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'application', Scheme: 'internet-facing', Subnets: { Ref: 'AlbOriginSubnets' }, SecurityGroups: { Ref: 'AlbOriginSecurityGroups' } } })
    expect(r.AlbOriginPermission).toEqual({
      Type: 'AWS::Lambda::Permission',
      Properties: { FunctionName: fnArn('AlbOrigin'), Action: 'lambda:InvokeFunction', Principal: 'elasticloadbalancing.amazonaws.com', SourceArn: { 'Fn::Sub': 'arn:${AWS::Partition}:elasticloadbalancing:${AWS::Region}:${AWS::AccountId}:targetgroup/shop-alb/*' } },
    })
    expect(r.AlbOriginTargetGroup).toEqual({
      Type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
      DependsOn: 'AlbOriginPermission',
      Properties: { Name: 'shop-alb', TargetType: 'lambda', Targets: [{ Id: fnArn('AlbOrigin') }], TargetGroupAttributes: [{ Key: 'lambda.multi_value_headers.enabled', Value: 'true' }] },
    })
    expect(r.AlbOriginListener).toEqual({
      Type: 'AWS::ElasticLoadBalancingV2::Listener',
      Properties: { LoadBalancerArn: { Ref: 'AlbOriginLoadBalancer' }, Port: 443, Protocol: 'HTTPS', Certificates: [{ CertificateArn: { Ref: 'AlbOriginCertificateArn' } }], DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: 'AlbOriginTargetGroup' } }] },
    })
    expect(edge.Outputs.AlbOriginLoadBalancerDnsName).toMatchObject({ Value: { 'Fn::GetAtt': ['AlbOriginLoadBalancer', 'DNSName'] } })
    expect(origin('alb').DomainName).toEqual({ Ref: 'AlbOriginDomainName' })
    expect(origin('alb').CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only' })
  })

  it('url (AWS_IAM): a function URL only this distribution may call, signed through an origin access control of type lambda', () => {
    const r = edge.Resources
    const cloudfront = { Principal: 'cloudfront.amazonaws.com', SourceArn: { 'Fn::Sub': 'arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}' } }
    expect(r.UrlOriginUrl).toEqual({ Type: 'AWS::Lambda::Url', Properties: { TargetFunctionArn: fnArn('UrlOrigin'), AuthType: 'AWS_IAM' } })
    expect(r.UrlOriginUrlPermission).toEqual({ Type: 'AWS::Lambda::Permission', Properties: { FunctionName: fnArn('UrlOrigin'), Action: 'lambda:InvokeFunctionUrl', FunctionUrlAuthType: 'AWS_IAM', ...cloudfront } })
    expect(r.UrlOriginInvokePermission).toEqual({ Type: 'AWS::Lambda::Permission', Properties: { FunctionName: fnArn('UrlOrigin'), Action: 'lambda:InvokeFunction', InvokedViaFunctionUrl: true, ...cloudfront } })
    expect(r.UrlOriginAccessControl).toEqual({
      Type: 'AWS::CloudFront::OriginAccessControl',
      Properties: { OriginAccessControlConfig: { Name: 'shop-url', Description: 'edgeware shop: origin "url" (function URL)', OriginAccessControlOriginType: 'lambda', SigningBehavior: 'always', SigningProtocol: 'sigv4' } },
    })
    expect(origin('url')).toMatchObject({
      DomainName: { 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': ['UrlOriginUrl', 'FunctionUrl'] }] }] },
      OriginAccessControlId: { Ref: 'UrlOriginAccessControl' },
    })
  })
})

describe('edgeware build: Lambda origins outside us-east-1', () => {
  it('go into origins-<region>.json: the functions, the code bucket of that region, the domains as outputs, a region rule', () => {
    expect(Object.keys(eu.Resources).sort()).toEqual([
      'EuApiOriginFunction', 'EuApiOriginHttpApi', 'EuApiOriginIntegration', 'EuApiOriginPermission', 'EuApiOriginRole', 'EuApiOriginRoute', 'EuApiOriginStage',
      'PublicOriginFunction', 'PublicOriginInvokePermission', 'PublicOriginRole', 'PublicOriginUrl', 'PublicOriginUrlPermission',
    ])
    expect(Object.keys(eu.Parameters).sort()).toEqual(['CodeBucket', 'EuApiOriginCodeKey', 'PublicOriginCodeKey'])
    expect(eu.Parameters.CodeBucket).toEqual({ Type: 'String', Description: 'S3 bucket in eu-west-1 holding the origin functions\' zips.' })
    expect(eu.Outputs).toEqual({
      EuApiOriginDomainName: { Description: 'domain name of origin eu-api (the edge stack\'s EuApiOriginDomainName parameter)', Value: { 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': ['EuApiOriginHttpApi', 'ApiEndpoint'] }] }] } },
      PublicOriginDomainName: { Description: 'domain name of origin public (the edge stack\'s PublicOriginDomainName parameter)', Value: { 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': ['PublicOriginUrl', 'FunctionUrl'] }] }] } },
    })
    expect(eu.Rules).toEqual({ OriginRegion: { Assertions: [{ Assert: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] }, AssertDescription: 'These Lambda origins are configured for eu-west-1: deploy this stack there.' }] } })
    // none of it in the edge stack, which takes the domains as parameters
    expect(Object.keys(edge.Resources).filter((k) => k.startsWith('EuApi') || k.startsWith('Public'))).toEqual([])
    expect(origin('eu-api').DomainName).toEqual({ Ref: 'EuApiOriginDomainName' })
    expect(edge.Parameters.EuApiOriginDomainName).toEqual({ Type: 'String', Description: 'Domain name of Lambda origin "eu-api" in eu-west-1: the EuApiOriginDomainName output of its stack (edgeware deploy passes it on).' })
  })

  it('a public function URL (NONE) may be called by anyone; it keeps its custom headers and has no origin access control', () => {
    expect(eu.Resources.PublicOriginUrlPermission!.Properties).toEqual({ FunctionName: fnArn('PublicOrigin'), Action: 'lambda:InvokeFunctionUrl', FunctionUrlAuthType: 'NONE', Principal: '*' })
    expect(eu.Resources.PublicOriginInvokePermission!.Properties).toEqual({ FunctionName: fnArn('PublicOrigin'), Action: 'lambda:InvokeFunction', InvokedViaFunctionUrl: true, Principal: '*' })
    expect(origin('public')).toMatchObject({ OriginCustomHeaders: [{ HeaderName: 'X-From', HeaderValue: 'cloudfront' }] })
    expect(origin('public').OriginAccessControlId).toBeUndefined()
  })

  it('the manifest lists each origin\'s function, zip and template, and the regional stacks', () => {
    const rest = result.manifest.lambdaOrigins.find((o) => o.id === 'rest')!
    expect(rest).toEqual({
      id: 'rest',
      functionName: 'shop-origin-rest',
      entry: 'api.ts',
      integration: 'rest',
      region: 'us-east-1',
      template: 'cloudformation.json',
      zip: 'rest.origin.zip',
      zipBytes: readFileSync(join(out, 'rest.origin.zip')).length,
      bundleBytes: expect.any(Number),
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      codeSha256: expect.any(String),
      s3Key: `edgeware/origins/rest/${rest.sha256.slice(0, 16)}.zip`,
      memoryMb: 512,
      timeoutS: 20,
      secrets: [],
    })
    expect(result.manifest.lambdaOrigins.find((o) => o.id === 'eu-api')).toMatchObject({ template: 'origins-eu-west-1.json', region: 'eu-west-1', domainParameter: 'EuApiOriginDomainName', zip: 'eu-api.origin.zip' })
    expect(result.manifest.originStacks).toEqual([{ region: 'eu-west-1', template: 'origins-eu-west-1.json' }])
    expect(result.manifest.distribution.originAccessControls).toEqual([{ origin: 'url', logicalId: 'UrlOriginAccessControl', name: 'shop-url' }])
  })

  it('the summary lists each origin with its integration, region and zip, and the regional template', () => {
    expect(lines).toContain('edgeware build: 6 Lambda origins from wrangler.toml (nodejs22.x, limits "classic")')
    expect(lines.some((l) => /^ {2}eu-api +origin \(http, eu-west-1\) +\d+ B zip$/.test(l))).toBe(true)
    expect(lines).toContain('  origins-eu-west-1.json: the Lambda origins in eu-west-1, a stack of their own that edgeware deploy deploys there first')
  })
})

describe('edgeware build: what behaviors send a Lambda origin', () => {
  const one = (integration: string, behavior: string) =>
    `name = "t"\n[[edge.origins]]\nid = "api"\nlambda = { handler = "api.ts", integration = "${integration}" }\n[edge.default_behavior]\norigin = "api"\n${behavior}`

  it.each(['rest', 'http', 'url'])('refuses the viewer\'s Host forwarded to %s (origin request policy AllViewer)', async (integration) => {
    const err = await buildError(one(integration, 'cache_policy = "CachingDisabled"\norigin_request_policy = "AllViewer"\n'))
    expect(err.code).toBe('ViewerHostForwarded')
    expect(err.message).toMatch(new RegExp(`^edge\\.default_behavior forwards the viewer's Host \\(origin request policy "AllViewer"\\) to Lambda origin "api" \\(integration "${integration}"\\): .* answers 403`))
  })

  it('refuses Host in the legacy cache headers, or reaching the origin through an origin group', async () => {
    const legacy = await buildError(one('rest', 'cache = { headers = ["host"] }\n'))
    expect(legacy.message).toContain('forwards the viewer\'s Host (cache.headers) to Lambda origin "api"')
    const group = `name = "t"\n[[edge.origins]]\nid = "app"\ndomain = "app.example.com"\n[[edge.origins]]\nid = "api"\nlambda = { handler = "api.ts", integration = "http" }\n[[edge.origin_groups]]\nid = "ha"\nmembers = ["app", "api"]\n[edge.default_behavior]\norigin = "ha"\ncache_policy = "Amplify"\n`
    const err = await buildError(group)
    expect(err.message).toContain('edge.default_behavior forwards the viewer\'s Host (cache policy "Amplify") to Lambda origin "api" (integration "http")')
  })

  it('lets an ALB have the viewer\'s Host, and builds a function URL behind AllViewerExceptHostHeader', async () => {
    const dir = join(await tempDir('origins-ok-'), 'out')
    await build({ config: await project(one('alb', 'cache_policy = "CachingDisabled"\norigin_request_policy = "AllViewer"\n')), outDir: dir })
    await build({ config: await project(one('url', 'cache_policy = "CachingDisabled"\norigin_request_policy = "AllViewerExceptHostHeader"\nallowed_methods = ["GET", "HEAD"]\n')), outDir: dir })
  })

  it('warns that PUT and POST bodies need x-amz-content-sha256 behind a function URL signed by CloudFront', async () => {
    const r = await build({ config: await project(one('url', '')), outDir: join(await tempDir('origins-warn-'), 'out') })
    expect(r.warnings).toContainEqual({
      code: 'SignedRequestBody',
      message: 'edge.default_behavior sends PUT and POST to function URL origin "api" behind origin access control: viewers must send the body\'s SHA-256 in x-amz-content-sha256 (Lambda doesn\'t take unsigned payloads), or set auth_type = "NONE"',
    })
  })

  it('refuses a function name an edge function has, and grants the secrets the function reads', async () => {
    const clash = await buildError(`name = "t"\n[[edge.origins]]\nid = "api"\nlambda = { handler = "api.ts", integration = "url" }\n[edge.default_behavior]\norigin = "api"\nallowed_methods = ["GET", "HEAD"]\nviewer_request = "edge-functions/origin/api.ts"\n`, {
      'edge-functions/origin/api.ts': 'export const handler = async (e: { Records: { cf: { request: unknown } }[] }) => e.Records[0]!.cf.request\n',
    })
    expect(clash.code).toBe('DuplicateFunctionName')
    expect(clash.message).toBe("edge.origins (api): the origin's function would be named t-origin-api, like an edge function: rename one of them")
    const secretApi = "import { secret } from 'edgeware/secrets'\nexport const handler = async () => ({ statusCode: 200, body: await secret('API_KEY') })\n"
    const dir = join(await tempDir('origins-secret-'), 'out')
    const r = await build({ config: await project(one('http', ''), { 'api.ts': secretApi }), outDir: dir })
    expect(r.manifest.lambdaOrigins[0]!.secrets).toEqual([{ name: 'API_KEY', store: 'ssm', id: '/t/API_KEY' }])
    const role = (read(dir, 'cloudformation.json') as Template).Resources.ApiOriginRole!.Properties
    expect(role.Policies).toEqual([
      { PolicyName: 'edge-secrets', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ssm:GetParameter', Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:ssm:us-east-1:${AWS::AccountId}:parameter/t/API_KEY' }] }] } },
    ])
  })

  it('warns about an environment variable the deployed function will not have', async () => {
    const r = await build({ config: await project(one('http', ''), { 'api.ts': 'export const handler = async () => ({ statusCode: 200, body: String(process.env.TOKEN) })\n' }), outDir: join(await tempDir('origins-env-'), 'out') })
    expect(r.warnings).toContainEqual({ code: 'OriginEnvironmentVariable', message: expect.stringMatching(/^Lambda origin api: api\.ts:1 reads the environment variable TOKEN.*, which the deployed function does not have \(the template sets no environment\): add it to \[vars\] to bake it in$/) })
  })
})
