/**
 * The two ways a CloudFront Function fails before it answers: its code is refused (at load time, as
 * CreateFunction / TestFunction would), or a run fails with CloudFront's 503 (`FunctionExecutionError`).
 */
import { EdgeExecutionError } from '../core/runtime-errors.js'
import type { FunctionProblem } from './syntax.js'

/**
 * The code can't run as a CloudFront Function: `code` names the first rule (`SyntaxError`, `UnsupportedSyntax`,
 * `UnsupportedGlobal`, `UnsupportedModule`, `UnsupportedFeature`, `MissingHandler`,
 * `FunctionSizeLimitExceeded`, `InvalidRuntime`, `InvalidFunctionName`); `problems` lists every one with its
 * line and column.
 *
 * @example
 * ```ts
 * try { compileFunction('const a = 1', { runtime: 'cloudfront-js-1.0' }) } catch (e) {
 *   if (e instanceof FunctionError) console.log(e.code, e.problems[0].line)
 * }
 * ```
 */
export class FunctionError extends Error {
  override name = 'FunctionError'
  readonly code: string
  readonly problems: FunctionProblem[]

  constructor(problems: FunctionProblem[], file = 'function.js') {
    const first = problems[0] ?? { code: 'InvalidFunction', message: 'the function is invalid', line: 1, column: 0 }
    const more = problems.length > 1 ? ` (+${problems.length - 1} more: ${problems.slice(1, 6).map((p) => `${p.line}:${p.column} ${p.code}`).join(', ')})` : ''
    super(`${first.file ?? file}:${first.line}:${first.column} ${first.code}: ${first.message}${more}`)
    this.code = first.code
    this.problems = problems.length > 0 ? problems : [first]
  }
}

/**
 * A run failed: CloudFront answers 503 (`FunctionExecutionError`). `rule` says why: `FunctionThrew`,
 * `ComputeLimitExceeded`, `MemoryLimitExceeded` or `HandlerNeverSettled`; `cause` is what the function threw.
 *
 * @example
 * ```ts
 * await expect(invokeFunction(code, event)).rejects.toMatchObject({ code: 'FunctionExecutionError', rule: 'FunctionThrew', status: 503 })
 * ```
 */
export class FunctionExecutionError extends EdgeExecutionError {
  override name = 'FunctionExecutionError'
  override readonly code: string = 'FunctionExecutionError'
  readonly rule: string
  /** What the function logged before it failed. */
  readonly logs: readonly string[]

  constructor(rule: string, message: string, logs: readonly string[] = [], options?: { cause?: unknown }) {
    super(message, options)
    this.rule = rule
    this.logs = logs
  }
}
