/**
 * `edgeware dev [--config FILE] [--env NAME] [--port N] [--ip ADDR] [--verbose]`: the local edge.
 */
import { loadEnvConfig, loadLocalSecrets } from '../build/environment.js'
import { ConfigError } from '../simulator/config.js'
import { startDev } from '../simulator/dev.js'
import { parseCommand, resolveConfig, usageError } from './args.js'
import { whenToStop } from './stop.js'

const USAGE = `usage: edgeware dev [--config wrangler.toml] [--env NAME] [--port N] [--ip ADDR] [--verbose]

  --config FILE   the wrangler.toml (default ./wrangler.toml)
  --env NAME      run [env.NAME]: its overrides, and .dev.vars.NAME when there is one
  --port N        the port the edge listens on (default [dev] port, 8787)
  --ip ADDR       the address it listens on (default 127.0.0.1; 0.0.0.0 for every interface)
  --verbose       each stage's event, what the function changed, and the full stack of a failure

Stops on Ctrl+C (SIGINT), SIGTERM or SIGHUP, or when the process that started it (npm) goes away.`

/** The config and local secrets of `--env <name>`. */
async function envOptions(file: string, env: string) {
  const config = await loadEnvConfig(file, env)
  const local = loadLocalSecrets(file, env)
  if (local.notice) console.log(`edgeware dev: ${local.notice}`)
  return { config, ...(local.file ? { secrets: local.values } : {}) }
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
    // An environment: its config, and its own local secrets (.dev.vars.<env> before .dev.vars).
    const env = values.env === undefined ? undefined : await envOptions(config, values.env)
    const starting = startDev({
      config: env?.config ?? config,
      ...(env?.secrets ? { secrets: env.secrets } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(values.ip !== undefined ? { ip: values.ip } : {}),
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
  console.log(`edgeware dev: ${dev.config.name} on ${dev.url}  (functions: ${names}; limits: ${dev.config.edge.limitsName})`)
  for (const ex of dev.examples) console.log(`  example origin "${ex.id}" on ${ex.url}`)
  if (dev.dynamoEndpoint) console.log(`  local DynamoDB (${dev.config.edge.dynamodb?.table}) on ${dev.dynamoEndpoint}`)
  console.log(`  open ${dev.url}/  · Ctrl+C to stop`)
  await stop.requested
  stop.dispose()
  return stop.exitAfter(dev.close())
}
