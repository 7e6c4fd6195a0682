/// <reference path="../functions/cloudfront-module.d.ts" preserve="true" />
/**
 * `edgeware/cloudfront`: CloudFront's event types, header rules, limits profiles, the result validator,
 * invalidation paths and Fetch API interop; the same for CloudFront Functions (`functions-*`). Its types bring
 * the `cloudfront` module's too, so a CloudFront Function typed with `CffEvent` can `import cf from 'cloudfront'`.
 */
export * from './types.js'
export * from './limits.js'
export * from './rules.js'
export * from './origin-rules.js'
export * from './validate.js'
export * from './fetch.js'
export * from './invalidation.js'
export * from './functions-types.js'
export * from './functions-limits.js'
export * from './functions-validate.js'
export * from './functions-origin.js'
export { EdgeRuleError, EdgeValidationError, type Violation } from '../core/errors.js'
