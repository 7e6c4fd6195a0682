/**
 * `secret()` under `edgeware dev` and `edgeware invoke`: the values come from `.dev.vars` next to the config (a
 * fresh clone falls back to `.dev.vars.example`, with a notice), reach the function's container without being an
 * environment variable, and a missing name fails like on AWS (a 503). `.dev.vars` parsing and its errors.
 */
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/simulator/config.js'
import { loadLocalSecrets } from '../../src/build/environment.js'
import { parseDevVars } from '../../src/distribution/env.js'
import { startDev } from '../../src/simulator/dev.js'
import { runCli } from '../cli/run-cli.js'
import { cleanTempDirs, writeProject } from '../build/helpers.js'

afterAll(cleanTempDirs)

const FN = `import { viewerRequest } from 'edgeware'
import { secret } from 'edgeware/secrets'
export const handler = viewerRequest(async (c) => {
  const name = c.request.uri.slice(1) || 'API_KEY'
  const value = await secret(name)
  c.json({ value, inEnv: Object.keys(process.env).filter((k) => !k.startsWith('AWS_') && !k.startsWith('LAMBDA_') && !['LANG', 'TZ', 'PATH', 'LD_LIBRARY_PATH', 'NODE_PATH'].includes(k)) })
})
`
const TOML = `name = "s"\n[[edge.origins]]\nid = "app"\nurl = "http://127.0.0.1:9999"\n[edge.default_behavior]\norigin = "app"\nviewer_request = "edge-functions/fn.ts"\n`

const project = (files: Record<string, string>): Promise<string> => writeProject({ 'wrangler.toml': TOML, 'edge-functions/fn.ts': FN, ...files }, 'local-secrets-')

describe('edgeware dev', () => {
  it('gives the functions the values of .dev.vars (not as environment variables); a missing name is a 503', async () => {
    const config = await project({ '.dev.vars': 'API_KEY="local key"\n', '.dev.vars.example': 'API_KEY=from-the-example\n' })
    const logs: string[] = []
    const dev = await startDev({ config, port: 0, watch: false, logger: { info: (l) => logs.push(l), error: (l) => logs.push(l) } })
    try {
      const res = await fetch(`${dev.url}/`)
      expect(await res.json()).toEqual({ value: 'local key', inEnv: [] })
      const missing = await fetch(`${dev.url}/OTHER`)
      expect(missing.status).toBe(503)
      // the request's error line arrives with the edge's next log flush
      await expect.poll(() => logs.join('\n'), { timeout: 5000 }).toContain('secret OTHER: not in .dev.vars')
      expect(logs.join('\n')).not.toContain('.dev.vars.example')
    } finally {
      await dev.close()
    }
  })

  it('a fresh clone (no .dev.vars) reads .dev.vars.example and says so', async () => {
    const config = await project({ '.dev.vars.example': '# committed defaults\nAPI_KEY=from-the-example\n' })
    const logs: string[] = []
    const dev = await startDev({ config, port: 0, watch: false, logger: { info: (l) => logs.push(l), error: (l) => logs.push(l) } })
    try {
      expect(((await (await fetch(`${dev.url}/`)).json()) as { value: string }).value).toBe('from-the-example')
      expect(logs.join('\n')).toContain('no .dev.vars next to wrangler.toml: secret() reads .dev.vars.example (copy it to .dev.vars')
    } finally {
      await dev.close()
    }
  })

  it('a Lambda origin reads .dev.vars with secret() and gets [vars] baked in, as the edge functions do', async () => {
    const api = `import { secret } from 'edgeware/secrets'
export const handler = async () => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: await secret('API_KEY'), stage: process.env.STAGE }) })
`
    const toml = `name = "s"\n[vars]\nSTAGE = "dev"\n[[edge.origins]]\nid = "api"\nlambda = { handler = "api/index.ts", integration = "http" }\n[edge.default_behavior]\norigin = "api"\ncache_policy = "CachingDisabled"\norigin_request_policy = "AllViewerExceptHostHeader"\n`
    const config = await project({ 'wrangler.toml': toml, 'api/index.ts': api, '.dev.vars': 'API_KEY=origin key\n' })
    const logs: string[] = []
    const dev = await startDev({ config, port: 0, watch: false, logger: { info: (l) => logs.push(l), error: (l) => logs.push(l) } })
    try {
      const res = await fetch(`${dev.url}/items`)
      expect(res.status, logs.join('\n')).toBe(200)
      expect(await res.json()).toEqual({ key: 'origin key', stage: 'dev' })
    } finally {
      await dev.close()
    }
  })

  it('a malformed .dev.vars stops dev with the file and the line', async () => {
    const config = await project({ '.dev.vars': 'API_KEY=ok\nthis line is wrong\n' })
    const err = await startDev({ config, port: 0, watch: false, logger: { info: () => {}, error: () => {} } }).then(() => undefined, (e: unknown) => e)
    expect(err).toBeInstanceOf(ConfigError)
    // the file, the line (2) and what a line must be
    expect((err as Error).message).toMatch(new RegExp(`^${join(dirname(config), '.dev.vars').replace(/[.]/g, '\\.')}(: line |:)2\\b.*expected KEY=value`))
  })
})

describe('edgeware invoke', () => {
  it('reads .dev.vars next to ./wrangler.toml, and nothing once it is done', async () => {
    // invoke builds as edgeware build does: a literal secret name, no reads of process.env
    const config = await project({
      '.dev.vars': 'API_KEY=invoked\n',
      'edge-functions/fn.ts': "import { viewerRequest } from 'edgeware'\nimport { secret } from 'edgeware/secrets'\nexport const handler = viewerRequest(async (c) => c.json({ value: await secret('API_KEY') }))\n",
    })
    const cwd = process.cwd()
    process.chdir(dirname(config))
    try {
      const r = await runCli('invoke', 'edge-functions/fn.ts', '--event', 'viewer-request', '--json')
      expect(r.code).toBe(0)
      const body = JSON.parse((JSON.parse(r.out) as { result: { body: string } }).result.body) as { value: string }
      expect(body.value).toBe('invoked')
      const { secret } = await import('edgeware/secrets')
      await expect(secret('API_KEY')).rejects.toThrow(/no secret prefix was baked in|no AWS credentials/)
    } finally {
      process.chdir(cwd)
    }
  })
})

describe('.dev.vars', () => {
  it('reads KEY=value lines: comments, export, quotes and escapes', () => {
    const text = ['# a comment', '', 'export A=plain value # trailing comment', 'B="quoted # not a comment"', "C='single \\n kept'", 'D="line\\nbreak \\"q\\""', 'E=', '  F = spaced  '].join('\n')
    expect(parseDevVars(text, '.dev.vars')).toEqual({ A: 'plain value', B: 'quoted # not a comment', C: 'single \\n kept', D: 'line\nbreak "q"', E: '', F: 'spaced' })
  })

  it('names the file and line of a malformed line', () => {
    expect(() => parseDevVars('OK=1\n1BAD=x', 'x/.dev.vars')).toThrow(/^x\/\.dev\.vars(: line |:)2\b.*expected KEY=value.*1BAD=x/)
    expect(() => parseDevVars('A="open', '.dev.vars')).toThrow(ConfigError)
    expect(() => parseDevVars('A="open', '.dev.vars')).toThrow(/^\.dev\.vars(: line |:)1\b/)
  })

  it('neither file: no values, and secret() will say .dev.vars', async () => {
    const config = await project({})
    expect(loadLocalSecrets(config)).toEqual({ values: {} })
    writeFileSync(join(dirname(config), '.dev.vars'), 'X=1\n')
    expect(loadLocalSecrets(config)).toEqual({ values: { X: '1' }, file: join(dirname(config), '.dev.vars') })
  })
})
