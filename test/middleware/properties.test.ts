/**
 * Properties over generated inputs (fast-check): what must hold for any request, not just the examples.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { viewerRequest } from 'edgeware'
import { createEvent, invoke } from 'edgeware/testing'
import { normalize, redirects } from 'edgeware/middleware'
import { asRequest, asResponse, header } from './helpers.js'

const anyChar = fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.constantFrom('\r\n', '//', '\\', '%0d%0a', ' ', '"', '<'))
const tail = fc.array(anyChar, { maxLength: 6 }).map((a) => a.join(''))

describe('redirects() for any captured path', () => {
  const handler = viewerRequest(
    redirects([
      { from: '/go/*', to: '/*' },
      { from: '/ext/*', to: 'https://example.com/x/*' },
    ]),
  )

  it('always yields a valid Location: no control characters, no protocol-relative or foreign host', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/go/', '/ext/'), tail, fc.string({ maxLength: 20 }), async (prefix, rest, qs) => {
        const event = createEvent('viewer-request', { uri: prefix + rest })
        event.Records[0]!.cf.request.querystring = qs
        // invoke validates the result as CloudFront would (header values included)
        const res = asResponse(await invoke(handler, event))
        const loc = header(res.headers, 'location')!
        // eslint-disable-next-line no-control-regex
        expect(loc).not.toMatch(/[\u0000-\u0020\u007f]/)
        if (prefix === '/go/') {
          expect(loc.startsWith('/')).toBe(true)
          expect(loc.startsWith('//')).toBe(false)
          expect(loc.startsWith('/\\')).toBe(false)
        } else {
          expect(new URL(loc).host).toBe('example.com')
        }
      }),
      { numRuns: 300 },
    )
  })
})

describe('normalize() for any query string', () => {
  const param = fc.tuple(fc.constantFrom('a', 'b', 'q', 'utm_source', 'utm_x', 'fbclid', 'gclid', 'page', 'Z', '%61'), fc.constantFrom('', '=', '=1', '=x%20y', '=2'))
  const qs = fc.array(param, { maxLength: 8 }).map((ps) => ps.map(([k, v]) => k + v).join('&'))
  const run = async (uri: string, q: string) => {
    const req = asRequest(await invoke(viewerRequest(normalize()), createEvent('viewer-request', { uri, querystring: q })))
    return req
  }

  it('is idempotent and keeps every non-tracking parameter exactly once per occurrence', async () => {
    await fc.assert(
      fc.asyncProperty(qs, async (q) => {
        const once = await run('/p', q)
        const twice = await run('/p', once.querystring)
        expect(twice.querystring).toBe(once.querystring)
        const kept = (s: string) =>
          s
            .split('&')
            .filter((p) => p !== '' && !/^(utm_|fbclid|gclid)/.test(p))
            .sort()
        expect(kept(once.querystring)).toEqual(kept(q))
        expect(once.querystring).not.toMatch(/(^|&)(utm_|fbclid|gclid)/)
      }),
      { numRuns: 200 },
    )
  })
})
