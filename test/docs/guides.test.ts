/**
 * The guides a user types from: docs/origins.md, origin.md, deploy.md, build.md, middleware.md, core.md and
 * rules.md. Every TypeScript block type-checks against the published types (dist/*.d.ts, as a project that installed
 * edgeware sees them), every TOML block is a config `parseConfig` accepts, and every `edgeware` command line uses
 * only options the CLI knows and its `--help` lists.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/distribution/index.js'
import { runCli } from '../cli/run-cli.js'
import { problemsWithFiles } from '../distribution/helpers.js'

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const GUIDES = ['origins', 'origin', 'deploy', 'build', 'middleware', 'core', 'rules']

interface Block {
  doc: string
  line: number
  code: string
}

function blocks(lang: string): Block[] {
  return GUIDES.flatMap((doc) => {
    const text = readFileSync(join(repo, 'docs', `${doc}.md`), 'utf8')
    return [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => ({
      doc,
      line: text.slice(0, m.index).split('\n').length,
      code: m[1]!,
    }))
  })
}

// The entry points a guide's fragment may use without importing (edgeware/functions runs only in CloudFront's runtime).
const ENTRIES = ['edgeware', 'edgeware/middleware', 'edgeware/origin', 'edgeware/secrets', 'edgeware/testing', 'edgeware/cloudfront', 'edgeware/hono', 'edgeware/build']

/** The exported names of each entry point, from package.json's source condition. */
async function entryExports(): Promise<Map<string, string[]>> {
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { exports: Record<string, { 'edgeware-source': string }> }
  const out = new Map<string, string[]>()
  for (const e of ENTRIES) out.set(e, Object.keys(await import(join(repo, pkg.exports[e.replace(/^edgeware/, '.')]!['edgeware-source']))))
  return out
}

/**
 * A block as a module: `…` placeholders typed as anything, the names it uses from edgeware imported when it shows
 * a fragment without its imports.
 */
function asModule(code: string, exportsOf: Map<string, string[]>): string {
  const body = code.replaceAll('…', '(undefined as never)')
  const imported = new Set([...body.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}/g)].flatMap((m) => m[1]!.split(',').map((s) => s.trim().split(/\s+as\s+/).pop()!)))
  const code0 = body.replace(/\/\/.*$/gm, '')
  const lines: string[] = []
  for (const [entry, names] of exportsOf) {
    const used = names.filter((n) => !imported.has(n) && new RegExp(`\\b${n}\\s*\\(`).test(code0) && !new RegExp(`(const|let|function)\\s+${n}\\b`).test(code0))
    used.forEach((n) => imported.add(n))
    if (used.length) lines.push(`import { ${used.join(', ')} } from '${entry}'`)
  }
  return `${lines.join('\n')}\n${body}\nexport {}\n`
}

describe('the guides’ TypeScript blocks', () => {
  it('type-check against the published types, each as the file its first comment names (else a test file)', async () => {
    const ts = blocks('ts')
    expect(ts.length).toBeGreaterThan(20)
    const exportsOf = await entryExports()
    mkdirSync(join(repo, '.edgeware'), { recursive: true })
    const dir = mkdtempSync(join(repo, '.edgeware', 'guide-snippets-'))
    try {
      const files: string[] = []
      const where = new Map<string, Block>()
      for (const b of ts) {
        // `// api/index.ts — …` places the block there: other blocks import it (`../api/index.js`).
        const named = /^\/\/ ([\w./-]+\.ts)\b/.exec(b.code)?.[1]
        const file = named ?? `test/${b.doc}-${b.line}.ts`
        expect(where.has(file), `${b.doc}.md:${b.line} and ${where.get(file)?.doc}.md:${where.get(file)?.line} both name ${file}`).toBe(false)
        where.set(file, b)
        mkdirSync(dirname(join(dir, file)), { recursive: true })
        writeFileSync(join(dir, file), asModule(b.code, exportsOf))
        files.push(file)
      }
      // What the fragments take as given: the context of a middleware, a middleware, vitest's expect.
      writeFileSync(
        join(dir, 'given.d.ts'),
        `import type { Middleware, ViewerRequestContext } from 'edgeware'\nimport type { expect as Expect } from 'vitest'\ndeclare global {\n  const c: ViewerRequestContext\n  const auth: Middleware<ViewerRequestContext>\n  const expect: typeof Expect\n}\n`,
      )
      symlinkSync(join(repo, 'src'), join(dir, 'src')) // docs/origin.md: the repository's own src/origin/local.ts
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({ extends: '../../tsconfig.json', compilerOptions: { customConditions: [], noEmit: true }, include: [], files: ['given.d.ts', ...files] }),
      )
      let out = ''
      try {
        execFileSync(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' })
      } catch (e) {
        out = String((e as { stdout?: string }).stdout ?? e)
      }
      // Each error as the guide's line.
      const errors = out.split('\n').filter((l) => /error TS/.test(l)).map((l) => {
        const m = /^([^(]+)\((\d+),\d+\): (.*)$/.exec(l)
        const b = m ? where.get(m[1]!.replace(/\\/g, '/').replace(/^.*guide-snippets-[^/]+\//, '')) : undefined
        return b ? `${b.doc}.md:${b.line}: ${m![3]}` : l
      })
      expect(errors).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})

describe('the guides’ TOML blocks', () => {
  it('each is accepted by parseConfig as written (a fragment completed with an origin and a default behavior)', () => {
    const toml = blocks('toml')
    expect(toml.length).toBeGreaterThan(5)
    const dir = mkdtempSync(join(tmpdir(), 'edgeware-guides-'))
    try {
      for (const b of toml) {
        let t = b.code
        if (!/^\[\[edge\.origins\]\]/m.test(t)) t = `[[edge.origins]]\nid = "app"\nurl = "https://app.example.com"\n${t}`
        const origin = /^id = "([^"]+)"/m.exec(t)![1]
        // A default behavior that runs an origin-request function, which [edge.functions.site-origin-request] sets.
        if (!/^\[edge\.default_behavior\]/m.test(t)) t += `\n[edge.default_behavior]\norigin = "${origin}"\norigin_request = "edge-functions/site/origin-request.ts"\n`
        expect(problemsWithFiles(`name = "my-site"\n${t}`, join(dir, `${b.doc}-${b.line}`)), `${b.doc}.md:${b.line}`).toEqual([])
      }
    } finally {
      rmSync(dir, { recursive: true })
    }
  })
})

describe('deploy.md’s environment example', () => {
  it('--env production: its own table, the other [edge.dynamodb] keys kept, [vars] replaced, the name <name>-production', () => {
    const block = blocks('toml').find((b) => b.doc === 'deploy' && b.code.includes('[env.production.edge.dynamodb]'))!
    const toml = `name = "my-site"
[vars]
ORIGINS_TABLE = "edge-origins"
GREETING = "hello"
[[edge.origins]]
id = "app"
url = "https://app.example.com"
[edge.dynamodb]
local = true
table = "edge-origins"
[edge.default_behavior]
origin = "app"
${block.code}`
    const config = parseConfig(toml, join(tmpdir(), 'wrangler.toml'), { env: 'production' })
    expect(config.name).toBe('my-site-production')
    expect(config.edge.dynamodb).toMatchObject({ local: true, table: 'my-site-production-origins' })
    expect(config.vars).toEqual({ ORIGINS_TABLE: 'my-site-production-origins' })
    expect(parseConfig(toml, join(tmpdir(), 'wrangler.toml')).edge.dynamodb).toMatchObject({ table: 'edge-origins' })
  })
})

/** The words of a shell command line: quotes removed, what follows `>`, `;`, `&&` or `|` dropped. */
function words(line: string): string[] {
  const out: string[] = []
  for (const m of line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) {
    const w = m[1] ?? m[2] ?? m[3]!
    if (m[3] !== undefined && /^(>|;|&&|\||#)/.test(w)) break
    out.push(w.replace(/;$/, ''))
    if (m[3]?.endsWith(';')) break
  }
  return out
}

describe('the guides’ edgeware commands', () => {
  it('use only options the CLI accepts, each listed in that command’s --help', async () => {
    const commands = blocks('sh').flatMap((b) =>
      b.code
        .replace(/\\\n/g, ' ')
        .split('\n')
        .map((l) => l.replace(/\[|\]|\.\.\./g, ''))
        .filter((l) => /^(npx )?edgeware /.test(l.trim()))
        .map((l) => ({ b, args: words(l.trim()).slice(l.trim().startsWith('npx ') ? 2 : 1) })),
    )
    expect(commands.length).toBeGreaterThan(40)
    const failures: string[] = []
    for (const { b, args } of commands) {
      const r = await runCli(...args, '--help')
      const unlisted = args.filter((a) => /^--[a-z]/.test(a) && !r.out.includes(a.split('=')[0]!))
      if (r.code !== 0 || unlisted.length) failures.push(`${b.doc}.md (block at line ${b.line}): edgeware ${args.join(' ')} → exit ${r.code}${unlisted.length ? `, not in --help: ${unlisted.join(' ')}` : ''} ${r.err.split('\n')[0]}`)
    }
    expect(failures).toEqual([])
  })

  it('edgeware build --help names every file of build.md’s outputs table', async () => {
    const doc = readFileSync(join(repo, 'docs', 'build.md'), 'utf8')
    const table = doc.slice(doc.indexOf('### Outputs'), doc.indexOf('### The template'))
    const files = [...table.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!)
    expect(files).toContain('origin-table.json')
    const help = (await runCli('build', '--help')).out
    expect(files.filter((f) => !help.includes(f))).toEqual([])
  })
})
