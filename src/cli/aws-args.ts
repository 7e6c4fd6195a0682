/**
 * Options shared by `edgeware deploy`, `destroy`, `cleanup` and `logs`, and how they report failures.
 */
import { BuildError } from '../build/errors.js'
import { DeployError } from '../deploy/errors.js'
import { ConfigError } from '../simulator/config.js'

/**
 * The flags every AWS command takes.
 *
 * @example
 * ```ts
 * parseCommand('deploy', USAGE, args, { ...AWS_FLAGS, bucket: { type: 'string' } })
 * ```
 */
export const AWS_FLAGS = {
  config: { type: 'string', short: 'c' },
  env: { type: 'string', short: 'e' },
  stack: { type: 'string' },
  profile: { type: 'string' },
  'endpoint-url': { type: 'string' },
} as const

/** The usage lines of {@link AWS_FLAGS}. */
export const AWS_FLAGS_USAGE = `  --config FILE        the wrangler.toml (default ./wrangler.toml); .edgeware/deploy/ lives next to it
  --env NAME           the environment ([env.NAME]): its own stack, function names and secrets
  --stack NAME         the stack (default: the config's name, with -NAME for --env)
  --profile NAME       an AWS profile (default: the usual AWS chain: environment, ~/.aws, SSO, instance role)
  --endpoint-url URL   send every AWS call to URL (a local stand-in; AWS_ENDPOINT_URL and
                       AWS_ENDPOINT_URL_<SERVICE> work too)`

type Values = { config?: string; env?: string; stack?: string; profile?: string; 'endpoint-url'?: string }

/**
 * The deploy-library options of the shared flags (plus the poll interval, `EDGEWARE_POLL_MS`, a test and dev hook).
 *
 * @example
 * ```ts
 * await deploy({ ...awsOptions(values), log: console.log })
 * ```
 */
export function awsOptions(v: Values): { config?: string; env?: string; stack?: string; profile?: string; endpoint?: string; pollMs?: number } {
  const poll = Number(process.env.EDGEWARE_POLL_MS)
  return {
    ...(v.config !== undefined ? { config: v.config } : {}),
    ...(v.env !== undefined ? { env: v.env } : {}),
    ...(v.stack !== undefined ? { stack: v.stack } : {}),
    ...(v.profile !== undefined ? { profile: v.profile } : {}),
    ...(v['endpoint-url'] !== undefined ? { endpoint: v['endpoint-url'] } : {}),
    ...(poll > 0 ? { pollMs: poll } : {}),
  }
}

/**
 * Prints a command's failure and returns its exit code (1), or rethrows what is not a known failure.
 *
 * @example
 * ```ts
 * try { … } catch (e) { return failed('deploy', e) }
 * ```
 */
export function failed(command: string, e: unknown): number {
  if (e instanceof DeployError || e instanceof ConfigError || e instanceof BuildError) {
    console.error(`edgeware ${command}: ${e instanceof BuildError ? `the build failed: ${e.message}` : e.message}`)
    return 1
  }
  const err = e as { name?: string; message?: string; $metadata?: unknown }
  if (err && err.$metadata !== undefined) {
    console.error(`edgeware ${command}: AWS answered ${err.name}: ${err.message}`)
    return 1
  }
  if (err?.name === 'CredentialsProviderError' || /credential/i.test(err?.message ?? '')) {
    console.error(`edgeware ${command}: no AWS credentials (${err.message}): set AWS_PROFILE / --profile, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`)
    return 1
  }
  throw e
}
