import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startSite, type Site } from './helpers.js'

// A version that answers /version itself; `big` makes its build slow (a 4 MB module to bundle and map).
const fnSource = (version: string, big = false): string => `
${big ? "const big = require('./big.js')" : ''}
exports.handler = async (event) => ({ status: '200', body: '${version}' + ${big ? "String(big.f0(0) === 0 ? '' : 'x')" : "''"} })
`

let site: Site

beforeAll(async () => {
  let big = ''
  for (let i = 0; i < 100_000; i++) big += `exports.f${i} = function (a) { return a + ${i} }\n`
  site = await startSite('reload-order', { 'big.js': big, 'vreq.js': fnSource('v1') }, 'viewer_request = "vreq.js"\n')
}, 60_000)

afterAll(() => site?.close())

it('serves the newest save when an older, slower rebuild of the same function finishes last', async () => {
  const { dir, h } = site
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
