#!/usr/bin/env node
// `npm run screenshot [-- --out <dir>]`: starts the example distribution (as `npm run dev` serves it, on free ports),
// opens its main pages in headless Chromium (playwright-core; /usr/bin/chromium, or CHROMIUM_PATH) and saves a
// full-page PNG of each to .edgeware/screenshots/. Fails (exit 1), listing every problem, on a console error, an
// uncaught exception, a failed request, an HTTP error the page doesn't expect, or an image that didn't load.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import { chromium } from 'playwright-core'
import { importSource, root } from '../bench/_lib.mjs'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

/**
 * The pages shot: `host` (default the edge's own address), `path`, the document `status` expected (200),
 * `reload` to shoot the second load (a cache hit), `click` a selector and wait until `until` holds on the page.
 */
const SHOTS = [
  { name: 'home', path: '/', reload: true },
  { name: 'docs', path: '/docs/' },
  { name: 'intro', path: '/docs/intro' },
  { name: 'caching', path: '/docs/caching' },
  { name: 'routing', path: '/docs/routing' },
  { name: 'api', path: '/docs/api', click: 'button[data-call="hello"]', until: () => document.getElementById('api-out')?.textContent?.includes('200 OK') },
  { name: 'api-lambda', path: '/docs/api', click: 'button[data-call="event"]', until: () => document.getElementById('api-out')?.textContent?.includes('apigw-requestid') },
  { name: 'functions', path: '/docs/functions', click: 'button[data-call="old-logo"]', until: () => document.getElementById('cff-out')?.textContent?.includes('200 OK') },
  { name: 'redirected', path: '/old' },
  { name: 'errors', path: '/docs/errors' },
  { name: 'not-found', path: '/broken', status: 404 },
  { name: 'blog', host: 'blog.localhost', path: '/' },
  { name: 'blog-post', host: 'blog.localhost', path: '/posts/one-table-many-origins' },
  { name: 'about', path: '/about' },
]

const { values } = parseArgs({ options: { out: { type: 'string', default: join(root, '.edgeware', 'screenshots') } } })
const out = values.out
if (!existsSync(CHROMIUM)) {
  console.error(`screenshot: no Chromium at ${CHROMIUM} (install Debian's chromium, or set CHROMIUM_PATH)`)
  process.exit(2)
}
mkdirSync(out, { recursive: true })

const { startExample } = await importSource(`export { startExample } from './test/middleware/example-server.ts'`)
const quiet = { info() {}, error() {} }
const example = await startExample({ logger: quiet })
const profile = mkdtempSync(join(tmpdir(), 'edgeware-chromium-'))
const problems = []
const saved = []
try {
  const browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 900 } })
  try {
    const edge = new URL(example.dev.url)
    for (const shot of SHOTS) {
      const url = `http://${shot.host ?? edge.hostname}:${edge.port}${shot.path}`
      const page = await browser.newPage()
      const problem = (what) => problems.push(`${shot.name} (${url}): ${what}`)
      // The document's expected status (for it, and for the panel's HEAD of the same URL); anything else at 400 or
      // more is a broken link or resource.
      const expected = (r) => r.status() === (shot.status ?? 200) && (r.request().isNavigationRequest() || r.url() === page.url())
      page.on('console', (m) => {
        if (m.type() === 'error' && !(shot.status && /status of \d{3}/.test(m.text()) && m.location().url === page.url())) problem(`console error: ${m.text()}`)
      })
      page.on('pageerror', (e) => problem(`uncaught: ${e.message}`))
      page.on('requestfailed', (r) => problem(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''} ${r.resourceType()}`))
      page.on('response', (r) => {
        if (r.status() >= 400 && !expected(r)) problem(`${r.status()} for ${r.url()}`)
      })
      // Each load waits for the panel and for the network to go quiet (the favicon, the panel's HEAD), so that
      // nothing in flight is cut off by the next navigation or by closing the page.
      const settle = async () => {
        await page.waitForSelector('#edge-panel .badge', { timeout: 10_000 }).catch(() => problem('the edge panel was never filled'))
        await page.waitForLoadState('networkidle')
      }
      const first = await page.goto(url, { waitUntil: 'load' })
      if ((first?.status() ?? 0) !== (shot.status ?? 200)) problem(`document status ${first?.status()}, expected ${shot.status ?? 200}`)
      await settle()
      if (shot.reload) {
        await page.reload({ waitUntil: 'load' })
        await settle()
      }
      if (shot.click) {
        await page.click(shot.click)
        await page.waitForFunction(shot.until, undefined, { timeout: 10_000 }).catch(() => problem(`nothing happened after clicking ${shot.click}`))
        await page.waitForLoadState('networkidle')
      }
      const broken = await page.evaluate(() => [...document.images].filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.src))
      for (const src of broken) problem(`broken image ${src}`)
      const file = join(out, `${shot.name}.png`)
      await page.screenshot({ path: file, fullPage: true })
      saved.push(file)
      await page.close()
    }
  } finally {
    await browser.close()
  }
} finally {
  await example.close()
  rmSync(profile, { recursive: true, force: true })
}
for (const f of saved) console.log(`saved ${relative(process.cwd(), f) || f}`)
if (problems.length) {
  console.error(`screenshot: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  ${p}`).join('\n')}`)
  process.exit(1)
}
console.log(`screenshot: ${saved.length} pages, no console errors, failed requests or broken images`)
