import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useProjectDir } from '../cloudfront-functions/helpers.js'
import { viewerRequest, viewerResponse, type CfEvent, type CfRequest, type CfResponse, type Middleware } from 'edgeware'
import * as middleware from 'edgeware/middleware'
import { compileCloudFrontFunction } from 'edgeware/build'
import { functionLimits } from 'edgeware/cloudfront'
import {
  compileFunction,
  createEvent,
  createFunctionEvent,
  invoke,
  invokeFunction,
  toLambdaRequest,
  toLambdaResponse,
  type CompiledFunction,
  type FunctionEventOverrides,
} from 'edgeware/testing'

// One table of cases runs each edgeware/functions hook (compiled into a CloudFront Function, through
// invokeFunction with the CloudFront Functions event) and its edgeware/middleware twin (a Lambda@Edge handler,
// through invoke with the Lambda@Edge event of the same request), and compares what the viewer and the origin
// would get.

const projectDir = useProjectDir('twins')

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
    hooks: "cors({ origin: [/^https:\\/\\/[a-z0-9-]+\\.example\\.com$/g, 'https://app.example.org'] })",
    stage: 'viewer-request',
    events: [preflight('https://a.example.com'), preflight('https://app.example.org'), preflight('https://a.example.com.evil'), { headers: { origin: 'https://b.example.com' } }],
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
// What the viewer and the origin get: the CloudFront Function's result as the Lambda@Edge request or response it
// becomes (toLambdaRequest / toLambdaResponse), then both in one comparable form

type Pairs = [string, string][]
const pairs = (raw: string, sep: string): Pairs =>
  raw
    .split(sep)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p): [string, string] => (p.includes('=') ? [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)] : [p, '']))

function outcome(r: CfRequest | CfResponse): Record<string, unknown> {
  const headers: Record<string, string[]> = {}
  for (const name of Object.keys(r.headers ?? {}).sort()) if (name !== 'cookie' && r.headers[name]!.length > 0) headers[name] = r.headers[name]!.map((e) => e.value)
  if ('uri' in r) return { kind: 'request', method: r.method, uri: r.uri, query: pairs(r.querystring, '&'), headers, cookies: pairs(r.headers['cookie']?.[0]?.value ?? '', ';') }
  const body = r.body === undefined ? undefined : r.bodyEncoding === 'base64' ? Buffer.from(r.body, 'base64').toString() : r.body
  return { kind: 'response', status: r.status, statusDescription: r.statusDescription, headers, ...(body !== undefined ? { body } : {}) }
}

/** The middleware twins built from the hooks' source (the same expression, with edgeware/middleware's names in scope). */
function twins(source: string): Middleware[] {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('m', `with (m) { return [${source}] }`)(middleware) as Middleware[]
}

async function compiled(c: Case, i: number): Promise<CompiledFunction> {
  const factory = c.stage === 'viewer-request' ? 'viewerRequestFunction' : 'viewerResponseFunction'
  const names = [...new Set(c.hooks.match(/\b(redirects|normalize|directoryIndex|spaFallback|basicAuth|cors|securityHeaders)\(/g)!.map((m) => m.slice(0, -1)))]
  const entry = join(projectDir(), `case-${i}.ts`)
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
        const lambda = (await invoke(handler, createEvent(c.stage, overrides) as CfEvent)) as CfRequest | CfResponse
        const event = createFunctionEvent(c.stage, overrides)
        const result = await invokeFunction(fn, event)
        const converted = result.statusCode === undefined ? toLambdaRequest(result, event) : toLambdaResponse(result, event)
        expect(outcome(converted), JSON.stringify(overrides)).toEqual(outcome(lambda))
      }
    })
  })
})
