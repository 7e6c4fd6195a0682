/**
 * The example site as a visitor and a reader of the docs meet it (`npm run dev`, on free ports):
 * - every curl command in README.md and docs/*.md that targets the example answers as the docs say (the commands
 *   are read from the docs, so a changed answer or a changed command fails here until both agree again);
 * - a crawl from `/` (HTML hrefs and srcs, CSS urls, both hosts) finds no link or resource answering 4xx/5xx,
 *   except a link that says which error it demonstrates (`data-expect-status`), and every page has the edge panel.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, send as sendTo, startExample, type Answer } from './example-server.js'

let example: Awaited<ReturnType<typeof startExample>>
let port: string

beforeAll(async () => {
  example = await startExample({ logger: { info() {}, error() {} } })
  port = new URL(example.dev.url).port
}, 120_000)

afterAll(async () => {
  await example?.close()
})

/** Sends a request to the local edge as `url` names it (the URL's host is the Host header unless one is given). */
const send = (url: URL, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> =>
  sendTo(port, url.pathname + url.search, { ...init, headers: { host: url.host, ...init.headers } })

// ---------------------------------------------------------------------------------------------- the docs' curls

interface DocCurl {
  /** The command as written (spaces collapsed, comment removed). */
  command: string
  comment: string
  where: string
}

/** Splits a shell command into words (quotes removed) and its trailing `# comment`. */
function shellWords(line: string): { words: string[]; comment: string } {
  const words: string[] = []
  let cur = ''
  let inWord = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!
    if (ch === "'" || ch === '"') {
      const end = line.indexOf(ch, i + 1)
      cur += line.slice(i + 1, end)
      i = end
      inWord = true
    } else if (ch === '#' && !inWord) {
      return { words, comment: line.slice(i + 1).trim() }
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(cur)
      cur = ''
      inWord = false
    } else {
      cur += ch
      inWord = true
    }
  }
  if (inWord) words.push(cur)
  return { words, comment: '' }
}

/** Every curl command for the example (`:8787`) in README.md and docs/*.md: lines of shell blocks and inline code. */
function docCurls(): DocCurl[] {
  const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]
  const out: DocCurl[] = []
  for (const file of files) {
    let fenced = false
    readFileSync(join(ROOT, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (/^\s*```/.test(line)) fenced = !fenced
        const found = fenced ? (/^\s*curl\s/.test(line) ? [line.trim()] : []) : [...line.matchAll(/`(curl [^`]+)`/g)].map((m) => m[1]!)
        for (const text of found) {
          if (!text.includes(':8787')) continue
          const hash = /\s#\s/.exec(text)
          out.push({ command: (hash ? text.slice(0, hash.index) : text).trim().replace(/\s+/g, ' '), comment: hash ? text.slice(hash.index + 3).trim() : '', where: `${file}:${i + 1}` })
        }
      })
  }
  return out
}

/** What one run of a documented command must answer. */
interface Expected {
  status: number
  headers?: Record<string, RegExp>
  /** Headers that must be absent. */
  absent?: string[]
  body?: RegExp
}

const MISS = { 'x-cache': /^Miss from cloudfront$/ }
const HIT = { 'x-cache': /^Hit from cloudfront$/, age: /^\d+$/ }
const GENERATED = { 'x-cache': /^LambdaGeneratedResponse from cloudfront$/ }
const BLOG = { status: 200, headers: { 'x-origin': /^blog$/ }, body: /example origin <b>blog<\/b>/ }
const APP = { status: 200, headers: { 'x-origin': /^app$/ }, body: /example origin <b>app<\/b>/ }
const ERROR_PAGE = { status: 404, headers: { 'x-cache': /^Error from cloudfront$/ }, body: /Page not found/ }

/**
 * Each documented command's answers, run after run (the same command anywhere in the docs is run once). A command
 * the docs hold and this table doesn't, or the reverse, fails the suite.
 */
const EXPECTED: Record<string, Expected[]> = {
  'curl -i localhost:8787/docs/': [{ status: 200, headers: MISS }, { status: 200, headers: HIT }],
  'curl -i -r 0-99 localhost:8787/docs/': [{ status: 206, headers: { 'content-range': /^bytes 0-99\/\d+$/, 'content-length': /^100$/ } }],
  "curl -s -o /dev/null -D - -H 'Accept-Encoding: gzip, br' localhost:8787/static/style.css": [
    { status: 200, headers: { 'content-encoding': /^br$/, etag: /^W\/"[0-9a-f]{32}"$/, vary: /Accept-Encoding/ } },
  ],
  "curl -i -H 'Host: blog.localhost' localhost:8787/": [BLOG],
  "curl -H 'Host: blog.localhost' localhost:8787/": [BLOG],
  'curl -i localhost:8787/api/hello': [{ status: 200, headers: GENERATED, body: /^\{"hello":"edge","requestId":"[^"]+"\}$/ }],
  'curl -i localhost:8787/api/items': [
    { status: 200, headers: { 'apigw-requestid': /^\S+$/, 'cache-control': /^no-store$/, 'x-cache': /^Miss from cloudfront$/ }, body: /^\{"items":\[\{"id":"mug",/ },
    { status: 200, headers: { 'x-cache': /^Miss from cloudfront$/ } },
  ],
  'curl -i localhost:8787/static/img/logo.png': [
    { status: 301, headers: { location: /^\/static\/logo\.svg$/, 'x-cache': /^FunctionGeneratedResponse from cloudfront$/ } },
  ],
  'curl localhost:8787/api/hello': [{ status: 200, headers: GENERATED, body: /"hello":"edge"/ }],
  'curl -i localhost:8787/documentation/intro': [{ status: 301, headers: { location: /^\/docs\/intro$/ } }],
  'curl -i localhost:8787/old': [{ status: 301, headers: { location: /^\/docs\/redirects$/ } }],
  'curl -i localhost:8787/nope': [ERROR_PAGE],
  'curl -i localhost:8787/static/style.css': [
    {
      status: 200,
      headers: { etag: /^"[0-9a-f]{32}"$/, 'content-type': /^text\/css$/, 'x-content-type-options': /^nosniff$/, 'x-frame-options': /^SAMEORIGIN$/, 'strict-transport-security': /^max-age=31536000$/ },
    },
  ],
  'curl -i localhost:8787/static/nope.css': [{ status: 403, headers: { 'content-type': /^application\/xml$/ }, body: /<Code>AccessDenied<\/Code>/ }],
  "curl -H 'X-Edgeware-Viewer-Country: DE' localhost:8787/": [APP],
  "curl -i 'http://127.0.0.1:8787/?utm_source=mail&b=2&a=1'": [
    { status: 200, headers: { 'set-cookie': /^ab=(a|b); Path=\//, 'strict-transport-security': /^max-age=/, 'content-security-policy': /default-src 'self'/ }, body: /GET \/index\.html\?a=1&amp;b=2/ },
  ],
  'curl -i http://127.0.0.1:8787/documentation/intro': [{ status: 301, headers: { location: /^\/docs\/intro$/ } }],
  'curl -i http://127.0.0.1:8787/docs/': [{ status: 200, body: /GET \/docs\/index\.html/ }],
  "curl -i 'http://127.0.0.1:8787/api/hello?name=Ada'": [{ status: 200, headers: GENERATED, body: /^\{"hello":"Ada",/ }],
  "curl -i -X POST -H 'content-type: application/json' -d '{\"a\":1}' http://127.0.0.1:8787/api/echo": [
    { status: 200, headers: GENERATED, body: /^\{"method":"POST","contentType":"application\/json","body":"\{\\"a\\":1\}"\}$/ },
  ],
  'curl -i http://127.0.0.1:8787/api/unknown': [ERROR_PAGE],
  'curl -i http://127.0.0.1:8787/api/me': [{ status: 401, headers: { 'www-authenticate': /^Bearer realm="edge"/ } }],
  'curl -i -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8787/api/me': [{ status: 200, body: /^\{"sub":"ada"\}$/ }],
  "curl -i -H 'cookie: ab=b' http://127.0.0.1:8787/about": [{ status: 200, absent: ['set-cookie'], body: /example origin <b>app<\/b>/ }],
  "curl -i -H 'host: blog.localhost' http://127.0.0.1:8787/": [BLOG],
  "curl -H 'Host: blog.localhost' http://127.0.0.1:8787/": [BLOG],
  'curl http://127.0.0.1:8787/': [APP],
}

/** Runs a documented curl command against the local edge (its `:8787` is the edge's port). */
async function runCurl(command: string, token: string): Promise<Answer> {
  const { words } = shellWords(command.replaceAll('$TOKEN', token))
  const headers: Record<string, string> = {}
  let method: string | undefined
  let body: string | undefined
  let url: URL | undefined
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!
    if (w === '-i' || w === '-s') continue
    // where curl writes the body (-o) and the headers (-D): the answer is checked whole here either way
    if ((w === '-o' || w === '-D') && i + 1 < words.length) {
      i++
      continue
    }
    if (w === '-r') {
      headers['range'] = `bytes=${words[++i]}`
      continue
    }
    if (w === '-H') {
      const [name, ...value] = words[++i]!.split(':')
      headers[name!.trim().toLowerCase()] = value.join(':').trim()
    } else if (w === '-X') method = words[++i]
    else if (w === '-d') body = words[++i]
    else if (w.startsWith('-')) throw new Error(`curl option ${w} in the docs is not understood by this suite`)
    else url = new URL(/^https?:\/\//.test(w) ? w : `http://${w}`)
  }
  if (!url) throw new Error(`no URL in ${command}`)
  url.port = port
  return send(url, { ...(method ? { method } : body !== undefined ? { method: 'POST' } : {}), headers, ...(body !== undefined ? { body } : {}) })
}

function check(command: string, expected: Expected, got: Answer): void {
  const what = `${command} answered ${got.status}`
  expect(got.status, what).toBe(expected.status)
  for (const [name, re] of Object.entries(expected.headers ?? {})) {
    const v = got.headers[name]
    expect(Array.isArray(v) ? v.join('\n') : v, `${what}: ${name}`).toMatch(re)
  }
  for (const name of expected.absent ?? []) expect(got.headers[name], `${what}: ${name}`).toBeUndefined()
  if (expected.body) expect(got.body, `${what}: body`).toMatch(expected.body)
}

describe('the curl commands in README.md and docs/*.md', () => {
  const curls = docCurls()

  it('are all known to this suite, and every command it knows is still in the docs', () => {
    const documented = new Set(curls.map((c) => c.command))
    expect(curls.filter((c) => !(c.command in EXPECTED)).map((c) => `${c.where}: ${c.command}`)).toEqual([])
    expect(Object.keys(EXPECTED).filter((k) => !documented.has(k))).toEqual([])
    // README's "Try" block is part of the set
    expect(curls.some((c) => c.where.startsWith('README.md'))).toBe(true)
  })

  it('answer as documented: status, key headers, body; a status the comment names; a redirect ends on a 200', async () => {
    const token = execFileSync(process.execPath, [join(ROOT, 'scripts', 'token.mjs')], { encoding: 'utf8' }).trim()
    const seen = new Set<string>()
    for (const c of curls) {
      if (seen.has(c.command)) continue
      seen.add(c.command)
      const runs = EXPECTED[c.command]!
      for (const expected of runs) {
        const got = await runCurl(c.command, token)
        check(`${c.where}: ${c.command}`, expected, got)
        const named = [...c.comment.matchAll(/\b([1-5]\d\d)\b/g)].map((m) => Number(m[1]))
        if (named.length > 0) expect(named, `${c.where}: the comment "${c.comment}" names the status`).toContain(got.status)
        if (got.status >= 300 && got.status < 400) {
          const target = new URL(String(got.headers.location), `http://localhost:${port}`)
          expect((await send(target)).status, `${c.where}: ${c.command} redirects to ${target.pathname}`).toBe(200)
        }
      }
    }
  })
})

// ------------------------------------------------------------------------------------------------------ the crawl

/** Links and resources of a page: `href`/`src` attributes (with the tag's `data-expect-status`) and CSS `url()`s. */
function links(body: string, type: string): { url: string; expect: number }[] {
  if (type.startsWith('text/css')) return [...body.matchAll(/url\(\s*['"]?([^'")]+)['"]?\s*\)/g)].map((m) => ({ url: m[1]!, expect: 200 }))
  if (!type.startsWith('text/html')) return []
  const out: { url: string; expect: number }[] = []
  for (const tag of body.matchAll(/<[a-z]+\b[^>]*>/gi)) {
    const status = /\bdata-expect-status="(\d{3})"/.exec(tag[0])
    for (const attr of tag[0].matchAll(/\b(?:href|src)="([^"]*)"/g)) out.push({ url: attr[1]!.replaceAll('&amp;', '&'), expect: status ? Number(status[1]) : 200 })
  }
  return out
}

/** The local edge's own hosts: 127.0.0.1, localhost and any *.localhost, on the edge's port. */
const isEdge = (u: URL): boolean => u.port === port && (u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname.endsWith('.localhost'))

describe('a crawl of the example site from /', () => {
  it('reaches both hosts, and no link or resource answers 4xx/5xx unless it says so; every page has the edge panel', async () => {
    const start = `http://127.0.0.1:${port}/`
    const queue: { url: string; expect: number; from: string }[] = [{ url: start, expect: 200, from: '(start)' }]
    const visited = new Map<string, number>()
    const problems: string[] = []
    while (queue.length > 0) {
      const { url, expect: want, from } = queue.shift()!
      const u = new URL(url)
      u.hash = ''
      if (visited.has(u.href)) continue
      if (!isEdge(u)) {
        problems.push(`${from}: ${u.href} leaves the example (no external links or resources)`)
        continue
      }
      const got = await send(u)
      visited.set(u.href, got.status)
      if (got.status >= 300 && got.status < 400) {
        // a redirect: its target is crawled and must answer 200
        queue.push({ url: new URL(String(got.headers.location), u).href, expect: 200, from: `${u.href} (redirect)` })
        continue
      }
      if (got.status !== want) problems.push(`${from}: ${u.href} answered ${got.status}, expected ${want}`)
      const type = String(got.headers['content-type'] ?? '')
      if (type.startsWith('text/html') && !got.body.includes('id="edge-panel"')) problems.push(`${u.href}: no edge panel`)
      for (const l of links(got.body, type)) queue.push({ url: new URL(l.url, u).href, expect: l.expect, from: u.href })
    }
    expect(problems).toEqual([])
    const pages = [...visited.keys()]
    // the tour: both hosts, the bucket, the app's /assets, the API, the custom error page, a redirect
    expect(pages).toEqual(
      expect.arrayContaining([
        start,
        `http://127.0.0.1:${port}/docs/api`,
        `http://blog.localhost:${port}/`,
        `http://127.0.0.1:${port}/static/style.css`,
        `http://127.0.0.1:${port}/static/edge-panel.js`,
        `http://127.0.0.1:${port}/assets/request-flow.svg`,
        `http://127.0.0.1:${port}/api/hello?name=Ada`,
        `http://127.0.0.1:${port}/broken`,
        `http://127.0.0.1:${port}/old`,
      ]),
    )
    expect(visited.get(`http://127.0.0.1:${port}/broken`)).toBe(404)
  })
})
