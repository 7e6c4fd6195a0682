/**
 * Example `/api/*` behavior, viewer-request with IncludeBody: a small Hono app answered at the edge.
 * Routes it doesn't know (e.g. `/api/unknown`) go on to the origin unchanged.
 *
 * `/api/me` needs a JWT signed (HS256) with the secret JWT_SECRET. `secret()` reads it once per container: from SSM
 * Parameter Store on AWS (`/edgeware-example/JWT_SECRET`, see docs/deploy.md), from `.dev.vars` locally (or the
 * committed `.dev.vars.example` in a fresh clone).
 */
import { Hono } from 'hono'
import { path, viewerRequest } from 'edgeware'
import { hono, type EdgeBindings } from 'edgeware/hono'
import { cors, jwtAuth } from 'edgeware/middleware'
import { secret } from 'edgeware/secrets'

const app = new Hono<{ Bindings: EdgeBindings }>()

app.get('/api/hello', (c) => c.json({ hello: c.req.query('name') ?? 'edge', requestId: c.env.edge.requestId }))

// The body arrives through CloudFront's IncludeBody (base64, truncated over 40 KB in viewer-request).
app.post('/api/echo', async (c) => {
  const body = c.env.edge.request.body
  if (body?.inputTruncated) return c.json({ error: 'body over 40 KB' }, 413)
  return c.json({ method: c.req.method, contentType: c.req.header('content-type') ?? null, body: await c.req.text() })
})

app.get('/api/time', (c) => c.json({ now: new Date().toISOString() }, 200, { 'Cache-Control': 'no-store' }))

// Only reached with a valid token: jwtAuth answered 401 otherwise.
app.get('/api/me', (c) => c.json({ sub: c.env.edge.get('jwt')?.sub ?? null }, 200, { 'Cache-Control': 'private, no-store' }))

export const handler = viewerRequest(
  cors({ origin: '*', maxAge: 600 }),
  path('/api/me', jwtAuth({ secret: () => secret('JWT_SECRET') })),
  hono(app),
)
