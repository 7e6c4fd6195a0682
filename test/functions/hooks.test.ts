import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { useProjectDir } from '../cloudfront-functions/helpers.js'
import { compileCloudFrontFunction } from 'edgeware/build'
import { compileFunction, createFunctionEvent, KeyValueStore, runFunction, type CompiledFunction, type FunctionEventOverrides, type RunOptions } from 'edgeware/testing'

const projectDir = useProjectDir('hooks')
let n = 0

/** A CloudFront Function from TypeScript source importing edgeware/functions, compiled as edgeware build compiles it. */
async function build(source: string): Promise<{ fn: CompiledFunction; bytes: number }> {
  const entry = join(projectDir(), `fn-${++n}.ts`)
  writeFileSync(entry, source)
  const out = await compileCloudFrontFunction(entry)
  return { fn: compileFunction(out.code, { name: `fn-${n}` }), bytes: out.bytes }
}

describe('composition', () => {
  it('a hook in the wrong function fails when the function is built, naming the hook and the event', async () => {
    const { fn } = await build("import { viewerResponseFunction, redirects } from 'edgeware/functions'\nexport const handler = viewerResponseFunction(redirects({ '/a': '/b' }))\n")
    const out = runFunction(fn, createFunctionEvent('viewer-response'))
    expect(!out.ok && out.message).toMatch(/TypeError: redirects\(\) can't run in viewer-response: it has no response step/)
  })
  it('your own hooks compose with the ready ones; the first answer ends the run', async () => {
    const { fn } = await build(`import { viewerRequestFunction, redirects, type FunctionHook } from 'edgeware/functions'
const tag: FunctionHook = { name: 'tag', request: function (request) { request.headers['x-seen'] = { value: 'yes' }; return undefined } }
export const handler = viewerRequestFunction(tag, redirects({ '/old': '/new' }), tag)
`)
    const passed = runFunction(fn, createFunctionEvent('viewer-request', { uri: '/page' }))
    expect(passed.ok && passed.result.headers).toMatchObject({ 'x-seen': { value: 'yes' } })
    const redirected = runFunction(fn, createFunctionEvent('viewer-request', { uri: '/old' }))
    expect(redirected.ok && redirected.result).toEqual({ statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '/new' } } })
  })
})

describe('each ready hook compiles well under the 10 KB limit', () => {
  const hooks: [string, string, string][] = [
    ['redirects', 'viewerRequestFunction', "redirects({ '/old': '/new', '/blog/*': '/posts/*' })"],
    ['securityHeaders', 'viewerResponseFunction', "securityHeaders({ contentSecurityPolicy: { 'default-src': [\"'self'\"] } })"],
    ['normalize', 'viewerRequestFunction', 'normalize()'],
    ['directoryIndex', 'viewerRequestFunction', 'directoryIndex()'],
    ['spaFallback', 'viewerRequestFunction', "spaFallback({ exclude: ['/api/*'] })"],
    ['basicAuth', 'viewerRequestFunction', "basicAuth({ username: 'u', password: 'p' })"],
    ['cors', 'viewerRequestFunction', "cors({ origin: ['https://app.example.com'] })"],
    ['kvsRouter', 'viewerRequestFunction', 'kvsRouter()'],
  ]
  /** The "compiled alone" column of docs/functions.md's table of hooks, in KB. */
  const documented = new Map(
    [...readFileSync(new URL('../../docs/functions.md', import.meta.url), 'utf8').matchAll(/^\| `(\w+)\(.*\| ([\d.]+) KB \|$/gm)].map((m) => [m[1]!, Number(m[2])]),
  )
  for (const [name, factory, expr] of hooks) {
    it(`${name}: under 6 KB, within 0.2 KB of the size docs/functions.md gives`, async () => {
      const { bytes } = await build(`import { ${factory}, ${name} } from 'edgeware/functions'\nexport const handler = ${factory}(${expr})\n`)
      expect(bytes).toBeLessThan(6 * 1024)
      expect(Math.abs(bytes / 1024 - documented.get(name)!)).toBeLessThanOrEqual(0.2)
    })
  }
})

describe('kvsRouter', () => {
  let router: CompiledFunction
  let byHost: CompiledFunction
  const kvs = KeyValueStore.fromImport({
    data: [
      { key: '/api', value: '{"origin":"api"}' },
      { key: '/api/v1', value: '{"origin":"legacy","rewrite":"/v1-compat"}' },
      { key: '/old', value: '{"redirect":"https://new.example.com/start","status":301}' },
      { key: '/shop', value: '{"updateOrigin":{"domainName":"shop.example.net","timeouts":{"readTimeout":10}}}' },
      { key: '/broken', value: 'not json' },
      { key: 'routes:www.example.com/docs', value: '{"rewrite":"/handbook"}' },
    ],
  })
  beforeAll(async () => {
    router = (await build("import { viewerRequestFunction, kvsRouter } from 'edgeware/functions'\nexport const handler = viewerRequestFunction(kvsRouter())\n")).fn
    byHost = (await build("import { viewerRequestFunction, kvsRouter } from 'edgeware/functions'\nexport const handler = viewerRequestFunction(kvsRouter({ key: 'host+path', prefix: 'routes:' }))\n")).fn
  })
  const run = (fn: CompiledFunction, o: FunctionEventOverrides, options: RunOptions = {}) => runFunction(fn, createFunctionEvent('viewer-request', o), { kvs, originIds: ['api', 'legacy', 'web'], ...options })

  it('the longest prefix with a route wins: an origin, or an origin and a new prefix', () => {
    const api = run(router, { uri: '/api/users' })
    expect(api.ok && api.result.uri).toBe('/api/users')
    expect(api.originChanges).toEqual([{ helper: 'selectRequestOriginById', originId: 'api' }])
    const v1 = run(router, { uri: '/api/v1/users' })
    expect(v1.ok && v1.result.uri).toBe('/v1-compat/users')
    expect(v1.originChanges).toEqual([{ helper: 'selectRequestOriginById', originId: 'legacy' }])
  })
  it('a redirect route answers the viewer, keeping the query string', () => {
    const out = run(router, { uri: '/old/page', querystring: 'a=1' })
    expect(out.ok && out.result).toEqual({ statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: 'https://new.example.com/start?a=1' } } })
  })
  it('an updateOrigin route passes CloudFront’s origin parameters on, checked like any origin change', () => {
    const out = run(router, { uri: '/shop/cart' })
    expect(out.originChanges).toEqual([{ helper: 'updateRequestOrigin', params: { domainName: 'shop.example.net', timeouts: { readTimeout: 10 } } }])
    const bad = runFunction(router, createFunctionEvent('viewer-request', { uri: '/shop' }), { kvs: KeyValueStore.fromImport({ data: [{ key: '/shop', value: '{"updateOrigin":{"connectionAttempts":9}}' }] }) })
    expect(!bad.ok && bad.status === 502 && bad.code).toBe('InvalidOriginChange')
  })
  it('no route: the request goes on unchanged; a route that isn’t JSON is logged and ignored', () => {
    const none = run(router, { uri: '/blog/post' })
    expect(none.ok && none.result.uri).toBe('/blog/post')
    expect(none.originChanges).toEqual([])
    const broken = run(router, { uri: '/broken/x' })
    expect(broken.ok && broken.result.uri).toBe('/broken/x')
    expect(broken.logs).toEqual(['kvsRouter: the route under /broken is not JSON; ignored'])
  })
  it('an origin id the distribution doesn’t have is a 502', () => {
    const out = run(router, { uri: '/api' }, { originIds: ['web'] })
    expect(!out.ok && out.message).toMatch(/"api" is not an origin of the distribution/)
  })
  it('keys by host and path, with a prefix', () => {
    const out = run(byHost, { uri: '/docs/intro', headers: { host: 'www.example.com' } })
    expect(out.ok && out.result.uri).toBe('/handbook/intro')
  })
  it('without an associated store the function fails like CloudFront: 503', () => {
    const out = runFunction(router, createFunctionEvent('viewer-request', { uri: '/api' }))
    expect(!out.ok && out.status).toBe(503)
  })
})
