/**
 * The Lambda origin side of the CLI. `edgeware invoke <file> --event apigateway-rest|apigateway-http|alb|
 * function-url|<event.json> [--integration rest|http|alb|url]` runs an origin function in a Lambda-like container
 * and prints what `aws lambda invoke` prints (`StatusCode`, `ExecutedVersion`, `FunctionError`), the result, the
 * integration's HTTP answer and its verdict. `edgeware event apigateway-rest …` prints a sample origin event.
 * Exit code 0: the integration answers with the function's response; 1: it answers with its own error; 2: usage.
 */
import { statSync } from 'node:fs'
import { isUtf8 } from 'node:buffer'
import { dirname, extname, resolve } from 'node:path'
import { statusText } from '../cloudfront/rules.js'
import { checkEvent, detectIntegration } from '../lambda-origin/detect.js'
import { createIntegration } from '../lambda-origin/integration.js'
import { INTEGRATIONS, type FunctionOutcome, type Integration, type JsonObject, type OriginResponse, type OriginVerdict } from '../lambda-origin/types.js'
import { createOriginEvent, ORIGIN_EVENTS, type OriginEventKind, type OriginEventOverrides } from '../testing/origin.js'
import type { LambdaOriginConfig } from '../distribution/model.js'
import { parseCommand, usageError } from './args.js'
import { flagValue, readEventFile, REQUEST_FLAGS, requestOverrides } from './request-flags.js'

const KINDS = Object.keys(ORIGIN_EVENTS)
const isKind = (s: string | undefined): s is OriginEventKind => s !== undefined && Object.hasOwn(ORIGIN_EVENTS, s)

const INVOKE_USAGE = `usage: edgeware invoke <handler.ts|handler.js> --event <${KINDS.join('|')}|event.json> [options]

  Runs a Lambda origin function (behind API Gateway, an ALB or a function URL) in a Lambda-like container.
  --event E              an origin event name (its sample event), or an event JSON file
  --integration I        rest | http | alb | url (default: the event's)
  --multi-value-headers  ALB: the target group has multi-value headers enabled (with an event name)
  --memory MB            the function's memory, 128-10240 (default 128)
  --timeout MS           the function's timeout, 1000-900000 (default 3000)
  --config FILE          the wrangler.toml whose [vars] and runtime it is built with (default ./wrangler.toml, if any);
                         a configured Lambda origin's handler also runs with its memory, timeout and region
  --env NAME             use the environment [env.NAME] of the config (and .dev.vars.NAME when there is one)
  --json                 print one JSON object { StatusCode, ExecutedVersion, FunctionError, result, response, verdict }`

const EVENT_USAGE = `usage: edgeware event <${KINDS.join('|')}> [options]

  --path P               the path the function sees (REST: after the stage)
  --querystring Q        query string (no leading ?)
  --method M             HTTP method
  --body TEXT            request body
  --header 'N: v'        set a request header (repeatable)
  --cookie name=value    add a cookie (repeatable)
  --client-ip IP         the viewer's address
  --stage S              REST / HTTP API stage
  --multi-value-headers  ALB: multi-value headers enabled`

/** The integrations' names as `aws` and the docs call them. */
const TITLE: Record<Integration, string> = { rest: 'API Gateway (REST API)', http: 'API Gateway (HTTP API)', alb: 'The load balancer', url: 'The function URL' }

/**
 * Whether `edgeware invoke args` is for a Lambda origin: `--integration`, an origin event name, or an event file
 * that one of the integrations sends.
 *
 * @example
 * ```ts
 * isOriginInvocation(['api.ts', '--event', 'alb']) // true
 * ```
 */
export function isOriginInvocation(args: readonly string[]): boolean {
  if (args.some((a) => a === '--integration' || a.startsWith('--integration='))) return true
  const spec = flagValue(args, '--event', '-e')
  if (spec === undefined) return false
  if (isKind(spec)) return true
  try {
    return statSync(spec).isFile() && detectIntegration(readEventFile(spec, '')) !== undefined
  } catch {
    return false
  }
}

function readEvent(spec: string, multiValueHeaders: boolean): { event: JsonObject; from?: Integration } {
  if (isKind(spec)) return { event: createOriginEvent(spec, multiValueHeaders ? { multiValueHeaders } : {}) as unknown as JsonObject, from: ORIGIN_EVENTS[spec] }
  return { event: readEventFile(spec, `an origin event name (${KINDS.join(', ')})`) as JsonObject }
}

/** What Lambda returns for a failed invocation (the payload `aws lambda invoke` writes). */
function errorPayload(out: Extract<FunctionOutcome, { ok: false }>): JsonObject {
  if (out.kind === 'timeout' || out.kind === 'integration-timeout') return { errorMessage: out.message }
  // The function's own frames (the container's bootstrap and Node's internals are not its code).
  const trace = out.message.split('\n').filter((l) => !/\((\[worker eval\]|node:internal\/)/.test(l))
  const m = /^([\w.]+): ([\s\S]*)$/.exec(trace[0]!)
  return { errorType: m ? m[1]! : 'Error', errorMessage: m ? m[2]! : trace[0]!, trace }
}

function bodyText(body: Uint8Array): string {
  const b = Buffer.from(body)
  return isUtf8(b) ? b.toString('utf8') : `<${b.byteLength} bytes of binary data>`
}

function printAnswer(integration: Integration, r: OriginResponse, verdict: OriginVerdict, ms: number, cold: boolean): void {
  console.log(`HTTP/1.1 ${r.status} ${r.statusText ?? statusText(r.status)}`)
  for (const [k, v] of r.headers) console.log(`${k}: ${v}`)
  console.log('')
  console.log(bodyText(r.body))
  console.log('')
  const line = (v: { code: string; message: string; source: string; path?: string }): string => `  ${v.code}${v.path ? ` at ${v.path}` : ''} [${v.source}]: ${v.message}`
  if (verdict.valid) console.log(`VALID: ${TITLE[integration]} answers with the function's response (${Math.round(ms)} ms${cold ? ', cold start' : ''})`)
  else {
    console.log(`INVALID: ${TITLE[integration]} answers ${r.status} instead of the function's response:`)
    for (const v of verdict.violations) console.log(line(v))
  }
  for (const w of verdict.warnings) console.log(`warning:${line(w).slice(1)}`)
}

/**
 * Runs `edgeware invoke` for a Lambda origin and resolves to the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await run(['api/index.ts', '--event', 'apigateway-http'])
 * ```
 */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(
    'invoke',
    INVOKE_USAGE,
    args,
    {
      event: { type: 'string', short: 'e' },
      integration: { type: 'string' },
      'multi-value-headers': { type: 'boolean' },
      memory: { type: 'string' },
      timeout: { type: 'string' },
      config: { type: 'string', short: 'c' },
      env: { type: 'string' },
      json: { type: 'boolean' },
    },
    true,
  )
  if (typeof parsed === 'number') return parsed
  const { values, positionals } = parsed
  if (positionals.length !== 1 || values.event === undefined) return usageError('invoke', INVOKE_USAGE, 'expected one handler file and --event')
  if (values.integration !== undefined && !INTEGRATIONS.includes(values.integration as Integration)) {
    return usageError('invoke', INVOKE_USAGE, `--integration must be one of ${INTEGRATIONS.join(', ')}, got ${JSON.stringify(values.integration)}`)
  }
  const file = positionals[0]!
  if (extname(file).toLowerCase() === '.zip') return usageError('invoke', INVOKE_USAGE, `${file}: a Lambda origin is invoked from its handler's source file (.ts, .js, .mjs, .cjs)`)
  let event: JsonObject
  let integration: Integration
  try {
    const read = readEvent(values.event, values['multi-value-headers'] === true)
    event = read.event
    const found = read.from ?? detectIntegration(event)
    integration = (values.integration as Integration | undefined) ?? found ?? 'rest'
    if (found === undefined && values.integration === undefined) throw new Error(`--event: ${values.event} is not an event API Gateway, an ALB or a function URL sends (pass --integration to say which)`)
    if (read.from !== undefined && values.integration !== undefined && read.from !== integration) throw new Error(`--event ${values.event} is the ${read.from} integration's event, not ${integration}'s`)
    const problems = checkEvent(integration, event)
    if (problems.length) throw new Error(`--event: not a valid ${integration} event:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`)
  } catch (err) {
    console.error(`edgeware invoke: ${(err as Error).message}`)
    return 1
  }
  const { functionSettings, bundleHandler } = await import('../lambda-origin/origin.js')
  const { RegionalFunction } = await import('../simulator/regional.js')
  const { invokeSecrets, readInvokeConfig } = await import('./edge-function.js')
  let fn: InstanceType<typeof RegionalFunction>
  try {
    const ms = values.timeout === undefined ? undefined : Number(values.timeout)
    // Lambda's timeout is 1 to 900 seconds [LAMBDA-LIMITS].
    if (ms !== undefined && !(ms >= 1000 && ms <= 900_000)) throw new Error(`--timeout must be from 1000 to 900000 ms (Lambda's 1 to 900 seconds), got ${JSON.stringify(values.timeout)}`)
    const entry = resolve(file)
    // Built as `edgeware build` builds it: the config's [vars] and runtime; secret() reads .dev.vars.
    const config = await readInvokeConfig(values.config, values.env)
    const configured = config?.edge.origins.find((o): o is LambdaOriginConfig => o.kind === 'lambda' && resolve(o.handler) === entry)
    const timeout = ms === undefined ? configured?.timeoutS : ms / 1000
    const memory = values.memory !== undefined ? Number(values.memory) : configured?.memoryMb
    const settings = functionSettings({ handler: file, ...(memory !== undefined ? { memory } : {}), ...(timeout !== undefined ? { timeout } : {}) })
    const root = config?.root ?? dirname(entry)
    fn = new RegionalFunction({
      ...settings,
      code: (await bundleHandler(entry, root, config?.edge.runtime, config?.vars)).code,
      filename: entry.replace(/\.[^./\\]+$/, '.js'),
      region: configured?.region ?? 'us-east-1',
      ...(config?.edge.runtime !== undefined ? { runtime: config.edge.runtime } : {}),
      localSecrets: invokeSecrets(config),
      maxContainers: 1,
      onOutput: (_fn, line, stream) => (stream === 'stderr' ? console.error(line) : console.log(line)),
    })
  } catch (err) {
    console.error(`edgeware invoke: ${(err as Error).message}`)
    return 1
  }
  try {
    const api = createIntegration({ integration })
    const rc = event.requestContext as { requestId?: unknown } | undefined
    const out = await fn.invoke(JSON.stringify(event), ...(integration === 'url' && typeof rc?.requestId === 'string' ? [rc.requestId] : []))
    const { response, verdict } = api.respond(event, out)
    const meta = { StatusCode: 200, ...(out.ok ? {} : { FunctionError: 'Unhandled' }), ExecutedVersion: '$LATEST' }
    const payload: unknown = out.ok ? JSON.parse(out.json) : errorPayload(out)
    if (values.json === true) {
      const b = Buffer.from(response.body)
      const body = isUtf8(b) ? { body: b.toString('utf8') } : { body: b.toString('base64'), bodyEncoding: 'base64' }
      console.log(JSON.stringify({ ...meta, result: payload, response: { status: response.status, headers: response.headers, ...body }, verdict }, null, 2))
    } else {
      console.log(JSON.stringify(meta, null, 4))
      console.log('')
      console.log(JSON.stringify(payload, null, 2))
      console.log('')
      printAnswer(integration, response, verdict, out.ms, out.cold)
    }
    return verdict.valid ? 0 : 1
  } finally {
    await fn.close()
  }
}

/**
 * Whether `edgeware event args` asks for a Lambda origin's event.
 *
 * @example
 * ```ts
 * isOriginEvent(['alb', '--multi-value-headers']) // true
 * ```
 */
export const isOriginEvent = (args: readonly string[]): boolean => isKind(args.find((a) => !a.startsWith('-')))

/**
 * Runs `edgeware event <origin event>` and resolves to the exit code.
 *
 * @example
 * ```ts
 * await runEvent(['apigateway-rest', '--path', '/orders', '--querystring', 'id=1'])
 * ```
 */
export async function runEvent(args: string[]): Promise<number> {
  const parsed = parseCommand(
    'event',
    EVENT_USAGE,
    args,
    { ...REQUEST_FLAGS, path: { type: 'string' }, uri: { type: 'string' }, 'client-ip': { type: 'string' }, stage: { type: 'string' }, 'multi-value-headers': { type: 'boolean' } },
    true,
  )
  if (typeof parsed === 'number') return parsed
  const { values, positionals } = parsed
  const kind = positionals[0]
  if (!isKind(kind) || positionals.length > 1) return usageError('event', EVENT_USAGE, `expected one origin event (${KINDS.join(', ')}), got ${positionals.map((p) => JSON.stringify(p)).join(' ')}`)
  try {
    const o: OriginEventOverrides = requestOverrides(values)
    const path = values.path ?? values.uri
    if (path !== undefined) o.path = path
    if (values['client-ip'] !== undefined) o.clientIp = values['client-ip']
    if (values.stage !== undefined) o.stage = values.stage
    if (values['multi-value-headers']) o.multiValueHeaders = true
    console.log(JSON.stringify(createOriginEvent(kind, o), null, 2))
  } catch (err) {
    console.error(`edgeware event: ${(err as Error).message}`)
    return 2
  }
  return 0
}
