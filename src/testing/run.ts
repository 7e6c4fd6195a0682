/**
 * Runs any Lambda@Edge handler the way the Lambda runtime and CloudFront would: on a copy of the event, with a
 * Lambda context and a timeout, callback or promise style, then checks the result with CloudFront's rules.
 */
import { resolveLimits, triggerLimits, type LimitsProfile } from '../cloudfront/limits.js'
import { STAGES, type CfEvent, type LambdaCallback, type LambdaContext, type Stage } from '../cloudfront/types.js'
import { checkResult } from '../cloudfront/validate.js'
import { EdgeValidationError, type Violation } from '../core/errors.js'
import { EdgeExecutionError, EdgeTimeoutError } from '../core/runtime-errors.js'
import { cloneJson } from '../core/stages.js'
import type { EdgeHandler } from '../core/types.js'
import { callHandler, lambdaContext } from './lambda-call.js'

/**
 * Options for `invoke` and `runHandler`.
 *
 * @example
 * ```ts
 * await invoke(handler, event, { limits: 'current', timeoutMs: 1000, context: { functionName: 'site' } })
 * ```
 */
export interface InvokeOptions {
  /** Limits profile the result is validated against, and the default timeout (default classic). */
  limits?: LimitsProfile | 'classic' | 'current'
  /** Fields of the Lambda context object (e.g. your own `getRemainingTimeInMillis`). */
  context?: Partial<LambdaContext>
  /** Invocation timeout in ms (default: the stage's function timeout from the profile, 5 s viewer / 30 s origin). */
  timeoutMs?: number
}

/**
 * Any Lambda handler, async or callback style.
 *
 * @example
 * ```ts
 * const legacy: AnyHandler = (event, context, callback) => callback(null, event.Records[0].cf.request)
 * ```
 */
export type AnyHandler = (event: CfEvent, context: LambdaContext, callback: LambdaCallback) => unknown

/**
 * What `runHandler` found.
 *
 * @example
 * ```ts
 * const { violations, warnings, result }: RunOutcome = await runHandler(handler, event)
 * ```
 */
export interface RunOutcome {
  stage: Stage
  /** The result as CloudFront reads it (after a JSON round trip; `null` when there was none). */
  result: unknown
  /** CloudFront's verdict: `[]` = accepted, otherwise the 502's reasons. */
  violations: Violation[]
  /** Accepted, but against the docs (e.g. a numeric status). */
  warnings: Violation[]
  /** Milliseconds the handler took. */
  durationMs: number
}

function describeThrown(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err)
}

/**
 * Runs `handler` on a deep copy of `event` and checks its result, without throwing for an invalid result.
 * A throw or a timeout rejects with `EdgeExecutionError` / `EdgeTimeoutError` (CloudFront's 503).
 *
 * @example
 * ```ts
 * const { result, violations } = await runHandler(handler, createEvent('viewer-request'))
 * ```
 */
export async function runHandler(handler: AnyHandler | EdgeHandler, event: CfEvent, opts: InvokeOptions = {}): Promise<RunOutcome> {
  if (typeof handler !== 'function') throw new TypeError(`invoke: the handler must be a function, got ${handler === null ? 'null' : typeof handler}`)
  const eventType = (event as { Records?: { cf?: { config?: { eventType?: unknown } } }[] } | undefined)?.Records?.[0]?.cf?.config?.eventType
  const stage = (typeof eventType === 'string' && STAGES.includes(eventType as Stage) ? eventType : (handler as Partial<EdgeHandler>).stage) as Stage | undefined
  if (stage === undefined) {
    throw new EdgeValidationError([
      {
        code: 'InvalidEvent',
        message: `Invalid Lambda@Edge event: Records[0].cf.config.eventType must be a stage name, got ${JSON.stringify(eventType) ?? 'undefined'}`,
        path: 'Records[0].cf.config.eventType',
      },
    ])
  }
  const limits = resolveLimits(opts.limits)
  const timeoutMs = opts.timeoutMs ?? triggerLimits(stage, limits).timeoutMs
  if (!(timeoutMs > 0)) throw new TypeError(`invoke: timeoutMs must be a positive number, got ${String(timeoutMs)}`)
  const started = Date.now()
  const context = lambdaContext(
    {
      functionName: 'edgeware-invoke',
      functionVersion: '1',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:edgeware-invoke:1',
      memoryLimitInMB: String(triggerLimits(stage, limits).memoryMb),
      logGroupName: '/aws/lambda/us-east-1.edgeware-invoke',
    },
    started + timeoutMs,
    opts.context,
  )
  const end = await callHandler(handler as AnyHandler, cloneJson(event), context, timeoutMs)
  if (!end.ok && end.kind === 'timeout') throw new EdgeTimeoutError(timeoutMs, `the ${stage} function timed out after ${timeoutMs} ms (CloudFront answers 503)`)
  if (!end.ok) throw new EdgeExecutionError(`the ${stage} function failed: ${describeThrown(end.error)} (CloudFront answers 503)`, { cause: end.error })
  const result = end.value
  const durationMs = Date.now() - started
  const { violations, warnings } = checkResult(stage, event, result, limits)
  let parsed: unknown = null
  if (violations.length === 0) {
    try {
      const json = JSON.stringify(result)
      parsed = json === undefined ? null : JSON.parse(json)
    } catch (err) {
      violations.push({ code: 'InvalidJson', message: `The Lambda function returned invalid JSON: The JSON output is not parsable. (${(err as Error).message})` })
    }
  } else parsed = result
  if (violations.length > 0 && end.ignoredReturn) {
    violations.push({
      code: 'SyncReturn',
      message: 'the handler returned a plain value without a promise or a callback; the Lambda runtime ignores it (make the handler async or call callback(null, result))',
    })
  }
  return { stage, result: parsed, violations, warnings, durationMs }
}
