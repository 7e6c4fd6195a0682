import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { viewerRequest, viewerResponse, type CfEvent, type CfHeaders, type CfRequest, type Middleware } from 'edgeware'
import * as middleware from 'edgeware/middleware'
import { compileCloudFrontFunction } from 'edgeware/build'
import { effectiveValues, functionLimits, type CffValues } from 'edgeware/cloudfront'
import { compileFunction, createEvent, createFunctionEvent, invoke, runFunction, type CompiledFunction, type FunctionEventOverrides } from 'edgeware/testing'

// One table of cases runs each edgeware/functions hook (compiled into a CloudFront Function, run in the
// sandbox) and its edgeware/middleware twin (a Lambda@Edge handler through invoke) on the same request, and
// compares what the viewer and the origin would get.

const root = join(import.meta.dirname, '..', '..')
let dir: string
beforeAll(() => {
  mkdirSync(join(root, '.edgeware'), { recursive: true })
  dir = mkdtempSync(join(root, '.edgeware', 'test-twins-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

type Stage = 'viewer-request' | 'viewer-response'
interface Case {
  /** The hooks, as source: the same expression builds the middleware twins and the CloudFront Function's hooks. */
  hooks: string
  stage: Stage
  events: FunctionEventOverrides[]
}

const b64 = (s: string) => Buffer.from(s).toString('base64')
const preflight = (origin: string, extra: Record<string, string> = {}): FunctionEventOverrides => ({
  method: 'OPTIONS',
  headers: { origin, 'access-control-request-method': 'PUT', ...extra },
})

const CASES: Case[] = [
  {
    hooks: "redirects([{ from: '/old', to: '/new' }, { from: '/blog/*', to: 'https://blog.example.com/*', status: 302 }, { from: /^\\/p\\/(?<id>\\d+)$/, to: '/products/$<id>', query: 'drop' }, { from: '/go/*', to: '/*' }])",
    stage: 'viewer-request',
    events: [{ uri: '/old' }, { uri: '/old', querystring: 'a=1&b' }, { uri: '/blog/2024/post', querystring: 'utm=1' }, { uri: '/blog/caf%C3%A9' }, { uri: '/p/42', querystring: 'x=1' }, { uri: '/go//evil.com' }, { uri: '/nothing' }],
  },
  {
    hooks: "redirects({ '/a': '/b', '/docs/*': '/guide/*' }, { status: 308, query: 'drop' })",
    stage: 'viewer-request',
    events: [{ uri: '/a', querystring: 'x=1' }, { uri: '/docs/intro/setup' }, { uri: '/docs' }],
  },
  {
    hooks: 'normalize()',
    stage: 'viewer-request',
    events: [{ uri: '/a//b', querystring: 'utm_source=x&b=2&a=1&fbclid=z&a=0' }, { uri: '/', querystring: 'gclid=1' }, { uri: '/plain' }],
  },
  {
    hooks: "normalize({ keepParams: ['page', 'q'], lowercasePath: true, removeTrailingSlash: true, dropEmpty: true })",
    stage: 'viewer-request',
    events: [{ uri: '/Blog//Post/', querystring: 'q=a&page=2&x=1&empty=&page=1' }, { uri: '/Docs/', querystring: 'q=%C3%A9' }],
  },
  {
    hooks: 'directoryIndex()',
    stage: 'viewer-request',
    events: [{ uri: '/docs/' }, { uri: '/docs' }, { uri: '/a.html' }],
  },
  {
    hooks: "directoryIndex({ extensionless: true, exclude: ['/'], index: 'default.htm' })",
    stage: 'viewer-request',
    events: [{ uri: '/' }, { uri: '/docs' }, { uri: '/docs/' }, { uri: '/v1.2/notes' }],
  },
  {
    hooks: "spaFallback({ exclude: ['/api/*'] })",
    stage: 'viewer-request',
    events: [{ uri: '/settings/profile' }, { uri: '/app.js' }, { uri: '/api/users' }, { uri: '/settings', method: 'POST' }],
  },
  {
    hooks: "basicAuth({ users: [{ username: 'ann', password: 's3cret' }, { username: 'bob', password: 'pw' }], realm: 'Staging' })",
    stage: 'viewer-request',
    events: [
      {},
      { headers: { authorization: `Basic ${b64('ann:s3cret')}` } },
      { headers: { authorization: `basic   ${b64('bob:pw')}  ` } },
      { headers: { authorization: `Basic ${b64('bob:wrong')}` } },
      { headers: { authorization: `Basic ${b64('nocolon')}` } },
      { headers: { authorization: 'Bearer abc' } },
    ],
  },
  {
    hooks: "basicAuth({ verify: (u, p) => u === 'v' && p === 'ok', message: 'Go away' })",
    stage: 'viewer-request',
    events: [{ headers: { authorization: `Basic ${b64('v:ok')}` } }, { headers: { authorization: `Basic ${b64('v:no')}` } }],
  },
  {
    hooks: "cors({ origin: ['https://app.example.com'], credentials: true, maxAge: 600 })",
    stage: 'viewer-request',
    events: [
      preflight('https://app.example.com', { 'access-control-request-headers': 'X-A, X-B' }),
      preflight('https://evil.example'),
      { headers: { origin: 'https://app.example.com' } },
    ],
  },
  {
    hooks: "cors({ allowHeaders: ['X-Token'], allowMethods: ['GET', 'POST'] })",
    stage: 'viewer-request',
    events: [preflight('https://any.example', { 'access-control-request-headers': 'X-A' }), { method: 'OPTIONS', headers: { origin: 'https://any.example' } }],
  },
  {
    hooks: "cors({ origin: ['https://app.example.com'] }), basicAuth({ username: 'u', password: 'p' })",
    stage: 'viewer-request',
    events: [{ headers: { origin: 'https://app.example.com' } }, { headers: { origin: 'https://evil.example' } }, { headers: { authorization: `Basic ${b64('u:p')}` } }],
  },
  {
    hooks: 'securityHeaders()',
    stage: 'viewer-response',
    events: [{}, { status: 304 }],
  },
  {
    hooks: "securityHeaders({ contentSecurityPolicy: { 'default-src': [\"'self'\"], 'img-src': [\"'self'\", 'data:'] }, permissionsPolicy: { camera: [], geolocation: ['self'] }, hsts: { maxAge: 600, preload: true }, frameOptions: 'SAMEORIGIN', cspReportOnly: true })",
    stage: 'viewer-response',
    events: [{}],
  },
  {
    hooks: "securityHeaders({ override: false, referrerPolicy: 'no-referrer' })",
    stage: 'viewer-response',
    events: [{ responseHeaders: { 'Referrer-Policy': 'same-origin', 'X-Frame-Options': 'DENY' } }, {}],
  },
  {
    hooks: "cors({ origin: ['https://app.example.com'], exposeHeaders: ['X-Id'] })",
    stage: 'viewer-response',
    events: [{ headers: { origin: 'https://app.example.com' } }, { headers: { origin: 'https://evil.example' } }, {}, { headers: { origin: 'https://app.example.com' }, responseHeaders: { vary: 'Accept-Encoding' } }],
  },
  {
    hooks: "cors({ origin: (o) => (o.endsWith('.example.com') ? o : undefined) }), securityHeaders({ hsts: false })",
    stage: 'viewer-response',
    events: [{ headers: { origin: 'https://a.example.com' } }, { headers: { origin: 'https://a.example.org' } }],
  },
]

// ---------------------------------------------------------------------------------------------------------------
// What the viewer and the origin get, in one form for both kinds of function

type Pairs = [string, string][]
interface Outcome {
  kind: 'request' | 'response'
  method?: string
  uri?: string
  query?: Pairs
  status?: number
  statusDescription?: string
  headers: Record<string, string[]>
  cookies?: Pairs
  body?: string
}

function pairs(raw: string): Pairs {
  return raw === '' ? [] : raw.split('&').filter(Boolean).map((p): [string, string] => (p.includes('=') ? [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)] : [p, '']))
}
function cffPairs(map: CffValues | undefined): Pairs {
  const out: Pairs = []
  for (const [name, e] of Object.entries(map ?? {})) for (const v of effectiveValues(e)) out.push([name, v])
  return out
}
function sorted(h: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(h).sort(([a], [b]) => (a < b ? -1 : 1)))
}
function fromLambda(r: Record<string, unknown>, stage: Stage): Outcome {
  const headers: Record<string, string[]> = {}
  let cookies: Pairs | undefined
  for (const [name, list] of Object.entries((r.headers ?? {}) as CfHeaders)) {
    if (name === 'cookie') cookies = list.flatMap((e) => e.value.split(';').map((c): [string, string] => { const p = c.trim(); return [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)] }))
    else if (list.length > 0) headers[name] = list.map((e) => e.value)
  }
  if (r.status === undefined) {
    const req = r as unknown as CfRequest
    return { kind: 'request', method: req.method, uri: req.uri, query: pairs(req.querystring), headers: sorted(headers), cookies: cookies ?? [] }
  }
  const body = typeof r.body === 'string' ? (r.bodyEncoding === 'base64' ? Buffer.from(r.body, 'base64').toString() : r.body) : undefined
  return { kind: stage === 'viewer-request' ? 'response' : 'response', status: Number(r.status), statusDescription: r.statusDescription as string, headers: sorted(headers), ...(body !== undefined ? { body } : {}) }
}
function fromFunction(r: Record<string, unknown>): Outcome {
  const headers: Record<string, string[]> = {}
  for (const [name, e] of Object.entries((r.headers ?? {}) as CffValues)) headers[name] = effectiveValues(e)
  if (r.statusCode === undefined) {
    const qs = r.querystring as CffValues | string
    return { kind: 'request', method: r.method as string, uri: r.uri as string, query: typeof qs === 'string' ? pairs(qs) : cffPairs(qs), headers: sorted(headers), cookies: cffPairs(r.cookies as CffValues) }
  }
  const b = r.body as string | { encoding: string; data: string } | undefined
  const body = b === undefined ? undefined : typeof b === 'string' ? b : b.encoding === 'base64' ? Buffer.from(b.data, 'base64').toString() : b.data
  return { kind: 'response', status: r.statusCode as number, statusDescription: r.statusDescription as string, headers: sorted(headers), ...(body !== undefined ? { body } : {}) }
}

/** The middleware twins built from the hooks' source (the same expression, with edgeware/middleware's names in scope). */
function twins(source: string): Middleware[] {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('m', `with (m) { return [${source}] }`)(middleware) as Middleware[]
}

async function compiled(c: Case, i: number): Promise<CompiledFunction> {
  const factory = c.stage === 'viewer-request' ? 'viewerRequestFunction' : 'viewerResponseFunction'
  const names = [...new Set(c.hooks.match(/\b(redirects|normalize|directoryIndex|spaFallback|basicAuth|cors|securityHeaders)\(/g)!.map((m) => m.slice(0, -1)))]
  const entry = join(dir, `case-${i}.ts`)
  writeFileSync(entry, `import { ${factory}, ${names.join(', ')} } from 'edgeware/functions'\nexport const handler = ${factory}(${c.hooks})\n`)
  const build = await compileCloudFrontFunction(entry)
  expect(build.bytes).toBeLessThan(functionLimits.codeBytes)
  return compileFunction(build.code, { name: `case-${i}` })
}

describe('edgeware/functions answers like its edgeware/middleware twins', () => {
  CASES.forEach((c, i) => {
    it(`${c.stage}: ${c.hooks.length > 90 ? `${c.hooks.slice(0, 90)}…` : c.hooks}`, async () => {
      const fn = await compiled(c, i)
      const handler = c.stage === 'viewer-request' ? viewerRequest(...twins(c.hooks)) : viewerResponse(...twins(c.hooks))
      for (const overrides of c.events) {
        const lambda = (await invoke(handler, createEvent(c.stage, overrides) as CfEvent)) as unknown as Record<string, unknown>
        const out = runFunction(fn, createFunctionEvent(c.stage, overrides))
        expect(out.ok ? undefined : out, JSON.stringify(overrides)).toBeUndefined()
        expect(fromFunction(out.ok ? out.result : {}), JSON.stringify(overrides)).toEqual(fromLambda(lambda, c.stage))
      }
    })
  })
})
