/**
 * The dev server's output: one line per request (wrangler style, coloured on a terminal), function output
 * prefixed with the request id, and in verbose mode each stage's event and what the function changed.
 */
import type { Stage } from '../cloudfront/types.js'
import type { LogRecord } from './protocol.js'

/** Where `edgeware dev` writes. */
export interface DevLogger {
  info(line: string): void
  error(line: string): void
}

/**
 * The default logger: stdout / stderr.
 *
 * @example
 * ```ts
 * await startDev({ config: 'wrangler.toml', logger: consoleLogger })
 * ```
 */
export const consoleLogger: DevLogger = {
  info: (line) => process.stdout.write(line + '\n'),
  error: (line) => process.stderr.write(line + '\n'),
}

const STAGE_SHORT: Record<Stage, string> = {
  'viewer-request': 'VReq',
  'origin-request': 'OReq',
  'origin-response': 'OResp',
  'viewer-response': 'VResp',
}

/** ANSI colours, or none. */
export interface Paint {
  dim(s: string): string
  red(s: string): string
  green(s: string): string
  yellow(s: string): string
  cyan(s: string): string
  bold(s: string): string
}

const wrap = (a: number, b: number) => (s: string) => `\u001b[${a}m${s}\u001b[${b}m`
/** @internal */
export const paint = (on: boolean): Paint =>
  on
    ? { dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), cyan: wrap(36, 39), bold: wrap(1, 22) }
    : { dim: (s) => s, red: (s) => s, green: (s) => s, yellow: (s) => s, cyan: (s) => s, bold: (s) => s }

const ms = (n: number): string => (n >= 100 ? `${Math.round(n)}ms` : `${n.toFixed(1)}ms`)

/**
 * The log line of a request: method, path, status, cache result, the Host, the behavior and the origin, time per
 * stage and cold/warm (a CloudFront Function: its compute utilization), the origins tried when it failed over; for
 * a failed request a second line with the function and stage that failed, CloudFront's status and code, and what
 * went wrong (the error and the line of the user's source it came from, or the rule the result broke). An
 * invalidation has a line of its own.
 *
 * @example
 * ```ts
 * formatRequestLine(record, paint(false))
 * // [edge] GET /docs/ 200 Miss 9.1ms · localhost:8787 · /docs/* → app · VReq 1.2ms warm · OReq 2.0ms cold · origin 3.1ms · OResp 0.6ms warm · VResp 0.4ms warm
 * // [edge] GET /old 302 FunctionGeneratedResponse 0.4ms · localhost:8787 · /old → app · VReq 0.1ms compute 9% →response
 * // or, failed:
 * // [edge] GET /boom 503 Error 12.0ms · localhost:8787 · * → app · VReq 9.8ms warm ✗
 * //   ✗ site-viewer-request viewer-request → 503 LambdaExecutionError: Error: kaput at edge-functions/site/viewer-request.ts:6:11 (x-amz-cf-id …)
 * ```
 */
export function formatRequestLine(r: LogRecord, p: Paint): string {
  const inv = r.invalidation
  if (inv) return `${p.dim('[edge]')} ${p.green('↻')} invalidated ${inv.count} cached object${inv.count === 1 ? '' : 's'}: ${inv.paths.join(' ')}`
  const statusColour = r.status >= 500 ? p.red : r.status >= 400 ? p.yellow : r.status >= 300 ? p.cyan : p.green
  const parts = [`${p.dim('[edge]')} ${p.bold(r.method)} ${r.path.length > 200 ? `${r.path.slice(0, 200)}…` : r.path} ${statusColour(String(r.status))} ${r.cache} ${p.dim(ms(r.totalMs))}`]
  // Where it went: the viewer's Host, the behavior (`*`: the default one) and the origin.
  if (r.host !== undefined) parts.push(p.dim(r.host))
  if (r.behavior !== undefined) parts.push(p.dim(`${r.behavior}${r.origin !== undefined ? ` → ${r.origin}` : ''}`))
  const origin = r.originMs
  let originShown = origin === undefined
  for (const s of r.stages) {
    if (!originShown && (s.stage === 'origin-response' || s.stage === 'viewer-response')) {
      parts.push(`origin ${ms(origin!)}`)
      originShown = true
    }
    // A CloudFront Function shows its compute utilization (TestFunction's), a Lambda@Edge function cold or warm.
    const how = s.utilization !== undefined ? `compute ${s.utilization}%` : s.cold ? p.yellow('cold') : 'warm'
    parts.push(`${STAGE_SHORT[s.stage]} ${ms(s.ms)} ${how}${s.outcome === 'generated' ? ' →response' : ''}${s.outcome === 'error' ? p.red(' ✗') : ''}`)
  }
  if (!originShown) parts.push(`origin ${ms(origin!)}`)
  if (r.failover) parts.push(p.yellow(`failover ${r.failover.join(' → ')}`))
  let line = parts.join(p.dim(' · '))
  const e = r.error
  if (e) {
    // One line: who failed (the function and its stage), CloudFront's answer, and why (the developer's detail).
    const who = e.fn ? `${e.fn} ${e.stage} → ` : e.stage ? `${e.stage} → ` : ''
    line += `\n  ${p.red('✗')} ${who}${r.status} ${p.bold(e.code)}: ${e.detail ?? e.message} ${p.dim(`(x-amz-cf-id ${r.requestId})`)}`
  }
  return line
}

/**
 * One line of function output, Lambda format in (`time\trequestId\tLEVEL\tmessage`), prefixed for the terminal.
 *
 * @example
 * ```ts
 * formatFunctionLine('site-viewer-request', '2026-01-01T00:00:00.000Z\tabc==\tINFO\thello', paint(false))
 * // '[site-viewer-request] abc== INFO hello'
 * ```
 */
export function formatFunctionLine(fn: string, line: string, p: Paint): string {
  const m = /^(\S+)\t([^\t]*)\t([A-Z]+)\t([\s\S]*)$/.exec(line)
  if (!m) return `${p.cyan(`[${fn}]`)} ${line}`
  const level = m[3]!
  const colour = level === 'ERROR' ? p.red : level === 'WARN' ? p.yellow : (s: string) => s
  return `${p.cyan(`[${fn}]`)} ${p.dim(m[2]!)} ${colour(level)} ${m[4]!.replace(/\r/g, '\n')}`
}

function flatten(v: unknown, prefix: string, out: Map<string, string>): void {
  if (v !== null && typeof v === 'object') {
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v)
    if (entries.length === 0) out.set(prefix, Array.isArray(v) ? '[]' : '{}')
    for (const [k, x] of entries) flatten(x, prefix ? `${prefix}.${k}` : k, out)
  } else {
    out.set(prefix, JSON.stringify(v) ?? 'undefined')
  }
}

/**
 * What a function changed: `+ path value`, `- path value`, `~ path old → new` between the stage's input
 * (request, or response in response stages) and its result.
 *
 * @example
 * ```ts
 * diffLines({ uri: '/a' }, { uri: '/b' }) // ['~ uri "/a" → "/b"']
 * ```
 */
export function diffLines(before: unknown, after: unknown): string[] {
  const a = new Map<string, string>()
  const b = new Map<string, string>()
  flatten(before, '', a)
  flatten(after, '', b)
  const out: string[] = []
  for (const [k, v] of a) {
    if (!b.has(k)) out.push(`- ${k} ${v}`)
    else if (b.get(k) !== v) out.push(`~ ${k} ${v} → ${b.get(k)}`)
  }
  for (const [k, v] of b) if (!a.has(k)) out.push(`+ ${k} ${v}`)
  return out
}

/**
 * Whether a function's output line is edgeware's own log of an error it rethrows (`onError: 'throw'`, one JSON line
 * with the stack, as CloudWatch gets it): the request's log line already tells it, so the dev log shows it only in
 * verbose mode. A handled error (`pass-through`, a response) is still shown: the request did not fail.
 *
 * @example
 * ```ts
 * isRethrownErrorLine('2026-01-01T00:00:00.000Z\tabc==\tERROR\t{"level":"error","stage":"viewer-request","requestId":"abc==","error":"Error: x","stack":"…"}') // true
 * ```
 */
export function isRethrownErrorLine(line: string): boolean {
  const m = /^\S+\t[^\t]*\tERROR\t(\{"level":"error","stage":"[a-z-]+",[\s\S]*\})$/.exec(line)
  if (!m) return false
  try {
    const j = JSON.parse(m[1]!) as Record<string, unknown>
    return typeof j.error === 'string' && j.handled === undefined
  } catch {
    return false
  }
}
