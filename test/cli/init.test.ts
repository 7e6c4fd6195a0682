/**
 * `edgeware init` and `edgeware --version`, run as users run them. The project init writes installs with npm (the
 * `file:` link to this checkout; the npm cache has the rest), passes its own test and answers with `npm run dev`.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { alive, descendants, edgeware, freePort, ROOT, start, type Finished } from './child.js'

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version
let base: string

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'edgeware-init-'))
})
afterAll(() => rmSync(base, { recursive: true, force: true }))

/** Runs `npm …args` in `cwd` to the end. */
function npm(args: string[], cwd: string): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn('npm', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }))
  })
}

describe('edgeware --version', () => {
  it('prints the version, with --version and -v', async () => {
    for (const flag of ['--version', '-v']) {
      const r = await edgeware([flag], { cwd: base })
      expect(r).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' })
    }
  })
})

describe('edgeware init', () => {
  it('writes the project, depending on this checkout through a file: link', async () => {
    const dir = join(base, 'My Site')
    const r = await edgeware(['init', dir], { cwd: base })
    expect(r.code, r.stderr).toBe(0)
    expect(readdirSync(dir, { recursive: true }).map(String).filter((f) => !f.endsWith('site')).sort()).toEqual(
      ['.gitignore', 'README.md', 'edge-functions', 'edge-functions/site/origin-response.ts', 'edge-functions/site/viewer-request.ts', 'package.json', 'test', 'test/site.test.ts', 'tsconfig.json', 'wrangler.toml'].sort(),
    )
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; scripts: Record<string, string>; dependencies: Record<string, string> }
    expect(pkg.name).toBe('my-site')
    expect(Object.keys(pkg.scripts)).toEqual(['dev', 'test', 'build'])
    expect(pkg.dependencies.edgeware).toBe(`file:${ROOT}`)
    expect(readFileSync(join(dir, '.gitignore'), 'utf8').split('\n')).toEqual(expect.arrayContaining(['node_modules/', '.edgeware/', '.dev.vars']))
    expect(readFileSync(join(dir, 'wrangler.toml'), 'utf8')).toContain('name = "my-site"')
    expect(r.stdout).toContain('npm run dev')
  })

  it('refuses a directory that is not empty, unless --force; a fresh clone (.git only) is empty', async () => {
    const dir = join(base, 'taken')
    mkdirSync(dir)
    writeFileSync(join(dir, 'notes.txt'), 'mine')
    const r = await edgeware(['init', 'taken'], { cwd: base })
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('edgeware init: taken is not empty (notes.txt): choose a new directory, or add --force to write into it\n')
    expect(readdirSync(dir)).toEqual(['notes.txt'])
    expect((await edgeware(['init', 'taken', '--force'], { cwd: base })).code).toBe(0)
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine')
    const clone = join(base, 'clone')
    mkdirSync(join(clone, '.git'), { recursive: true })
    expect((await edgeware(['init', clone], { cwd: base })).code).toBe(0)
  })

  it('npm install, then the project passes its own test and `npm run dev` answers', async () => {
    const dir = join(base, 'first-hour')
    expect((await edgeware(['init', dir], { cwd: base })).code).toBe(0)
    // --ignore-scripts: npm would run this checkout's `prepare` (a rebuild of dist/) under the other tests running now
    const install = await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], dir)
    expect(install.code, install.stderr).toBe(0)
    const test = await npm(['test'], dir)
    expect(test.code, test.stdout + test.stderr).toBe(0)
    expect(test.stdout.replace(/\u001b\[[\d;]*m/g, '')).toMatch(/Tests\s+4 passed \(4\)/)
    // ports of this run, instead of 8787 / 8788 (other tests run at the same time)
    const [edge, origin] = [await freePort(), await freePort()]
    const toml = join(dir, 'wrangler.toml')
    writeFileSync(toml, readFileSync(toml, 'utf8').replace('port = 8787', `port = ${edge}`).replace('localhost:8788', `localhost:${origin}`))
    const dev = start('npm', ['run', 'dev'], dir)
    try {
      await dev.waitFor(/open http:\/\/127\.0\.0\.1:\d+\//)
      const hello = await fetch(`http://127.0.0.1:${edge}/api/hello?name=first`)
      expect(await hello.json()).toEqual({ hello: 'first' })
      const page = await fetch(`http://127.0.0.1:${edge}/`)
      expect(page.status).toBe(200)
      expect(page.headers.get('strict-transport-security')).toBeTruthy()
    } finally {
      const tree = [dev.child.pid!, ...descendants(dev.child.pid!)]
      dev.child.kill('SIGTERM')
      await dev.exited
      for (const p of tree) if (alive(p)) process.kill(p, 'SIGKILL')
    }
  }, 180_000)
})

