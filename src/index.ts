/**
 * `edgeware`: CloudFront Lambda@Edge hooks as composable TypeScript middleware.
 *
 * @example
 * ```ts
 * import { viewerRequest, path } from 'edgeware'
 * export const handler = viewerRequest(path('/old', async (c) => { c.redirect('/new', 301) }))
 * ```
 */
export { viewerRequest, originRequest, originResponse, viewerResponse, type StageArgs } from './core/stages.js'
export { compose } from './core/compose.js'
export { when, path, pathPatternToRegExp } from './core/combinators.js'
export { EdgeRuleError, EdgeValidationError, type Violation } from './core/errors.js'
export { EdgeExecutionError, EdgeTimeoutError } from './core/runtime-errors.js'
export type * from './core/types.js'
export type {
  Stage,
  RequestStage,
  ResponseStage,
  CfEvent,
  CfRequest,
  CfResponse,
  CfResultResponse,
  CfHeaders,
  CfHeader,
  CfOrigin,
  CfConfig,
  LambdaContext,
  LambdaCallback,
} from './cloudfront/types.js'
export type { LimitsProfile } from './cloudfront/limits.js'
