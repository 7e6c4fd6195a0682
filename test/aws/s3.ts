/**
 * An S3 stand-in (REST XML, path-style): HeadBucket, HeadObject, PutObject, GetObject, and multipart uploads
 * (CreateMultipartUpload, UploadPart, ListMultipartUploads, ListParts, CompleteMultipartUpload,
 * AbortMultipartUpload) with S3's rules: ETag = MD5 of the bytes (of each part; `"md5-of-part-md5s-N"` for a
 * completed multipart object), parts of at least 5 MiB but the last, NoSuchBucket / NoSuchKey / NoSuchUpload.
 */
import { createHash, randomUUID } from 'node:crypto'
import type { ServiceHandler, StandinRequest, StandinResponse } from './server.js'

/** What the stand-in stores. */
export interface S3State {
  /** bucket → its Region. */
  buckets: Map<string, string>
  /** `bucket/key` → object. */
  objects: Map<string, { body: Buffer; etag: string }>
  uploads: Map<string, { bucket: string; key: string; initiated: Date; parts: Map<number, { body: Buffer; etag: string }> }>
  /** S3's minimum part size (all but the last part). */
  minPartBytes: number
}

/** An empty S3 with the given buckets (name → Region). */
export function s3State(buckets: Record<string, string> = {}): S3State {
  return { buckets: new Map(Object.entries(buckets)), objects: new Map(), uploads: new Map(), minPartBytes: 5 * 1024 * 1024 }
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex')
const xml = (status: number, body: string, headers: Record<string, string> = {}): StandinResponse => ({
  status,
  headers: { 'content-type': 'application/xml', ...headers },
  body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`,
})
const error = (status: number, code: string, message: string): StandinResponse => xml(status, `<Error><Code>${code}</Code><Message>${message}</Message><RequestId>r</RequestId></Error>`)
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** Path-style `/bucket/key…`. */
function target(req: StandinRequest): { bucket: string; key: string } {
  const [, bucket = '', ...rest] = req.path.split('/')
  return { bucket, key: rest.join('/') }
}

/** The body of a request sent with `Content-Encoding: aws-chunked` (flexible checksums), decoded. */
function payload(req: StandinRequest): Buffer {
  const enc = String(req.headers['content-encoding'] ?? '')
  if (!enc.includes('aws-chunked')) return req.body
  const out: Buffer[] = []
  let i = 0
  const b = req.body
  for (;;) {
    const nl = b.indexOf('\r\n', i)
    const size = parseInt(b.subarray(i, nl).toString('latin1').split(';')[0]!, 16)
    if (!size) break
    out.push(b.subarray(nl + 2, nl + 2 + size))
    i = nl + 2 + size + 2
  }
  return Buffer.concat(out)
}

/** The S3 service over a state. */
export function s3Service(state: S3State): ServiceHandler {
  return {
    operation(req) {
      const { bucket, key } = target(req)
      const q = req.query
      const m = req.method
      const action =
        m === 'HEAD' && !key ? 'HeadBucket'
        : m === 'HEAD' ? 'HeadObject'
        : m === 'GET' && q.has('uploads') ? 'ListMultipartUploads'
        : m === 'GET' && q.has('uploadId') ? 'ListParts'
        : m === 'GET' ? 'GetObject'
        : m === 'POST' && q.has('uploads') ? 'CreateMultipartUpload'
        : m === 'POST' && q.has('uploadId') ? 'CompleteMultipartUpload'
        : m === 'PUT' && q.has('partNumber') ? 'UploadPart'
        : m === 'PUT' ? 'PutObject'
        : m === 'DELETE' && q.has('uploadId') ? 'AbortMultipartUpload'
        : `${m} ${req.path}`
      const input: Record<string, unknown> = { Bucket: bucket }
      if (key) input.Key = key
      if (q.has('partNumber')) input.PartNumber = Number(q.get('partNumber'))
      if (q.has('uploadId')) input.UploadId = q.get('uploadId')
      if (q.has('prefix')) input.Prefix = q.get('prefix')
      if (action === 'PutObject' || action === 'UploadPart') input.Bytes = payload(req).length
      return { action, input }
    },
    handle(req, action) {
      const { bucket, key } = target(req)
      const region = state.buckets.get(bucket)
      if (region === undefined) return action === 'HeadBucket' || action === 'HeadObject' ? { status: 404 } : error(404, 'NoSuchBucket', 'The specified bucket does not exist')
      if (action === 'HeadBucket') return { status: 200, headers: { 'x-amz-bucket-region': region } }
      const id = `${bucket}/${key}`
      const upload = (): ReturnType<S3State['uploads']['get']> => {
        const u = state.uploads.get(String(req.query.get('uploadId')))
        return u && u.bucket === bucket && u.key === key ? u : undefined
      }
      switch (action) {
        case 'HeadObject':
        case 'GetObject': {
          const o = state.objects.get(id)
          if (!o) return action === 'HeadObject' ? { status: 404 } : error(404, 'NoSuchKey', 'The specified key does not exist.')
          return { status: 200, headers: { etag: o.etag, 'content-length': String(o.body.length), 'content-type': 'application/zip' }, body: action === 'GetObject' ? o.body : undefined }
        }
        case 'PutObject': {
          const body = payload(req)
          const etag = `"${md5(body)}"`
          state.objects.set(id, { body, etag })
          return { status: 200, headers: { etag } }
        }
        case 'CreateMultipartUpload': {
          const uploadId = randomUUID()
          state.uploads.set(uploadId, { bucket, key, initiated: new Date(), parts: new Map() })
          return xml(200, `<InitiateMultipartUploadResult><Bucket>${esc(bucket)}</Bucket><Key>${esc(key)}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`)
        }
        case 'UploadPart': {
          const u = upload()
          if (!u) return error(404, 'NoSuchUpload', 'The specified upload does not exist.')
          const body = payload(req)
          const etag = `"${md5(body)}"`
          u.parts.set(Number(req.query.get('partNumber')), { body, etag })
          return { status: 200, headers: { etag } }
        }
        case 'ListMultipartUploads': {
          const prefix = req.query.get('prefix') ?? ''
          const items = [...state.uploads.entries()]
            .filter(([, u]) => u.bucket === bucket && u.key.startsWith(prefix))
            .map(([uid, u]) => `<Upload><Key>${esc(u.key)}</Key><UploadId>${uid}</UploadId><Initiated>${u.initiated.toISOString()}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`)
          return xml(200, `<ListMultipartUploadsResult><Bucket>${esc(bucket)}</Bucket><Prefix>${esc(prefix)}</Prefix><IsTruncated>false</IsTruncated>${items.join('')}</ListMultipartUploadsResult>`)
        }
        case 'ListParts': {
          const u = upload()
          if (!u) return error(404, 'NoSuchUpload', 'The specified upload does not exist.')
          const parts = [...u.parts.entries()].sort((a, b) => a[0] - b[0]).map(([n, p]) => `<Part><PartNumber>${n}</PartNumber><ETag>${esc(p.etag)}</ETag><Size>${p.body.length}</Size></Part>`)
          return xml(200, `<ListPartsResult><Bucket>${esc(bucket)}</Bucket><Key>${esc(key)}</Key><UploadId>${req.query.get('uploadId')}</UploadId><IsTruncated>false</IsTruncated>${parts.join('')}</ListPartsResult>`)
        }
        case 'CompleteMultipartUpload': {
          const u = upload()
          if (!u) return error(404, 'NoSuchUpload', 'The specified upload does not exist.')
          const listed = [...req.body.toString('utf8').matchAll(/<PartNumber>(\d+)<\/PartNumber>\s*<ETag>([^<]+)<\/ETag>|<ETag>([^<]+)<\/ETag>\s*<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => ({
            n: Number(m[1] ?? m[4]),
            etag: (m[2] ?? m[3]!).replace(/&quot;/g, '"'),
          }))
          const bodies: Buffer[] = []
          for (const [i, p] of listed.entries()) {
            const have = u.parts.get(p.n)
            if (!have || have.etag !== p.etag) return error(400, 'InvalidPart', `One or more of the specified parts could not be found: part ${p.n}`)
            if (i < listed.length - 1 && have.body.length < state.minPartBytes) return error(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.')
            bodies.push(have.body)
          }
          const digest = createHash('md5').update(Buffer.concat(listed.map((p) => Buffer.from(p.etag.replace(/"/g, ''), 'hex')))).digest('hex')
          const etag = `"${digest}-${listed.length}"`
          state.objects.set(id, { body: Buffer.concat(bodies), etag })
          state.uploads.delete(String(req.query.get('uploadId')))
          return xml(200, `<CompleteMultipartUploadResult><Bucket>${esc(bucket)}</Bucket><Key>${esc(key)}</Key><ETag>${esc(etag)}</ETag></CompleteMultipartUploadResult>`)
        }
        case 'AbortMultipartUpload':
          state.uploads.delete(String(req.query.get('uploadId')))
          return { status: 204 }
        default:
          return error(405, 'MethodNotAllowed', `${action} is not supported here`)
      }
    },
  }
}
