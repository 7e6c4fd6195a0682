/**
 * `edgeware invoke <file|zip> --event <file.json|stage> [--config wrangler.toml] [--env NAME] [--local] [--limits classic|current]
 * [--timeout MS] [--s3] [--json]`: runs a function on an event as Lambda would run the deployed function and prints
 * the result and CloudFront's verdict, as `aws lambda invoke` does. A source file is built exactly as `edgeware
 * build` builds it; the function runs in a container of its own with only Lambda's reserved environment variables.
 * Exit code 0: valid result; 1: invalid result (502), a throw or timeout (503), or a function the build refuses; 2: usage.
 */
import { resolveLimits, triggerLimits } from '../cloudfront/limits.js'
import { STAGES, type CfEvent, type Stage } from '../cloudfront/types.js'
import { checkResult } from '../cloudfront/validate.js'
import type { Violation } from '../core/errors.js'
import { formatFunctionLine, isRethrownErrorLine, paint } from '../simulator/log.js'
import { thrownDetail } from '../simulator/verdict.js'
import { createEvent } from '../testing/index.js'
import { parseCommand, usageError } from './args.js'
import { isOriginInvocation, run as runOrigin } from './invoke-origin.js'
import { InvokeError, invokeSecrets, loadFunction, readInvokeConfig, type LoadedFunction } from './edge-function.js'
import { readEventFile } from './request-flags.js'

const USAGE = `usage: edgeware invoke <file.ts|file.js|function.zip> --event <event.json|stage> [options]

  --event E          an event JSON file, or a stage name for its sample event
                     (a Lambda origin's: apigateway-rest | apigateway-http | alb | function-url; '--event alb --help' lists its options)
  --s3               with a stage name: the sample S3 origin (origin events)
  --config FILE      the wrangler.toml whose [vars], runtime and limits the function is built and run with
                     (default ./wrangler.toml when there is one)
  --env NAME         use the environment [env.NAME] of the config (and .dev.vars.NAME when there is one)
  --local            the config's [edge.dynamodb] table as edgeware dev has it: the running dev server's, else
                     a local DynamoDB (dynalite with its seed, port and persist), a self-run endpoint, the real table
  --limits P         classic | current (default: the config's, else classic)
  --timeout MS       invocation timeout (default: the function's, else the stage's limit)
  --json             print one JSON object { stage, valid, result, violations, warnings, error }

  A CloudFront Function instead: --event cff-viewer-request|cff-viewer-response or a CloudFront Functions event
  file, --runtime cloudfront-js-1.0|cloudfront-js-2.0, --kvs store.json (edgeware invoke fn.js --event cff-viewer-request --help)

The function runs as deployed: built like edgeware build builds it (a read of an environment variable is refused:
Lambda@Edge has none), in a container with only Lambda's reserved environment variables. Its output goes to stderr.`

function readEvent(spec: string, s3: boolean): CfEvent {
  if (STAGES.includes(spec as Stage)) return createEvent(spec as Stage, s3 ? { origin: 's3' } : {})
  try {
    return readEventFile(spec, `a stage name (${STAGES.join(', ')})`) as CfEvent
  } catch (err) {
    throw new InvokeError((err as Error).message)
  }
}

/** The stage of a Lambda@Edge event (`Records[0].cf.config.eventType`). */
function eventStage(event: CfEvent, spec: string): Stage {
  const t = (event as { Records?: { cf?: { config?: { eventType?: unknown } } }[] } | undefined)?.Records?.[0]?.cf?.config?.eventType
  if (typeof t === 'string' && STAGES.includes(t as Stage)) return t as Stage
  throw new InvokeError(`--event: ${spec} is not a Lambda@Edge event: Records[0].cf.config.eventType must be a stage name (${STAGES.join(', ')}), got ${JSON.stringify(t) ?? 'undefined'}`)
}

/** How one invocation ended. */
type Outcome =
  | { ok: true; result: unknown; violations: Violation[]; warnings: Violation[]; ms: number }
  | { ok: false; kind: 'error' | 'timeout' | 'crash'; message: string; stack?: string; ms: number }

/** Runs the function once on `event` and judges the result as CloudFront would. */
async function invokeOnce(f: LoadedFunction, stage: Stage, event: CfEvent, limits: ReturnType<typeof resolveLimits>): Promise<Outcome> {
  const t0 = performance.now()
  let r
  try {
    r = await f.container.run(JSON.stringify(event))
  } catch (e) {
    const kind = (e as { kind?: 'timeout' | 'crash' }).kind ?? 'crash'
    return { ok: false, kind, message: (e as Error).message, ms: performance.now() - t0 }
  }
  const ms = performance.now() - t0
  if ('error' in r) {
    const stack = r.error.stack ?? `${r.error.name}: ${r.error.message}`
    return { ok: false, kind: 'error', message: thrownDetail(stack, f.source), stack, ms }
  }
  if ('notJson' in r) {
    return { ok: true, result: null, violations: [{ code: 'InvalidJson', message: `The Lambda function returned invalid JSON: The JSON output is not parsable. (${r.notJson})` }], warnings: [], ms }
  }
  const result: unknown = JSON.parse(r.json)
  const { violations, warnings } = checkResult(stage, event, result, limits)
  return { ok: true, result, violations, warnings, ms }
}

function line(v: Violation): string {
  return `  ${v.code}${v.path ? ` at ${v.path}` : ''}: ${v.message}`
}

/** Prints an outcome (text or `--json`); resolves to the exit code. */
function report(out: Outcome, stage: Stage, limitsName: string, asJson: boolean): number {
  if (!out.ok) {
    const what = out.kind === 'timeout' ? 'timed out' : 'failed'
    if (asJson) {
      const name = out.kind === 'timeout' ? 'EdgeTimeoutError' : 'EdgeExecutionError'
      console.log(JSON.stringify({ stage, valid: false, result: null, violations: [], warnings: [], error: { name, status: 503, message: `the ${stage} function ${what}: ${out.message}` } }, null, 2))
    } else {
      console.log(`ERROR: the ${stage} function ${what}: ${out.message} (CloudFront answers 503)`)
      if (out.stack) console.log(out.stack.split('\n').map((l) => '  ' + l).join('\n'))
    }
    return 1
  }
  const valid = out.violations.length === 0
  if (asJson) {
    console.log(JSON.stringify({ stage, valid, result: out.result ?? null, violations: out.violations, warnings: out.warnings }, null, 2))
    return valid ? 0 : 1
  }
  console.log(JSON.stringify(out.result ?? null, null, 2))
  console.log('')
  if (valid) console.log(`VALID: CloudFront accepts this ${stage} result (limits: ${limitsName}, ${Math.round(out.ms)} ms)`)
  else {
    console.log(`INVALID: CloudFront would answer 502 (LambdaValidationError) for this ${stage} result:`)
    for (const v of out.violations) console.log(line(v))
  }
  for (const w of out.warnings) console.log(`warning:${line(w).slice(1)}`)
  return valid ? 0 : 1
}

/**
 * Runs `edgeware invoke` and resolves to the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await run(['edge-functions/site/viewer-request.ts', '--event', 'viewer-request'])
 * ```
 */
export async function run(args: string[]): Promise<number> {
  // A Lambda origin's event (API Gateway, ALB, function URL): invoke-origin.ts.
  if (isOriginInvocation(args)) return runOrigin(args)
  const cff = await import('./invoke-function.js')
  if (cff.isFunctionInvocation(args)) return cff.run(args)
  const parsed = parseCommand(
    'invoke',
    USAGE,
    args,
    {
      event: { type: 'string', short: 'e' },
      s3: { type: 'boolean' },
      config: { type: 'string', short: 'c' },
      env: { type: 'string' },
      local: { type: 'boolean' },
      limits: { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
    },
    true,
  )
  if (typeof parsed === 'number') return parsed
  const { values, positionals } = parsed
  if (positionals.length !== 1 || values.event === undefined) {
    return usageError('invoke', USAGE, 'expected one handler file and --event')
  }
  if (values.limits !== undefined && values.limits !== 'classic' && values.limits !== 'current') {
    console.error(`edgeware invoke: --limits must be classic or current, got ${JSON.stringify(values.limits)}`)
    return 2
  }
  let timeoutMs: number | undefined
  if (values.timeout !== undefined) {
    timeoutMs = Number(values.timeout)
    if (!(timeoutMs > 0)) {
      console.error(`edgeware invoke: --timeout must be a positive number of ms, got ${JSON.stringify(values.timeout)}`)
      return 2
    }
  }
  let f: LoadedFunction | undefined
  try {
    const config = await readInvokeConfig(values.config, values.env)
    const limitsName = values.limits ?? config?.edge.limitsName ?? 'classic'
    const limits = resolveLimits(limitsName)
    const event = readEvent(values.event, values.s3 === true)
    const stage = eventStage(event, values.event)
    const p = paint(false)
    f = await loadFunction(positionals[0]!, {
      localSecrets: invokeSecrets(config),
      ...(config ? { config } : {}),
      local: values.local === true,
      onTable: (l) => console.error(`edgeware invoke: ${l}`),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      defaultTimeoutMs: triggerLimits(stage, limits).timeoutMs,
      // The function's own output goes to stderr (stdout is the result); edgeware's log of a throw it rethrows is
      // the error printed below.
      onOutput: (name, l) => {
        if (!isRethrownErrorLine(l)) process.stderr.write(formatFunctionLine(name, l, p) + '\n')
      },
    })
    return report(await invokeOnce(f, stage, event, limits), stage, limitsName, values.json === true)
  } catch (e) {
    if (!(e instanceof InvokeError)) throw e
    console.error(`edgeware invoke: ${e.message}`)
    return 1
  } finally {
    await f?.close()
  }
}
