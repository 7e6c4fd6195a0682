/**
 * `edgeware logs` against a CloudWatch Logs stand-in (JSON 1.1, Region from each request's SigV4 scope): the
 * Regions that have the function's `/aws/lambda/us-east-1.<name>` group are found, their events merged by time
 * with the Region in front, every page read; `--follow` prints new events once each; a Region that refuses is
 * skipped with a note.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EDGE_LOG_REGIONS, parseSince, tailLogs } from '../../src/deploy/logs.js'
import { DeployError } from '../../src/deploy/errors.js'
import { runCli } from '../cli/run-cli.js'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { TEST_CREDENTIALS } from '../aws/index.js'
import { cleanTempDirs, tempDir } from '../build/helpers.js'
import { fakeAwsEnv, site } from './helpers.js'

type Fake = Awaited<ReturnType<typeof fakeAwsEnv>>
let aws: Fake
let config: string
const GROUP = '/aws/lambda/us-east-1.shop-viewer'
const T = Date.now() - 60_000

beforeAll(async () => {
  aws = await fakeAwsEnv()
  config = await site()
  aws.logs.put('eu-west-1', GROUP, [
    { timestamp: T + 1000, message: `${new Date(T + 1000).toISOString()}\treq-2\tINFO\tfrom Dublin\n` },
    { timestamp: T + 4000, message: 'REPORT RequestId: req-4 Duration: 2.1 ms' },
  ])
  aws.logs.put('us-east-1', GROUP, [
    { timestamp: T, message: 'START RequestId: req-1 Version: 3' },
    { timestamp: T + 2000, message: 'END RequestId: req-1' },
    { timestamp: T + 3000, message: 'START RequestId: req-3 Version: 3' },
    { timestamp: T + 5000, message: 'END RequestId: req-3' },
  ])
  aws.logs.put('ap-southeast-2', GROUP, [{ timestamp: T + 2500, message: 'from Sydney' }])
  aws.logs.put('ap-southeast-2', '/aws/lambda/us-east-1.shop-viewer-other', [{ timestamp: T + 2600, message: 'another function' }])
  aws.logs.put('us-west-2', GROUP, [{ timestamp: T - 3_600_000, message: 'an hour too old' }])
  aws.logs.disabled.add('ap-northeast-3')
})
afterAll(async () => {
  await aws.restore()
  await cleanTempDirs()
})

/** Resolves once `cond()` holds (polling), or fails after 10 s. */
async function until(cond: () => boolean): Promise<void> {
  const end = Date.now() + 10_000
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 5))
  }
}

describe('edgeware logs', () => {
  it('finds the Regions that have the log group and merges their events by time, Region first', async () => {
    aws.calls.length = 0
    const r = await runCli('logs', 'viewer', '--config', config, '--since', '10m')
    expect(r.code).toBe(0)
    const describeRegions = aws.calls.filter((c) => c.action === 'DescribeLogGroups').map((c) => c.region)
    expect(describeRegions.sort()).toEqual([...EDGE_LOG_REGIONS].sort())
    expect(aws.calls.filter((c) => c.action === 'DescribeLogGroups').every((c) => c.input.logGroupNamePrefix === GROUP)).toBe(true)
    const pad = (r: string) => `[${r}]${' '.repeat(14 - r.length)}`
    const at = (ms: number) => new Date(ms).toISOString()
    expect(r.out.split('\n')).toEqual([
      `${pad('us-east-1')} ${at(T)} START RequestId: req-1 Version: 3`,
      `${pad('eu-west-1')} ${at(T + 1000)} ${at(T + 1000)}\treq-2\tINFO\tfrom Dublin`,
      `${pad('us-east-1')} ${at(T + 2000)} END RequestId: req-1`,
      `${pad('ap-southeast-2')} ${at(T + 2500)} from Sydney`,
      `${pad('us-east-1')} ${at(T + 3000)} START RequestId: req-3 Version: 3`,
      `${pad('eu-west-1')} ${at(T + 4000)} REPORT RequestId: req-4 Duration: 2.1 ms`,
      `${pad('us-east-1')} ${at(T + 5000)} END RequestId: req-3`,
    ])
    // the us-east-1 group holds 4 events, 3 a page: both pages were read
    expect(aws.calls.filter((c) => c.action === 'FilterLogEvents' && c.region === 'us-east-1').map((c) => c.input.nextToken ?? null)).toEqual([null, '3'])
    expect(r.err).toContain(`${GROUP} in us-east-1, us-west-2, eu-west-1, ap-southeast-2`)
    expect(r.err).toContain('ap-northeast-3: skipped (UnrecognizedClientException: The security token included in the request is invalid.)')
  })

  it('--regions limits where it looks; a full Lambda name works too', async () => {
    aws.calls.length = 0
    const r = await runCli('logs', 'shop-viewer', '--config', config, '--regions', 'ap-southeast-2,sa-east-1')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/^\[ap-southeast-2\] \S+ from Sydney$/)
    expect(new Set(aws.calls.map((c) => c.region))).toEqual(new Set(['ap-southeast-2', 'sa-east-1']))
  })

  it('says so when no Region has the group yet, and refuses an unknown function', async () => {
    const none = await runCli('logs', 'origin', '--config', config)
    expect(none.code).toBe(0)
    expect(none.out).toBe('')
    expect(none.err).toContain(`/aws/lambda/us-east-1.shop-origin is in none of ${EDGE_LOG_REGIONS.length} Regions yet`)
    const unknown = await runCli('logs', 'nope', '--config', config)
    expect(unknown.code).toBe(1)
    expect(unknown.err).toBe(`edgeware logs: no function nope in ${config} (its functions: viewer, origin; or give a full Lambda function name starting with shop-)`)
  })

  it('--follow prints each new event once, events at the same millisecond included, until stopped', async () => {
    const lines: string[] = []
    const stop = new AbortController()
    const done = tailLogs({ functionName: 'shop-viewer', regions: ['us-east-1', 'eu-west-1'], since: T + 4500, follow: true, pollMs: 10, signal: stop.signal, print: (l) => lines.push(l) })
    const norm = () => lines.map((l) => l.replace(/^\[(\S+)\]\s+\S+ /, '$1 '))
    await until(() => lines.length >= 1)
    expect(norm()).toEqual(['us-east-1 END RequestId: req-3'])
    aws.logs.put('us-east-1', GROUP, [{ timestamp: T + 5000, message: 'same millisecond as the last one' }])
    aws.logs.put('eu-west-1', GROUP, [{ timestamp: T + 6000, message: 'later, in Dublin' }])
    await until(() => lines.length >= 3)
    // a few more rounds: nothing is printed twice
    const rounds = aws.calls.length
    await until(() => aws.calls.length >= rounds + 6)
    stop.abort()
    expect(await done).toEqual(['us-east-1', 'eu-west-1'])
    expect(norm()).toEqual(['us-east-1 END RequestId: req-3', 'us-east-1 same millisecond as the last one', 'eu-west-1 later, in Dublin'])
  })

  it('--profile signs every call with that profile\'s credentials', async () => {
    const dir = await tempDir('profile-')
    writeFileSync(join(dir, 'credentials'), `[edge]\naws_access_key_id = ${TEST_CREDENTIALS.accessKeyId}\naws_secret_access_key = ${TEST_CREDENTIALS.secretAccessKey}\n[other]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = other\n`)
    const saved = { ...process.env }
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials')
    delete process.env.AWS_ACCESS_KEY_ID
    delete process.env.AWS_SECRET_ACCESS_KEY
    try {
      const ok = await runCli('logs', 'viewer', '--config', config, '--regions', 'ap-southeast-2', '--profile', 'edge')
      expect(ok.out).toMatch(/from Sydney$/)
      const refused = await runCli('logs', 'viewer', '--config', config, '--regions', 'ap-southeast-2', '--profile', 'other')
      expect(refused.out).toBe('')
      expect(refused.err).toContain('ap-southeast-2: skipped (UnrecognizedClientException: The security token included in the request is invalid.)')
    } finally {
      Object.assign(process.env, saved)
    }
  })

  it('reads --since as a duration or an ISO date', () => {
    const now = Date.parse('2026-03-01T12:00:00Z')
    expect(parseSince('30s', now)).toBe(now - 30_000)
    expect(parseSince('10m', now)).toBe(now - 600_000)
    expect(parseSince('2h', now)).toBe(now - 7_200_000)
    expect(parseSince('1d', now)).toBe(now - 86_400_000)
    expect(parseSince('2026-03-01T11:00:00Z', now)).toBe(now - 3_600_000)
    expect(() => parseSince('yesterday', now)).toThrow(DeployError)
    expect(() => parseSince('10 minutes', now)).toThrow(/--since: expected a duration like 30s, 10m, 2h, 1d or an ISO date, got "10 minutes"/)
  })
})
