/**
 * The error `edgeware build` (and `bundleFunction`) throws. `code` is a stable name for the rule that failed
 * (`UnsupportedRuntime`, `MissingHandler`, `EnvironmentVariables`, `FunctionCodeSize`, `IncludeBodyEventType`, …),
 * the message says what was wrong, with the offending value, the function and the file where they are known.
 *
 * @example
 * ```ts
 * import { build, BuildError } from 'edgeware/build'
 * try { await build({ config: 'wrangler.toml' }) } catch (e) {
 *   if (e instanceof BuildError) console.error(e.code, e.message)
 * }
 * ```
 */
export class BuildError extends Error {
  override name = 'BuildError'
  /** Stable code of the rule that failed. */
  readonly code: string
  /** Every problem found when several were collected before failing (the message lists them all). */
  readonly problems: { code: string; message: string }[]

  constructor(code: string, message: string, problems?: { code: string; message: string }[]) {
    super(message)
    this.code = code
    this.problems = problems && problems.length > 0 ? problems : [{ code, message }]
  }

  /**
   * One error for several problems (the first one's code; the message lists each on its own line).
   *
   * @example
   * ```ts
   * throw BuildError.from([{ code: 'A', message: 'a' }, { code: 'B', message: 'b' }])
   * ```
   */
  static from(problems: { code: string; message: string }[]): BuildError {
    const first = problems[0] ?? { code: 'BuildFailed', message: 'the build failed' }
    const message =
      problems.length <= 1 ? first.message : `${problems.length} problems:\n` + problems.map((p) => `  - ${p.message}`).join('\n')
    return new BuildError(first.code, message, problems)
  }
}
