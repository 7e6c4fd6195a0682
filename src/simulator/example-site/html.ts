/**
 * A tiny HTML template tag for the example origin's pages: interpolated values are escaped unless they are
 * themselves `html` results, and arrays are joined, so a page can't be broken by a header value it echoes.
 */

/** Markup that is safe to insert as is (made by {@link html}). */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text
  }
}

/**
 * Escapes text for HTML content and double-quoted attribute values.
 *
 * @example
 * ```ts
 * esc('<a href="x">') // '&lt;a href=&quot;x&quot;&gt;'
 * ```
 */
export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

function part(v: unknown): string {
  if (v instanceof Html) return v.text
  if (Array.isArray(v)) return v.map(part).join('')
  if (v === undefined || v === null || v === false) return ''
  return esc(String(v))
}

/**
 * Builds markup; values are escaped (strings, numbers), inserted as is (`html` results) or joined (arrays);
 * `undefined`, `null` and `false` insert nothing.
 *
 * @example
 * ```ts
 * html`<p>${'a < b'}</p>${[html`<hr>`]}`.text // '<p>a &lt; b</p><hr>'
 * ```
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!
  for (let i = 0; i < values.length; i++) out += part(values[i]) + strings[i + 1]!
  return new Html(out)
}
