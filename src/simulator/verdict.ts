/**
 * What the edge hears back from one function invocation: the InvokeReply (JSON) and the lines to print. One copy,
 * used by each container's direct channel (a result, a throw) and by the host's main thread (a crash, a timeout, a
 * failed start), so both answer and log exactly alike. Internal.
 */
import type { LimitsProfile } from '../cloudfront/limits.js'
import type { CfEvent, Stage } from '../cloudfront/types.js'
import { checkResult } from '../cloudfront/validate.js'
import type { InvokeOutcome } from './lambda.js'
import { diffLines, type Paint } from './log.js'

// CloudFront's viewer-facing texts ([E502], [E503], [ISS-503], [ISS-JSON]).
export const TEXT_503_ERROR = "The Lambda function associated with the CloudFront distribution is invalid or doesn't have the required permissions."
const TEXT_503_LIMIT = 'The Lambda function associated with the CloudFront distribution exceeded a Lambda@Edge limit (the function timed out).'
const TEXT_NOT_JSON = 'The Lambda function returned invalid JSON: The JSON output is not parsable.'

/** A line for the dev log: `error` ones go to the logger's error stream. */
export interface VerdictLine {
  error: boolean
  line: string
}

/** How the verdict is printed. */
export interface VerdictOptions {
  limits: LimitsProfile
  verbose: boolean
  paint: Paint
}

/**
 * The reply to an invocation of `fnName` for `stage` with the event `eventJson` that ended with `out`: an error
 * (502 for JSON the result can't be, 503 for a throw, crash or timeout), the result's violations (502, checked with
 * `checkResult` against the event as sent), or the result; plus the warning, error and verbose lines to print.
 *
 * @example
 * ```ts
 * const { reply, lines } = stageReply('site-viewer-request', 'viewer-request', id, eventJson, out, { limits: classic, verbose: false, paint: paint(false) })
 * ```
 */
export function stageReply(fnName: string, stage: Stage, requestId: string, eventJson: string, out: InvokeOutcome, opts: VerdictOptions): { reply: string; lines: VerdictLine[] } {
  const p = opts.paint
  const lines: VerdictLine[] = []
  const tag = `${p.cyan(`[${fnName}]`)} ${p.dim(requestId)}`
  if (!out.ok) {
    if (out.kind === 'not-json') {
      lines.push({ error: true, line: `${tag} ${p.red('✗')} ${stage}: InvalidJson: ${TEXT_NOT_JSON} (${out.message})` })
      return { reply: JSON.stringify({ ok: false, status: 502, code: 'InvalidJson', message: TEXT_NOT_JSON, ms: out.ms, cold: out.cold }), lines }
    }
    const code = out.kind === 'timeout' ? 'LambdaLimitExceeded' : 'LambdaExecutionError'
    lines.push({ error: true, line: `${tag} ${p.red('✗')} ${stage}: ${code}: ${out.message}` })
    return { reply: JSON.stringify({ ok: false, status: 503, code, message: out.kind === 'timeout' ? `${TEXT_503_LIMIT} ${out.message}` : TEXT_503_ERROR, ms: out.ms, cold: out.cold }), lines }
  }
  const event = JSON.parse(eventJson) as CfEvent
  const result: unknown = JSON.parse(out.json)
  const { violations, warnings } = checkResult(stage, event, result, opts.limits)
  if (opts.verbose) {
    const cf = event.Records[0]!.cf
    const input = stage === 'origin-response' || stage === 'viewer-response' ? cf.response : cf.request
    const changes = diffLines(input, result)
    lines.push({ error: false, line: `${tag} ${p.bold(stage)} event ${JSON.stringify(event)}` })
    lines.push({ error: false, line: `${tag} ${p.bold(stage)} ${changes.length ? 'changed:\n    ' + changes.join('\n    ') : 'changed nothing'}` })
  }
  for (const w of warnings) lines.push({ error: false, line: `${tag} ${p.yellow('⚠')} ${stage}: ${w.code}: ${w.message}${w.path ? ` (at ${w.path})` : ''}` })
  if (violations.length) {
    for (const v of violations) lines.push({ error: true, line: `${tag} ${p.red('✗')} ${stage}: ${v.code}: ${v.message}${v.path ? ` (at ${v.path})` : ''}` })
    const message = violations.map((v) => v.message).join(' ')
    return { reply: JSON.stringify({ ok: false, status: 502, code: violations.map((v) => v.code).join(','), message, ms: out.ms, cold: out.cold }), lines }
  }
  return { reply: `{"ok":true,"ms":${out.ms},"cold":${out.cold},"result":${out.json}}`, lines }
}

/** The reply when the edge asks for a function the host doesn't have (or a stage that doesn't exist). */
export const noFunctionReply = (fnName: string, stage: string): string =>
  JSON.stringify({ ok: false, status: 503, code: 'LambdaExecutionError', message: `no function ${fnName} for ${stage}`, ms: 0, cold: false })

/** The reply when the host itself failed (a bug): CloudFront's generic 503. */
export const internalErrorReply = (): string => JSON.stringify({ ok: false, status: 503, code: 'LambdaExecutionError', message: TEXT_503_ERROR, ms: 0, cold: false })
