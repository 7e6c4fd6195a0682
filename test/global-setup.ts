/**
 * Tests that run the `edgeware` command as users do (bin/edgeware.js, which loads dist/) need dist/ built from the
 * current src/: it is rebuilt here, once before any test file runs, when a source file is newer than the build.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')

function mtimes(dir: string): number[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => statSync(join(e.parentPath, e.name)).mtimeMs)
}

export default function setup(): void {
  const built = mtimes(join(root, 'dist'))
  const sources = mtimes(join(root, 'src'))
  if (built.length > 0 && Math.max(...sources) <= Math.min(...built)) return
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-lib.js')], { cwd: root, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`dist/ is older than src/ and rebuilding it failed (npm run build:lib):\n${r.stdout}${r.stderr}`)
}
