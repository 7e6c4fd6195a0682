/**
 * TTL settings (`min_ttl`, `default_ttl`, `max_ttl`), shared by cache policies and the legacy `cache = { … }`.
 */
import type { Reader, Table } from './problems.js'

/** The largest TTL accepted (100 years, in seconds). */
const MAX_TTL = 3_153_600_000
/** CloudFront's default `DefaultTTL` (one day) and `MaxTTL` (one year) [API-CPC], [CDK-CP]. */
const DEFAULTS = { min: 0, default: 86_400, max: 31_536_000 }

/**
 * Reads the three TTLs with CloudFront's defaults (DefaultTTL one day but at least MinTTL; MaxTTL one year but at
 * least MinTTL and a given DefaultTTL [API-CPC], [CDK-CP]) and its rule MinTTL ≤ DefaultTTL ≤ MaxTTL
 * (CachePolicyConfig API reference).
 */
export function readTtls(r: Reader, t: Table, key: string): { minTtl: number; defaultTtl: number; maxTtl: number } {
  const minTtl = r.int(t.min_ttl, `${key}.min_ttl`, 0, MAX_TTL) ?? DEFAULTS.min
  const givenDefault = r.int(t.default_ttl, `${key}.default_ttl`, 0, MAX_TTL)
  const maxTtl = r.int(t.max_ttl, `${key}.max_ttl`, 0, MAX_TTL) ?? Math.max(DEFAULTS.max, minTtl, givenDefault ?? 0)
  const defaultTtl = givenDefault ?? Math.min(Math.max(DEFAULTS.default, minTtl), maxTtl)
  if (minTtl > maxTtl) r.fail(`${key}.min_ttl`, `must be <= max_ttl (${maxTtl}), got ${minTtl}`, minTtl)
  else if (defaultTtl < minTtl || defaultTtl > maxTtl) {
    r.fail(`${key}.default_ttl`, `must be between min_ttl (${minTtl}) and max_ttl (${maxTtl}), got ${defaultTtl}`, defaultTtl)
  }
  return { minTtl, defaultTtl, maxTtl }
}
