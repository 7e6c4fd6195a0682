/**
 * Example site, viewer-response (runs on every response to the viewer, cache hits included):
 * sends the sticky A/B cookie to viewers who were just assigned a variant.
 */
import { viewerResponse } from 'edgeware'
import { ab } from './ab.js'

export const handler = viewerResponse(ab)
