// The edge panel beside every page of the example site: what CloudFront did for this page, as CloudFront reported it.
// - This page load: the Server-Timing header of the page's own response (the response headers policy adds it, and
//   browsers expose it to the page), its status and the redirects that led here, from the Navigation Timing entry.
// - Response headers: a page can't read the headers of its own response, so the panel sends a HEAD request for the
//   same URL and shows that answer's headers (X-Cache, Age, the security headers, who answered), labelled as such.
'use strict'
;(() => {
  /**
   * Who answered a request, from its response headers: a function at the edge (X-Cache says it generated the
   * response), an example origin (X-Origin, and X-Routed-To from origin-response), the Lambda origin (API Gateway's
   * apigw-requestid) or the S3 bucket. The API and CloudFront Functions pages' "Try it" boxes use it too.
   */
  function answeredBy(h) {
    const cache = h.get('x-cache') || ''
    if (cache.startsWith('FunctionGeneratedResponse')) return 'a CloudFront Function, at viewer-request (no cache, no origin)'
    if (cache.startsWith('LambdaGeneratedResponse')) return 'a Lambda@Edge function, which generated the response'
    const id = h.get('x-origin')
    const where = h.get('x-routed-to')
    if (id || where) return `${id || 'origin'}${where ? ` · ${where}` : ''}`
    if (h.get('apigw-requestid')) return 'the Lambda origin, through its API Gateway HTTP API'
    if (h.get('server') === 'AmazonS3') return cache.startsWith('Error') ? 'the S3 bucket (the custom error page)' : 'the S3 bucket'
    return '—'
  }
  window.edgewareExample = { answeredBy }

  const panel = document.getElementById('edge-panel')
  if (!panel) return
  const nav = performance.getEntriesByType('navigation')[0]
  const timing = new Map(((nav && nav.serverTiming) || []).map((t) => [t.name, t]))
  const status = (nav && nav.responseStatus) || 0

  /** An element with properties and children (text children are text nodes: nothing is parsed as HTML). */
  const el = (tag, props, ...children) => {
    const e = Object.assign(document.createElement(tag), props)
    e.append(...children.filter((c) => c !== undefined && c !== null && c !== false))
    return e
  }
  const row = (term, ...value) => [el('dt', {}, term), el('dd', {}, ...value)]

  /** Hit, Miss or RefreshHit for this page load, from CloudFront's Server-Timing metrics. */
  const pageCache = timing.has('cdn-cache-hit') ? 'Hit' : timing.has('cdn-cache-miss') ? 'Miss' : timing.has('cdn-cache-refresh') ? 'RefreshHit' : undefined

  function badge(cache) {
    if (status >= 400) return el('span', { className: 'badge error' }, `ERROR ${status}`)
    if (!cache) return el('span', { className: 'badge' }, '?')
    return el('span', { className: `badge ${cache === 'Miss' ? 'miss' : 'hit'}` }, cache.toUpperCase())
  }

  /** Which stages ran: the viewer ones always (viewer-response below 400), the origin ones on a miss. */
  function stages(cache) {
    const hit = cache !== undefined && cache !== 'Miss'
    const list = [
      ['viewer-request', true, ''],
      ['origin-request', !hit, hit ? 'not run: a cache hit' : ''],
      ['origin-response', !hit, hit ? 'not run: a cache hit' : ''],
      ['viewer-response', status < 400, status >= 400 ? `not run: status ${status}` : ''],
    ]
    return el(
      'ul',
      { className: 'stages' },
      ...list.map(([name, ran, why]) =>
        el('li', { className: ran ? 'ran' : 'skipped' }, el('span', { className: 'mark' }, ran ? '✓' : '–'), el('span', { className: 'name' }, name), why && el('span', { className: 'why' }, why)),
      ),
    )
  }

  const SECURITY = ['strict-transport-security', 'content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy', 'permissions-policy']

  function security(h) {
    return el(
      'ul',
      { className: 'checks' },
      ...SECURITY.map((name) => {
        const v = h.get(name)
        return el('li', { className: v === null ? 'absent' : 'present' }, el('span', { className: 'mark' }, v === null ? '✗' : '✓'), el('span', {}, el('span', { className: 'name' }, name), v !== null && el('span', { className: 'value' }, v)))
      }),
    )
  }

  function variant() {
    const m = /(?:^|;\s*)ab=([^;]*)/.exec(document.cookie)
    return m ? `${m[1]} (cookie ab)` : 'none yet'
  }

  const ms = (name) => (timing.has(name) ? `${Math.round(timing.get(name).duration)} ms` : undefined)

  function render(head) {
    const h = head ? head.headers : new Headers()
    const cache = pageCache || (head ? (h.get('x-cache') || '').split(' ')[0] || undefined : undefined)
    const load = [
      ...row('Cache', cache ? `${cache}${pageCache ? '' : ' (HEAD just now)'}` : 'unknown'),
      ...(status ? row('Status', String(status)) : []),
      ...(nav && nav.redirectCount > 0 ? row('Redirects', `${nav.redirectCount} before this page`) : []),
      ...(ms('cdn-downstream-fbl') ? row('First byte', ms('cdn-downstream-fbl')) : []),
      ...(ms('cdn-upstream-fbl') ? row('From origin', ms('cdn-upstream-fbl')) : []),
      ...(timing.has('cdn-pop') ? row('POP', timing.get('cdn-pop').description) : []),
      ...(timing.has('cdn-rid') ? row('Request id', timing.get('cdn-rid').description) : []),
    ]
    const now = head
      ? [
          ...row('X-Cache', h.get('x-cache') || '—'),
          ...row('Age', h.get('age') !== null ? `${h.get('age')} s` : '— (not from the cache)'),
          ...row('Cache-Control', h.get('cache-control') || '—'),
          ...row('Answered by', answeredBy(h)),
          ...row('A/B variant', variant()),
        ]
      : [...row('Headers', 'could not be read')]
    const all = head
      ? el('details', {}, el('summary', {}, 'All response headers of the HEAD request'), el('table', { className: 'kv' }, ...[...h].map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v)))))
      : undefined
    panel.replaceChildren(
      el('h2', {}, 'What the edge did', badge(cache)),
      el('p', { className: 'muted small' }, pageCache ? 'This page load, from CloudFront’s Server-Timing header:' : 'This page load:'),
      el('dl', {}, ...load),
      el('h3', {}, 'Functions'),
      stages(cache),
      el('h3', {}, 'Response headers · HEAD just now'),
      el('dl', {}, ...now),
      head && el('h3', {}, 'Security headers'),
      head && el('p', { className: 'muted small' }, 'Added by the behavior’s response headers policy, on hits and misses alike.'),
      head && security(h),
      all,
    )
  }

  fetch(location.href, { method: 'HEAD', cache: 'no-store', credentials: 'same-origin' })
    .then((res) => res.arrayBuffer().then(() => res)) // HEAD: no body, but finish the exchange
    .then(render, () => render(undefined))
})()
