/**
 * Naming rules of the AWS resources the config names: regions, S3 buckets, CloudFront policies, CloudFront
 * Functions and KeyValueStores, DynamoDB tables.
 */

/**
 * An AWS region name (`us-east-1`, `us-gov-west-1`, `ap-southeast-2`).
 *
 * @example
 * ```ts
 * AWS_REGION.test('eu-west-3') // true
 * ```
 */
export const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/

/**
 * Why a name breaks S3's rules for general purpose bucket names (S3 User Guide, "Bucket naming rules");
 * `undefined` when it is fine. Completes "bucket …".
 *
 * @example
 * ```ts
 * bucketNameProblem('My_Bucket') // 'may only hold lowercase letters, digits, "." and "-", got "My_Bucket"'
 * ```
 */
export function bucketNameProblem(b: string): string | undefined {
  const q = JSON.stringify(b)
  if (b.length < 3 || b.length > 63) return `must be 3 to 63 characters long, got ${q} (${b.length})`
  if (!/^[a-z0-9.-]+$/.test(b)) return `may only hold lowercase letters, digits, "." and "-", got ${q}`
  if (!/^[a-z0-9].*[a-z0-9]$/.test(b)) return `must begin and end with a letter or a digit, got ${q}`
  if (b.includes('..')) return `must not hold two adjacent periods, got ${q}`
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(b)) return `must not be formatted as an IP address, got ${q}`
  for (const pre of ['xn--', 'sthree-', 'amzn-s3-demo-']) if (b.startsWith(pre)) return `must not start with "${pre}", got ${q}`
  for (const suf of ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3']) if (b.endsWith(suf)) return `must not end with "${suf}", got ${q}`
  return undefined
}

/**
 * CloudFront policy names: 1–128 of letters, digits, `-` and `_` [CDK-CP]; comments at most 128 characters.
 *
 * @example
 * ```ts
 * POLICY_NAME.test('api-cache') // true
 * ```
 */
export const POLICY_NAME = /^[A-Za-z0-9_-]{1,128}$/

/**
 * CloudFront Function and KeyValueStore names: 1–64 of letters, digits, `-` and `_` [TF].
 *
 * @example
 * ```ts
 * FUNCTION_NAME.test('router') // true
 * ```
 */
export const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/

/**
 * DynamoDB table names: 3–255 of letters, digits, `_`, `.` and `-`.
 *
 * @example
 * ```ts
 * TABLE_NAME.test('edge-origins') // true
 * ```
 */
export const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/

/** Comments of CloudFront policies and functions: at most this many characters [API-CPC], [API-FC]. */
export const MAX_COMMENT = 128
