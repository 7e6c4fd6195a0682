/**
 * `edgeware/origin`: DynamoDB-backed origin lookup for origin-request functions.
 * The local dynalite helper (`startLocalDynamo`) lives in ./local.js and is not part of this entry, so edge
 * bundles never pull dynalite in.
 */
export { dynamoOrigin, type DynamoOriginMiddleware } from './dynamo-origin.js'
export type {
  CustomOriginRule,
  DynamoOriginOptions,
  OriginFallback,
  OriginLogEntry,
  OriginReplica,
  OriginRule,
  OriginRuleBase,
  OriginTarget,
  S3OriginRule,
} from './types.js'
export {
  FALLBACK_HOST,
  HOST_KEY,
  PREFIX_KEY,
  itemShapeViolations,
  marshallValue,
  parseRule,
  ruleToItem,
  ruleViolations,
  toCfOrigin,
  unmarshallItem,
  unmarshallValue,
  type DynamoItem,
} from './schema.js'
export { longestMatch, normalizeHost, prefixMatches, sortByPrefix } from './match.js'
export { createEdgeDynamoClient, edgeRetryStrategy, orderReplicas, queryHost, shouldFailOver, OriginLookupTimeout, type EdgeClientOptions, type QueryOutcome, type ReplicaClient } from './client.js'
export { RuleCache, compileRules, type CompiledRule, type HostEntry, type RuleCacheSettings } from './cache.js'
export { createOriginTable, createTableClient, deleteRule, getRule, listRules, putRules } from './table.js'
