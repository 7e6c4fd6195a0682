// Saving wrangler.toml while `edgeware dev` runs: the new distribution for new requests, those in flight finish,
// a broken config keeps the running one (every problem printed), what only a restart applies is said.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDev, type DevServer } from '../../src/simulator/index.js'
import { startTestOrigin, type TestOrigin } from './helpers.js'

const VREQ = `exports.handler = async (event) => {
  const r = event.Records[0].cf.request
  r.headers['x-greeting'] = [{ key: 'X-Greeting', value: process.env.GREETING }]
  return r
}
`

let dir: string
let main: TestOrigin
let other: TestOrigin
let dev: DevServer
const logs: string[] = []
let n = 0
const u = (): string => `t${++n}-${Date.now().toString(36)}`

const toml = (extra = '', vars = 'GREETING = "hello"', port = 0): string => `name = "reload"
[dev]
port = ${port}
[vars]
${vars}
[[edge.origins]]
id = "main"
url = "${main.url}"
[[edge.origins]]
id = "other"
url = "${other.url}"
[edge.default_behavior]
origin = "main"
cache_policy = "CachingDisabled"
${extra}`
const NEW_BEHAVIOR = `[[edge.behaviors]]
path_pattern = "/new/*"
origin = "other"
cache_policy = "CachingDisabled"
origin_request_policy = "AllViewer"
viewer_request = "vreq.js"
`

// A CloudFront Function and a Lambda origin the running config doesn't have yet.
const HELLO_CFF = `function handler(event) {
  event.request.headers['x-greeting'] = { value: 'from a CloudFront Function' }
  return event.request
}
`
const VERSION = (v: string): string => `export const handler = async () => ({ statusCode: 200, headers: { 'content-type': 'text/plain' }, body: '${v}' })\n`
const FUNCTIONS_AND_LAMBDA = (timeout = 3): string => `[[edge.behaviors]]
path_pattern = "/cff/*"
origin = "other"
cache_policy = "CachingDisabled"
origin_request_policy = "AllViewer"
viewer_request_function = "hello.js"
[[edge.behaviors]]
path_pattern = "/fn/*"
origin = "fn"
cache_policy = "CachingDisabled"
[[edge.origins]]
id = "fn"
lambda = { handler = "version.mjs", integration = "url", timeout = ${timeout} }
`

/** Saves wrangler.toml and waits for the line saying how the reload went. */
async function save(text: string, expect: RegExp): Promise<void> {
  const before = logs.length
  writeFileSync(join(dir, 'wrangler.toml'), text)
  for (let i = 0; i < 1000; i++) {
    if (logs.slice(before).some((l) => expect.test(l))) return
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`no ${expect} after saving; logs:\n${logs.slice(before).join('\n')}`)
}
const seen = async (res: Response): Promise<{ origin: string; headers: Record<string, string> }> => (await res.json()) as { origin: string; headers: Record<string, string> }

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgeware-config-reload-'))
  writeFileSync(join(dir, 'vreq.js'), VREQ)
  writeFileSync(join(dir, 'hello.js'), HELLO_CFF)
  writeFileSync(join(dir, 'version.mjs'), VERSION('v1'))
  main = await startTestOrigin('main')
  other = await startTestOrigin('other')
  writeFileSync(join(dir, 'wrangler.toml'), toml())
  dev = await startDev({ config: join(dir, 'wrangler.toml'), port: 0, logger: { info: (l) => logs.push(l), error: (l) => logs.push(l) } })
}, 60_000)
afterAll(async () => {
  await dev?.close()
  await main?.close()
  await other?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('saving wrangler.toml', () => {
  it('puts a new behavior with a new function in force; a request in flight finishes on the configuration it started with', async () => {
    expect((await seen(await fetch(`${dev.url}/new/${u()}`))).origin).toBe('main')
    const inFlight = fetch(`${dev.url}/delay/800/${u()}`)
    await new Promise((r) => setTimeout(r, 100)) // at the origin by now
    await save(toml(NEW_BEHAVIOR), /↻ wrangler\.toml reloaded/)
    const res = await fetch(`${dev.url}/new/${u()}`)
    const s = await seen(res)
    expect(s.origin).toBe('other')
    expect(s.headers['x-greeting']).toBe('hello')
    const finished = await inFlight
    expect(finished.status).toBe(200)
    expect((await seen(finished)).origin).toBe('main')
    expect(dev.config.behaviors.map((b) => b.pathPattern)).toEqual(['/new/*', '*'])
  })

  it('new [vars] reach the functions', async () => {
    await save(toml(NEW_BEHAVIOR, 'GREETING = "bonjour"'), /↻ wrangler\.toml reloaded/)
    expect((await seen(await fetch(`${dev.url}/new/${u()}`))).headers['x-greeting']).toBe('bonjour')
  })

  it('a new CloudFront Function and a new Lambda origin serve at once; a changed Lambda origin starts anew', async () => {
    await save(toml(NEW_BEHAVIOR + FUNCTIONS_AND_LAMBDA(), 'GREETING = "bonjour"'), /↻ wrangler\.toml reloaded/)
    const s = await seen(await fetch(`${dev.url}/cff/${u()}`))
    expect([s.origin, s.headers['x-greeting']]).toEqual(['other', 'from a CloudFront Function'])
    const fn = await fetch(`${dev.url}/fn/${u()}`)
    expect([fn.status, await fn.text()]).toEqual([200, 'v1'])
    // The new function's file is watched like the others.
    const rebuilt = dev.nextReload()
    writeFileSync(join(dir, 'hello.js'), HELLO_CFF.replace('from a CloudFront Function', 'saved again'))
    expect(await rebuilt).toEqual(['hello'])
    expect((await seen(await fetch(`${dev.url}/cff/${u()}`))).headers['x-greeting']).toBe('saved again')
    // A changed Lambda origin (its timeout) is started anew, on the handler as it is now.
    writeFileSync(join(dir, 'version.mjs'), VERSION('v2'))
    await save(toml(NEW_BEHAVIOR + FUNCTIONS_AND_LAMBDA(5), 'GREETING = "bonjour"'), /↻ wrangler\.toml reloaded/)
    expect(await (await fetch(`${dev.url}/fn/${u()}`)).text()).toBe('v2')
  })

  it('a broken config keeps the running one serving, and every problem is printed', async () => {
    const broken = toml(`${NEW_BEHAVIOR}[[edge.behaviors]]\npath_pattern = "/b/*"\norigin = "nowhere"\ncompress = "yes"\n`, 'GREETING = "bonjour"')
    await save(broken, /still serving the previous configuration/)
    const line = logs.find((l) => l.includes('still serving the previous configuration'))!
    expect(line).toContain('wrangler.toml not reloaded: still serving the previous configuration')
    expect(line).toContain('edge.behaviors[1].compress: expected true or false, got "yes"')
    expect(line).toContain('edge.behaviors[1].origin: no [[edge.origins]] with id "nowhere"')
    const s = await seen(await fetch(`${dev.url}/new/${u()}`))
    expect([s.origin, s.headers['x-greeting']]).toEqual(['other', 'bonjour'])
  })

  it('a function no behavior uses any more is dropped; a changed port is said to need a restart', async () => {
    await save(toml('', 'GREETING = "bonjour"', 1), /↻ wrangler\.toml reloaded/)
    expect((await seen(await fetch(`${dev.url}/new/${u()}`))).origin).toBe('main')
    expect(logs.some((l) => /wrangler\.toml: dev\.port changed: restart edgeware dev to apply it/.test(l))).toBe(true)
    expect(dev.config.functions).toEqual([])
  })
})
