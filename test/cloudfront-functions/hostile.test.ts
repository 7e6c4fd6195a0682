import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileFunction, createFunctionEvent, runFunction, runFunctionOutcome, type FunctionOutcome } from 'edgeware/testing'
import type { FunctionRuntime } from 'edgeware/cloudfront'

// Code that attacks the sandbox, and results of every wrong shape: each run ends in CloudFront's answer (the
// result, a 502 or a 503 with the rule named), never a throw out of runFunction, never the host's realm reached,
// never a mark left for the next request.

const V1: FunctionRuntime = 'cloudfront-js-1.0'
const V2: FunctionRuntime = 'cloudfront-js-2.0'

const run = (body: string, runtime: FunctionRuntime = V2): Promise<FunctionOutcome> =>
  runFunctionOutcome(`function handler(event) {\n${body}\n}`, createFunctionEvent('viewer-request', { uri: '/a' }), { runtime })

/** The body of the generated response (the probe's answer). */
function answer(out: FunctionOutcome): unknown {
  if (!out.ok) throw new Error(`expected a result, got ${out.status} ${out.code}: ${out.message}`)
  return out.result.body
}

/** Code that reaches a Function constructor through `expr` and asks it for the host's `process`. */
const probe = (expr: string): string =>
  `var F; try { F = ${expr} } catch (e) { return { statusCode: 200, body: 'unreachable: ' + e.message } }
   try { return { statusCode: 200, body: 'escaped: ' + typeof F('return process')() } } catch (e) { return { statusCode: 200, body: 'refused: ' + e.name } }`

describe('constructor chains never reach the host', () => {
  it.each([
    ['a function', '(function () {}).constructor'],
    ['Buffer', 'Buffer.constructor'],
    ['a Buffer', 'Buffer.from("a").constructor.constructor'],
    ['a Buffer’s prototype', 'Object.getPrototypeOf(Buffer.alloc(1)).constructor.constructor'],
    ['a digest without an encoding (a Buffer in 2.0)', "require('crypto').createHash('sha256').update('a').digest().constructor.constructor"],
    ['querystring.parse’s result', "require('querystring').parse('a=1').constructor.constructor"],
    ['the bytes of a key value store value', "new Uint8Array(1).constructor.constructor"],
  ])('through %s', async (_, expr) => {
    expect(answer(await run(probe(expr)))).toMatch(/^(refused: EvalError|unreachable: )/)
  })

  it.each([
    ['Buffer.from with an unknown encoding', "Buffer.from('a', 'nope')", V2],
    ['String.bytesFrom with a bad encoding (1.0)', "String.bytesFrom('a', 'zz')", V1],
    ['querystring.stringify with a throwing encoder', "require('querystring').stringify({ a: 'b' }, '&', '=', { encodeURIComponent: function () { null.x } })", V2],
  ])('through the error %s throws', async (_, expr, runtime) => {
    const body = `try { ${expr} } catch (e) { var F = e.constructor.constructor; try { return { statusCode: 200, body: 'escaped: ' + typeof F('return process')() } } catch (e2) { return { statusCode: 200, body: 'refused: ' + e2.name + ' / ' + e.name } } } return { statusCode: 200, body: 'no error' }`
    expect(answer(await run(body, runtime))).toMatch(/^(refused: EvalError|no error)/)
  })

  it('an error thrown in the host at the edge of the stack is the function’s own RangeError', async () => {
    const body = `function deep(n) { try { return deep(n + 1) } catch (e) { try { console.log('x') } catch (e2) { return e2 } return null } }
      var e = deep(0); if (!e) return { statusCode: 200, body: 'no host error' }
      try { return { statusCode: 200, body: 'escaped: ' + typeof e.constructor.constructor('return process')() } } catch (e3) { return { statusCode: 200, body: 'refused: ' + e3.name } }`
    expect(answer(await run(body))).toMatch(/^(refused: EvalError|no host error)$/)
  })
})

describe('no state outlives a run', () => {
  it('replacing Buffer’s methods changes neither the next run nor the host’s Buffer', async () => {
    const fn = compileFunction("function handler(event) { var before = Buffer.from('hi').toString('hex'); Buffer.prototype.toString = function () { return 'pwned' }; Buffer.from = function () { return 'pwned' }; return { statusCode: 200, body: before } }")
    for (let i = 0; i < 3; i++) expect(answer(runFunction(fn, createFunctionEvent('viewer-request')))).toBe('6869')
    expect(Buffer.from('hi').toString('hex')).toBe('6869')
  })

  it.each([
    ['a built-in method replaced by assignment', "Array.prototype.join = function () { return 'pwned' }"],
    ['a built-in method redefined', "Object.defineProperty(String.prototype, 'trim', { value: function () { return 'pwned' }, configurable: true, writable: true })"],
    ['a method turned into a getter', "Object.defineProperty(Array.prototype, 'join', { get: function () { return function () { return 'pwned' } }, configurable: true })"],
    ['a prototype swapped', "Object.setPrototypeOf(Array.prototype, { join: function () { return 'pwned' } }); delete Array.prototype.join"],
    ['a module’s function replaced', "require('crypto').createHash = function () { return { update: function () { return this }, digest: function () { return 'pwned' } } }"],
    ['JSON replaced', "JSON.stringify = function () { return 'pwned' }"],
    ['a built-in frozen', 'Object.freeze(Array.prototype)'],
    ['a property on the compute check the sandbox inserts', "if (__edgewareTick.seen) seen = 'leaked'; __edgewareTick.seen = true"],
  ])('%s is gone in the next run', async (_, attack) => {
    const fn = compileFunction(`function handler(event) {
      var seen = [[1, 2].join('-'), ' x '.trim(), require('crypto').createHash('md5').update('a').digest('hex').slice(0, 4), JSON.stringify([1]), String(Object.isFrozen(Array.prototype))].join('|')
      ${attack}
      return { statusCode: 200, body: seen }
    }`)
    for (let i = 0; i < 3; i++) expect(answer(runFunction(fn, createFunctionEvent('viewer-request')))).toBe('1-2|x|0cc1|[1]|false')
  })
})

describe('the result is read under the run’s limits', () => {
  it.each([
    ['a getter that never returns', "Object.defineProperty(r, 'uri', { enumerable: true, get: function () { for (;;) {} } })", 'ComputeLimitExceeded'],
    ['a toJSON that never returns', 'r.toJSON = function () { for (;;) {} }', 'ComputeLimitExceeded'],
    ['a getter that allocates past the memory limit', "Object.defineProperty(r, 'uri', { enumerable: true, get: function () { var a = []; for (var i = 0; i < 1e6; i++) a.push('x' + i); return '/b' } })", 'MemoryLimitExceeded'],
  ])('%s: 503 %s', async (_, attack, code) => {
    const out = await run(`var r = event.request; ${attack}; return r`)
    expect(out).toMatchObject({ ok: false, status: 503, code })
  })

  it('a getter that logs: its line is in the run’s logs', async () => {
    const out = await run("var r = event.request; Object.defineProperty(r, 'uri', { enumerable: true, get: function () { console.log('read'); return '/b' } }); return r")
    expect(out).toMatchObject({ ok: true, result: { uri: '/b' } })
    expect(out.logs).toContain('read')
  })

  it('a typed array past the memory limit is MemoryLimitExceeded (its bytes live outside the V8 heap)', async () => {
    expect(await run('var b = new Uint8Array(64 * 1024 * 1024); b[0] = 1; return event.request')).toMatchObject({ ok: false, status: 503, code: 'MemoryLimitExceeded' })
  })
})

describe('origin helpers given what JSON can’t hold', () => {
  it.each([
    ['a cycle', "var o = { domainName: 'a.example.com' }; o.self = o; cf.updateRequestOrigin(o)", /updateRequestOrigin\(\): the argument can't be read as JSON: .*circular/],
    ['a throwing getter', "var o = {}; Object.defineProperty(o, 'domainName', { enumerable: true, get: function () { throw new Error('no') } }); cf.updateRequestOrigin(o)", /updateRequestOrigin\(\): the argument can't be read as JSON: .*no/],
  ])('%s is the function’s own TypeError (503), never a crash', async (_, call, message) => {
    const code = `import cf from 'cloudfront'\nfunction handler(event) { ${call}; return event.request }`
    const out = await runFunctionOutcome(code, createFunctionEvent('viewer-request'), { runtime: V2 })
    expect(out).toMatchObject({ ok: false, status: 503, code: 'FunctionThrew' })
    expect(!out.ok && out.message).toMatch(message)
  })
})

describe('Buffer in 2.0 is the runtime’s API, in the function’s own realm', () => {
  it('base64url both ways, hex, utf8, concat, equals', async () => {
    const body = `var b = Buffer.from('aGk_-w', 'base64url')
      return { statusCode: 200, body: [b.toString('hex'), b.toString('base64url'), Buffer.byteLength('aGk_-w', 'base64url'), Buffer.isEncoding('base64url'), Buffer.concat([Buffer.from('é'), Buffer.from([33])]).toString('utf8'), Buffer.from('a').equals(Buffer.from('a')), Buffer.isBuffer(b), b instanceof Uint8Array].join(' ') }`
    expect(answer(await run(body))).toBe('68693ffb aGk_-w 4 true é! true true true')
  })
})

describe('arbitrary results', () => {
  // Values of the function's own making, returned as the result or put at a field of the request: every run ends
  // in an outcome (a result, a 502 naming a rule, or a 503), never a throw from runFunction.
  const literal: fc.Arbitrary<string> = fc.letrec<{ v: string }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom('null', 'undefined', '0', '-1', '1e400', 'NaN', '""', '"x"', 'true', "'a'.repeat(20000)", '[]', '{}', 'function () {}', "new Error('e')", 'new Date(0)', '/x/', 'new Uint8Array(3)', "Buffer.from('a')", 'event', 'event.request', 'event.request.headers'),
      fc.array(tie('v'), { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
      fc.dictionary(fc.constantFrom('statusCode', 'statusDescription', 'headers', 'cookies', 'body', 'value', 'multiValue', 'uri', 'method', 'querystring', 'data', 'encoding', 'x-a', '__proto__', 'toJSON'), tie('v'), { maxKeys: 4 }).map(
        (o) => `{ ${Object.entries(o).map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(', ')} }`,
      ),
    ),
  })).v
  const field = fc.constantFrom('', 'uri', 'method', 'querystring', 'headers', 'cookies', 'headers["x-a"]', 'headers["x-a"].value', 'headers.host', 'body')

  it('a result, a 502 or a 503, whatever the shape', () => {
    fc.assert(
      fc.property(literal, field, fc.boolean(), (value, at, respond) => {
        const target = respond ? '{ statusCode: 200, headers: {}, cookies: {} }' : 'event.request'
        const code = at === '' ? `function handler(event) { return ${value} }` : `function handler(event) { var r = ${target}; r${at.startsWith('h') || at === 'uri' || at === 'method' || at === 'querystring' || at === 'cookies' || at === 'body' ? '.' : ''}${at} = ${value}; return r }`
        let fn
        try {
          fn = compileFunction(code, { runtime: V2 })
        } catch {
          return // code the runtime refuses at load time (checked elsewhere)
        }
        const out = runFunction(fn, createFunctionEvent('viewer-request', { uri: '/a' }))
        if (!out.ok) {
          expect([502, 503]).toContain(out.status)
          expect(out.code).toMatch(/^[A-Z][A-Za-z]+$/)
          expect(out.message.length).toBeGreaterThan(0)
        }
      }),
      { seed: 20261206, numRuns: 300 },
    )
  })
})
