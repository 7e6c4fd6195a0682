import { describe, expect, it } from 'vitest'
import { compilePathPattern } from '../../src/cloudfront/path-pattern.js'

describe('compilePathPattern (the one CloudFront path-pattern compiler)', () => {
  it('reads a pattern without a leading slash as if it had one', () => {
    expect(compilePathPattern('images/*').test('/images/a.png')).toBe(true)
    expect(compilePathPattern('images/*').test('images/a.png')).toBe(false)
  })
  it('lets * and ? cross newlines (dotall)', () => {
    expect(compilePathPattern('/a*').test('/a\nb')).toBe(true)
    expect(compilePathPattern('/a?b').test('/a\nb')).toBe(true)
  })
  it('captures the wildcards in order only when asked', () => {
    expect(compilePathPattern('/old/*/x?', true).exec('/old/a/b/x1')?.slice(1)).toEqual(['a/b', '1'])
    expect(compilePathPattern('/old/*/x?').exec('/old/a/b/x1')?.length).toBe(1)
  })
})
