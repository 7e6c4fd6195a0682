/**
 * `--env <name>` on `edgeware build`, `edgeware invoke` and `edgeware dev`: the environment's overrides, its own
 * name (functions, secrets, the build directory) and its own local secrets (.dev.vars.<name>).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, edgeware, freePort, ROOT, start } from './child.js'
import { runCli } from './run-cli.js'

let dir: string
let port: number

const GREET = `import { viewerRequest } from 'edgeware'
import { secret } from 'edgeware/secrets'
export const handler = viewerRequest(async (c) => { c.text(\`\${process.env.GREETING} \${await secret('TOKEN')}\`) })
`

beforeAll(async () => {
  mkdirSync(join(ROOT, '.edgeware'), { recursive: true })
  // inside the project so `import 'edgeware'` resolves, like a user's function
  dir = mkdtempSync(join(ROOT, '.edgeware', 'test-env-'))
  port = await freePort()
  const files: Record<string, string> = {
    'wrangler.toml': `name = "envs"
[vars]
GREETING = "top"
[dev]
port = ${port}
[[edge.origins]]
id = "app"
url = "https://app.example.com"
[edge.default_behavior]
origin = "app"
viewer_request = "greet.ts"
[env.staging.vars]
GREETING = "staging"
`,
    'greet.ts': GREET,
    '.dev.vars': 'TOKEN=top-token\n',
    '.dev.vars.staging': 'TOKEN=staging-token\n',
  }
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

const config = () => join(dir, 'wrangler.toml')

describe('--env', () => {
  it('edgeware build --env writes the environment\'s build to .edgeware/build-<env>, under its own names', async () => {
    const r = await runCli('build', '--config', config(), '--env', 'staging')
    expect(r.code, r.err).toBe(0)
    const manifest = JSON.parse(readFileSync(join(dir, '.edgeware', 'build-staging', 'manifest.json'), 'utf8'))
    expect(manifest.name).toBe('envs-staging')
    expect(manifest.functions[0]).toMatchObject({ functionName: 'envs-staging-greet', secrets: [{ name: 'TOKEN', store: 'ssm', id: '/envs-staging/TOKEN' }] })
    const template = readFileSync(join(dir, '.edgeware', 'build-staging', 'cloudformation.json'), 'utf8')
    expect(template).toContain('parameter/envs-staging/TOKEN')
    expect(r.out).toContain('→ .edgeware/build-staging')
  })

  it('edgeware build --env with an environment the config lacks: exit 1 naming the known ones, nothing written', async () => {
    const r = await runCli('build', '--config', config(), '--env', 'prod')
    expect(r.code).toBe(1)
    expect(r.err).toContain('env: no [env.prod] in the config (known environments: staging)')
  })

  it('edgeware invoke --env bakes the environment\'s [vars] in and reads .dev.vars.<env>', async () => {
    const staging = await runCli('invoke', join(dir, 'greet.ts'), '--event', 'viewer-request', '--config', config(), '--env', 'staging', '--json')
    expect(staging.code, staging.err).toBe(0)
    expect(JSON.parse(staging.out).result.body).toBe('staging staging-token')
    const top = await runCli('invoke', join(dir, 'greet.ts'), '--event', 'viewer-request', '--config', config(), '--json')
    expect(JSON.parse(top.out).result.body).toBe('top top-token')
  })

  it('edgeware dev --env serves the environment, with its own local secrets', async () => {
    const dev = start(process.execPath, [BIN, 'dev', '--env', 'staging'], dir)
    try {
      await dev.waitFor(/edgeware dev: envs-staging on http:\/\/127\.0\.0\.1:\d+/)
      const res = await fetch(`http://127.0.0.1:${port}/`)
      expect(await res.text()).toBe('staging staging-token')
    } finally {
      dev.child.kill('SIGTERM')
      await dev.exited
    }
  }, 60_000)

  it('edgeware dev --env with an environment the config lacks: exit 1 with the reason', async () => {
    const r = await edgeware(['dev', '--env', 'prod'], { cwd: dir })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('no [env.prod] in the config (known environments: staging)')
  })
})
