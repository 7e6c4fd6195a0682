import type { Stage } from '../cloudfront/types.js'

/**
 * Thrown at the call site when code breaks a CloudFront rule through the edgeware API
 * (a read-only or disallowed header, CR/LF in a value, a status change in viewer-response, a body over the limit…).
 * `rule` names the rule (a stable code), `value` carries the offending value.
 *
 * @example
 * ```ts
 * try { c.request.headers.set('host', 'x') } catch (e) {
 *   if (e instanceof EdgeRuleError) console.log(e.rule) // 'ReadOnlyHeader'
 * }
 * ```
 */
export class EdgeRuleError extends Error {
  override name = 'EdgeRuleError'
  /** Stable rule code, the same codes `validateResult` uses (e.g. `ReadOnlyHeader`). */
  readonly rule: string
  /** The offending value (a header name, a size, a status…). */
  readonly value: unknown
  /** The stage the rule applies to, when it depends on one. */
  readonly stage: Stage | undefined

  constructor(rule: string, message: string, value?: unknown, stage?: Stage) {
    super(`${rule}: ${message}`)
    this.rule = rule
    this.value = value
    this.stage = stage
  }
}

/**
 * One way a result breaks CloudFront's validation, with CloudFront's wording where it is known.
 *
 * @example
 * ```ts
 * import { createEvent } from 'edgeware/testing'
 * const event = createEvent('viewer-request')
 * const violations: Violation[] = validateResult('viewer-request', event, { status: '200', headers: { via: [{ value: 'x' }] } })
 * for (const v of violations) console.log(v.code, v.path, v.message)
 * ```
 */
export interface Violation {
  /** Stable code, e.g. `ReadOnlyHeader`, `DisallowedHeader`, `ResponseTooLarge`. */
  code: string
  /** CloudFront's message (or the closest documented wording). */
  message: string
  /** Where in the result, e.g. `headers.host[0].value`. */
  path?: string
}

/**
 * CloudFront rejected a function's result: the viewer gets a 502 (LambdaValidationError).
 * `code` is the first violation's code; `violations` lists all of them.
 *
 * @example
 * ```ts
 * try { await invoke(handler, event) } catch (e) {
 *   if (e instanceof EdgeValidationError) console.log(e.code, e.message)
 * }
 * ```
 */
export class EdgeValidationError extends Error {
  override name = 'EdgeValidationError'
  readonly code: string
  readonly violations: Violation[]

  constructor(violations: Violation[]) {
    const first = violations[0] ?? { code: 'InvalidResult', message: 'The Lambda function result failed validation.' }
    super(
      violations.length > 1 ? `${first.message} (+${violations.length - 1} more: ${violations.slice(1).map((v) => v.code).join(', ')})` : first.message,
    )
    this.code = first.code
    this.violations = violations.length > 0 ? violations : [first]
  }
}

/**
 * @internal throws `EdgeRuleError` (one short call per check site keeps the stage bundles small); the stack starts
 * at the caller, as if it had thrown itself.
 */
export function ruleError(rule: string, message: string, value?: unknown, stage?: Stage): never {
  const err = new EdgeRuleError(rule, message, value, stage)
  Error.captureStackTrace?.(err, ruleError)
  throw err
}

/** @internal `typeof`, with `null` named as such (for messages). */
export const kind = (v: unknown): string => (v === null ? 'null' : typeof v)
