/**
 * The example site's page shell: header and navigation, the edge panel (filled in the browser by
 * /static/edge-panel.js from what CloudFront reported), the request the origin received, and the footer.
 * Stylesheet, logo and scripts come from the distribution's S3 bucket (public/static/).
 */
import type { IncomingHttpHeaders } from 'node:http'
import { html, type Html } from './html.js'

/** What a page knows about the request it answers. */
export interface PageContext {
  /** The example origin answering: its id in wrangler.toml and its port. */
  origin: { id: string; port: number }
  method: string
  /** Path and query as the origin received them. */
  url: string
  headers: IncomingHttpHeaders
  /** When the origin answered (ISO 8601). */
  served: string
  /** The A/B variant viewer-request assigned (`X-Ab-Variant`, forwarded by the cache policy): `a` unless `b`. */
  variant: 'a' | 'b'
  /** The host (and port) the viewer asked for, from `X-Forwarded-Host` (`localhost:8787` when unknown). */
  host: string
  /** Protocol-relative roots (no trailing slash) of the two hosts, from the viewer's host. */
  links: { main: string; blog: string }
}

/** One page of an example origin. */
export interface ExamplePage {
  title: string
  /** `Cache-Control` the origin sends with it. */
  cache: string
  /** Navigation entry it belongs to (href of the entry). */
  section?: string
  body(ctx: PageContext): Html
}

/** The example site served by one origin: its pages and how its shell looks. */
export interface ExampleSite {
  name: string
  /** The main site (links to its own pages are plain paths); the blog links back to it across hosts. */
  main: boolean
  pages: Record<string, ExamplePage>
  nav(ctx: PageContext): { href: string; label: string }[]
  /** The page for a path it doesn't have. */
  notFound: ExamplePage
}

const DEFAULT_PORT = '8787'

/**
 * The roots of the main site and the blog as the viewer reached the edge: the viewer's host (which origin-request
 * forwards as `X-Forwarded-Host`) decides the port; without it, `edgeware dev`'s default port.
 *
 * @example
 * ```ts
 * siteLinks('127.0.0.1:8787') // { main: '//127.0.0.1:8787', blog: '//blog.localhost:8787' }
 * siteLinks('blog.localhost:9000') // { main: '//localhost:9000', blog: '//blog.localhost:9000' }
 * ```
 */
export function siteLinks(viewerHost: string | undefined): PageContext['links'] {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(viewerHost ?? '')
  const host = m ? m[1]!.toLowerCase() : 'localhost'
  const port = `:${m?.[2] ?? DEFAULT_PORT}`
  const main = host.startsWith('blog.') ? host.slice('blog.'.length) : host
  return { main: `//${main}${port}`, blog: `//blog.localhost${port}` }
}

/** The request as the origin received it: what CloudFront and the functions sent on a miss. */
function received(ctx: PageContext): Html {
  const rows = Object.entries(ctx.headers).map(([k, v]) => html`<tr><th>${k}</th><td>${Array.isArray(v) ? v.join(', ') : v}</td></tr>`)
  return html`<details class="received">
<summary>The request the origin received <span class="muted">(${ctx.method} ${ctx.url}, ${ctx.served}: when this copy was fetched)</span></summary>
<p>On a miss CloudFront sends the origin what the cache policy names (Host, the A/B variant, the query string) plus its own headers; origin-request adds <code>X-Forwarded-Host</code> and the table's custom headers. A hit is served from this copy.</p>
<table class="kv">${rows}</table>
</details>`
}

/**
 * A whole page of `site`.
 *
 * @example
 * ```ts
 * const body = renderPage(site, site.pages['/about']!, ctx).text
 * ```
 */
export function renderPage(site: ExampleSite, page: ExamplePage, ctx: PageContext): Html {
  const main = site.main ? '' : ctx.links.main
  const nav = site.nav(ctx).map((n) => html`<a href="${n.href}"${n.href === page.section ? html` aria-current="page"` : ''}>${n.label}</a>`)
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · ${site.name}</title>
<link rel="icon" href="/static/logo.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/style.css">
<script src="/static/edge-panel.js" defer></script>
</head>
<body class="site-${ctx.origin.id}">
<header class="masthead"><div class="wrap">
<a class="brand" href="/"><img src="/static/logo.svg" alt="" width="28" height="28"><span>${site.name}</span></a>
<nav class="nav">${nav}</nav>
</div></header>
<div class="wrap layout">
<main class="content">
${page.body(ctx)}
${received(ctx)}
</main>
<aside class="edge-panel" id="edge-panel" aria-label="What the edge did for this page"><h2>What the edge did</h2><p class="muted">The panel reads what CloudFront reported for this page (it needs JavaScript).</p></aside>
</div>
<footer class="footer"><div class="wrap">Served by example origin <b>${ctx.origin.id}</b> (port ${ctx.origin.port}) at ${ctx.served} · <a href="${main}/legal">Legal</a> · <a href="${main}/about">About this example</a></div></footer>
</body>
</html>
`
}
