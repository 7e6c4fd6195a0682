/**
 * `edgeware invalidate <path>... [--port N] [--ip ADDR] [--config FILE]`: empties matching objects from a running
 * `edgeware dev`'s cache, with CloudFront's invalidation path rules.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { invalidationPathProblem } from '../cloudfront/invalidation.js'
import { INVALIDATION_PATH } from '../simulator/front-wire.js'
import { loadConfig } from '../simulator/config.js'
import { parseCommand, usageError } from './args.js'

const USAGE = `usage: edgeware invalidate <path>... [--port N] [--ip ADDR] [--config wrangler.toml]

Empties the matching objects from the cache of a running \`edgeware dev\`, as a CloudFront invalidation does:
a path matches itself, or with a * at its end (and only there) every path that starts with it; case-sensitive;
every variant of a path (headers, cookies, encodings); a query string only when the path names it or a * covers
it. Quote paths with a * for the shell: edgeware invalidate '/docs/*' /index.html

  --port N        the port edgeware dev listens on (default [dev] port of the config, else 8787)
  --ip ADDR       its address (default [dev] ip of the config, else 127.0.0.1)
  --config FILE   the wrangler.toml to read [dev] from (default ./wrangler.toml, when there is one)`

/**
 * Runs `edgeware invalidate`; resolves to the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await run(['/docs/*', '--port', '8787'])
 * ```
 */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('invalidate', USAGE, args, { port: { type: 'string', short: 'p' }, ip: { type: 'string' }, config: { type: 'string', short: 'c' } }, true)
  if (typeof parsed === 'number') return parsed
  const { values, positionals: paths } = parsed
  if (paths.length === 0) return usageError('invalidate', USAGE, 'expected at least one path, e.g. \'/docs/*\'')
  const problems = paths.map(invalidationPathProblem).filter((p): p is string => p !== undefined)
  if (problems.length) return usageError('invalidate', USAGE, problems.join('\n  '))
  if (values.port !== undefined && (!/^\d+$/.test(values.port) || Number(values.port) > 65535)) return usageError('invalidate', USAGE, `--port: expected a port number 0-65535, got "${values.port}"`)
  let port = values.port === undefined ? undefined : Number(values.port)
  let ip = values.ip
  const file = resolve(values.config ?? 'wrangler.toml')
  if ((port === undefined || ip === undefined) && existsSync(file)) {
    try {
      const dev = (await loadConfig(file)).dev
      port ??= dev.port
      ip ??= dev.ip
    } catch (e) {
      console.error(`edgeware invalidate: ${(e as Error).message.split('\n')[0]} (or give --port)`)
      return 1
    }
  } else if (values.config !== undefined && !existsSync(file)) {
    console.error(`edgeware invalidate: no config ${file}`)
    return 1
  }
  const host = ip === undefined || ip === '0.0.0.0' || ip === '::' ? '127.0.0.1' : ip.includes(':') ? `[${ip}]` : ip
  const where = `${host}:${port ?? 8787}`
  let res: Response
  try {
    res = await fetch(`http://${where}${INVALIDATION_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ paths }) })
  } catch (e) {
    const code = ((e as Error & { cause?: { code?: string } }).cause?.code ?? (e as Error).message).toString()
    console.error(`edgeware invalidate: nothing answers on ${where} (${code}): start the local edge with \`edgeware dev\`, or name its port with --port`)
    return 1
  }
  const body = (await res.json().catch(() => ({}))) as { invalidated?: number; error?: string }
  if (res.ok && typeof body.invalidated === 'number') {
    console.log(`invalidated ${body.invalidated} cached object${body.invalidated === 1 ? '' : 's'} on ${where}: ${paths.join(' ')}`)
    return 0
  }
  console.error(`edgeware invalidate: ${body.error ?? `${where} answered ${res.status}: is it edgeware dev?`}`)
  return 1
}
