/**
 * What every `edgeware` command does with its arguments first: `parseArgs` (strict) with `--help`/`-h` added,
 * the usage for `--help`, and exit code 2 with the error and the usage for a bad flag.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'

/** The options a command declares (`--help` is added). */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>
const HELP = { help: { type: 'boolean', short: 'h' } } as const
/** What `parseCommand` hands to `parseArgs`. */
export interface CommandConfig<O extends CommandOptions> extends ParseArgsConfig {
  args: string[]
  options: O & typeof HELP
  allowPositionals: boolean
  strict: true
}

/**
 * Parses one command's arguments. Returns the values and positionals, or the exit code once it has printed:
 * 0 after the usage for `--help`, 2 after `edgeware <command>: <error>` and the usage for a bad flag.
 *
 * @example
 * ```ts
 * const parsed = parseCommand('build', USAGE, args, { out: { type: 'string', short: 'o' } })
 * if (typeof parsed === 'number') return parsed
 * parsed.values.out // string | undefined
 * ```
 */
export function parseCommand<O extends CommandOptions>(
  command: string,
  usage: string,
  args: string[],
  options: O,
  allowPositionals = false,
): ReturnType<typeof parseArgs<CommandConfig<O>>> | 0 | 2 {
  let parsed
  try {
    const config: CommandConfig<O> = { args, options: { ...options, ...HELP }, allowPositionals, strict: true }
    parsed = parseArgs(config)
  } catch (err) {
    return usageError(command, usage, (err as Error).message + npmSwallowedFlag(options, args))
  }
  if ((parsed.values as { help?: boolean }).help === true) {
    console.log(usage)
    return 0
  }
  return parsed
}

/**
 * Under `npm run <script> --flag value`, npm keeps `--flag` for itself (it sets `npm_config_flag=true`) and hands
 * the script only `value`: the hint that says so, and how to pass the flag on; '' otherwise.
 *
 * @example
 * ```ts
 * // npm run build --env production → edgeware build production, with npm_config_env=true
 * npmSwallowedFlag({ env: { type: 'string' } }, ['production'])
 * // "\n(npm run build took --env for itself and passed on only \"production\": put the script's flags after --, as in `npm run build -- --env production`)"
 * ```
 */
export function npmSwallowedFlag(options: CommandOptions, args: readonly string[]): string {
  const script = process.env.npm_lifecycle_event
  if (script === undefined) return ''
  const taken = Object.keys(options).filter((name) => options[name]!.type === 'string' && process.env[`npm_config_${name.replace(/-/g, '_')}`] === 'true')
  const values = args.filter((a) => !a.startsWith('-'))
  if (taken.length === 0 || values.length < taken.length) return ''
  const flags = taken.map((name, i) => `--${name} ${values[values.length - taken.length + i]}`).join(' ')
  const passed = values.map((v) => JSON.stringify(v)).join(', ')
  return `\n(npm run ${script} took ${taken.map((n) => `--${n}`).join(', ')} for itself and passed on only ${passed}: put the script's flags after --, as in \`npm run ${script} -- ${flags}\`)`
}

/**
 * Prints `edgeware <command>: <message>` and the usage to stderr; returns exit code 2.
 *
 * @example
 * ```ts
 * if (positionals.length !== 1) return usageError('invoke', USAGE, 'expected one handler file')
 * ```
 */
export function usageError(command: string, usage: string, message: string): 2 {
  console.error(`edgeware ${command}: ${message}\n\n${usage}`)
  return 2
}

/**
 * The config a command reads: `--config`, else `./wrangler.toml`, as an absolute path. When there is no such file,
 * prints one line pointing at `edgeware init` and returns exit code 1.
 *
 * @example
 * ```ts
 * const config = resolveConfig('build', values.config)
 * if (typeof config === 'number') return config
 * ```
 */
export function resolveConfig(command: string, given: string | undefined): string | 1 {
  const file = resolve(given ?? 'wrangler.toml')
  if (existsSync(file)) return file
  console.error(
    given === undefined
      ? `edgeware ${command}: no wrangler.toml in ${process.cwd()}: start a project with \`npx edgeware init\`, or name the config with --config FILE`
      : `edgeware ${command}: no config at ${given}: start a project with \`npx edgeware init\`, or check the --config path`,
  )
  return 1
}
