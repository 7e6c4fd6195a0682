/**
 * origin-request for the default behavior: routes each request to the origin the DynamoDB origin table holds for
 * the viewer's host (see docs/origin.md). Locally the table is dynalite, seeded from edge-functions/origins.seed.json:
 * `blog.localhost` goes to the blog origin (localhost:8789), every other host to the app origin (localhost:8788),
 * and `/assets/*` to the app origin's `/static` path.
 *
 * The cache policy forwards Host (it is in the cache key), so the lookup sees the viewer's host here. The rule
 * then sets Host to the origin's own name, so the viewer's host goes on in `X-Forwarded-Host` (the example
 * pages build their links to the other host from it).
 * `ORIGINS_TABLE` comes from wrangler.toml [vars] and is baked into the bundle; so is the local DynamoDB endpoint
 * in `edgeware dev`. For a Global Table on AWS, list its replicas: the one in the function's region is tried first.
 */
import { originRequest, type Middleware, type OriginRequestContext } from 'edgeware'
import { dynamoOrigin } from 'edgeware/origin'

const forwardedHost: Middleware<OriginRequestContext> = async function forwardedHost(c, next) {
  const host = c.request.headers.get('host')
  if (host !== undefined) c.request.headers.set('x-forwarded-host', host)
  await next()
}

export const handler = originRequest(
  forwardedHost,
  dynamoOrigin({
    table: process.env.ORIGINS_TABLE!,
    replicas: ['us-east-1', 'eu-west-1', 'ap-southeast-1'],
    ttl: 60, // rules are fresh for a minute per container
    negativeTtl: 10, // a host with no rule of its own is asked again after 10 s
    staleTtl: 300, // then served stale while refreshing, or while DynamoDB is failing, for up to 5 more minutes
    timeoutMs: 1000, // a lookup (both replicas included) never takes longer than this
    fallback: 'pass-through', // no rule at all: keep the behavior's own origin
  }),
)
