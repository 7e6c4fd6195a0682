/**
 * `wrangler.toml`: the config of the local edge (`edgeware dev`) and of the packager (`edgeware build`). The model
 * and its parsing live in `src/distribution`; this module keeps the names the simulator and the build import.
 */
export {
  ConfigError,
  parseConfig,
  loadConfig,
  loadConfigSync,
  functionName,
  type EdgeConfig,
  type BehaviorConfig,
  type CacheSettings,
  type OriginConfig,
  type FunctionConfig,
} from '../distribution/index.js'
