/// <reference path="./cloudfront-module.d.ts" preserve="true" />
/**
 * `edgeware/functions`: ready hooks that compile into a CloudFront Function (cloudfront-js-2.0) well under its
 * 10 KB limit, with the same options and the same answers as their `edgeware/middleware` twins, plus a
 * KeyValueStore-driven router. Compose them into the one function a behavior allows per event type.
 *
 * @example
 * ```ts
 * // edge-functions/cff/viewer-request.ts
 * import { viewerRequestFunction, redirects, normalize, spaFallback } from 'edgeware/functions'
 * export const handler = viewerRequestFunction(redirects({ '/old': '/new' }), normalize(), spaFallback({ exclude: ['/api/*'] }))
 * ```
 */
export { viewerRequestFunction, viewerResponseFunction, type FunctionHook } from './compose.js'
export { redirects } from './redirects/index.js'
export { securityHeaders } from './security-headers/index.js'
export { normalize } from './normalize/index.js'
export { directoryIndex } from './directory-index/index.js'
export { spaFallback } from './spa-fallback/index.js'
export { basicAuth, type BasicAuthFunctionOptions } from './basic-auth/index.js'
export { cors } from './cors/index.js'
export { kvsRouter, type KvsRouterOptions, type KvsRoute } from './kvs-router/index.js'
export type { RedirectRule, RedirectsOptions, RedirectStatus } from '../middleware/redirects/index.js'
export type { SecurityHeadersOptions, HstsOptions } from '../middleware/security-headers/index.js'
export type { NormalizeOptions } from '../middleware/normalize/index.js'
export type { DirectoryIndexOptions } from '../middleware/directory-index/index.js'
export type { SpaFallbackOptions } from '../middleware/spa-fallback/index.js'
export type { CorsOptions } from '../middleware/cors/index.js'
