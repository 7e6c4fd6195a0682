import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { parseConfig } from '../../src/simulator/index.js'
import { startHarness, startTestOrigin, type Harness, type TestOrigin } from './helpers.js'

// A version that answers /version itself; `big` makes its build slow (a 4 MB module to bundle and map).
const fnSource = (version: string, big = false): string => `
${big ? "const big = require('./big.js')" : ''}
exports.handler = async (event) => ({ status: '200', body: '${version}' + ${big ? "String(big.f0(0) === 0 ? '' : 'x')" : "''"} })
`

let dir: string
let origin: TestOrigin
let h: Harness

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgeware-reload-order-'))
  let big = ''
  for (let i = 0; i < 100_000; i++) big += `exports.f${i} = function (a) { return a + ${i} }\n`
  writeFileSync(join(dir, 'big.js'), big)
  writeFileSync(join(dir, 'vreq.js'), fnSource('v1'))
  origin = await startTestOrigin('main')
  const toml = `
name = "reload-order"
[[edge.origins]]
id = "main"
url = "${origin.url}"
[edge.default_behavior]
origin = "main"
viewer_request = "vreq.js"
`
  h = await startHarness(parseConfig(toml, join(dir, 'wrangler.toml')), { watch: false })
}, 60_000)

afterAll(async () => {
  await h?.close()
  await origin?.close()
  rmSync(dir, { recursive: true, force: true })
})

it('serves the newest save when an older, slower rebuild of the same function finishes last', async () => {
  expect(await (await h.get('/version')).text()).toBe('v1')
  writeFileSync(join(dir, 'vreq.js'), fnSource('v2', true))
  const slow = h.dev.reload(['vreq']) // bundles the 4 MB module: hundreds of ms
  await new Promise((r) => setTimeout(r, 100)) // it has read vreq.js (v2) by now
  writeFileSync(join(dir, 'vreq.js'), fnSource('v3'))
  await h.dev.reload(['vreq']) // small: done long before the slow one
  expect(await (await h.get('/version')).text()).toBe('v3')
  await slow
  expect(await (await h.get('/version')).text()).toBe('v3')
  expect(h.logs.filter((l) => l.includes('vreq rebuilt'))).toHaveLength(1)
}, 30_000)
