// The "Try it" boxes of the example site's guide (the API page, the CloudFront Functions page): each button calls
// the edge and shows the status, a redirect the browser followed, the headers that tell where the answer came from,
// who answered (the edge panel's reading of those headers) and the body.
'use strict'
;(() => {
  const value = (id) => document.getElementById(id).value.trim()
  const get = (url) => () => [url, {}]
  const calls = {
    // the API page: the Hono app at viewer-request, and the Lambda origin behind its HTTP API
    hello: () => [`/api/hello?name=${encodeURIComponent(value('api-name'))}`, {}],
    time: get('/api/time'),
    echo: () => ['/api/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: value('api-body') }],
    me: () => ['/api/me', value('api-token') ? { headers: { authorization: `Bearer ${value('api-token')}` } } : {}],
    items: () => [`/api/items${value('api-q') ? `?q=${encodeURIComponent(value('api-q'))}` : ''}`, {}],
    event: get('/api/event'),
    // the CloudFront Functions page: the /static/* behavior's function and its KeyValueStore
    'old-css': get('/static/css/site.css'),
    'old-logo': get('/static/img/logo.png'),
    v1: get('/static/v1/style.css'),
    upper: get('/static/Logo.SVG'),
  }
  const SHOWN = ['x-cache', 'age', 'content-type', 'cache-control', 'access-control-allow-origin', 'www-authenticate', 'apigw-requestid']
  const answeredBy = (h) => (window.edgewareExample ? window.edgewareExample.answeredBy(h) : '—')

  /** The body as text when it is text (JSON indented), else its size and type. */
  async function shownBody(res) {
    const type = res.headers.get('content-type') || ''
    const text = await res.text()
    if (type.startsWith('application/json')) {
      try {
        return JSON.stringify(JSON.parse(text), null, 2)
      } catch {
        return text
      }
    }
    return type.startsWith('text/plain') ? text : `(${text.length} characters of ${type || 'unknown type'})`
  }

  for (const box of document.querySelectorAll('.try-api')) {
    const out = box.querySelector('.api-out')
    box.addEventListener('click', async (e) => {
      const name = e.target instanceof HTMLElement ? e.target.dataset.call : undefined
      if (!name || !calls[name]) return
      const [url, init] = calls[name]()
      const method = init.method || 'GET'
      out.textContent = `${method} ${url} …`
      try {
        const res = await fetch(url, { cache: 'no-store', ...init })
        const final = new URL(res.url)
        const redirected = res.redirected
          ? [`→ redirected to ${final.pathname}${final.search} (scripts can't read a redirect's own headers: curl -i shows them)`, `${method} ${final.pathname}${final.search}`]
          : []
        const headers = SHOWN.filter((h) => res.headers.has(h)).map((h) => `${h}: ${res.headers.get(h)}`)
        out.textContent = [`${method} ${url}`, ...redirected, `${res.status} ${res.statusText}`, ...headers, `answered by: ${answeredBy(res.headers)}`, '', await shownBody(res)].join('\n')
      } catch (err) {
        out.textContent = `${url}: ${err}`
      }
    })
  }
})()
