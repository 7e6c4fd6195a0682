/**
 * `edgeware dev [--config FILE] [--port N] [--verbose]`: the local edge.
 */
import { resolve } from 'node:path'
import { ConfigError } from '../simulator/config.js'
import { startDev } from '../simulator/dev.js'

const USAGE = 'usage: edgeware dev [--config wrangler.toml] [--port N] [--verbose]'

/**
 * Runs `edgeware dev` until SIGINT/SIGTERM; resolves to the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await run(['--config', 'wrangler.toml', '--port', '8787'])
 * ```
 */
export async function run(args: string[]): Promise<number> {
  let config = 'wrangler.toml'
  let port: number | undefined
  let verbose = false
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined]
    const value = (): string => {
      const v = inline ?? args[++i]
      if (v === undefined) throw new UsageError(`${flag} needs a value`)
      return v
    }
    try {
      if (flag === '--config' || flag === '-c') config = value()
      else if (flag === '--port' || flag === '-p') {
        const v = value()
        port = Number(v)
        if (!/^\d+$/.test(v) || port > 65535) throw new UsageError(`--port: expected a port number 0-65535, got "${v}"`)
      } else if (flag === '--verbose' || flag === '-v') verbose = true
      else if (flag === '--help' || flag === '-h') {
        console.log(USAGE)
        return 0
      } else throw new UsageError(`unknown option "${a}"`)
    } catch (e) {
      if (e instanceof UsageError) {
        console.error(`edgeware dev: ${e.message}\n${USAGE}`)
        return 2
      }
      throw e
    }
  }
  let dev
  try {
    dev = await startDev({ config: resolve(config), ...(port !== undefined ? { port } : {}), verbose })
  } catch (e) {
    console.error(e instanceof ConfigError ? `edgeware dev: invalid config: ${e.message}` : `edgeware dev: ${(e as Error).message}`)
    return 1
  }
  const names = dev.config.functions.map((f) => f.name).join(', ') || 'none'
  console.log(`edgeware dev: ${dev.config.name} on ${dev.url}  (functions: ${names}; limits: ${dev.config.edge.limitsName})`)
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

class UsageError extends Error {}
