/**
 * The example app origin's pages (`[[edge.origins]] id = "app"`): the home page and a short guide to what the
 * example distribution does, each page pointing at something to try and watch in the edge panel.
 */
import { html, type Html } from './html.js'
import type { ExamplePage, ExampleSite, PageContext } from './layout.js'

const DOCS: [href: string, title: string, blurb: string][] = [
  ['/docs/intro', 'How a request flows', 'The four stages, and which of the example’s functions run on a hit and on a miss.'],
  ['/docs/caching', 'Caching', 'A custom cache policy for pages, CachingOptimized for the bucket, TTLs from Cache-Control, Age on hits.'],
  ['/docs/routing', 'Routing from DynamoDB', 'One table sends each host and path to its origin: this site, the blog, /assets.'],
  ['/docs/api', 'An API at the edge', 'A Hono app answering in viewer-request, with CORS and JWT authentication.'],
  ['/docs/redirects', 'Redirects', 'Old URLs answered at the edge, before the cache and the origin.'],
  ['/docs/errors', 'Error pages', 'A custom 404 page from the S3 bucket, and S3’s own 403.'],
]

/** The guide's own navigation, above each guide page. */
function docsNav(current: string): Html {
  return html`<nav class="pills" aria-label="Guide">${DOCS.map(([href, title]) => html`<a href="${href}"${href === current ? html` aria-current="page"` : ''}>${title}</a>`)}</nav>`
}

function doc(href: string, cache: string, body: (ctx: PageContext) => Html, section = '/docs/'): ExamplePage {
  const title = DOCS.find((d) => d[0] === href)![1]
  return { title, cache, section, body: (ctx) => html`${docsNav(href)}<h1>${title}</h1>${body(ctx)}` }
}

const HERO = {
  a: {
    title: 'CloudFront Lambda@Edge, as composable middleware',
    lead: 'Write each stage as small (c, next) middleware, run the whole distribution on your machine, and ship it as zips and a CloudFormation template.',
  },
  b: {
    title: 'Your CloudFront distribution, running on your laptop',
    lead: 'Five Lambda@Edge functions, a DynamoDB routing table, an S3 bucket and two origins, served by edgeware dev and answering as CloudFront would.',
  },
}

const home: ExamplePage = {
  title: 'Home',
  cache: 'public, max-age=60',
  section: '/',
  body: (ctx) => html`<section class="hero">
<p class="eyebrow">A/B test · variant <b>${ctx.variant}</b></p>
<h1>${HERO[ctx.variant].title}</h1>
<p class="lead">${HERO[ctx.variant].lead}</p>
<p class="muted small">viewer-request assigned your variant and the <code>ab</code> cookie keeps it; the cache policy keys on it, so each variant has its own cached copy of this page (other pages don’t vary, and have one).</p>
</section>
<h2>What this site shows</h2>
<div class="cards">${DOCS.map(([href, title, blurb]) => html`<a class="card" href="${href}"><h3>${title}</h3><p>${blurb}</p></a>`)}</div>
<div class="callout"><h3>Also served by this distribution: a blog</h3>
<p>Another origin on another host. The DynamoDB table sends <code>blog.localhost</code> there: <a href="${ctx.links.blog}/">open the blog</a>, or read <a href="/docs/routing">how the routing works</a>.</p></div>
<h2>Try this</h2>
<ul class="try">
<li>Reload this page: the panel’s cache status turns from <b>Miss</b> to <b>Hit</b> and <b>Age</b> counts up, until the copy expires after 60 s (<code>max-age=60</code>).</li>
<li>Follow <a href="/old">/old</a>: viewer-request answers with a 301 before the cache, and the panel says you arrived through a redirect.</li>
<li>Open <a href="/private">a page that is never cached</a>: it is a <b>Miss</b> on every load.</li>
<li>Call <a href="/api/hello?name=Ada">/api/hello</a>, answered at the edge by a Hono app (<a href="/docs/api">more</a>).</li>
</ul>`,
}

const docsIndex: ExamplePage = {
  title: 'Docs',
  cache: 'public, max-age=300',
  section: '/docs/',
  body: () => html`<h1>A guided tour</h1>
<p class="lead">Each page explains one thing the example distribution does and gives you something to try. The panel beside every page shows what the edge did for it.</p>
<ol class="toc">${DOCS.map(([href, title, blurb]) => html`<li><a href="${href}">${title}</a><span>${blurb}</span></li>`)}</ol>
<p class="muted">You reached this page as <code>/docs/</code>; viewer-request’s <code>directoryIndex()</code> asked the origin for <code>/docs/index.html</code>.</p>`,
}

const intro = doc(
  '/docs/intro',
  'public, max-age=300',
  () => html`<p class="lead">CloudFront runs up to four Lambda@Edge functions per cache behavior. Two face the viewer and run on every request; two face the origin and run only when the cache misses.</p>
<figure class="figure"><img src="/assets/request-flow.svg" alt="The viewer's request goes through viewer-request to the cache; on a miss through origin-request to the origin and back through origin-response into the cache; then through viewer-response to the viewer." width="720" height="250"></figure>
<table class="grid">
<thead><tr><th>Stage</th><th>Runs</th><th>In this example</th></tr></thead>
<tbody>
<tr><td>viewer-request</td><td>every request, before the cache</td><td><code>site/viewer-request.ts</code>: redirects, URL normalisation, directory indexes, the home page’s A/B variant</td></tr>
<tr><td>origin-request</td><td>cache misses</td><td><code>site/origin-request.ts</code>: picks the origin from the DynamoDB table</td></tr>
<tr><td>origin-response</td><td>cache misses, before the answer is cached</td><td><code>site/origin-response.ts</code>: <code>X-Routed-To</code>, <code>Cache-Control</code> per path</td></tr>
<tr><td>viewer-response</td><td>every response below 400</td><td><code>site/viewer-response.ts</code>: the A/B cookie for new viewers</td></tr>
</tbody>
</table>
<p>The <code>/api/*</code> behavior has its own viewer-request function (<a href="/docs/api">a Hono app</a>), and <code>/static/*</code> comes straight from the S3 bucket, with no function at all.</p>
<p>You reached this page as <code>/docs/intro</code>; <a href="/documentation/intro">/documentation/intro</a> still works, as a redirect.</p>`,
)

const caching = doc(
  '/docs/caching',
  'public, max-age=300',
  (ctx) => html`<p class="lead">Pages use the custom cache policy <code>site-pages</code>: the key is the path, the query string, the <code>Host</code> and, on the home page, the A/B variant; the TTL is what the origin’s <code>Cache-Control</code> says.</p>
<table class="grid">
<thead><tr><th>Path</th><th>Cached at the edge</th><th>Because</th></tr></thead>
<tbody>
<tr><td><a href="/">/</a></td><td>60 s</td><td>the origin sends <code>max-age=60</code></td></tr>
<tr><td><a href="/docs/">/docs/…</a></td><td>5 minutes</td><td><code>max-age=300</code></td></tr>
<tr><td><a href="/about">/about</a></td><td>2 minutes; browsers revalidate</td><td><code>s-maxage=120, max-age=0</code></td></tr>
<tr><td><a href="/private">/private</a></td><td>never</td><td>origin-response sets <code>private, no-store</code> whatever the origin says</td></tr>
<tr><td><a href="/assets/request-flow.svg">/assets/…</a></td><td>a year</td><td>origin-response sets <code>immutable</code> for build output</td></tr>
<tr><td><a href="/static/style.css">/static/…</a></td><td>a day</td><td>the managed policy <code>CachingOptimized</code> (the bucket sends no <code>Cache-Control</code>)</td></tr>
<tr><td><a href="/broken" data-expect-status="404">a 404</a></td><td>10 s</td><td>the custom error response’s <code>error_caching_min_ttl</code></td></tr>
</tbody>
</table>
<p>Reload any page and watch the panel: the first load is a <b>Miss</b> (origin-request and origin-response ran), later ones a <b>Hit</b> with a growing <b>Age</b> (only the viewer functions ran). The security headers are on both: a response headers policy adds them to every response, cached or not.</p>
<p>With <code>curl -i ${ctx.host}/docs/</code> twice you see the same in the <code>X-Cache</code> and <code>Age</code> headers.</p>`,
)

const routing = doc(
  '/docs/routing',
  'public, max-age=300',
  (ctx) => html`<p class="lead">The default behavior’s origin-request function looks up the viewer’s host in a DynamoDB table and sends the request to the origin of the longest matching path prefix. Locally the table is dynalite, seeded from <code>edge-functions/origins.seed.json</code>.</p>
<table class="grid">
<thead><tr><th>host</th><th>pathPrefix</th><th>Origin</th><th>Try</th></tr></thead>
<tbody>
<tr><td><code>*</code></td><td><code>/</code></td><td>app, <code>localhost:8788</code></td><td><a href="/hello">/hello</a></td></tr>
<tr><td><code>*</code></td><td><code>/assets</code></td><td>app, origin path <code>/static</code>, header <code>X-Origin-Route: assets</code></td><td><a href="/assets/request-flow.svg">/assets/request-flow.svg</a></td></tr>
<tr><td><code>blog.localhost</code></td><td><code>/</code></td><td>blog, <code>localhost:8789</code>, header <code>X-Tenant: blog</code></td><td><a href="${ctx.links.blog}/hello">blog.localhost/hello</a></td></tr>
</tbody>
</table>
<p>This page was asked for with the host <code>${ctx.host}</code> and answered by origin <b>${ctx.origin.id}</b>. <code>Host</code> is in the cache key, so each host has its own cached copies.</p>
<h2>The blog host</h2>
<p>Browsers send any <code>*.localhost</code> name to your own machine (Chrome, Edge and Firefox do; Safari may not), so <a href="${ctx.links.blog}/">${ctx.links.blog.slice(2)}</a> reaches this same local edge with <code>Host: blog.localhost</code>, and the table routes it to the blog origin. Without a browser:</p>
<pre><code>curl -i -H 'Host: blog.localhost' ${ctx.host}/</code></pre>
<p>Change the table while <code>edgeware dev</code> runs with <code>npx edgeware origins</code> (see docs/origin.md); the function reads each host’s rules once a minute.</p>`,
)

const api = doc(
  '/docs/api',
  'public, max-age=300',
  (ctx) => html`<p class="lead">Requests under <code>/api/*</code> go through their own cache behavior, whose viewer-request function is a small Hono app behind <code>cors()</code>. A route it knows is answered right there, before the cache (<code>X-Cache: LambdaGeneratedResponse</code>); any other path goes on to the origin.</p>
<table class="grid">
<thead><tr><th>Route</th><th>Answer</th></tr></thead>
<tbody>
<tr><td><a href="/api/hello?name=Ada">GET /api/hello?name=Ada</a></td><td><code>{"hello":"Ada","requestId":…}</code></td></tr>
<tr><td><a href="/api/time">GET /api/time</a></td><td>the time at the edge, <code>Cache-Control: no-store</code></td></tr>
<tr><td>POST /api/echo</td><td>the request body, which CloudFront passes to viewer-request (IncludeBody)</td></tr>
<tr><td>GET /api/me</td><td>401 without a token; the token’s <code>sub</code> with a valid one (<code>jwtAuth</code>, HS256)</td></tr>
</tbody>
</table>
<h2>Try it</h2>
<div class="try-api" id="try-api">
<div class="row"><label for="api-name">Name</label><input id="api-name" value="Ada" autocomplete="off"><button type="button" data-call="hello">GET /api/hello</button><button type="button" data-call="time">GET /api/time</button></div>
<div class="row"><label for="api-body">Body</label><input id="api-body" value='{"a":1}' autocomplete="off"><button type="button" data-call="echo">POST /api/echo</button></div>
<div class="row"><label for="api-token">Token</label><input id="api-token" placeholder="paste a token from npm run -s token" autocomplete="off"><button type="button" data-call="me">GET /api/me</button></div>
<pre class="api-out" id="api-out" aria-live="polite">Pick a call.</pre>
</div>
<h2>A token for /api/me</h2>
<p><code>jwtAuth</code> checks an HS256 token signed with the secret <code>JWT_SECRET</code>. On AWS, <code>secret()</code> reads it from SSM Parameter Store; under <code>edgeware dev</code> from <code>.dev.vars</code>, or the committed <code>.dev.vars.example</code> in a fresh clone. In the repository, this prints a token signed with it (subject <code>ada</code>, valid for an hour; <code>npm run -s token -- grace</code> for another subject):</p>
<pre><code>npm run -s token</code></pre>
<p>Paste it above, or use it with curl:</p>
<pre><code>TOKEN=$(npm run -s token)
curl -i -H "Authorization: Bearer $TOKEN" ${ctx.host}/api/me</code></pre>
<script src="/static/api-demo.js" defer></script>`,
  '/docs/api',
)

const redirectsPage = doc(
  '/docs/redirects',
  'public, max-age=300',
  () => html`<p class="lead">viewer-request’s <code>redirects()</code> answers these before the cache, so a redirect costs no origin request. Each link below lands on a real page; the panel there says you arrived through a redirect.</p>
<table class="grid">
<thead><tr><th>From</th><th>To</th><th>Status</th></tr></thead>
<tbody>
<tr><td><a href="/old">/old</a></td><td>/docs/redirects (this page)</td><td>301</td></tr>
<tr><td><a href="/documentation/intro">/documentation/*</a></td><td>/docs/*</td><td>301</td></tr>
<tr><td><a href="/docs">/docs</a></td><td>/docs/</td><td>301</td></tr>
<tr><td><a href="/home">/home</a></td><td>/</td><td>301</td></tr>
<tr><td><a href="/team?ref=footer">/team</a></td><td>/about, query string dropped</td><td>302</td></tr>
</tbody>
</table>
<p>After the redirects, <code>normalize()</code> strips tracking parameters and sorts the query string, so <a href="/about?utm_source=mail&amp;b=2&amp;a=1">/about?utm_source=mail&amp;b=2&amp;a=1</a> and <a href="/about?a=1&amp;b=2">/about?a=1&amp;b=2</a> share one cached copy (the origin sees <code>/about?a=1&amp;b=2</code>).</p>`,
)

const errors = doc(
  '/docs/errors',
  'public, max-age=300',
  (ctx) => html`<p class="lead">When an origin answers 404, CloudFront replaces the answer with <code>/static/404.html</code> from the S3 bucket, keeps the 404 status, and caches the error for 10 seconds (<code>[[edge.custom_error_responses]]</code> in wrangler.toml).</p>
<p><a href="/broken" data-expect-status="404">This link is broken on purpose</a>: it shows the custom error page, with <code>X-Cache: Error from cloudfront</code>. viewer-response doesn’t run for it (the status is 400 or more), and its panel says so.</p>
<p>The bucket itself sits behind origin access control without <code>s3:ListBucket</code>, so a missing key is S3’s 403 <code>AccessDenied</code>, not a 404:</p>
<pre><code>curl -i ${ctx.host}/static/nope.css</code></pre>
<p>A function that breaks one of CloudFront’s rules gets CloudFront’s 502, and one that throws or times out its 503; the <code>edgeware dev</code> log names the function and the rule.</p>`,
)

const about: ExamplePage = {
  title: 'About',
  cache: 'public, s-maxage=120, max-age=0',
  section: '/about',
  body: () => html`<h1>About this example</h1>
<p class="lead">Everything here runs on your machine: no AWS account and no network.</p>
<ul>
<li><b>The edge</b> is Miniflare (workerd): it matches cache behaviors, keeps the cache and applies the policies.</li>
<li><b>Each Lambda@Edge function</b> runs in its own Node.js worker thread, like a Lambda container: warm reuse, cold starts, its stage’s timeout and memory.</li>
<li><b>The origins</b>: two small example servers (this one, <code>app</code>, and the blog), and the <code>public/</code> folder served as an S3 bucket behind origin access control.</li>
<li><b>The routing table</b> is dynalite, an in-process DynamoDB.</li>
</ul>
<p>This page is cached at the edge for two minutes but never by your browser (<code>s-maxage=120, max-age=0</code>). <code>npx edgeware build</code> turns the same <code>wrangler.toml</code> into zips and a CloudFormation template.</p>`,
}

const legal: ExamplePage = {
  title: 'Legal',
  cache: 'public, max-age=3600',
  section: '/about',
  body: () => html`<h1>Legal notice</h1>
<p class="lead">An example site, served locally by <code>edgeware dev</code>. It collects nothing.</p>
<h2>Cookies</h2>
<p>One cookie, <code>ab</code>, holds your A/B test variant for seven days so that you keep seeing the same one. It is set by the viewer-response function and never leaves your machine.</p>
<h2>Licence</h2>
<p>edgeware and this example are MIT-licensed.</p>`,
}

const privatePage: ExamplePage = {
  title: 'Private',
  cache: 'private, no-store',
  body: () => html`<h1>Never cached</h1>
<p class="lead">This page is fetched from the origin on every request.</p>
<p>origin-response sets <code>Cache-Control: private, no-store</code> on <code>/private</code> whatever the origin sends, and CloudFront doesn’t cache a <code>no-store</code> answer when the policy’s minimum TTL is 0. Reload: the panel says <b>Miss</b> every time, and origin-request and origin-response run every time.</p>`,
}

const hello: ExamplePage = {
  title: 'Hello',
  cache: 'public, max-age=60',
  body: (ctx) => html`<h1>Hello from the app origin</h1>
<p class="lead">The same path on the blog host is answered by another origin: <a href="${ctx.links.blog}/hello">blog.localhost/hello</a>.</p>
<p>Both go through the same cache behavior and the same functions; only the DynamoDB table’s rule for the host differs.</p>`,
}

/**
 * The app origin's site.
 *
 * @example
 * ```ts
 * appSite.pages['/about']!.cache // 'public, s-maxage=120, max-age=0'
 * ```
 */
export const appSite: ExampleSite = {
  name: 'edgeware example',
  main: true,
  pages: {
    '/': home,
    '/index.html': home,
    '/docs/': docsIndex,
    '/docs/index.html': docsIndex,
    '/docs/intro': intro,
    '/docs/caching': caching,
    '/docs/routing': routing,
    '/docs/api': api,
    '/docs/redirects': redirectsPage,
    '/docs/errors': errors,
    '/about': about,
    '/legal': legal,
    '/private': privatePage,
    '/hello': hello,
  },
  nav: (ctx) => [
    { href: '/', label: 'Home' },
    { href: '/docs/', label: 'Docs' },
    { href: '/docs/api', label: 'API' },
    { href: `${ctx.links.blog}/`, label: 'Blog' },
    { href: '/about', label: 'About' },
  ],
  notFound: {
    title: 'Not found',
    cache: 'max-age=10',
    body: (ctx) => html`<h1>Not found</h1><p>The app origin has nothing at <code>${ctx.url}</code>.</p>`,
  },
}
