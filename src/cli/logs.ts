/**
 * `edgeware logs <function>`: a Lambda@Edge function's logs from every Region it ran in, merged by time.
 */
import { resolve } from 'node:path'
import { existsSync } from 'node:fs'
import { lambdaName } from '../build/checks.js'
import { loadEnvConfig } from '../build/environment.js'
import { DeployError } from '../deploy/errors.js'
import { AWS_REGION } from '../distribution/names.js'
import { EDGE_LOG_REGIONS, parseSince, tailLogs } from '../deploy/logs.js'
import { parseCommand, usageError } from './args.js'
import { AWS_FLAGS, awsOptions, failed } from './aws-args.js'

const USAGE = `usage: edgeware logs <function> [--env NAME] [--since 10m] [--follow] [--regions R1,R2]

  <function>           a function of the config (site-viewer-request) or a full Lambda function name
  --since WHEN         from 30s, 10m, 2h, 1d ago, or an ISO date (default 10m)
  --follow, -f         keep printing new events (Ctrl+C stops)
  --regions LIST       the Regions to look in (default: the ${EDGE_LOG_REGIONS.length} Regions with CloudFront regional edge caches)
  --config FILE, --env NAME, --profile NAME, --endpoint-url URL   as for deploy

Lambda@Edge logs to /aws/lambda/us-east-1.<function> in the Region where each replica ran; each line is
prefixed with that Region.`

/** The Lambda function name of `<function>`: a config function's short name, or a full name (without a config: any). */
async function functionNameOf(name: string, config: string, env: string | undefined): Promise<string> {
  if (!existsSync(config)) return name
  const c = await loadEnvConfig(config, env)
  const fn = c.functions.find((f) => f.name === name)
  if (fn) return lambdaName(c, fn)
  if (name.startsWith(`${c.name}-`)) return name
  throw new DeployError('UnknownFunction', `no function ${name} in ${config} (its functions: ${c.functions.map((f) => f.name).join(', ')}; or give a full Lambda function name starting with ${c.name}-)`)
}

/**
 * Runs `edgeware logs` and resolves to the exit code (0, 1 failed, 2 usage); with `--follow` it runs until
 * SIGINT/SIGTERM.
 *
 * @example
 * ```ts
 * process.exitCode = await run(['site-viewer-request', '--env', 'production', '--since', '1h'])
 * ```
 */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('logs', USAGE, args, { ...AWS_FLAGS, since: { type: 'string' }, follow: { type: 'boolean', short: 'f' }, regions: { type: 'string' } }, true)
  if (typeof parsed === 'number') return parsed
  const { values, positionals } = parsed
  if (positionals.length !== 1) return usageError('logs', USAGE, 'expected one function name')
  const regions = values.regions?.split(',').map((r) => r.trim()).filter(Boolean)
  if (regions?.some((r) => !AWS_REGION.test(r))) return usageError('logs', USAGE, `--regions: not AWS Region names: ${values.regions}`)
  const stop = new AbortController()
  const onSignal = (): void => stop.abort()
  try {
    const since = parseSince(values.since ?? '10m')
    const functionName = await functionNameOf(positionals[0]!, resolve(values.config ?? 'wrangler.toml'), values.env)
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    const o = awsOptions(values)
    await tailLogs({
      functionName,
      since,
      follow: values.follow === true,
      signal: stop.signal,
      ...(regions ? { regions } : {}),
      ...(o.profile ? { profile: o.profile } : {}),
      ...(o.endpoint ? { endpoint: o.endpoint } : {}),
      ...(o.pollMs ? { pollMs: o.pollMs } : {}),
      print: (line) => console.log(line),
      log: (line) => console.error(line),
    })
    return 0
  } catch (e) {
    return failed('logs', e)
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
