/**
 * The tracking parameters `normalize()` strips by default. A leaf module: `edgeware/functions`' normalize (a
 * CloudFront Function) uses the same list.
 */

/**
 * Tracking parameters stripped by default: they make every link unique without changing the page.
 *
 * @example
 * ```ts
 * normalize({ dropParams: [...TRACKING_PARAMS, 'ref'] })
 * ```
 */
export const TRACKING_PARAMS: readonly string[] = [
  'utm_*', 'fbclid', 'gclid', 'gclsrc', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'mc_cid', 'mc_eid',
  'yclid', 'igshid', 'twclid', 'ttclid', 'li_fat_id', '_ga', '_gl', '_hsenc', '_hsmi', 'mkt_tok', 'oly_enc_id', 'oly_anon_id', 'vero_id', 'srsltid',
]
