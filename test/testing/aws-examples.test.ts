import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { CfRequest, CfResponse } from 'edgeware'
import { checkResult } from 'edgeware/cloudfront'
import { createEvent, invoke, runHandler, type AnyHandler } from 'edgeware/testing'
import { runCli } from '../cli/run-cli.js'

// Functions of our own, written in the plain form of AWS's Lambda@Edge examples (no edgeware), that do what those
// examples do: they must run unchanged through invoke() and `edgeware invoke`, judged as CloudFront judges them.
const FIXTURES = join(import.meta.dirname, 'fixtures', 'aws-style')
const load = (name: string): AnyHandler => (createRequire(import.meta.url)(join(FIXTURES, name)) as { handler: AnyHandler }).handler
const tmp = mkdtempSync(join(tmpdir(), 'edgeware-aws-style-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

function eventFile(name: string, event: unknown): string {
  const file = join(tmp, name)
  writeFileSync(file, JSON.stringify(event))
  return file
}

describe("a header entry copied under another header's name (AWS's override-a-response-header example)", () => {
  const event = createEvent('origin-response', {
    responseHeaders: { 'x-amz-meta-last-modified': 'Tue, 01 Jul 2025 10:00:00 GMT', 'last-modified': 'Wed, 02 Jul 2025 08:00:00 GMT' },
  })

  it('is accepted with a HeaderKeyMismatch warning that names what goes on the wire', async () => {
    const { violations, warnings, result } = await runHandler(load('copy-meta-header.cjs'), event)
    expect(violations).toEqual([])
    expect(warnings.map((w) => [w.code, w.path])).toEqual([['HeaderKeyMismatch', 'headers.last-modified[0].key']])
    expect(warnings[0]!.message).toContain('sent as Last-Modified')
    expect((result as CfResponse).headers['last-modified']).toEqual([{ key: 'x-amz-meta-last-modified', value: 'Tue, 01 Jul 2025 10:00:00 GMT' }])
    await expect(invoke(load('copy-meta-header.cjs'), event)).resolves.toEqual(result)
  })

  it('runs through `edgeware invoke`, which prints the warning and exits 0', async () => {
    const { code, out } = await runCli('invoke', join(FIXTURES, 'copy-meta-header.cjs'), '--event', eventFile('oresp.json', event))
    expect(code).toBe(0)
    expect(out).toContain('HeaderKeyMismatch')
    expect(out).toContain('Tue, 01 Jul 2025 10:00:00 GMT')
  })

  it('a key that spells the name in another case is no warning at all', () => {
    const response = structuredClone(event.Records[0]!.cf.response!)
    response.headers['last-modified'] = [{ key: 'LAST-modified', value: 'x' }]
    expect(checkResult('origin-response', event, response)).toEqual({ violations: [], warnings: [] })
  })
})

describe("switching to an S3 origin in origin-request (AWS's custom-to-S3 example)", () => {
  it('replaces the custom origin and the Host header when asked to, and is valid', async () => {
    const event = createEvent('origin-request', { querystring: 'from=s3' })
    const out = (await invoke(load('switch-to-s3.cjs'), event)) as CfRequest
    expect(out.origin).toEqual({ s3: { domainName: 'assets-bucket.s3.amazonaws.com', region: '', authMethod: 'none', path: '', customHeaders: {} } })
    expect(out.headers['host']).toEqual([{ key: 'host', value: 'assets-bucket.s3.amazonaws.com' }])
  })

  it('passes the request on unchanged otherwise', async () => {
    const event = createEvent('origin-request')
    await expect(invoke(load('switch-to-s3.cjs'), event)).resolves.toEqual(event.Records[0]!.cf.request)
  })

  it('runs through `edgeware invoke` on an event file', async () => {
    const file = eventFile('oreq-s3.json', createEvent('origin-request', { querystring: 'from=s3' }))
    const { code, out } = await runCli('invoke', join(FIXTURES, 'switch-to-s3.cjs'), '--event', file)
    expect(code).toBe(0)
    expect(out).toContain('assets-bucket.s3.amazonaws.com')
  })

  it('an origin access identity is still refused on a switch from a custom origin, naming the rule', async () => {
    const handler: AnyHandler = (event, _context, callback) => {
      const request = event.Records[0]!.cf.request
      request.origin = { s3: { domainName: 'b.s3.amazonaws.com', region: 'us-east-1', authMethod: 'origin-access-identity', path: '', customHeaders: {} } }
      callback(null, request)
    }
    const { violations } = await runHandler(handler, createEvent('origin-request'))
    expect(violations.map((v) => [v.code, v.path])).toEqual([['InvalidOrigin', 'origin.s3.authMethod']])
  })
})

describe("choosing the S3 bucket's Region by the viewer's country (AWS's S3-Region example)", () => {
  it('moves the origin to the nearer bucket, Region and Host included, and is valid', async () => {
    const event = createEvent('origin-request', { origin: 's3', headers: { 'cloudfront-viewer-country': 'DE' } })
    const out = (await invoke(load('bucket-by-country.cjs'), event)) as CfRequest
    expect(out.origin!.s3).toMatchObject({ region: 'eu-central-1', domainName: 'site-copy-eu-central-1.s3.eu-central-1.amazonaws.com', authMethod: 'origin-access-identity' })
    expect(out.headers['host']).toEqual([{ key: 'host', value: 'site-copy-eu-central-1.s3.eu-central-1.amazonaws.com' }])
  })

  it('leaves viewers from other countries on the configured bucket', async () => {
    const event = createEvent('origin-request', { origin: 's3', headers: { 'cloudfront-viewer-country': 'BR' } })
    await expect(invoke(load('bucket-by-country.cjs'), event)).resolves.toEqual(event.Records[0]!.cf.request)
  })

  it('runs through `edgeware invoke` with the sample S3 event (--s3) and an event file', async () => {
    const plain = await runCli('invoke', join(FIXTURES, 'bucket-by-country.cjs'), '--event', 'origin-request', '--s3')
    expect(plain.code).toBe(0)
    const file = eventFile('oreq-jp.json', createEvent('origin-request', { origin: 's3', headers: { 'cloudfront-viewer-country': 'JP' } }))
    const { code, out } = await runCli('invoke', join(FIXTURES, 'bucket-by-country.cjs'), '--event', file, '--json')
    expect(code).toBe(0)
    const printed = JSON.parse(out) as { valid: boolean; result: CfRequest }
    expect(printed.valid).toBe(true)
    expect(printed.result.origin!.s3!.domainName).toBe('site-copy-ap-northeast-1.s3.ap-northeast-1.amazonaws.com')
  })
})
