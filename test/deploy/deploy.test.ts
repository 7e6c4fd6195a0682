/**
 * `edgeware deploy` against local stand-ins for S3, CloudFormation and Lambda that speak the real wire protocols
 * (SigV4 checked): the exact calls and their order, idempotence (a second deploy uploads nothing, executes
 * nothing, publishes no version), a code change publishing exactly one version, change set and rollback failures
 * reported with CloudFormation's reason, resumed uploads, environments kept apart, large templates through S3.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../cli/run-cli.js'
import { cleanTempDirs, tempDir } from '../build/helpers.js'
import { callTrace, fakeAwsEnv, readJson, site, VIEWER } from './helpers.js'

type Fake = Awaited<ReturnType<typeof fakeAwsEnv>>
let aws: Fake
let config: string
let buildDir: string

beforeAll(async () => {
  aws = await fakeAwsEnv()
  config = await site()
  buildDir = join(dirname(config), '.edgeware', 'build')
})
afterAll(async () => {
  await aws.restore()
  await cleanTempDirs()
})

const deployArgs = (...extra: string[]) => ['deploy', '--config', config, ...extra]
const manifest = () => readJson<{ functions: { name: string; s3Key: string; functionName: string }[] }>(join(buildDir, 'manifest.json'))
const inputs = (action: string) => aws.calls.filter((c) => c.action === action).map((c) => c.input)

describe('edgeware deploy', () => {
  it('first deploy: checks the bucket, uploads each zip, creates the origin table stack, then the edge stack through change sets', async () => {
    const r = await runCli(...deployArgs('--bucket', 'edge-code', '--param', 'AppOriginDomainName=app.example.com'))
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    const keys = manifest().functions.map((f) => f.s3Key)
    // per stack (the origin table's, then the edge's): the change set, then following its execution
    const stack = ['DescribeStacks', 'CreateChangeSet', 'DescribeChangeSet*', 'DescribeStackEvents', 'ExecuteChangeSet', 'follow*'].map((a) => `cloudformation:${a}`)
    expect(callTrace(aws.calls)).toEqual(['s3:HeadBucket', 's3:HeadObject', 's3:PutObject', 's3:HeadObject', 's3:PutObject', ...stack, ...stack])
    expect(inputs('PutObject').map((i) => i.Key)).toEqual(keys)
    expect(aws.s3.objects.get(`edge-code/${keys[0]}`)!.body).toEqual(readFileSync(join(buildDir, 'origin.zip')))
    const [table, edge] = inputs('CreateChangeSet')
    expect(table).toMatchObject({ StackName: 'shop-origin-table', ChangeSetType: 'CREATE', TemplateBody: readFileSync(join(buildDir, 'origin-table.json'), 'utf8') })
    expect(edge).toMatchObject({ StackName: 'shop', ChangeSetType: 'CREATE', Capabilities: ['CAPABILITY_IAM'], TemplateBody: readFileSync(join(buildDir, 'cloudformation.json'), 'utf8') })
    expect(Object.fromEntries((edge!.Parameters as { ParameterKey: string; ParameterValue: string }[]).map((p) => [p.ParameterKey, p.ParameterValue]))).toEqual({
      AppOriginDomainName: 'app.example.com',
      CodeBucket: 'edge-code',
      OriginCodeKey: keys[0],
      ViewerCodeKey: keys[1],
    })
    expect(r.out).toContain('stack shop: creating (7 changes)')
    expect(r.out).toMatch(/\+ Add +ViewerVersion +AWS::Lambda::Version/)
    expect(r.out).toMatch(/CREATE_COMPLETE +Distribution \(AWS::CloudFront::Distribution\)/)
    expect(r.out).toMatch(/deployed shop: https:\/\/d[0-9a-z]+\.cloudfront\.net$/m)
    expect(aws.lambda.published).toEqual([
      { functionName: 'shop-origin', version: 1 },
      { functionName: 'shop-viewer', version: 1 },
    ])
    const state = readJson(join(dirname(config), '.edgeware', 'deploy', 'shop.json'))
    expect(state).toMatchObject({ stack: 'shop', bucket: 'edge-code', functions: ['shop-origin', 'shop-viewer'], retained: [], originTableStack: 'shop-origin-table' })
  })

  it('a second deploy with no change uploads nothing, executes nothing and publishes no version (11 calls)', async () => {
    aws.calls.length = 0
    const r = await runCli(...deployArgs())
    expect(r.code).toBe(0)
    const stack = ['DescribeStacks', 'CreateChangeSet', 'DescribeChangeSet*', 'DeleteChangeSet'].map((a) => `cloudformation:${a}`)
    expect(callTrace(aws.calls)).toEqual(['s3:HeadBucket', 's3:HeadObject', 's3:HeadObject', ...stack, ...stack])
    // the bucket is remembered; the origin's domain keeps its value
    expect(inputs('CreateChangeSet')[1]!.Parameters).toContainEqual({ ParameterKey: 'AppOriginDomainName', UsePreviousValue: 'true' })
    expect(r.out).toContain('stack shop: nothing to deploy (the change set had no changes and was deleted)')
    expect(r.out).toMatch(/shop is up to date: https:\/\/d[0-9a-z]+\.cloudfront\.net/)
    expect(aws.lambda.published).toHaveLength(2)
    expect(aws.calls.filter((c) => c.action !== 'DescribeChangeSet')).toHaveLength(11 - 2)
  })

  it('a code change uploads that zip only and publishes exactly one new version of that function', async () => {
    writeFileSync(join(dirname(config), 'edge-functions', 'viewer.ts'), VIEWER.replace("'1'", "'2'"))
    aws.calls.length = 0
    const r = await runCli(...deployArgs())
    expect(r.code).toBe(0)
    expect(inputs('PutObject').map((i) => i.Key)).toEqual([manifest().functions.find((f) => f.name === 'viewer')!.s3Key])
    expect(r.out).toContain('stack shop-origin-table: nothing to deploy')
    expect(r.out).toMatch(/~ Modify +ViewerFunction +AWS::Lambda::Function/)
    expect(r.out).toMatch(/± Replace +ViewerVersion +AWS::Lambda::Version/)
    expect(r.out).toMatch(/~ Modify +Distribution +AWS::CloudFront::Distribution/)
    expect(r.out).not.toMatch(/Origin(Function|Version)/)
    // the old version is retained (UpdateReplacePolicy), not deleted: CloudFront may still run it
    expect(r.out).toMatch(/DELETE_SKIPPED +ViewerVersion/)
    expect(aws.lambda.published.slice(2)).toEqual([{ functionName: 'shop-viewer', version: 2 }])
  })

  it('a change set CloudFormation refuses is reported with its reason and deleted; nothing is executed', async () => {
    writeFileSync(join(dirname(config), 'edge-functions', 'viewer.ts'), VIEWER.replace("'1'", "'3'"))
    aws.cfn.failNextChangeSet = 'Template error: instance of Fn::GetAtt references undefined resource Missing'
    aws.calls.length = 0
    const r = await runCli(...deployArgs('--skip-origin-table'))
    expect(r.code).toBe(1)
    expect(r.err).toBe('edgeware deploy: the change set for shop failed and was deleted: Template error: instance of Fn::GetAtt references undefined resource Missing')
    expect(callTrace(aws.calls).slice(-4)).toEqual(['cloudformation:DescribeStacks', 'cloudformation:CreateChangeSet', 'cloudformation:DescribeChangeSet*', 'cloudformation:DeleteChangeSet'])
    expect(inputs('ExecuteChangeSet')).toEqual([])
  })

  it('a failed deploy is reported with the failing resource and its reason after the rollback', async () => {
    aws.cfn.failResource.set('Distribution', 'Resource handler returned message: "Invalid request provided: The function ARN must reference a specific function version." (RequestToken: x, HandlerErrorCode: InvalidRequest)')
    const published = aws.lambda.published.length
    const r = await runCli(...deployArgs('--skip-origin-table'))
    expect(r.code).toBe(1)
    expect(r.err).toBe(
      'edgeware deploy: deploying shop failed: Distribution (AWS::CloudFront::Distribution) UPDATE_FAILED: Resource handler returned message: "Invalid request provided: The function ARN must reference a specific function version." (RequestToken: x, HandlerErrorCode: InvalidRequest); the stack rolled back to its previous state (UPDATE_ROLLBACK_COMPLETE)',
    )
    expect(r.out).toMatch(/UPDATE_ROLLBACK_IN_PROGRESS +shop: The following resource\(s\) failed to update: \[Distribution\]/)
    // the version created by the failed deploy was deleted by the rollback (RetainExceptOnCreate)
    expect(r.out).toMatch(/DELETE_COMPLETE +ViewerVersion/)
    expect(aws.lambda.published).toHaveLength(published + 1)
    // the next deploy goes through
    const again = await runCli(...deployArgs('--skip-origin-table'))
    expect(again.code).toBe(0)
    expect(again.out).toMatch(/deployed shop/)
  })

  it('an upload cut short resumes: the next run uploads only what is missing', async () => {
    writeFileSync(join(dirname(config), 'edge-functions', 'viewer.ts'), VIEWER.replace("'1'", "'4'"))
    const origin = readFileSync(join(dirname(config), 'edge-functions', 'origin.ts'), 'utf8')
    writeFileSync(join(dirname(config), 'edge-functions', 'origin.ts'), origin.replace('ttl: 60', 'ttl: 61'))
    aws.fault = (c) => (c.action === 'PutObject' && String(c.input.Key).startsWith('edgeware/viewer/') ? 'drop' : undefined)
    aws.calls.length = 0
    const r = await runCli(...deployArgs('--skip-origin-table'))
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/^edgeware deploy: uploading .*viewer\.zip to s3:\/\/edge-code\/edgeware\/viewer\/[0-9a-f]{16}\.zip failed \(.*\); run the deploy again to upload what is missing$/)
    expect(inputs('PutObject').map((i) => String(i.Key).split('/')[1])).toEqual(['origin', 'viewer', 'viewer', 'viewer'])
    expect(inputs('CreateChangeSet')).toEqual([])
    aws.fault = undefined
    aws.calls.length = 0
    const again = await runCli(...deployArgs('--skip-origin-table'))
    expect(again.code).toBe(0)
    expect(inputs('PutObject').map((i) => String(i.Key).split('/')[1])).toEqual(['viewer'])
  })
})

describe('what deploy needs, and environments', () => {
  it('refuses without a bucket, credentials or a parameter, and a bucket that is missing or not in us-east-1', async () => {
    const cfg = await site()
    const noBucket = await runCli('deploy', '--config', cfg, '--stack', 'other')
    expect(noBucket.code).toBe(1)
    expect(noBucket.err).toBe('edgeware deploy: no code bucket for stack other: pass --bucket <an S3 bucket in us-east-1> (later deploys remember it)')
    const noParam = await runCli('deploy', '--config', cfg, '--stack', 'other', '--bucket', 'edge-code', '--skip-origin-table')
    expect(noParam.code).toBe(1)
    expect(noParam.err).toBe('edgeware deploy: stack other needs a value for AppOriginDomainName: pass --param AppOriginDomainName=… (later deploys reuse it)')
    const missing = await runCli('deploy', '--config', cfg, '--stack', 'other', '--bucket', 'no-such-bucket')
    expect(missing.err).toMatch(/^edgeware deploy: the code bucket no-such-bucket does not exist: create it in us-east-1/)
    const saved = { ...process.env }
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) delete process.env[k]
    try {
      const noCredentials = await runCli('deploy', '--config', cfg, '--stack', 'other', '--bucket', 'edge-code')
      expect(noCredentials.err).toMatch(/^edgeware deploy: no AWS credentials \(Could not load credentials from any providers\): use --profile or AWS_PROFILE/)
    } finally {
      Object.assign(process.env, saved)
    }
    aws.s3.buckets.set('eu-code', 'eu-west-1')
    const wrongRegion = await runCli('deploy', '--config', cfg, '--stack', 'other', '--bucket', 'eu-code')
    expect(wrongRegion.err).toBe('edgeware deploy: the code bucket eu-code is in eu-west-1: Lambda@Edge functions are created in us-east-1 and read their code from a bucket there')
  })

  it('a first deploy that fails leaves nothing behind, and the next one starts over', async () => {
    const cfg = await site()
    aws.cfn.failResource.set('Distribution', 'Resource handler returned message: "Invalid request provided: AWS::CloudFront::Distribution: The specified origin server does not exist or is not valid."')
    const r = await runCli('deploy', '--config', cfg, '--env', 'first', '--bucket', 'edge-code', '--param', 'AppOriginDomainName=app.example.com', '--skip-origin-table')
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/^edgeware deploy: deploying shop-first failed: Distribution \(AWS::CloudFront::Distribution\) CREATE_FAILED: .*; the stack was rolled back \(ROLLBACK_COMPLETE\)$/)
    // never associated, so deleted by the rollback (RetainExceptOnCreate), not retained
    expect(r.out).toMatch(/DELETE_COMPLETE +ViewerFunction/)
    expect(aws.lambda.functions.has('shop-first-viewer')).toBe(false)
    // the bucket is remembered; the parameter is not (the failed stack had none to keep)
    const again = await runCli('deploy', '--config', cfg, '--env', 'first', '--skip-origin-table', '--param', 'AppOriginDomainName=app.example.com')
    expect(again.code).toBe(0)
    expect(again.out).toContain('stack shop-first is ROLLBACK_COMPLETE from a first deploy that failed: deleting it before creating it again')
    expect(again.out).toContain('stack shop-first: creating')
    expect(aws.lambda.functions.has('shop-first-viewer')).toBe(true)
  })

  it('a stack busy with another operation, or stuck in a failed state, is refused with what to do; nothing is changed', async () => {
    const shop = [...aws.cfn.stacks.values()].find((s) => s.name === 'shop' && !s.deleted)!
    const settled = shop.status
    try {
      shop.status = 'UPDATE_IN_PROGRESS'
      aws.calls.length = 0
      const busy = await runCli('deploy', '--config', config, '--skip-origin-table')
      expect(busy.code).toBe(1)
      expect(busy.err).toBe('edgeware deploy: stack shop is UPDATE_IN_PROGRESS: wait until that operation ends, then deploy again')
      expect(aws.calls.filter((c) => /ChangeSet/.test(c.action))).toEqual([])
      shop.status = 'UPDATE_ROLLBACK_FAILED'
      shop.statusReason = 'Resource Distribution failed to roll back'
      const stuck = await runCli('deploy', '--config', config, '--skip-origin-table')
      expect(stuck.code).toBe(1)
      expect(stuck.err).toBe(
        'edgeware deploy: stack shop is UPDATE_ROLLBACK_FAILED (Resource Distribution failed to roll back): fix it in the CloudFormation console (e.g. continue the rollback), then deploy again',
      )
      expect(aws.calls.filter((c) => /ChangeSet/.test(c.action))).toEqual([])
    } finally {
      shop.status = settled
      delete shop.statusReason
    }
  })

  it('refuses a --param the template does not have', async () => {
    const r = await runCli('deploy', '--config', config, '--param', 'Nope=1', '--skip-origin-table')
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/^edgeware deploy: the template has no parameter Nope \(it has .*AppOriginDomainName/)
  })

  it('--env keeps stacks, function names, secrets prefixes and state apart', async () => {
    const cfg = await site()
    aws.calls.length = 0
    const r = await runCli('deploy', '--config', cfg, '--env', 'staging', '--bucket', 'edge-code', '--param', 'AppOriginDomainName=staging.example.com')
    expect(r.code).toBe(0)
    expect(inputs('CreateChangeSet').map((i) => i.StackName)).toEqual(['shop-staging-origin-table', 'shop-staging'])
    expect(readJson(join(dirname(cfg), '.edgeware', 'build-staging', 'manifest.json'))).toMatchObject({ name: 'shop-staging' })
    expect(aws.lambda.functions.has('shop-staging-viewer')).toBe(true)
    expect(readJson(join(dirname(cfg), '.edgeware', 'deploy', 'shop-staging.json'))).toMatchObject({ stack: 'shop-staging', functions: ['shop-staging-origin', 'shop-staging-viewer'] })
  })

  it('a template over 51,200 bytes goes to the code bucket and is deployed by its URL', async () => {
    const dir = join(await tempDir('big-template-'), 'build')
    cpSync(buildDir, dir, { recursive: true })
    const t = readJson<Record<string, unknown>>(join(dir, 'cloudformation.json'))
    t.Metadata = { padding: 'x'.repeat(60_000) }
    const text = JSON.stringify(t)
    writeFileSync(join(dir, 'cloudformation.json'), text)
    aws.calls.length = 0
    const r = await runCli('deploy', '--config', config, '--from', dir, '--skip-origin-table')
    expect(r.code).toBe(0)
    const put = inputs('PutObject').map((i) => String(i.Key))
    expect(put).toEqual([expect.stringMatching(/^edgeware\/templates\/[0-9a-f]{16}\.json$/)])
    const cs = inputs('CreateChangeSet')[0]!
    expect(cs.TemplateBody).toBeUndefined()
    expect(cs.TemplateURL).toBe(`${aws.url}/edge-code/${put[0]}`)
    expect(aws.s3.objects.get(`edge-code/${put[0]}`)!.body.toString()).toBe(text)
  })
})
