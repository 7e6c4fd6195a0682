/**
 * The example site's A/B test, shared by its viewer-request (assigns a variant) and viewer-response
 * (sends the sticky cookie to new viewers). Both stages must use the same options.
 */
import { abTest } from 'edgeware/middleware'

export const ab = abTest({
  cookie: 'ab',
  variants: [
    { name: 'a', weight: 1 },
    { name: 'b', weight: 1 },
  ],
  maxAge: 7 * 24 * 3600,
  // The origin sees the variant in this header (forward it with an origin request policy to use it there).
  header: 'x-ab-variant',
})
