/**
 * `edgeware build` as a library: bundle, zip, check and write the association outputs; and the distribution model
 * it reads (`loadConfig(file, { env })`, `.dev.vars`, the managed policy tables).
 */
export { build, defaultOutDir, type BuildOptions, type BuildResult, type BuiltFunction } from './build.js'
export { loadEnvConfig } from './environment.js'
export {
  buildCloudFrontFunctions,
  keyValueStoreName,
  keyValueStoreKey,
  keyValueStoreFile,
  type BuiltCloudFrontFunction,
  type BuiltKeyValueStore,
  type CloudFrontFunctionManifest,
  type KeyValueStoreManifest,
} from './cloudfront-functions.js'
export { buildLambdaOrigins, lambdaOriginProblems, originTemplateFile, originS3Key, type BuiltLambdaOrigin, type LambdaOriginManifest } from './lambda-origins.js'
export { bundleFunction, runtimeTarget, RUNTIME_TARGETS, type BundleOptions, type BundleResult, type EnvReadReport } from './bundle.js'
export { BuildError } from './errors.js'
export { compileCloudFrontFunction, type CompileCloudFrontFunctionOptions, type CloudFrontFunctionBuild } from './cloudfront-function.js'
export { describeEnvRead, findEnvReads, RESERVED_ENV_VARS, type EnvRead, type FindEnvReadsOptions } from './env-scan.js'
export { deterministicZip, digest, type ZipEntry } from './zip.js'
export { checkHandlerStage, stageProblem } from './stage-check.js'
export {
  associationProblems,
  envProblem,
  packageProblems,
  largestInputs,
  runtimeWarnings,
  tightestLimits,
  functionSettings,
  formatBytes,
  lambdaName,
  EDGE_REGION,
  NEAR_LIMIT,
  MAX_FUNCTIONS_PER_DISTRIBUTION,
  type Problem,
} from './checks.js'
export {
  cloudformationTemplate,
  cloudfrontAssociations,
  originTemplates,
  distributionPlan,
  manifest,
  stableJson,
  versionArnPlaceholder,
  logicalId,
  logicalIds,
  s3Key,
  type BuiltPackage,
  type BuildArtifacts,
  type Manifest,
  type EdgeFunctionManifest,
  type FunctionZipManifest,
  type CloudFrontAssociationsJson,
  type ApiAssociations,
} from './outputs.js'
export {
  loadConfig,
  loadConfigSync,
  parseConfig,
  loadDevVars,
  ConfigError,
  notYetApplied,
  MANAGED_CACHE_POLICIES,
  MANAGED_ORIGIN_REQUEST_POLICIES,
  MANAGED_RESPONSE_HEADERS_POLICIES,
  type LoadOptions,
  type ConfigProblem,
  type EdgeConfig,
  type BehaviorConfig,
  type EffectiveSettings,
  type OriginConfig,
  type CachePolicy,
  type OriginRequestPolicy,
  type ResponseHeadersPolicy,
} from '../distribution/index.js'
