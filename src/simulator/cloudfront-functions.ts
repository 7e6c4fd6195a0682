/**
 * The distribution's CloudFront Functions under `edgeware dev`, in the Node host: each file compiled as
 * `edgeware build` compiles it and run in the CloudFront Functions sandbox (src/cloudfront-functions/, node:vm)
 * when the edge asks, on the viewer event in CloudFront Functions' own format, its result turned back into
 * Lambda@Edge's (what the edge works with) and its origin helper calls into the origin the request goes to. Each
 * function reads the `[[edge.key_value_stores]]` it names, loaded from its data file and reloaded when the file
 * changes (`edgeware kvs … --store`, an editor).
 */
import type { CfEvent } from '../cloudfront/types.js'
import type { EdgeConfig } from '../distribution/model.js'
import { toFunctionEvent, toLambdaRequest, toLambdaResponse } from '../cloudfront-functions/convert.js'
import { runFunction, type CompiledFunction } from '../cloudfront-functions/engine.js'
import { loadKeyValueStore, type KeyValueStore, type KeyValueStoreFile } from '../cloudfront-functions/kvs.js'
import { compileFunctionFile } from '../testing/functions.js'
import { chooseOrigin, type OriginDirectory } from './function-origins.js'
import type { DevLogger, Paint } from './log.js'
import { functionFailed, type FunctionReply } from './protocol.js'

// CloudFront's viewer-facing texts for a function that failed (the reference gives none: local wording).
const TEXT_502 = 'The CloudFront function returned an invalid value to CloudFront.'
const TEXT_503 = 'The CloudFront function associated with the CloudFront distribution failed to run.'

/** Options of {@link startCloudFrontFunctions}. */
export interface CloudFrontFunctionsOptions {
  config: EdgeConfig
  /** The distribution's origins as the edge reaches them (the origin helpers resolve against them). */
  origins: OriginDirectory
  logger: DevLogger
  paint: Paint
  verbose: boolean
}

/** One function, as it runs now. */
interface Loaded {
  fn: CompiledFunction
  files: Set<string>
  kvs: KeyValueStore | undefined
}

/** The running functions. */
export interface LocalCloudFrontFunctions {
  /**
   * Runs function `fn` on a Lambda@Edge viewer event (JSON) of a request whose behavior sends it to the origins
   * `originIds` (JSON): the reply for the edge, as JSON.
   */
  run(fn: string, originIds: string, eventJson: string): string
  /**
   * The functions' names, the source files each was compiled from, and its rebuild (resolves to the swap that puts
   * the new code in service and returns its files).
   */
  units: { name: string; files: Set<string>; rebuild: () => Promise<() => Set<string>> }[]
  /** Stops watching the stores. */
  close(): void
}

/** A function's console lines, warnings and (verbose) its input and output, for the dev log. */
function report(o: CloudFrontFunctionsOptions, name: string, requestId: string, out: ReturnType<typeof runFunction>): void {
  const p = o.paint
  const tag = p.cyan(`[${name}]`)
  for (const line of out.logs) o.logger.info(`${tag} ${p.dim(requestId)} ${line}`)
  if (out.logsTruncated) o.logger.info(`${tag} ${p.dim(requestId)} ${p.yellow('…')} the rest of the logs were cut at the 10 KB limit`)
  for (const w of out.warnings) o.logger.info(`${tag} ${p.yellow('⚠')} ${w.code}: ${w.message}`)
  if (o.verbose && out.ok) o.logger.info(`${tag} ${p.dim(requestId)} ${out.kind} ${JSON.stringify(out.result)}`)
}

/**
 * Compiles the config's CloudFront Functions and loads their key value stores (watched): a function the runtime
 * refuses, or a store file that breaks a rule, fails the start with every problem listed.
 *
 * @example
 * ```ts
 * const cff = await startCloudFrontFunctions({ config, origins, logger, paint: paint(false), verbose: false })
 * const reply = cff.run('router', '["app"]', eventJson)
 * ```
 */
export async function startCloudFrontFunctions(o: CloudFrontFunctionsOptions): Promise<LocalCloudFrontFunctions> {
  const { config, logger, paint: p } = o
  const stores = new Map<string, KeyValueStoreFile>()
  const loaded = new Map<string, Loaded>()
  const close = (): void => {
    for (const s of stores.values()) s.close()
  }
  const problems: string[] = []
  const used = new Set(config.cloudfrontFunctions.flatMap((f) => (f.keyValueStore ? [f.keyValueStore] : [])))
  for (const s of config.edge.keyValueStores) {
    if (!used.has(s.id)) continue
    try {
      const file = await loadKeyValueStore(s.data, {
        id: s.id,
        watch: true,
        onReload: (store) => logger.info(`${p.green('↻')} key value store ${s.id} reloaded (${store.size} keys)`),
        onError: (e) => logger.error(`${p.red('✗')} key value store ${s.id}: ${e.message}; still serving the previous content`),
      })
      stores.set(s.id, file)
    } catch (e) {
      problems.push(`key value store ${s.id}: ${(e as Error).message}`)
    }
  }
  const compile = async (name: string): Promise<Loaded> => {
    const f = config.cloudfrontFunctions.find((x) => x.name === name)!
    const { fn, files } = await compileFunctionFile(f.entry, { runtime: f.runtime, name: f.name })
    return { fn, files: new Set(files), kvs: f.keyValueStore ? stores.get(f.keyValueStore)?.store : undefined }
  }
  for (const f of config.cloudfrontFunctions) {
    try {
      loaded.set(f.name, await compile(f.name))
    } catch (e) {
      problems.push(`CloudFront Function ${f.name}: ${(e as Error).message}`)
    }
  }
  if (problems.length) {
    close()
    throw new Error(problems.join('\n'))
  }
  const originIds = [...o.origins.byId.keys()]

  const run = (name: string, assigned: string, eventJson: string): string => {
    const f = loaded.get(name)
    if (!f) return JSON.stringify(functionFailed(`no CloudFront Function ${name}`, TEXT_503))
    const event = toFunctionEvent(JSON.parse(eventJson) as CfEvent)
    const t0 = performance.now()
    const out = runFunction(f.fn, event, { ...(f.kvs ? { kvs: f.kvs } : {}), originIds })
    const ms = performance.now() - t0
    report(o, name, event.context.requestId ?? '', out)
    const base = { ms, utilization: out.computeUtilization }
    let reply: FunctionReply
    if (!out.ok) {
      reply = { ...base, ok: false, status: out.status, code: out.errorType, message: out.status === 502 ? TEXT_502 : TEXT_503, detail: `${out.code}: ${out.message}` }
    } else if (out.kind === 'response') reply = { ...base, ok: true, response: toLambdaResponse(out.result, event) }
    else {
      const origins = out.originChanges.length ? chooseOrigin(out.originChanges, JSON.parse(assigned) as string[], o.origins) : undefined
      reply = { ...base, ok: true, request: toLambdaRequest(out.result, event), ...(origins ? { origins } : {}) }
    }
    return JSON.stringify(reply)
  }

  const units = config.cloudfrontFunctions.map((f) => ({
    name: f.name,
    files: loaded.get(f.name)!.files,
    rebuild: async (): Promise<() => Set<string>> => {
      const next = await compile(f.name)
      return () => {
        loaded.set(f.name, next)
        return next.files
      }
    },
  }))
  return { run, units, close }
}
