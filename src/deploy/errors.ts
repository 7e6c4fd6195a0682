/**
 * The error deploy, destroy, cleanup and logs throw for a failure the user must act on: `code` names it, the
 * message says what happened, why (AWS's own reason where there is one) and what to do.
 *
 * @example
 * ```ts
 * try { await deploy(opts) } catch (e) {
 *   if (e instanceof DeployError) console.error(e.code, e.message) // 'StackFailed', 'SiteViewerRequestFunction: …'
 * }
 * ```
 */
export class DeployError extends Error {
  override name = 'DeployError'
  readonly code: string

  constructor(code: string, message: string) {
    super(message)
    this.code = code
  }
}

/** An AWS SDK error's code (its name) and message, for messages. */
export function awsReason(e: unknown): string {
  const err = e as { name?: string; message?: string }
  return `${err.name ?? 'Error'}: ${err.message ?? String(e)}`
}
