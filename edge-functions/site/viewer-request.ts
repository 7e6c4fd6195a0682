/**
 * Example site, viewer-request (runs on every request, before the cache):
 * 1. redirects old URLs (answered at the edge, never cached);
 * 2. normalizes the URL (tracking parameters stripped, query sorted, `//` collapsed) so equivalent URLs share
 *    one cache entry;
 * 3. maps directory URLs to their index document (`/docs/` → `/docs/index.html`; the root is the
 *    distribution's default root object);
 * 4. on the home page, the one page the A/B test changes, assigns the variant (see ./ab.ts): the cache policy keys on
 *    its header, so other pages keep one cached copy for everyone; viewer-response sends the cookie.
 */
import { path, viewerRequest } from 'edgeware'
import { directoryIndex, normalize, redirects } from 'edgeware/middleware'
import { ab } from './ab.js'

export const handler = viewerRequest(
  redirects([
    { from: '/home', to: '/' },
    { from: '/old', to: '/docs/redirects', status: 301 },
    { from: '/docs', to: '/docs/', status: 301 },
    { from: '/documentation/*', to: '/docs/*', status: 301 },
    { from: '/team', to: '/about', status: 302, query: 'drop' },
  ]),
  normalize(),
  directoryIndex({ exclude: ['/'] }),
  path('/', ab),
)
