/**
 * `startDev`: the local edge. Miniflare (workerd) serves the distribution on 127.0.0.1; each edge function runs in
 * Lambda-like worker-thread containers in this process, each CloudFront Function in its sandbox here, each Lambda
 * origin behind its integration; example origins and a local DynamoDB start when the config asks for them; saving
 * a function rebuilds and swaps it in without dropping requests.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync, unwatchFile, watch, watchFile, type FSWatcher, type Stats } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundleFunction, EDGEWARE_OWN, ownSources } from '../build/bundle.js'
import { describeEnvRead } from '../build/env-scan.js'
import { functionSettings, type Problem } from '../build/checks.js'
import { BuildError } from '../build/errors.js'
import { checkHandlerStage } from '../build/stage-check.js'
import { notYetApplied } from '../distribution/unapplied.js'
import { loadEnvConfig, loadLocalSecrets, type LocalSecrets } from '../build/environment.js'
import type { DevTable } from '../origin/dev-table.js'
import { openAccessLog, type AccessLog } from './access-log.js'
import type { EdgeConfig, FunctionConfig } from './config.js'
import { planReload, type ReloadPlan } from './config-reload.js'
import { edgeWorkerConfig, originDirectory } from './edge-config.js'
import { startExampleOrigin, type ExampleOrigin } from './example-origin.js'
import { startCloudFrontFunctions, type LocalCloudFrontFunctions } from './cloudfront-functions.js'
import { frontConnection, startFront, type FrontListener, type FrontOptions } from './front.js'
import { INVALIDATION_PATH } from './front-wire.js'
import { createHostHandler } from './host.js'
import { startHttpsListener, type HttpsListener } from './https.js'
import { DEFAULT_MAX_CONTAINERS, LambdaFunction } from './lambda.js'
import { startLambdaOrigins, type LocalLambdaOrigins } from './lambda-origins.js'
import { consoleLogger, formatFunctionLine, isRethrownErrorLine, paint, type DevLogger } from './log.js'
import { guardOrphans } from './orphan-guard.js'
import { closeOriginAgents } from './origin-fetch.js'
import type { EdgeWorkerConfig, LogRecord } from './protocol.js'
import type { LocalBucket } from './s3-origin.js'
import { acceptWebSocket, tokenServer, type WsConnection } from './ws-server.js'

/** Options of {@link startDev}. */
export interface DevOptions {
  /** A `wrangler.toml` path or an already loaded config. */
  config: string | EdgeConfig
  /** The environment (`[env.<name>]`) to load a config path for. */
  env?: string
  /** The local DynamoDB's port, instead of `[edge.dynamodb] port`. */
  dynamodbPort?: number
  /** Port the edge listens on (default `[dev] port`, 8787; 0 = any free port). */
  port?: number
  /** Address the edge listens on (default `[dev] ip`, 127.0.0.1; `0.0.0.0` for every interface). */
  ip?: string
  /** Serve HTTPS beside HTTP (default `[dev] https`). */
  https?: boolean
  /** The HTTPS port (default `[dev] https_port`, 8443; any free port when `port` is 0). */
  httpsPort?: number
  /** Print each stage's event and what the function changed. */
  verbose?: boolean
  /** Where to write (default stdout/stderr). */
  logger?: DevLogger
  /** ANSI colours (default: when the default logger writes to a terminal). */
  color?: boolean
  /** Rebuild and swap functions when their sources change (default true). */
  watch?: boolean
  /** Containers per function at most (concurrent invocations beyond that wait). Default: the machine's cores, 2–4. */
  maxContainers?: number
  /** Called with every finished request. */
  onRequest?: (r: LogRecord) => void
  /** Append CloudFront's standard access log to this file (one line per request; `edgeware dev --log-file`). */
  logFile?: string
  /** Ms a viewer may take to send a request's head once started, before its connection is closed (default 10 s). */
  headersTimeoutMs?: number
  /**
   * What `secret()` (edgeware/secrets) reads in the functions. Default: `.dev.vars` next to the config, else
   * `.dev.vars.example` (with a notice).
   */
  secrets?: Record<string, string>
}

/** A running local edge. */
export interface DevServer {
  /** `http://127.0.0.1:<port>` */
  url: string
  /** `https://127.0.0.1:<port>`, when HTTPS is on. */
  httpsUrl?: string
  /** The HTTPS listener's self-signed certificate (PEM), when HTTPS is on. */
  certificate?: string
  config: EdgeConfig
  /** Example origins started for `example = true` origins. */
  examples: ExampleOrigin[]
  /** The origin table's endpoint baked into the functions, when there is an `[edge.dynamodb]`. */
  dynamoEndpoint?: string
  /** The origin table: where it is (`local`, `self-run` or `aws`), its name, and lines that say so. */
  dynamo?: Pick<DevTable, 'kind' | 'table' | 'endpoint' | 'lines'>
  /** Rebuilds every function and Lambda origin (or the named ones: function and origin function names) and swaps them in. */
  reload(names?: string[]): Promise<void>
  /** Resolves after the next successful (re)build of a function or Lambda origin (live reload): the names rebuilt. */
  nextReload(): Promise<string[]>
  /**
   * Reads wrangler.toml again and puts it in force for the requests that start after it (what saving the file does
   * when `startDev` got its path). Resolves to false, the running configuration kept, when it has problems.
   */
  reloadConfig(): Promise<boolean>
  /**
   * Empties the cached objects the invalidation paths match, as CloudFront does (`*` only at the end; every variant
   * of a path); resolves to how many went. Rejects naming the paths that break a rule.
   */
  invalidate(paths: string[]): Promise<number>
  close(): Promise<void>
}

/** What `edgeware dev` rebuilds when one of its source files changes: a function or a Lambda origin. */
interface Unit {
  name: string
  /** Its source files (absolute): what is watched. */
  files: Set<string>
  /**
   * Builds it again (rejects, keeping the previous build); resolves to the swap that puts the build in service and
   * returns its source files (not called when a newer rebuild started meanwhile).
   */
  rebuild: () => Promise<() => Set<string>>
}

function sourcePath(name: string): string {
  const here = dirname(fileURLToPath(import.meta.url))
  const dirs = [here]
  try {
    // Bundled copies of this module (benches) find the package's own source.
    dirs.push(join(dirname(createRequire(import.meta.url).resolve('edgeware/package.json')), 'src', 'simulator'))
  } catch {
    /* not resolvable: only next to this file */
  }
  for (const d of dirs) {
    for (const f of [`${name}.ts`, `${name}.js`]) {
      const p = join(d, f)
      if (existsSync(p)) return p
    }
  }
  throw new Error(`edgeware: the ${name} source is missing next to ${here}`)
}

const bundles = new Map<string, Promise<string>>()
/** One source of this directory bundled into one module (once per process). */
function bundled(name: string, format: 'esm' | 'cjs', platform: 'neutral' | 'node', target: string): Promise<string> {
  let code = bundles.get(name)
  if (!code) {
    code = (async () => {
      const esbuild = await import('esbuild')
      const r = await esbuild.build({ entryPoints: [sourcePath(name)], bundle: true, format, platform, target, write: false, logLevel: 'silent' })
      return r.outputFiles[0]!.text
    })()
    bundles.set(name, code)
  }
  return code
}

/** The workerd script: edge-worker.ts bundled into one ES module. */
const edgeWorkerCode = (): Promise<string> => bundled('edge-worker', 'esm', 'neutral', 'es2022')

/** @internal The containers' direct channel (container.ts with the validator) bundled into one CommonJS module. */
export const containerRuntimeCode = (): Promise<string> => bundled('container', 'cjs', 'node', 'node20')

/** The S3 origins' buckets, served from their directories. */
const localBuckets = (c: EdgeConfig): LocalBucket[] => c.edge.origins.flatMap((o) => (o.kind === 's3' ? [{ bucket: o.bucket, region: o.region, dir: o.dir }] : []))

/**
 * Fails with one line naming the port and the way out when something already listens on `ip:port`, before workerd
 * tries to bind it (workerd dies of a busy port with a crash dump of its own).
 */
async function checkPortFree(ip: string, port: number): Promise<void> {
  if (port === 0) return
  const probe = createServer()
  await new Promise<void>((ok, fail) => {
    probe.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') fail(new Error(`port ${port} on ${ip} is already in use (another edgeware dev?): stop it, or start on another port with --port <n>`))
      else if (e.code === 'EADDRNOTAVAIL') fail(new Error(`can't listen on ${ip}: no network interface of this machine has that address (--ip)`))
      else if (e.code === 'EACCES') fail(new Error(`port ${port} on ${ip} needs privileges this user lacks: start on a port above 1023 with --port <n>`))
      else fail(e)
    })
    probe.listen({ port, host: ip, exclusive: true }, () => probe.close(() => ok()))
  })
}

/**
 * Starts the local edge for a config and resolves once it serves.
 *
 * @example
 * ```ts
 * import { startDev } from './src/simulator/index.js'
 * const dev = await startDev({ config: 'wrangler.toml', port: 0 })
 * const res = await fetch(dev.url + '/docs/')
 * console.log(res.headers.get('x-cache')) // 'Miss from cloudfront'
 * await dev.close()
 * ```
 */
export async function startDev(opts: DevOptions): Promise<DevServer> {
  // (Replaced by a reload of wrangler.toml: everything below reads the one in force.)
  let config = typeof opts.config === 'string' ? await loadEnvConfig(opts.config, opts.env) : opts.config
  /** The one it started with: where the settings only a restart applies (listeners, runtime, …) came from. */
  const startedWith = config
  const logger = opts.logger ?? consoleLogger
  // What the config holds that the local edge doesn't act on yet: said once, never silently dropped.
  const pending = notYetApplied(config, 'dev')
  if (pending.errors.length) throw new Error(pending.errors.join('\n'))
  for (const w of [...config.warnings, ...pending.warnings]) logger.info(`warning: ${w}`)
  const color = opts.color ?? (opts.logger === undefined && process.stdout.isTTY === true)
  const p = paint(color)
  const cleanups: (() => Promise<void> | void)[] = []
  let closing = false
  const close = async (): Promise<void> => {
    closing = true
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c()
      } catch {
        /* keep closing */
      }
    }
  }
  const port = opts.port ?? config.dev.port
  const ip = opts.ip ?? config.dev.ip
  try {
    // A busy port fails the start before anything else starts.
    await checkPortFree(ip, port)
    // Example origins and the local DynamoDB first: functions may bake the endpoint in.
    const examples: ExampleOrigin[] = []
    // Where viewers reach the edge (known once it listens): the example pages' links and commands name it.
    let edgeHost: string | undefined
    for (const o of config.edge.origins) {
      if (o.kind !== 'custom' || !o.example) continue
      const u = new URL(o.url)
      const ex = await startExampleOrigin({ id: o.id, port: u.port ? Number(u.port) : 80, kind: o.example, edgeHost: () => edgeHost })
      examples.push(ex)
      cleanups.push(() => ex.close())
    }
    let dynamo: DevTable | undefined
    if (config.edge.dynamodb) {
      const { openDevTable } = await import('../origin/dev-table.js')
      const onProblem = (m: string): void => logger.info(`${p.yellow('⚠')} ${m}`)
      const table = await openDevTable(config, { use: 'dev', ...(opts.dynamodbPort !== undefined ? { port: opts.dynamodbPort } : {}), onProblem })
      cleanups.push(() => table.close())
      dynamo = table
    }
    const dynamoEndpoint = dynamo?.endpoint

    // Functions: bundle (as `edgeware build` would, unminified with a source map) and make containers.
    const functions = new Map<string, LambdaFunction>()
    /** What a save rebuilds, by `<kind>:<name>` (edge functions, CloudFront Functions, Lambda origins): its sources and its rebuild. */
    const units = new Map<string, Unit>()
    /** Bundles a function as `edgeware build` would (unminified, source map inline); `files`: its own sources. */
    const bundle = async (f: FunctionConfig, cfg = config): Promise<{ code: string; files: Set<string> }> => {
      const r = await bundleFunction({
        entry: f.entry,
        vars: cfg.vars,
        runtime: cfg.edge.runtime,
        minify: false,
        sourcemap: 'inline',
        ...(dynamoEndpoint ? { dynamoEndpoint } : {}),
        absWorkingDir: config.root,
      })
      const files = ownSources(r.metafile, config.root)
      for (const why of r.secretRefusals) logger.info(`${p.yellow('⚠')} ${f.name}: ${why}; \`edgeware build\` rejects it`)
      for (const e of r.envReads) logger.info(`${p.yellow('⚠')} ${f.name}: ${e.file} ${describeEnvRead(e)}: Lambda@Edge has no environment variables (use [vars]); \`edgeware build\` rejects it`)
      return { code: r.code, files }
    }
    /** `edgeware build`'s check of the stage the handler is made for (the bundle loaded in a throwaway container). */
    const stageCheck = async (f: FunctionConfig, code: string, cfg = config): Promise<Problem | undefined> => {
      const staged = await checkHandlerStage(f, code, cfg)
      if (staged.warning) logger.info(`${p.yellow('⚠')} ${staged.warning.message}`)
      return staged.problem
    }
    /** A rebuild: bundled and checked as at the start. */
    const build = async (f: FunctionConfig, cfg = config): Promise<{ code: string; files: Set<string> }> => {
      const b = await bundle(f, cfg)
      const problem = await stageCheck(f, b.code, cfg)
      if (problem) throw BuildError.from([problem])
      return b
    }
    const verbose = opts.verbose ?? false
    const onOutput = (fn: string, line: string): void => {
      // edgeware's JSON log of a throw it rethrows: the request's own error line says it (in full with --verbose).
      if (!verbose && isRethrownErrorLine(line)) return
      logger.info(formatFunctionLine(fn, line, p))
    }
    const local: LocalSecrets = opts.secrets ? { values: opts.secrets } : loadLocalSecrets(config.path, config.env)
    if (local.notice) logger.info(`${p.yellow('⚠')} ${local.notice}`)
    const localSecrets = { values: local.values, source: local.file ? basename(local.file) : opts.secrets ? 'the secrets given to startDev' : '.dev.vars' }
    // The edge calls containers directly on 127.0.0.1 (see container.ts), with the channel's token.
    const token = randomBytes(16).toString('hex')
    // Containers listen on Unix sockets the edge has bindings for (cheaper than TCP on loopback); TCP on Windows.
    // (Slots: twice the containers there can be, for ones still exiting; a path too long for a socket: TCP too.)
    const socketSlots = 2 * config.functions.length * Math.max(1, opts.maxContainers ?? DEFAULT_MAX_CONTAINERS)
    let socketDir = process.platform === 'win32' ? undefined : mkdtempSync(join(tmpdir(), 'edgeware-'))
    let removeSocketDir = (): void => {}
    if (socketDir) {
      const dir = socketDir
      // Removed first on close (connected sockets don't need their files), and if the process exits before.
      removeSocketDir = (): void => {
        process.off('exit', removeSocketDir)
        rmSync(dir, { recursive: true, force: true })
      }
      process.on('exit', removeSocketDir)
      cleanups.push(removeSocketDir)
      if (Buffer.byteLength(join(dir, `${socketSlots}.sock`)) > 100) socketDir = undefined
    }
    const direct = {
      runtime: await containerRuntimeCode(),
      token,
      limits: config.edge.limits,
      verbose,
      color,
      source: { root: config.root, own: EDGEWARE_OWN },
      ...(socketDir ? { socketDir, socketSlots } : {}),
    }
    let host: ReturnType<typeof createHostHandler> | undefined
    const onContainer = (fn: string, ev: 'start' | 'exit', detail: string, reported?: boolean): void => {
      // Containers going away because the server closes (one still starting can't listen any more) aren't news, nor
      // is one whose end a request's error line tells (the crash or timeout of its call).
      if (closing) return
      if (verbose || (ev === 'exit' && !reported)) logger.info(`${p.dim(`[${fn}]`)} container ${ev === 'start' ? 'cold start' : `gone (${detail})`}`)
    }
    /** A function's containers, with the memory and timeout `edgeware build` deploys it with. */
    const makeFunction = (f: FunctionConfig, code: string): LambdaFunction => {
      const { memoryMb, timeoutS } = functionSettings(f, config.edge.limits)
      return new LambdaFunction({
        name: f.name,
        code,
        filename: join(config.root, `${f.name}.js`),
        memoryMb,
        timeoutMs: timeoutS * 1000,
        region: config.edge.region,
        runtime: config.edge.runtime,
        ...(opts.maxContainers !== undefined ? { maxContainers: opts.maxContainers } : {}),
        onOutput,
        onContainer,
        direct,
        onLines: (lines) => host?.lines(lines),
        onDirectEnd: (end) => host?.directEnded(end),
        localSecrets,
      })
    }
    /** A function's live reload: built again with the configuration in force, its containers given the new code. */
    const edgeUnit = (f: FunctionConfig, files: Set<string>): Unit => ({
      name: f.name,
      files,
      rebuild: async () => {
        const built = await build(f)
        return () => {
          functions.get(f.name)?.swap(built.code)
          host?.swapped(f.name)
          return built.files
        }
      },
    })
    // Every function's problems at once (two functions that don't bundle are one failed start, not two).
    const problems: Problem[] = []
    // The stage checks run while the edge starts (they load each bundle once more); the start waits for them.
    const stageChecks: Promise<Problem | undefined>[] = []
    await Promise.all(
      config.functions.map(async (f) => {
        let built
        try {
          built = await bundle(f)
        } catch (e) {
          if (!(e instanceof BuildError)) throw e
          problems.push(...e.problems)
          return
        }
        const { code, files } = built
        stageChecks.push(stageCheck(f, code))
        units.set(`edge:${f.name}`, edgeUnit(f, files))
        functions.set(f.name, makeFunction(f, code))
      }),
    )
    /** Functions a reload of wrangler.toml replaced or dropped: closed once the calls they may still run are over. */
    const retiring = new Set<LambdaFunction>()
    const retireLater = (fn: LambdaFunction): void => {
      retiring.add(fn)
      setTimeout(() => {
        retiring.delete(fn)
        void fn.close()
      }, fn.opts.timeoutMs + 1000).unref()
    }
    cleanups.push(async () => {
      await Promise.all([...functions.values(), ...retiring].map((f) => f.close()))
    })
    const staged = Promise.all(stageChecks)
    staged.catch(() => {}) // (awaited below; a start that fails before then doesn't wait for it)
    if (problems.length) {
      await staged
      throw BuildError.from(problems)
    }
    cleanups.push(() => closeOriginAgents())

    // CloudFront Functions (run in this process) and Lambda origins (their own containers); a reload of
    // wrangler.toml that changes them starts them anew.
    const startFunctions = (c: EdgeConfig): Promise<LocalCloudFrontFunctions> => startCloudFrontFunctions({ config: c, origins: originDirectory(c), logger, paint: p, verbose })
    const startOrigins = (c: EdgeConfig): Promise<LocalLambdaOrigins> => startLambdaOrigins({ config: c, logger, paint: p, verbose, localSecrets, ...(opts.maxContainers !== undefined ? { maxContainers: opts.maxContainers } : {}) })
    /** Puts a kind's units (`cff`, `origin`) in place of the ones it had. */
    const setUnits = (kind: string, list: readonly Unit[]): void => {
      for (const k of [...units.keys()]) if (k.startsWith(`${kind}:`)) units.delete(k)
      for (const u of list) units.set(`${kind}:${u.name}`, u)
    }
    let cff = await startFunctions(config)
    cleanups.push(() => cff.close())
    let lambdaOrigins = await startOrigins(config)
    /** Lambda origins a reload replaced: closed once the calls they may still run are over. */
    const retiringOrigins = new Set<LocalLambdaOrigins>()
    cleanups.push(() => Promise.all([lambdaOrigins, ...retiringOrigins].map((o) => o.close())).then(() => {}))
    setUnits('cff', cff.units)
    setUnits('origin', lambdaOrigins.units)
    /** What a reload of wrangler.toml started anew. */
    type Started = { cff?: LocalCloudFrontFunctions; origins?: LocalLambdaOrigins }
    /** The CloudFront Functions and Lambda origins `plan` says changed, started from `next` (rejects: none started). */
    const startChanged = async (plan: ReloadPlan, next: EdgeConfig): Promise<Started> => {
      const compiled = plan.cloudfrontFunctions ? await startFunctions(next) : undefined
      try {
        return { ...(compiled ? { cff: compiled } : {}), ...(plan.lambdaOrigins ? { origins: await startOrigins(next) } : {}) }
      } catch (e) {
        compiled?.close()
        throw e
      }
    }
    /** Puts what a reload started in service; replaced Lambda origins stop once `prev`'s timeouts allow their calls to end. */
    const swapStarted = (started: Started, prev: EdgeConfig): void => {
      if (started.cff) {
        cff.close()
        cff = started.cff
        setUnits('cff', cff.units)
      }
      if (started.origins) {
        const old = lambdaOrigins
        const longest = Math.max(0, ...prev.edge.origins.map((o) => (o.kind === 'lambda' ? o.timeoutS : 0)))
        retiringOrigins.add(old)
        setTimeout(() => {
          retiringOrigins.delete(old)
          void old.close()
        }, longest * 1000 + 1000).unref()
        lambdaOrigins = started.origins
        setUnits('origin', lambdaOrigins.units)
      }
    }

    // The HTTPS listener first (the edge redirects to its port); it reaches the edge once the edge serves.
    let httpsTarget = 0
    // Viewers reach the edge through the front (front.ts): CloudFront's limits, methods, Expect, Connection: close.
    // The configuration's generation: one more for each reload of wrangler.toml (the edge fetches a new one once).
    let generation = 0
    const frontOptions: FrontOptions = {
      upstreamPort: () => 0,
      generation: () => generation,
      ...(opts.headersTimeoutMs !== undefined ? { headersTimeoutMs: opts.headersTimeoutMs } : {}),
      onDropped: (why) => logger.info(`${p.dim('[edge]')} ${why}`),
    }
    let tlsListener: HttpsListener | undefined
    if (opts.https ?? config.dev.https) {
      const httpsPort = opts.httpsPort ?? (opts.port === 0 ? 0 : config.dev.httpsPort)
      try {
        tlsListener = await startHttpsListener({ ip, port: httpsPort, connection: (socket) => frontConnection(socket, { ...frontOptions, upstreamPort: () => httpsTarget }) })
      } catch (e) {
        throw new Error(`edgeware dev: could not start HTTPS on ${ip}:${httpsPort}: ${(e as Error).message}`)
      }
      const l = tlsListener
      cleanups.push(() => l.close())
    }

    // The edge.
    const edgeConfig = (): EdgeWorkerConfig =>
      edgeWorkerConfig(config, {
        functionNames: new Map(config.functions.map((f) => [f.entry, f.name])),
        containers: Object.fromEntries([...functions].map(([name, fn]) => [name, fn.maxContainers])),
        timeouts: Object.fromEntries([...functions].map(([name, fn]) => [name, fn.opts.timeoutMs])),
        ...(tlsListener ? { httpsPort: tlsListener.port } : {}),
        accessLog: opts.logFile !== undefined,
      })
    let edge = edgeConfig()
    const httpsOnly = edge.behaviors.filter((b) => b.viewerProtocolPolicy !== 'allow-all').map((b) => (b.pathPattern === '*' ? 'the default behavior' : b.pathPattern))
    if (httpsOnly.length && !tlsListener) logger.info(`warning: ${httpsOnly.join(', ')} ${httpsOnly.length > 1 ? 'answer' : 'answers'} plain HTTP with a redirect or a 403 (viewer_protocol_policy); start with --https or [dev] https = true to follow it`)
    let accessLog: AccessLog | undefined
    if (opts.logFile !== undefined) {
      const log = openAccessLog(resolve(opts.logFile), { pop: edge.pop, distributionDomainName: edge.distributionDomainName })
      accessLog = log
      cleanups.push(() => log.close())
    }
    host = createHostHandler({
      functions,
      limits: config.edge.limits,
      logger,
      paint: p,
      verbose,
      buckets: localBuckets(config),
      // (Through the variables: a reload of wrangler.toml may start new ones.)
      cloudfrontFunctions: { run: (fn, originIds, eventJson) => cff.run(fn, originIds, eventJson) },
      lambdaOrigins: { serves: (hostname) => lambdaOrigins.serves(hostname), fetch: (call, body) => lambdaOrigins.fetch(call, body) },
      edgeConfig: () => edge,
      ...(opts.onRequest ? { onRequest: opts.onRequest } : {}),
      ...(accessLog ? { accessLog } : {}),
    })
    // The function channel: the edge's Durable Object keeps one WebSocket to this loopback server.
    const conns = new Set<WsConnection>()
    const channel = tokenServer(token, (req, socket) => {
      const conn = acceptWebSocket(req, socket, host.message, () => conns.delete(conn!))
      if (conn) conns.add(conn)
    })
    await new Promise<void>((ok, fail) => {
      channel.once('error', fail)
      channel.listen(0, '127.0.0.1', () => ok())
    })
    cleanups.push(
      () =>
        new Promise<void>((done) => {
          for (const c of conns) c.close()
          channel.closeAllConnections()
          channel.close(() => done())
        }),
    )
    const channelUrl = `ws://127.0.0.1:${(channel.address() as AddressInfo).port}/${token}`

    const { Miniflare } = await import('miniflare')
    const mf = new Miniflare({
      modules: [{ type: 'ESModule', path: 'edge.mjs', contents: await edgeWorkerCode() }],
      compatibilityDate: '2025-06-01',
      // Miniflare's own entry socket (any free port, unused): it rewrites Accept-Encoding and compresses responses
      // like Cloudflare's front line. Viewers talk straight to the edge worker on a direct socket instead; the
      // HTTPS listener to a second one, on the worker's `https` entrypoint.
      host: '127.0.0.1',
      port: 0,
      unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }, ...(tlsListener ? [{ host: '127.0.0.1', port: 0, entrypoint: 'https' }] : [])],
      cf: false,
      bindings: { EDGE: edge as unknown as Record<string, never>, CHANNEL: channelUrl },
      serviceBindings: {
        HOST: { node: host.http },
        ...Object.fromEntries(socketDir ? Array.from({ length: socketSlots }, (_, i) => [`C${i}`, { external: { address: `unix:${join(socketDir, `${i}.sock`)}`, http: {} } }]) : []),
      },
      durableObjects: { EDGE_DO: 'EdgeObject' },
    })
    cleanups.push(() => mf.dispose())
    let front: FrontListener
    try {
      await mf.ready
      const edgePort = Number((await mf.unsafeGetDirectURL()).port)
      if (tlsListener) httpsTarget = Number((await mf.unsafeGetDirectURL(undefined, 'https')).port)
      front = await startFront({ ...frontOptions, ip, port, upstreamPort: () => edgePort })
      edgeHost = `localhost:${front.port}`
    } catch (e) {
      await staged
      throw new Error(`could not start the edge on ${ip}:${port}: ${(e as Error).message}`)
    }
    cleanups.push(() => front.close())
    // Killed outright, this process can't end workerd: a watchdog does (stopped first when the server closes).
    cleanups.push(guardOrphans())
    const mismatched = (await staged).filter((x): x is Problem => x !== undefined)
    if (mismatched.length) throw BuildError.from(mismatched)

    // Live reload.
    let reloadWaiters: ((names: string[]) => void)[] = []
    // Rebuilds can overlap (a save while the previous save still builds): only the newest one started for a
    // unit may swap in, so a slower older build can't replace a newer one.
    const buildSeq = new Map<string, number>()
    const rebuild = async (keys: string[]): Promise<void> => {
      const done: string[] = []
      for (const key of keys) {
        const u = units.get(key)!
        const seq = (buildSeq.get(key) ?? 0) + 1
        buildSeq.set(key, seq)
        try {
          const swap = await u.rebuild()
          if (buildSeq.get(key) !== seq) continue // superseded by a newer rebuild of this unit
          u.files = swap()
          done.push(u.name)
          logger.info(`${p.green('↻')} ${u.name} rebuilt`)
        } catch (e) {
          if (buildSeq.get(key) !== seq) continue // a newer rebuild decides what is served
          logger.error(`${p.red('✗')} ${u.name}: rebuild failed, still serving the previous build:\n  ${(e as Error).message}`)
        }
      }
      if (opts.watch !== false) rewatch()
      if (done.length) {
        const w = reloadWaiters
        reloadWaiters = []
        for (const r of w) r(done)
      }
    }
    const reload = (names?: string[]): Promise<void> => rebuild([...units].filter(([, u]) => !names || names.includes(u.name)).map(([k]) => k))
    const watchers = new Map<string, FSWatcher>()
    let timer: NodeJS.Timeout | undefined
    const changed = new Set<string>()
    const rewatch = (): void => {
      const want = new Set<string>()
      for (const u of units.values()) for (const f of u.files) want.add(f)
      for (const [f, w] of watchers) {
        if (!want.has(f)) {
          w.close()
          watchers.delete(f)
        }
      }
      for (const f of want) {
        if (watchers.has(f) || !existsSync(f)) continue
        try {
          const w = watch(f, { persistent: false }, () => {
            changed.add(f)
            // Editors save by rename: re-arm this file's watcher after the rebuild.
            w.close()
            watchers.delete(f)
            clearTimeout(timer)
            timer = setTimeout(() => {
              const files = [...changed]
              changed.clear()
              void rebuild([...units].filter(([, u]) => files.some((x) => u.files.has(x))).map(([k]) => k))
            }, 60)
          })
          watchers.set(f, w)
        } catch {
          /* a file we can't watch: no live reload for it */
        }
      }
    }
    if (opts.watch !== false) {
      rewatch()
      cleanups.push(() => {
        clearTimeout(timer)
        for (const w of watchers.values()) w.close()
        watchers.clear()
      })
    }

    // A saved wrangler.toml: the new distribution serves the requests that start after it, those in flight finish on
    // the one they started with; a config with problems (each printed) leaves the running one serving.
    let configReloads = Promise.resolve(true)
    const applyConfig = async (): Promise<boolean> => {
      const file = basename(config.path)
      const refuse = (why: string): false => {
        logger.error(`${p.red('✗')} ${why}\n  ${file} not reloaded: still serving the previous configuration`)
        return false
      }
      let next: EdgeConfig
      try {
        next = await loadEnvConfig(config.path, opts.env)
      } catch (e) {
        return refuse((e as Error).message)
      }
      const pending = notYetApplied(next, 'dev')
      if (pending.errors.length) return refuse(`${file}: ${pending.errors.join('\n  ')}`)
      const plan = planReload(config, next, startedWith)
      const fresh = plan.rebuild ? next.functions : [...plan.added, ...plan.changed]
      const built = new Map<string, { code: string; files: Set<string> }>()
      const problems: Problem[] = []
      await Promise.all(
        fresh.map(async (f) => {
          try {
            built.set(f.name, await build(f, next))
          } catch (e) {
            if (!(e instanceof BuildError)) throw e
            problems.push(...e.problems)
          }
        }),
      )
      if (problems.length) return refuse(BuildError.from(problems).message)
      // CloudFront Functions and Lambda origins the new config changes start anew (one that can't: not reloaded).
      let started: Started
      try {
        started = await startChanged(plan, next)
      } catch (e) {
        return refuse((e as Error).message)
      }
      swapStarted(started, config)
      config = next
      for (const name of plan.removed) {
        const fn = functions.get(name)
        if (fn) retireLater(fn)
        functions.delete(name)
        units.delete(`edge:${name}`)
      }
      for (const f of fresh) {
        const b = built.get(f.name)!
        units.set(`edge:${f.name}`, edgeUnit(f, b.files))
        const old = functions.get(f.name)
        // New [vars] only: the same containers' settings, new code (as a saved source file does).
        if (old && !plan.changed.includes(f)) old.swap(b.code)
        else functions.set(f.name, makeFunction(f, b.code))
        if (old) host?.swapped(f.name)
        if (old && plan.changed.includes(f)) retireLater(old)
      }
      host?.setBuckets(localBuckets(next))
      edge = { ...edgeConfig(), viaHost: edge.viaHost }
      generation++
      if (opts.watch !== false) rewatch()
      for (const w of [...next.warnings, ...pending.warnings]) logger.info(`warning: ${w}`)
      logger.info(`${p.green('↻')} ${file} reloaded`)
      if (plan.restart.length) logger.info(`${p.yellow('⚠')} ${file}: ${plan.restart.join(', ')} changed: restart edgeware dev to apply ${plan.restart.length > 1 ? 'them' : 'it'}`)
      return true
    }
    const reloadConfig = (): Promise<boolean> => (configReloads = configReloads.then(applyConfig, applyConfig))
    if (typeof opts.config === 'string' && opts.watch !== false) {
      const path = config.path
      let debounce: NodeJS.Timeout | undefined
      const onChange = (now: Stats, before: Stats): void => {
        if (now.mtimeMs === before.mtimeMs && now.size === before.size) return
        clearTimeout(debounce)
        debounce = setTimeout(() => void reloadConfig(), 50)
      }
      watchFile(path, { interval: 200, persistent: false }, onChange)
      cleanups.push(() => {
        clearTimeout(debounce)
        unwatchFile(path, onChange)
      })
    }

    cleanups.push(removeSocketDir)
    const hostname = ip === '0.0.0.0' || ip === '::' ? '127.0.0.1' : ip.includes(':') ? `[${ip}]` : ip
    const viewerUrl = `http://${hostname}:${front.port}`
    return {
      url: viewerUrl,
      reloadConfig,
      ...(tlsListener ? { httpsUrl: `https://${hostname}:${tlsListener.port}`, certificate: tlsListener.certificate } : {}),
      get config() {
        return config
      },
      examples,
      ...(dynamo ? { dynamoEndpoint: dynamo.endpoint, dynamo: { kind: dynamo.kind, table: dynamo.table, endpoint: dynamo.endpoint, lines: dynamo.lines } } : {}),
      reload,
      nextReload: () => new Promise((r) => reloadWaiters.push(r)),
      invalidate: async (paths) => {
        const res = await fetch(`${viewerUrl}${INVALIDATION_PATH}`, { method: 'POST', body: JSON.stringify({ paths }), headers: { 'content-type': 'application/json' } })
        const body = (await res.json()) as { invalidated?: number; error?: string }
        if (!res.ok) throw new Error(body.error ?? `the local edge answered ${res.status}`)
        return body.invalidated ?? 0
      },
      close,
    }
  } catch (e) {
    await close()
    throw e
  }
}
