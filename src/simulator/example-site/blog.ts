/**
 * The example blog origin's pages (`[[edge.origins]] id = "blog"`): a second origin on a second host
 * (`blog.localhost`), reached through the same distribution because the DynamoDB table routes that host here.
 */
import { html, type Html } from './html.js'
import type { ExamplePage, ExampleSite } from './layout.js'

const POSTS: { slug: string; title: string; date: string; summary: string; body: Html }[] = [
  {
    slug: 'one-table-many-origins',
    title: 'One table, many origins',
    date: '2026-11-02',
    summary: 'How a single CloudFront distribution serves this blog and the main site from different origins.',
    body: html`<p>This blog and the main site share one distribution, one cache behavior and the same four functions. What sends you here is one item in a DynamoDB table: host <code>blog.localhost</code>, path prefix <code>/</code>, origin <code>localhost:8789</code>.</p>
<p>The origin-request function reads the rules of the viewer’s host with a single query, keeps them in memory for a minute, and picks the longest prefix that matches the path. A host without rules of its own falls back to the rules of <code>*</code>. Adding a tenant is adding an item: no deployment, no new behavior.</p>
<p>Because the host decides the origin, it must be part of the cache key; otherwise the blog and the main site would share cached pages. The panel shows the origin that answered in <code>X-Routed-To</code>.</p>`,
  },
  {
    slug: 'what-goes-into-a-cache-key',
    title: 'What goes into a cache key',
    date: '2026-11-09',
    summary: 'Every header, cookie and query parameter in the key splits the cache. Choose them on purpose.',
    body: html`<p>CloudFront caches one copy per cache key. The pages of this site are keyed on the path, the query string, the <code>Host</code> and, for the home page only, the A/B variant: each dimension chosen because the page really differs along it.</p>
<p>The query string is normalised by the viewer-request function first: tracking parameters go, the rest is sorted. So <code>?utm_source=x&amp;b=2&amp;a=1</code> and <code>?a=1&amp;b=2</code> are one entry, not two.</p>
<p>Cookies are left out entirely. The A/B variant travels in a header that viewer-request sets from the cookie, so the rest of your cookies can’t split the cache.</p>`,
  },
]

const post = (p: (typeof POSTS)[number]): ExamplePage => ({
  title: p.title,
  cache: 'public, max-age=300',
  section: '/',
  body: () => html`<article class="post"><p class="muted small"><time datetime="${p.date}">${p.date}</time></p><h1>${p.title}</h1><p class="lead">${p.summary}</p>${p.body}</article>
<p><a href="/">← All posts</a></p>`,
})

const index: ExamplePage = {
  title: 'Posts',
  cache: 'public, max-age=60',
  section: '/',
  body: (ctx) => html`<section class="hero"><p class="eyebrow">blog.localhost</p><h1>The edge blog</h1>
<p class="lead">A second origin (port ${ctx.origin.port}) behind the same distribution: the DynamoDB table sends the host <code>blog.localhost</code> here.</p></section>
<ul class="posts">${POSTS.map((p) => html`<li><a href="/posts/${p.slug}"><h2>${p.title}</h2><p>${p.summary}</p></a><time datetime="${p.date}">${p.date}</time></li>`)}</ul>`,
}

const hello: ExamplePage = {
  title: 'Hello',
  cache: 'public, max-age=60',
  body: (ctx) => html`<h1>Hello from the blog origin</h1>
<p class="lead">The same path on the main site is answered by another origin: <a href="${ctx.links.main}/hello">/hello there</a>.</p>`,
}

/**
 * The blog origin's site.
 *
 * @example
 * ```ts
 * Object.keys(blogSite.pages) // ['/', '/index.html', '/hello', '/posts/…']
 * ```
 */
export const blogSite: ExampleSite = {
  name: 'The edge blog',
  main: false,
  pages: {
    '/': index,
    '/index.html': index,
    '/hello': hello,
    ...Object.fromEntries(POSTS.map((p) => [`/posts/${p.slug}`, post(p)])),
  },
  nav: (ctx) => [
    { href: '/', label: 'Posts' },
    { href: `${ctx.links.main}/`, label: 'edgeware example' },
    { href: `${ctx.links.main}/docs/routing`, label: 'How this is routed' },
  ],
  notFound: {
    title: 'Not found',
    cache: 'max-age=10',
    body: (ctx) => html`<h1>Not found</h1><p>The blog has no post at <code>${ctx.url}</code>.</p>`,
  },
}
