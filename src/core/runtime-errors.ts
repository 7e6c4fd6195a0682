/**
 * What CloudFront does when a function fails to produce a result: a throw or a timeout is a 503 [E503].
 */

/**
 * The function threw (or called back with an error): CloudFront answers 503 (LambdaExecutionError) [E503].
 * `cause` is what the function threw.
 *
 * @example
 * ```ts
 * await expect(invoke(handler, event)).rejects.toBeInstanceOf(EdgeExecutionError)
 * ```
 */
export class EdgeExecutionError extends Error {
  override name = 'EdgeExecutionError'
  /** CloudFront's error class for this failure. */
  readonly code: string = 'LambdaExecutionError'
  /** The HTTP status the viewer gets. */
  readonly status = 503

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/**
 * The function didn't finish within its timeout: CloudFront answers 503 [E503].
 *
 * @example
 * ```ts
 * await expect(invoke(slow, event, { timeoutMs: 50 })).rejects.toBeInstanceOf(EdgeTimeoutError)
 * ```
 */
export class EdgeTimeoutError extends EdgeExecutionError {
  override name = 'EdgeTimeoutError'
  override readonly code: string = 'LambdaTimeout'
  /** The timeout that was exceeded, ms. */
  readonly timeoutMs: number

  constructor(timeoutMs: number, message?: string) {
    super(message ?? `the function timed out after ${timeoutMs} ms`)
    this.timeoutMs = timeoutMs
  }
}
