import { createHash, createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createFunctionEvent, FunctionExecutionError, invokeFunction, runFunctionOutcome, type FunctionOutcome, type InvokeFunctionOptions } from 'edgeware/testing'
import type { CffValues, FunctionRuntime } from 'edgeware/cloudfront'

// What code sees inside the sandbox: the runtime's built-ins and modules, nothing else; and the limits that
// stop a run.

const V1: FunctionRuntime = 'cloudfront-js-1.0'
const V2: FunctionRuntime = 'cloudfront-js-2.0'

/** Runs `expr` (a JavaScript expression) in a viewer-request function and returns its JSON value, via a header. */
async function evaluate(expr: string, runtime: FunctionRuntime = V2, options: InvokeFunctionOptions = {}): Promise<unknown> {
  const code = `function handler(event) { event.request.headers['x-out'] = { value: JSON.stringify(${expr}) }; return event.request }`
  const out = await invokeFunction(code, createFunctionEvent('viewer-request'), { runtime, ...options })
  return JSON.parse((out.headers as CffValues)['x-out']!.value)
}

async function outcome(code: string, runtime: FunctionRuntime = V2, options: InvokeFunctionOptions = {}): Promise<FunctionOutcome> {
  return runFunctionOutcome(code, createFunctionEvent('viewer-request'), { runtime, ...options })
}

function failed(out: FunctionOutcome): Extract<FunctionOutcome, { ok: false }> {
  if (out.ok) throw new Error(`expected a failure, got ${JSON.stringify(out.result)}`)
  return out
}

describe('Date, Math, console', () => {
  it('every current-time query answers the run’s start time (RunOptions.now)', async () => {
    const now = Date.parse('2026-03-04T05:06:07Z')
    const expr = '(function () { var a = Date.now(); for (var i = 0; i < 1e5; i++) {} return [a, new Date().getTime(), Date.now() === a, String(Date()).length > 0] })()'
    expect(await evaluate(expr, V2, { now })).toEqual([now, now, true, true])
    expect(await evaluate('new Date(0).toISOString()', V1)).toBe('1970-01-01T00:00:00.000Z')
  })
  it('new Date() is still an instance of Date', async () => {
    expect(await evaluate('new Date() instanceof Date')).toBe(true)
  })
  it('console has log only: console.error is a TypeError, and the run fails with 503', async () => {
    const out = failed(await outcome('function handler(event) { console.error("x"); return event.request }'))
    expect(out).toMatchObject({ status: 503, errorType: 'FunctionExecutionError', code: 'FunctionThrew' })
    expect(out.message).toMatch(/TypeError: console\.error is not a function/)
  })
  it('logs are kept up to 10 KB per run, then cut (logsTruncated)', async () => {
    const out = await outcome('function handler(event) { for (var i = 0; i < 20; i++) console.log(i, "x".repeat(1000)); return event.request }')
    expect(out.logsTruncated).toBe(true)
    expect(out.logs.join('').length).toBeLessThanOrEqual(10 * 1024)
    expect(out.logs[0]).toBe(`0 ${'x'.repeat(1000)}`)
    expect(out.logs.length).toBe(11)
  })
  it('the runtime’s error types exist: InternalError, MemoryError', async () => {
    expect(await evaluate('[new InternalError("a") instanceof Error, new MemoryError("b").name]')).toEqual([true, 'MemoryError'])
  })
})

describe('the crypto module: hash and HMAC as in Node.js, md5 / sha1 / sha256 only', () => {
  it('digests in hex, base64 and base64url equal Node’s', async () => {
    const expr = `[require('crypto').createHash('sha256').update('abc').digest('hex'), require('crypto').createHash('md5').update('a').update('bc').digest('base64'), require('crypto').createHmac('sha1', 'k').update('abc').digest('base64url')]`
    expect(await evaluate(expr, V1)).toEqual([
      createHash('sha256').update('abc').digest('hex'),
      createHash('md5').update('abc').digest('base64'),
      createHmac('sha1', 'k').update('abc').digest('base64url'),
    ])
  })
  it('digest() without an encoding: a byte string in 1.0, a Buffer in 2.0', async () => {
    expect(await evaluate(`(function () { var d = require('crypto').createHash('sha256').update('abc').digest(); return [typeof d, d.length] })()`, V1)).toEqual(['string', 32])
    expect(await evaluate(`(function () { var d = require('crypto').createHash('sha256').update('abc').digest(); return [Buffer.isBuffer(d), d.length, d.toString('hex')] })()`, V2)).toEqual([
      true,
      32,
      createHash('sha256').update('abc').digest('hex'),
    ])
  })
  it('sha512 and the latin1 encoding are refused by name', async () => {
    expect(failed(await outcome(`function handler(event) { require('crypto').createHash('sha512'); return event.request }`)).message).toMatch(/Digest method not supported: sha512/)
    expect(failed(await outcome(`function handler(event) { require('crypto').createHash('md5').digest('latin1'); return event.request }`)).message).toMatch(/Digest encoding not supported: latin1/)
  })
})

describe('the querystring module', () => {
  it('parse gives arrays for repeated keys (plain objects), stringify / escape / unescape as documented', async () => {
    const expr = `(function () { var qs = require('querystring'); var p = qs.parse('name=value&abc=xyz&abc=123'); return [p, p.hasOwnProperty('abc'), qs.stringify({ name: 'value', abc: ['xyz', '123'], anotherName: '' }), qs.escape('a b'), qs.unescape('a%20b'), qs.decode === qs.parse] })()`
    expect(await evaluate(expr, V1)).toEqual([{ name: 'value', abc: ['xyz', '123'] }, true, 'name=value&abc=xyz&abc=123&anotherName=', 'a%20b', 'a b', true])
  })
  it('parse reads at most maxKeys keys, 1,000 by default, 0 for no limit; sep, eq and decodeURIComponent as given', async () => {
    const expr = `(function () {
      var qs = require('querystring'), parts = []
      for (var i = 0; i < 1001; i++) parts.push('k' + i + '=' + i)
      var s = parts.join('&')
      return [Object.keys(qs.parse(s)).length, Object.keys(qs.parse(s, '&', '=', { maxKeys: 0 })).length, Object.keys(qs.parse(s, null, null, { maxKeys: 2 })),
        qs.parse('a:1;b:2', ';', ':'), qs.parse('a=x', null, null, { decodeURIComponent: function (v) { return v.toUpperCase() } })]
    })()`
    expect(await evaluate(expr, V1)).toEqual([1000, 1001, ['k0', 'k1'], { a: '1', b: '2' }, { A: 'X' }])
  })
  it('invalid UTF-8 becomes U+FFFD', async () => {
    expect(await evaluate(`require('querystring').parse('a=%E0%A4%A').a`, V1)).toContain('\uFFFD')
  })
})

describe('modules and globals at run time', () => {
  it('require of a module the runtime lacks throws naming the modules it has', async () => {
    const out = failed(await outcome("function handler(event) { var name = 'f' + 's'; require(name); return event.request }"))
    expect(out.message).toMatch(/Cannot find module "fs": cloudfront-js-2\.0 has only crypto, querystring, buffer/)
  })
  it('globals the runtime lacks are not there, even reached dynamically', async () => {
    expect(await evaluate("[typeof globalThis['Ma' + 'p'], typeof globalThis['Sym' + 'bol'], typeof globalThis['Re' + 'flect'], typeof globalThis['ev' + 'al'], typeof globalThis['set' + 'Timeout']]")).toEqual([
      'undefined', 'undefined', 'undefined', 'undefined', 'undefined',
    ])
  })
  it('Buffer exists in 2.0 only', async () => {
    expect(await evaluate("Buffer.from('aGk=', 'base64').toString()", V2)).toBe('hi')
    expect(await evaluate("typeof globalThis['Buf' + 'fer']", V1)).toBe('undefined')
  })
  it('code generation from strings is refused at run time too', async () => {
    const out = failed(await outcome("function handler(event) { var F = (function () {}).constructor; F('return 1')(); return event.request }"))
    expect(out.message).toMatch(/EvalError: Code generation from strings disallowed/)
  })
  it('built-in methods the runtime doesn’t list throw a TypeError naming them', async () => {
    for (const [expr, message] of [
      ['[1, [2]].flat()', /Array\.prototype\.flat is not available in cloudfront-js-2\.0/],
      ['Array.from([1])', /Array\.from is not available/],
      ['Object.fromEntries([])', /Object\.fromEntries is not available/],
      ["'a'.replaceAll('a', 'b')", /String\.prototype\.replaceAll is not available/],
      ['Promise.allSettled([])', /Promise\.allSettled is not available/],
      ['new Uint8Array(2).map(function (x) { return x })', /TypedArray\.prototype\.map is not available/],
    ] as const) {
      const out = failed(await outcome(`function handler(event) { ${expr}; return event.request }`))
      expect(out.message, expr).toMatch(message)
    }
  })
  it('Object.create takes no properties list, in either runtime (a TypeError naming it); without one it works', async () => {
    for (const runtime of [V1, V2]) {
      const out = failed(await outcome("function handler(event) { Object.create({}, { a: { value: 1 } }); return event.request }", runtime))
      expect(out.message).toMatch(new RegExp(`TypeError: Object\\.create with a properties list is not available in ${runtime.replace('.', '\\.')}`))
      expect(await evaluate("[Object.getPrototypeOf(Object.create(Array.prototype)) === Array.prototype, Object.getPrototypeOf(Object.create(null, undefined))]", runtime)).toEqual([true, null])
    }
  })
  it('what is listed works: Object.entries, padStart, Array.prototype.includes, Promise.all in 2.0 (not in 1.0)', async () => {
    expect(await evaluate("[Object.entries({ a: 1 }), '7'.padStart(3, '0'), [1, 2].includes(2), typeof Promise.all]", V2)).toEqual([[['a', 1]], '007', true, 'function'])
    expect(failed(await outcome('function handler(event) { Promise.all([]); return event.request }', V1)).message).toMatch(/Promise\.all is not available in cloudfront-js-1\.0/)
  })
})

describe('cloudfront-js-1.0 byte strings', () => {
  it('bytesFrom, toUTF8, fromUTF8, toBytes, fromBytes', async () => {
    const expr = "[String.bytesFrom('aGk=', 'base64'), String.bytesFrom([104, 105]), 'é'.toUTF8(), '\\u00c3\\u00a9'.fromUTF8(), '\\u00ff'.fromUTF8(), 'é€'.toBytes(), 'abc'.toBytes(1), 'abc'.fromBytes(0, 2)]"
    expect(await evaluate(expr, V1)).toEqual(['hi', 'hi', '\u00c3\u00a9', 'é', null, null, 'bc', 'ab'])
  })
  it('2.0 removed them: calling one says so and points to Buffer', async () => {
    expect(failed(await outcome("function handler(event) { 'x'.toUTF8(); return event.request }", V2)).message).toMatch(/String\.prototype\.toUTF8 was removed in cloudfront-js-2\.0 \(use Buffer\)/)
  })
})

describe('request helpers of 2.0', () => {
  it('request.rawQueryString(): the query string as sent (given), or the event’s serialised; absent in 1.0', async () => {
    expect(await evaluate('event.request.rawQueryString()', V2, { rawQueryString: 'b=2&a=1' })).toBe('b=2&a=1')
    const code = "function handler(event) { event.request.headers['x-raw'] = { value: String(event.request.rawQueryString()) }; return event.request }"
    const out = await invokeFunction(code, createFunctionEvent('viewer-request', { querystring: 'x=1&x=2&y' }))
    expect((out.headers as CffValues)['x-raw']!.value).toBe('x=1&x=2&y')
    expect(await evaluate('typeof event.request.rawQueryString', V1)).toBe('undefined')
    expect('rawQueryString' in (out as object)).toBe(false)
  })
  it('cf.edgeLocation is filled in viewer-request and empty in viewer-response', async () => {
    const code = "import cf from 'cloudfront'\nfunction handler(event) { var r = event.response || event.request; r.headers['x-pop'] = { value: JSON.stringify(cf.edgeLocation) }; return r }"
    const req = await invokeFunction(code, createFunctionEvent('viewer-request'), { edgeLocation: { name: 'FRA', serverIp: '10.0.0.1', region: 'eu-central-1' } })
    expect(JSON.parse((req.headers as CffValues)['x-pop']!.value)).toEqual({ name: 'FRA', serverIp: '10.0.0.1', region: 'eu-central-1' })
    const res = await invokeFunction(code, createFunctionEvent('viewer-response'))
    expect((res.headers as CffValues)['x-pop']!.value).toBe('{}')
  })
})

describe('each run starts fresh', () => {
  it('top-level state is not carried from one run to the next', async () => {
    const code = "var count = 0\nfunction handler(event) { count++; event.request.headers['x-count'] = { value: String(count) }; return event.request }"
    for (let i = 0; i < 3; i++) expect(((await invokeFunction(code, createFunctionEvent('viewer-request'))).headers as CffValues)['x-count']!.value).toBe('1')
  })
  it('a run that adds a global or an enumerable property to a built-in prototype doesn’t leak it into the next', async () => {
    const code = "function handler(event) { globalThis.seen = (globalThis.seen || 0) + 1; Array.prototype.tag = (Array.prototype.tag || 0) + 1; event.request.headers['x-seen'] = { value: globalThis.seen + '/' + [].tag }; return event.request }"
    for (let i = 0; i < 3; i++) expect(((await invokeFunction(code, createFunctionEvent('viewer-request'))).headers as CffValues)['x-seen']!.value).toBe('1/1')
  })
})

describe('limits that stop a run (CloudFront’s 503)', () => {
  it('a runaway loop is stopped at the compute limit, even one that swallows the error', async () => {
    for (const code of [
      'function handler(event) { while (true) {} }',
      'function handler(event) { for (;;) { try { while (true) {} } catch (e) {} } }',
      'function spin() { return spin() + 1 }\nfunction handler(event) { for (;;) { try { spin() } catch (e) {} } }',
    ]) {
      const out = failed(await outcome(code, V2, { limits: { timeoutMs: 20 } }))
      expect(out, `${code} → ${out.code}: ${out.message}`).toMatchObject({ status: 503, errorType: "FunctionExecutionError", code: "ComputeLimitExceeded" })
    }
  })
  it('an endless promise chain is stopped too (by the compute or the memory limit, whichever it reaches first)', async () => {
    const code = 'function again() { return Promise.resolve().then(again) }\nfunction handler(event) { return again() }'
    expect(failed(await outcome(code, V2, { limits: { timeoutMs: 20 } })).code).toMatch(/^(ComputeLimitExceeded|MemoryLimitExceeded)$/)
  })
  it('a run allocating more than the memory limit fails with MemoryLimitExceeded', async () => {
    const code = 'function handler(event) { var a = []; for (var i = 0; i < 200000; i++) a.push({ i: i, s: "v" + i }); return event.request }'
    expect(failed(await outcome(code))).toMatchObject({ status: 503, code: 'MemoryLimitExceeded' })
    expect((await outcome(code, V2, { limits: { memoryBytes: 512 * 1024 * 1024, timeoutMs: 5000 } })).ok).toBe(true)
  })
  it('a promise that can never settle fails at once (there is nothing to wait for)', async () => {
    const out = failed(await outcome('async function handler(event) { await new Promise(function () {}); return event.request }'))
    expect(out).toMatchObject({ status: 503, code: 'HandlerNeverSettled' })
  })
  it('a throw is a 503 carrying what was thrown; invokeFunction rejects with FunctionExecutionError', async () => {
    const err = await invokeFunction("function handler(event) { console.log('before'); throw new RangeError('boom') }", createFunctionEvent('viewer-request')).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FunctionExecutionError)
    expect(err).toMatchObject({ status: 503, code: 'FunctionExecutionError', rule: 'FunctionThrew', logs: ['before'] })
    expect((err as Error).message).toMatch(/threw RangeError: boom \(CloudFront answers 503\)/)
    expect(((err as Error).cause as Error).message).toBe('boom')
  })
})

describe('compute utilization', () => {
  it('is reported for every run, as a percentage of the compute budget', async () => {
    const quick = await outcome('function handler(event) { return event.request }')
    const busy = await outcome('function handler(event) { var x = 0; for (var i = 0; i < 3e6; i++) x += i % 7; event.request.headers["x"] = { value: String(x) }; return event.request }', V2, {
      limits: { timeoutMs: 5000 },
    })
    expect(quick.computeUtilization).toBeGreaterThanOrEqual(0)
    expect(busy.cpuMs).toBeGreaterThan(quick.cpuMs)
    expect(busy.computeUtilization).toBe(Math.round(busy.cpuMs * 100))
    const halfBudget = await outcome('function handler(event) { return event.request }', V2, { limits: { computeBudgetMs: 0.5 } })
    expect(halfBudget.computeUtilization).toBe(Math.round(halfBudget.cpuMs * 200))
  })
})

describe('whatever the code throws or returns, the run ends in an outcome', () => {
  it('a thrown object whose message getter throws, a thrown string', async () => {
    expect(failed(await outcome("function handler(event) { throw { get message() { throw new Error('x') } } }")).message).toMatch(/threw a value that could not be read/)
    expect(failed(await outcome("function handler(event) { throw 'plain' }")).message).toMatch(/threw a string: plain/)
  })
  it('a result whose getter throws the second time it is read is a 502, not a crash', async () => {
    const code = "function handler(event) { var n = 0; var r = event.request; Object.defineProperty(r, 'x', { enumerable: true, get: function () { if (++n > 1) throw new Error('again'); return 1 } }); return r }"
    const out = failed(await outcome(code))
    expect(out).toMatchObject({ status: 502, code: 'InvalidJson' })
  })
})
