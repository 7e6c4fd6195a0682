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
export {
  cacheTtl,
  cacheKey,
  filterQueryString,
  filterCookies,
  normalizeAcceptEncoding,
  parseCacheControl,
  ERROR_CACHING_MIN_TTL,
  type KeySettings,
  type TtlSettings,
} from './cache-rules.js'
export { serveS3, bucketOfDomain, type LocalBucket } from './s3-origin.js'
export { pathPatternRegExp, matchPathPattern, behaviorMatcher } from './path-pattern.js'
export { consoleLogger, formatRequestLine, formatFunctionLine, diffLines, type DevLogger } from './log.js'
export type { LogRecord, StageLog } from './protocol.js'
