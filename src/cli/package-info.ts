/**
 * The edgeware package this command runs from: its root, its package.json, and how a new project depends on it.
 */
import { readFileSync, realpathSync } from 'node:fs'
import { dirname, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The package root (src/cli/ and dist/cli/ are both two levels down). */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** What the CLI reads from edgeware's own package.json. */
export interface PackageInfo {
  /** The package root, symlinks resolved. */
  root: string
  version: string
  devDependencies: Record<string, string>
}

let info: PackageInfo | undefined

/**
 * edgeware's own package.json (read once).
 *
 * @example
 * ```ts
 * console.log(packageInfo().version) // '0.1.0'
 * ```
 */
export function packageInfo(): PackageInfo {
  if (!info) {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; devDependencies?: Record<string, string> }
    info = { root: realpathSync(ROOT), version: pkg.version, devDependencies: pkg.devDependencies ?? {} }
  }
  return info
}

/**
 * How a new project depends on this edgeware: a `file:` link to it when it runs from a checkout (its real path is
 * outside any node_modules), else the published version it is (`^0.1.0`).
 *
 * @example
 * ```ts
 * edgewareDependency() // 'file:/home/me/edgeware' from a checkout, '^0.1.0' from npm
 * ```
 */
export function edgewareDependency(): string {
  const { root, version } = packageInfo()
  return root.split(sep).includes('node_modules') ? `^${version}` : `file:${root}`
}
