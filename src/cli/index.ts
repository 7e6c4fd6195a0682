/**
 * The `edgeware` command line: `init`, `event`, `invoke`, `dev`, `invalidate`, `build`, `kvs`, `origins`, `deploy`,
 * `destroy`, `cleanup`, `logs`, and `--version`.
 * Each subcommand lives in its own module under src/cli/ and is loaded on demand.
 */

type Command = (args: string[]) => Promise<number>

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  init: { summary: 'edgeware init [dir] [--force]           start a project: wrangler.toml, functions, a test, npm scripts', load: async () => (await import('./init.js')).run },
  event: { summary: 'edgeware event <stage>                 print a sample CloudFront event', load: async () => (await import('./event.js')).run },
  invoke: { summary: 'edgeware invoke <file|zip> --event <file|stage> [--config wrangler.toml] [--local]  run a function as built and deployed, validate its result', load: async () => (await import('./invoke.js')).run },
  dev: { summary: 'edgeware dev [--config wrangler.toml] [--env NAME] [--port N] [--ip ADDR] [--log-file F] [--verbose]  run the local edge', load: async () => (await import('./dev.js')).run },
  invalidate: { summary: "edgeware invalidate '/docs/*' [--port N]  empty matching objects from a running local edge's cache", load: async () => (await import('./invalidate.js')).run },
  build: { summary: 'edgeware build [--config wrangler.toml] [--env NAME] [--out DIR] [--sourcemap]  bundle, zip and write the templates', load: async () => (await import('./build.js')).run },
  kvs: { summary: 'edgeware kvs <get|put|delete|list> --store <id> | --file <store.json>  edit a KeyValueStore\'s data file', load: async () => (await import('./kvs.js')).run },
  origins: { summary: 'edgeware origins <put|get|list|delete|create-table|import|export|diff> …  manage the DynamoDB origin table', load: async () => (await import('./origins.js')).run },
  deploy: { summary: 'edgeware deploy [--env NAME] [--bucket B]  upload and deploy the edge stack in us-east-1', load: async () => (await import('./deploy.js')).run },
  destroy: { summary: 'edgeware destroy [--env NAME] --yes        delete the stack, retaining its edge functions', load: async () => (await import('./destroy.js')).run },
  cleanup: { summary: 'edgeware cleanup [--env NAME]              delete retained edge functions whose replicas are gone', load: async () => (await import('./destroy.js')).runCleanup },
  logs: { summary: 'edgeware logs <function> [--since 10m] [-f] a function\'s logs from every Region it ran in', load: async () => (await import('./logs.js')).run },
}

function usage(): string {
  return [
    'usage: edgeware <command> [options]',
    '',
    ...Object.values(COMMANDS).map((c) => '  ' + c.summary),
    '',
    'edgeware <command> --help lists every option of a command; edgeware --version prints the version.',
  ].join('\n')
}

/**
 * Runs the CLI with `argv` (without node and the script) and resolves to the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['event', 'viewer-request'])
 * ```
 */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage())
    return name ? 0 : 1
  }
  if (name === '--version' || name === '-v') {
    console.log((await import('./package-info.js')).packageInfo().version)
    return 0
  }
  const cmd = COMMANDS[name]
  if (!cmd) {
    console.error(`edgeware: unknown command "${name}"\n\n${usage()}`)
    return 2
  }
  return (await cmd.load())(rest)
}
