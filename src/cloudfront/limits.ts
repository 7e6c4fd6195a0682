import type { Stage } from './types.js'

/**
 * Per-trigger quotas (function configuration).
 *
 * @example
 * ```ts
 * const t: TriggerLimits = triggerLimits('viewer-request') // { timeoutMs: 5000, memoryMb: 128, zipBytes: 1048576 }
 * ```
 */
export interface TriggerLimits {
  /** Function timeout in milliseconds. */
  timeoutMs: number
  /** Function memory in MB. */
  memoryMb: number
  /** Compressed package (zip) size in bytes. */
  zipBytes: number
}

/**
 * A limits profile. CloudFront's docs disagree between editions (reference §4.1); `classic` holds the strict,
 * well-attested values and is the default, `current` the late-2025 docs.
 *
 * @example
 * ```ts
 * const strict: LimitsProfile = { ...limits.classic, name: 'strict', maxUrlChars: 4096 }
 * export const handler = viewerRequest({ limits: strict }, async (c, next) => { await next() })
 * ```
 */
export interface LimitsProfile {
  name: 'classic' | 'current' | (string & {})
  /** viewer-request / viewer-response functions. */
  viewer: TriggerLimits
  /** origin-request / origin-response functions. */
  origin: TriggerLimits
  /** Generated response size (headers + body), bytes [GEN], [QUO]. */
  generatedResponseBytes: { 'viewer-request': number; 'origin-request': number }
  /** IncludeBody exposure truncation, bytes of the original body [RLE]. */
  includeBodyBytes: { 'viewer-request': number; 'origin-request': number }
  /** Replacement body limits (`body.action = 'replace'`), in characters of `data` [RLE]. */
  replaceBody: {
    'viewer-request': { text: number; base64: number }
    'origin-request': { text: number; base64: number }
  }
  /** URI + query string must stay below this many characters [RALL]. */
  maxUrlChars: number
  /** custom origin `keepaliveTimeout` range (s): classic 1–60, current 1–120 [EVT]. */
  keepaliveTimeout: { min: number; max: number }
  /** custom origin `readTimeout` range (s): classic 4–60, current 1–120 [EVT]. */
  readTimeout: { min: number; max: number }
  /** Whether `readTimeout` is accepted on S3 origins (current docs only). */
  s3ReadTimeout: boolean
}

const KB = 1024
const MB = 1024 * 1024

/**
 * The classic (2021–2023 docs) limits: viewer 5 s / 128 MB / 1 MiB zip, origin 30 s / 10,240 MB / 50 MiB.
 *
 * @example
 * ```ts
 * import { limits } from 'edgeware/cloudfront'
 * limits.classic.viewer.timeoutMs // 5000
 * ```
 */
export const classic: LimitsProfile = {
  name: 'classic',
  viewer: { timeoutMs: 5_000, memoryMb: 128, zipBytes: 1 * MB },
  origin: { timeoutMs: 30_000, memoryMb: 10_240, zipBytes: 50 * MB },
  generatedResponseBytes: { 'viewer-request': 40 * KB, 'origin-request': 1 * MB },
  includeBodyBytes: { 'viewer-request': 40 * KB, 'origin-request': 1 * MB },
  replaceBody: {
    'viewer-request': { text: 40 * KB, base64: 54_476 /* ⌊53.2 KB⌋ */ },
    'origin-request': { text: 1 * MB, base64: 1_394_606 /* ⌊1.33 MB⌋ */ },
  },
  maxUrlChars: 8192,
  keepaliveTimeout: { min: 1, max: 60 },
  readTimeout: { min: 4, max: 60 },
  s3ReadTimeout: false,
}

/**
 * The late-2025 docs: 30 s and 50 MB for viewer triggers too, wider origin timeouts.
 *
 * @example
 * ```ts
 * export const handler = viewerRequest({ limits: limits.current }, mw)
 * ```
 */
export const current: LimitsProfile = {
  ...classic,
  name: 'current',
  viewer: { ...classic.origin, memoryMb: 128 }, // 30 s, 50 MiB zip like origin triggers; memory stays 128 MB
  keepaliveTimeout: { min: 1, max: 120 },
  readTimeout: { min: 1, max: 120 },
  s3ReadTimeout: true,
}

/**
 * The built-in limits profiles.
 *
 * @example
 * ```ts
 * validateResult('viewer-request', event, result, limits.current)
 * ```
 */
export const limits = { classic, current } as const

/**
 * Resolves a profile name or object to a profile (default `classic`).
 *
 * @example
 * ```ts
 * resolveLimits('current').viewer.timeoutMs // 30000
 * ```
 */
export function resolveLimits(profile?: LimitsProfile | 'classic' | 'current'): LimitsProfile {
  if (profile === undefined || profile === 'classic') return classic
  if (profile === 'current') return current
  return profile
}

/**
 * The trigger limits (timeout, memory, zip) that apply to a stage.
 *
 * @example
 * ```ts
 * triggerLimits('origin-request').timeoutMs // 30000
 * ```
 */
export function triggerLimits(stage: Stage, profile: LimitsProfile = classic): TriggerLimits {
  return stage === 'viewer-request' || stage === 'viewer-response' ? profile.viewer : profile.origin
}
