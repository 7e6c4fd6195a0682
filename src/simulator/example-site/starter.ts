/**
 * The starter example origin's pages (`[[edge.origins]] example = true`, what `edgeware init` writes): a small,
 * self-contained site about the distribution it sits behind, whatever that distribution is. Each page is one
 * document (its style inline, nothing else to fetch), says which origin served it and when, and shows the request
 * the origin received, so a reload shows what the edge cached and what it forwarded.
 */
import { Html, html } from './html.js'
import type { PageContext } from './layout.js'

/** One page of the starter site. */
interface StarterPage {
  title: string
  /** `Cache-Control` the origin sends with it. */
  cache: string
  body(ctx: PageContext): Html
}

const STYLE = `body{font:16px/1.55 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2328;margin:0;background:#fff}
.wrap{max-width:46rem;margin:0 auto;padding:0 1.25rem}header{border-bottom:1px solid #d0d7de;padding:.8rem 0}
header a{color:inherit;text-decoration:none;font-weight:600;margin-right:1.2rem}main{padding:1.5rem 0 2rem}
code,pre{font:.9em ui-monospace,SFMono-Regular,Menlo,monospace;background:#f6f8fa;border-radius:4px}code{padding:.1em .3em}
pre{padding:.8rem;overflow-x:auto}table{border-collapse:collapse;font-size:.85rem;width:100%}
th,td{text-align:left;vertical-align:top;padding:.2rem .5rem;border-bottom:1px solid #eaeef2;word-break:break-all}
th{white-space:nowrap;font-weight:600}.muted{color:#59636e}footer{border-top:1px solid #d0d7de;padding:.8rem 0;font-size:.85rem;color:#59636e}`

/** The request the origin received, header by header. */
const received = (ctx: PageContext): Html => html`<h2>The request this origin received</h2>
<p class="muted">${ctx.method} ${ctx.url} at ${ctx.served}: when this copy was fetched. On a cache hit the edge answers from this copy, so the time stays the same until the object expires.</p>
<table>${Object.entries(ctx.headers).map(([k, v]) => html`<tr><th>${k}</th><td>${Array.isArray(v) ? v.join(', ') : v}</td></tr>`)}</table>`

const home: StarterPage = {
  title: 'It works',
  cache: 'public, max-age=60',
  body: (ctx) => html`<h1>Your distribution is up</h1>
<p>This page came from the example origin <code>${ctx.origin.id}</code> (port ${ctx.origin.port}) through the local edge: your functions ran on the way, as they will in CloudFront. It says it may be cached for a minute (<code>Cache-Control: public, max-age=60</code>), so the edge keeps it for as long as your behavior's cache settings allow.</p>
<p>Watch the edge from a terminal:</p>
<pre>curl -i http://${ctx.host}/         # X-Cache: Miss, then Hit with an Age on the next call
curl -i http://${ctx.host}/about    # another page of this origin, cached for five minutes</pre>
<p>What your functions answer themselves never reaches this origin: a viewer-request function that returns a response (the project <code>edgeware init</code> writes answers <code>/api/hello</code> and redirects <code>/old</code> to <code>/</code>) shows <code>X-Cache: LambdaGeneratedResponse</code>. Any path this origin doesn't have is its 404 page.</p>
<p>When you have a real origin, point the origin's <code>url</code> in <code>wrangler.toml</code> at it and drop the line <code>example = true</code>.</p>`,
}

const about: StarterPage = {
  title: 'About',
  cache: 'public, max-age=300',
  body: (ctx) => html`<h1>About this origin</h1>
<p><code>edgeware dev</code> starts this small HTTP server because the origin <code>${ctx.origin.id}</code> in <code>wrangler.toml</code> says <code>example = true</code>. It is only a stand-in: every page is made for the request it gets, with a <code>Cache-Control</code> of its own (this one five minutes), so there is something for the edge to cache and for your functions to change.</p>
<p><a href="/">Back to the start</a></p>`,
}

const notFound: StarterPage = {
  title: 'Not found',
  cache: 'max-age=10',
  body: (ctx) => html`<h1>Not found</h1><p>The example origin <code>${ctx.origin.id}</code> has no page at <code>${ctx.url}</code>. It has <a href="/">/</a> and <a href="/about">/about</a>.</p>`,
}

const PAGES: Record<string, StarterPage> = { '/': home, '/index.html': home, '/about': about }

/**
 * The starter site's answer for `path`: status, `Cache-Control` and the whole page.
 *
 * @example
 * ```ts
 * starterPage('/about', ctx).status // 200
 * starterPage('/nope', ctx).status // 404
 * ```
 */
export function starterPage(path: string, ctx: PageContext): { status: number; cache: string; body: string } {
  const page = PAGES[path]
  const shown = page ?? notFound
  const doc = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${shown.title} · example origin ${ctx.origin.id}</title>
<style>${new Html(STYLE)}</style>
</head>
<body>
<header><div class="wrap"><a href="/">Home</a><a href="/about">About</a></div></header>
<main class="wrap">
${shown.body(ctx)}
${received(ctx)}
</main>
<footer><div class="wrap">Served by example origin <b>${ctx.origin.id}</b> (port ${ctx.origin.port}) at ${ctx.served}</div></footer>
</body>
</html>
`
  return { status: page ? 200 : 404, cache: shown.cache, body: doc.text }
}

