/**
 * dynamoOrigin when DynamoDB misbehaves: a fault server speaking DynamoDB's JSON protocol throttles, fails with a
 * 500, hangs or resets; a second replica is a real dynalite behind a counting proxy. In each case the deadline
 * holds and the stale rule or the fallback is used.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { originRequest } from 'edgeware'
import type { CfRequest, CfResultResponse } from 'edgeware/cloudfront'
import { createEvent, invoke } from 'edgeware/testing'
import { createTableClient, dynamoOrigin, putRules, ruleToItem, type DynamoOriginOptions, type OriginLogEntry } from 'edgeware/origin'
import { startLocalDynamo, type LocalDynamo } from '../../src/origin/local.js'
import { startFaultServer, type FaultMode, type FaultServer } from './fault-server.js'

const TABLE = 'edge-origins'
/** Scheduling slack on a loaded 2-core machine; the deadlines under test are 300–600 ms. */
const SLACK_MS = 400
const FALLBACK = { origin: { type: 'custom' as const, domainName: 'fallback.example.net' } }

let fault: FaultServer
let proxy: FaultServer
let db: LocalDynamo

beforeAll(async () => {
  db = await startLocalDynamo({ table: TABLE })
  const admin = createTableClient({ endpoint: db.endpoint })
  await putRules(admin, TABLE, [
    { host: 'tenant.example.com', pathPrefix: '/', type: 'custom', domainName: 'replica-b.example.net' },
    { host: '*', pathPrefix: '/', type: 'custom', domainName: 'default-b.example.net' },
  ])
  admin.destroy()
  fault = await startFaultServer()
  proxy = await startFaultServer('proxy')
  proxy.target = db.endpoint
})

afterAll(async () => {
  await fault?.close()
  await proxy?.close()
  await db?.close()
})

beforeEach(() => {
  fault.mode = 'ok'
  fault.delayMs = 0
  fault.items.clear()
  fault.items.set('tenant.example.com', [ruleToItem({ host: 'tenant.example.com', pathPrefix: '/', type: 'custom', domainName: 'tenant-origin.example.net' })])
  fault.reset()
  proxy.reset()
})

function setup(opts: Partial<DynamoOriginOptions> = {}) {
  const logs: OriginLogEntry[] = []
  const mw = dynamoOrigin({ table: TABLE, endpoint: fault.endpoint, timeoutMs: 300, errorTtl: 0, fallback: FALLBACK, log: (e) => logs.push(e), ...opts })
  return { mw, logs, handler: originRequest(mw) }
}

async function timed(handler: ReturnType<typeof originRequest>, host = 'tenant.example.com', context?: { getRemainingTimeInMillis: () => number }) {
  const t0 = performance.now()
  const r = (await invoke(handler, createEvent('origin-request', { uri: '/', headers: { 'x-forwarded-host': host } }), context ? { context } : {})) as CfRequest &
    CfResultResponse
  return { r, ms: performance.now() - t0, domain: r.origin?.custom?.domainName }
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 10))
  }
}

const FAULTS: { mode: FaultMode; error: RegExp }[] = [
  { mode: 'throttle', error: /ProvisionedThroughputExceededException/ },
  { mode: '500', error: /InternalServerError/ },
  { mode: 'hang', error: /OriginLookupTimeout|TimeoutError|AbortError/ },
  { mode: 'reset', error: /ECONNRESET|socket hang up|reset/i },
]

describe.each(FAULTS)('DynamoDB fault: $mode', ({ mode, error }) => {
  it('cold host: gives up within timeoutMs and uses the fallback, logging why', async () => {
    const { handler, logs } = setup()
    fault.mode = mode
    const { ms, domain, r } = await timed(handler)
    expect(domain).toBe('fallback.example.net')
    expect(r.headers.host?.[0]?.value).toBe('fallback.example.net')
    expect(ms).toBeLessThan(300 + SLACK_MS)
    expect(fault.count('Query')).toBeGreaterThanOrEqual(1)
    expect(fault.count('Query'), JSON.stringify(fault.queried)).toBeLessThanOrEqual(2) // maxAttempts 2
    const line = logs.find((l) => l.level === 'error')
    expect(line?.message).toMatch(error)
    expect(line?.host).toBe('tenant.example.com')
  })

  it('known host: keeps serving its last rules (stale-while-revalidate, then stale-on-error)', async () => {
    const { handler, logs, mw } = setup({ ttl: 0, staleTtl: 60, errorTtl: 30 })
    expect((await timed(handler)).domain).toBe('tenant-origin.example.net')
    fault.mode = mode
    // expired: served from the cache at once, refreshed in the background
    const stale = await timed(handler)
    expect(stale.domain).toBe('tenant-origin.example.net')
    expect(stale.ms).toBeLessThan(300 + SLACK_MS)
    await until(() => logs.some((l) => /serving the rules cached/.test(l.message)))
    expect(logs.find((l) => /serving the rules cached/.test(l.message))?.message).toMatch(error)
    // the failed refresh kept the rules
    expect((await timed(handler)).domain).toBe('tenant-origin.example.net')
    expect(mw.cache.peek('tenant.example.com')?.rules[0]?.origin?.custom?.domainName).toBe('tenant-origin.example.net')
  })
})

describe('deadline and stale window', () => {
  it("the lookup deadline also respects the Lambda's remaining time", async () => {
    const { handler } = setup({ timeoutMs: 5000 })
    fault.mode = 'hang'
    const { ms, domain } = await timed(handler, 'tenant.example.com', { getRemainingTimeInMillis: () => 400 })
    expect(domain).toBe('fallback.example.net')
    expect(ms).toBeLessThan(400 + SLACK_MS)
  })

  it('after staleTtl the stale rules are dropped and the fallback is used', async () => {
    const { handler } = setup({ ttl: 0, staleTtl: 0.3 })
    expect((await timed(handler)).domain).toBe('tenant-origin.example.net')
    fault.mode = '500'
    await new Promise((r) => setTimeout(r, 350))
    expect((await timed(handler)).domain).toBe('fallback.example.net')
  })

  it('a failed background refresh is not retried by every request (error backoff)', async () => {
    const { handler, logs } = setup({ ttl: 0, staleTtl: 60, errorTtl: 30 })
    await timed(handler)
    fault.mode = '500'
    fault.reset()
    await timed(handler)
    await until(() => logs.some((l) => /serving the rules cached/.test(l.message)))
    const calls = fault.count('Query')
    for (let i = 0; i < 10; i++) expect((await timed(handler)).domain).toBe('tenant-origin.example.net')
    expect(fault.count('Query')).toBe(calls)
  })

  it('errorTtl: a cold host that just failed goes straight to the fallback without calling DynamoDB again', async () => {
    const { handler } = setup({ errorTtl: 30 })
    fault.mode = '500'
    await timed(handler)
    const calls = fault.count('Query')
    fault.mode = 'ok'
    expect((await timed(handler)).domain).toBe('fallback.example.net')
    expect(fault.count('Query')).toBe(calls)
  })
})

describe('replicas', () => {
  const replicas = () => [
    { region: 'us-east-1', endpoint: fault.endpoint },
    { region: 'eu-west-1', endpoint: proxy.endpoint },
  ]

  it.each(['500', 'throttle', 'reset'] as const)('fails over to the next replica on %s', async (mode) => {
    const { handler, logs } = setup({ replicas: replicas(), timeoutMs: 2000 })
    fault.mode = mode
    const { domain } = await timed(handler)
    expect(domain).toBe('replica-b.example.net')
    expect(proxy.count('Query')).toBe(1)
    expect(logs.find((l) => l.level === 'warn')?.message).toMatch(/us-east-1.*eu-west-1 answered/)
  })

  it('fails over when the first replica hangs, within the overall deadline', async () => {
    const { handler } = setup({ replicas: replicas(), timeoutMs: 600 })
    fault.mode = 'hang'
    const { domain, ms } = await timed(handler)
    expect(domain).toBe('replica-b.example.net')
    expect(ms).toBeLessThan(600 + SLACK_MS)
  })

  it('does not fail over on an empty result ("not found" is an answer)', async () => {
    const { handler } = setup({ replicas: replicas() })
    fault.items.clear()
    const { domain } = await timed(handler)
    expect(domain).toBe('fallback.example.net') // neither the host nor '*' has a rule in replica A
    expect(fault.queried).toEqual(['tenant.example.com', '*'])
    expect(proxy.count('Query')).toBe(0)
  })

  it("puts the function's own region first (AWS_REGION), then the same continent", async () => {
    const saved = process.env.AWS_REGION
    process.env.AWS_REGION = 'eu-west-1'
    try {
      const { handler } = setup({ replicas: [{ region: 'us-east-1', endpoint: fault.endpoint }, { region: 'eu-west-1', endpoint: proxy.endpoint }] })
      expect((await timed(handler)).domain).toBe('replica-b.example.net')
      expect(fault.count('Query')).toBe(0)
    } finally {
      if (saved === undefined) delete process.env.AWS_REGION
      else process.env.AWS_REGION = saved
    }
  })
})

describe('single flight', () => {
  it('50 simultaneous cold lookups of one host make exactly one Query', async () => {
    const { handler } = setup({ timeoutMs: 3000 })
    fault.delayMs = 100
    const results = await Promise.all(Array.from({ length: 50 }, () => timed(handler)))
    expect(results.map((r) => r.domain)).toEqual(Array(50).fill('tenant-origin.example.net'))
    expect(fault.count('Query')).toBe(1)
  })

  it('a background refresh is single-flight too', async () => {
    const { handler } = setup({ ttl: 0, staleTtl: 60, timeoutMs: 3000 })
    await timed(handler)
    fault.reset()
    fault.delayMs = 100
    await Promise.all(Array.from({ length: 30 }, () => timed(handler)))
    await until(() => fault.count('Query') >= 1)
    await new Promise((r) => setTimeout(r, 150))
    expect(fault.count('Query')).toBe(1)
  })
})
