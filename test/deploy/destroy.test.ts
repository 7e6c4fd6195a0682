/**
 * `edgeware destroy` and `edgeware cleanup` against the stand-ins: the stack goes, its Lambda@Edge functions stay
 * (DeletionPolicy) and are recorded; cleanup deletes them only once CloudFront's replicas are gone (exit code 3
 * until then), is idempotent, and never touches a function the stack holds. Also multipart uploads that resume.
 */
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uploadAll } from '../../src/deploy/upload.js'
import { DeployError } from '../../src/deploy/errors.js'
import { runCli } from '../cli/run-cli.js'
import { cleanTempDirs, tempDir } from '../build/helpers.js'
import { callTrace, fakeAwsEnv, readJson, site, siteToml } from './helpers.js'

type Fake = Awaited<ReturnType<typeof fakeAwsEnv>>
let aws: Fake
let config: string
const state = () => readJson<{ functions: string[]; retained: { functionName: string; reason: string }[] }>(join(dirname(config), '.edgeware', 'deploy', 'shop.json'))

beforeAll(async () => {
  aws = await fakeAwsEnv()
  config = await site({ response: true })
  const r = await runCli('deploy', '--config', config, '--bucket', 'edge-code', '--param', 'AppOriginDomainName=app.example.com')
  expect(r.code).toBe(0)
})
afterAll(async () => {
  await aws.restore()
  await cleanTempDirs()
})

describe('a deploy that drops a function', () => {
  it('retains it (it may still be replicated) and records it for cleanup', async () => {
    writeFileSync(config, siteToml())
    const r = await runCli('deploy', '--config', config, '--skip-origin-table')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/- Remove +ResponseFunction +AWS::Lambda::Function/)
    expect(r.out).toMatch(/DELETE_SKIPPED +ResponseFunction/)
    expect(r.out).toContain('retained shop-response (no longer in the stack): `edgeware cleanup` deletes them once their replicas are gone')
    expect(aws.lambda.functions.has('shop-response')).toBe(true)
    expect(state().retained).toEqual([expect.objectContaining({ functionName: 'shop-response', reason: 'removed' })])
    expect(state().functions).toEqual(['shop-origin', 'shop-viewer'])
  })
})

describe('edgeware destroy', () => {
  it('asks for confirmation: without --yes and without a terminal it deletes nothing', async () => {
    aws.calls.length = 0
    const r = await runCli('destroy', '--config', config)
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/^edgeware destroy: this deletes stack shop and its CloudFront distribution: pass --yes to confirm/)
    expect(aws.calls).toEqual([])
  })

  it('deletes the stack, keeps its edge functions (and the origin table stack), and records them', async () => {
    aws.calls.length = 0
    const r = await runCli('destroy', '--config', config, '--yes')
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    // the stand-in pages resources 3 at a time: every page is read (the functions are on different pages)
    expect(callTrace(aws.calls)).toEqual(['cloudformation:DescribeStacks', 'cloudformation:ListStackResources*', 'cloudformation:DescribeStackEvents', 'cloudformation:DeleteStack', 'cloudformation:follow*'])
    expect(r.out).toMatch(/DELETE_SKIPPED +ViewerFunction \(AWS::Lambda::Function\)/)
    expect(r.out).toMatch(/DELETE_SKIPPED +ViewerVersion \(AWS::Lambda::Version\)/)
    expect(r.out).toMatch(/DELETE_COMPLETE +Distribution/)
    expect(r.out).toContain('retained 2 Lambda@Edge functions: shop-origin, shop-viewer')
    expect([...aws.lambda.functions.keys()].sort()).toEqual(['shop-origin', 'shop-response', 'shop-viewer'])
    expect(state().retained.map((x) => [x.functionName, x.reason])).toEqual([
      ['shop-response', 'removed'],
      ['shop-origin', 'destroyed'],
      ['shop-viewer', 'destroyed'],
    ])
    expect(state().functions).toEqual([])
    expect([...aws.cfn.stacks.values()].filter((s) => !s.deleted).map((s) => s.name)).toEqual(['shop-origin-table'])
  })

  it('a second destroy finds nothing to do', async () => {
    const r = await runCli('destroy', '--config', config, '--yes')
    expect(r.code).toBe(0)
    expect(r.out).toBe('no stack shop: nothing to destroy')
  })

  it('a deploy before cleanup says the retained functions are in the way', async () => {
    const r = await runCli('deploy', '--config', config)
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/^edgeware deploy: shop-origin, shop-viewer still exist from an earlier destroy of shop: run `edgeware cleanup` once CloudFront has removed the replicas/)
  })
})

describe('edgeware cleanup', () => {
  it('while CloudFront still holds replicas: says so, keeps them listed, exit code 3', async () => {
    aws.calls.length = 0
    const r = await runCli('cleanup', '--config', config)
    expect(r.code).toBe(3)
    expect(aws.calls.map((c) => `${c.action} ${c.input.FunctionName}`)).toEqual(['DeleteFunction shop-response', 'DeleteFunction shop-origin', 'DeleteFunction shop-viewer'])
    expect(r.out).toContain('shop-viewer is still replicated (CloudFront has not removed every replica yet): retry later')
    expect(r.out).toContain('3 functions are still replicated: run `edgeware cleanup` again later')
    expect(state().retained).toHaveLength(3)
  })

  it('once the replicas are gone: deletes them; one deleted elsewhere is dropped; exit code 0', async () => {
    aws.lambda.dropReplicas()
    aws.lambda.functions.delete('shop-response')
    const r = await runCli('cleanup', '--config', config)
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.out.split('\n')).toEqual(['shop-response is already gone', 'deleted shop-origin', 'deleted shop-viewer'])
    expect(aws.lambda.functions.size).toBe(0)
    expect(state().retained).toEqual([])
  })

  it('is idempotent: nothing left, nothing called', async () => {
    aws.calls.length = 0
    const r = await runCli('cleanup', '--config', config)
    expect(r.code).toBe(0)
    expect(r.out).toBe('nothing to clean up for shop')
    expect(aws.calls).toEqual([])
  })

  it('the stack can be deployed again, and destroy --origin-table removes the table stack too', async () => {
    const r = await runCli('deploy', '--config', config, '--param', 'AppOriginDomainName=app.example.com')
    expect(r.code).toBe(0)
    expect(r.out).toContain('stack shop: creating')
    const d = await runCli('destroy', '--config', config, '--yes', '--origin-table')
    expect(d.code).toBe(0)
    expect(d.out).toContain('deleting stack shop-origin-table (the origin table and every rule in it)')
    expect([...aws.cfn.stacks.values()].filter((s) => !s.deleted)).toEqual([])
  })
})

describe('multipart uploads', () => {
  it('a large zip goes up in parts; an upload cut short resumes with the missing parts only', async () => {
    const dir = await tempDir('multipart-')
    const file = join(dir, 'big.zip')
    const data = randomBytes(12 * 1024 * 1024)
    writeFileSync(file, data)
    const s3 = new S3Client({ region: 'us-east-1', endpoint: aws.url, forcePathStyle: true })
    const opts = { multipartThresholdBytes: 8 * 1024 * 1024, partSizeBytes: 5 * 1024 * 1024 }
    aws.fault = (c) => (c.action === 'UploadPart' && c.input.PartNumber === 2 ? { status: 500, headers: { 'content-type': 'application/xml' }, body: '<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>' } : undefined)
    aws.calls.length = 0
    const first = await uploadAll(s3, 'edge-code', [{ key: 'edgeware/big/0123456789abcdef.zip', file }], opts).then(() => undefined, (e: unknown) => e)
    expect(first).toBeInstanceOf(DeployError)
    expect((first as DeployError).code).toBe('UploadFailed')
    expect(aws.calls.map((c) => `${c.action}${c.input.PartNumber ? ` ${c.input.PartNumber}` : ''}`)).toEqual([
      'HeadObject',
      'ListMultipartUploads',
      'CreateMultipartUpload',
      'UploadPart 1',
      'UploadPart 2',
      'UploadPart 2',
      'UploadPart 2',
    ])
    aws.fault = undefined
    aws.calls.length = 0
    const lines: string[] = []
    const r = await uploadAll(s3, 'edge-code', [{ key: 'edgeware/big/0123456789abcdef.zip', file }], { ...opts, log: (l) => lines.push(l) })
    expect(r.uploaded).toEqual(['edgeware/big/0123456789abcdef.zip'])
    expect(aws.calls.map((c) => `${c.action}${c.input.PartNumber ? ` ${c.input.PartNumber}` : ''}`)).toEqual([
      'HeadObject',
      'ListMultipartUploads',
      'ListParts',
      'UploadPart 2',
      'UploadPart 3',
      'CompleteMultipartUpload',
    ])
    expect(lines).toContain('  resumed edgeware/big/0123456789abcdef.zip: 1 of 3 parts were already uploaded')
    expect(aws.s3.objects.get('edge-code/edgeware/big/0123456789abcdef.zip')!.body.equals(data)).toBe(true)
    s3.destroy()
  })
})
