/**
 * A tiny example origin (`[[edge.origins]] example = true`): a Node HTTP server on 127.0.0.1 with a few pages
 * that say which origin answered, each with a `Cache-Control` so the edge cache has something to do.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** A running example origin. */
export interface ExampleOrigin {
  id: string
  url: string
  port: number
  /** Requests served so far. */
  readonly hits: number
  close(): Promise<void>
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

const PAGES: Record<string, { title: string; cache: string; text: string }> = {
  '/': { title: 'Home', cache: 'public, max-age=60', text: 'The home page. Cached for 60 s (max-age=60).' },
  '/docs/': { title: 'Docs', cache: 'public, max-age=300', text: 'The docs index. Cached for 5 minutes.' },
  '/docs/index.html': { title: 'Docs', cache: 'public, max-age=300', text: 'The docs index (index.html). Cached for 5 minutes.' },
  '/about': { title: 'About', cache: 'public, s-maxage=120, max-age=0', text: 'About. Browsers revalidate (max-age=0), the edge keeps it 2 minutes (s-maxage=120).' },
  '/hello': { title: 'Hello', cache: 'public, max-age=60', text: 'Hello from the example origin. Cached for 60 s.' },
  '/private': { title: 'Private', cache: 'private, no-store', text: 'Never cached at the edge (private, no-store).' },
}

/**
 * Starts an example origin on 127.0.0.1:`port` (0 = any free port).
 *
 * @example
 * ```ts
 * const o = await startExampleOrigin({ id: 'app', port: 8788 })
 * console.log(o.url) // http://localhost:8788
 * await o.close()
 * ```
 */
export async function startExampleOrigin(opts: { id: string; port: number }): Promise<ExampleOrigin> {
  let hits = 0
  const server = http.createServer({ keepAliveTimeout: 5000 }, (req, res) => {
    hits++
    const url = new URL(req.url ?? '/', 'http://origin')
    const page = PAGES[url.pathname]
    const served = new Date().toISOString()
    const rows = Object.entries(req.headers)
      .map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(Array.isArray(v) ? v.join(', ') : (v ?? ''))}</td></tr>`)
      .join('')
    const nav = Object.keys(PAGES)
      .map((p) => `<a href="${p}">${p}</a>`)
      .join(' · ')
    const body =
      `<!doctype html><html><head><meta charset="utf-8"><title>${esc(page?.title ?? 'Not found')} · origin ${esc(opts.id)}</title><link rel="stylesheet" href="/static/style.css"></head><body>` +
      `<h1>${esc(page?.title ?? '404 Not found')}</h1><p>Answered by example origin <b>${esc(opts.id)}</b> (port ${opts.port}) at ${served}.</p>` +
      `<p>${esc(page?.text ?? `Nothing at ${url.pathname}. 404s are cached by the edge for 10 s (CloudFront's error caching minimum TTL).`)}</p>` +
      `<p>${nav}</p><h2>${esc(req.method ?? 'GET')} ${esc(req.url ?? '/')}: headers the origin received</h2><table>${rows}</table></body></html>`
    res.writeHead(page ? 200 : 404, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': page?.cache ?? 'max-age=10',
      'X-Origin': opts.id,
      'X-Served-At': served,
      'Content-Length': Buffer.byteLength(body),
    })
    res.end(req.method === 'HEAD' ? undefined : body)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new Error(`example origin "${opts.id}": port ${opts.port} on 127.0.0.1 is already in use: stop what is using it, or give the origin another port in its url in wrangler.toml`) : e),
    )
    server.listen(opts.port, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
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
