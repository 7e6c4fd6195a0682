/**
 * `edgeware/cloudfront`: CloudFront's event types, header rules, limits profiles, the result validator and
 * Fetch API interop.
 */
export * from './types.js'
export * from './limits.js'
export * from './rules.js'
export * from './origin-rules.js'
export * from './validate.js'
export * from './fetch.js'
export { EdgeRuleError, EdgeValidationError, type Violation } from '../core/errors.js'
