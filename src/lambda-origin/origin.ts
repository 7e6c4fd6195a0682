/**
 * `startLambdaOrigin`: a regional function behind its integration, locally. The handler file is bundled as
 * `edgeware build` bundles a function and runs in Lambda-like worker-thread containers (src/simulator/regional.ts);
 * each HTTP request becomes the integration's event, and the function's result (or its throw, timeout, crash)
 * becomes the integration's HTTP response, with a verdict naming the rule when the integration answers with its
 * own error.
 */
import { basename, extname, isAbsolute, join, resolve } from 'node:path'
import { RegionalFunction } from '../simulator/regional.js'
import { createIntegration, type OriginExchange } from './integration.js'
import { LIMITS } from './rules.js'
import { OriginConfigError } from './settings.js'
import type { FunctionOutcome, Integration, IntegrationSettings, JsonObject, OriginRequest } from './types.js'

/**
 * Options of {@link startLambdaOrigin}: the function (`handler`, `memory`, `timeout`, …) and the integration in
 * front of it (`integration`, `multiValueHeaders`, `stage`, …).
 *
 * @example
 * ```ts
 * const opts: LambdaOriginOptions = { handler: 'api/index.ts', integration: 'alb', multiValueHeaders: true, memory: 256, timeout: 10 }
 * ```
 */
export interface LambdaOriginOptions extends Omit<IntegrationSettings, 'integrationTimeoutMs' | 'name'> {
  /** The handler's entry file (TypeScript or JavaScript exporting `handler`), relative to `root`. */
  handler: string
  integration: Integration
  /** The function's name (default: the entry file's name without extension). */
  name?: string
  /** Memory in MB, 128–10,240 (default 128, Lambda's default). */
  memory?: number
  /** Timeout in seconds, 1–900 (default 3, Lambda's default). */
  timeout?: number
  /** REST and HTTP APIs: the integration timeout in seconds (REST 0.05–29, default 29; HTTP 0.05–30, default 30). */
  integrationTimeout?: number
  /** Lambda runtime: `nodejs20.x`, `nodejs22.x` (default) or `nodejs24.x`. */
  runtime?: string
  /** The function's own environment variables. */
  environment?: Readonly<Record<string, string>>
  /** The directory `handler` is relative to (default: the current directory). */
  root?: string
  /** `[vars]`: each key K baked into the bundle as `process.env.K`, as `edgeware build` bakes them. */
  vars?: Readonly<Record<string, string | number | boolean>>
  /** What `secret()` (edgeware/secrets) reads instead of AWS (`.dev.vars`), and where it came from. */
  localSecrets?: { values: Record<string, string>; source: string }
  /** Containers at most (more concurrent requests wait). Default: the machine's cores, between 2 and 4. */
  maxContainers?: number
  /** Each line the function writes (default: printed as `[name] line`). */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void
  /** A container started (a cold start) or went away (a timeout, a crash). */
  onContainer?: (event: 'start' | 'exit', detail: string) => void
}

/**
 * One request through the origin: the event the function got, the HTTP response the integration sent, its
 * verdict, and how the invocation went.
 *
 * @example
 * ```ts
 * const call: OriginCall = await origin.handle({ method: 'GET', path: '/prod/' })
 * if (!call.verdict.valid) console.error(call.verdict.violations[0]?.code)
 * ```
 */
export interface OriginCall extends OriginExchange {
  event: JsonObject
  /** The invocation's request id (`context.awsRequestId`). */
  awsRequestId: string
  /** Whether the function ran (false when the integration answered alone, e.g. a request over its size limit). */
  invoked: boolean
  /** The invocation's time in ms (a cold start's included). */
  ms: number
  /** Whether the invocation started a container. */
  cold: boolean
}

/**
 * A running Lambda origin.
 *
 * @example
 * ```ts
 * const origin = await startLambdaOrigin({ handler: 'api/index.ts', integration: 'http' })
 * const res = await origin.fetch(new Request('https://api.example.com/items?id=1'))
 * await origin.close()
 * ```
 */
export interface LambdaOrigin {
  /** The function's name, as Lambda shows it (`AWS_LAMBDA_FUNCTION_NAME`). */
  readonly name: string
  readonly integration: Integration
  /** One request, with the verdict and the event. */
  handle(request: OriginRequest): Promise<OriginCall>
  /** One Fetch request: the integration's answer as a Fetch Response (repeated headers kept). */
  fetch(request: Request, init?: { remoteIp?: string }): Promise<Response>
  /** The project's source files the handler's bundle was built from (absolute paths): what a live reload watches. */
  readonly sources: readonly string[]
  /** Bundles the handler again; the next calls start cold on the new code (of the newest reload, when they overlap). */
  reload(): Promise<void>
  /** Stops every container. */
  close(): Promise<void>
}

const fail = (code: string, message: string): never => {
  throw new OriginConfigError(code, `lambda origin: ${message}`)
}

/**
 * Variables a function's environment can't set: "The keys for these environment variables are reserved and cannot be
 * set in your function configuration" [LAMBDA-ENV] (`AWS_DEFAULT_REGION` too: the runtime sets it).
 */
const RESERVED = new Set(['_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR'])

/** A function's environment: keys that "start with a letter and are at least two characters", "only contain letters, numbers, and the underscore", aren't reserved, 4 KB in all [LAMBDA-ENV]. */
function checkEnvironment(env: Readonly<Record<string, string>> | undefined): void {
  if (env === undefined) return
  if (env === null || typeof env !== 'object') fail('Environment', `environment must be an object of strings, got ${env === null ? 'null' : typeof env}`)
  let bytes = 0
  for (const [k, v] of Object.entries(env)) {
    if (!/^[A-Za-z][A-Za-z0-9_]+$/.test(k)) fail('Environment', `environment keys start with a letter, are at least two characters and only contain letters, numbers, and the underscore character, got ${JSON.stringify(k)}`)
    if (RESERVED.has(k)) fail('ReservedEnvironmentVariable', `the environment variables you have provided contain reserved keys that are currently not supported for modification: ${k}`)
    if (typeof v !== 'string') fail('Environment', `environment.${k} must be a string, got ${typeof v}`)
    bytes += Buffer.byteLength(k) + Buffer.byteLength(v)
  }
  if (bytes > 4096) fail('EnvironmentSize', `the total size of all environment variables doesn't exceed 4 KB: these are ${bytes} bytes (keys and values)`)
}

/** @internal Lambda's function settings, checked [LAMBDA-LIMITS, LAMBDA-ENV]. */
export function functionSettings(o: Pick<LambdaOriginOptions, 'name' | 'handler' | 'memory' | 'timeout' | 'environment'>): { name: string; memoryMb: number; timeoutMs: number } {
  checkEnvironment(o.environment)
  const name = o.name ?? basename(o.handler, extname(o.handler)).replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64)
  // Function names: letters, numbers, hyphens and underscores, 1 to 64 characters.
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) fail('FunctionName', `a function name has 1 to 64 letters, numbers, hyphens or underscores, got ${JSON.stringify(name)}`)
  const memoryMb = o.memory ?? 128
  const m = LIMITS.lambdaMemoryMb
  if (!Number.isInteger(memoryMb) || memoryMb < m.min || memoryMb > m.max) fail('FunctionMemorySize', `memory must be an integer from ${m.min} to ${m.max} MB, got ${String(memoryMb)}`)
  const timeout = o.timeout ?? 3
  const t = LIMITS.lambdaTimeoutS
  if (typeof timeout !== 'number' || !(timeout >= t.min && timeout <= t.max)) fail('FunctionTimeout', `timeout must be from ${t.min} to ${t.max} seconds, got ${String(timeout)}`)
  return { name, memoryMb, timeoutMs: Math.round(timeout * 1000) }
}

/**
 * @internal The handler bundled as `edgeware build` bundles a function, unminified, its source map inlined; and
 * the project's source files it was built from.
 */
export async function bundleHandler(entry: string, root: string, runtime: string | undefined, vars?: Readonly<Record<string, string | number | boolean>>): Promise<{ code: string; files: Set<string> }> {
  const { bundleFunction, ownSources } = await import('../build/bundle.js')
  const r = await bundleFunction({ entry, minify: false, sourcemap: true, absWorkingDir: root, ...(runtime !== undefined ? { runtime } : {}), ...(vars !== undefined ? { vars: { ...vars } } : {}) })
  let code = r.code.replace(/\n\/\/# sourceMappingURL=[^\n]*\s*$/, '\n')
  if (r.map) code += `//# sourceMappingURL=data:application/json;base64,${Buffer.from(r.map).toString('base64')}\n`
  return { code, files: ownSources(r.metafile, root) }
}

/** The integration's settings among the options. */
const SETTINGS = ['multiValueHeaders', 'region', 'accountId', 'apiId', 'stage', 'stageVariables', 'binaryMediaTypes'] as const

/** A status a Fetch Response can't carry a body with. */
const NULL_BODY = new Set([101, 204, 205, 304])

/** A Fetch Request through `handle`, its answer as a Fetch Response (repeated headers appended, not joined). */
async function fetchThrough(handle: (r: OriginRequest) => Promise<OriginCall>, request: Request, remoteIp: string | undefined): Promise<Response> {
  const u = new URL(request.url)
  const headers: [string, string][] = []
  request.headers.forEach((v, k) => headers.push([k, v]))
  const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : new Uint8Array(await request.arrayBuffer())
  const { response: r } = await handle({ method: request.method, path: u.pathname + u.search, headers, ...(body ? { body } : {}), protocol: u.protocol === 'http:' ? 'http' : 'https', ...(remoteIp ? { remoteIp } : {}) })
  if (r.status < 200) throw new TypeError(`lambda origin: the function answered status ${r.status}, which a Fetch Response can't carry (use handle())`)
  const h = new Headers()
  for (const [k, v] of r.headers) h.append(k, v)
  const payload = NULL_BODY.has(r.status) || request.method === 'HEAD' ? null : (r.body as Uint8Array<ArrayBuffer>)
  return new Response(payload, { status: r.status, ...(r.statusText !== undefined ? { statusText: r.statusText } : {}), headers: h })
}

/**
 * Starts a Lambda origin: bundles `handler` (as `edgeware build` does, unminified with a source map) and resolves
 * once it is ready to serve. Throws `OriginConfigError` for a setting that breaks a rule, `BuildError` for a
 * handler that does not bundle.
 *
 * @example
 * ```ts
 * const origin = await startLambdaOrigin({ handler: 'api/index.ts', integration: 'rest', stage: 'prod' })
 * const call = await origin.handle({ method: 'GET', path: '/prod/hello', headers: { accept: 'application/json' } })
 * call.response.status // 200
 * call.verdict.valid   // true
 * await origin.close()
 * ```
 */
export async function startLambdaOrigin(opts: LambdaOriginOptions): Promise<LambdaOrigin> {
  if (opts === null || typeof opts !== 'object' || typeof opts.handler !== 'string') fail('Handler', `handler must be the path of the handler's entry file, got ${JSON.stringify(opts?.handler)}`)
  const { name, memoryMb, timeoutMs } = functionSettings(opts)
  const { handler, integrationTimeout, runtime, environment, maxContainers, onOutput, onContainer, vars, localSecrets } = opts
  const settings: IntegrationSettings = { integration: opts.integration, name }
  for (const k of SETTINGS) if (opts[k] !== undefined) (settings as unknown as Record<string, unknown>)[k] = opts[k]
  if (integrationTimeout !== undefined) settings.integrationTimeoutMs = integrationTimeout * 1000
  const api = createIntegration(settings)
  const root = resolve(opts.root ?? '.')
  const entry = isAbsolute(handler) ? handler : join(root, handler)
  let bundle = await bundleHandler(entry, root, runtime, vars)
  let reloads = 0
  const fn = new RegionalFunction({
    name,
    code: bundle.code,
    filename: join(root, `${name}.js`),
    memoryMb,
    timeoutMs,
    region: api.settings.region,
    ...(runtime !== undefined ? { runtime } : {}),
    ...(environment !== undefined ? { environment } : {}),
    ...(localSecrets !== undefined ? { localSecrets } : {}),
    ...(maxContainers !== undefined ? { maxContainers } : {}),
    onOutput: (_fn, line, stream) => (onOutput ? onOutput(line, stream) : (stream === 'stderr' ? process.stderr : process.stdout).write(`[${name}] ${line}\n`)),
    ...(onContainer ? { onContainer: (_fn: string, ev: 'start' | 'exit', detail: string) => onContainer(ev, detail) } : {}),
  })
  const waitMs = api.settings.integrationTimeoutMs

  /** The invocation, or the integration giving up first (the function runs on, as it would in Lambda). */
  const run = (json: string, awsRequestId: string): Promise<FunctionOutcome & { ms: number; cold: boolean }> => {
    const call = fn.invoke(json, awsRequestId)
    if (waitMs === undefined) return call
    return new Promise((done) => {
      const timer = setTimeout(() => done({ ok: false, kind: 'integration-timeout', message: `no answer within ${waitMs} ms`, ms: waitMs, cold: false }), waitMs)
      void call.then((out) => {
        clearTimeout(timer)
        done(out)
      })
    })
  }

  const handle = async (request: OriginRequest): Promise<OriginCall> => {
    const built = api.event(request)
    if (built.rejected) return { ...built.rejected, event: built.event, awsRequestId: built.awsRequestId, invoked: false, ms: 0, cold: false }
    const out = await run(built.json, built.awsRequestId)
    return { ...api.respond(built.event, out, built.warnings), event: built.event, awsRequestId: built.awsRequestId, invoked: true, ms: out.ms, cold: out.cold }
  }

  return {
    name,
    integration: api.integration,
    handle,
    fetch: (request, init = {}) => fetchThrough(handle, request, init.remoteIp),
    get sources() {
      return [...bundle.files]
    },
    async reload() {
      // Saves can overlap: only the newest reload started swaps in (a slower older bundle never replaces it).
      const mine = ++reloads
      const next = await bundleHandler(entry, root, runtime, vars)
      if (mine !== reloads) return
      bundle = next
      fn.swap(next.code)
    },
    close: () => fn.close(),
  }
}
