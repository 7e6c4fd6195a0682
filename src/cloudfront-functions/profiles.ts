/**
 * What each CloudFront Functions runtime offers (reference/cloudfront-functions.md §1, [RT10], [RT20]): the
 * globals, the built-in members added after ES 5.1 that the runtime lists, the modules. The base is complete
 * ES 5.1; anything later that the runtime's page doesn't list is treated as missing (the strict reading where
 * the 2.0 page could not be read in full). One table read by the static check (`syntax.ts`, at load time) and
 * by the sandbox (`sandbox.ts`, which removes or stubs the rest).
 */
import vm from 'node:vm'
import type { FunctionRuntime } from '../cloudfront/functions-types.js'

/** Globals both runtimes have [RT10] "Globals", "Error types", built-in objects; `console` (log only) and `require`. */
const COMMON_GLOBALS = [
  'globalThis', 'Object', 'Function', 'Array', 'String', 'Number', 'Boolean', 'Date', 'RegExp', 'Math', 'JSON', 'Promise',
  'ArrayBuffer', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'Error', 'EvalError', 'InternalError', 'MemoryError', 'RangeError', 'ReferenceError',
  'SyntaxError', 'TypeError', 'URIError', 'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'isFinite',
  'isNaN', 'parseFloat', 'parseInt', 'NaN', 'Infinity', 'undefined', 'console', 'require',
]

/**
 * Names code often reaches for that no CloudFront Functions runtime has (Node.js and browser globals): a
 * reference to one is refused at load time, with the reason.
 */
const HOST_GLOBALS: Readonly<Record<string, string>> = {
  setTimeout: 'there are no timers', setInterval: 'there are no timers', setImmediate: 'there are no timers',
  clearTimeout: 'there are no timers', clearInterval: 'there are no timers', clearImmediate: 'there are no timers',
  queueMicrotask: 'there is no way to defer work', fetch: 'there is no network access', XMLHttpRequest: 'there is no network access',
  WebSocket: 'there is no network access', process: 'there is no process object', module: 'functions are not modules',
  exports: 'functions are not modules', __dirname: 'there is no file system', __filename: 'there is no file system',
  structuredClone: 'it is not in the runtime', performance: 'there are no high-resolution timers', crypto: "use require('crypto') (hash and HMAC)",
  TextEncoder: 'it is not in the runtime', TextDecoder: 'it is not in the runtime', atob: 'it is not in the runtime', btoa: 'it is not in the runtime',
  URL: 'it is not in the runtime', URLSearchParams: "use require('querystring')", AbortController: 'it is not in the runtime',
  Headers: 'it is not in the runtime', Request: 'it is not in the runtime', Response: 'it is not in the runtime', Blob: 'it is not in the runtime',
  Buffer: 'Buffer is cloudfront-js-2.0 only', eval: 'dynamic code evaluation is not supported',
}

/** The ES 5.1 members of the built-ins the sandbox trims (their later additions are checked against the runtime's list). */
const ES51: Readonly<Record<string, readonly string[]>> = {
  Object: ['getPrototypeOf', 'getOwnPropertyDescriptor', 'getOwnPropertyNames', 'create', 'defineProperty', 'defineProperties', 'seal', 'freeze', 'preventExtensions', 'isSealed', 'isFrozen', 'isExtensible', 'keys'],
  Array: ['isArray'],
  'Array.prototype': ['toString', 'toLocaleString', 'concat', 'join', 'pop', 'push', 'reverse', 'shift', 'slice', 'sort', 'splice', 'unshift', 'indexOf', 'lastIndexOf', 'every', 'some', 'forEach', 'map', 'filter', 'reduce', 'reduceRight'],
  String: ['fromCharCode'],
  'String.prototype': [
    'toString', 'valueOf', 'charAt', 'charCodeAt', 'concat', 'indexOf', 'lastIndexOf', 'localeCompare', 'match', 'replace', 'search', 'slice', 'split',
    'substring', 'substr', 'toLowerCase', 'toLocaleLowerCase', 'toUpperCase', 'toLocaleUpperCase', 'trim', 'trimLeft', 'trimRight',
    'anchor', 'big', 'blink', 'bold', 'fixed', 'fontcolor', 'fontsize', 'italics', 'link', 'small', 'strike', 'sub', 'sup',
  ],
  Math: [
    'abs', 'acos', 'asin', 'atan', 'atan2', 'ceil', 'cos', 'exp', 'floor', 'log', 'max', 'min', 'pow', 'random', 'round', 'sin', 'sqrt', 'tan',
  ],
  JSON: ['parse', 'stringify'],
  Promise: [],
  'Promise.prototype': [],
  ArrayBuffer: [],
  'ArrayBuffer.prototype': [],
  TypedArray: [],
  'TypedArray.prototype': [],
}

/** Later members cloudfront-js-1.0 lists [RT10]. */
const LATER_10: Readonly<Record<string, readonly string[]>> = {
  Object: ['assign', 'is', 'setPrototypeOf', 'entries', 'values'],
  Array: ['of'],
  'Array.prototype': ['copyWithin', 'fill', 'find', 'findIndex', 'includes'],
  String: ['fromCodePoint', 'bytesFrom'],
  'String.prototype': ['codePointAt', 'endsWith', 'includes', 'repeat', 'startsWith', 'padStart', 'padEnd', 'trimStart', 'trimEnd', 'bytesFrom', 'fromBytes', 'fromUTF8', 'toBytes', 'toUTF8'],
  Math: ['acosh', 'asinh', 'atanh', 'cbrt', 'clz32', 'cosh', 'expm1', 'fround', 'hypot', 'imul', 'log10', 'log1p', 'log2', 'sign', 'sinh', 'tanh', 'trunc'],
  Promise: ['reject', 'resolve'],
  'Promise.prototype': ['then', 'catch', 'finally'],
  ArrayBuffer: ['isView'],
  'ArrayBuffer.prototype': ['slice'],
  'TypedArray.prototype': ['copyWithin', 'fill', 'join', 'set', 'slice', 'subarray', 'toString'],
}

/** 2.0: 1.0's list without the byte-string methods [RT], plus `Promise.all` / `Promise.any` [ASYNC]. */
const LATER_20: Readonly<Record<string, readonly string[]>> = {
  ...LATER_10,
  String: ['fromCodePoint'],
  'String.prototype': LATER_10['String.prototype']!.filter((m) => !['bytesFrom', 'fromBytes', 'fromUTF8', 'toBytes', 'toUTF8'].includes(m)),
  Promise: ['reject', 'resolve', 'all', 'any'],
}

/**
 * One runtime's surface.
 *
 * @example
 * ```ts
 * runtimeProfile('cloudfront-js-1.0').modules // ['crypto', 'querystring']
 * ```
 */
export interface RuntimeProfile {
  runtime: FunctionRuntime
  /** Modules `require()` (and, in 2.0, `import x from '…'`) can load. */
  modules: readonly string[]
  /** Whether `import … from` is allowed (2.0: `cloudfront`, `crypto`, …). */
  imports: boolean
  /** Globals the runtime has. */
  globals: ReadonlySet<string>
  /** Per built-in (`'Array.prototype'`, …), the members the runtime has (ES 5.1 + the listed later ones). */
  members: Readonly<Record<string, ReadonlySet<string>>>
  /** Byte-string methods the runtime removed, stubbed with a pointer to their replacement (2.0). */
  removed: readonly string[]
}

function members(later: Readonly<Record<string, readonly string[]>>): Record<string, ReadonlySet<string>> {
  const out: Record<string, ReadonlySet<string>> = {}
  for (const key of Object.keys(ES51)) out[key] = new Set([...ES51[key]!, ...(later[key] ?? [])])
  return out
}

const PROFILES: Readonly<Record<FunctionRuntime, RuntimeProfile>> = {
  'cloudfront-js-1.0': {
    runtime: 'cloudfront-js-1.0',
    modules: ['crypto', 'querystring'],
    imports: false,
    globals: new Set(COMMON_GLOBALS),
    members: members(LATER_10),
    removed: [],
  },
  'cloudfront-js-2.0': {
    runtime: 'cloudfront-js-2.0',
    modules: ['cloudfront', 'crypto', 'querystring', 'buffer'],
    imports: true,
    globals: new Set([...COMMON_GLOBALS, 'Buffer']),
    members: members(LATER_20),
    removed: ['bytesFrom', 'fromBytes', 'fromUTF8', 'toBytes', 'toUTF8'],
  },
}

/**
 * The profile of a runtime; throws a `TypeError` naming the runtimes for anything else.
 *
 * @example
 * ```ts
 * runtimeProfile('cloudfront-js-2.0').globals.has('Buffer') // true
 * ```
 */
export function runtimeProfile(runtime: FunctionRuntime): RuntimeProfile {
  const p = PROFILES[runtime]
  if (p === undefined) throw new TypeError(`unknown CloudFront Functions runtime ${JSON.stringify(runtime)}; use cloudfront-js-1.0 or cloudfront-js-2.0`)
  return p
}

/**
 * The modules `require()` loads in a runtime (`cloudfront` is imported, never required).
 *
 * @example
 * ```ts
 * requirable('cloudfront-js-2.0') // ['crypto', 'querystring', 'buffer']
 * ```
 */
export function requirable(runtime: FunctionRuntime): readonly string[] {
  return runtimeProfile(runtime).modules.filter((m) => m !== 'cloudfront')
}

let engineGlobals: readonly string[] | undefined

/** The global names a fresh V8 context has (computed once). */
function engineGlobalNames(): readonly string[] {
  return (engineGlobals ??= vm.runInNewContext('Object.getOwnPropertyNames(globalThis)') as string[])
}

/**
 * Why a global name is not available in a runtime, or undefined when it is (or is no global at all). Covers the
 * engine's globals the runtime lacks (`Map`, `Symbol`, `Proxy`, …) and Node.js / browser names (`setTimeout`,
 * `fetch`, `process`, …).
 *
 * @example
 * ```ts
 * missingGlobal('cloudfront-js-1.0', 'setTimeout') // 'there are no timers'
 * missingGlobal('cloudfront-js-2.0', 'Buffer') // undefined
 * ```
 */
export function missingGlobal(runtime: FunctionRuntime, name: string): string | undefined {
  const p = runtimeProfile(runtime)
  if (p.globals.has(name)) return undefined
  const why = HOST_GLOBALS[name]
  if (why !== undefined) return why
  return engineGlobalNames().includes(name) ? `${runtime} doesn't list it` : undefined
}
