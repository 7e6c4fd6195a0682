/**
 * The distribution model: `wrangler.toml` → one typed, validated model that `edgeware dev` and `edgeware build`
 * both read (origins, origin groups, policies with CloudFront's managed tables, behaviors with their effective
 * settings, error responses, Lambda@Edge and CloudFront Functions, local settings), plus environments and
 * `.dev.vars`.
 */
export type * from './model.js'
export { ConfigError, type ConfigProblem } from './problems.js'
export { parseConfig, loadConfig, loadConfigSync, type LoadOptions } from './load.js'
export { overlayEnv, loadDevVars, parseDevVars } from './env.js'
export { functionName } from './functions.js'
export { MANAGED_CACHE_POLICIES, MANAGED_ORIGIN_REQUEST_POLICIES, MANAGED_RESPONSE_HEADERS_POLICIES, CLOUDFRONT_HEADERS, ORIGIN_REQUEST_ONLY_HEADERS, findManaged } from './managed.js'
export { legacyEffective, policyEffective, legacyProjection, DEFAULT_LEGACY_CACHE } from './effective.js'
export { unionSelection, selects } from './selection.js'
export { s3DomainName, FAILOVER_STATUS_CODES } from './origins.js'
export { ALLOWED_METHODS, CACHED_METHODS } from './behaviors.js'
export { ERROR_CODES, RESPONSE_CODES } from './error-responses.js'
export { VIEWER_FIELDS, viewerHeaders } from './local.js'
export { notYetApplied, type Tool } from './unapplied.js'
