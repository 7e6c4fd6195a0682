/**
 * Bundles one edge function into the single CommonJS file Lambda loads as `index.handler`.
 * Used by `edgeware build` (zipped, checked against the limits) and by the local edge (run in a worker).
 */
import { existsSync, lstatSync, realpathSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, extname, isAbsolute, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Metafile } from 'esbuild'
import { BuildError } from './errors.js'
import { envReads, mentionsEnv, RESERVED_ENV_VARS } from './env-scan.js'
import type { SecretStore } from '../secrets/index.js'
import { mentionsSecrets, secretCalls } from './secret-scan.js'
import { mentionsDynamoOrigin, replicaRegions } from './origin-table.js'
import { parseModule, type ParsedModule, type SourceLoader } from './parse-module.js'

/**
 * Options of {@link bundleFunction}.
 *
 * @example
 * ```ts
 * const options: BundleOptions = { entry: 'src/auth.ts', vars: { API_HOST: 'api.example.com' }, runtime: 'nodejs22.x' }
 * const { code } = await bundleFunction(options)
 * ```
 */
export interface BundleOptions {
  /** The function's entry file (TypeScript or JavaScript, ESM or CommonJS), absolute or relative to `absWorkingDir`. */
  entry: string
  /** `[vars]` from wrangler.toml: each key K is baked in as `process.env.K` (Lambda@Edge has no environment variables). */
  vars?: Record<string, string | number | boolean>
  /** Lambda runtime (`nodejs20.x`, `nodejs22.x`, `nodejs24.x`); default `nodejs22.x`. */
  runtime?: string
  /** Minify (default true). */
  minify?: boolean
  /** Also produce a source map: `true` as `index.js.map`, linked from the code; `'inline'` inside the code (to run it). */
  sourcemap?: boolean | 'inline'
  /** Dev only: the local DynamoDB endpoint baked in as `process.env.EDGEWARE_DYNAMODB_ENDPOINT` (undefined otherwise). */
  dynamoEndpoint?: string
  /** Directory paths in the output and the metafile are relative to (default: the entry's directory). */
  absWorkingDir?: string
  /**
   * The prefix of the secrets `secret()` (edgeware/secrets) reads on AWS, baked in as
   * `process.env.EDGEWARE_SECRETS_PREFIX` unless `[vars]` sets it (see `secretsPrefix`).
   */
  secretsPrefix?: string
}

/**
 * A non-reserved `process.env` read left in the function's own code.
 *
 * @example
 * ```ts
 * const { envReads } = await bundleFunction({ entry: 'src/auth.ts' })
 * for (const r of envReads) console.warn(`${r.file}: reads process.env.${r.name}, which Lambda@Edge does not set`)
 * ```
 */
export interface EnvReadReport {
  /** The variable's name (or `process.env[…]` / `process.env` for a dynamic read). */
  name: string
  /** `path:line` of the read, the path relative to `absWorkingDir`. */
  file: string
  /** The path alone, relative to `absWorkingDir`. */
  path: string
  /** 1-based line. */
  line: number
  /** The name can't be known (a computed key, the whole object passed on, eval…): `name` is the form. */
  dynamic?: true
  /** Read some other way than `process.env.K` (an alias, an import, destructuring), so `[vars]` can't be baked into it. */
  viaAlias?: true
}

/**
 * What {@link bundleFunction} produces.
 *
 * @example
 * ```ts
 * const result: BundleResult = await bundleFunction({ entry: 'src/auth.ts' })
 * console.log(result.code.length, 'bytes;', result.warnings.length, 'warnings')
 * ```
 */
export interface BundleResult {
  /** The bundle: CommonJS, exports `handler`. */
  code: string
  /** The source map (JSON text) when `sourcemap` was asked for. */
  map?: string
  /** esbuild's metafile (inputs and their bytes in the output), paths relative to `absWorkingDir`. */
  metafile: Metafile
  /** Reads of non-reserved environment variables in the function's own code (not node_modules, not edgeware). */
  envReads: EnvReadReport[]
  /**
   * esbuild's warnings as `file:line:column: text` (things that may break at run time, e.g. an unresolvable dynamic
   * require), and a warning per file inlined from outside the project through a symlink (the link and its real path).
   */
  warnings: string[]
  /** The `secret('NAME')` calls of `edgeware/secrets` in the function's own code (what its role is granted). */
  secrets: SecretReadReport[]
  /** Uses of `secret` whose name or store the build can't see (`file:line: why`); the build refuses them. */
  secretRefusals: string[]
  /** The Regions `dynamoOrigin({ replicas })` lists in the function's own code, and the calls (`path:line`) it can't read. */
  originReplicas: { regions: string[]; unknown: string[] }
}

/** A `secret('NAME', { store })` call in the function's own code. */
export interface SecretReadReport {
  name: string
  store: SecretStore
  /** `path:line`, the path relative to `absWorkingDir`. */
  file: string
}

/**
 * Lambda runtimes a Lambda@Edge function can be built for, and esbuild's target for each ([RLE], [NODE]).
 *
 * @example
 * ```ts
 * Object.keys(RUNTIME_TARGETS) // ['nodejs20.x', 'nodejs22.x', 'nodejs24.x']
 * ```
 */
export const RUNTIME_TARGETS: Readonly<Record<string, string>> = {
  'nodejs20.x': 'node20',
  'nodejs22.x': 'node22',
  'nodejs24.x': 'node24',
}

/**
 * esbuild's target for a Lambda runtime; throws `BuildError('UnsupportedRuntime')` for any other runtime.
 *
 * @example
 * ```ts
 * runtimeTarget('nodejs22.x') // 'node22'
 * ```
 */
export function runtimeTarget(runtime: string): string {
  const target = RUNTIME_TARGETS[runtime]
  if (!target) {
    throw new BuildError(
      'UnsupportedRuntime',
      `Unsupported runtime "${runtime}": Lambda@Edge functions are built for ${Object.keys(RUNTIME_TARGETS).join(', ')} ([edge] runtime)`,
    )
  }
  return target
}

/** The edgeware package root (src/build/bundle.ts and dist/build/bundle.js are both two levels down). */
const EDGEWARE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
/** @internal edgeware's own code (its src/ and dist/): not the user's, for the env scan and for stack traces. */
export const EDGEWARE_OWN: readonly string[] = [resolve(EDGEWARE_ROOT, 'src') + sep, resolve(EDGEWARE_ROOT, 'dist') + sep]
/**
 * Lambda@Edge hands a function its role's credentials in the environment only, so bundles swap the SDK's full
 * Node.js credential chain (ini files, SSO, STS, IMDS: ~90 KB minified) for an environment-only `defaultProvider`:
 * edgeware's `src/origin/edge-credentials.ts` (or its compiled `dist/` copy).
 */
const EDGE_CREDENTIALS = [resolve(EDGEWARE_ROOT, 'src/origin/edge-credentials.ts'), resolve(EDGEWARE_ROOT, 'dist/origin/edge-credentials.js')].find((f) => existsSync(f))
/** How each scanned extension is read (esbuild's loaders). */
const LOADERS: Readonly<Record<string, SourceLoader>> = { '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.jsx': 'jsx', '.tsx': 'tsx' }
const SCANNED = new Set(Object.keys(LOADERS))
const VAR_NAME = /^[A-Za-z_$][\w$]*$/

/**
 * ESM code converted to CommonJS loses `import.meta.url` (esbuild leaves `{}`), which breaks
 * `createRequire(import.meta.url)` and `new URL('./x', import.meta.url)` at run time. The shim computes it from
 * `__filename` where the bundle runs (no build-time path in the output), and tree-shaking drops it when unused.
 */
const IMPORT_META_SHIM = 'edgeware-shim:import-meta-url'
const IMPORT_META_ID = '__edgeware_import_meta_url'
const importMetaUrlShim: import('esbuild').Plugin = {
  name: 'edgeware-import-meta-url',
  setup(b) {
    b.onResolve({ filter: /^edgeware-shim:import-meta-url$/ }, () => ({ path: 'import-meta-url', namespace: 'edgeware-shim', sideEffects: false }))
    b.onLoad({ filter: /.*/, namespace: 'edgeware-shim' }, () => ({
      contents: `function u() { return require("url").pathToFileURL(__filename).href }\nexport var ${IMPORT_META_ID} = /* @__PURE__ */ u()\n`,
      loader: 'js',
    }))
  },
}

/** Whether a bundled input is the user's own code (scanned for env reads). */
function isOwnCode(abs: string): boolean {
  if (abs.split(sep).includes('node_modules')) return false
  if (EDGEWARE_OWN.some((p) => abs.startsWith(p))) return false
  return SCANNED.has(extname(abs))
}

/**
 * Does the bundle export `handler`? esbuild's cjs output annotates an ESM entry's named exports as
 * `0&&(module.exports={…})`, so an ESM entry is decided exactly. CommonJS code (including `exports.x = …` in a
 * `.js` file of a `"type": "module"` package, which esbuild reports as ESM) is matched on its assignments; an
 * opaque `module.exports = someObject` is given the benefit of the doubt.
 */
/** `module.exports = { …, handler, … }` (top-level keys only). */
function objectExportsHandler(code: string): boolean {
  const re = /\bmodule\.exports\s*=\s*\{/g
  for (let m = re.exec(code); m; m = re.exec(code)) {
    let depth = 1
    let key = true
    let token = ''
    for (let i = m.index + m[0].length; i < code.length && depth > 0; i++) {
      const c = code[i]!
      if (c === '{' || c === '[' || c === '(') depth++
      else if (c === '}' || c === ']' || c === ')') depth--
      if (depth === 1 && (c === ',' || c === '{')) { key = true; token = ''; continue }
      if (depth === 0 || (depth === 1 && (c === ':' || c === '('))) {
        if (key && token.trim().replace(/^["'`]|["'`]$/g, '') === 'handler') return true
        key = false
        continue
      }
      if (depth === 1 && key) token += c
    }
  }
  return false
}

function exportsHandler(code: string, entryFormat: string | undefined): boolean {
  const note = /0&&\(module\.exports=\{([^}]*)\}\)/.exec(code)
  if (entryFormat === 'esm' && note && !note[1]!.includes('...')) return note[1]!.split(',').some((n) => n.trim() === 'handler')
  if (note && note[1]!.includes('...')) return true
  return (
    /\bexports\s*\.\s*handler\s*=|\bexports\s*\[\s*["'`]handler["'`]\s*\]\s*=|defineProperty\(\s*(?:module\.)?exports\s*,\s*["'`]handler["'`]/.test(code) ||
    objectExportsHandler(code) ||
    // `module.exports = require(…)` / `= someObject`: opaque, so accepted (ESM entries are decided above)
    (entryFormat !== 'esm' && /\bmodule\.exports\s*=\s*(?!\{|function\b|class\b|async\b|\(|[\d"'`])/.test(code))
  )
}


/** Whether `abs` is `dir` or inside it. */
function inside(dir: string, abs: string): boolean {
  return abs === dir || abs.startsWith(dir.endsWith(sep) ? dir : dir + sep)
}

/**
 * The symlink inside `root` that an import `spec` from `importer` went through, if any: each folder on the way and
 * the file itself (with the real file's extension when the import left it out). Bare specifiers are looked up as
 * `node_modules/<package>` from the importer's folder up to `root`.
 */
function linkOnTheWay(root: string, importer: string, spec: string, realFile: string): string | undefined {
  let candidate: string | undefined
  if (spec.startsWith('.') || spec.startsWith('/')) candidate = resolve(dirname(importer), spec)
  else {
    const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!
    for (let d = dirname(importer); inside(root, d); d = dirname(d)) {
      const p = resolve(d, 'node_modules', pkg)
      if (existsSync(p)) {
        candidate = p
        break
      }
      if (d === root) break
    }
  }
  if (candidate === undefined || !inside(root, candidate)) return undefined
  const parts = relative(root, candidate).split(sep)
  let p = root
  for (let i = 0; i < parts.length; i++) {
    p = resolve(p, parts[i]!)
    const last = i === parts.length - 1
    for (const q of last && extname(p) === '' ? [p, p + extname(realFile)] : [p]) {
      try {
        if (lstatSync(q).isSymbolicLink()) return q
      } catch {
        // not there under that name
      }
    }
  }
  return undefined
}

/**
 * A warning per symlink inside `root` through which files outside it were bundled: their code is inlined into the
 * function though it is not part of the project (a shared folder, a linked package). Names the link and its target.
 * edgeware's own code is in every bundle however it is installed (`edgeware init` in a checkout links it with
 * `file:`), so a link to it says nothing.
 */
function symlinkedInputs(metafile: Metafile, root: string): string[] {
  const links = new Map<string, { files: Set<string>; importer: string }>()
  for (const [key, input] of Object.entries(metafile.inputs)) {
    if (key.includes(':')) continue
    for (const imp of input.imports) {
      if (imp.external || imp.path.includes(':') || imp.original === undefined) continue
      const real = resolve(root, imp.path)
      if (inside(root, real) || EDGEWARE_OWN.some((p) => real.startsWith(p))) continue
      const link = linkOnTheWay(root, resolve(root, key), imp.original, real)
      if (link === undefined) continue
      const entry = links.get(link) ?? { files: new Set<string>(), importer: key }
      entry.files.add(real)
      links.set(link, entry)
    }
  }
  const out: string[] = []
  for (const [link, { files, importer }] of links) {
    let target = link
    try {
      target = realpathSync(link)
    } catch {
      // a dangling link: esbuild could not have read through it
    }
    const what = files.size === 1 && files.has(target) ? 'it is' : `${files.size} file${files.size === 1 ? ' from it is' : 's from it are'}`
    out.push(`${relative(root, link).split(sep).join('/')} is a symlink to ${target}, outside the project: ${what} inlined into the bundle (imported from ${importer})`)
  }
  return out
}

/**
 * The project's own source files a bundle was built from (absolute; not node_modules, not esbuild's virtual
 * modules): what a live reload watches.
 *
 * @example
 * ```ts
 * const files = ownSources(result.metafile, config.root) // Set { '/app/edge-functions/site/viewer-request.ts', … }
 * ```
 */
export function ownSources(metafile: Metafile, root: string): Set<string> {
  const files = new Set<string>()
  for (const k of Object.keys(metafile.inputs)) {
    if (k.includes(':') || k.includes('node_modules')) continue
    files.add(resolve(root, k))
  }
  return files
}

/**
 * Bundles an edge function with esbuild: platform node, CommonJS (`exports.handler`), target from the runtime,
 * minified and tree-shaken, the `edgeware-source` export condition (so `edgeware` resolves to its TypeScript
 * source), `[vars]` baked in as `process.env.K` constants, `process.env.EDGEWARE_DYNAMODB_ENDPOINT` always defined,
 * `import.meta.url` working in ESM code, no legal comments, no absolute paths in the output. Throws `BuildError` when the runtime is not supported, a
 * `[vars]` key is not a valid name, esbuild fails or the bundle has no `handler` export. Reads of other
 * environment variables in the function's own code come back in `envReads` (the build rejects them).
 *
 * @example
 * ```ts
 * import { bundleFunction } from 'edgeware/build'
 * const { code, envReads } = await bundleFunction({
 *   entry: 'edge-functions/site/viewer-request.ts',
 *   vars: { ORIGINS_TABLE: 'edge-origins' },
 *   runtime: 'nodejs22.x',
 * })
 * ```
 */
export async function bundleFunction(opts: BundleOptions): Promise<BundleResult> {
  const target = runtimeTarget(opts.runtime ?? 'nodejs22.x')
  const absWorkingDir = resolve(opts.absWorkingDir ?? (isAbsolute(opts.entry) ? dirname(opts.entry) : process.cwd()))
  const entry = resolve(absWorkingDir, opts.entry)
  const vars = opts.vars ?? {}

  const define: Record<string, string> = {}
  for (const [k, v] of Object.entries(vars)) {
    if (!VAR_NAME.test(k)) {
      throw new BuildError('InvalidVar', `[vars] key "${k}" can't be baked as process.env.${k}: use letters, digits, _ or $`)
    }
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new BuildError('InvalidVar', `[vars] ${k} must be a string, number or boolean, got ${JSON.stringify(v)}`)
    }
    define[`process.env.${k}`] = JSON.stringify(v)
  }
  define['process.env.EDGEWARE_DYNAMODB_ENDPOINT'] = opts.dynamoEndpoint === undefined ? 'undefined' : JSON.stringify(opts.dynamoEndpoint)
  if (opts.secretsPrefix !== undefined) define['process.env.EDGEWARE_SECRETS_PREFIX'] ??= JSON.stringify(opts.secretsPrefix)
  define['import.meta.url'] = IMPORT_META_ID

  const esbuild = await import('esbuild')
  let result: import('esbuild').BuildResult<{ write: false; metafile: true }>
  try {
    result = await esbuild.build({
      entryPoints: [entry],
      absWorkingDir,
      outfile: resolve(absWorkingDir, 'index.js'),
      write: false,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target,
      minify: opts.minify ?? true,
      treeShaking: true,
      // `module` first: the SDK's ES builds tree-shake far better than its CommonJS ones (579 KB → 256 KB for dynamoOrigin).
      conditions: ['edgeware-source', 'module'],
      mainFields: ['module', 'main'],
      alias: EDGE_CREDENTIALS ? { '@aws-sdk/credential-provider-node': EDGE_CREDENTIALS } : {},
      define,
      inject: [IMPORT_META_SHIM],
      plugins: [importMetaUrlShim],
      sourcemap: opts.sourcemap === 'inline' ? 'inline' : opts.sourcemap ? 'linked' : false,
      sourcesContent: false,
      metafile: true,
      legalComments: 'none',
      charset: 'utf8',
      logLevel: 'silent',
    })
  } catch (err) {
    const failure = err as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }
    const lines = (failure.errors ?? []).map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ${e.text}` : e.text))
    throw new BuildError(
      'BundleFailed',
      `esbuild could not bundle ${relative(absWorkingDir, entry) || entry}:\n  ${lines.length ? lines.join('\n  ') : String(err)}`,
    )
  }

  let code = ''
  let map: string | undefined
  for (const f of result.outputFiles) {
    if (f.path.endsWith('.map')) map = f.text
    else code = f.text
  }
  const metafile = result.metafile
  const entryKey = Object.keys(metafile.inputs).find((k) => resolve(absWorkingDir, k) === entry)
  const entryFormat = entryKey ? metafile.inputs[entryKey]?.format : undefined
  if (!exportsHandler(code, entryFormat)) {
    throw new BuildError(
      'MissingHandler',
      `${relative(absWorkingDir, entry)} has no "handler" export: Lambda@Edge calls index.handler, so export it (export const handler = … or exports.handler = …)`,
    )
  }

  const baked = new Set([...Object.keys(vars), 'EDGEWARE_DYNAMODB_ENDPOINT'])
  const envFound: EnvReadReport[] = []
  const secrets: SecretReadReport[] = []
  const secretRefusals: string[] = []
  const originReplicas: BundleResult['originReplicas'] = { regions: [], unknown: [] }
  for (const key of Object.keys(metafile.inputs).sort()) {
    if (key.includes(':')) continue // namespaced virtual modules
    const abs = resolve(absWorkingDir, key)
    if (!isOwnCode(abs)) continue
    const source = await readFile(abs, 'utf8')
    const path = relative(absWorkingDir, abs).split(sep).join('/')
    // each check reads only a file that can hold what it looks for, and the file is parsed once for all of them
    let parsed: ParsedModule | undefined
    const mod = (): ParsedModule => (parsed ??= parseModule(source, LOADERS[extname(abs)]))
    if (mentionsSecrets(source)) {
      const found = secretCalls(mod())
      for (const c of found.calls) secrets.push({ name: c.name, store: c.store, file: `${path}:${c.line}` })
      for (const r of found.refusals) secretRefusals.push(`${path}:${r.line}: ${r.message}`)
    }
    if (mentionsDynamoOrigin(source)) {
      const replicas = replicaRegions(mod())
      originReplicas.regions.push(...replicas.regions)
      originReplicas.unknown.push(...replicas.unknown.map((l) => `${path}:${l}`))
    }
    if (!mentionsEnv(source)) continue
    for (const read of envReads(mod())) {
      if (!read.dynamic && (RESERVED_ENV_VARS.has(read.name) || (!read.viaAlias && baked.has(read.name)))) continue
      envFound.push({ name: read.name, file: `${path}:${read.line}`, path, line: read.line, ...(read.dynamic ? { dynamic: true as const } : {}), ...(read.viaAlias ? { viaAlias: true as const } : {}) })
    }
  }
  // `exports.x = …` in a .js file of a "type": "module" package is fine once bundled to CommonJS
  const warnings = result.warnings
    .filter((w) => w.id !== 'commonjs-variable-in-esm')
    .map((w) => (w.location ? `${w.location.file}:${w.location.line}:${w.location.column}: ${w.text}` : w.text))
  warnings.push(...symlinkedInputs(metafile, absWorkingDir))
  const out = { code, metafile, envReads: envFound, warnings, secrets, secretRefusals, originReplicas }
  return map === undefined ? out : { ...out, map }
}
