import { test, expect } from 'vitest'
import { viewerRequest, originResponse } from 'edgeware'
import { createEvent, invoke } from 'edgeware/testing'
test('smoke', async () => {
  const h = viewerRequest(async (c, next) => {
    if (c.request.uri === '/old') { c.redirect('/new', 301); return }
    c.request.headers.set('x-ab', c.request.cookies.get('ab') ?? 'A')
    await next()
  })
  const r1 = await invoke(h, createEvent('viewer-request', { uri: '/old' }))
  expect(r1).toMatchObject({ status: '301', headers: { location: [{ key: 'Location', value: '/new' }] } })
  const r2 = await invoke(h, createEvent('viewer-request', { cookies: { ab: 'B' } }))
  expect((r2 as any).headers['x-ab']).toEqual([{ key: 'x-ab', value: 'B' }])
  const o = originResponse(async (c) => { c.response.status = 404; c.response.body = 'nope' })
  const r3 = await invoke(o, createEvent('origin-response'))
  expect(r3.status).toBe('404')
})
