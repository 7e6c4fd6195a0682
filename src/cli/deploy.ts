/**
 * `edgeware deploy`: build, upload and deploy the edge stack (and the origin table stack) in us-east-1, after the
 * stacks of the Lambda origins in other regions.
 */
import { deploy } from '../deploy/deploy.js'
import { AWS_REGION } from '../distribution/names.js'
import { parseCommand, usageError } from './args.js'
import { AWS_FLAGS, AWS_FLAGS_USAGE, awsOptions, failed } from './aws-args.js'

const USAGE = `usage: edgeware deploy [--env NAME] [--stack NAME] [--bucket BUCKET] [--bucket REGION=BUCKET]... [--from DIR] [--param KEY=VALUE]...

  --bucket BUCKET      the S3 bucket in us-east-1 for the function zips (later deploys remember it)
  --bucket REGION=BUCKET  the S3 bucket in REGION for the zips of the Lambda origins there (remembered too)
  --from DIR           deploy this \`edgeware build\` output instead of building
  --param KEY=VALUE    a template parameter, e.g. --param AppOriginDomainName=app.example.com (later deploys reuse it)
  --skip-origin-table  do not deploy origin-table.json (the DynamoDB Global Table) as <stack>-origin-table
${AWS_FLAGS_USAGE}

Uploads only the zips the buckets lack, deploys the Lambda origins outside us-east-1 first (a stack per region,
<stack>-origins-REGION, whose domain names go to the edge stack), each stack through a change set (shown before
it runs; none when nothing changed), follows the stacks' events, and prints the distribution's domain. Exit code 1
with CloudFormation's reason when a change set or the deploy fails (the stack rolls back).`

/**
 * Runs `edgeware deploy` and resolves to the exit code (0 deployed or up to date, 1 failed, 2 usage).
 *
 * @example
 * ```ts
 * process.exitCode = await run(['--env', 'production', '--bucket', 'my-code-bucket'])
 * ```
 */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('deploy', USAGE, args, {
    ...AWS_FLAGS,
    bucket: { type: 'string', multiple: true },
    from: { type: 'string' },
    param: { type: 'string', multiple: true },
    'skip-origin-table': { type: 'boolean' },
  })
  if (typeof parsed === 'number') return parsed
  const { values } = parsed
  let bucket: string | undefined
  const regionBuckets: Record<string, string> = {}
  for (const b of values.bucket ?? []) {
    const eq = b.indexOf('=')
    if (eq < 0 && bucket !== undefined) return usageError('deploy', USAGE, `--bucket: one bucket for us-east-1 (got ${bucket} and ${b}); name a region's bucket as REGION=BUCKET`)
    if (eq < 0) bucket = b
    else if (!AWS_REGION.test(b.slice(0, eq)) || eq === b.length - 1) return usageError('deploy', USAGE, `--bucket must be BUCKET or REGION=BUCKET, got ${JSON.stringify(b)}`)
    else regionBuckets[b.slice(0, eq)] = b.slice(eq + 1)
  }
  const params: Record<string, string> = {}
  for (const p of values.param ?? []) {
    const eq = p.indexOf('=')
    if (eq <= 0) return usageError('deploy', USAGE, `--param must be KEY=VALUE, got ${JSON.stringify(p)}`)
    params[p.slice(0, eq)] = p.slice(eq + 1)
  }
  try {
    await deploy({
      ...awsOptions(values),
      ...(bucket !== undefined ? { bucket } : {}),
      ...(Object.keys(regionBuckets).length ? { regionBuckets } : {}),
      ...(values.from !== undefined ? { from: values.from } : {}),
      params,
      originTable: values['skip-origin-table'] !== true,
      log: (line) => console.log(line),
    })
    return 0
  } catch (e) {
    return failed('deploy', e)
  }
}
