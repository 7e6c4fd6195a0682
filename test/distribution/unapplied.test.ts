import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { build, BuildError } from '../../src/build/index.js'
import { notYetApplied } from '../../src/distribution/index.js'
import { startDev } from '../../src/simulator/dev.js'
import { BASE, parse } from './helpers.js'

const S3 = `[[edge.origins]]\nid = "assets"\ns3 = { dir = "public", bucket = "my-assets", region = "us-east-1" }\n`

describe('notYetApplied', () => {
  it('says nothing for a config that uses only what dev and build apply', () => {
    const c = parse(`${BASE}cache = { default_ttl = 5 }\nviewer_request = "functions/vreq.mjs"\n[[edge.origins]]\nid = "b"\nurl = "http://b.test/v1"\nread_timeout = 10`)
    expect(notYetApplied(c, 'dev')).toEqual({ warnings: [], errors: [] })
    expect(notYetApplied(c, 'build')).toEqual({ warnings: [], errors: [] })
  })

  it('names each key a tool does not apply once, with what the tool does instead', () => {
    const c = parse(`[dev]\nip = "0.0.0.0"\n[dev.viewer]\ncountry = "US"\n${BASE}cache_policy = "CachingOptimized"
response_headers_policy = "SimpleCORS"
compress = false
[[edge.behaviors]]
path_pattern = "/a/*"
origin = "app"
cache_policy = "CachingDisabled"
viewer_request_function = "cff/router.js"
[[edge.custom_error_responses]]
error_code = 404
`)
    expect(notYetApplied(c, 'dev').warnings).toEqual([
      'edge.behaviors[0].viewer_request_function is parsed but not yet applied by edgeware dev: CloudFront Functions do not run',
    ])
    // [dev] keys mean nothing to the build, which writes the policies and error responses.
    expect(notYetApplied(c, 'build').warnings).toEqual(['edge.behaviors[0].viewer_request_function is parsed but not yet applied by edgeware build: no CloudFront Function is written'])
  })

  it('S3 origins are served by dev and written by the build', () => {
    const used = parse(`${S3}${BASE}[[edge.behaviors]]\npath_pattern = "/assets/*"\norigin = "assets"`)
    expect(notYetApplied(used, 'dev')).toEqual({ warnings: [], errors: [] })
    expect(notYetApplied(used, 'build')).toEqual({ warnings: [], errors: [] })
    expect(notYetApplied(parse(`${S3}${BASE}`), 'build')).toEqual({ warnings: [], errors: [] })
  })

  it('refuses a Lambda origin for the build where a behavior or an origin group uses it', () => {
    const api = `[[edge.origins]]\nid = "api"\nlambda = { handler = "api/handler.mjs", integration = "url" }\n`
    const used = parse(`${api}${BASE}[[edge.behaviors]]\npath_pattern = "/api/*"\norigin = "api"`)
    expect(notYetApplied(used, 'build').errors).toEqual(['edge.origins[0] (api): Lambda origins are parsed but not yet written by edgeware build (used by /api/*)'])
    const grouped = parse(`${api}${BASE}[[edge.origin_groups]]\nid = "ha"\nmembers = ["app", "api"]\n`)
    expect(notYetApplied(grouped, 'build').errors).toEqual(['edge.origins[0] (api): Lambda origins are parsed but not yet written by edgeware build (a member of origin group ha)'])
    expect(notYetApplied(parse(`${api}${BASE}`), 'build')).toEqual({
      errors: [],
      warnings: ['edge.origins[0] (api): Lambda origins are parsed but not yet written by edgeware build; no behavior sends requests to it, so it is left out'],
    })
  })

  it('origin groups are applied by both tools', () => {
    const c = parse(`${S3}${BASE}[[edge.origin_groups]]\nid = "ha"\nmembers = ["app", "assets"]\n[[edge.behaviors]]\npath_pattern = "/x/*"\norigin = "ha"`)
    expect(notYetApplied(c, 'dev')).toEqual({ errors: [], warnings: [] })
    expect(notYetApplied(c, 'build')).toEqual({ errors: [], warnings: [] })
  })
})

describe('the tools say what they do not apply', () => {
  const out = mkdtempSync(join(tmpdir(), 'edgeware-unapplied-'))
  afterAll(() => rmSync(out, { recursive: true, force: true }))

  it('edgeware build refuses a Lambda origin target before bundling, and lists the keys it does not write as warnings', async () => {
    const api = `[[edge.origins]]\nid = "api"\nlambda = { handler = "api/handler.mjs", integration = "url" }\n`
    const refused = await build({ config: parse(`${api}${BASE}viewer_request = "functions/vreq.mjs"\n[[edge.behaviors]]\npath_pattern = "/api/*"\norigin = "api"`), outDir: out }).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(BuildError)
    expect(refused).toMatchObject({ code: 'NotYetSupported', message: expect.stringContaining('Lambda origins are parsed but not yet written by edgeware build (used by /api/*)') })

    const lines: string[] = []
    const r = await build({ config: parse(`${BASE}viewer_request = "functions/vreq.mjs"\n[[edge.behaviors]]\npath_pattern = "/x/*"\norigin = "app"\nviewer_response_function = "cff/headers.js"`), outDir: out, log: (l) => lines.push(l) })
    expect(r.warnings).toContainEqual({ code: 'NotYetApplied', message: 'edge.behaviors[0].viewer_response_function is parsed but not yet applied by edgeware build: no CloudFront Function is written' })
    expect(lines).toContain('warning: edge.behaviors[0].viewer_response_function is parsed but not yet applied by edgeware build: no CloudFront Function is written')
  })

  it('edgeware dev refuses a Lambda origin target at start, and logs the keys it does not apply', async () => {
    const lambda = `[[edge.origins]]\nid = "fn"\nlambda = { handler = "functions/vreq.mjs", integration = "url" }\n`
    await expect(startDev({ config: parse(`${lambda}[edge.default_behavior]\norigin = "fn"`), port: 0, watch: false, logger: { info: () => {}, error: () => {} } })).rejects.toThrow(
      'edge.origins[0] (fn): Lambda origins are parsed but not yet served by edgeware dev (used by the default behavior)',
    )
    const logs: string[] = []
    const db = `[edge.dynamodb]\nlocal = false\ntable = "origins"\nendpoint = "http://127.0.0.1:8000"\nregion = "eu-west-1"\n`
    const dev = await startDev({ config: parse(`${db}${BASE}`), port: 0, watch: false, logger: { info: (l) => logs.push(l), error: (l) => logs.push(l) } })
    await dev.close()
    expect(logs).toContain('warning: edge.dynamodb.region is parsed but not yet applied by edgeware dev: the local table is in memory, on a free port, in the edge region')
  })
})
