// End to end over real HTTP: how the main thread's supervision of direct containers (start-up, timeouts, crashes,
// retirement) looks to a viewer: every request gets exactly one answer and the server keeps serving.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig, startDev } from '../../src/simulator/index.js'
import { startSite, type Harness, type Site } from './helpers.js'

const MAIN = `
exports.handler = async (event) => {
  const request = event.Records[0].cf.request
  if (request.uri === '/slow') await new Promise((r) => setTimeout(r, 50))
  return { status: '200', body: 'main' }
}
`
// Top-level code that never ends.
const INIT_HANG = `
for (;;) {}
exports.handler = async () => ({ status: '200', body: 'never' })
`
// A start-up of ~700 ms, then a 400 ms handler: over a 1 s timeout together.
const SLOW_INIT = `
const until = Date.now() + 700
while (Date.now() < until) {}
exports.handler = async () => {
  await new Promise((r) => setTimeout(r, 400))
  return { status: '200', body: 'slow-init' }
}
`

// A start-up of ~500 ms; the handler answers with the time it has left.
const REMAINING = `
const until = Date.now() + 500
while (Date.now() < until) {}
exports.handler = async (event, context) => ({ status: '200', body: String(context.getRemainingTimeInMillis()) })
`

// Every other container fails to start (a counter in a file next to it).
const FLAKY = `
const fs = require('node:fs')
const counter = require('node:path').join(__dirname, 'counter')
const n = Number(fs.readFileSync(counter, 'utf8'))
fs.writeFileSync(counter, String(n + 1))
if (n % 2 === 1) process.exit(2)
exports.handler = async () => {
  await new Promise((r) => setTimeout(r, 30))
  return { status: '200', body: 'flaky' }
}
`

// A timer callback that never ends, armed by a call ('/arm', 50 ms later: the container is idle then) or by the
// module itself as soon as it loads (before the edge has even connected).
const RUNAWAY = `
exports.handler = async (event) => {
  const uri = event.Records[0].cf.request.uri
  if (uri.endsWith('/arm')) setTimeout(() => { for (;;) {} }, 50)
  return { status: '200', body: 'runaway' }
}
`
const RUNAWAY_BOOT = `
setTimeout(() => { for (;;) {} }, 0)
exports.handler = async () => ({ status: '200', body: 'never' })
`

// Answers (callback), then never lets its event loop turn again: a chain of promises that grows until the heap is full.
const MICROLOOP = `
exports.handler = (event, context, callback) => {
  Promise.resolve().then(function again() { return Promise.resolve().then(again) })
  callback(null, { status: '200', body: 'answered' })
}
`

let site: Site
let h: Harness

/** Rejects when `p` takes longer than `ms` (a request that never gets an answer fails the test instead of hanging it). */
const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`${what}: no answer within ${ms} ms`)), ms).unref())])

// Each function (`<name>.js`) serves `/<name>/*`; `main` is the default behavior's.
const FUNCTIONS: Record<string, string> = {
  inithang: INIT_HANG,
  slowinit: SLOW_INIT,
  remaining: REMAINING,
  flaky: FLAKY,
  runaway: RUNAWAY,
  runawayboot: RUNAWAY_BOOT,
  microloop: MICROLOOP,
}
/** Functions with a 1 s timeout (flaky keeps the default). */
const ONE_SECOND = ['main', 'inithang', 'slowinit', 'remaining', 'runaway', 'microloop', 'runawayboot']

beforeAll(async () => {
  const files: Record<string, string> = { 'main.js': MAIN, counter: '0' }
  for (const [name, source] of Object.entries(FUNCTIONS)) files[`${name}.js`] = source
  const toml =
    'viewer_request = "main.js"\n' +
    Object.keys(FUNCTIONS)
      .map((name) => `[[edge.behaviors]]\npath_pattern = "/${name}/*"\norigin = "main"\nviewer_request = "${name}.js"\n`)
      .join('') +
    ONE_SECOND.map((name) => `[edge.functions.${name}]\ntimeout = 1\n`).join('')
  // verbose: every container start and end, and each failure in full, is in the log the tests read
  site = await startSite('supervision', files, toml, { maxContainers: 2, verbose: true })
  h = site.h
}, 60_000)

afterAll(() => site?.close())

describe('a container start-up past the timeout', () => {
  it('answers 503 LambdaLimitExceeded when top-level code never ends, for every call waiting, and keeps serving', async () => {
    const t0 = Date.now()
    const answers = await within(Promise.all([1, 2, 3].map((i) => h.get(`/inithang/${i}`))), 8000, 'init hang')
    for (const res of answers) {
      expect(res.status).toBe(503)
      expect(res.headers.get('x-cache')).toBe('Error from cloudfront')
      const rec = await h.record(res.headers.get('x-amz-cf-id')!)
      expect(rec.error?.code).toBe('LambdaLimitExceeded')
    }
    // two containers at most, each killed at the 1 s timeout: the third call waits for one of them
    expect(Date.now() - t0).toBeLessThan(6000)
    expect(h.logs.some((l) => l.includes('[inithang]') && l.includes('LambdaLimitExceeded: Task timed out after 1.00 seconds'))).toBe(true)
    expect(await (await h.get('/')).text()).toBe('main')
  }, 20_000)

  it("counts the start-up in the first call's timeout", async () => {
    const res = await within(h.get('/slowinit/a'), 5000, 'slow init')
    expect(res.status).toBe(503)
    const rec = await h.record(res.headers.get('x-amz-cf-id')!)
    expect(rec.error?.code).toBe('LambdaLimitExceeded')
    expect(rec.stages[0]!.cold).toBe(true)
  }, 20_000)

  it('gives the first call what is left of the timeout after the start-up (getRemainingTimeInMillis, c.signal)', async () => {
    const cold = await within(h.get('/remaining/a'), 5000, 'remaining')
    expect(cold.status).toBe(200)
    // ~1000 - 500 (start-up) - the thread's own start; without the start-up counted it would be ~1000
    expect(Number(await cold.text())).toBeLessThan(800)
    const warm = await h.get('/remaining/b')
    expect(Number(await warm.text())).toBeGreaterThan(800)
  })
})

describe('a container whose event loop is blocked between calls', () => {
  it('answers the calls sent to it with the timeout (503), and keeps serving', async () => {
    // two containers at most: arm both, so the next calls find only blocked containers
    const armed = await within(Promise.all([h.get('/runaway/1/arm'), h.get('/runaway/2/arm')]), 5000, 'arm')
    expect(armed.map((r) => r.status)).toEqual([200, 200])
    await new Promise((r) => setTimeout(r, 100))
    const t0 = Date.now()
    const next = await within(Promise.all([1, 2, 3].map((i) => h.get(`/runaway/next${i}`))), 8000, 'calls to blocked containers')
    const statuses = next.map((r) => r.status)
    // the calls that reached a blocked container time out; one that waited gets a new container
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0)
    for (const r of next) {
      if (r.status !== 503) continue
      expect((await h.record(r.headers.get('x-amz-cf-id')!)).error?.code).toBe('LambdaLimitExceeded')
    }
    expect(Date.now() - t0).toBeLessThan(6000)
    expect(await (await within(h.get('/runaway/after'), 5000, 'after')).text()).toBe('runaway')
  }, 20_000)

  it('answers 503 when the module blocks its event loop before the edge connects, and keeps serving', async () => {
    const res = await within(h.get('/runawayboot/a'), 5000, 'blocked start')
    expect(res.status).toBe(503)
    expect(await (await h.get('/')).text()).toBe('main')
  }, 20_000)
})

describe('a container that dies or blocks before its reply leaves', () => {
  it('answers the call 503 once, instead of giving it to container after container', async () => {
    const res = await within(h.get('/microloop/a'), 6000, 'reply never sent')
    expect(res.status).toBe(503)
    await h.record(res.headers.get('x-amz-cf-id')!)
    // one container ran it (and is gone), not one after another
    expect(h.logs.filter((l) => l.startsWith('[microloop] container gone')).length).toBe(1)
    expect(await (await h.get('/')).text()).toBe('main')
  }, 20_000)
})

describe('containers that fail to start, under concurrency', () => {
  it("names in the function's error line the request that got the 503, and no request that was served", async () => {
    const answers = await within(
      Promise.all(Array.from({ length: 40 }, (_, i) => h.get(`/flaky/${i}`).then(async (r) => ({ status: r.status, id: r.headers.get('x-amz-cf-id')!, body: await r.text() })))),
      10_000,
      'flaky starts',
    )
    const failed = answers.filter((a) => a.status === 503)
    expect(failed.length).toBeGreaterThan(0)
    for (const a of answers) await h.record(a.id)
    const errorLines = h.logs.filter((l) => l.startsWith('[flaky]') && l.includes('✗ viewer-request: LambdaExecutionError: Runtime.ExitError'))
    for (const a of answers) {
      const named = errorLines.filter((l) => l.includes(a.id)).length
      if (a.status === 503) expect(named, `503 ${a.id}`).toBe(1)
      else {
        expect(a.body).toBe('flaky')
        expect(named, `200 ${a.id}`).toBe(0)
      }
    }
  }, 20_000)
})

describe('a timeout that races the reply', () => {
  it('serves the call sent next to a container whose reply beat its timeout notice, instead of giving it that 503', async () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'edgeware-race-'))
    const flag = join(dir2, 'detected')
    // '/long' runs past the 1 s timeout until the main thread has seen it (the flag), then answers at once; '/next' takes 300 ms.
    writeFileSync(
      join(dir2, 'racer.js'),
      `const fs = require('node:fs')
exports.handler = async (event) => {
  if (event.Records[0].cf.request.uri === '/long') {
    const stop = Date.now() + 5000
    while (!fs.existsSync(${JSON.stringify(flag)}) && Date.now() < stop) {}
    return { status: '200', body: 'long' }
  }
  await new Promise((r) => setTimeout(r, 300))
  return { status: '200', body: 'next' }
}
`,
    )
    const toml = `
name = "race"
[[edge.origins]]
id = "main"
url = "${site.origin.url}"
[edge.default_behavior]
origin = "main"
viewer_request = "racer.js"
[edge.functions.racer]
timeout = 1
`
    const logs: string[] = []
    const log = (l: string): void => {
      logs.push(l)
      if (l.includes('LambdaLimitExceeded') && !existsSync(flag)) {
        // The main thread has seen the timeout and is about to tell the edge: the container answers meanwhile
        // (the window between the watchdog's look and the container's end, held open).
        writeFileSync(flag, '')
        const until = Date.now() + 300
        while (Date.now() < until) {
          /* hold the main thread */
        }
      }
    }
    // verbose: the host prints the timeout the moment it sees it (the hook above)
    const dev = await startDev({ config: parseConfig(toml, join(dir2, 'wrangler.toml')), port: 0, logger: { info: log, error: log }, watch: false, maxContainers: 1, verbose: true })
    try {
      const long = fetch(`${dev.url}/long`)
      await new Promise((r) => setTimeout(r, 200))
      // waits for the only container, busy with '/long'
      const next = fetch(`${dev.url}/next`)
      const [l, n] = await within(Promise.all([long, next]), 8000, 'race')
      expect(l.status).toBe(200)
      expect(await l.text()).toBe('long')
      expect(n.status).toBe(200)
      expect(await n.text()).toBe('next')
      expect(existsSync(flag)).toBe(true)
    } finally {
      await dev.close()
      rmSync(dir2, { recursive: true, force: true })
    }
  }, 20_000)
})
