/**
 * `edgeware dev [--config FILE] [--port N] [--ip ADDR] [--https] [--log-file FILE] [--verbose]`: the local edge.
 */
import { ConfigError } from '../simulator/config.js'
import { startDev, type DevServer } from '../simulator/dev.js'
import { parseCommand, resolveConfig, usageError } from './args.js'
import { whenToStop } from './stop.js'

const USAGE = `usage: edgeware dev [--config wrangler.toml] [--port N] [--ip ADDR] [--https] [--log-file FILE] [--verbose]

  --config FILE   the wrangler.toml (default ./wrangler.toml)
  --port N        the port the edge listens on (default [dev] port, 8787)
  --ip ADDR       the address it listens on (default [dev] ip, 127.0.0.1; 0.0.0.0 for every interface)
  --https         also serve HTTPS with a self-signed certificate (default [dev] https; port [dev] https_port, 8443)
  --log-file FILE append one line per request to FILE in CloudFront's standard access log format
  --verbose       each stage's event, what the function changed, and the full stack of a failure

In a terminal, press i to invalidate the whole cache (\`edgeware invalidate '/*'\`).
Stops on Ctrl+C (SIGINT), SIGTERM or SIGHUP, or when the process that started it (npm) goes away.`

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
    port: { type: 'string', short: 'p' },
    ip: { type: 'string' },
    https: { type: 'boolean' },
    'log-file': { type: 'string' },
    verbose: { type: 'boolean', short: 'v' },
  })
  if (typeof parsed === 'number') return parsed
  const { values } = parsed
  let port: number | undefined
  if (values.port !== undefined) {
    port = Number(values.port)
    if (!/^\d+$/.test(values.port) || port > 65535) return usageError('dev', USAGE, `--port: expected a port number 0-65535, got "${values.port}"`)
  }
  const config = resolveConfig('dev', values.config)
  if (typeof config === 'number') return config
  // Watching starts before the edge does: a stop during the start-up ends the process at once (what has started
  // dies with it; workerd is killed by Miniflare's exit hook).
  const stop = whenToStop()
  let dev
  try {
    const starting = startDev({
      config,
      ...(port !== undefined ? { port } : {}),
      ...(values.ip !== undefined ? { ip: values.ip } : {}),
      ...(values.https ? { https: true } : {}),
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
  const names = dev.config.functions.map((f) => f.name).join(', ') || 'none'
  console.log(`edgeware dev: ${dev.config.name} on ${dev.url}${dev.httpsUrl ? ` and ${dev.httpsUrl} (self-signed certificate)` : ''}  (functions: ${names}; limits: ${dev.config.edge.limitsName})`)
  for (const ex of dev.examples) console.log(`  example origin "${ex.id}" on ${ex.url}`)
  if (dev.dynamoEndpoint) console.log(`  local DynamoDB (${dev.config.edge.dynamodb?.table}) on ${dev.dynamoEndpoint}`)
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
