/**
 * `edgeware deploy` of Lambda origins against the local AWS stand-ins: the ones in us-east-1 go into the edge
 * stack; each other region's go first into a stack of their own there, with their zips in that region's code
 * bucket, and their domain names reach the edge stack as parameters. A second deploy remembers the buckets and
 * changes nothing; `edgeware destroy` deletes the regional stacks after the edge stack and retains no regional
 * function.
 */
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../cli/run-cli.js'
import { cleanTempDirs, writeProject } from '../build/helpers.js'
import { callTrace, fakeAwsEnv, readJson } from './helpers.js'

let aws: Awaited<ReturnType<typeof fakeAwsEnv>>
let config: string

const TOML = `name = "apis"
[[edge.origins]]
id = "rest"
lambda = { handler = "api.ts", integration = "rest", memory = 256 }
[[edge.origins]]
id = "url"
lambda = { handler = "api.ts", integration = "url" }
[[edge.origins]]
id = "http"
lambda = { handler = "eu.ts", integration = "http", region = "eu-west-1" }
[[edge.origins]]
id = "alb"
lambda = { handler = "eu.ts", integration = "alb", region = "eu-west-1" }
[edge.default_behavior]
origin = "rest"
cache_policy = "CachingDisabled"
origin_request_policy = "AllViewerExceptHostHeader"
[[edge.behaviors]]
path_pattern = "/u/*"
origin = "url"
allowed_methods = ["GET", "HEAD"]
[[edge.behaviors]]
path_pattern = "/eu/*"
origin = "http"
[[edge.behaviors]]
path_pattern = "/alb/*"
origin = "alb"
`
const API = 'export const handler = async () => ({ statusCode: 200, body: "us" })\n'
const EU = 'export const handler = async () => ({ statusCode: 200, body: "eu" })\n'
const ALB_PARAMS = ['AlbOriginSubnets=subnet-1,subnet-2', 'AlbOriginSecurityGroups=sg-1', 'AlbOriginCertificateArn=arn:aws:acm:eu-west-1:123456789012:certificate/abc', 'AlbOriginDomainName=alb.example.com'].flatMap((p) => ['--param', p])

beforeAll(async () => {
  aws = await fakeAwsEnv({ 'edge-code': 'us-east-1', 'code-eu': 'eu-west-1' })
  config = await writeProject({ 'wrangler.toml': TOML, 'api.ts': API, 'eu.ts': EU }, 'deploy-origins-')
})
afterAll(async () => {
  await aws.restore()
  await cleanTempDirs()
})

const state = () => readJson<Record<string, unknown>>(join(dirname(config), '.edgeware', 'deploy', 'apis.json'))
const calls = (action: string) => aws.calls.filter((c) => c.action === action)
const paramsOf = (input: Record<string, unknown>) => Object.fromEntries((input.Parameters as { ParameterKey: string; ParameterValue?: string }[]).map((p) => [p.ParameterKey, p.ParameterValue]))

describe('edgeware deploy: Lambda origins', () => {
  it('--bucket takes one bucket for us-east-1 and REGION=BUCKET for the others (exit 2 otherwise)', async () => {
    const two = await runCli('deploy', '--config', config, '--bucket', 'a-bucket', '--bucket', 'b-bucket')
    expect(two.code).toBe(2)
    expect(two.err).toMatch(/^edgeware deploy: --bucket: one bucket for us-east-1 \(got a-bucket and b-bucket\); name a region's bucket as REGION=BUCKET/)
    const bad = await runCli('deploy', '--config', config, '--bucket', 'Mars=b-bucket')
    expect(bad.code).toBe(2)
    expect(bad.err).toMatch(/^edgeware deploy: --bucket must be BUCKET or REGION=BUCKET, got "Mars=b-bucket"/)
    expect(aws.calls).toEqual([])
  })

  it('asks for a code bucket in each region with Lambda origins, and checks it is there', async () => {
    const none = await runCli('deploy', '--config', config, '--bucket', 'edge-code', ...ALB_PARAMS)
    expect(none.code).toBe(1)
    expect(none.err).toBe('edgeware deploy: no code bucket in eu-west-1 for the Lambda origins there: pass --bucket eu-west-1=<an S3 bucket in eu-west-1> (later deploys remember it)')
    expect(aws.calls).toEqual([])
    const wrong = await runCli('deploy', '--config', config, '--bucket', 'edge-code', '--bucket', 'eu-west-1=edge-code', ...ALB_PARAMS)
    expect(wrong.code).toBe(1)
    expect(wrong.err).toBe('edgeware deploy: the code bucket edge-code is in us-east-1: the Lambda origins in eu-west-1 read their code from a bucket there')
    expect(calls('PutObject')).toEqual([])
  })

  it('deploys the eu-west-1 origins first, in their region, and passes their domain names to the edge stack', async () => {
    aws.calls.length = 0
    const r = await runCli('deploy', '--config', config, '--bucket', 'edge-code', '--bucket', 'eu-west-1=code-eu', ...ALB_PARAMS)
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    const manifest = readJson<{ lambdaOrigins: { id: string; s3Key: string; template: string }[] }>(join(dirname(config), '.edgeware', 'build', 'manifest.json'))
    const key = (id: string) => manifest.lambdaOrigins.find((o) => o.id === id)!.s3Key
    // each zip in the bucket of its region
    expect(calls('PutObject').map((c) => [c.region, c.input.Bucket, c.input.Key])).toEqual([
      ['us-east-1', 'edge-code', key('rest')],
      ['us-east-1', 'edge-code', key('url')],
      ['eu-west-1', 'code-eu', key('http')],
      ['eu-west-1', 'code-eu', key('alb')],
    ])
    const [eu, edge] = calls('CreateChangeSet')
    expect([eu!.region, eu!.input.StackName, edge!.region, edge!.input.StackName]).toEqual(['eu-west-1', 'apis-origins-eu-west-1', 'us-east-1', 'apis'])
    expect(callTrace(aws.calls).indexOf('cloudformation:CreateChangeSet')).toBeGreaterThan(callTrace(aws.calls).lastIndexOf('s3:PutObject'))
    expect(paramsOf(eu!.input)).toEqual({
      CodeBucket: 'code-eu',
      HttpOriginCodeKey: key('http'),
      AlbOriginCodeKey: key('alb'),
      AlbOriginSubnets: 'subnet-1,subnet-2',
      AlbOriginSecurityGroups: 'sg-1',
      AlbOriginCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
    })
    expect(paramsOf(edge!.input)).toEqual({
      CodeBucket: 'edge-code',
      RestOriginCodeKey: key('rest'),
      UrlOriginCodeKey: key('url'),
      // the regional stack's output, as the stack answered it
      HttpOriginDomainName: expect.stringMatching(/^[0-9a-z]{10}\.execute-api\.eu-west-1\.amazonaws\.com$/),
      AlbOriginDomainName: 'alb.example.com',
    })
    expect(r.out).toMatch(/stack apis-origins-eu-west-1: creating/)
    expect(r.out).toMatch(/\+ Add +HttpOriginHttpApi +AWS::ApiGatewayV2::Api/)
    expect(r.out).toMatch(/CREATE_COMPLETE +AlbOriginTargetGroup \(AWS::ElasticLoadBalancingV2::TargetGroup\)/)
    expect(r.out).toMatch(/\+ Add +RestOriginRestApi +AWS::ApiGateway::RestApi/)
    expect(r.out).toMatch(/deployed apis: https:\/\/d[0-9a-z]+\.cloudfront\.net$/m)
    for (const n of ['apis-origin-rest', 'apis-origin-url', 'apis-origin-http', 'apis-origin-alb']) expect(aws.lambda.functions.has(n), n).toBe(true)
    expect(state()).toMatchObject({
      bucket: 'edge-code',
      regionBuckets: { 'eu-west-1': 'code-eu' },
      originStacks: [{ stack: 'apis-origins-eu-west-1', region: 'eu-west-1' }],
      originFunctions: ['apis-origin-rest', 'apis-origin-url'],
      functions: [],
    })
  })

  it('a second deploy remembers the buckets and the parameters, and changes nothing', async () => {
    aws.calls.length = 0
    const r = await runCli('deploy', '--config', config)
    expect(r.code, r.err).toBe(0)
    expect(calls('PutObject')).toEqual([])
    expect(calls('ExecuteChangeSet')).toEqual([])
    expect(r.out).toContain('stack apis-origins-eu-west-1: nothing to deploy')
    expect(r.out).toContain('stack apis: nothing to deploy')
  })

  it('new code in a regional origin updates its function in its own stack; the edge stack stays as it is', async () => {
    writeFileSync(join(dirname(config), 'eu.ts'), EU.replace('"eu"', '"eu, again"'))
    aws.calls.length = 0
    const r = await runCli('deploy', '--config', config)
    expect(r.code, r.err).toBe(0)
    expect(calls('PutObject').map((c) => c.input.Bucket)).toEqual(['code-eu', 'code-eu'])
    expect(r.out).toMatch(/~ Modify +HttpOriginFunction +AWS::Lambda::Function/)
    expect(r.out).toContain('stack apis: nothing to deploy')
  })

  it('edgeware destroy deletes the edge stack, then the regional one; regional functions are not retained', async () => {
    aws.calls.length = 0
    const r = await runCli('destroy', '--config', config, '--yes')
    expect(r.code, r.err).toBe(0)
    expect(calls('DeleteStack').map((c) => [c.region, c.input.StackName])).toEqual([
      ['us-east-1', expect.stringContaining(':stack/apis/')],
      ['eu-west-1', expect.stringContaining(':stack/apis-origins-eu-west-1/')],
    ])
    expect(r.out).not.toMatch(/retained/)
    for (const n of ['apis-origin-rest', 'apis-origin-http']) expect(aws.lambda.functions.has(n), n).toBe(false)
    expect(state()).toMatchObject({ retained: [], functions: [] })
    expect(state().originStacks).toBeUndefined()
  })
})
