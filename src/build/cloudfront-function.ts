/**
 * Compiles a CloudFront Function written in TypeScript (or ES-module JavaScript that exports `handler`) into the
 * form CloudFront runs: one minified script with a top-level `function handler(event)`, the runtime's modules
 * (`import cf from 'cloudfront'` in 2.0) left as imports. esbuild lowers what it can for the runtime and refuses
 * what it can't (destructuring, classes, for-of…, at the line of your source); the output is then checked like
 * any function (syntax, globals, modules) and against the code size limit.
 */
import { readFile } from 'node:fs/promises'
import { SourceMap } from 'node:module'
import { resolve } from 'node:path'
import { parse, type Program } from 'acorn'
import type { Message, Metafile } from 'esbuild'
import { resolveFunctionLimits, type FunctionLimits } from '../cloudfront/functions-limits.js'
import type { FunctionRuntime } from '../cloudfront/functions-types.js'
import { FunctionError } from '../cloudfront-functions/errors.js'
import { runtimeProfile } from '../cloudfront-functions/profiles.js'
import { checkFunctionSyntax, type FunctionProblem } from '../cloudfront-functions/syntax.js'

/**
 * Options of {@link compileCloudFrontFunction}.
 *
 * @example
 * ```ts
 * await compileCloudFrontFunction('edge-functions/cff/router.ts', { runtime: 'cloudfront-js-2.0', minify: false })
 * ```
 */
export interface CompileCloudFrontFunctionOptions {
  /** Default `cloudfront-js-2.0`. */
  runtime?: FunctionRuntime
  /** Minify (default true: the code size limit is 10 KB). */
  minify?: boolean
  /** The code size limit and the rest (default CloudFront's). */
  limits?: Partial<FunctionLimits>
}

/**
 * A compiled CloudFront Function.
 *
 * @example
 * ```ts
 * const { code, bytes, limit } = await compileCloudFrontFunction('router.ts')
 * console.log(`${bytes} of ${limit} bytes`)
 * ```
 */
export interface CloudFrontFunctionBuild {
  /** The function's code, as `AWS::CloudFront::Function`'s `FunctionCode` takes it. */
  code: string
  /** UTF-8 bytes of `code`. */
  bytes: number
  /** The code size limit it was checked against. */
  limit: number
  runtime: FunctionRuntime
  /** Bytes each input contributes, largest first (what to trim when the function is too large). */
  inputs: { path: string; bytes: number }[]
}

/** What esbuild may emit for each runtime: what the runtime lacks is lowered where esbuild can, refused where it can't. */
function supported(runtime: FunctionRuntime): Record<string, boolean> {
  const v2 = runtime === 'cloudfront-js-2.0'
  return {
    'const-and-let': v2,
    'async-await': v2,
    'async-generator': false,
    generator: false,
    'for-of': false,
    'for-await': false,
    destructuring: false,
    'nested-rest-binding': false,
    'array-spread': false,
    'object-rest-spread': false,
    'object-extensions': false,
    class: false,
    'default-argument': false,
    'optional-chain': false,
    'nullish-coalescing': false,
    'logical-assignment': false,
    'optional-catch-binding': false,
    'top-level-await': false,
    'import-meta': false,
    'dynamic-import': false,
    'new-target': false,
    bigint: false,
    hashbang: false,
    'exponent-operator': true,
    'template-literal': true,
    arrow: true,
    'rest-argument': true,
    'object-accessors': true,
  }
}

function problemFrom(m: Message, runtime: FunctionRuntime): FunctionProblem {
  const lowered = /^Transforming (.+) to the configured target environment/.exec(m.text)
  return {
    code: lowered ? 'UnsupportedSyntax' : 'BuildFailed',
    message: lowered ? `${lowered[1]} is not supported in ${runtime}` : m.text,
    line: m.location?.line ?? 1,
    column: m.location?.column ?? 0,
    ...(m.location ? { file: m.location.file } : {}),
  }
}

/**
 * The bundle's exports as CloudFront wants them: the `export { … }` statement removed and, when esbuild renamed
 * `handler`, a top-level `function handler(event)` that calls it.
 */
function toRuntimeForm(code: string, runtime: FunctionRuntime, entry: string): string {
  let ast: Program
  try {
    ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module' })
  } catch (err) {
    throw new FunctionError([{ code: 'BuildFailed', message: `esbuild's output does not parse: ${(err as Error).message}`, line: 1, column: 0 }], entry)
  }
  const exp = ast.body.find((s) => s.type === 'ExportNamedDeclaration' && s.declaration === null)
  const spec = exp?.type === 'ExportNamedDeclaration' ? exp.specifiers.find((s) => s.exported.type === 'Identifier' && s.exported.name === 'handler') : undefined
  if (exp === undefined || spec === undefined || spec.local.type !== 'Identifier') {
    throw new FunctionError([{ code: 'MissingHandler', message: `${entry} must export a function named handler (export function handler(event) { … })`, line: 1, column: 0 }], entry)
  }
  const local = spec.local.name
  let out = (code.slice(0, exp.start) + code.slice(exp.end)).trimEnd()
  if (local !== 'handler') {
    const decl = ast.body.find((s) => s.type === 'FunctionDeclaration' && s.id?.name === local)
    const sync = runtime === 'cloudfront-js-1.0' || (decl?.type === 'FunctionDeclaration' && !decl.async)
    out += `\n${sync ? '' : 'async '}function handler(event){return ${local}(event)}`
  }
  return `${out}\n`
}

/** Problems found in the output, located in the sources through the source map where it can. */
function locate(problems: FunctionProblem[], map: string | undefined): FunctionProblem[] {
  if (map === undefined) return problems
  const sm = new SourceMap(JSON.parse(map) as ConstructorParameters<typeof SourceMap>[0])
  return problems.map((p) => {
    const e = sm.findEntry(p.line - 1, p.column) as { originalSource?: string; originalLine?: number; originalColumn?: number }
    return e.originalSource ? { ...p, file: e.originalSource, line: (e.originalLine ?? 0) + 1, column: e.originalColumn ?? 0 } : p
  })
}

function largest(meta: Metafile): { path: string; bytes: number }[] {
  const out = Object.entries(meta.outputs).find(([path]) => path.endsWith('.js'))?.[1]
  return Object.entries(out?.inputs ?? {})
    .map(([path, v]) => ({ path, bytes: v.bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes)
}

/**
 * Compiles `entry` (TypeScript or an ES module exporting `handler`; AWS's plain form passes through) into a
 * CloudFront Function for `runtime`, then checks it: the runtime's syntax, globals and modules, and the code size
 * limit. Throws `FunctionError` (with file and line) for anything CloudFront would refuse.
 *
 * @example
 * ```ts
 * import { compileCloudFrontFunction } from 'edgeware/build'
 * const { code } = await compileCloudFrontFunction('edge-functions/cff/viewer-request.ts', { runtime: 'cloudfront-js-2.0' })
 * ```
 */
export async function compileCloudFrontFunction(entry: string, options: CompileCloudFrontFunctionOptions = {}): Promise<CloudFrontFunctionBuild> {
  const runtime = options.runtime ?? 'cloudfront-js-2.0'
  runtimeProfile(runtime)
  const limits = resolveFunctionLimits(options.limits)
  const abs = resolve(entry)
  const source = await readFile(abs, 'utf8')
  let code: string
  let map: string | undefined
  let inputs: { path: string; bytes: number }[] = [{ path: entry, bytes: Buffer.byteLength(source) }]
  if (/\.(js|cjs)$/i.test(abs) && !/^\s*(export|import)\s/m.test(source)) {
    code = source // AWS's own form: nothing to compile
  } else {
    const esbuild = await import('esbuild')
    let result
    try {
      result = await esbuild.build({
        entryPoints: [abs],
        bundle: true,
        format: 'esm',
        platform: 'neutral',
        target: 'es2020',
        supported: supported(runtime),
        external: [...runtimeProfile(runtime).modules],
        mainFields: ['module', 'main'],
        conditions: ['edgeware-source'],
        minify: options.minify !== false,
        legalComments: 'none',
        charset: 'utf8',
        sourcemap: 'external',
        metafile: true,
        write: false,
        outfile: 'function.js',
        logLevel: 'silent',
      })
    } catch (err) {
      const errors = (err as { errors?: Message[] }).errors ?? []
      if (errors.length === 0) throw err
      throw new FunctionError(errors.map((m) => problemFrom(m, runtime)), entry)
    }
    const js = result.outputFiles.find((f) => f.path.endsWith('.js'))!
    map = result.outputFiles.find((f) => f.path.endsWith('.map'))?.text
    code = toRuntimeForm(js.text, runtime, entry)
    inputs = largest(result.metafile)
  }
  const report = checkFunctionSyntax(code, runtime)
  if (report.problems.length > 0) throw new FunctionError(locate(report.problems, map), entry)
  const bytes = Buffer.byteLength(code, 'utf8')
  if (bytes > limits.codeBytes) {
    const top = inputs.slice(0, 5).map((i) => `${i.path} ${i.bytes} B`).join(', ')
    throw new FunctionError([{ code: 'FunctionSizeLimitExceeded', message: `the compiled function is ${bytes} bytes, over the limit of ${limits.codeBytes} bytes (largest inputs: ${top})`, line: 1, column: 0 }], entry)
  }
  return { code, bytes, limit: limits.codeBytes, runtime, inputs }
}
