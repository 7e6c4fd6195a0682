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
  ['/docs/api', 'An API at the edge', 'A Hono app answering in viewer-request, with CORS and JWT authentication; the rest from a Lambda origin.'],
  ['/docs/functions', 'CloudFront Functions', 'The bucket’s own function: lowercase paths and old asset names from a KeyValueStore. When to pick one over Lambda@Edge.'],
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
    lead: 'Five Lambda@Edge functions, a CloudFront Function, a DynamoDB routing table, an S3 bucket, two origins and a Lambda API, served by edgeware dev and answering as CloudFront would.',
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
<li>Call <a href="/api/hello?name=Ada">/api/hello</a>, answered at the edge by a Hono app, and <a href="/api/items">/api/items</a>, answered by a Lambda function behind an HTTP API (<a href="/docs/api">more</a>).</li>
<li>Open <a href="/static/img/logo.png">/static/img/logo.png</a>, the logo’s old name: a CloudFront Function finds it in its KeyValueStore and redirects you to <code>/static/logo.svg</code> (<a href="/docs/functions">more</a>).</li>
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
<p>The <code>/api/*</code> behavior has its own viewer-request function (<a href="/docs/api">a Hono app</a>) in front of a Lambda origin. <code>/static/*</code> comes straight from the S3 bucket; its only code is a <a href="/docs/functions">CloudFront Function</a> on viewer-request, the cheaper kind of edge function, which runs before the cache on every request.</p>
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
<tr><td><a href="/static/style.css">/static/…</a></td><td>a day</td><td>the managed policy <code>CachingOptimized</code> (the bucket sends no <code>Cache-Control</code>), keyed on the path the <a href="/docs/functions">CloudFront Function</a> leaves</td></tr>
<tr><td><a href="/api/items">/api/…</a></td><td>never</td><td>the managed policy <code>CachingDisabled</code></td></tr>
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
  (ctx) => html`<p class="lead">Requests under <code>/api/*</code> go through their own cache behavior. Its viewer-request function is a small Hono app behind <code>cors()</code>: a route it knows is answered right there, before the cache (<code>X-Cache: LambdaGeneratedResponse</code>). Every other request goes on to the behavior’s origin, a regional Lambda function behind an API Gateway HTTP API, and is never cached (<code>CachingDisabled</code>).</p>
<table class="grid">
<thead><tr><th>Route</th><th>Answer</th><th>Answered by</th></tr></thead>
<tbody>
<tr><td><a href="/api/hello?name=Ada">GET /api/hello?name=Ada</a></td><td><code>{"hello":"Ada","requestId":…}</code></td><td rowspan="4">the Hono app, Lambda@Edge at viewer-request (<code>api/viewer-request.ts</code>)</td></tr>
<tr><td><a href="/api/time">GET /api/time</a></td><td>the time at the edge, <code>Cache-Control: no-store</code></td></tr>
<tr><td>POST /api/echo</td><td>the request body, which CloudFront passes to viewer-request (IncludeBody)</td></tr>
<tr><td>GET /api/me</td><td>401 without a token; the token’s <code>sub</code> with a valid one (<code>jwtAuth</code>, HS256)</td></tr>
<tr><td><a href="/api/items">GET /api/items</a> (<code>?q=</code> filters), <a href="/api/items/mug">GET /api/items/mug</a></td><td>a small catalogue, as JSON</td><td rowspan="2">the Lambda origin behind its HTTP API (<code>api-origin/index.ts</code>)</td></tr>
<tr><td><a href="/api/event">GET /api/event</a></td><td>the event the HTTP API built for that very request</td></tr>
</tbody>
</table>
<h2>Try it</h2>
<div class="try-api" id="try-api">
<div class="row"><label for="api-name">Name</label><input id="api-name" value="Ada" autocomplete="off"><button type="button" data-call="hello">GET /api/hello</button><button type="button" data-call="time">GET /api/time</button></div>
<div class="row"><label for="api-body">Body</label><input id="api-body" value='{"a":1}' autocomplete="off"><button type="button" data-call="echo">POST /api/echo</button></div>
<div class="row"><label for="api-token">Token</label><input id="api-token" placeholder="paste a token from npm run -s token" autocomplete="off"><button type="button" data-call="me">GET /api/me</button></div>
<div class="row"><label for="api-q">Search</label><input id="api-q" placeholder="e.g. shirt (empty: all items)" autocomplete="off"><button type="button" data-call="items">GET /api/items</button><button type="button" data-call="event">GET /api/event</button></div>
<pre class="api-out" id="api-out" aria-live="polite">Pick a call.</pre>
</div>
<h2>The Lambda origin</h2>
<p>The origin <code>api</code> is a plain Lambda handler (<code>edge-functions/api-origin/index.ts</code>) behind an API Gateway HTTP API; under <code>edgeware dev</code> it runs in Lambda-like containers, behind the integration’s own rules. CloudFront sends it what it sends any custom origin: here every viewer header but <code>Host</code> (<code>AllViewerExceptHostHeader</code>: API Gateway refuses a foreign <code>Host</code>) and <code>Authorization</code> (which reaches an origin only when the cache policy keys on it), plus its own <code>Via</code>, <code>X-Amz-Cf-Id</code> and <code>X-Forwarded-For</code>. The HTTP API turns that request into a payload format 2.0 event: <code>rawPath</code>, <code>rawQueryString</code>, lowercase <code>headers</code>, <code>cookies</code> apart, and a <code>requestContext</code> with the viewer’s <code>sourceIp</code>. <a href="/api/event">GET /api/event</a> shows you the one your request made.</p>
<p>The function answers with <code>statusCode</code>, <code>headers</code> and <code>body</code>; the HTTP API turns that into the response, adding its <code>apigw-requestid</code>, and a result it can’t read into its own 500. From there the answer goes through CloudFront like any origin’s: a 404 from the function becomes the distribution’s custom error page, because custom error responses apply to every behavior: <a href="/api/items/nope" data-expect-status="404">/api/items/nope</a>.</p>
<pre><code>curl -i ${ctx.host}/api/items
curl -i ${ctx.host}/api/event</code></pre>
<h2>A token for /api/me</h2>
<p><code>jwtAuth</code> checks an HS256 token signed with the secret <code>JWT_SECRET</code>. On AWS, <code>secret()</code> reads it from SSM Parameter Store; under <code>edgeware dev</code> from <code>.dev.vars</code>, or the committed <code>.dev.vars.example</code> in a fresh clone. In the repository, this prints a token signed with it (subject <code>ada</code>, valid for an hour; <code>npm run -s token -- grace</code> for another subject):</p>
<pre><code>npm run -s token</code></pre>
<p>Paste it above, or use it with curl:</p>
<pre><code>TOKEN=$(npm run -s token)
curl -i -H "Authorization: Bearer $TOKEN" ${ctx.host}/api/me</code></pre>
<script src="/static/try-it.js" defer></script>`,
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

const functions = doc(
  '/docs/functions',
  'public, max-age=300',
  (ctx) => html`<p class="lead">This page’s stylesheet and logo come through the <code>/static/*</code> behavior, straight from the S3 bucket. The only code on their way is a CloudFront Function, <code>edge-functions/static/asset-router.ts</code>: it runs in every edge location on every request for the bucket, cache hits included, before the cache.</p>
<h2>CloudFront Functions or Lambda@Edge?</h2>
<table class="grid">
<thead><tr><th></th><th>CloudFront Functions</th><th>Lambda@Edge</th></tr></thead>
<tbody>
<tr><td>Runs</td><td>viewer-request and viewer-response only, in every edge location, on every request</td><td>all four stages, in the regional edge caches; origin-request and origin-response on misses only</td></tr>
<tr><td>Price (rough)</td><td>about a sixth of Lambda@Edge per request, no duration charge</td><td>per request, plus memory × duration</td></tr>
<tr><td>Limits</td><td>10 KB of JavaScript (a subset of ES 5.1+), 2 MB of memory, well under a millisecond of compute</td><td>1 MB zip, 128 MB, 5 s on viewer stages; 50 MB, 10 GB, 30 s on origin stages; any npm package</td></tr>
<tr><td>Can see</td><td>the method, URL, headers, cookies and the viewer’s IP; in viewer-response the status and headers; a KeyValueStore</td><td>the same, plus the body (IncludeBody), the origin, and the network: DynamoDB, secrets, your APIs</td></tr>
<tr><td>In this example</td><td><code>/static/*</code>: <code>asset-router</code></td><td>the default behavior’s four functions, the <code>/api/*</code> Hono app</td></tr>
</tbody>
</table>
<p>Pick a CloudFront Function for cheap work that needs nothing but the request: redirects, rewrites, normalization, headers, token checks, routing from a KeyValueStore. Keep Lambda@Edge for the origin side and for whatever needs the network, the body or more code: the site’s origin-request reads the DynamoDB table, the API’s viewer-request reads a secret and the request body. A behavior may have a CloudFront Function on a viewer event and Lambda@Edge on the origin events, but not both kinds on the viewer events: that is why this one sits on <code>/static/*</code>, where no Lambda@Edge function runs.</p>
<h2>What asset-router does</h2>
<pre><code>import { kvsRouter, normalize, viewerRequestFunction } from 'edgeware/functions'

export const handler = viewerRequestFunction(normalize({ lowercasePath: true }), kvsRouter())</code></pre>
<p><code>edgeware dev</code> compiles it from TypeScript into the one small script CloudFront runs, and runs it in a sandbox that allows only what CloudFront’s runtime allows. <code>normalize()</code> lowercases the path (every key in the bucket is lowercase) and collapses <code>//</code>; <code>kvsRouter()</code> then looks the path up in the function’s KeyValueStore, <code>edge-functions/static/asset-routes.kvs.json</code>, where the longest prefix with a route wins:</p>
<table class="grid">
<thead><tr><th>Request</th><th>Key in the store</th><th>What happens</th></tr></thead>
<tbody>
<tr><td><a href="/static/css/site.css">/static/css/site.css</a></td><td><code>/static/css/site.css</code></td><td>the stylesheet’s old name: a 301 to <code>/static/style.css</code>, answered by the function (<code>X-Cache: FunctionGeneratedResponse</code>)</td></tr>
<tr><td><a href="/static/img/logo.png">/static/img/logo.png</a></td><td><code>/static/img/logo.png</code></td><td>the logo was a PNG: a 301 to <code>/static/logo.svg</code></td></tr>
<tr><td><a href="/static/v1/style.css">/static/v1/style.css</a></td><td><code>/static/v1</code></td><td>the first release’s folder, served from today’s files without a redirect: the bucket is asked for <code>/static/style.css</code>, and the cache key is that path too, so it is a <b>Hit</b> once the stylesheet is cached</td></tr>
<tr><td><a href="/static/Logo.SVG">/static/Logo.SVG</a></td><td>none</td><td>lowercased to <code>/static/logo.svg</code> first, so it shares the logo’s cached copy</td></tr>
</tbody>
</table>
<p><img src="/static/img/logo.png" alt="The edgeware logo, loaded through the redirect" width="32" height="32" class="inline-logo">This logo is asked for by its old name, <code>/static/img/logo.png</code>: your browser followed the function’s redirect to the new one.</p>
<h2>Try it</h2>
<div class="try-api" id="try-cff">
<div class="row"><button type="button" data-call="old-css">GET /static/css/site.css</button><button type="button" data-call="old-logo">GET /static/img/logo.png</button><button type="button" data-call="v1">GET /static/v1/style.css</button><button type="button" data-call="upper">GET /static/Logo.SVG</button></div>
<pre class="api-out" id="cff-out" aria-live="polite">Pick a call.</pre>
</div>
<p>Your browser follows the 301 and hides its headers from scripts; curl shows them, and the <code>edgeware dev</code> log shows the function’s compute utilization (<code>VReq 0.3ms compute 18%</code>, the figure CloudFront’s TestFunction reports):</p>
<pre><code>curl -i ${ctx.host}/static/css/site.css</code></pre>
<h2>Change the store, not the code</h2>
<p>The routes are data. While <code>edgeware dev</code> runs, add one and use it at once (the running edge reloads the store’s file whenever it changes):</p>
<pre><code>npx edgeware kvs put /static/old.css '{"redirect":"/static/style.css","status":301}' --store asset-routes
curl -i ${ctx.host}/static/old.css
npx edgeware kvs delete /static/old.css --store asset-routes</code></pre>
<p>On AWS, <code>edgeware build</code> writes the function and a KeyValueStore imported from that file, and new data deploys without touching the function. The runtimes, the sandbox, the ready hooks and testing a function with <code>invokeFunction</code>: <code>docs/functions.md</code> in the repository.</p>
<script src="/static/try-it.js" defer></script>`,
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
<li><b>The CloudFront Function</b> on <code>/static/*</code> runs in a sandbox that allows only what CloudFront’s runtime allows, with its KeyValueStore read from a file.</li>
<li><b>The origins</b>: two small example servers (this one, <code>app</code>, and the blog), the <code>public/</code> folder served as an S3 bucket behind origin access control, and the API’s Lambda function behind its HTTP API, in containers of its own.</li>
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
    '/docs/functions': functions,
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
