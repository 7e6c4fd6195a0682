/**
 * `edgeware init [dir] [--force]`: writes a small TypeScript project that `npm run dev` serves and `npm test` tests.
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { parseCommand, usageError } from './args.js'
import { templateFiles } from './init-template.js'
import { edgewareDependency, packageInfo } from './package-info.js'

const USAGE = `usage: edgeware init [dir] [--force]

  dir        where to write the project (default: the current directory); created if missing
  --force    write into a directory that is not empty (files of the same name are replaced)

Writes wrangler.toml, a viewer-request and an origin-response function, a test, package.json (scripts dev, test,
build), tsconfig.json, .gitignore and README.md.`

/** Entries a directory may hold and still count as empty (a fresh clone). */
const IGNORED = new Set(['.git'])

/** A project name npm and CloudFront both accept: lowercase letters, digits and `-`. */
function projectName(dir: string): string {
  const name = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
  return name || 'my-site'
}

/** `^<version>` of a dev tool edgeware itself is tested with (its npm cache has it when run from a checkout). */
function tool(name: string, fallback: string): string {
  const v = packageInfo().devDependencies[name]
  return v ? `^${v.replace(/^[\^~]/, '')}` : fallback
}

/**
 * Runs `edgeware init` and resolves to the exit code (0 written, 1 refused, 2 usage).
 *
 * @example
 * ```ts
 * process.exitCode = await run(['my-site'])
 * ```
 */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('init', USAGE, args, { force: { type: 'boolean', short: 'f' } }, true)
  if (typeof parsed === 'number') return parsed
  const { values, positionals } = parsed
  if (positionals.length > 1) return usageError('init', USAGE, `expected at most one directory, got ${positionals.length}`)
  const dir = resolve(positionals[0] ?? '.')
  const shown = relative(process.cwd(), dir) || '.'
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) {
      console.error(`edgeware init: ${shown} is a file, not a directory`)
      return 1
    }
    const present = readdirSync(dir).filter((e) => !IGNORED.has(e))
    if (present.length > 0 && values.force !== true) {
      console.error(`edgeware init: ${shown} is not empty (${present.slice(0, 3).join(', ')}${present.length > 3 ? ', …' : ''}): choose a new directory, or add --force to write into it`)
      return 1
    }
  }
  const edgeware = edgewareDependency()
  const files = templateFiles({
    name: projectName(dir),
    edgeware,
    tools: { typescript: tool('typescript', '^5.9.3'), vitest: tool('vitest', '^4.1.12'), typesNode: tool('@types/node', '^20.19.43') },
    exec: process.platform !== 'win32',
  })
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true })
    writeFileSync(join(dir, file), text)
  }
  const cd = shown === '.' ? [] : [`  cd ${shown}`]
  console.log(
    [
      `edgeware init: wrote a project to ${shown} (edgeware ${edgeware})`,
      ...Object.keys(files).map((f) => `  ${f}`),
      '',
      'next:',
      ...cd,
      '  npm install',
      '  npm run dev     # the local edge on http://127.0.0.1:8787',
      '  npm test',
    ].join('\n'),
  )
  return 0
}
