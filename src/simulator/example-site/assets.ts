/**
 * The app origin's own build output, which the example's DynamoDB table routes `/assets/*` to (origin path
 * `/static`: the viewer's `/assets/x` is the app's `/static/assets/x`).
 */

const box = (x: number, y: number, w: number, h: number, fill: string, stroke: string, label: string, sub?: string): string =>
  `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="9" fill="${fill}" stroke="${stroke}" stroke-width="1.5"/>` +
  `<text x="${x + w / 2}" y="${y + h / 2 + (sub ? -3 : 5)}" text-anchor="middle" font-size="14" font-weight="600" fill="#1f2328">${label}</text>` +
  (sub ? `<text x="${x + w / 2}" y="${y + h / 2 + 14}" text-anchor="middle" font-size="11" fill="#59636e">${sub}</text>` : '')

const arrow = (x1: number, y1: number, x2: number, y2: number, label?: string, lx = 0, ly = 0): string =>
  `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#59636e" stroke-width="1.5" marker-end="url(#head)"/>` +
  (label ? `<text x="${(x1 + x2) / 2 + lx}" y="${(y1 + y2) / 2 + ly}" text-anchor="middle" font-size="11" font-style="italic" fill="#59636e">${label}</text>` : '')

const VIEWER = ['#ddf4ff', '#0969da'] as const
const ORIGIN = ['#fbefff', '#8250df'] as const
const PLAIN = ['#f6f8fa', '#8c959f'] as const

/** The four stages and the cache, as a diagram (the intro page shows it). */
const REQUEST_FLOW_SVG =
  `<svg xmlns="http://www.w3.org/2000/svg" width="720" height="250" viewBox="0 0 720 250" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif">` +
  `<defs><marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#59636e"/></marker></defs>` +
  box(10, 95, 86, 60, ...PLAIN, 'Viewer') +
  box(126, 30, 150, 44, ...VIEWER, 'viewer-request', 'every request') +
  box(126, 176, 150, 44, ...VIEWER, 'viewer-response', 'every response') +
  box(310, 95, 100, 60, '#dafbe1', '#1a7f37', 'Cache') +
  box(444, 30, 150, 44, ...ORIGIN, 'origin-request', 'misses only') +
  box(444, 176, 150, 44, ...ORIGIN, 'origin-response', 'misses only') +
  box(624, 95, 86, 60, ...PLAIN, 'Origin') +
  arrow(96, 108, 124, 62) +
  arrow(276, 62, 310, 106) +
  arrow(410, 106, 442, 62, 'miss', -16, -4) +
  arrow(594, 62, 624, 106) +
  arrow(624, 144, 596, 188) +
  arrow(444, 188, 412, 144, 'store', -22, 14) +
  arrow(310, 144, 278, 188, 'hit', 18, 14) +
  arrow(126, 188, 98, 142) +
  `</svg>\n`

/**
 * Files the app origin serves under `/static/assets/`, by path: content type and body.
 *
 * @example
 * ```ts
 * APP_ASSETS['/static/assets/request-flow.svg']!.type // 'image/svg+xml'
 * ```
 */
export const APP_ASSETS: Record<string, { type: string; body: string }> = {
  '/static/assets/request-flow.svg': { type: 'image/svg+xml', body: REQUEST_FLOW_SVG },
}
