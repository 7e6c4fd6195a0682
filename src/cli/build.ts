/**
 * `edgeware build [--config wrangler.toml] [--env NAME] [--out DIR] [--sourcemap]`: bundle, zip and write the
 * association outputs for every edge function of the config.
 */
import { build } from '../build/build.js'
import { BuildError } from '../build/errors.js'
import { parseCommand, resolveConfig } from './args.js'

const USAGE = `usage: edgeware build [--config wrangler.toml] [--env NAME] [--out DIR] [--sourcemap]

  --config FILE   the wrangler.toml (default ./wrangler.toml)
  --env NAME      build for [env.NAME]: its overrides, and its own names (<name>-NAME unless it sets a name)
  --out DIR       output directory (default .edgeware/build next to the config, .edgeware/build-NAME with --env)
  --sourcemap     add index.js.map to each zip (it counts towards the size limit)

Writes <function>.zip, <store>.kvs.json, <origin>.origin.zip, manifest.json, cloudformation.json,
origin-table.json (with [edge.dynamodb]), origins-<region>.json (Lambda origins outside us-east-1) and
cloudfront-associations.json.
Exits 1 with the reason, writing nothing, when a function breaks a CloudFront rule or limit.`

/**
 * Runs `edgeware build` with its arguments and resolves to the exit code (0 built, 1 failed, 2 usage).
 *
 * @example
 * ```ts
 * process.exitCode = await run(['--config', 'wrangler.toml', '--out', 'dist-edge'])
 * ```
 */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('build', USAGE, args, {
    config: { type: 'string', short: 'c' },
    env: { type: 'string', short: 'e' },
    out: { type: 'string', short: 'o' },
    sourcemap: { type: 'boolean' },
  })
  if (typeof parsed === 'number') return parsed
  const { values } = parsed
  const config = resolveConfig('build', values.config)
  if (typeof config === 'number') return config
  try {
    const opts: Parameters<typeof build>[0] = { config, log: (line) => console.log(line) }
    if (values.env !== undefined) opts.env = values.env
    if (values.out !== undefined) opts.outDir = values.out
    if (values.sourcemap) opts.sourcemap = true
    await build(opts)
    return 0
  } catch (e) {
    if (e instanceof BuildError) {
      console.error(`edgeware build failed: ${e.message}\nnothing was written.`)
      return 1
    }
    throw e
  }
}
