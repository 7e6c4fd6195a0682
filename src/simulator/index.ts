/**
 * The local edge (`edgeware dev`): config loading, the distribution flow on Miniflare, Lambda-like containers.
 */
export { startDev, type DevOptions, type DevServer } from './dev.js'
export {
  loadConfig,
  loadConfigSync,
  parseConfig,
  functionName,
  ConfigError,
  type EdgeConfig,
  type BehaviorConfig,
  type CacheSettings,
  type OriginConfig,
  type FunctionConfig,
} from './config.js'
export { fetchOrigin, type OriginRequest, type OriginResult } from './origin-fetch.js'
export { startExampleOrigin, type ExampleOrigin } from './example-origin.js'
export { cacheTtl, cacheKey, filterQueryString, filterCookies, parseCacheControl, ERROR_CACHING_MIN_TTL } from './cache-rules.js'
export { pathPatternRegExp, matchPathPattern, behaviorMatcher } from './path-pattern.js'
export { consoleLogger, formatRequestLine, formatFunctionLine, diffLines, type DevLogger } from './log.js'
export type { LogRecord, StageLog } from './protocol.js'
