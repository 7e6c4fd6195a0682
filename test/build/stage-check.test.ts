/**
 * A handler made for one stage (`viewerRequest()` & co.) associated with another: `edgeware build` and `edgeware
 * dev` refuse it before serving a request, naming the function and both stages; a plain handler serves any stage.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { build } from '../../src/build/build.js'
import { BuildError } from '../../src/build/errors.js'
import { parseConfig, startDev } from '../../src/simulator/index.js'
import { cleanTempDirs, tempDir, writeTree } from './helpers.js'

afterAll(cleanTempDirs)

const FILES = {
  'vreq.ts': `import { viewerRequest } from 'edgeware'\nexport const handler = viewerRequest(async (c, next) => next())\n`,
  'plain.js': `exports.handler = async (event) => event.Records[0].cf.response\n`,
  'boom.js': `throw new Error('no config at load')\nexports.handler = async () => null\n`,
}

/** A config with `viewer_request` / `viewer_response` on the default behavior, written to a new temp dir. */
async function site(assoc: string): Promise<{ dir: string; toml: string }> {
  const dir = await tempDir('test-stage-')
  writeTree(dir, FILES)
  const toml = `name = "stages"\n[[edge.origins]]\nid = "app"\nurl = "https://app.example.com"\n[edge.default_behavior]\norigin = "app"\n${assoc}`
  writeTree(dir, { 'wrangler.toml': toml })
  return { dir, toml }
}

const MISMATCH =
  'vreq: vreq.ts makes its handler with viewerRequest() (viewer-request), but wrangler.toml associates it as viewer_response (the default behavior); ' +
  "it would answer every viewer-response event with an error (CloudFront's 503): associate it as viewer_request, or make the handler with viewerResponse()"

describe('the stage a handler is made for', () => {
  it('edgeware build refuses viewerRequest() associated as viewer_response, naming the function and both stages, and writes nothing', async () => {
    const { dir } = await site('viewer_response = "vreq.ts"\n')
    const err = await build({ config: join(dir, 'wrangler.toml'), outDir: join(dir, 'out') }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BuildError)
    expect((err as BuildError).code).toBe('WrongStage')
    expect((err as BuildError).message).toBe(MISMATCH)
    expect(existsSync(join(dir, 'out'))).toBe(false)
  })

  it('edgeware dev refuses it at start, before any request', async () => {
    const { dir, toml } = await site('viewer_response = "vreq.ts"\n')
    const logs: string[] = []
    const start = startDev({ config: parseConfig(toml, join(dir, 'wrangler.toml')), port: 0, watch: false, logger: { info: (l) => logs.push(l), error: (l) => logs.push(l) } })
    await expect(start).rejects.toThrow(MISMATCH)
  })

  it('a plain handler (no stage of its own) builds for any stage; the right stage builds', async () => {
    const { dir } = await site('viewer_request = "vreq.ts"\nviewer_response = "plain.js"\n')
    const r = await build({ config: join(dir, 'wrangler.toml'), outDir: join(dir, 'out') })
    expect(r.functions.map((f) => f.name)).toEqual(['plain', 'vreq'])
    expect(r.warnings).toEqual([])
  })

  it('a module that throws as it loads: a warning (the stage goes unchecked), not a failure', async () => {
    const { dir } = await site('viewer_response = "boom.js"\n')
    const r = await build({ config: join(dir, 'wrangler.toml'), outDir: join(dir, 'out') })
    expect(r.warnings).toEqual([
      { code: 'InitError', message: 'boom: the module fails as it loads (Error: no config at load); Lambda would fail every cold start the same way' },
    ])
  })
})
