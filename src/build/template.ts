/**
 * What every part of the CloudFormation template shares: the JSON type, unique logical IDs and the names the
 * deployed resources get.
 */
import { createHash } from 'node:crypto'

/** A JSON value as the template holds it. */
export type Json = string | number | boolean | null | Json[] | { [k: string]: Json }

/**
 * Hands out logical IDs unique within one template (parameters, conditions, resources and outputs alike):
 * `base`, else `base2`, `base3`, … in the order asked, so the same config gives the same IDs.
 *
 * @example
 * ```ts
 * const ids = new LogicalIds(['AppRole'])
 * ids.take('AppRole') // 'AppRole2'
 * ```
 */
export class LogicalIds {
  readonly #taken: Set<string>

  constructor(taken: Iterable<string> = []) {
    this.#taken = new Set(taken)
  }

  /** A free ID starting with `base` (which must start with a letter and hold only letters and digits). */
  take(base: string): string {
    let id = base
    for (let n = 2; this.#taken.has(id); n++) id = `${base}${n}`
    this.#taken.add(id)
    return id
  }
}

/**
 * The name a resource is deployed under: `<prefix>-<name>` (the config's `name`, which carries the environment,
 * keeps names of different stacks apart), shortened to `max` characters with a hash of the full name when it
 * would be longer, so that it stays unique and the same on every build.
 *
 * @example
 * ```ts
 * deployedName('my-site-production', 'by-language', 128) // 'my-site-production-by-language'
 * deployedName('a'.repeat(60), 'assets', 64)             // 'aaaa…a-3f9c21d0' (64 characters)
 * ```
 */
export function deployedName(prefix: string, name: string, max: number): string {
  const full = `${prefix}-${name}`
  if (full.length <= max) return full
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8)
  return `${full.slice(0, max - hash.length - 1)}-${hash}`
}

/**
 * CloudFormation logical ID from a name: its letter and digit runs, each capitalised (`Fn` in front when it would
 * not start with a letter).
 *
 * @example
 * ```ts
 * logicalId('site-viewer-request') // 'SiteViewerRequest'
 * ```
 */
export function logicalId(name: string): string {
  const id = name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('')
  return /^[A-Za-z]/.test(id) ? id : `Fn${id}`
}
