/**
 * One call of a Lambda handler in this process, the way the Node.js Lambda runtime makes it: a context whose
 * remaining time counts down to the deadline, the result taken from the returned promise or the callback
 * (whichever comes first), a plain return value ignored, and a timeout. `invoke` (edge stages) and `invokeOrigin`
 * (Lambda origins) both run handlers through it.
 */
import type { LambdaCallback, LambdaContext } from '../cloudfront/types.js'

/** How the call ended. */
export type CallEnd =
  /** `ignoredReturn`: the handler returned a plain value with no promise or callback; the runtime's result is then null. */
  | { ok: true; value: unknown; ignoredReturn: boolean }
  | { ok: false; kind: 'error'; error: unknown }
  | { ok: false; kind: 'timeout' }

/** A Lambda handler of any style (async, or with a callback). */
type Handler = (event: never, context: LambdaContext, callback: LambdaCallback) => unknown

let invocations = 0

/**
 * A Lambda context for one call: the given fields, a fresh request id unless one is given, the remaining time
 * until `deadline` (epoch ms), then the caller's `overrides`.
 *
 * @example
 * ```ts
 * lambdaContext({ functionName: 'api', functionVersion: '$LATEST', invokedFunctionArn: arn, memoryLimitInMB: '128', logGroupName: '/aws/lambda/api' }, Date.now() + 3000)
 * ```
 */
export function lambdaContext(
  fields: Required<Pick<LambdaContext, 'functionName' | 'functionVersion' | 'invokedFunctionArn' | 'memoryLimitInMB' | 'logGroupName'>> & Pick<LambdaContext, 'awsRequestId'>,
  deadline: number,
  overrides?: Partial<LambdaContext>,
): LambdaContext {
  return {
    awsRequestId: `edgeware-${process.pid}-${++invocations}`,
    ...fields,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    ...overrides,
  }
}

/**
 * Calls `handler(event, context, callback)` and resolves to how it ended (never rejects): the value of its promise
 * or its callback, its throw or rejection, or a timeout after `timeoutMs`. A handler of fewer than three
 * parameters that returns a plain value ends at once with null, as in the Lambda runtime.
 *
 * @example
 * ```ts
 * const end = await callHandler(handler, structuredClone(event), context, 3000)
 * if (end.ok) console.log(end.value)
 * ```
 */
export function callHandler(handler: Handler, event: unknown, context: LambdaContext, timeoutMs: number): Promise<CallEnd> {
  return new Promise((resolve) => {
    let settled = false
    const timer = setTimeout(() => settle({ ok: false, kind: 'timeout' }), timeoutMs)
    function settle(end: CallEnd): void {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(end)
    }
    const fail = (error: unknown): void => settle({ ok: false, kind: 'error', error })
    const done = (value: unknown): void => settle({ ok: true, value, ignoredReturn: false })
    let ret: unknown
    try {
      ret = handler(event as never, context, (err, res) => (err !== undefined && err !== null ? fail(err) : done(res)))
    } catch (err) {
      fail(err)
      return
    }
    if (ret !== null && typeof ret === 'object' && typeof (ret as PromiseLike<unknown>).then === 'function') (ret as PromiseLike<unknown>).then(done, fail)
    // the Node.js runtime ignores a plain return value: with no callback the invocation ends with null [ISS-JSON]
    else if (handler.length < 3) settle({ ok: true, value: null, ignoredReturn: ret !== undefined })
  })
}
