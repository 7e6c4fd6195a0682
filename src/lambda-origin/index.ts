/**
 * Lambda origins: a regional function behind API Gateway (REST or HTTP API), an Application Load Balancer or a
 * function URL, each integration's event and result formats kept exactly, its errors and limits enforced.
 */
export { createIntegration, type LambdaIntegration, type BuiltEvent, type OriginExchange } from './integration.js'
export { startLambdaOrigin, type LambdaOrigin, type LambdaOriginOptions, type OriginCall } from './origin.js'
export { detectIntegration, checkEvent } from './detect.js'
export { OriginConfigError } from './settings.js'
export { LIMITS as ORIGIN_LIMITS } from './rules.js'
export {
  INTEGRATIONS,
  type Integration,
  type IntegrationSettings,
  type OriginHeaders,
  type OriginRequest,
  type OriginResponse,
  type OriginRule,
  type OriginVerdict,
  type FunctionOutcome,
  type JsonObject,
} from './types.js'
