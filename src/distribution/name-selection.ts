/**
 * What a name selection lets through, and the union of two (what reaches the origin is the union of the cache key
 * and the origin request policy, reference §2.2). Pure: the local edge runs these in workerd too.
 */
import type { NameSelection } from './model.js'

/**
 * The names both selections let through, as one selection.
 *
 * @example
 * ```ts
 * unionSelection({ kind: 'list', names: ['a'] }, { kind: 'allExcept', names: ['a', 'b'] }) // { kind: 'allExcept', names: ['b'] }
 * ```
 */
export function unionSelection(a: NameSelection, b: NameSelection): NameSelection {
  if (a.kind === 'all' || b.kind === 'all') return { kind: 'all' }
  if (a.kind === 'none') return structuredClone(b)
  if (b.kind === 'none') return structuredClone(a)
  if (a.kind === 'list' && b.kind === 'list') return { kind: 'list', names: [...new Set([...a.names, ...b.names])] }
  if (a.kind === 'allExcept' && b.kind === 'allExcept') {
    const names = a.names.filter((n) => b.names.includes(n))
    return names.length ? { kind: 'allExcept', names } : { kind: 'all' }
  }
  const [list, except] = a.kind === 'list' ? [a, b as { kind: 'allExcept'; names: string[] }] : [b as { kind: 'list'; names: string[] }, a]
  const names = except.names.filter((n) => !list.names.includes(n))
  return names.length ? { kind: 'allExcept', names } : { kind: 'all' }
}

/**
 * Whether a selection lets a name through.
 *
 * @example
 * ```ts
 * selects({ kind: 'allExcept', names: ['host'] }, 'accept') // true
 * ```
 */
export function selects(s: NameSelection, name: string): boolean {
  switch (s.kind) {
    case 'none':
      return false
    case 'all':
      return true
    case 'list':
      return s.names.includes(name)
    case 'allExcept':
      return !s.names.includes(name)
  }
}
