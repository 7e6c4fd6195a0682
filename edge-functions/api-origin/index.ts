/**
 * The example's regional API: a plain Lambda handler behind an API Gateway HTTP API (payload format 2.0), the
 * origin of the `/api/*` behavior (`[[edge.origins]] id = "api"` in wrangler.toml). The behavior's viewer-request
 * function answers `/api/hello`, `/api/time`, `/api/echo` and `/api/me` at the edge; every other `/api/*` request
 * misses the cache (CachingDisabled) and reaches this function through the HTTP API:
 * - `GET /api/items` (`?q=` filters by name) and `GET /api/items/{id}`: a small catalogue;
 * - `GET /api/event`: the event the HTTP API built for this very request, to see what the integration sends
 *   (the viewer's `Authorization` and cookies are masked: the event is shown back to whoever asked).
 * Anything else is a 404, which the distribution's custom error response turns into its 404 page.
 */
import type { HttpApiEvent, HttpApiResult } from 'edgeware/testing'

interface Item {
  id: string
  name: string
  /** Price in cents. */
  price: number
}

const ITEMS: readonly Item[] = [
  { id: 'mug', name: 'Edge mug', price: 1200 },
  { id: 'tee', name: 'Cache-hit T-shirt', price: 2400 },
  { id: 'stickers', name: 'Sticker pack: four stages', price: 500 },
]

const json = (statusCode: number, value: unknown, headers: Record<string, string> = {}): HttpApiResult => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  body: JSON.stringify(value),
})

/** The event as it came, with what would hand a viewer's credentials back masked. */
function shown(event: HttpApiEvent): HttpApiEvent {
  const headers = { ...event.headers }
  if (headers.authorization !== undefined) headers.authorization = '(masked)'
  return { ...event, headers, ...(event.cookies ? { cookies: event.cookies.map((c) => `${c.split('=')[0]}=(masked)`) } : {}) }
}

export const handler = async (event: HttpApiEvent): Promise<HttpApiResult> => {
  const { method } = event.requestContext.http
  const path = event.rawPath
  if (method !== 'GET' && method !== 'HEAD') return json(405, { error: `${method} is not allowed: this API only reads` }, { allow: 'GET, HEAD' })
  if (path === '/api/event') return json(200, shown(event))
  if (path === '/api/items') {
    const q = event.queryStringParameters?.q?.toLowerCase()
    return json(200, { items: q ? ITEMS.filter((i) => i.name.toLowerCase().includes(q)) : ITEMS })
  }
  const item = /^\/api\/items\/([^/]+)$/.exec(path)
  if (item) {
    const found = ITEMS.find((i) => i.id === item[1])
    return found ? json(200, found) : json(404, { error: `no item ${item[1]}` })
  }
  return json(404, { error: `no route for ${method} ${path}` })
}
