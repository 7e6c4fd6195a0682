/**
 * The request flags `edgeware event` reads for every kind of event (`--querystring`, `--method`, `--body`, and the
 * repeatable `--header 'Name: value'` and `--cookie name=value`), and what `edgeware invoke` reads for `--event`.
 * A malformed flag throws with its expected form.
 */
import { readFileSync } from 'node:fs'

/**
 * The `parseArgs` options of the request flags every event takes.
 *
 * @example
 * ```ts
 * parseCommand('event', USAGE, args, { ...REQUEST_FLAGS, s3: { type: 'boolean' } }, true)
 * ```
 */
export const REQUEST_FLAGS = {
  querystring: { type: 'string' },
  method: { type: 'string' },
  body: { type: 'string' },
  header: { type: 'string', multiple: true },
  cookie: { type: 'string', multiple: true },
} as const

/** The request of an event, as the event builders' overrides name it. */
export interface RequestOverrides {
  querystring?: string
  method?: string
  body?: string
  headers?: Record<string, string[]>
  cookies?: Record<string, string>
}

/**
 * The overrides the request flags ask for; throws for a malformed `--header` or `--cookie`.
 *
 * @example
 * ```ts
 * requestOverrides({ method: 'POST', header: ['X-A: 1'] }) // { method: 'POST', headers: { 'X-A': ['1'] } }
 * ```
 */
export function requestOverrides(values: { querystring?: string; method?: string; body?: string; header?: string[]; cookie?: string[] }): RequestOverrides {
  const o: RequestOverrides = {}
  if (values.querystring !== undefined) o.querystring = values.querystring
  if (values.method !== undefined) o.method = values.method
  if (values.body !== undefined) o.body = values.body
  if (values.header) o.headers = headerFlags(values.header)
  if (values.cookie) o.cookies = cookieFlags(values.cookie)
  return o
}

/**
 * `--header` values as header overrides (a repeated name keeps every value).
 *
 * @example
 * ```ts
 * headerFlags(['X-A: 1', 'X-A: 2']) // { 'X-A': ['1', '2'] }
 * ```
 */
export function headerFlags(list: readonly string[]): Record<string, string[]> {
  const headers: Record<string, string[]> = {}
  for (const h of list) {
    const i = h.indexOf(':')
    if (i <= 0) throw new Error(`--header must look like 'Name: value', got ${JSON.stringify(h)}`)
    ;(headers[h.slice(0, i).trim()] ??= []).push(h.slice(i + 1).trim())
  }
  return headers
}

/**
 * `--cookie` values as cookies.
 *
 * @example
 * ```ts
 * cookieFlags(['ab=B', 'id=7']) // { ab: 'B', id: '7' }
 * ```
 */
export function cookieFlags(list: readonly string[]): Record<string, string> {
  const cookies: Record<string, string> = {}
  for (const c of list) {
    const i = c.indexOf('=')
    if (i <= 0) throw new Error(`--cookie must look like name=value, got ${JSON.stringify(c)}`)
    cookies[c.slice(0, i)] = c.slice(i + 1)
  }
  return cookies
}

/**
 * The value of a flag (`--name value` or `--name=value`, or its short form) in raw arguments, before they are
 * parsed: how `edgeware invoke` tells which kind of function an invocation is for.
 *
 * @example
 * ```ts
 * flagValue(['fn.js', '-e', 'alb'], '--event', '-e') // 'alb'
 * ```
 */
export function flagValue(args: readonly string[], name: string, short?: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === name || (short !== undefined && a === short)) return args[i + 1]
    if (a.startsWith(`${name}=`)) return a.slice(name.length + 1)
  }
  return undefined
}

/**
 * The JSON of an `--event` file; throws naming what else `spec` could have been (`names`) when it is no readable
 * file, and JSON's complaint when it is not JSON.
 *
 * @example
 * ```ts
 * readEventFile('event.json', 'a stage name (viewer-request, …)')
 * ```
 */
export function readEventFile(spec: string, names: string): unknown {
  let text: string
  try {
    text = readFileSync(spec, 'utf8')
  } catch {
    throw new Error(`--event: ${spec} is neither ${names} nor a readable file`)
  }
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new Error(`--event: ${spec} is not valid JSON: ${(err as Error).message}`)
  }
}
