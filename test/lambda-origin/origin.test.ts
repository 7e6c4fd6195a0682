import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLambdaOrigin, INTEGRATIONS, type Integration, type LambdaOrigin, type LambdaOriginOptions } from '../../src/lambda-origin/index.js'
import { headerValues, text } from './helpers.js'

const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url))
const ERROR_STATUS: Record<Integration, number> = { rest: 502, http: 500, alb: 502, url: 502 }
/** The path a request through CloudFront has at each integration (a REST API's stage first). */
const at = (integration: Integration, path: string): string => (integration === 'rest' ? `/prod${path}` : path)

const origins: LambdaOrigin[] = []
const lines: string[] = []
async function start(opts: Omit<LambdaOriginOptions, 'root'>): Promise<LambdaOrigin> {
  const o = await startLambdaOrigin({ root: FIXTURES, onOutput: (l) => lines.push(l), ...opts })
  origins.push(o)
  return o
}
afterAll(async () => {
  await Promise.all(origins.map((o) => o.close()))
})

describe.each(INTEGRATIONS)('a plain handler behind %s', (integration) => {
  let origin: LambdaOrigin
  beforeAll(async () => {
    origin = await start({ handler: 'plain.mjs', integration, name: `plain-${integration}`, memory: 256, timeout: 2, environment: { TABLE: 'orders', LANG: 'de_DE.UTF-8' }, maxContainers: 2, ...(integration === 'alb' ? { multiValueHeaders: true } : {}) })
  })

  it('runs in a regional Lambda container: its own name, $LATEST, the region, only reserved variables and its own', async () => {
    const call = await origin.handle({ method: 'GET', path: at(integration, '/info') })
    expect([call.response.status, call.verdict]).toEqual([200, { valid: true, violations: [], warnings: [] }])
    const info = JSON.parse(text(call.response.body))
    expect(info.functionName).toBe(`plain-${integration}`)
    expect(info.functionVersion).toBe('$LATEST')
    expect(info.invokedFunctionArn).toBe(`arn:aws:lambda:us-east-1:123456789012:function:plain-${integration}`)
    expect(info.memoryLimitInMB).toBe('256')
    expect(info.awsRequestId).toBe(call.awsRequestId)
    expect(info.remaining).toBeGreaterThan(0)
    expect(info.remaining).toBeLessThanOrEqual(2000)
    expect(info.env.AWS_LAMBDA_FUNCTION_NAME).toBe(`plain-${integration}`)
    expect(info.env.AWS_LAMBDA_FUNCTION_VERSION).toBe('$LATEST')
    expect(info.env.AWS_LAMBDA_LOG_GROUP_NAME).toBe(`/aws/lambda/plain-${integration}`)
    expect(info.env.TABLE).toBe('orders')
    expect(info.env.TZ).toBe(':UTC')
    // an unreserved variable the function's environment may replace
    expect(info.env.LANG).toBe('de_DE.UTF-8')
    expect(info.env.HOME).toBeUndefined()
    expect(info.env.npm_lifecycle_event).toBeUndefined()
    expect(info.path).toBe('/info')
  })

  it('reuses a warm container: the second call is not cold and sees the module state of the first', async () => {
    const a = await origin.handle({ method: 'GET', path: at(integration, '/info') })
    const b = await origin.handle({ method: 'GET', path: at(integration, '/info') })
    expect(b.cold).toBe(false)
    expect(JSON.parse(text(b.response.body)).calls).toBe(JSON.parse(text(a.response.body)).calls + 1)
  })

  it("answers a throw with the integration's own error, the rule in the verdict", async () => {
    const call = await origin.handle({ method: 'GET', path: at(integration, '/throw') })
    expect(call.response.status).toBe(ERROR_STATUS[integration])
    expect(call.verdict.violations[0]?.code).toBe('FunctionError')
    expect(call.verdict.violations[0]?.message).toContain('Error: boom')
  })

  it('sends several cookies as several set-cookie headers', async () => {
    const call = await origin.handle({ method: 'GET', path: at(integration, '/cookies') })
    expect(headerValues(call.response.headers, 'set-cookie')).toEqual(['a=1; Path=/', 'b=2; HttpOnly'])
  })

  it('prints what the function logs, prefixed with the request id', async () => {
    const call = await origin.handle({ method: 'GET', path: at(integration, '/log') })
    await new Promise((r) => setTimeout(r, 50))
    expect(lines.some((l) => l.includes(`\t${call.awsRequestId}\tINFO\thello from the function`))).toBe(true)
  })
})

describe('timeouts, crashes and the integration timeout', () => {
  it("kills a container past the function's timeout (the integration's error), and the next call starts cold", async () => {
    const o = await start({ handler: 'plain.mjs', integration: 'alb', name: 'loops', timeout: 1, maxContainers: 1 })
    const t0 = Date.now()
    const call = await o.handle({ method: 'GET', path: '/loop' })
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950)
    expect([call.response.status, call.verdict.violations[0]?.code]).toEqual([502, 'FunctionTimeout'])
    const next = await o.handle({ method: 'GET', path: '/info' })
    expect([next.response.status, next.cold]).toEqual([200, true])
  })

  it("REST: answers 504 when the integration timeout passes first, while the function runs on in its container", async () => {
    const o = await start({ handler: 'plain.mjs', integration: 'rest', name: 'slow', timeout: 5, integrationTimeout: 0.3, maxContainers: 2 })
    await o.handle({ method: 'GET', path: '/prod/info' }) // warm
    const t0 = Date.now()
    const call = await o.handle({ method: 'GET', path: '/prod/slow?ms=1500' })
    const ms = Date.now() - t0
    expect([call.response.status, call.verdict.violations[0]?.code]).toEqual([504, 'IntegrationTimeout'])
    expect(ms).toBeLessThan(1400)
    // The first container is still busy with the slow call: the next request is served by another one.
    const next = await o.handle({ method: 'GET', path: '/prod/info' })
    expect([next.response.status, next.cold]).toEqual([200, true])
  })

  it('HTTP API: answers 503 when its integration timeout passes first', async () => {
    const o = await start({ handler: 'plain.mjs', integration: 'http', name: 'slow-http', timeout: 5, integrationTimeout: 0.2 })
    const call = await o.handle({ method: 'GET', path: '/slow?ms=1000' })
    expect([call.response.status, call.verdict.violations[0]?.code]).toEqual([503, 'IntegrationTimeout'])
  })

  it('answers a container that exits as a function error, and serves the next request from a new one', async () => {
    const o = await start({ handler: 'plain.mjs', integration: 'url', name: 'exits', maxContainers: 1 })
    const call = await o.handle({ method: 'GET', path: '/exit' })
    expect([call.response.status, call.verdict.violations[0]?.code]).toEqual([502, 'FunctionError'])
    expect(call.verdict.violations[0]?.message).toContain('exited with code 3')
    expect((await o.handle({ method: 'GET', path: '/info' })).response.status).toBe(200)
  })

  it("runs out of memory at the function's memory size: a function error, and a new container next", async () => {
    const o = await start({ handler: 'plain.mjs', integration: 'alb', name: 'hungry', memory: 128, timeout: 30, maxContainers: 1 })
    const call = await o.handle({ method: 'GET', path: '/oom' })
    expect([call.response.status, call.verdict.violations[0]?.code]).toEqual([502, 'FunctionError'])
    expect(call.verdict.violations[0]?.message).toContain('Runtime.OutOfMemory')
    expect((await o.handle({ method: 'GET', path: '/info' })).cold).toBe(true)
  })

  it('runs one invocation at a time per container: with one container, a second request waits for the first', async () => {
    const o = await start({ handler: 'plain.mjs', integration: 'url', name: 'one-at-a-time', maxContainers: 1 })
    await o.handle({ method: 'GET', path: '/info' })
    const t0 = Date.now()
    const [a, b] = await Promise.all([o.handle({ method: 'GET', path: '/slow?ms=300' }), o.handle({ method: 'GET', path: '/slow?ms=300' })])
    expect(Date.now() - t0).toBeGreaterThanOrEqual(590)
    expect([a.response.status, b.response.status, a.cold, b.cold]).toEqual([200, 200, false, false])
  })

  it('REST: a malformed result is a 502 naming the rule', async () => {
    const o = await start({ handler: 'plain.mjs', integration: 'rest', name: 'bad' })
    const call = await o.handle({ method: 'GET', path: '/prod/bad' })
    expect([call.response.status, text(call.response.body), call.verdict.violations[0]?.code]).toEqual([502, '{"message": "Internal server error"}', 'RestMalformedResult'])
  })
})

describe.each(INTEGRATIONS)('a Hono app through hono/aws-lambda behind %s', (integration) => {
  let origin: LambdaOrigin
  beforeAll(async () => {
    origin = await start({ handler: 'hono-app.ts', integration, name: `hono-${integration}`, ...(integration === 'alb' ? { multiValueHeaders: true } : {}) })
  })

  it('routes GET with a query and path parameters', async () => {
    const hello = await origin.fetch(new Request(`https://api.example.com${at(integration, '/hello')}?name=edge`))
    expect([hello.status, await hello.text()]).toEqual([200, 'hello edge'])
    const item = await origin.handle({ method: 'GET', path: at(integration, '/items/42'), headers: { accept: 'application/json' } })
    expect([item.response.status, JSON.parse(text(item.response.body)), item.verdict.valid]).toEqual([200, { id: '42', accept: 'application/json' }, true])
  })

  it('receives a JSON body and answers 201', async () => {
    const res = await origin.fetch(new Request(`https://api.example.com${at(integration, '/echo')}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":1}' }))
    expect([res.status, await res.json()]).toEqual([201, { received: { n: 1 } }])
  })

  it('sets two cookies as two Set-Cookie headers', async () => {
    const res = await origin.fetch(new Request(`https://api.example.com${at(integration, '/cookies')}`))
    expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/; HttpOnly'])
  })
})

describe('settings and handlers that break a rule', () => {
  const bad: [Partial<LambdaOriginOptions>, string][] = [
    [{ memory: 64 }, 'FunctionMemorySize'],
    [{ memory: 10_241 }, 'FunctionMemorySize'],
    [{ timeout: 901 }, 'FunctionTimeout'],
    [{ name: 'has space' }, 'FunctionName'],
    [{ integrationTimeout: 29.5 }, 'IntegrationTimeout'],
    [{ environment: { AWS_REGION: 'eu-west-1' } }, 'ReservedEnvironmentVariable'],
    [{ environment: { '1ST': 'x' } }, 'Environment'],
    [{ environment: { BIG: 'x'.repeat(4096) } }, 'EnvironmentSize'],
  ]
  for (const [opts, code] of bad) {
    it(`${code}: ${JSON.stringify(opts)}`, async () => {
      await expect(startLambdaOrigin({ root: FIXTURES, handler: 'plain.mjs', integration: 'rest', ...opts })).rejects.toMatchObject({ name: 'OriginConfigError', code })
    })
  }

  it('refuses a handler file without a handler export', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeware-origin-'))
    try {
      writeFileSync(join(dir, 'none.mjs'), 'export const other = 1\n')
      await expect(startLambdaOrigin({ root: dir, handler: 'none.mjs', integration: 'url' })).rejects.toMatchObject({ name: 'BuildError' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('reload', () => {
  it('bundles the handler again; the next calls run the new code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeware-origin-'))
    try {
      writeFileSync(join(dir, 'v.mjs'), "export const handler = async () => ({ statusCode: 200, body: 'v1' })\n")
      const o = await start({ root: dir, handler: 'v.mjs', integration: 'http' } as LambdaOriginOptions)
      expect(text((await o.handle({ method: 'GET', path: '/' })).response.body)).toBe('v1')
      copyFileSync(join(FIXTURES, 'plain.mjs'), join(dir, 'v.mjs'))
      await o.reload()
      const after = await o.handle({ method: 'GET', path: '/info' })
      expect([after.response.status, after.cold]).toEqual([200, true])
      expect(o.sources).toEqual([join(dir, 'v.mjs')])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('overlapping reloads: the newest one serves, even when an older, slower bundle finishes last', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeware-origin-'))
    try {
      let big = ''
      for (let i = 0; i < 100_000; i++) big += `export function f${i}(a) { return a + ${i} }\n`
      writeFileSync(join(dir, 'big.mjs'), big)
      const version = (v: string, withBig: boolean): string =>
        `${withBig ? "import * as big from './big.mjs'\n" : ''}export const handler = async () => ({ statusCode: 200, body: '${v}' + ${withBig ? "(big.f0(0) === 0 ? '' : 'x')" : "''"} })\n`
      writeFileSync(join(dir, 'v.mjs'), version('v1', false))
      const o = await start({ root: dir, handler: 'v.mjs', integration: 'http' } as LambdaOriginOptions)
      writeFileSync(join(dir, 'v.mjs'), version('v2', true))
      const slow = o.reload() // bundles the 4 MB module: hundreds of ms
      await new Promise((r) => setTimeout(r, 100)) // it has read v.mjs (v2) by now
      writeFileSync(join(dir, 'v.mjs'), version('v3', false))
      await o.reload()
      await slow
      expect(text((await o.handle({ method: 'GET', path: '/' })).response.body)).toBe('v3')
      expect(o.sources).toEqual([join(dir, 'v.mjs')])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 30_000)
})
