/**
 * What a saved `wrangler.toml` changes for a running `edgeware dev`: the functions to start, stop or build again,
 * whether the CloudFront Functions and the Lambda origins start anew, and the settings only a restart applies (the
 * listeners, the local DynamoDB, example origins, the runtime, region and limits the containers were made with).
 * Everything else — behaviors, origins, policies, error responses, `[dev.viewer]` — is the edge's configuration,
 * swapped in whole.
 */
import type { EdgeConfig, FunctionConfig } from '../distribution/model.js'

/** A reload's work. */
export interface ReloadPlan {
  /** Keys whose new value only a restart of `edgeware dev` applies. */
  restart: string[]
  /** Functions the new config associates and the old one didn't. */
  added: FunctionConfig[]
  /** Functions no behavior uses any more (by name). */
  removed: string[]
  /** Functions whose stages or settings (memory, timeout) changed: checked again, containers with the new settings. */
  changed: FunctionConfig[]
  /** `[vars]` changed: every function's bundle differs. */
  rebuild: boolean
  /** The CloudFront Functions, their key value stores or the origins their helpers choose from changed: load them anew. */
  cloudfrontFunctions: boolean
  /** A Lambda origin was added, dropped or changed: start them anew. */
  lambdaOrigins: boolean
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/** The example origins (`example = …`): started once, with the server. */
const examples = (c: EdgeConfig): string[] => c.edge.origins.flatMap((o) => (o.kind === 'custom' && o.example ? [`${o.id} ${o.url} ${o.example}`] : []))
/** What the CloudFront Functions run with: their files and settings, their stores, the origins they may choose. */
const functionSetup = (c: EdgeConfig): unknown => [c.cloudfrontFunctions, c.edge.keyValueStores, c.edge.origins]
const lambdaOrigins = (c: EdgeConfig): unknown => c.edge.origins.filter((o) => o.kind === 'lambda')

/**
 * Compares the running config with the saved one. The settings only a restart applies are compared with the
 * config the server started with (`started`, default `prev`): a value saved back to what is running needs nothing.
 *
 * @example
 * ```ts
 * const plan = planReload(running, await loadConfig(running.path), startedWith)
 * plan.restart // ['dev.port'] when the port differs from the one the server listens on
 * ```
 */
export function planReload(prev: EdgeConfig, next: EdgeConfig, started: EdgeConfig = prev): ReloadPlan {
  const restart: string[] = []
  const compare: [string, unknown, unknown][] = [
    ['dev.port', started.dev.port, next.dev.port],
    ['dev.ip', started.dev.ip, next.dev.ip],
    ['dev.https', started.dev.https, next.dev.https],
    ['dev.https_port', started.dev.httpsPort, next.dev.httpsPort],
    ['edge.runtime', started.edge.runtime, next.edge.runtime],
    ['edge.limits', started.edge.limitsName, next.edge.limitsName],
    ['edge.region', started.edge.region, next.edge.region],
    ['edge.dynamodb', started.edge.dynamodb, next.edge.dynamodb],
    ['example origins', examples(started), examples(next)],
  ]
  for (const [key, a, b] of compare) if (!same(a, b)) restart.push(key)
  const before = new Map(prev.functions.map((f) => [f.name, f]))
  const after = new Set(next.functions.map((f) => f.name))
  const settings = (f: FunctionConfig): unknown => [f.entry, f.stages, f.memoryMb, f.timeoutS]
  return {
    restart,
    added: next.functions.filter((f) => !before.has(f.name)),
    removed: prev.functions.filter((f) => !after.has(f.name)).map((f) => f.name),
    changed: next.functions.filter((f) => before.has(f.name) && !same(settings(before.get(f.name)!), settings(f))),
    rebuild: !same(prev.vars, next.vars),
    cloudfrontFunctions: !same(functionSetup(prev), functionSetup(next)),
    lambdaOrigins: !same(lambdaOrigins(prev), lambdaOrigins(next)),
  }
}
