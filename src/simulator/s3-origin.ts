/**
 * A local directory served as an S3 bucket's REST endpoint behind origin access control (OAC with `s3:GetObject`
 * only, as the build's bucket policy grants): what CloudFront gets from S3 for GetObject / HeadObject.
 *
 * - Objects: `Content-Type` from the file name (S3 stores the type given at upload; `binary/octet-stream` when none
 *   was), `Content-Length`, `ETag` (the MD5 of the bytes in quotes, as S3 gives for a single-part upload),
 *   `Last-Modified` (the file's mtime), `Accept-Ranges: bytes`, `x-amz-request-id`, `x-amz-id-2`,
 *   `x-amz-server-side-encryption: AES256` (S3 encrypts every new object), `Server: AmazonS3`.
 * - Conditional requests as S3 evaluates them (RFC 7232; If-Match wins over If-Unmodified-Since, If-None-Match over
 *   If-Modified-Since: https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html): 412
 *   `PreconditionFailed`, 304.
 * - One byte range (206 with `Content-Range`; a start past the end is 416 `InvalidRange`; several ranges or an
 *   unparsable Range get the whole object, as S3 answers them); `If-Range`.
 * - A key that isn't there (or names a directory, or is the bucket itself) is 403 `AccessDenied`: without
 *   `s3:ListBucket` S3 doesn't say 404 (reference §9, [S3-API]). Other methods are 403 `AccessDenied` too (the
 *   bucket policy grants only `s3:GetObject`).
 * - Errors in S3's REST error format: `Content-Type: application/xml`, `<Error><Code>…</Code><Message>…</Message>
 *   …<RequestId>…</RequestId><HostId>…</HostId></Error>`
 *   (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
 */
import { createHash, randomBytes } from 'node:crypto'
import { open, stat } from 'node:fs/promises'
import { existsSync, statSync } from 'node:fs'
import { extname, join, relative, sep } from 'node:path'
import { statusText } from '../cloudfront/rules.js'
import type { CfHeaders } from '../cloudfront/types.js'
import type { OriginResult } from './origin-fetch.js'
import { httpDateSeconds, notModified, parseRange, rangeStillValid, tagListHas } from './range-rules.js'

/** A configured bucket and the directory that holds its objects locally. */
export interface LocalBucket {
  bucket: string
  region: string
  dir: string
}

/** Content types by extension (what `aws s3 sync` guesses for common files). */
const TYPES: Record<string, string> = {
  '.html': 'text/html', '.htm': 'text/html', '.css': 'text/css', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.json': 'application/json', '.map': 'application/json', '.txt': 'text/plain', '.md': 'text/markdown', '.csv': 'text/csv',
  '.xml': 'application/xml', '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg',
  '.gif': 'image/gif', '.webp': 'image/webp', '.avif': 'image/avif', '.ico': 'image/x-icon', '.woff': 'font/woff',
  '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.otf': 'font/otf', '.pdf': 'application/pdf', '.wasm': 'application/wasm',
  '.mp4': 'video/mp4', '.webm': 'video/webm', '.mp3': 'audio/mpeg', '.zip': 'application/zip', '.webmanifest': 'application/manifest+json',
}

/**
 * The bucket a domain name addresses, virtual-hosted style: `<bucket>.s3.amazonaws.com`,
 * `<bucket>.s3.<region>.amazonaws.com` or `<bucket>.s3-<region>.amazonaws.com` (dots allowed in the bucket name).
 *
 * @example
 * ```ts
 * bucketOfDomain('my-site-assets.s3.us-east-1.amazonaws.com') // 'my-site-assets'
 * ```
 */
export function bucketOfDomain(domain: string): string | undefined {
  return /^(.+)\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com\.?$/i.exec(domain)?.[1]?.toLowerCase()
}

const DATE_CACHE = { at: 0, text: '' }
function httpDate(): string {
  const now = Date.now()
  if (now - DATE_CACHE.at >= 1000) {
    DATE_CACHE.at = now - (now % 1000)
    DATE_CACHE.text = new Date(DATE_CACHE.at).toUTCString()
  }
  return DATE_CACHE.text
}

function ids(): { requestId: string; hostId: string } {
  return { requestId: randomBytes(8).toString('hex').toUpperCase(), hostId: randomBytes(48).toString('base64') }
}

function head(requestId: string, hostId: string): CfHeaders {
  return {
    'x-amz-id-2': [{ key: 'x-amz-id-2', value: hostId }],
    'x-amz-request-id': [{ key: 'x-amz-request-id', value: requestId }],
    date: [{ key: 'Date', value: httpDate() }],
  }
}

const xmlText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** An S3 REST error: status, `Code`, `Message`, extra elements, `RequestId`, `HostId`. */
function s3Error(status: number, code: string, message: string, extra: Record<string, string>, method: string): OriginResult {
  const { requestId, hostId } = ids()
  const fields = Object.entries(extra).map(([k, v]) => `<${k}>${xmlText(v)}</${k}>`).join('')
  const body = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlText(message)}</Message>${fields}<RequestId>${requestId}</RequestId><HostId>${hostId}</HostId></Error>`)
  const headers = head(requestId, hostId)
  headers['content-type'] = [{ key: 'Content-Type', value: 'application/xml' }]
  headers['server'] = [{ key: 'Server', value: 'AmazonS3' }]
  return { ok: true, status, statusDescription: statusText(status), headers, body: method === 'HEAD' ? Buffer.alloc(0) : body, ms: 0 }
}

const accessDenied = (method: string): OriginResult => s3Error(403, 'AccessDenied', 'Access Denied', {}, method)

/** The file behind a key, or undefined when the key can't name a file in the directory (S3 keys are literal). */
function fileOf(dir: string, key: string): string | undefined {
  if (key === '' || key.split('/').some((seg) => seg === '' || seg === '.' || seg === '..') || key.includes('\0') || key.includes('\\')) return undefined
  const path = join(dir, ...key.split('/'))
  return path.startsWith(dir.endsWith(sep) ? dir : dir + sep) ? path : undefined
}

/** MD5 ETags by file, kept while the file's size and mtime stay the same. */
const etags = new Map<string, { size: number; mtimeMs: number; etag: string }>()

async function readObject(path: string): Promise<{ body: Buffer; etag: string; mtime: Date } | undefined> {
  let fh
  try {
    fh = await open(path, 'r')
    const st = await fh.stat()
    if (!st.isFile()) return undefined
    const body = await fh.readFile()
    let tag = etags.get(path)
    if (!tag || tag.size !== st.size || tag.mtimeMs !== st.mtimeMs) {
      tag = { size: st.size, mtimeMs: st.mtimeMs, etag: `"${createHash('md5').update(body).digest('hex')}"` }
      if (etags.size > 10_000) etags.clear()
      etags.set(path, tag)
    }
    return { body, etag: tag.etag, mtime: st.mtime }
  } catch {
    return undefined
  } finally {
    await fh?.close()
  }
}

/** 412, 304 or undefined (go on), in S3's (RFC 7232's) order. */
function preconditions(h: (n: string) => string | undefined, etag: string, mtime: Date, method: string): OriginResult | 'not-modified' | undefined {
  const ifMatch = h('if-match')
  const ius = httpDateSeconds(h('if-unmodified-since'))
  if (ifMatch !== undefined ? !tagListHas(ifMatch, etag) : ius !== undefined && Math.floor(mtime.getTime() / 1000) > ius) {
    return s3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: ifMatch !== undefined ? 'If-Match' : 'If-Unmodified-Since' }, method)
  }
  if (notModified({ ifNoneMatch: h('if-none-match'), ifModifiedSince: h('if-modified-since') }, { etag, lastModified: mtime })) return 'not-modified'
  return undefined
}

/**
 * Answers one request to a bucket: `path` is the URL path after the host (the object key, URL-encoded, with a
 * leading `/`); the query string is ignored (no sub-resources or response overrides locally).
 *
 * @example
 * ```ts
 * const r = await serveS3({ bucket: 'assets', region: 'us-east-1', dir: '/srv/public' }, { method: 'GET', path: '/index.html', headers: {} })
 * r.ok && r.status // 200, or 403 AccessDenied for a missing key
 * ```
 */
export async function serveS3(b: LocalBucket, req: { method: string; path: string; headers: CfHeaders; onMissing?: (key: string) => void }): Promise<OriginResult> {
  const t0 = performance.now()
  const done = (r: OriginResult): OriginResult => ({ ...r, ms: performance.now() - t0 })
  if (req.method !== 'GET' && req.method !== 'HEAD') return done(accessDenied(req.method))
  let key: string
  try {
    key = decodeURIComponent(req.path.replace(/^\//, ''))
  } catch {
    return done(s3Error(400, 'InvalidURI', "Couldn't parse the specified URI.", { URI: req.path }, req.method))
  }
  const file = fileOf(b.dir, key)
  const obj = file === undefined ? undefined : await readObject(file)
  if (!obj) {
    req.onMissing?.(key)
    return done(accessDenied(req.method))
  }
  const h = (n: string): string | undefined => req.headers[n]?.[0]?.value
  const { requestId, hostId } = ids()
  const headers = head(requestId, hostId)
  headers['last-modified'] = [{ key: 'Last-Modified', value: obj.mtime.toUTCString() }]
  headers['etag'] = [{ key: 'ETag', value: obj.etag }]
  headers['x-amz-server-side-encryption'] = [{ key: 'x-amz-server-side-encryption', value: 'AES256' }]
  const pre = preconditions(h, obj.etag, obj.mtime, req.method)
  if (pre === 'not-modified') return done({ ok: true, status: 304, statusDescription: statusText(304), headers: { ...headers, server: [{ key: 'Server', value: 'AmazonS3' }] }, body: Buffer.alloc(0), ms: 0 })
  if (pre) return done(pre)
  headers['accept-ranges'] = [{ key: 'Accept-Ranges', value: 'bytes' }]
  headers['content-type'] = [{ key: 'Content-Type', value: TYPES[extname(key).toLowerCase()] ?? 'binary/octet-stream' }]
  headers['server'] = [{ key: 'Server', value: 'AmazonS3' }]
  const size = obj.body.byteLength
  const range = rangeStillValid(h('if-range'), { etag: obj.etag, lastModified: obj.mtime }) ? parseRange(h('range'), size) : undefined
  if (range?.kind === 'unsatisfiable') {
    return done(s3Error(416, 'InvalidRange', 'The requested range is not satisfiable', { RangeRequested: h('range')!, ActualObjectSize: String(size) }, req.method))
  }
  let body = obj.body
  let status = 200
  if (range?.kind === 'part') {
    status = 206
    body = obj.body.subarray(range.start, range.end + 1)
    headers['content-range'] = [{ key: 'Content-Range', value: `bytes ${range.start}-${range.end}/${size}` }]
  }
  headers['content-length'] = [{ key: 'Content-Length', value: String(body.byteLength) }]
  return done({ ok: true, status, statusDescription: statusText(status), headers, body: req.method === 'HEAD' ? Buffer.alloc(0) : body, ms: 0 })
}

/**
 * The configured buckets by name, and the answer for a request to an S3 domain: the bucket's directory, or
 * CloudFront's 502 `OriginDnsError` for a bucket no `[[edge.origins]]` S3 origin names (locally nothing else can
 * answer for it).
 *
 * @example
 * ```ts
 * const s3 = localS3([{ bucket: 'assets', region: 'us-east-1', dir: '/srv/public' }])
 * await s3.fetch('GET', 'https://assets.s3.us-east-1.amazonaws.com/index.html', {})
 * ```
 */
export function localS3(buckets: readonly LocalBucket[], onNote?: (line: string) => void): { fetch(method: string, url: string, headers: CfHeaders): Promise<OriginResult> } {
  const byName = new Map(buckets.map((b) => [b.bucket.toLowerCase(), b]))
  /** Keys already explained (each once, a bounded number). */
  const noted = new Set<string>()
  return {
    async fetch(method, url, headers) {
      const u = new URL(url)
      const name = bucketOfDomain(u.hostname)
      const b = name === undefined ? undefined : byName.get(name)
      if (!b) {
        const known = [...byName.keys()].join(', ') || 'none'
        return { ok: false, status: 502, code: 'OriginDnsError', message: `CloudFront couldn't resolve the S3 origin ${u.hostname}: no [[edge.origins]] S3 origin has ${name === undefined ? 'that domain' : `bucket "${name}"`} (local buckets: ${known}).`, ms: 0 }
      }
      const onMissing = onNote
        ? (key: string): void => {
            if (noted.has(`${b.bucket}/${key}`) || noted.size >= 1000) return
            noted.add(`${b.bucket}/${key}`)
            onNote(missingKeyNote(b, key))
          }
        : undefined
      return serveS3(b, { method, path: u.pathname, headers, ...(onMissing ? { onMissing } : {}) })
    },
  }
}

/**
 * Why a bucket answered 403 for `key`, for the dev log: the file the key would be, and — when the key without its
 * first segment names a file — that the whole path is the key (a behavior's path pattern is not removed from it).
 *
 * @example
 * ```ts
 * missingKeyNote({ bucket: 'assets', region: 'us-east-1', dir: '/app/public' }, 'public/style.css')
 * // 'bucket assets has no object "public/style.css" (no file public/public/style.css): S3 answers 403 AccessDenied
 * // (…). public/style.css is the object "style.css": the object key is the request's whole path, …'
 * ```
 */
export function missingKeyNote(b: LocalBucket, key: string): string {
  const shown = (file: string): string => {
    const r = relative(process.cwd(), file)
    return r.startsWith('..') ? file : r.split(sep).join('/')
  }
  const file = fileOf(b.dir, key)
  let note = `bucket ${b.bucket} has no object ${JSON.stringify(key)}${file === undefined ? '' : ` (no file ${shown(file)})`}: S3 answers 403 AccessDenied (without s3:ListBucket it never says 404)`
  const shorter = key.includes('/') ? fileOf(b.dir, key.slice(key.indexOf('/') + 1)) : undefined
  if (shorter !== undefined && existsSync(shorter) && statSync(shorter).isFile()) {
    note += `. ${shown(shorter)} is the object ${JSON.stringify(key.slice(key.indexOf('/') + 1))}: the object key is the request's whole path, the behavior's path pattern included`
  }
  return note
}
