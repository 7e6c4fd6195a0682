/**
 * `edgeware dev [--config FILE] [--env NAME] [--port N] [--ip ADDR] [--https] [--dynamodb-port N] [--log-file FILE]
 * [--verbose]`: the local edge.
 */
import { ConfigError } from '../simulator/config.js'
import { startDev, type DevServer } from '../simulator/dev.js'
import { parseCommand, resolveConfig, usageError } from './args.js'
import { whenToStop } from './stop.js'

const USAGE = `usage: edgeware dev [--config wrangler.toml] [--env NAME] [--port N] [--ip ADDR] [--https] [--dynamodb-port N] [--log-file FILE] [--verbose]

  --config FILE       the wrangler.toml (default ./wrangler.toml)
  --env NAME          run the environment [env.NAME] of the config (its keys replace the top-level ones)
  --port N            the port the edge listens on (default [dev] port, 8787)
  --ip ADDR           the address it listens on (default [dev] ip, 127.0.0.1; 0.0.0.0 for every interface)
  --https             also serve HTTPS with a self-signed certificate (default [dev] https; port [dev] https_port, 8443)
  --dynamodb-port N   the local DynamoDB's port (default [edge.dynamodb] port, else any free port)
  --log-file FILE     append one line per request to FILE in CloudFront's standard access log format
  --verbose           each stage's event, what the function changed, and the full stack of a failure

In a terminal, press i to invalidate the whole cache (\`edgeware invalidate '/*'\`).
Stops on Ctrl+C (SIGINT), SIGTERM or SIGHUP, or when the process that started it (npm) goes away.`

/** A port flag's value, undefined when not given, or what is wrong with it. */
function portOf(flag: string, v: string | undefined): number | undefined | string {
  if (v === undefined) return undefined
  if (!/^\d+$/.test(v) || Number(v) > 65535) return `--${flag}: expected a port number 0-65535, got "${v}"`
  return Number(v)
}

/**
 * Runs `edgeware dev` until SIGINT, SIGTERM or SIGHUP (or until the process that started it is gone); resolves to
 * the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await run(['--config', 'wrangler.toml', '--port', '8787'])
 * ```
 */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('dev', USAGE, args, {
    config: { type: 'string', short: 'c' },
    env: { type: 'string', short: 'e' },
    port: { type: 'string', short: 'p' },
    ip: { type: 'string' },
    https: { type: 'boolean' },
    'dynamodb-port': { type: 'string' },
    'log-file': { type: 'string' },
    verbose: { type: 'boolean', short: 'v' },
  })
  if (typeof parsed === 'number') return parsed
  const { values } = parsed
  const port = portOf('port', values.port)
  if (typeof port === 'string') return usageError('dev', USAGE, port)
  const dynamodbPort = portOf('dynamodb-port', values['dynamodb-port'])
  if (typeof dynamodbPort === 'string') return usageError('dev', USAGE, dynamodbPort)
  const config = resolveConfig('dev', values.config)
  if (typeof config === 'number') return config
  // Watching starts before the edge does: a stop during the start-up ends the process at once (what has started
  // dies with it; workerd is killed by Miniflare's exit hook).
  const stop = whenToStop()
  let dev
  try {
    // An environment: startDev reads its config and its own local secrets (.dev.vars.<env> before .dev.vars).
    const starting = startDev({
      config,
      ...(port !== undefined ? { port } : {}),
      ...(values.ip !== undefined ? { ip: values.ip } : {}),
      ...(values.https ? { https: true } : {}),
      ...(values.env !== undefined ? { env: values.env } : {}),
      ...(dynamodbPort !== undefined ? { dynamodbPort } : {}),
      ...(values['log-file'] !== undefined ? { logFile: values['log-file'] } : {}),
      verbose: values.verbose ?? false,
    })
    const first = await Promise.race([starting, stop.requested])
    if (typeof first === 'string') process.exit(1)
    dev = first
  } catch (e) {
    stop.dispose()
    console.error(e instanceof ConfigError ? `edgeware dev: invalid config: ${e.message}` : `edgeware dev: ${(e as Error).message}`)
    return 1
  }
  const c = dev.config
  const env = c.env ? `; env: ${c.env}` : ''
  const names = c.functions.map((f) => f.name).join(', ') || 'none'
  const cff = c.cloudfrontFunctions.length ? `; CloudFront Functions: ${c.cloudfrontFunctions.map((f) => f.name).join(', ')}` : ''
  const lambdas = c.edge.origins.filter((o) => o.kind === 'lambda')
  const origins = lambdas.length ? `; Lambda origins: ${lambdas.map((o) => `${o.id} (${o.integration})`).join(', ')}` : ''
  console.log(`edgeware dev: ${c.name} on ${dev.url}${dev.httpsUrl ? ` and ${dev.httpsUrl} (self-signed certificate)` : ''}  (functions: ${names}${cff}${origins}; limits: ${c.edge.limitsName}${env})`)
  for (const ex of dev.examples) console.log(`  example origin "${ex.id}" on ${ex.url}`)
  for (const l of dev.dynamo?.lines ?? []) console.log(`  ${l}`)
  if (values['log-file'] !== undefined) console.log(`  access log: ${values['log-file']}`)
  const keys = process.stdin.isTTY ? listenForKeys(dev) : undefined
  console.log(`  open ${dev.url}/  · ${keys ? 'i to invalidate the cache · ' : ''}Ctrl+C to stop`)
  await stop.requested
  keys?.()
  stop.dispose()
  return stop.exitAfter(dev.close())
}

/**
 * Keys in the terminal: `i` invalidates the whole cache; Ctrl+C stops as SIGINT does (raw mode swallows the signal).
 * Returns what puts the terminal back.
 */
function listenForKeys(dev: DevServer): () => void {
  const stdin = process.stdin
  stdin.setRawMode(true)
  stdin.resume()
  const onKey = (b: Buffer): void => {
    const key = b.toString('latin1')
    if (key === '\u0003') process.kill(process.pid, 'SIGINT')
    else if (key === 'i' || key === 'I') dev.invalidate(['/*']).catch((e: unknown) => console.error(`edgeware dev: invalidation failed: ${(e as Error).message}`))
  }
  stdin.on('data', onKey)
  return () => {
    stdin.off('data', onKey)
    stdin.setRawMode(false)
    stdin.pause()
  }
}
