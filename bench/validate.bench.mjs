// bench/validate.bench.mjs — what the result validator costs per stage result, side by side with the JSON
// serialisation every Lambda result goes through anyway (`JSON.stringify(result)`, the baseline) on the same
// results: the AWS sample events returned unchanged, a request with 30 extra headers, a 40 KB generated response,
// a 1 MB origin-response body, and an invalid result (read-only header added). Also the minified size of the
// validator. Run with `npm run bench -- validate` (or `node --expose-gc bench/validate.bench.mjs`).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { importSource, root, tempDir } from './_lib.mjs'

const dir = tempDir('validate')
const gc = globalThis.gc ?? (() => {})
{
  const out = join(dir, 'validate.mjs')
  const r = await build({
    entryPoints: [join(root, 'src/cloudfront/validate.ts')],
    bundle: true, format: 'esm', platform: 'neutral', minify: true, write: false, logLevel: 'silent',
  })
  writeFileSync(out, r.outputFiles[0].contents)
  const minBytes = r.outputFiles[0].contents.byteLength
  const { validateResult, eventViolations } = await import(pathToFileURL(out).href)

  const samples = await importSource(`export * from './src/testing/samples.ts'`)
  const byName = {
    'viewer-request': samples.viewerRequestSample,
    'origin-request-custom': samples.originRequestCustomSample,
    'origin-response': samples.originResponseSample,
    'viewer-response': samples.viewerResponseSample,
  }
  const ev = (name) => structuredClone(byName[name])
  const vreq = ev('viewer-request')
  const oreq = ev('origin-request-custom')
  const oresp = ev('origin-response')
  const vresp = ev('viewer-response')
  const req = (e) => structuredClone(e.Records[0].cf.request)
  const res = (e) => structuredClone(e.Records[0].cf.response)
  const many = req(vreq)
  for (let i = 0; i < 30; i++) many.headers[`x-custom-${i}`] = [{ key: `X-Custom-${i}`, value: `value number ${i} with some text` }]
  const roBad = req(vreq)
  roBad.headers.via = [{ key: 'Via', value: 'x' }]

  const cases = [
    ['viewer-request sample, unchanged', 'viewer-request', vreq, req(vreq)],
    ['origin-request sample, unchanged', 'origin-request', oreq, req(oreq)],
    ['origin-response sample, unchanged', 'origin-response', oresp, res(oresp)],
    ['viewer-response sample, unchanged', 'viewer-response', vresp, res(vresp)],
    ['viewer-request + 30 headers', 'viewer-request', vreq, many],
    ['viewer-request generated 40 KB', 'viewer-request', vreq, { status: '200', headers: { 'content-type': [{ value: 'text/html' }] }, body: 'a'.repeat(40_000) }],
    ['origin-response 1 MB body', 'origin-response', oresp, { ...res(oresp), body: 'b'.repeat(1_000_000) }],
    ['viewer-request invalid (via added)', 'viewer-request', vreq, roBad],
  ]

  function time(fn, minMs = 300) {
    for (let i = 0; i < 2000; i++) fn()
    gc()
    let n = 0
    const t0 = process.hrtime.bigint()
    let t = t0
    while (t - t0 < BigInt(minMs) * 1_000_000n) {
      for (let i = 0; i < 200; i++) fn()
      n += 200
      t = process.hrtime.bigint()
    }
    return Number(t - t0) / n
  }
  const fmt = (ns) => (ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`)
  console.log(`validator bundle (esbuild --minify, platform neutral): ${minBytes} bytes`)
  console.log('case'.padEnd(38), 'validateResult'.padStart(14), 'JSON.stringify'.padStart(15), 'ratio'.padStart(7), ' violations')
  let sink = 0
  for (const [name, stage, event, result] of cases) {
    const v = validateResult(stage, event, result)
    // interleave the two measurements so drift hits both alike
    let a = 0, b = 0
    for (let round = 0; round < 3; round++) {
      a += time(() => { sink += validateResult(stage, event, result).length })
      b += time(() => { sink += JSON.stringify(result).length })
    }
    a /= 3; b /= 3
    console.log(name.padEnd(38), fmt(a).padStart(14), fmt(b).padStart(15), `${(a / b).toFixed(2)}x`.padStart(7), ` ${v.map((x) => x.code).join(',') || '-'}`)
  }
  console.log('\neventViolations: the simulator checks every event it builds')
  console.log('case'.padEnd(38), 'eventViolations'.padStart(14), 'JSON.stringify'.padStart(15), 'ratio'.padStart(7))
  for (const [name, stage, event] of [['viewer-request', 'viewer-request', vreq], ['origin-request', 'origin-request', oreq], ['origin-response', 'origin-response', oresp], ['viewer-response', 'viewer-response', vresp]]) {
    let a = 0, b = 0
    for (let round = 0; round < 3; round++) {
      a += time(() => { sink += eventViolations(event, stage).length })
      b += time(() => { sink += JSON.stringify(event).length })
    }
    a /= 3; b /= 3
    console.log(`${name} sample event`.padEnd(38), fmt(a).padStart(14), fmt(b).padStart(15), `${(a / b).toFixed(2)}x`.padStart(7))
  }
  if (sink === 42) console.log('')
}
