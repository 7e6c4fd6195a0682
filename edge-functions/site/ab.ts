/**
 * The example site's A/B test, shared by its viewer-request (assigns a variant on the home page, whose hero text
 * it changes) and viewer-response (sends the sticky cookie to new viewers, on any page: a viewer keeps one variant
 * wherever they arrive). Both stages must use the same options.
 */
import { abTest } from 'edgeware/middleware'

export const ab = abTest({
  cookie: 'ab',
  variants: [
    { name: 'a', weight: 1 },
    { name: 'b', weight: 1 },
  ],
  maxAge: 7 * 24 * 3600,
  // The origin sees the variant in this header: the site-pages cache policy has it in the key (and so forwards it).
  header: 'x-ab-variant',
})
