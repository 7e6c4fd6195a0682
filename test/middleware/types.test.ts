/**
 * Type-level stage restrictions: `tsc --noEmit` fails if a middleware is accepted by a stage it can't run in
 * (each `@ts-expect-error` must be needed). The runtime refusals are tested per middleware.
 */
import { describe, expect, it } from 'vitest'
import { originRequest, originResponse, viewerRequest, viewerResponse } from 'edgeware'
import { abTest, basicAuth, cacheControl, cors, directoryIndex, geo, jwtAuth, normalize, redirects, securityHeaders, spaFallback } from 'edgeware/middleware'
import { hono } from 'edgeware/hono'
import { Hono } from 'hono'

describe('stage typing', () => {
  it('accepts each middleware where it runs and rejects it where it cannot', () => {
    const handlers = [
      viewerRequest(redirects({ '/a': '/b' }), normalize(), directoryIndex(), spaFallback(), basicAuth({ username: 'u', password: 'p' })),
      viewerRequest(jwtAuth({ secret: 'x'.repeat(32) }), cors(), abTest({ variants: ['a'] }), hono(new Hono())),
      originRequest(redirects({ '/a': '/b' }), directoryIndex(), geo({ block: ['KP'] }), cors(), abTest({ variants: ['a'] }), hono(new Hono())),
      originResponse(securityHeaders(), cacheControl({ rules: [] }), cors()),
      viewerResponse(securityHeaders(), cors(), abTest({ variants: ['a'] })),
      // @ts-expect-error redirects answers requests: not a response stage
      viewerResponse(redirects({ '/a': '/b' })),
      // @ts-expect-error securityHeaders edits responses: not a request stage
      viewerRequest(securityHeaders()),
      // @ts-expect-error cacheControl is origin-response only
      viewerResponse(cacheControl({ rules: [] })),
      // @ts-expect-error basicAuth is viewer-request only
      originRequest(basicAuth({ username: 'u', password: 'p' })),
      // @ts-expect-error jwtAuth is viewer-request only
      originRequest(jwtAuth({ secret: 'x'.repeat(32) })),
      // @ts-expect-error geo is origin-request only
      viewerRequest(geo({ block: ['KP'] })),
      // @ts-expect-error hono answers requests: not a response stage
      originResponse(hono(new Hono())),
    ]
    expect(handlers.map((h) => h.stage)).toContain('viewer-response')
  })
})
