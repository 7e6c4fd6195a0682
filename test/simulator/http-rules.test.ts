// The rules behind the local edge's HTTP, one by one: byte ranges and conditional requests (reference §7),
// invalidation paths (§10.1), the access log's values (§10.2), what the front tells the edge, what a reload changes.
import { describe, expect, it } from 'vitest'
import { invalidates, invalidationPathProblem } from '../../src/cloudfront/invalidation.js'
import { logValue } from '../../src/simulator/access-log.js'
import { planReload } from '../../src/simulator/config-reload.js'
import { parse } from '../distribution/helpers.js'
import { formatFrontInfo, parseFrontInfo } from '../../src/simulator/front-wire.js'
import { notModified, parseRange, rangeStillValid, tagListHas } from '../../src/simulator/range-rules.js'
import { config } from './helpers.js'

describe('Range', () => {
  it('one range: from-to (end clamped), open-ended, suffix (longer than the object: all of it)', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ kind: 'part', start: 0, end: 99 })
    expect(parseRange('bytes=990-2000', 1000)).toEqual({ kind: 'part', start: 990, end: 999 })
    expect(parseRange('bytes=100-', 1000)).toEqual({ kind: 'part', start: 100, end: 999 })
    expect(parseRange('bytes=-100', 1000)).toEqual({ kind: 'part', start: 900, end: 999 })
    expect(parseRange('bytes=-5000', 1000)).toEqual({ kind: 'part', start: 0, end: 999 })
    expect(parseRange(' BYTES=0-0 ', 1000)).toEqual({ kind: 'part', start: 0, end: 0 })
  })
  it('unsatisfiable: a start at or past the end, a zero-length suffix, any range of an empty object', () => {
    expect(parseRange('bytes=1000-', 1000)).toEqual({ kind: 'unsatisfiable' })
    expect(parseRange('bytes=1000-1200', 1000)).toEqual({ kind: 'unsatisfiable' })
    expect(parseRange('bytes=-0', 1000)).toEqual({ kind: 'unsatisfiable' })
    expect(parseRange('bytes=-1', 0)).toEqual({ kind: 'unsatisfiable' })
  })
  it('the whole object: no Range, another unit, descending, malformed, several ranges', () => {
    for (const v of [undefined, 'items=0-1', 'bytes=9-2', 'bytes=-', 'bytes=a-b', 'bytes=0-1,5-6', 'bytes 0-1']) expect(parseRange(v, 1000)).toEqual({ kind: 'whole' })
  })
})

describe('conditional requests', () => {
  it('If-None-Match compares weakly and wins over If-Modified-Since', () => {
    expect(tagListHas('W/"a", "b"', '"a"')).toBe(true)
    expect(tagListHas('"a"', 'W/"a"')).toBe(true)
    expect(tagListHas('*', '"x"')).toBe(true)
    expect(tagListHas('"b"', '"a"')).toBe(false)
    const obj = { etag: '"a"', lastModified: 'Wed, 01 Jan 2025 00:00:00 GMT' }
    expect(notModified({ ifNoneMatch: '"a"' }, obj)).toBe(true)
    expect(notModified({ ifNoneMatch: '"b"', ifModifiedSince: 'Wed, 01 Jan 2025 00:00:00 GMT' }, obj)).toBe(false)
    expect(notModified({ ifModifiedSince: 'Wed, 01 Jan 2025 00:00:00 GMT' }, obj)).toBe(true)
    expect(notModified({ ifModifiedSince: 'Tue, 31 Dec 2024 23:59:59 GMT' }, obj)).toBe(false)
    expect(notModified({ ifModifiedSince: 'not a date' }, obj)).toBe(false)
    expect(notModified({}, obj)).toBe(false)
  })
  it('If-Range: the strong ETag or the exact Last-Modified keeps the range', () => {
    const obj = { etag: '"a"', lastModified: 'Wed, 01 Jan 2025 00:00:00 GMT' }
    expect(rangeStillValid(undefined, obj)).toBe(true)
    expect(rangeStillValid('"a"', obj)).toBe(true)
    expect(rangeStillValid('"b"', obj)).toBe(false)
    expect(rangeStillValid('W/"a"', { ...obj, etag: 'W/"a"' })).toBe(false)
    expect(rangeStillValid('Wed, 01 Jan 2025 00:00:00 GMT', obj)).toBe(true)
    expect(rangeStillValid('Wed, 01 Jan 2025 00:00:01 GMT', obj)).toBe(false)
  })
})

describe('invalidation paths', () => {
  it('must start with / and may have a * only at the end', () => {
    expect(invalidationPathProblem('/images/*')).toBeUndefined()
    expect(invalidationPathProblem('/*')).toBeUndefined()
    expect(invalidationPathProblem('/a.jpg?w=100')).toBeUndefined()
    expect(invalidationPathProblem('images/*')).toBe('"images/*": an invalidation path must start with "/" (try "/images/*")')
    expect(invalidationPathProblem('/images/*.jpg')).toBe('"/images/*.jpg": a * is allowed only as the last character of an invalidation path')
  })
  it('match exactly, or by prefix with a trailing *; case-sensitive; a query string only when named or covered', () => {
    expect(invalidates('/a.jpg', '/a.jpg')).toBe(true)
    expect(invalidates('/a.jpg', '/A.jpg')).toBe(false)
    expect(invalidates('/a.jpg', '/a.jpg?w=1')).toBe(false)
    expect(invalidates('/a.jpg?w=1', '/a.jpg?w=1')).toBe(true)
    expect(invalidates('/a.jpg*', '/a.jpg?w=1')).toBe(true)
    expect(invalidates('/images/image*', '/images/image2.png')).toBe(true)
    expect(invalidates('/images/*', '/images')).toBe(false)
    expect(invalidates('/*', '/')).toBe(true)
  })
})

describe('the access log', () => {
  it('writes - for an empty value and percent-encodes what would split a line', () => {
    expect(logValue(undefined)).toBe('-')
    expect(logValue('')).toBe('-')
    expect(logValue(0)).toBe('0')
    expect(logValue('Mozilla/5.0 (X11; Linux)')).toBe('Mozilla/5.0%20(X11;%20Linux)')
    expect(logValue('a\tb\nc')).toBe('a%09b%0Ac')
    expect(logValue('Köln')).toBe('K%C3%B6ln')
  })
})

describe('what the front tells the edge', () => {
  it('reads back what it wrote, names with odd token characters included; nothing from a value that is not its own', () => {
    const info = { ip: '::1', port: 50312, headBytes: 78, httpVersion: '1.0', names: ['Host', 'X-100%', "X-It's"], tls: 'TLSv1.3 TLS_AES_128_GCM_SHA256', generation: 3 }
    expect(parseFrontInfo(formatFrontInfo(info))).toEqual(info)
    const refused = { ip: '127.0.0.1', port: 1, headBytes: 9000, httpVersion: '1.1', names: [], refused: { why: 'url-too-long' as const, method: 'GET', urlBytes: 9000 } }
    expect(parseFrontInfo(formatFrontInfo(refused))).toEqual(refused)
    expect(parseFrontInfo(null)).toBeUndefined()
    expect(parseFrontInfo('anything')).toBeUndefined()
  })
})

describe('what a reload of wrangler.toml changes', () => {
  const base = (extra = '', dev = 'port = 8787'): string => `name = "r"\n[dev]\n${dev}\n[vars]\nA = "1"\n[[edge.origins]]\nid = "o"\nurl = "http://localhost:9000"\n[edge.default_behavior]\norigin = "o"\n${extra}`
  it('functions added, dropped, with new settings; new [vars]; settings only a restart applies', () => {
    const before = config(base('viewer_request = "functions/vreq.mjs"\norigin_request = "functions/oreq.mjs"\n'))
    const after = config(base('viewer_request = "functions/vreq.mjs"\nviewer_response = "functions/vresp.mjs"\n[edge.functions.functions-vreq]\ntimeout = 2\n', 'port = 9999').replace('A = "1"', 'A = "2"'))
    const plan = planReload(before, after)
    expect(plan.added.map((f) => f.name)).toEqual(['functions-vresp'])
    expect(plan.removed).toEqual(['functions-oreq'])
    expect(plan.changed.map((f) => f.name)).toEqual(['functions-vreq'])
    expect(plan.rebuild).toBe(true)
    expect(plan.restart).toEqual(['dev.port'])
    expect(planReload(before, before)).toEqual({ restart: [], added: [], removed: [], changed: [], rebuild: false, cloudfrontFunctions: false, lambdaOrigins: false })
  })

  it('a setting only a restart applies, saved back to the value the server started with, needs no restart', () => {
    const started = config(base())
    const moved = config(base('', 'port = 9999'))
    expect(planReload(started, moved, started).restart).toEqual(['dev.port'])
    expect(planReload(moved, config(base()), started).restart).toEqual([])
    expect(planReload(moved, config(base('', 'port = 9998')), started).restart).toEqual(['dev.port'])
  })

  it('CloudFront Functions load anew when they, their stores or the origins change; Lambda origins start anew when one changes', () => {
    const api = (timeout: number): string => `[[edge.origins]]\nid = "api"\nlambda = { handler = "api/handler.mjs", integration = "url", timeout = ${timeout} }\n`
    const before = parse(base(`viewer_request_function = "cff/router.js"\n${api(3)}`))
    const unchanged = planReload(before, parse(base(`viewer_request_function = "cff/router.js"\n${api(3)}`)))
    expect([unchanged.cloudfrontFunctions, unchanged.lambdaOrigins]).toEqual([false, false])
    const newFunction = planReload(before, parse(base(`viewer_request_function = "cff/router.js"\nviewer_response_function = "cff/headers.js"\n${api(3)}`)))
    expect([newFunction.cloudfrontFunctions, newFunction.lambdaOrigins]).toEqual([true, false])
    // A Lambda origin is an origin a function's helpers may choose: both start anew.
    const slower = planReload(before, parse(base(`viewer_request_function = "cff/router.js"\n${api(10)}`)))
    expect([slower.cloudfrontFunctions, slower.lambdaOrigins]).toEqual([true, true])
    const moved = planReload(before, parse(base(`viewer_request_function = "cff/router.js"\n${api(3)}`).replace('localhost:9000', 'localhost:9001')))
    expect([moved.cloudfrontFunctions, moved.lambdaOrigins]).toEqual([true, false])
  })
})
