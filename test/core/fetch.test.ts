import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EdgeRuleError } from 'edgeware'
import { fromCfHeaders, fromFetchResponse, isBinaryContentType, toCfHeaders, toFetchRequest, toResponseInit, validateResult } from 'edgeware/cloudfront'
import { createEvent } from 'edgeware/testing'

let server: Server
let base: string
let lastRequest: { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer } | undefined

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 255])

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      lastRequest = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) }
      if (req.url === '/png') {
        res.writeHead(200, { 'content-type': 'image/png', connection: 'keep-alive' })
        res.end(PNG)
      } else if (req.url === '/cookies') {
        res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; HttpOnly'])
        res.setHeader('content-type', 'text/html; charset=utf-8')
        res.setHeader('x-cache', 'Miss from origin') // disallowed in a Lambda@Edge result
        res.setHeader('x-amz-cf-pop', 'FRA')
        res.end('<p>hé</p>')
      } else if (req.url === '/empty') {
        res.writeHead(204, { 'x-a': '1' })
        res.end()
      } else {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ ok: true }))
      }
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()))
})

describe('toFetchRequest', () => {
  it('builds URL from Host + uri + querystring and carries headers (repeated ones too)', () => {
    const event = createEvent('viewer-request', { uri: '/p/a', querystring: 'x=1&y=2', headers: { 'x-multi': ['a', 'b'] } })
    const req = toFetchRequest(event.Records[0]!.cf.request)
    expect(req.url).toBe('https://d111111abcdef8.cloudfront.net/p/a?x=1&y=2')
    expect(req.method).toBe('GET')
    expect(req.headers.get('user-agent')).toBe('curl/7.66.0')
    expect(req.headers.get('x-multi')).toBe('a, b')
    expect(toFetchRequest(createEvent('viewer-request').Records[0]!.cf.request).url).toBe('https://d111111abcdef8.cloudfront.net/')
  })

  it('decodes the IncludeBody body; honours CloudFront-Forwarded-Proto and options', async () => {
    const event = createEvent('viewer-request', { body: '{"a":1}', headers: { 'cloudfront-forwarded-proto': 'http' } })
    const req = toFetchRequest(event.Records[0]!.cf.request)
    expect(req.method).toBe('POST')
    expect(req.url.startsWith('http://')).toBe(true)
    expect(await req.json()).toEqual({ a: 1 })
    const noHost = createEvent('viewer-request', { headers: { host: null } }).Records[0]!.cf.request
    expect(() => toFetchRequest(noHost)).toThrow(EdgeRuleError)
    expect(toFetchRequest(noHost, { host: 'd.example', scheme: 'http' }).url).toBe('http://d.example/')
    const ac = new AbortController()
    expect(toFetchRequest(event.Records[0]!.cf.request, { signal: ac.signal }).signal.aborted).toBe(false)
  })

  it('reaches a real HTTP server with its method, path, headers and body', async () => {
    const event = createEvent('origin-request', { uri: '/echo', querystring: 'q=1', body: new Uint8Array([1, 2, 3, 250]), headers: { host: base, 'x-test': 'yes' } })
    const res = await fetch(toFetchRequest(event.Records[0]!.cf.request, { scheme: 'http' }))
    expect(res.status).toBe(200)
    expect(lastRequest).toMatchObject({ method: 'POST', url: '/echo?q=1' })
    expect(lastRequest!.headers['x-test']).toBe('yes')
    expect([...lastRequest!.body]).toEqual([1, 2, 3, 250])
  })

  it('bad input is an EdgeRuleError, not a TypeError', () => {
    expect(() => toFetchRequest(null as never)).toThrow(EdgeRuleError)
    const bad = createEvent('viewer-request', { headers: { host: 'bad host with spaces' } }).Records[0]!.cf.request
    expect(() => toFetchRequest(bad)).toThrow(EdgeRuleError)
  })
})

describe('fromFetchResponse', () => {
  it('binary bodies go base64 by content-type; framing headers dropped', async () => {
    const out = await fromFetchResponse(await fetch(`http://${base}/png`), { stage: 'viewer-request' })
    expect(out.status).toBe('200')
    expect(out.bodyEncoding).toBe('base64')
    expect(Buffer.from(out.body!, 'base64')).toEqual(PNG)
    expect(out.headers?.['content-type']).toEqual([{ key: 'Content-Type', value: 'image/png' }])
    for (const h of ['connection', 'keep-alive', 'content-length', 'transfer-encoding']) expect(out.headers?.[h]).toBeUndefined()
    expect(validateResult('viewer-request', createEvent('viewer-request'), out)).toEqual([])
  })

  it('text stays text; every Set-Cookie is its own entry; disallowed headers dropped', async () => {
    const out = await fromFetchResponse(await fetch(`http://${base}/cookies`))
    expect(out.bodyEncoding).toBe('text')
    expect(out.body).toBe('<p>hé</p>')
    expect(out.headers?.['set-cookie']).toEqual([
      { key: 'Set-Cookie', value: 'a=1; Path=/' },
      { key: 'Set-Cookie', value: 'b=2; HttpOnly' },
    ])
    expect(out.headers?.['x-cache']).toBeUndefined()
    expect(out.headers?.['x-amz-cf-pop']).toBeUndefined()
    expect(validateResult('origin-request', createEvent('origin-request'), out)).toEqual([])
  })

  it('204 has no body key; gzip content-encoding forces base64; custom isBinary', async () => {
    const empty = await fromFetchResponse(await fetch(`http://${base}/empty`))
    expect(empty).toMatchObject({ status: '204', statusDescription: 'No Content', headers: { 'x-a': [{ key: 'X-A', value: '1' }] } })
    expect('body' in empty).toBe(false)
    const gz = await fromFetchResponse(new Response('abc', { headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip' } }))
    expect(gz.bodyEncoding).toBe('base64')
    const custom = await fromFetchResponse(new Response('abc', { headers: { 'content-type': 'application/x-thing' } }), { isBinary: () => false })
    expect(custom).toMatchObject({ bodyEncoding: 'text', body: 'abc' })
  })

  it('checks the stage size limit when asked, and refuses statuses CloudFront would', async () => {
    await expect(fromFetchResponse(new Response('x'.repeat(41 * 1024)), { stage: 'viewer-request' })).rejects.toMatchObject({ rule: 'ResponseTooLarge' })
    await expect(fromFetchResponse(new Response('x'.repeat(41 * 1024)), { stage: 'origin-request' })).resolves.toBeDefined()
    // a Response can't even be built with 101; a Response-shaped object with one is refused by the converter
    const switching = { status: 101, statusText: '', headers: new Headers(), body: null } as unknown as Response
    await expect(fromFetchResponse(switching)).rejects.toMatchObject({ rule: 'InvalidStatus' })
    await expect(fromFetchResponse({} as Response)).rejects.toBeInstanceOf(EdgeRuleError)
  })
})

describe('toResponseInit', () => {
  it("reads a Response into c.respond's init: binary bodies as the bytes themselves, Set-Cookie values apart, names canonical", async () => {
    const png = await toResponseInit(await fetch(`http://${base}/png`))
    expect(png.status).toBe(200)
    expect(png.body).toBeInstanceOf(Uint8Array)
    expect(Buffer.from(png.body as Uint8Array)).toEqual(PNG)
    expect(png.headers['Content-Type']).toBe('image/png')
    expect(png.headers['Content-Length']).toBeUndefined()
    const page = await toResponseInit(await fetch(`http://${base}/cookies`))
    expect(page.body).toBe('<p>hé</p>')
    expect(page.headers['Set-Cookie']).toEqual(['a=1; Path=/', 'b=2; HttpOnly'])
    expect(page.headers['X-Cache']).toBeUndefined()
    const empty = await toResponseInit(await fetch(`http://${base}/empty`))
    expect(empty).toMatchObject({ status: 204, headers: { 'X-A': '1' } })
    expect('body' in empty).toBe(false)
  })
})

describe('header conversions', () => {
  it('toCfHeaders from Headers and records; fromCfHeaders back', () => {
    const h = new Headers([
      ['content-type', 'text/plain'],
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ])
    expect(toCfHeaders(h)).toEqual({
      'content-type': [{ key: 'Content-Type', value: 'text/plain' }],
      'set-cookie': [
        { key: 'Set-Cookie', value: 'a=1' },
        { key: 'Set-Cookie', value: 'b=2' },
      ],
    })
    expect(toCfHeaders({ 'X-Ab': 'B', Vary: ['a', 'b'] })).toEqual({
      'x-ab': [{ key: 'X-Ab', value: 'B' }],
      vary: [
        { key: 'Vary', value: 'a' },
        { key: 'Vary', value: 'b' },
      ],
    })
    expect(() => toCfHeaders({ a: 5 as never })).toThrow(EdgeRuleError)
    const back = fromCfHeaders(createEvent('viewer-request', { headers: { 'set-cookie': ['a=1', 'b=2'] } }).Records[0]!.cf.request.headers)
    expect(back.getSetCookie()).toEqual(['a=1', 'b=2'])
    expect(back.get('host')).toBe('d111111abcdef8.cloudfront.net')
    expect(() => fromCfHeaders({ 'x-a': [{ value: 'a\nb' }] })).toThrow(EdgeRuleError)
  })

  it('isBinaryContentType', () => {
    for (const t of ['text/html', 'application/json', 'application/vnd.api+json', 'image/svg+xml', 'application/xml; charset=utf-8', '']) {
      expect(isBinaryContentType(t)).toBe(false)
    }
    for (const t of ['image/png', 'application/octet-stream', 'font/woff2', 'text/plain; charset=iso-8859-1', 'application/pdf']) {
      expect(isBinaryContentType(t)).toBe(true)
    }
  })
})
