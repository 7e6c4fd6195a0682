/**
 * The `/static/*` behavior's viewer-request CloudFront Function: the bucket's files are served by CloudFront and S3
 * alone, so the only code on their path is this function, which runs in every edge location on every request
 * (cache hits included) for a fraction of a Lambda@Edge invocation's price. It needs nothing but the URL:
 * 1. lowercases the path (every key in the bucket is lowercase, so `/static/Logo.SVG` is `/static/logo.svg` and
 *    shares its cached copy) and collapses `//`;
 * 2. looks the path up in the function's KeyValueStore (edge-functions/static/asset-routes.kvs.json, the longest
 *    prefix wins): old asset names answer a 301 to the new ones (`X-Cache: FunctionGeneratedResponse`), and the
 *    first release's `/static/v1/` folder is served from today's files without a redirect.
 *
 * The store is data, not code: `npx edgeware kvs put … --store asset-routes` changes the routes of a running
 * `edgeware dev` at once, and on AWS a new store is deployed without touching the function.
 */
import { kvsRouter, normalize, viewerRequestFunction } from 'edgeware/functions'

export const handler = viewerRequestFunction(normalize({ lowercasePath: true }), kvsRouter())
