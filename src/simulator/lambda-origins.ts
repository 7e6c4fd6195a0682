/**
 * The distribution's Lambda origins under `edgeware dev`: each `[[edge.origins]] lambda = { … }` runs through
 * `startLambdaOrigin` (the integration in front of a regional function in worker-thread containers) in the Node
 * host. The edge sends them requests like any custom origin, at the API's (function URL's, load balancer's) domain;
 * the host answers a request to that domain by passing it to the integration, whose HTTP answer comes back as
 * the origin's response (the function's own, or the integration's error with the rule printed in the dev log).
 */
import { wireHeaderName } from '../cloudfront/rules.js'
import type { CfHeaders } from '../cloudfront/types.js'
import type { EdgeConfig, LambdaOriginConfig } from '../distribution/model.js'
import { startLambdaOrigin, type LambdaOrigin, type LambdaOriginOptions, type OriginCall as LambdaCall } from '../lambda-origin/origin.js'
import { resolveSettings } from '../lambda-origin/settings.js'
import { formatFunctionLine, type DevLogger, type Paint } from './log.js'
import { addResponseHeader, type OriginResult } from './origin-fetch.js'
import type { OriginCall } from './protocol.js'

/**
 * The function's name: the origin's id as Lambda allows a name (letters, digits, `-`, `_`; at most 64).
 *
 * @example
 * ```ts
 * lambdaOriginName({ id: 'api.v2' } as LambdaOriginConfig) // 'api-v2'
 * ```
 */
export function lambdaOriginName(o: Pick<LambdaOriginConfig, 'id'>): string {
  return o.id.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64) || 'origin'
}

/**
 * The domain CloudFront sends a Lambda origin's requests to: its API's, function URL's or load balancer's, in the
 * edge region.
 *
 * @example
 * ```ts
 * lambdaOriginDomain(origin, 'us-east-1') // 'k3x9….lambda-url.us-east-1.on.aws'
 * ```
 */
export function lambdaOriginDomain(o: LambdaOriginConfig, region: string): string {
  return resolveSettings({ integration: o.integration, name: lambdaOriginName(o), region }).domainName
}

/** Options of {@link startLambdaOrigins}. */
export interface LambdaOriginsOptions {
  config: EdgeConfig
  logger: DevLogger
  paint: Paint
  verbose: boolean
  maxContainers?: number
  /** What `secret()` reads in the functions instead of AWS (`.dev.vars`), as for the edge functions. */
  localSecrets?: { values: Record<string, string>; source: string }
}

/** The running Lambda origins. */
export interface LocalLambdaOrigins {
  /** Whether requests to `hostname` go to a Lambda origin. */
  serves(hostname: string): boolean
  /**
   * Sends a request to the Lambda origin at its URL's host: the integration's answer (a HEAD's without a body),
   * CloudFront's 504 when none comes within the read timeout (tried again, GET and HEAD, as the attempts allow).
   */
  fetch(call: OriginCall, body: Buffer): Promise<OriginResult>
  /**
   * The functions' names, the source files each was bundled from, and its rebuild (the new code serves once it
   * resolves, unless a newer rebuild started meanwhile; then to a function returning its files).
   */
  units: { name: string; files: Set<string>; rebuild: () => Promise<() => Set<string>> }[]
  close(): Promise<void>
}

/** The request as it reaches the integration: CloudFront's headers, the body's length (framing is CloudFront's). */
function integrationRequest(call: OriginCall, url: URL, body: Buffer) {
  const headers: [string, string][] = []
  for (const name in call.headers) {
    if (name === 'content-length' || name === 'transfer-encoding') continue
    for (const e of call.headers[name]!) headers.push([wireHeaderName(name, e.key), e.value])
  }
  if (body.byteLength) headers.push(['Content-Length', String(body.byteLength)])
  // The connection comes from the local edge (a CloudFront server's address in AWS).
  return { method: call.method, path: url.pathname + url.search, headers, ...(body.byteLength ? { body } : {}), remoteIp: '127.0.0.1', protocol: url.protocol === 'http:' ? ('http' as const) : ('https' as const) }
}

/**
 * Starts a Lambda origin per `lambda = { … }` origin (bundled as `edgeware build` bundles a function; containers
 * start on the first request).
 *
 * @example
 * ```ts
 * const lambdas = await startLambdaOrigins({ config, logger, paint: paint(false), verbose: false })
 * if (lambdas.serves(new URL(call.url).hostname)) return lambdas.fetch(call, body)
 * ```
 */
export async function startLambdaOrigins(o: LambdaOriginsOptions): Promise<LocalLambdaOrigins> {
  const { config, logger, paint: p } = o
  const byDomain = new Map<string, { name: string; origin: LambdaOrigin }>()
  const closeAll = (): Promise<void> => Promise.all([...byDomain.values()].map((x) => x.origin.close())).then(() => {})
  try {
    for (const c of config.edge.origins) {
      if (c.kind !== 'lambda') continue
      const name = lambdaOriginName(c)
      const domain = lambdaOriginDomain(c, config.edge.region)
      const other = byDomain.get(domain)
      if (other) throw new Error(`Lambda origins ${other.name} and ${c.id} get the same function name ${name}: give them ids that differ in letters, digits, - or _`)
      const opts: LambdaOriginOptions = {
        handler: c.handler,
        integration: c.integration,
        name,
        region: config.edge.region,
        memory: c.memoryMb,
        timeout: c.timeoutS,
        root: config.root,
        vars: config.vars,
        ...(o.localSecrets ? { localSecrets: o.localSecrets } : {}),
        ...(c.multiValueHeaders ? { multiValueHeaders: true } : {}),
        ...(o.maxContainers !== undefined ? { maxContainers: o.maxContainers } : {}),
        onOutput: (line, stream) => {
          if (stream === 'stderr') logger.error(formatFunctionLine(name, line, p))
          else logger.info(formatFunctionLine(name, line, p))
        },
        onContainer: (ev, detail) => {
          if (o.verbose || (ev === 'exit' && detail !== '')) logger.info(`${p.dim(`[${name}]`)} container ${ev === 'start' ? 'cold start' : `gone (${detail})`}`)
        },
      }
      byDomain.set(domain, { name, origin: await startLambdaOrigin(opts) })
    }
  } catch (e) {
    await closeAll()
    throw e
  }

  /** The integration's verdict in the dev log: the rule it answered with its own error for, its warnings. */
  const report = (name: string, requestId: string, c: LambdaCall): void => {
    const tag = p.cyan(`[${name}]`)
    for (const v of c.verdict.violations) logger.error(`${tag} ${p.red('✗')} ${c.response.status} ${p.bold(v.code)}: ${v.message} ${p.dim(`(x-amz-cf-id ${requestId})`)}`)
    for (const w of c.verdict.warnings) logger.info(`${tag} ${p.yellow('⚠')} ${w.code}: ${w.message}`)
    if (o.verbose) logger.info(`${tag} ${p.dim(requestId)} event ${JSON.stringify(c.event)}`)
  }

  const once = async (x: { name: string; origin: LambdaOrigin }, call: OriginCall, url: URL, body: Buffer): Promise<OriginResult> => {
    const t0 = performance.now()
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<undefined>((r) => (timer = setTimeout(r, call.readTimeout * 1000, undefined)))
    try {
      const c = await Promise.race([x.origin.handle(integrationRequest(call, url, body)), late])
      const ms = performance.now() - t0
      if (!c) return { ok: false, status: 504, code: 'OriginReadError', message: `The origin ${url.host} did not respond within the origin read timeout (${call.readTimeout} s).`, ms }
      report(x.name, call.requestId, c)
      const headers: CfHeaders = {}
      for (const [k, v] of c.response.headers) addResponseHeader(headers, k, v)
      const bytes = call.method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(c.response.body.buffer, c.response.body.byteOffset, c.response.body.byteLength)
      return { ok: true, status: c.response.status, statusDescription: c.response.statusText ?? '', headers, body: bytes, ms }
    } catch (e) {
      return { ok: false, status: 502, code: 'OriginError', message: `The origin ${url.host} failed: ${(e as Error).message}`, ms: performance.now() - t0 }
    } finally {
      clearTimeout(timer)
    }
  }

  return {
    serves: (hostname) => byDomain.has(hostname),
    async fetch(call, body) {
      const url = new URL(call.url)
      const x = byDomain.get(url.hostname)!
      // CloudFront tries a GET or HEAD again after a read timeout, as its connection attempts allow [CUST].
      const attempts = call.method === 'GET' || call.method === 'HEAD' ? call.connectionAttempts : 1
      let ms = 0
      for (let i = 1; ; i++) {
        const r = await once(x, call, url, body)
        ms += r.ms
        if (r.ok || r.code !== 'OriginReadError' || i >= attempts) return i === 1 || r.ok ? { ...r, ms } : { ...r, ms, message: `${r.message.replace(/\.$/, '')}; ${i} attempts.` }
      }
    },
    units: [...byDomain.values()].map((x) => ({
      name: x.name,
      files: new Set(x.origin.sources),
      rebuild: async (): Promise<() => Set<string>> => {
        await x.origin.reload()
        return () => new Set(x.origin.sources)
      },
    })),
    close: closeAll,
  }
}
