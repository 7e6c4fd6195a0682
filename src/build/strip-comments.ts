/**
 * Comment stripping for the build's light source scans (`secret()` calls, `dynamoOrigin` replicas).
 * @module
 */

/**
 * Replaces comments with spaces (keeping newlines, so offsets and line numbers stay put), leaving strings,
 * template literals and regular expressions as they are. With `blankLiterals`, the insides of regular expressions,
 * template texts and strings are blanked too, except a string right after `[` (a computed member key).
 *
 * @example
 * ```ts
 * stripComments('a // b') // 'a     '
 * ```
 */
export function stripComments(src: string, blankLiterals = false): string {
  const out = src.split('')
  const n = src.length
  let i = 0
  // stack of open template literals; each entry is the brace depth of the `${` expression we are in (-1 = in the
  // template text itself)
  const templates: number[] = []
  let braceDepth = 0
  let lastSignificant = ''
  let templateKeep = false
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n' && out[k] !== '\r') out[k] = ' '
  }
  const skipString = (q: string) => {
    const from = i + 1
    const keep = !blankLiterals || lastSignificant === '['
    i++
    while (i < n && src[i] !== q) {
      if (src[i] === '\\') i++
      else if (src[i] === '\n') break
      i++
    }
    if (!keep) blank(from, Math.min(i, n))
    i++
  }
  const skipTemplateText = () => {
    // positioned after a backtick or after the `}` closing a `${`: scan to the closing backtick or the next `${`
    const keep = !blankLiterals || templateKeep
    while (i < n) {
      const c = src[i]
      if (c === '\\') { if (!keep) blank(i, Math.min(i + 2, n)); i += 2; continue }
      if (c === '`') { i++; templates.pop(); return }
      if (c === '$' && src[i + 1] === '{') { i += 2; templates[templates.length - 1] = braceDepth; braceDepth++; return }
      if (!keep) blank(i, i + 1)
      i++
    }
  }
  while (i < n) {
    const c = src[i]!
    const d = src[i + 1]
    if (c === '/' && d === '/') {
      const end = src.indexOf('\n', i)
      const stop = end === -1 ? n : end
      blank(i, stop)
      i = stop
      continue
    }
    if (c === '/' && d === '*') {
      const end = src.indexOf('*/', i + 2)
      const stop = end === -1 ? n : end + 2
      blank(i, stop)
      i = stop
      continue
    }
    if (c === '"' || c === "'") { skipString(c); lastSignificant = 'a'; continue }
    if (c === '`') { templateKeep = lastSignificant === '['; i++; templates.push(-1); skipTemplateText(); lastSignificant = 'a'; continue }
    if (c === '/' && (lastSignificant === '' || '(,=:[!&|?{};+-*%<>~^'.includes(lastSignificant))) {
      // a regular expression literal
      i++
      const from = i
      let inClass = false
      while (i < n && src[i] !== '\n') {
        const r = src[i]
        if (r === '\\') { i += 2; continue }
        if (r === '[') inClass = true
        else if (r === ']') inClass = false
        else if (r === '/' && !inClass) break
        i++
      }
      if (blankLiterals) blank(from, Math.min(i, n))
      i++
      lastSignificant = 'a'
      continue
    }
    if (c === '{') braceDepth++
    else if (c === '}') {
      braceDepth--
      if (templates.length > 0 && templates[templates.length - 1] === braceDepth) {
        i++
        templates[templates.length - 1] = -1
        skipTemplateText()
        lastSignificant = 'a'
        continue
      }
    }
    if (!/\s/.test(c)) lastSignificant = /[\w$)\]]/.test(c) ? 'a' : c
    i++
  }
  return out.join('')
}
