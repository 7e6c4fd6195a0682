import { describe, expect, it } from 'vitest'
import { compileFunction, FunctionError } from 'edgeware/testing'
import type { FunctionRuntime } from 'edgeware/cloudfront'

// Code a runtime can't run is refused when it is compiled (as CreateFunction / the runtime would refuse it),
// with the rule, the feature and the line.

const V1: FunctionRuntime = 'cloudfront-js-1.0'
const V2: FunctionRuntime = 'cloudfront-js-2.0'

function refusal(code: string, runtime: FunctionRuntime = V2): FunctionError {
  try {
    compileFunction(code, { runtime })
  } catch (e) {
    if (e instanceof FunctionError) return e
    throw e
  }
  throw new Error(`expected ${runtime} to refuse: ${code}`)
}

const h = (body: string) => `function handler(event) { ${body}; return event.request }`

describe('syntax each runtime lacks is refused at load time, naming the feature', () => {
  const cases: [string, FunctionRuntime, string, RegExp][] = [
    ['const', V1, `const a = 1\n${h('')}`, /const is not supported in cloudfront-js-1\.0 \(use var/],
    ['let', V1, h('let a = 1'), /let is not supported in cloudfront-js-1\.0/],
    ['async functions', V1, 'async function handler(event) { return event.request }', /async functions are not supported in cloudfront-js-1\.0/],
    ['import', V1, `import crypto from 'crypto'\n${h('')}`, /import is not supported in cloudfront-js-1\.0 \(use require\('crypto'\)/],
    ['import cloudfront in 1.0', V1, `import cf from 'cloudfront'\n${h('')}`, /the cloudfront module is cloudfront-js-2\.0 only/],
    ['for-of', V2, h('for (var k of []) {}'), /for-of loops are not supported in cloudfront-js-2\.0/],
    ['classes', V2, `class A {}\n${h('')}`, /classes are not supported/],
    ['destructuring', V2, h('var { a } = event'), /destructuring is not supported/],
    ['array destructuring', V2, h('var [a] = [1]'), /destructuring is not supported/],
    ['spread', V2, h('var a = [...[1]]'), /spread syntax \(\.\.\.\) is not supported/],
    ['object spread', V2, h('var a = { ...event }'), /spread syntax/],
    ['default parameters', V2, 'function handler(event, x = 1) { return event.request }', /default parameters are not supported/],
    ['optional chaining', V2, h('var a = event?.request'), /optional chaining \(\?\.\) is not supported/],
    ['nullish coalescing', V2, h('var a = event.x ?? 1'), /nullish coalescing \(\?\?\) is not supported/],
    ['logical assignment', V2, h('var a; a ||= 1'), /logical assignment \(\|\|=\) is not supported/],
    ['shorthand properties', V2, h('var a = 1; var o = { a }'), /shorthand properties are not supported .*write a: value/],
    ['method definitions', V2, h('var o = { f() { return 1 } }'), /method definitions are not supported/],
    ['computed property names', V2, h("var o = { ['a' + 1]: 1 }"), /computed property names are not supported/],
    ['tagged templates', V2, `function tag(s) { return s }\n${h('tag`x`')}`, /tagged templates are not supported/],
    ['BigInt', V2, h('var a = 10n'), /BigInt is not supported/],
    ['regex flags', V2, h('var a = /x/su'), /a regular expression with the flags "su" is not supported in cloudfront-js-2.0 \(g, i and m are\)/],
    ['binary literals', V2, h('var a = 0b101'), /the number literal 0b101 is not supported/],
    ['numeric separators', V2, h('var a = 1_000'), /the number literal 1_000 is not supported/],
    ['catch without a binding', V2, h('try { a() } catch { }'), /catch without a binding is not supported/],
    ['generators', V2, `function* g() { yield 1 }\n${h('')}`, /generators are not supported/],
    ['dynamic import', V2, h("import('x')"), /dynamic import\(\) is not supported/],
    ['import.meta', V2, h('var u = import.meta.url'), /import\.meta is not supported/],
    ['export', V2, 'export function handler(event) { return event.request }', /export is not supported .*remove export/],
    ['top-level await', V2, `var x = await 1\n${h('')}`, /top-level await is not supported/],
    ['async arrow functions', V2, h('var f = async () => 1'), /async closures are not supported in cloudfront-js-2\.0/],
    ['nested async functions', V2, 'async function handler(event) { async function inner() {} return event.request }', /async closures are not supported/],
    ['named imports', V2, `import { createHash } from 'crypto'\n${h('')}`, /only the default import form is supported: import crypto from 'crypto'/],
  ]
  for (const [feature, runtime, code, message] of cases) {
    it(`${feature} (${runtime})`, () => {
      const e = refusal(code, runtime)
      expect(e.code).toBe('UnsupportedSyntax')
      expect(e.message).toMatch(message)
      expect(e.problems[0]!.line).toBeGreaterThanOrEqual(1)
    })
  }

  it('every problem is listed with its line and column, in order', () => {
    const e = refusal('const a = 1\nlet b = 2\nfunction handler(event) { return event.request }', V1)
    expect(e.problems.map((p) => [p.code, p.line, p.column])).toEqual([
      ['UnsupportedSyntax', 1, 0],
      ['UnsupportedSyntax', 2, 0],
    ])
    expect(e.message).toMatch(/^function\.js:1:0 UnsupportedSyntax: const .*\(\+1 more: 2:0 UnsupportedSyntax\)/)
  })

  it('what the runtimes do list passes: var, template literals, arrow functions, rest parameters, **, labels, getters', () => {
    const code = [
      'var sq = (x) => x ** 2',
      'function sum(...xs) { var t = 0; outer: for (var i = 0; i < xs.length; i++) { if (xs[i] < 0) continue outer; t += xs[i] } return t }',
      'var o = { get n() { return 1 } }',
      'function handler(event) { event.request.headers["x-sum"] = { value: `${sum(1, 2)}-${sq(3)}-${o.n}` }; return event.request }',
    ].join('\n')
    expect(compileFunction(code, { runtime: V1 }).runtime).toBe(V1)
  })

  it('2.0 accepts const, let, top-level async functions and default imports of its modules', () => {
    const code = "import cf from 'cloudfront'\nimport crypto from 'crypto'\nconst k = 1\nasync function handler(event) { let x = await Promise.resolve(k); return event.request }"
    expect(compileFunction(code, { runtime: V2 }).handlerAsync).toBe(true)
  })
})

describe('globals, modules and dynamic code each runtime lacks are refused at load time', () => {
  const cases: [string, FunctionRuntime, string, string, RegExp][] = [
    ['setTimeout', V2, h('setTimeout(function () {}, 1)'), 'UnsupportedGlobal', /setTimeout is not available in cloudfront-js-2\.0: there are no timers/],
    ['fetch', V2, h("fetch('https://example.com')"), 'UnsupportedGlobal', /fetch is not available .*no network access/],
    ['process', V2, h('var e = process.env'), 'UnsupportedGlobal', /process is not available/],
    ['Buffer in 1.0', V1, h("var b = Buffer.from('x')"), 'UnsupportedGlobal', /Buffer is not available in cloudfront-js-1\.0: Buffer is cloudfront-js-2\.0 only/],
    ['Map', V2, h('var m = new Map()'), 'UnsupportedGlobal', /Map is not available in cloudfront-js-2\.0/],
    ['Symbol', V2, h("var s = Symbol('x')"), 'UnsupportedGlobal', /Symbol is not available/],
    ['Proxy', V2, h('var p = new Proxy({}, {})'), 'UnsupportedGlobal', /Proxy is not available/],
    ['TextEncoder', V2, h('var t = new TextEncoder()'), 'UnsupportedGlobal', /TextEncoder is not available/],
    ['eval', V2, h("eval('1')"), 'UnsupportedGlobal', /eval is not available .*dynamic code evaluation is not supported/],
    ['the Function constructor', V2, h("var f = new Function('return 1')"), 'UnsupportedFeature', /the Function constructor is not supported/],
    ["require('fs')", V2, h("require('fs')"), 'UnsupportedModule', /require\("fs"\): cloudfront-js-2\.0 has only crypto, querystring, buffer/],
    ["require('buffer') in 1.0", V1, h("require('buffer')"), 'UnsupportedModule', /cloudfront-js-1\.0 has only crypto, querystring/],
    ["require('cloudfront')", V2, h("require('cloudfront')"), 'UnsupportedModule', /load it with import cf from 'cloudfront'/],
    ["import from 'fs'", V2, `import fs from 'fs'\n${h('')}`, 'UnsupportedModule', /import from 'fs': cloudfront-js-2\.0 has only cloudfront, crypto, querystring, buffer/],
  ]
  for (const [what, runtime, code, rule, message] of cases) {
    it(`${what} (${runtime})`, () => {
      const e = refusal(code, runtime)
      expect(e.code).toBe(rule)
      expect(e.message).toMatch(message)
    })
  }

  it('feature detection with typeof and names the code declares itself are fine', () => {
    const code = "var Map = function () {}\nfunction handler(event) { if (typeof Symbol !== 'undefined') {} var m = new Map(); return event.request }"
    expect(compileFunction(code, { runtime: V2 }).name).toBe('function')
  })
})

describe('the handler, the code size and the options', () => {
  it('code without a top-level function handler is refused (MissingHandler)', () => {
    expect(refusal('function main(event) { return event.request }').code).toBe('MissingHandler')
  })
  it('a handler held in a variable is refused with the declaration to write instead', () => {
    expect(refusal('var handler = function (event) { return event.request }').message).toMatch(/handler is a variable here: write function handler\(event\)/)
  })
  it('a syntax error is reported with its line and column', () => {
    const e = refusal('function handler(event) {\n  return event.request +\n}')
    expect(e.code).toBe('SyntaxError')
    expect(e.problems[0]).toMatchObject({ line: 3, column: 0 })
  })
  it('code is always strict: with is a syntax error', () => {
    expect(refusal(h('with (event) {}')).code).toBe('SyntaxError')
  })
  it('code over 10 KB is refused (FunctionSizeLimitExceeded); the limit can be changed', () => {
    const big = `// ${'x'.repeat(10 * 1024)}\nfunction handler(event) { return event.request }`
    const e = refusal(big)
    expect(e.code).toBe('FunctionSizeLimitExceeded')
    expect(e.message).toMatch(/the code is 10292 bytes, over the limit of 10240 bytes/)
    expect(compileFunction(big, { limits: { codeBytes: 20_000 } }).codeBytes).toBe(10292)
  })
  it('the size counts UTF-8 bytes', () => {
    const code = `// ${'é'.repeat(5200)}\nfunction handler(event) { return event.request }`
    expect(refusal(code).code).toBe('FunctionSizeLimitExceeded')
  })
  it('an unknown runtime and a name CloudFront refuses are errors with their own codes', () => {
    expect(() => compileFunction(h(''), { runtime: 'cloudfront-js-3.0' as FunctionRuntime })).toThrow(/InvalidRuntime: unknown runtime "cloudfront-js-3.0"/)
    expect(() => compileFunction(h(''), { name: 'has space' })).toThrow(/InvalidFunctionName/)
  })
  it('compiling the same code twice returns the cached function', () => {
    const code = h('var cached = 1')
    expect(compileFunction(code)).toBe(compileFunction(code))
    expect(compileFunction(code)).not.toBe(compileFunction(code, { runtime: V1 }))
  })
})
