/**
 * Example site, origin-response (runs on cache misses, before CloudFront caches the answer): says which origin
 * answered (`X-Routed-To`, cached with the object like everything set here), then caching headers per path.
 * The security headers come from the behavior's response headers policy (wrangler.toml), on hits too.
 */
import { originResponse, type Middleware, type OriginResponseContext } from 'edgeware'
import { cacheControl } from 'edgeware/middleware'

/** `X-Routed-To: localhost:8788` (custom origin) or `s3 <bucket domain>`: where origin-request sent the request. */
const routedTo: Middleware<OriginResponseContext> = async function routedTo(c, next) {
  await next()
  const o = c.request.origin
  const where = o?.custom ? `${o.custom.domainName}:${o.custom.port}${o.custom.path}` : o?.s3 ? `s3 ${o.s3.domainName}${o.s3.path}` : undefined
  if (where !== undefined) c.response.headers.set('x-routed-to', where)
}

export const handler = originResponse(
  routedTo,
  cacheControl({
    rules: [
      // build output under /assets/ never changes
      { path: '/assets/*', value: 'public, max-age=31536000, immutable', override: true },
      // whatever the origin says, never cache private pages
      { path: '/private', value: 'private, no-store', override: true },
    ],
    // everything else: keep the origin's Cache-Control, or five minutes if it sent none
    default: 'public, max-age=300',
    override: false,
  }),
)
