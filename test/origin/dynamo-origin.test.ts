/**
 * dynamoOrigin against a real dynalite server, run through originRequest + createEvent + invoke (which validates
 * every result the way CloudFront does).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DescribeTableCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { originRequest } from 'edgeware'
import type { CfRequest, CfResultResponse } from 'edgeware/cloudfront'
import { createEvent, invoke } from 'edgeware/testing'
import { createTableClient, dynamoOrigin, putRules, ruleToItem, type DynamoOriginOptions, type OriginLogEntry, type OriginRule } from 'edgeware/origin'
import { startLocalDynamo, type LocalDynamo } from '../../src/origin/local.js'

const TABLE = 'edge-origins'
let db: LocalDynamo
let admin: DynamoDBClient

const RULES: OriginRule[] = [
  { host: 'shop.example.com', pathPrefix: '/', type: 'custom', domainName: 'shop-origin.example.net' },
  {
    host: 'shop.example.com',
    pathPrefix: '/api',
    type: 'custom',
    domainName: 'api.example.net',
    protocol: 'http',
    port: 8080,
    path: '/v2',
    readTimeout: 10,
    keepaliveTimeout: 30,
    sslProtocols: ['TLSv1.2', 'TLSv1.1'],
    customHeaders: { 'X-Tenant': 'shop', 'x-api-key': 'k-123' },
    hostHeader: 'shop.internal',
  },
  { host: 'shop.example.com', pathPrefix: '/api/v1', type: 'custom', domainName: 'legacy.example.net' },
  { host: 'shop.example.com', pathPrefix: '/media/', type: 's3', domainName: 'shop-media.s3.eu-west-1.amazonaws.com', path: '/shop' },
  { host: '*', pathPrefix: '/', type: 'custom', domainName: 'default.example.net' },
  { host: '*', pathPrefix: '/static', type: 's3', domainName: 'assets.s3.amazonaws.com', authMethod: 'origin-access-identity', region: 'us-east-1' },
]

function event(host: string | undefined, uri: string, extra: Record<string, string> = {}) {
  const headers: Record<string, string | null> = { ...extra }
  if (host !== undefined) headers['x-forwarded-host'] = host
  return createEvent('origin-request', { uri, headers })
}

function handlerWith(opts: Partial<DynamoOriginOptions> = {}) {
  const logs: OriginLogEntry[] = []
  const mw = dynamoOrigin({ table: TABLE, endpoint: db.endpoint, fallback: { status: 502 }, log: (e) => logs.push(e), ...opts })
  return { mw, logs, handler: originRequest(mw) }
}

async function route(handler: ReturnType<typeof originRequest>, host: string | undefined, uri: string, extra?: Record<string, string>) {
  return (await invoke(handler, event(host, uri, extra))) as CfRequest & CfResultResponse
}

beforeAll(async () => {
  db = await startLocalDynamo({ table: TABLE })
  admin = createTableClient({ endpoint: db.endpoint })
  await putRules(admin, TABLE, RULES)
})

afterAll(async () => {
  admin?.destroy()
  await db?.close()
})

describe('table', () => {
  it('has the contract schema: host HASH, pathPrefix RANGE, both strings', async () => {
    const t = (await admin.send(new DescribeTableCommand({ TableName: TABLE }))).Table!
    expect(t.KeySchema).toEqual([
      { AttributeName: 'host', KeyType: 'HASH' },
      { AttributeName: 'pathPrefix', KeyType: 'RANGE' },
    ])
    expect(t.AttributeDefinitions).toEqual(expect.arrayContaining([{ AttributeName: 'host', AttributeType: 'S' }, { AttributeName: 'pathPrefix', AttributeType: 'S' }]))
  })

  it('putRules refuses an invalid rule before writing anything, naming the item, the field and the value', async () => {
    const bad = [
      { host: 'ok.example.com', pathPrefix: '/', type: 'custom', domainName: 'fine.example.net' },
      { host: 'ip.example.com', pathPrefix: '/x', type: 'custom', domainName: '10.0.0.1', port: 22 },
    ]
    await expect(putRules(admin, TABLE, bad)).rejects.toThrow(/host="ip\.example\.com" pathPrefix="\/x".*domainName.*10\.0\.0\.1.*port.*22/s)
    const { handler } = handlerWith()
    // nothing was written: ok.example.com has no rule, so the '*' rule applies
    const r = await route(handler, 'ok.example.com', '/')
    expect(r.origin?.custom?.domainName).toBe('default.example.net')
  })
})

describe('routing', () => {
  it('picks the longest matching prefix on path segments', async () => {
    const { handler } = handlerWith()
    expect((await route(handler, 'shop.example.com', '/')).origin?.custom?.domainName).toBe('shop-origin.example.net')
    expect((await route(handler, 'shop.example.com', '/api')).origin?.custom?.domainName).toBe('api.example.net')
    expect((await route(handler, 'shop.example.com', '/api/users')).origin?.custom?.domainName).toBe('api.example.net')
    expect((await route(handler, 'shop.example.com', '/api/v1/users')).origin?.custom?.domainName).toBe('legacy.example.net')
    // segment boundary: /apis is not under /api, /api/v10 not under /api/v1
    expect((await route(handler, 'shop.example.com', '/apis')).origin?.custom?.domainName).toBe('shop-origin.example.net')
    expect((await route(handler, 'shop.example.com', '/api/v10')).origin?.custom?.domainName).toBe('api.example.net')
  })

  it('builds a custom origin with CloudFront field names, custom headers and the Host header', async () => {
    const { handler } = handlerWith()
    const r = await route(handler, 'shop.example.com', '/api/orders', { 'x-tenant': 'spoofed' })
    expect(r.origin).toEqual({
      custom: {
        customHeaders: { 'x-tenant': [{ key: 'X-Tenant', value: 'shop' }], 'x-api-key': [{ key: 'X-Api-Key', value: 'k-123' }] },
        domainName: 'api.example.net',
        keepaliveTimeout: 30,
        path: '/v2',
        port: 8080,
        protocol: 'http',
        readTimeout: 10,
        sslProtocols: ['TLSv1.2', 'TLSv1.1'],
      },
    })
    expect(r.headers.host).toEqual([{ key: 'Host', value: 'shop.internal' }])
    // the viewer's own x-tenant can't reach the origin next to the custom header
    expect(r.headers['x-tenant']).toBeUndefined()
  })

  it("fills CloudFront's defaults and sets Host to the origin's domain", async () => {
    const { handler } = handlerWith()
    const r = await route(handler, 'shop.example.com', '/')
    expect(r.origin?.custom).toEqual({
      customHeaders: {},
      domainName: 'shop-origin.example.net',
      keepaliveTimeout: 5,
      path: '',
      port: 443,
      protocol: 'https',
      readTimeout: 30,
      sslProtocols: ['TLSv1.2'],
    })
    expect(r.headers.host?.[0]?.value).toBe('shop-origin.example.net')
  })

  it('builds S3 origins (region from the bucket domain, or as given)', async () => {
    const { handler } = handlerWith()
    const r = await route(handler, 'shop.example.com', '/media/cat.jpg')
    expect(r.origin).toEqual({
      s3: { authMethod: 'none', customHeaders: {}, domainName: 'shop-media.s3.eu-west-1.amazonaws.com', path: '/shop', region: 'eu-west-1' },
    })
    expect(r.headers.host?.[0]?.value).toBe('shop-media.s3.eu-west-1.amazonaws.com')
    // an origin access identity only works when the behavior's origin is S3 already [EVT]
    const fromS3 = (await invoke(handler, createEvent('origin-request', { origin: 's3', uri: '/static/app.js', headers: { 'x-forwarded-host': 'unknown.example.com' } }))) as CfRequest
    expect(fromS3.origin?.s3).toMatchObject({ authMethod: 'origin-access-identity', region: 'us-east-1', domainName: 'assets.s3.amazonaws.com' })
  })

  it('refuses an origin access identity when switching from a custom origin, with one clear log line', async () => {
    const { handler, logs } = handlerWith({ fallback: { status: 502 } })
    for (let i = 0; i < 3; i++) expect((await route(handler, 'unknown.example.com', '/static/app.js')).status).toBe('502')
    const lines = logs.filter((l) => /origin-access-identity/.test(l.message))
    expect(lines).toHaveLength(1)
    expect(lines[0]!.message).toMatch(/host="\*" pathPrefix="\/static"/)
  })

  it("uses the '*' host for unknown hosts and for paths the host has no rule for", async () => {
    const { handler } = handlerWith()
    expect((await route(handler, 'nobody.example.org', '/x')).origin?.custom?.domainName).toBe('default.example.net')
    const s3 = (await invoke(handler, createEvent('origin-request', { origin: 's3', uri: '/static/a.css', headers: { 'x-forwarded-host': 'nobody.example.org' } }))) as CfRequest
    expect(s3.origin?.s3?.domainName).toBe('assets.s3.amazonaws.com')
  })

  it('reads X-Forwarded-Host first, else Host, lowercased and without port', async () => {
    const { handler } = handlerWith()
    expect((await route(handler, 'SHOP.Example.COM:8443', '/api')).origin?.custom?.domainName).toBe('api.example.net')
    // no X-Forwarded-Host: the Host header (forwarded by the origin request policy) is the key
    const r = (await invoke(handler, createEvent('origin-request', { uri: '/api', headers: { host: 'shop.example.com' } }))) as CfRequest
    expect(r.origin?.custom?.domainName).toBe('api.example.net')
  })

  it('caches rules per host: repeated requests make no more DynamoDB calls, negative hosts included', async () => {
    const { mw, handler } = handlerWith({ ttl: 60, negativeTtl: 60 })
    await route(handler, 'shop.example.com', '/')
    await route(handler, 'nobody.example.org', '/')
    const loads = mw.cache.loads
    expect(loads).toBe(3) // shop, nobody (no rules), '*'
    for (let i = 0; i < 20; i++) {
      await route(handler, 'shop.example.com', '/api/x')
      await route(handler, 'nobody.example.org', '/y')
    }
    expect(mw.cache.loads).toBe(loads)
  })

  it('picks up a changed rule: stale rules are served once while the refresh runs, then the new ones', async () => {
    await putRules(admin, TABLE, [{ host: 'swr.example.com', pathPrefix: '/', type: 'custom', domainName: 'v1.example.net' }])
    const { mw, handler } = handlerWith({ ttl: 0, staleTtl: 60 })
    expect((await route(handler, 'swr.example.com', '/')).origin?.custom?.domainName).toBe('v1.example.net')
    await putRules(admin, TABLE, [{ host: 'swr.example.com', pathPrefix: '/', type: 'custom', domainName: 'v2.example.net' }])
    const loads = mw.cache.loads
    // expired: answered from the cache at once (v1) while one background Query runs
    expect((await route(handler, 'swr.example.com', '/')).origin?.custom?.domainName).toBe('v1.example.net')
    expect(mw.cache.loads).toBe(loads + 1)
    for (let i = 0; i < 100 && mw.cache.peek('swr.example.com')?.rules[0]?.origin?.custom?.domainName !== 'v2.example.net'; i++) {
      await new Promise((r) => setTimeout(r, 10))
    }
    expect((await route(handler, 'swr.example.com', '/')).origin?.custom?.domainName).toBe('v2.example.net')
  })

  it('is bounded: the least recently used host is evicted past maxEntries', async () => {
    const { mw, handler } = handlerWith({ maxEntries: 2 })
    await route(handler, 'shop.example.com', '/') // shop
    await route(handler, 'nobody.example.org', '/') // nobody (negative) + '*' → shop evicted
    expect(mw.cache.size).toBe(2)
    expect(mw.cache.peek('shop.example.com')).toBeUndefined()
    const loads = mw.cache.loads
    expect((await route(handler, 'shop.example.com', '/api')).origin?.custom?.domainName).toBe('api.example.net')
    expect(mw.cache.loads).toBe(loads + 1)
  })

  it('hands out copies: a later middleware changing request.origin does not change the cache', async () => {
    const logs: OriginLogEntry[] = []
    const handler = originRequest(dynamoOrigin({ table: TABLE, endpoint: db.endpoint, log: (e) => logs.push(e) }), async (c, next) => {
      c.request.origin.custom!.customHeaders['x-extra'] = [{ key: 'X-Extra', value: '1' }]
      c.request.origin.custom!.sslProtocols.push('TLSv1')
      await next()
    })
    const a = (await invoke(handler, event('shop.example.com', '/api'))) as CfRequest
    const b = (await invoke(handler, event('shop.example.com', '/api'))) as CfRequest
    expect(a.origin?.custom?.customHeaders['x-extra']).toBeDefined()
    expect(b.origin?.custom?.sslProtocols).toEqual(['TLSv1.2', 'TLSv1.1', 'TLSv1'])
    expect(Object.keys(b.origin!.custom!.customHeaders).sort()).toEqual(['x-api-key', 'x-extra', 'x-tenant'])
  })
})

describe('fallback and invalid items', () => {
  beforeAll(async () => {
    // written around the validation, as a hand edit in the console would be
    await admin.send(new PutItemCommand({ TableName: TABLE, Item: ruleToItem({ host: 'bad.example.com', pathPrefix: '/', type: 'custom', domainName: 'good.example.net' }) }))
    await admin.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: ruleToItem({ host: 'bad.example.com', pathPrefix: '/admin', type: 'custom', domainName: '192.168.1.10', port: 22 } as OriginRule),
      }),
    )
    await admin.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: ruleToItem({ host: 'bad.example.com', pathPrefix: '/h', type: 'custom', domainName: 'h.example.net', customHeaders: { 'X-Amz-Cf-Id': 'x' } } as OriginRule),
      }),
    )
  })

  it('refuses an invalid item: logs the item key, the rule and the value, and uses the fallback', async () => {
    const { handler, logs } = handlerWith({ fallback: { status: 502 } })
    const r = await route(handler, 'bad.example.com', '/admin/users')
    expect(r.status).toBe('502')
    expect(r.origin).toBeUndefined()
    const line = logs.find((l) => l.pathPrefix === '/admin')
    expect(line?.level).toBe('error')
    expect(line?.message).toMatch(/host="bad\.example\.com" pathPrefix="\/admin"/)
    expect(line?.message).toMatch(/domainName.*192\.168\.1\.10/)
    expect(line?.message).toMatch(/port.*22/)
    expect(logs.find((l) => l.pathPrefix === '/h')?.message).toMatch(/x-amz-cf-id/)
    // the valid sibling still routes
    expect((await route(handler, 'bad.example.com', '/')).origin?.custom?.domainName).toBe('good.example.net')
  })

  it('fallback: a default origin (validated, Host set) or pass-through', async () => {
    const withOrigin = handlerWith({ fallback: { origin: { type: 'custom', domainName: 'fallback.example.net', protocol: 'http', port: 8080 } } }).handler
    const r = await route(withOrigin, 'bad.example.com', '/admin')
    expect(r.origin?.custom).toMatchObject({ domainName: 'fallback.example.net', port: 8080, protocol: 'http' })
    expect(r.headers.host?.[0]?.value).toBe('fallback.example.net')

    const pass = handlerWith({ fallback: 'pass-through' }).handler
    const p = await route(pass, 'bad.example.com', '/admin')
    // the behavior's origin from the sample event is kept
    expect(p.origin?.custom?.domainName).toBe('example.org')
  })

  it('refuses a bad configuration at construction, naming the option and the value', () => {
    expect(() => dynamoOrigin({ table: TABLE, fallback: { origin: { type: 'custom', domainName: 'x.example.net', port: 22 } } })).toThrow(/fallback.*port.*22/)
    expect(() => dynamoOrigin({ table: TABLE, fallback: { status: 42 } })).toThrow(/fallback\.status.*42/)
    expect(() => dynamoOrigin({ table: 'a b', fallback: 'pass-through' })).toThrow(/table.*"a b"/)
    expect(() => dynamoOrigin({ table: TABLE, ttl: -1 })).toThrow(/ttl.*-1/)
  })

  it("with no '*' rule and no host rule, the fallback answers", async () => {
    const other = await startLocalDynamo({ table: TABLE })
    try {
      const logs: OriginLogEntry[] = []
      const handler = originRequest(dynamoOrigin({ table: TABLE, endpoint: other.endpoint, fallback: { status: 502, body: 'no origin' }, log: (e) => logs.push(e) }))
      const r = await route(handler, 'shop.example.com', '/')
      expect(r.status).toBe('502')
      expect(r.body).toBe('no origin')
      expect(logs).toEqual([])
    } finally {
      await other.close()
    }
  })
})

describe('startLocalDynamo', () => {
  it('loads the example seed so host * and blog.localhost route to the two local origins', async () => {
    const local = await startLocalDynamo({ table: 'seeded', seed: new URL('../../edge-functions/origins.seed.json', import.meta.url).pathname })
    try {
      const handler = originRequest(dynamoOrigin({ table: 'seeded', endpoint: local.endpoint }))
      const blog = (await invoke(handler, createEvent('origin-request', { uri: '/', headers: { host: 'blog.localhost:8787' } }))) as CfRequest
      expect(blog.origin?.custom).toMatchObject({ domainName: 'localhost', port: 8789, protocol: 'http' })
      const app = (await invoke(handler, createEvent('origin-request', { uri: '/', headers: { host: 'localhost:8787' } }))) as CfRequest
      expect(app.origin?.custom).toMatchObject({ domainName: 'localhost', port: 8788, protocol: 'http' })
    } finally {
      await local.close()
    }
  })

  it('refuses an invalid seed, naming the file and the item', async () => {
    const { writeFile, mkdtemp, rm } = await import('node:fs/promises')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const dir = await mkdtemp(join(tmpdir(), 'edgeware-origin-'))
    try {
      const file = join(dir, 'seed.json')
      await writeFile(file, JSON.stringify([{ host: 'a.localhost', pathPrefix: 'nope', type: 'custom', domainName: 'localhost' }]))
      await expect(startLocalDynamo({ table: TABLE, seed: file })).rejects.toThrow(new RegExp(`${file}.*host="a\\.localhost" pathPrefix="nope".*pathPrefix must be a string starting with "/"`, 's'))
      await writeFile(file, '{ not json')
      await expect(startLocalDynamo({ table: TABLE, seed: file })).rejects.toThrow(file)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
