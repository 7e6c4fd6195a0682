/**
 * `edgeware/middleware`: ready-made Lambda@Edge hooks, one folder each. Every factory checks its options
 * once, precomputes what it can, and returns a named middleware; each refuses (with `EdgeRuleError`
 * `UnsupportedStage`) a stage where CloudFront would reject or ignore what it does.
 *
 * @example
 * ```ts
 * import { viewerRequest } from 'edgeware'
 * import { redirects, normalize, directoryIndex } from 'edgeware/middleware'
 *
 * export const handler = viewerRequest(redirects({ '/old': '/new' }), normalize(), directoryIndex())
 * ```
 */
export { redirects, type RedirectRule, type RedirectsOptions, type RedirectStatus } from './redirects/index.js'
export { directoryIndex, type DirectoryIndexOptions } from './directory-index/index.js'
export { spaFallback, type SpaFallbackOptions } from './spa-fallback/index.js'
export { securityHeaders, type SecurityHeadersOptions, type HstsOptions } from './security-headers/index.js'
export { basicAuth, safeEqual, type BasicAuthOptions, type BasicAuthUser } from './basic-auth/index.js'
export { jwtAuth, type JwtAuthOptions, type CognitoOptions, type JWTPayload } from './jwt-auth/index.js'
export { cors, type CorsOptions } from './cors/index.js'
export { cacheControl, type CacheControlOptions, type CacheControlRule } from './cache-control/index.js'
export { normalize, TRACKING_PARAMS, type NormalizeOptions } from './normalize/index.js'
export { abTest, type AbTestOptions, type AbVariant } from './ab-test/index.js'
export { geo, type GeoOptions } from './geo/index.js'
export type { OriginTarget } from './_shared/index.js'
