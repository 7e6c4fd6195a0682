/**
 * Example site, origin-response (runs on cache misses, before CloudFront caches the answer):
 * caching headers per path, then security headers that are cached along with the object.
 */
import { originResponse } from 'edgeware'
import { cacheControl, securityHeaders } from 'edgeware/middleware'

export const handler = originResponse(
  securityHeaders({
    contentSecurityPolicy: { 'default-src': ["'self'"], 'img-src': ["'self'", 'data:'], 'style-src': ["'self'", "'unsafe-inline'"] },
    permissionsPolicy: { camera: [], microphone: [], geolocation: [] },
  }),
  cacheControl({
    rules: [
      // fingerprinted assets never change
      { path: '/assets/*', value: 'public, max-age=31536000, immutable', override: true },
      // whatever the origin says, never cache private pages
      { path: '/private', value: 'private, no-store', override: true },
    ],
    // everything else: keep the origin's Cache-Control, or five minutes if it sent none
    default: 'public, max-age=300',
    override: false,
  }),
)
