/**
 * A tiny example origin (`[[edge.origins]] example = …`): a Node HTTP server on 127.0.0.1 serving example pages,
 * each with a `Cache-Control` so the edge cache has something to do. `example = true` serves the starter site
 * (example-site/starter.ts), about whatever distribution it sits behind. `example = "tour"` serves the guided tour
 * of edgeware's own example distribution (src/simulator/example-site/): an origin with id `blog` the example blog,
 * any other id the example app (docs, API guide, about, …) and its build output under `/static/assets/`.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { APP_ASSETS } from './example-site/assets.js'
import { appSite } from './example-site/app.js'
import { blogSite } from './example-site/blog.js'
import { renderPage, siteLinks, type PageContext } from './example-site/layout.js'
import { starterPage } from './example-site/starter.js'

/** A running example origin. */
export interface ExampleOrigin {
  id: string
  url: string
  port: number
  /** Requests served so far. */
  readonly hits: number
  close(): Promise<void>
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v)

/** What an example origin serves: the starter site (`example = true`) or the guided tour (`example = "tour"`). */
export type ExampleKind = 'starter' | 'tour'

/** Status, headers and body of one answer. */
function answer(id: string, port: number, kind: ExampleKind, req: http.IncomingMessage, edgeHost: string | undefined): { status: number; type: string; cache: string; body: string; served: string } {
  const url = new URL(req.url ?? '/', 'http://origin')
  const served = new Date().toISOString()
  const site = id === 'blog' ? blogSite : appSite
  const asset = kind === 'tour' && site === appSite ? APP_ASSETS[url.pathname] : undefined
  if (asset) return { status: 200, type: asset.type, cache: 'public, max-age=86400', body: asset.body, served }
  const host = first(req.headers['x-forwarded-host']) ?? edgeHost
  const ctx: PageContext = {
    origin: { id, port },
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    headers: req.headers,
    served,
    variant: first(req.headers['x-ab-variant']) === 'b' ? 'b' : 'a',
    host: host ?? 'localhost:8787',
    links: siteLinks(host),
  }
  if (kind === 'starter') return { ...starterPage(url.pathname, ctx), type: 'text/html; charset=utf-8', served }
  const page = site.pages[url.pathname]
  const shown = page ?? site.notFound
  return { status: page ? 200 : 404, type: 'text/html; charset=utf-8', cache: shown.cache, body: renderPage(site, shown, ctx).text, served }
}

/**
 * Starts an example origin on 127.0.0.1:`port` (0 = any free port), serving the guided tour unless `kind` is
 * `starter`. `edgeHost` gives the host and port viewers reach the edge at (`localhost:8797`), for the pages' links
 * and commands when a request doesn't say it (`X-Forwarded-Host`); else `localhost:8787`.
 *
 * @example
 * ```ts
 * const o = await startExampleOrigin({ id: 'app', port: 8788, kind: 'starter' })
 * console.log(o.url) // http://localhost:8788
 * await o.close()
 * ```
 */
export async function startExampleOrigin(opts: { id: string; port: number; kind?: ExampleKind; edgeHost?: () => string | undefined }): Promise<ExampleOrigin> {
  const kind = opts.kind ?? 'tour'
  let hits = 0
  let port = opts.port
  const server = http.createServer({ keepAliveTimeout: 5000 }, (req, res) => {
    hits++
    const a = answer(opts.id, port, kind, req, opts.edgeHost?.())
    res.writeHead(a.status, {
      'Content-Type': a.type,
      'Cache-Control': a.cache,
      'X-Origin': opts.id,
      'X-Served-At': a.served,
      'Content-Length': Buffer.byteLength(a.body),
    })
    res.end(req.method === 'HEAD' ? undefined : a.body)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new Error(`example origin "${opts.id}": port ${opts.port} on 127.0.0.1 is already in use: stop what is using it, or give the origin another port in its url in wrangler.toml`) : e),
    )
    server.listen(opts.port, '127.0.0.1', () => resolve())
  })
  port = (server.address() as AddressInfo).port
  return {
    id: opts.id,
    url: `http://localhost:${port}`,
    port,
    get hits() {
      return hits
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
