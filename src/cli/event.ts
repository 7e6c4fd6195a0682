/**
 * `edgeware event <stage> [--s3] [--body TEXT] [--uri U] [--querystring Q] [--method M] [--header 'Name: value']…
 * [--cookie name=value]… [--status N]`: prints a sample CloudFront event (shaped like AWS's samples) as JSON.
 */
import { STAGES, type Stage } from '../cloudfront/types.js'
import { createEvent, createFunctionEvent, type EventOverrides } from '../testing/index.js'
import { functionEventType } from './invoke-function.js'
import { parseCommand, usageError } from './args.js'
import { isOriginEvent, runEvent } from './invoke-origin.js'
import { REQUEST_FLAGS, requestOverrides } from './request-flags.js'

const USAGE = `usage: edgeware event <stage> [options]

  <stage>               viewer-request | origin-request | origin-response | viewer-response
                        (or a Lambda origin's: apigateway-rest | apigateway-http | alb | function-url, with its own options)
                        (or a CloudFront Functions event: cff-viewer-request | cff-viewer-response)
  --s3                  an S3 origin instead of the custom one (origin events)
  --uri U               request uri (starts with /)
  --querystring Q       query string (no leading ?)
  --method M            HTTP method
  --body TEXT           request body as with IncludeBody (request stages; base64, truncated at the stage limit)
  --header 'N: v'       set a request header (repeatable)
  --cookie name=value   add a cookie (repeatable)
  --status N            response status (response events)
  --limits classic|current  profile for the body truncation`

/**
 * Runs `edgeware event` and resolves to the exit code.
 *
 * @example
 * ```ts
 * await run(['origin-request', '--s3', '--body', 'a=1'])
 * ```
 */
export async function run(args: string[]): Promise<number> {
  // A Lambda origin's event (API Gateway, ALB, function URL): invoke-origin.ts.
  if (isOriginEvent(args)) return runEvent(args)
  const parsed = parseCommand(
    'event',
    USAGE,
    args,
    { ...REQUEST_FLAGS, s3: { type: 'boolean' }, uri: { type: 'string' }, status: { type: 'string' }, limits: { type: 'string' } },
    true,
  )
  if (typeof parsed === 'number') return parsed
  const { values, positionals } = parsed
  const stage = positionals[0] as Stage | undefined
  const cff = functionEventType(stage)
  if (stage === undefined || (!STAGES.includes(stage) && cff === undefined) || positionals.length > 1) {
    return usageError('event', USAGE, `expected one stage (${STAGES.join(', ')}, cff-viewer-request, cff-viewer-response), got ${positionals.length ? positionals.map((p) => JSON.stringify(p)).join(' ') : 'none'}`)
  }
  if (values.limits !== undefined && values.limits !== 'classic' && values.limits !== 'current') {
    console.error(`edgeware event: --limits must be classic or current, got ${JSON.stringify(values.limits)}`)
    return 2
  }
  const status = values.status === undefined ? undefined : Number(values.status)
  if (status !== undefined && !(Number.isInteger(status) && status >= 100 && status <= 599)) {
    console.error(`edgeware event: --status must be an HTTP status code, got ${JSON.stringify(values.status)}`)
    return 2
  }
  try {
    const o: EventOverrides = requestOverrides(values)
    if (values.s3) o.origin = 's3'
    if (values.uri !== undefined) o.uri = values.uri
    if (values.limits !== undefined) o.limits = values.limits
    if (status !== undefined) o.status = status
    console.log(JSON.stringify(cff !== undefined ? createFunctionEvent(cff, o) : createEvent(stage, o), null, 2))
  } catch (err) {
    console.error(`edgeware event: ${(err as Error).message}`)
    return 2
  }
  return 0
}
