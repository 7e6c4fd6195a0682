/**
 * A project `edgeware init` wrote, grown as the docs tell: a CloudFront Function in TypeScript with its
 * KeyValueStore, a Lambda origin reading a secret, their tests with edgeware/testing, and a build for an
 * environment through npm. Installed with npm (the `file:` link to this checkout; the npm cache has the rest) and
 * run through npm, as users run it.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { edgeware, type Finished } from './child.js'

let base: string
let dir: string

/** Runs `npm …args` in the project to the end (without the npm_* variables of an `npm test` running these tests). */
function npm(args: string[]): Promise<Finished> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')))
  return new Promise((resolve) => {
    const child = spawn('npm', args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }))
  })
}

function write(files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true })
    writeFileSync(join(dir, file), text)
  }
}

const plain = (s: string): string => s.replace(/\u001b\[[\d;]*m/g, '')

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'edgeware-grow-'))
  dir = join(base, 'my-site')
  expect((await edgeware(['init', dir], { cwd: base })).code).toBe(0)
  // --ignore-scripts: npm would run this checkout's `prepare` (a rebuild of dist/) under the other tests running now
  const install = await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'])
  expect(install.code, install.stderr).toBe(0)
}, 180_000)
afterAll(() => rmSync(base, { recursive: true, force: true }))

describe('a project grown from edgeware init', () => {
  it('a TypeScript CloudFront Function importing cloudfront and a Lambda origin reading a secret type-check and pass their tests', async () => {
    write({
      'edge-functions/cff/assets.ts': `import cf from 'cloudfront'
import type { CffEvent, CffRequestResult } from 'edgeware/cloudfront'

export async function handler(event: CffEvent): Promise<CffRequestResult> {
  const kvs = cf.kvs()
  if (await kvs.exists(event.request.uri)) {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: await kvs.get(event.request.uri) } } }
  }
  return event.request
}
`,
      'edge-functions/assets.kvs.json': '{ "data": [ { "key": "/assets/old.css", "value": "/assets/style.css" } ] }\n',
      'api/index.ts': `import type { HttpApiEvent, HttpApiResult } from 'edgeware/testing'
import { secret } from 'edgeware/secrets'

export const handler = async (event: HttpApiEvent): Promise<HttpApiResult> => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ path: event.rawPath, keyLength: (await secret('API_KEY')).length }),
})
`,
      'test/grown.test.ts': `import { describe, expect, it } from 'vitest'
import { createEvent, createFunctionEvent, invokeFunction, invokeOrigin } from 'edgeware/testing'
import { setLocalSecrets } from 'edgeware/secrets'
import { handler as api } from '../api/index.js'

describe('assets', () => {
  it('redirects an old name from the store', async () => {
    const res = await invokeFunction('edge-functions/cff/assets.ts', createFunctionEvent('viewer-request', { uri: '/assets/old.css' }), { kvs: 'edge-functions/assets.kvs.json' })
    expect(res).toMatchObject({ statusCode: 301, headers: { location: { value: '/assets/style.css' } } })
  })
})

describe('api', () => {
  it('answers through the HTTP API with the secret read', async () => {
    setLocalSecrets({ API_KEY: 'abc' })
    const { response, verdict } = await invokeOrigin(api, createEvent('apigateway-http', { path: '/api/items' }))
    expect(verdict.valid).toBe(true)
    expect(JSON.parse(new TextDecoder().decode(response.body))).toEqual({ path: '/api/items', keyLength: 3 })
  })
})
`,
    })
    const test = await npm(['test'])
    expect(test.code, test.stdout + test.stderr).toBe(0)
    expect(plain(test.stdout)).toMatch(/Tests\s+6 passed \(6\)/)
  }, 120_000)

  it('npm run build --env production says npm kept the flag and how to pass it on; the README\'s commands build the environment and invoke a function', async () => {
    const toml = join(dir, 'wrangler.toml')
    writeFileSync(toml, readFileSync(toml, 'utf8') + '\n[env.production]\nvars = { STAGE = "prod" }\n')
    const swallowed = await npm(['run', 'build', '--env', 'production'])
    expect(swallowed.code).not.toBe(0)
    expect(swallowed.stderr).toContain('npm run build took --env for itself and passed on only "production": put the script\'s flags after --, as in `npm run build -- --env production`')
    // the project's README, as written
    const commands = readFileSync(join(dir, 'README.md'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('npm run build -- ') || l.startsWith('npx edgeware invoke '))
      .map((l) => l.replace(/#.*$/, '').trim().split(/\s+/))
    expect(commands.map((c) => c.slice(0, 3).join(' '))).toEqual(['npm run build', 'npx edgeware invoke'])
    for (const [tool, ...args] of commands) {
      const r = await npm(tool === 'npm' ? args : ['exec', '--', ...args]) // npx X … is npm exec -- X …
      expect(r.code, `${tool} ${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(0)
    }
    expect(existsSync(join(dir, '.edgeware', 'build-production', 'cloudformation.json'))).toBe(true)
  }, 120_000)
})
