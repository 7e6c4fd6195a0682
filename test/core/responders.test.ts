import { describe, expect, it, vi } from 'vitest'
import { EdgeRuleError, originRequest, originResponse, viewerRequest, viewerResponse, type ViewerRequestContext } from 'edgeware'
import { limits, validateResult } from 'edgeware/cloudfront'
import { createEvent, invoke } from 'edgeware/testing'
import { asResponse } from './helpers.js'

async function respondWith(fn: (c: ViewerRequestContext) => void) {
  return asResponse(await invoke(viewerRequest(async (c) => fn(c)), createEvent('viewer-request')))
}

async function ruleOf(fn: (c: ViewerRequestContext) => void): Promise<string> {
  let rule = ''
  await viewerRequest(async (c) => {
    try {
      fn(c)
    } catch (e) {
      expect(e).toBeInstanceOf(EdgeRuleError)
      rule = (e as EdgeRuleError).rule
    }
  })(createEvent('viewer-request'))
  return rule
}

describe('responders (request stages)', () => {
  it('redirect: status as string, description, Location; default 302', async () => {
    expect(await respondWith((c) => c.redirect('https://example.com/new?a=1', 301))).toEqual({
      status: '301',
      statusDescription: 'Moved Permanently',
      headers: { location: [{ key: 'Location', value: 'https://example.com/new?a=1' }] },
    })
    expect((await respondWith((c) => c.redirect('/x'))).status).toBe('302')
  })

  it('redirect refuses CR/LF in the location and non-redirect statuses', async () => {
    expect(await ruleOf((c) => c.redirect('/x\r\nSet-Cookie: evil=1'))).toBe('InvalidHeaderValue')
    expect(await ruleOf((c) => c.redirect('/x', 200 as never))).toBe('InvalidStatus')
  })

  it('redirect refuses locations that leave the site while looking like a path (UnsafeRedirect)', async () => {
    for (const location of ['//evil.com', '//evil.com/x', '/\\evil.com', '\\\\evil.com', '\\/evil.com', ' //evil.com', '/\t/evil.com']) {
      expect(await ruleOf((c) => c.redirect(location)), JSON.stringify(location)).toBe('UnsafeRedirect')
    }
    let message = ''
    await viewerRequest(async (c) => {
      try {
        c.redirect('//evil.com')
      } catch (e) {
        message = (e as Error).message
      }
    })(createEvent('viewer-request'))
    expect(message).toContain('"//evil.com"')
    expect(message).toContain('allowProtocolRelative')
    for (const location of ['/x', '/x//y', 'https://other.example/', 'x/y', '?a=1', '/%2F%2Fevil.com']) {
      expect((await respondWith((c) => c.redirect(location))).status, location).toBe('302')
    }
  })

  it('redirect takes //host with allowProtocolRelative, never a backslash form', async () => {
    const res = await respondWith((c) => c.redirect('//cdn.example.com/app.js', 301, { allowProtocolRelative: true }))
    expect(res.headers?.['location']).toEqual([{ key: 'Location', value: '//cdn.example.com/app.js' }])
    expect(await ruleOf((c) => c.redirect('/\\cdn.example.com', 302, { allowProtocolRelative: true }))).toBe('UnsafeRedirect')
  })

  it('text, json, html set content-type and a text body', async () => {
    expect(await respondWith((c) => c.text('hi'))).toEqual({
      status: '200',
      statusDescription: 'OK',
      headers: { 'content-type': [{ key: 'Content-Type', value: 'text/plain; charset=utf-8' }] },
      bodyEncoding: 'text',
      body: 'hi',
    })
    const j = await respondWith((c) => c.json({ ok: true }, 201, { 'cache-control': 'no-store' }))
    expect(j.status).toBe('201')
    expect(j.body).toBe('{"ok":true}')
    expect(j.headers?.['content-type']?.[0]?.value).toBe('application/json; charset=utf-8')
    expect(j.headers?.['cache-control']?.[0]?.value).toBe('no-store')
    const h = await respondWith((c) => c.html('<p>x</p>', 404))
    expect(h).toMatchObject({ status: '404', statusDescription: 'Not Found', body: '<p>x</p>' })
    expect(h.headers?.['content-type']?.[0]?.value).toBe('text/html; charset=utf-8')
    // a caller's content-type wins
    const t = await respondWith((c) => c.text('x', 200, { 'Content-Type': 'text/csv' }))
    expect(t.headers?.['content-type']).toEqual([{ key: 'Content-Type', value: 'text/csv' }])
  })

  it('json refuses values JSON cannot represent', async () => {
    expect(await ruleOf((c) => c.json(undefined))).toBe('InvalidBody')
    expect(await ruleOf((c) => c.json({ n: 1n }))).toBe('InvalidBody')
    const circular: Record<string, unknown> = {}
    circular.self = circular
    expect(await ruleOf((c) => c.json(circular))).toBe('InvalidBody')
    expect(await ruleOf((c) => c.text(5 as never))).toBe('InvalidBody')
    expect(await ruleOf((c) => c.redirect(5 as never))).toBe('InvalidHeaderValue')
  })

  it('respond: bytes go out base64 with bodyEncoding, repeated headers stay separate', async () => {
    const r = await respondWith((c) =>
      c.respond({ status: 200, headers: { 'content-type': 'image/png', 'set-cookie': ['a=1', 'b=2'] }, body: new Uint8Array([137, 80, 78, 71]) }),
    )
    expect(r.bodyEncoding).toBe('base64')
    expect(Buffer.from(r.body!, 'base64')).toEqual(Buffer.from([137, 80, 78, 71]))
    expect(r.headers?.['set-cookie']).toEqual([
      { key: 'set-cookie', value: 'a=1' },
      { key: 'set-cookie', value: 'b=2' },
    ])
  })

  it('respond refuses a status outside 200–599, a 204 with a body, bad headers', async () => {
    for (const s of [199, 600, 99, 302.5, NaN]) expect(await ruleOf((c) => c.respond({ status: s }))).toBe('InvalidStatus')
    expect(await ruleOf((c) => c.respond({ status: '200' as never }))).toBe('InvalidStatus')
    expect(await ruleOf((c) => c.respond({ status: 204, body: '' }))).toBe('BodyOn204')
    expect(await ruleOf((c) => c.respond({ status: 200, headers: { 'x-cache': 'Hit' } }))).toBe('DisallowedHeader')
    expect(await ruleOf((c) => c.respond({ status: 200, headers: { 'x-a': 'a\nb' } }))).toBe('InvalidHeaderValue')
    expect(await ruleOf((c) => c.respond({ status: 200, body: 5 as never }))).toBe('InvalidBody')
    expect(await ruleOf((c) => c.respond(null as never))).toBe('InvalidResponse')
    expect(await ruleOf((c) => c.respond({ status: 200, statusDescription: 'a\r\nb' }))).toBe('InvalidHeaderValue')
    // 204 without a body is fine
    expect((await respondWith((c) => c.respond({ status: 204 }))).status).toBe('204')
  })

  it('ResponseTooLarge when headers + body exceed the stage limit (at and over)', async () => {
    const max = limits.classic.generatedResponseBytes['viewer-request']
    // headers: content-type (12) + 'text/plain; charset=utf-8' (25)
    const overhead = 'content-type'.length + 'text/plain; charset=utf-8'.length
    const ok = await respondWith((c) => c.text('x'.repeat(max - overhead)))
    expect(ok.body!.length).toBe(max - overhead)
    expect(await ruleOf((c) => c.text('x'.repeat(max - overhead + 1)))).toBe('ResponseTooLarge')
    // multi-byte characters count in UTF-8 bytes
    expect(await ruleOf((c) => c.text('é'.repeat((max - overhead) / 2 + 1)))).toBe('ResponseTooLarge')
    // origin-request allows 1 MB
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
    const big = await invoke(
      originRequest(async (c) => void c.text('x'.repeat(max * 2))),
      createEvent('origin-request'),
    )
    expect(asResponse(big).body!.length).toBe(max * 2)
    await expect(
      originRequest(async (c) => void c.text('x'.repeat(limits.classic.generatedResponseBytes['origin-request'])))(createEvent('origin-request')),
    ).rejects.toMatchObject({ rule: 'ResponseTooLarge' })
    spy.mockRestore()
  })

  it('generated responses pass the validator (same codes as the validator)', async () => {
    const event = createEvent('viewer-request')
    for (const fn of [
      (c: ViewerRequestContext) => c.redirect('/a'),
      (c: ViewerRequestContext) => c.json([1, 2]),
      (c: ViewerRequestContext) => c.respond({ status: 200, body: new Uint8Array([1, 2, 3]) }),
    ]) {
      const out = await viewerRequest(async (c) => void fn(c))(structuredClone(event))
      expect(validateResult('viewer-request', event, out)).toEqual([])
    }
  })
})

describe('response stages', () => {
  it('origin-response can change status (description follows), headers and body', async () => {
    const out = await invoke(
      originResponse(async (c) => {
        expect(c.response.status).toBe(200)
        expect(c.response.statusDescription).toBe('OK')
        expect(c.response.body).toBeUndefined() // the origin body is not exposed
        c.response.status = 404
        c.response.headers.set('cache-control', 'max-age=10')
        c.response.body = 'not here'
      }),
      createEvent('origin-response'),
    )
    expect(out).toMatchObject({ status: '404', statusDescription: 'Not Found', body: 'not here', bodyEncoding: 'text' })
    expect(out.headers['cache-control']).toEqual([{ key: 'cache-control', value: 'max-age=10' }])
  })

  it('origin-response body: bytes as base64, "" removes, undefined restores pass-through', async () => {
    await originResponse(async (c) => {
      c.response.body = new Uint8Array([1, 2])
      expect(c.response.raw.bodyEncoding).toBe('base64')
      expect(c.response.body).toEqual(new Uint8Array([1, 2]))
      c.response.body = ''
      expect(c.response.raw.body).toBe('')
      c.response.body = undefined
      expect('body' in c.response.raw).toBe(false)
      expect(() => (c.response.body = 5 as never)).toThrow(EdgeRuleError)
      c.response.statusDescription = 'Fine'
      expect(c.response.raw.statusDescription).toBe('Fine')
      expect(() => (c.response.statusDescription = 'a\nb')).toThrow(EdgeRuleError)
    })(createEvent('origin-response'))
  })

  it('origin-response body: 1 MB limit with the headers (at and over), no body on a 204', async () => {
    await originResponse(async (c) => {
      const max = limits.classic.generatedResponseBytes['origin-request']
      let headerBytes = 0
      for (const [name, value] of c.response.headers) headerBytes += name.length + value.length
      c.response.body = 'x'.repeat(max - headerBytes) // exactly at the limit
      expect(() => (c.response.body = 'x'.repeat(max - headerBytes + 1))).toThrow(expect.objectContaining({ rule: 'ResponseTooLarge' }))
      expect(() => (c.response.status = 204)).toThrow(expect.objectContaining({ rule: 'BodyOn204' }))
      c.response.body = undefined
      c.response.status = 204
      expect(() => (c.response.body = '')).toThrow(expect.objectContaining({ rule: 'BodyOn204' }))
    })(createEvent('origin-response'))
  })

  it('origin-response refuses statuses outside 200–599', async () => {
    await originResponse(async (c) => {
      expect(() => (c.response.status = 700)).toThrow(expect.objectContaining({ rule: 'InvalidStatus' }))
      expect(c.response.status).toBe(200)
    })(createEvent('origin-response'))
  })

  it('viewer-response: a status change throws StatusChanged; setting the same status is a no-op', async () => {
    await viewerResponse(async (c) => {
      c.response.status = 200
      let rule = ''
      try {
        c.response.status = 404
      } catch (e) {
        rule = (e as EdgeRuleError).rule
      }
      expect(rule).toBe('StatusChanged')
      expect(c.response.raw.status).toBe('200')
    })(createEvent('viewer-response'))
  })

  it('viewer-response: a status that is not a number is InvalidStatus, even one that cannot be turned into text', async () => {
    await viewerResponse(async (c) => {
      const odd = { toString: false } as unknown as number
      expect(() => (c.response.status = odd)).toThrow(expect.objectContaining({ rule: 'InvalidStatus' }))
      expect(c.response.raw.status).toBe('200')
    })(createEvent('viewer-response'))
  })

  it('viewer-response: setting a body throws BodyNotAllowed', async () => {
    await viewerResponse(async (c) => {
      expect(() => (c.response.body = 'x')).toThrow(expect.objectContaining({ rule: 'BodyNotAllowed' }))
    })(createEvent('viewer-response'))
  })

  it('viewer-response: the read-only Content-Length of the sample can be read but not touched', async () => {
    await viewerResponse(async (c) => {
      expect(c.response.headers.get('content-length')).toBe('9593')
      expect(() => c.response.headers.delete('content-length')).toThrow(expect.objectContaining({ rule: 'ReadOnlyHeader' }))
    })(createEvent('viewer-response'))
  })
})
