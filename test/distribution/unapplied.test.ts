import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { build } from '../../src/build/index.js'
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

  it('says nothing for compress, CloudFront Functions, policies, error responses and [dev] keys: both tools apply them', () => {
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
    // Compression, CloudFront Functions, policies, error responses: dev applies them all; [dev] keys mean nothing to
    // the build, which writes the rest.
    expect(notYetApplied(c, 'dev')).toEqual({ warnings: [], errors: [] })
    expect(notYetApplied(c, 'build')).toEqual({ warnings: [], errors: [] })
  })

  it('S3 origins are served by dev and written by the build', () => {
    const used = parse(`${S3}${BASE}[[edge.behaviors]]\npath_pattern = "/assets/*"\norigin = "assets"`)
    expect(notYetApplied(used, 'dev')).toEqual({ warnings: [], errors: [] })
    expect(notYetApplied(used, 'build')).toEqual({ warnings: [], errors: [] })
    expect(notYetApplied(parse(`${S3}${BASE}`), 'build')).toEqual({ warnings: [], errors: [] })
  })

  it('both tools serve and write every kind of origin: Lambda origins, used or not, are no problem for either', () => {
    const api = `[[edge.origins]]\nid = "api"\nlambda = { handler = "api/handler.mjs", integration = "url" }\n`
    for (const tool of ['dev', 'build'] as const) {
      expect(notYetApplied(parse(`${api}${BASE}[[edge.behaviors]]\npath_pattern = "/api/*"\norigin = "api"`), tool)).toEqual({ warnings: [], errors: [] })
      expect(notYetApplied(parse(`${api}${BASE}[[edge.origin_groups]]\nid = "ha"\nmembers = ["app", "api"]\n`), tool)).toEqual({ warnings: [], errors: [] })
      expect(notYetApplied(parse(`${api}${BASE}`), tool)).toEqual({ warnings: [], errors: [] })
    }
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

  it('edgeware build writes Lambda origins and CloudFront Functions without a warning', async () => {
    const api = `[[edge.origins]]\nid = "api"\nlambda = { handler = "api/handler.mjs", integration = "url" }\n`
    const lines: string[] = []
    const r = await build({ config: parse(`${api}${BASE}viewer_request = "functions/vreq.mjs"\n[[edge.behaviors]]\npath_pattern = "/x/*"\norigin = "api"\nallowed_methods = ["GET", "HEAD"]\nviewer_response_function = "cff/headers.js"`), outDir: out, log: (l) => lines.push(l) })
    expect(r.warnings.filter((w) => w.code === 'NotYetApplied' || w.code === 'NotYetSupported')).toEqual([])
    expect(r.manifest.cloudfrontFunctions.map((f) => f.name)).toEqual(['headers'])
    expect(r.manifest.lambdaOrigins.map((o) => o.id)).toEqual(['api'])
    expect(lines.some((l) => /^ {2}headers +viewer-response \(CloudFront Function\) +\d+ B code/.test(l))).toBe(true)
  })

  it('edgeware dev warns of nothing left unapplied for a config that compresses', async () => {
    const logs: string[] = []
    const dev = await startDev({ config: parse(`${BASE}compress = true`), port: 0, watch: false, logger: { info: (l) => logs.push(l), error: (l) => logs.push(l) } })
    await dev.close()
    expect(logs.filter((l) => l.includes('not yet applied'))).toEqual([])
  })
})
