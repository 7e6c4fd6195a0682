/**
 * Uploads the function zips and the key value stores' data to the code bucket under their content-addressed keys. A key already there is the
 * same bytes (its name holds their SHA-256), so it is skipped (one HeadObject); a large zip goes up in parts, and
 * an upload cut short resumes: the next run finds the unfinished multipart upload and sends only the missing parts.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3'
import { awsReason, DeployError } from './errors.js'

/** One object to upload. */
export interface UploadItem {
  key: string
  /** Absolute path of the file. */
  file: string
  /** Its `Content-Type` (default `application/zip`). */
  contentType?: string
}

/** Options of {@link uploadAll}. */
export interface UploadOptions {
  /** Zips over this size go up in parts (default 8 MiB). */
  multipartThresholdBytes?: number
  /** Part size (default 8 MiB; S3's minimum is 5 MiB, the last part excepted). */
  partSizeBytes?: number
  log?: (line: string) => void
}

const MIB = 1024 * 1024
const isNotFound = (e: unknown) => (e as { name?: string }).name === 'NotFound' || (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404

/**
 * Checks that a code bucket exists, is reachable with these credentials and is in `region` (us-east-1 for the edge
 * stack; a Lambda origin's own region for its stack): Lambda reads function code from a bucket in its own region.
 *
 * @example
 * ```ts
 * await checkBucket(s3, 'my-code-bucket')
 * await checkBucket(s3eu, 'my-code-eu', 'eu-west-1')
 * ```
 */
export async function checkBucket(s3: S3Client, bucket: string, region = 'us-east-1'): Promise<void> {
  const why = region === 'us-east-1' ? 'Lambda@Edge functions are created in us-east-1 and read their code from a bucket there' : `the Lambda origins in ${region} read their code from a bucket there`
  let found: string | undefined
  try {
    found = (await s3.send(new HeadBucketCommand({ Bucket: bucket }))).BucketRegion
  } catch (e) {
    if ((e as Error).name === 'CredentialsProviderError') {
      throw new DeployError('NoCredentials', `no AWS credentials (${(e as Error).message}): use --profile or AWS_PROFILE, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`)
    }
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
    if (status === 404) throw new DeployError('NoSuchBucket', `the code bucket ${bucket} does not exist: create it in ${region} (aws s3 mb s3://${bucket} --region ${region}) or pass another with --bucket`)
    if (status === 403) throw new DeployError('BucketAccessDenied', `the code bucket ${bucket} exists but these credentials may not use it (403): pass a bucket of this account with --bucket`)
    if (status === 301) throw new DeployError('BucketRegion', `the code bucket ${bucket} is not in ${region}: ${why}`)
    throw new DeployError('BucketUnavailable', `the code bucket ${bucket}: ${awsReason(e)}`)
  }
  if (found !== undefined && found !== region) throw new DeployError('BucketRegion', `the code bucket ${bucket} is in ${found}: ${why}`)
}

/** Whether the key exists. */
async function exists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
    return true
  } catch (e) {
    if (isNotFound(e)) return false
    throw new DeployError('UploadFailed', `s3://${bucket}/${key}: ${awsReason(e)}`)
  }
}

/** The unfinished multipart upload of a key, if any (the newest), and the parts it holds. */
async function unfinished(s3: S3Client, bucket: string, key: string): Promise<{ uploadId: string; parts: Map<number, { etag: string; size: number }> } | undefined> {
  const list = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }))
  const upload = (list.Uploads ?? [])
    .filter((u) => u.Key === key && u.UploadId)
    .sort((a, b) => (b.Initiated?.getTime() ?? 0) - (a.Initiated?.getTime() ?? 0))[0]
  if (!upload) return undefined
  const parts = new Map<number, { etag: string; size: number }>()
  let marker: string | undefined
  do {
    const page = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: upload.UploadId, ...(marker ? { PartNumberMarker: marker } : {}) }))
    for (const p of page.Parts ?? []) if (p.PartNumber && p.ETag) parts.set(p.PartNumber, { etag: p.ETag, size: p.Size ?? 0 })
    marker = page.IsTruncated ? page.NextPartNumberMarker : undefined
  } while (marker)
  return { uploadId: upload.UploadId!, parts }
}

/** A multipart upload that resumes an unfinished one of the same key, skipping parts already there intact. */
async function multipart(s3: S3Client, bucket: string, key: string, data: Buffer, partSize: number, contentType: string, log: (line: string) => void): Promise<void> {
  const count = Math.ceil(data.length / partSize)
  const previous = await unfinished(s3, bucket, key)
  const uploadId = previous?.uploadId ?? (await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType }))).UploadId!
  const parts: { PartNumber: number; ETag: string }[] = []
  let resumed = 0
  for (let n = 1; n <= count; n++) {
    const body = data.subarray((n - 1) * partSize, Math.min(n * partSize, data.length))
    const md5 = `"${createHash('md5').update(body).digest('hex')}"`
    const have = previous?.parts.get(n)
    if (have && have.size === body.length && have.etag === md5) {
      parts.push({ PartNumber: n, ETag: have.etag })
      resumed++
      continue
    }
    const out = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: n, Body: body }))
    parts.push({ PartNumber: n, ETag: out.ETag ?? md5 })
  }
  await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }))
  if (resumed) log(`  resumed ${key}: ${resumed} of ${count} parts were already uploaded`)
}

/**
 * Uploads each item whose key is not in the bucket yet; resolves to the keys uploaded and skipped. A failure is a
 * `DeployError('UploadFailed')`; running again uploads only what is still missing.
 *
 * @example
 * ```ts
 * const { uploaded, skipped } = await uploadAll(s3, 'my-code', [{ key: 'edgeware/site/3bf6d3d1ff980b66.zip', file: 'out/site.zip' }])
 * ```
 */
export async function uploadAll(s3: S3Client, bucket: string, items: readonly UploadItem[], opts: UploadOptions = {}): Promise<{ uploaded: string[]; skipped: string[] }> {
  const log = opts.log ?? (() => {})
  const threshold = opts.multipartThresholdBytes ?? 8 * MIB
  const partSize = opts.partSizeBytes ?? 8 * MIB
  const uploaded: string[] = []
  const skipped: string[] = []
  for (const item of items) {
    if (await exists(s3, bucket, item.key)) {
      skipped.push(item.key)
      continue
    }
    const data = await readFile(item.file)
    try {
      const contentType = item.contentType ?? 'application/zip'
      if (data.length > threshold) await multipart(s3, bucket, item.key, data, partSize, contentType, log)
      else await s3.send(new PutObjectCommand({ Bucket: bucket, Key: item.key, Body: data, ContentType: contentType }))
    } catch (e) {
      throw new DeployError('UploadFailed', `uploading ${item.file} to s3://${bucket}/${item.key} failed (${awsReason(e)}); run the deploy again to upload what is missing`)
    }
    uploaded.push(item.key)
    log(`  uploaded ${item.key} (${(data.length / 1024).toFixed(1)} KiB)`)
  }
  return { uploaded, skipped }
}
