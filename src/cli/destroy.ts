/**
 * `edgeware destroy` and `edgeware cleanup`: delete the edge stack (retaining its Lambda@Edge functions), then
 * delete those functions once CloudFront has removed their replicas.
 */
import { createInterface } from 'node:readline/promises'
import { cleanup, destroy, resolveStack } from '../deploy/destroy.js'
import { parseCommand, usageError } from './args.js'
import { AWS_FLAGS, AWS_FLAGS_USAGE, awsOptions, failed } from './aws-args.js'

const DESTROY_USAGE = `usage: edgeware destroy [--env NAME] [--stack NAME] [--origin-table] [--yes]

  --origin-table       also delete <stack>-origin-table: the DynamoDB origin table and every rule in it
  --yes                do not ask for confirmation (required when not run in a terminal)
${AWS_FLAGS_USAGE}

Deletes the stack and its CloudFront distribution. The Lambda@Edge functions are retained (CloudFront removes
their replicas only hours later) and listed in .edgeware/deploy/<stack>.json; \`edgeware cleanup\` deletes them.`

const CLEANUP_USAGE = `usage: edgeware cleanup [--env NAME] [--stack NAME]

${AWS_FLAGS_USAGE}

Deletes the Lambda@Edge functions the stack retained (on destroy, or dropped by a deploy). Exit code 0 when
none is left, 3 when some are still replicated (CloudFront has not removed every replica yet: run it again
later), 1 on another failure.`

/** Exit code of `cleanup` when functions are still replicated. */
const STILL_REPLICATED = 3

async function confirm(stack: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout })
  try {
    return (await rl.question(`This deletes stack ${stack} and its CloudFront distribution. Type the stack name to confirm: `)).trim() === stack
  } finally {
    rl.close()
  }
}

/**
 * Runs `edgeware destroy` and resolves to the exit code (0 done or nothing to do, 1 failed, 2 usage or not confirmed).
 *
 * @example
 * ```ts
 * process.exitCode = await run(['--env', 'staging', '--yes'])
 * ```
 */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('destroy', DESTROY_USAGE, args, { ...AWS_FLAGS, 'origin-table': { type: 'boolean' }, yes: { type: 'boolean', short: 'y' } })
  if (typeof parsed === 'number') return parsed
  const { values } = parsed
  try {
    const opts = awsOptions(values)
    if (values.yes !== true) {
      const { stack } = await resolveStack(opts)
      if (!process.stdin.isTTY) return usageError('destroy', DESTROY_USAGE, `this deletes stack ${stack} and its CloudFront distribution: pass --yes to confirm`)
      if (!(await confirm(stack))) {
        console.error('edgeware destroy: not confirmed, nothing deleted')
        return 2
      }
    }
    await destroy({ ...opts, originTable: values['origin-table'] === true, log: (line) => console.log(line) })
    return 0
  } catch (e) {
    return failed('destroy', e)
  }
}

/**
 * Runs `edgeware cleanup` and resolves to the exit code (0 nothing left, 3 still replicated, 1 failed, 2 usage).
 *
 * @example
 * ```ts
 * process.exitCode = await runCleanup(['--env', 'staging'])
 * ```
 */
export async function runCleanup(args: string[]): Promise<number> {
  const parsed = parseCommand('cleanup', CLEANUP_USAGE, args, AWS_FLAGS)
  if (typeof parsed === 'number') return parsed
  try {
    const r = await cleanup({ ...awsOptions(parsed.values), log: (line) => console.log(line) })
    if (r.failed.length) return 1
    if (r.replicated.length) {
      console.log(`${r.replicated.length} function${r.replicated.length === 1 ? ' is' : 's are'} still replicated: run \`edgeware cleanup\` again later (replicas usually go within a few hours)`)
      return STILL_REPLICATED
    }
    return 0
  } catch (e) {
    return failed('cleanup', e)
  }
}
