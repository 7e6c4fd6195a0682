/**
 * The stage a function's handler is made for, against the stages the config associates it with. A handler made
 * with `viewerRequest()` & co. carries its stage and answers any other stage's event with an error, so CloudFront
 * would get a 503 for every request: `edgeware build`, `edgeware dev` and `edgeware invoke` refuse it up front.
 */
import { relative, sep } from 'node:path'
import type { Stage } from '../cloudfront/types.js'
import { STAGE_KEYS } from '../distribution/behaviors.js'
import type { EdgeConfig, FunctionConfig } from '../simulator/config.js'
import { SingleContainer } from '../simulator/lambda.js'
import { functionSettings, type Problem } from './checks.js'

/** How each stage is named in wrangler.toml, and the factory that makes a handler for it. */
const STAGE_KEY = Object.fromEntries(Object.entries(STAGE_KEYS).map(([key, stage]) => [stage, key])) as Record<Stage, string>
const FACTORY: Record<Stage, string> = {
  'viewer-request': 'viewerRequest',
  'origin-request': 'originRequest',
  'origin-response': 'originResponse',
  'viewer-response': 'viewerResponse',
}

/**
 * The problem when a handler made for `handlerStage` is associated with other stages (none for a plain handler,
 * which carries no stage and may serve any).
 *
 * @example
 * ```ts
 * stageProblem(fn, 'viewer-request', config.root)?.message
 * // 'site: edge-functions/site.ts makes its handler with viewerRequest() (viewer-request), but wrangler.toml associates it as viewer_response …'
 * ```
 */
export function stageProblem(fn: Pick<FunctionConfig, 'name' | 'entry' | 'stages' | 'behaviors'>, handlerStage: string | undefined, root: string): Problem | undefined {
  if (handlerStage === undefined || !(handlerStage in FACTORY)) return undefined
  const made = handlerStage as Stage
  const wrong = fn.stages.filter((s) => s !== made)
  if (wrong.length === 0) return undefined
  const file = relative(root, fn.entry).split(sep).join('/')
  const where = fn.behaviors.map((b) => (b === '*' ? 'the default behavior' : `behavior ${b}`)).join(', ')
  return {
    code: 'WrongStage',
    message:
      `${fn.name}: ${file} makes its handler with ${FACTORY[made]}() (${made}), but wrangler.toml associates it as ${wrong.map((s) => STAGE_KEY[s]).join(' and ')} (${where}); ` +
      `it would answer every ${wrong[0]} event with an error (CloudFront's 503): associate it as ${STAGE_KEY[made]}, or make the handler with ${FACTORY[wrong[0]!]}()`,
  }
}

/**
 * Loads a built function (`code`, CommonJS) in a container of its own, as Lambda would, and checks the stage its
 * handler carries against the config: `problem` for a mismatch; `warning` when the module throws or runs past the
 * function's timeout as it loads (Lambda would fail every cold start the same way; the stage goes unchecked).
 *
 * @example
 * ```ts
 * const { problem } = await checkHandlerStage(fn, bundle.code, config)
 * if (problem) throw BuildError.from([problem])
 * ```
 */
export async function checkHandlerStage(fn: FunctionConfig, code: string, config: EdgeConfig): Promise<{ problem?: Problem; warning?: Problem }> {
  const { memoryMb, timeoutS } = functionSettings(fn, config.edge.limits)
  const why = (e: { name?: string; message: string }): Problem => ({
    code: 'InitError',
    message: `${fn.name}: the module fails as it loads (${e.name ? `${e.name}: ` : ''}${e.message}); Lambda would fail every cold start the same way`,
  })
  let c: SingleContainer
  try {
    c = await SingleContainer.load({ name: fn.name, code, filename: `${config.root}${sep}${fn.name}.js`, memoryMb, timeoutMs: timeoutS * 1000, region: config.edge.region, runtime: config.edge.runtime })
  } catch (e) {
    return { warning: why(e as Error) }
  }
  await c.close()
  if (c.initError) return { warning: why(c.initError) }
  const problem = stageProblem(fn, c.stage, config.root)
  return problem ? { problem } : {}
}
