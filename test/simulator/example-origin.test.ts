/**
 * The example origin on its own (a real server on 127.0.0.1): the app and the blog sites, directory and root
 * documents, its build output, HEAD, 404s, and pages that echo request headers without being broken by them.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startExampleOrigin, type ExampleOrigin } from '../../src/simulator/example-origin.js'
import { siteLinks } from '../../src/simulator/example-site/layout.js'
import { send } from '../middleware/example-server.js'

let app: ExampleOrigin
let blog: ExampleOrigin

beforeAll(async () => {
  app = await startExampleOrigin({ id: 'app', port: 0 })
  blog = await startExampleOrigin({ id: 'blog', port: 0 })
})

afterAll(async () => {
  await app?.close()
  await blog?.close()
})

const get = (o: ExampleOrigin, path: string, headers: Record<string, string> = {}, method = 'GET') => send(o.port, path, { method, headers })

describe('the example origin', () => {
  it('serves the app: home and docs index under both their names, the guide, its build output, a 404', async () => {
    for (const [a, b] of [['/', '/index.html'], ['/docs/', '/docs/index.html']] as const) {
      const [x, y] = [await get(app, a), await get(app, b)]
      expect([x.status, y.status]).toEqual([200, 200])
      expect(x.body.replace(/GET \S+/, '').replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '')).toBe(y.body.replace(/GET \S+/, '').replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, ''))
    }
    for (const p of ['/docs/intro', '/docs/caching', '/docs/routing', '/docs/api', '/docs/functions', '/docs/redirects', '/docs/errors', '/about', '/legal', '/private', '/hello']) {
      const r = await get(app, p)
      expect(r.status, p).toBe(200)
      expect(r.headers['x-origin']).toBe('app')
      expect(r.body).toContain('<link rel="stylesheet" href="/static/style.css">')
    }
    expect((await get(app, '/private')).headers['cache-control']).toBe('private, no-store')
    const svg = await get(app, '/static/assets/request-flow.svg')
    expect([svg.status, svg.headers['content-type']]).toEqual([200, 'image/svg+xml'])
    expect(svg.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^]*<\/svg>\n$/)
    const missing = await get(app, '/nope')
    expect([missing.status, missing.headers['cache-control']]).toEqual([404, 'max-age=10'])
    // the blog's pages are the blog's
    expect((await get(app, '/posts/one-table-many-origins')).status).toBe(404)
  })

  it('serves the blog: its posts and /hello, not the app pages', async () => {
    const home = await get(blog, '/index.html')
    expect(home.status).toBe(200)
    expect(home.body).toContain('Served by example origin <b>blog</b>')
    const posts = [...home.body.matchAll(/href="(\/posts\/[^"]+)"/g)].map((m) => m[1]!)
    expect(posts.length).toBeGreaterThan(0)
    for (const p of [...posts, '/hello']) expect((await get(blog, p)).status, p).toBe(200)
    expect((await get(blog, '/docs/intro')).status).toBe(404)
    expect((await get(blog, '/static/assets/request-flow.svg')).status).toBe(404)
  })

  it('answers HEAD with the headers and no body', async () => {
    const r = await get(app, '/about', {}, 'HEAD')
    expect(r.status).toBe(200)
    expect(Number(r.headers['content-length'])).toBeGreaterThan(1000)
    expect(r.body).toBe('')
  })

  it('renders the A/B variant it is sent, and links across hosts on the viewer’s port', async () => {
    const b = await get(app, '/', { 'x-ab-variant': 'b', 'x-forwarded-host': '127.0.0.1:9123' })
    expect(b.body).toContain('variant <b>b</b>')
    expect(b.body).toContain('<a href="//blog.localhost:9123/">Blog</a>')
    const other = await get(app, '/', { 'x-ab-variant': 'zzz' })
    expect(other.body).toContain('variant <b>a</b>')
    const back = await get(blog, '/', { 'x-forwarded-host': 'blog.localhost:9123' })
    expect(back.body).toContain('<a href="//localhost:9123/">edgeware example</a>')
  })

  it('escapes what it echoes: a hostile header value or host never becomes markup', async () => {
    const evil = '"><script>alert(1)</script>'
    const r = await get(app, '/docs/routing?<b>', { 'x-evil': evil, 'x-forwarded-host': `x${evil}` })
    expect(r.body).not.toContain('<script>alert(1)')
    expect(r.body).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;')
    // a host that isn't a host name gives the default links, not its text in an href
    expect(r.body).toContain('href="//blog.localhost:8787/"')
  })
})

describe('the bucket\'s error page (public/static/404.html)', () => {
  it('has the shell the origin\'s pages have: icon, stylesheet, panel script, header and panel', async () => {
    const page = (await get(app, '/about')).body
    const errorPage = readFileSync(new URL('../../public/static/404.html', import.meta.url), 'utf8')
    const shell = (html: string) => [...html.matchAll(/<(?:link|script|img|aside|header|div class="wrap layout")[^>]*>/g)].map((m) => m[0])
    expect(shell(errorPage)).toEqual(shell(page))
  })
})

describe('siteLinks', () => {
  it('keeps the viewer’s port and maps between the main host and blog.localhost', () => {
    expect(siteLinks('127.0.0.1:8787')).toEqual({ main: '//127.0.0.1:8787', blog: '//blog.localhost:8787' })
    expect(siteLinks('blog.localhost:9000')).toEqual({ main: '//localhost:9000', blog: '//blog.localhost:9000' })
    expect(siteLinks('[::1]:8443')).toEqual({ main: '//[::1]:8443', blog: '//blog.localhost:8443' })
    expect(siteLinks('localhost')).toEqual({ main: '//localhost:8787', blog: '//blog.localhost:8787' })
    expect(siteLinks(undefined)).toEqual({ main: '//localhost:8787', blog: '//blog.localhost:8787' })
  })
})
