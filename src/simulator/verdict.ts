/**
 * What the edge hears back from one function invocation: the InvokeReply (JSON) and the lines to print. One copy,
 * used by each container's direct channel (a result, a throw) and by the host's main thread (a crash, a timeout, a
 * failed start), so both answer and log exactly alike. Internal.
 */
import { isAbsolute, relative } from 'node:path'
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
  /** Print each stage's event and changes, and a failure's full stack, now (else the request's log line tells it). */
  verbose: boolean
  paint: Paint
  /** Where the user's code is, to name the line of their source a throw came from. */
  source?: SourceDirs
}

/** The user's project and edgeware's own code (whose frames a stack's user line skips). */
export interface SourceDirs {
  /** The project root (the config's directory): locations are shown relative to it. */
  root: string
  /** edgeware's own directories (src/, dist/). */
  own: readonly string[]
}

const FRAME = /^\s+at (?:.*? \()?(?:file:\/\/)?((?:\/|[A-Za-z]:[\\/])[^()]*?):(\d+):(\d+)\)?$/

/**
 * The first frame of a stack in the user's own code (not node_modules, not edgeware, not Node.js), as `file:line:col`
 * relative to the project root; the bundle's source map already turned it into a line of their source.
 *
 * @example
 * ```ts
 * userFrame('Error: kaput\n    at boom (/app/fn.ts:3:9)', { root: '/app', own: [] }) // 'fn.ts:3:9'
 * ```
 */
export function userFrame(stack: string, dirs: SourceDirs): string | undefined {
  for (const line of stack.split('\n')) {
    const m = FRAME.exec(line)
    if (!m) continue
    const file = m[1]!
    if (/[\\/]node_modules[\\/]/.test(file) || dirs.own.some((d) => file.startsWith(d))) continue
    const rel = relative(dirs.root, file)
    return `${rel.startsWith('..') || isAbsolute(rel) ? file : rel}:${m[2]}:${m[3]}`
  }
  return undefined
}

/**
 * What a thrown error says in one line: its `Name: message` (the stack's head) and where in the user's code.
 *
 * @example
 * ```ts
 * thrownDetail('Error: kaput\n    at boom (/app/fn.ts:3:9)', { root: '/app', own: [] }) // 'Error: kaput at fn.ts:3:9'
 * ```
 */
export function thrownDetail(stack: string, dirs: SourceDirs | undefined): string {
  const at = stack.search(/\n\s+at /)
  const head = (at < 0 ? stack : stack.slice(0, at)).replace(/\s*\n\s*/g, ' ')
  const where = dirs ? userFrame(stack, dirs) : undefined
  return where ? `${head} at ${where}` : head
}

/**
 * The reply to an invocation of `fnName` for `stage` with the event `eventJson` that ended with `out`: an error
 * (502 for JSON the result can't be, 503 for a throw, crash or timeout), the result's violations (502, checked with
 * `checkResult` against the event as sent), or the result; plus the lines to print: warnings, and in verbose mode
 * the event, the changes and a failure in full. A failure's one-line `detail` rides in the reply, for the
 * request's log line.
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
  const verbose = opts.verbose
  if (!out.ok) {
    if (out.kind === 'not-json') {
      if (verbose) lines.push({ error: true, line: `${tag} ${p.red('✗')} ${stage}: InvalidJson: ${TEXT_NOT_JSON} (${out.message})` })
      return { reply: JSON.stringify({ ok: false, status: 502, code: 'InvalidJson', message: TEXT_NOT_JSON, detail: `${TEXT_NOT_JSON} (${out.message})`, ms: out.ms, cold: out.cold }), lines }
    }
    const code = out.kind === 'timeout' ? 'LambdaLimitExceeded' : 'LambdaExecutionError'
    if (verbose) lines.push({ error: true, line: `${tag} ${p.red('✗')} ${stage}: ${code}: ${out.message}` })
    const detail = out.kind === 'error' ? thrownDetail(out.message, opts.source) : out.message
    return { reply: JSON.stringify({ ok: false, status: 503, code, message: out.kind === 'timeout' ? `${TEXT_503_LIMIT} ${out.message}` : TEXT_503_ERROR, detail, ms: out.ms, cold: out.cold }), lines }
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
    const each = violations.map((v) => `${v.code}: ${v.message}${v.path ? ` (at ${v.path})` : ''}`)
    if (verbose) for (const e of each) lines.push({ error: true, line: `${tag} ${p.red('✗')} ${stage}: ${e}` })
    const message = violations.map((v) => v.message).join(' ')
    const detail = violations.length === 1 ? `${violations[0]!.message}${violations[0]!.path ? ` (at ${violations[0]!.path})` : ''}` : each.join('; ')
    return { reply: JSON.stringify({ ok: false, status: 502, code: violations.map((v) => v.code).join(','), message, detail, ms: out.ms, cold: out.cold }), lines }
  }
  return { reply: `{"ok":true,"ms":${out.ms},"cold":${out.cold},"result":${out.json}}`, lines }
}

/** The reply when the edge asks for a function the host doesn't have (or a stage that doesn't exist). */
export const noFunctionReply = (fnName: string, stage: string): string =>
  JSON.stringify({ ok: false, status: 503, code: 'LambdaExecutionError', message: `no function ${fnName} for ${stage}`, ms: 0, cold: false })

/** The reply when the host itself failed (a bug): CloudFront's generic 503. */
export const internalErrorReply = (): string => JSON.stringify({ ok: false, status: 503, code: 'LambdaExecutionError', message: TEXT_503_ERROR, ms: 0, cold: false })
