// The "Try it" box of the example site's API page: calls the Hono app that answers /api/* in viewer-request and
// shows the status, the headers that tell where the answer came from, and the body.
'use strict'
;(() => {
  const box = document.getElementById('try-api')
  const out = document.getElementById('api-out')
  if (!box || !out) return
  const value = (id) => document.getElementById(id).value.trim()
  const calls = {
    hello: () => [`/api/hello?name=${encodeURIComponent(value('api-name'))}`, {}],
    time: () => ['/api/time', {}],
    echo: () => ['/api/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: value('api-body') }],
    me: () => ['/api/me', value('api-token') ? { headers: { authorization: `Bearer ${value('api-token')}` } } : {}],
  }
  const SHOWN = ['x-cache', 'content-type', 'cache-control', 'access-control-allow-origin', 'www-authenticate']

  box.addEventListener('click', async (e) => {
    const name = e.target instanceof HTMLElement ? e.target.dataset.call : undefined
    if (!name || !calls[name]) return
    const [url, init] = calls[name]()
    out.textContent = `${init.method || 'GET'} ${url} …`
    try {
      const res = await fetch(url, { cache: 'no-store', ...init })
      const headers = SHOWN.filter((h) => res.headers.has(h)).map((h) => `${h}: ${res.headers.get(h)}`)
      out.textContent = [`${init.method || 'GET'} ${url}`, `${res.status} ${res.statusText}`, ...headers, '', await res.text()].join('\n')
    } catch (err) {
      out.textContent = `${url}: ${err}`
    }
  })
})()
