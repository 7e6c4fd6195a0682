/**
 * The fields of a request's access log line the console line doesn't need (reference §10.2 [LOG]): gathered at the
 * edge only when `edgeware dev --log-file` keeps a log; the host writes the line (access-log.ts).
 */
import type { AccessFields } from '../protocol.js'
import type { Ctx } from './context.js'

/** `HTTP/1.1 200 OK\r\n` and the blank line after the headers, roughly: the reason phrase varies. */
const STATUS_LINE_BYTES = 19

/**
 * What the access log needs of a request and the response going back (`res` carries `Content-Length` when it has
 * a body; see respond.ts).
 *
 * @example
 * ```ts
 * if (ctx.cfg.accessLog) ctx.log.access = accessFields(ctx, res)
 * ```
 */
export function accessFields(ctx: Ctx, res: Response): AccessFields {
  const v = ctx.viewer ?? {}
  const h = (name: string): string | undefined => v[name]?.map((e) => e.value).join(name === 'cookie' ? '; ' : ',')
  let head = STATUS_LINE_BYTES
  res.headers.forEach((value, name) => {
    head += name.length + value.length + 4
  })
  const contentLength = res.headers.get('content-length') ?? undefined
  const out: AccessFields = {
    protocol: ctx.proto,
    httpVersion: ctx.wire?.httpVersion ?? '1.1',
    clientIp: ctx.clientIp,
    clientPort: ctx.wire?.port ?? 0,
    requestBytes: (ctx.wire?.headBytes ?? 0) + Number(h('content-length') ?? 0),
    responseBytes: head + Number(contentLength ?? 0),
  }
  const fields: [keyof AccessFields, string | undefined][] = [
    ['referer', h('referer')],
    ['userAgent', h('user-agent')],
    ['cookie', h('cookie')],
    ['forwardedFor', h('x-forwarded-for')],
    ['tls', ctx.wire?.tls],
    ['contentType', res.headers.get('content-type') ?? undefined],
    ['contentLength', contentLength],
  ]
  for (const [k, value] of fields) if (value !== undefined) Object.assign(out, { [k]: value })
  const range = /^bytes (\d+)-(\d+)\//.exec(res.headers.get('content-range') ?? '')
  if (range) out.range = [Number(range[1]), Number(range[2])]
  return out
}
