import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BASE, expectProblem, FIXTURES, parse, problemsWithFiles } from './helpers.js'

const KVS = '[[edge.key_value_stores]]\nid = "routes"\ndata = "routes.kvs.json"\n'

describe('CloudFront Functions', () => {
  it('associates a file per viewer event, named by its stem, runtime 2.0 by default', () => {
    const c = parse(`${BASE}viewer_request_function = "cff/router.js"
origin_request = "functions/oreq.mjs"
[[edge.behaviors]]
path_pattern = "/a/*"
origin = "app"
viewer_request_function = "cff/router.js"
viewer_response_function = "cff/headers.js"
`)
    expect(c.behaviors[1]!.cloudfrontFunctions).toEqual({ 'viewer-request': join(FIXTURES, 'cff/router.js') })
    expect(c.cloudfrontFunctions).toEqual([
      { name: 'router', entry: join(FIXTURES, 'cff/router.js'), runtime: 'cloudfront-js-2.0', eventTypes: ['viewer-request'], behaviors: ['/a/*', '*'] },
      { name: 'headers', entry: join(FIXTURES, 'cff/headers.js'), runtime: 'cloudfront-js-2.0', eventTypes: ['viewer-response'], behaviors: ['/a/*'] },
    ])
    // A CloudFront Function beside a Lambda@Edge function on an origin event is fine.
    expect(c.functions.map((f) => f.name)).toEqual(['functions-oreq'])
  })

  it('takes [edge.cloudfront_functions.<name>] settings and a key value store', () => {
    const c = parse(`${BASE}viewer_request_function = "cff/router.js"\n${KVS}[edge.cloudfront_functions.router]\nruntime = "cloudfront-js-2.0"\nkey_value_store = "routes"\ncomment = "routing"`)
    expect(c.cloudfrontFunctions[0]).toMatchObject({ name: 'router', keyValueStore: 'routes', comment: 'routing' })
    expect(c.edge.keyValueStores).toEqual([{ id: 'routes', data: join(FIXTURES, 'routes.kvs.json') }])
  })

  it.each([
    ['a CloudFront Function and Lambda@Edge on viewer-request', 'viewer_request_function = "cff/router.js"\nviewer_request = "functions/vreq.mjs"', 'edge.default_behavior.viewer_request_function', /can't be combined on the viewer events of one behavior \(viewer_request_function and viewer_request\)/],
    ['a CloudFront Function on viewer-request beside Lambda@Edge on viewer-response', 'viewer_request_function = "cff/router.js"\nviewer_response = "functions/vresp.mjs"', 'edge.default_behavior.viewer_request_function', /can't be combined on the viewer events/],
    ['a CloudFront Function and Lambda@Edge on viewer-response', 'viewer_response_function = "cff/headers.js"\nviewer_response = "functions/vresp.mjs"', 'edge.default_behavior.viewer_response_function', /can't be combined on the viewer events of one behavior \(viewer_response_function and viewer_response\)/],
    ['a CloudFront Function on viewer-response beside Lambda@Edge on viewer-request', 'viewer_response_function = "cff/headers.js"\nviewer_request = "functions/vreq.mjs"', 'edge.default_behavior.viewer_response_function', /\(viewer_response_function and viewer_request\)/],
    ['the mix on a path behavior', '[[edge.behaviors]]\npath_pattern = "/a/*"\norigin = "app"\nviewer_request_function = "cff/router.js"\nviewer_request = "functions/vreq.mjs"', 'edge.behaviors[0].viewer_request_function', /can't be combined on the viewer events/],
    ['a missing function file', 'viewer_response_function = "cff/nope.js"', 'edge.default_behavior.viewer_response_function', /file not found: "cff\/nope.js"/],
    ['settings for a function no behavior uses', '[edge.cloudfront_functions.ghost]\nruntime = "cloudfront-js-1.0"', 'edge.cloudfront_functions.ghost', /no CloudFront Function named "ghost" is associated/],
    ['an unknown runtime', 'viewer_request_function = "cff/router.js"\n[edge.cloudfront_functions.router]\nruntime = "cloudfront-js-3.0"', 'edge.cloudfront_functions.router.runtime', /"cloudfront-js-1.0" or "cloudfront-js-2.0", got "cloudfront-js-3.0"/],
    ['a key value store with runtime 1.0', `viewer_request_function = "cff/router.js"\n${KVS}[edge.cloudfront_functions.router]\nruntime = "cloudfront-js-1.0"\nkey_value_store = "routes"`, 'edge.cloudfront_functions.router.key_value_store', /need runtime = "cloudfront-js-2.0", got "cloudfront-js-1.0"/],
    ['two key value stores', `viewer_request_function = "cff/router.js"\n${KVS}[edge.cloudfront_functions.router]\nkey_value_store = ["routes", "more"]`, 'edge.cloudfront_functions.router.key_value_store', /at most one key value store/],
    ['an unknown key value store', 'viewer_request_function = "cff/router.js"\n[edge.cloudfront_functions.router]\nkey_value_store = "nope"', 'edge.cloudfront_functions.router.key_value_store', /no \[\[edge.key_value_stores\]\] with id "nope" \(known: none\)/],
    ['a comment over 128 characters', `viewer_request_function = "cff/router.js"\n[edge.cloudfront_functions.router]\ncomment = "${'c'.repeat(129)}"`, 'edge.cloudfront_functions.router.comment', /at most 128 characters/],
  ])('rejects %s', (_, lines, key, re) => {
    expectProblem(`${BASE}${lines}`, key, re)
  })

  it.each([
    ['a missing data file', '[[edge.key_value_stores]]\nid = "routes"\ndata = "nope.json"', 'edge.key_value_stores[0].data', /file not found: "nope.json"/],
    ['no data file', '[[edge.key_value_stores]]\nid = "routes"', 'edge.key_value_stores[0].data', /is required/],
    ['a store name CloudFront refuses', '[[edge.key_value_stores]]\nid = "my routes"\ndata = "routes.kvs.json"', 'edge.key_value_stores[0].id', /1-64 letters, digits, "-" and "_", got "my routes"/],
    ['a duplicate store', `${KVS}${KVS}`, 'edge.key_value_stores[1].id', /duplicate key value store id "routes"/],
  ])('rejects %s', (_, lines, key, re) => {
    expectProblem(`${BASE}${lines}`, key, re)
  })
})

describe('CloudFront Function names (the file stem: 1-64 letters, digits, - and _, unique)', () => {
  const behavior = (pattern: string, file: string): string => `[[edge.behaviors]]\npath_pattern = "${pattern}"\norigin = "app"\nviewer_request_function = "${file}"\n`
  it.each([
    ['a stem with a space', behavior('/a/*', 'cff/my router.js'), /file stem, 1-64 letters, digits, "-" and "_", got "my router"/],
    ['a stem with a dot', behavior('/a/*', 'cff/router.v2.js'), /got "router\.v2"/],
    ['a stem of 65 characters', behavior('/a/*', `cff/${'r'.repeat(65)}.js`), new RegExp(`got "${'r'.repeat(65)}"`)],
    ['two files with the same stem', behavior('/a/*', 'a/router.js') + behavior('/b/*', 'b/router.js'), /two CloudFront Function files have the same name "router": .*a\/router\.js and .*b\/router\.js/],
  ])('refuses %s', (_, lines, re) => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeware-cff-names-'))
    try {
      const found = problemsWithFiles(`${BASE}${lines}`, dir)
      expect(found.map((p) => `${p.key}: ${p.message}`)).toEqual([expect.stringMatching(new RegExp(`^edge: .*${re.source}`))])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a stem of 64 letters, digits, - and _ is a name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeware-cff-names-'))
    try {
      expect(problemsWithFiles(`${BASE}${behavior('/a/*', `cff/${'r_-9'.repeat(16)}.js`)}`, dir)).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('Lambda@Edge functions', () => {
  it('keeps their names, stages and behaviors; memory and timeout within the tightest stage limit', () => {
    const c = parse(`${BASE}viewer_request = "functions/vreq.mjs"\norigin_request = "functions/oreq.mjs"\n[edge.functions.functions-oreq]\nmemory = 1024\ntimeout = 30`)
    expect(c.functions).toEqual([
      { name: 'functions-vreq', entry: join(FIXTURES, 'functions/vreq.mjs'), stages: ['viewer-request'], behaviors: ['*'] },
      { name: 'functions-oreq', entry: join(FIXTURES, 'functions/oreq.mjs'), stages: ['origin-request'], behaviors: ['*'], memoryMb: 1024, timeoutS: 30 },
    ])
    expectProblem(`${BASE}origin_request = "functions/oreq.mjs"\n[edge.functions.functions-oreq]\ntimeout = 31`, 'edge.functions.functions-oreq.timeout', /31 Max allowed: 30/)
  })
})
