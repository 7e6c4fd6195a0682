/**
 * `edgeware dev [--config FILE] [--port N] [--https] [--verbose]`: the local edge.
 */
import { resolve } from 'node:path'
import { ConfigError } from '../simulator/config.js'
import { startDev } from '../simulator/dev.js'
import { parseCommand, usageError } from './args.js'

const USAGE = 'usage: edgeware dev [--config wrangler.toml] [--port N] [--https] [--verbose]'

/**
 * Runs `edgeware dev` until SIGINT/SIGTERM; resolves to the exit code.
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
    https: { type: 'boolean' },
    verbose: { type: 'boolean', short: 'v' },
  })
  if (typeof parsed === 'number') return parsed
  const { values } = parsed
  let port: number | undefined
  if (values.port !== undefined) {
    port = Number(values.port)
    if (!/^\d+$/.test(values.port) || port > 65535) return usageError('dev', USAGE, `--port: expected a port number 0-65535, got "${values.port}"`)
  }
  let dev
  try {
    dev = await startDev({ config: resolve(values.config ?? 'wrangler.toml'), ...(port !== undefined ? { port } : {}), ...(values.https ? { https: true } : {}), verbose: values.verbose ?? false })
  } catch (e) {
    console.error(e instanceof ConfigError ? `edgeware dev: invalid config: ${e.message}` : `edgeware dev: ${(e as Error).message}`)
    return 1
  }
  const names = dev.config.functions.map((f) => f.name).join(', ') || 'none'
  console.log(`edgeware dev: ${dev.config.name} on ${dev.url}${dev.httpsUrl ? ` and ${dev.httpsUrl} (self-signed certificate)` : ''}  (functions: ${names}; limits: ${dev.config.edge.limitsName})`)
  for (const ex of dev.examples) console.log(`  example origin "${ex.id}" on ${ex.url}`)
  if (dev.dynamoEndpoint) console.log(`  local DynamoDB (${dev.config.edge.dynamodb?.table}) on ${dev.dynamoEndpoint}`)
  console.log(`  open ${dev.url}/  · Ctrl+C to stop`)
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      done()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  await dev.close()
  return 0
}
