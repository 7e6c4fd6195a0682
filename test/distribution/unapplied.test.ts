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
    expect(notYetApplied(c, 'build').errors).toEqual([])
    expect(notYetApplied(c, 'build').warnings).toEqual(["edge.origins[1].read_timeout is parsed but not yet applied by edgeware build: CloudFront's defaults (30 s, 5 s) are deployed"])
  })

  it('names each key a tool does not apply once, with what the tool does instead', () => {
    const c = parse(`[dev]\nip = "0.0.0.0"\n[dev.viewer]\ncountry = "US"\n${BASE}cache_policy = "CachingOptimized"
response_headers_policy = "SimpleCORS"
compress = false
[[edge.behaviors]]
path_pattern = "/a/*"
origin = "app"
cache_policy = "CachingDisabled"
compress = true
[[edge.custom_error_responses]]
error_code = 404
`)
    expect(notYetApplied(c, 'dev').warnings).toEqual(['edge.default_behavior.compress is parsed but not yet applied by edgeware dev: responses are not compressed', 'edge.behaviors[0].compress is parsed but not yet applied by edgeware dev: responses are not compressed'])
    // [dev] keys mean nothing to the build.
    expect(notYetApplied(c, 'build').warnings.map((w) => w.split(' ')[0])).toEqual([
      'edge.default_behavior.cache_policy',
      'edge.default_behavior.response_headers_policy',
      'edge.default_behavior.compress',
      'edge.behaviors[0].cache_policy',
      'edge.behaviors[0].compress',
      'edge.custom_error_responses',
    ])
  })

  it('refuses a behavior that targets an S3 origin in the build (dev serves it), and only warns for one nothing targets', () => {
    const used = parse(`${S3}${BASE}[[edge.behaviors]]\npath_pattern = "/assets/*"\norigin = "assets"`)
    expect(notYetApplied(used, 'dev')).toEqual({ errors: [], warnings: [] })
    expect(notYetApplied(used, 'build').errors).toEqual(['edge.origins[0] (assets): S3 origins are parsed but not yet written by edgeware build (used by /assets/*)'])
    const unused = parse(`${S3}${BASE}`)
    expect(notYetApplied(unused, 'build')).toEqual({
      errors: [],
      warnings: ['edge.origins[0] (assets): S3 origins are parsed but not yet written by edgeware build; no behavior sends requests to it, so it is left out'],
    })
  })

  it('warns the build for an origin group: the behaviors target the primary', () => {
    const c = parse(`${S3}${BASE}[[edge.origin_groups]]\nid = "ha"\nmembers = ["app", "assets"]\n[[edge.behaviors]]\npath_pattern = "/x/*"\norigin = "ha"`)
    expect(notYetApplied(c, 'dev')).toEqual({ errors: [], warnings: [] })
    expect(notYetApplied(c, 'build').warnings).toEqual([
      'edge.origin_groups is parsed but not yet applied by edgeware build: the behaviors target the primary origin; no origin group is written',
      'edge.origins[0] (assets): S3 origins are parsed but not yet written by edgeware build; no behavior sends requests to it first, so it is left out',
    ])
  })
})

describe('the tools say what they do not apply', () => {
  const out = mkdtempSync(join(tmpdir(), 'edgeware-unapplied-'))
  afterAll(() => rmSync(out, { recursive: true, force: true }))

  it('edgeware build refuses an S3 target before bundling, and lists the keys it does not write as warnings', async () => {
    const refused = await build({ config: parse(`${S3}${BASE}viewer_request = "functions/vreq.mjs"\n[[edge.behaviors]]\npath_pattern = "/assets/*"\norigin = "assets"`), outDir: out }).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(BuildError)
    expect(refused).toMatchObject({ code: 'NotYetSupported', message: expect.stringContaining('S3 origins are parsed but not yet written by edgeware build (used by /assets/*)') })

    const lines: string[] = []
    const r = await build({ config: parse(`${BASE}viewer_request = "functions/vreq.mjs"\ncache_policy = "CachingOptimized"`), outDir: out, log: (l) => lines.push(l) })
    expect(r.warnings).toContainEqual({ code: 'NotYetApplied', message: expect.stringMatching(/^edge\.default_behavior\.cache_policy is parsed but not yet applied by edgeware build: written as legacy ForwardedValues/) })
    expect(lines.some((l) => l.startsWith('warning: edge.default_behavior.cache_policy is parsed but not yet applied by edgeware build'))).toBe(true)
  })

  it('edgeware dev refuses a Lambda origin target at start, and logs the keys it does not apply', async () => {
    const lambda = `[[edge.origins]]\nid = "fn"\nlambda = { handler = "functions/vreq.mjs", integration = "url" }\n`
    await expect(startDev({ config: parse(`${lambda}[edge.default_behavior]\norigin = "fn"`), port: 0, watch: false, logger: { info: () => {}, error: () => {} } })).rejects.toThrow(
      'edge.origins[0] (fn): Lambda origins are parsed but not yet served by edgeware dev (used by the default behavior)',
    )
    const logs: string[] = []
    const dev = await startDev({ config: parse(`${BASE}compress = true`), port: 0, watch: false, logger: { info: (l) => logs.push(l), error: (l) => logs.push(l) } })
    await dev.close()
    expect(logs).toContain('warning: edge.default_behavior.compress is parsed but not yet applied by edgeware dev: responses are not compressed')
  })
})
