/**
 * One CloudFront Function per event type per behavior: `viewerRequestFunction(...hooks)` and
 * `viewerResponseFunction(...hooks)` run several ready hooks (or your own) in one function, in order.
 *
 * Everything under src/functions/ is compiled into a CloudFront Function (cloudfront-js-2.0), so it is written
 * in what that runtime runs: no Map/Set, destructuring, spread, classes, for-of or default parameters, and
 * async functions only at the top level.
 */
import type { CffEvent, CffRequest, CffResponse } from '../cloudfront/functions-types.js'

/**
 * A hook of a CloudFront Function. `request` (viewer-request) returns a response to answer the viewer, or
 * nothing to go on; `generated` lets an earlier hook see a response a later one generated (CORS headers on a
 * 401, …); `response` (viewer-response) edits the response in place. Any of them may return a promise.
 *
 * @example
 * ```ts
 * const tagVariant: FunctionHook = {
 *   name: 'tagVariant',
 *   request: function (request) { request.headers['x-variant'] = { value: 'b' }; return undefined },
 * }
 * ```
 */
export interface FunctionHook {
  readonly name: string
  readonly request?: (request: CffRequest, event: CffEvent) => CffResponse | undefined | Promise<CffResponse | undefined>
  readonly generated?: (response: CffResponse, request: CffRequest, event: CffEvent) => void
  readonly response?: (response: CffResponse, request: CffRequest, event: CffEvent) => void | Promise<void>
}

function check(hooks: readonly FunctionHook[], kind: 'request' | 'response', factory: string): void {
  for (let i = 0; i < hooks.length; i++) {
    const h = hooks[i]
    if (h === null || typeof h !== 'object' || typeof h.name !== 'string') throw new TypeError(factory + '(): argument ' + i + ' is not a hook')
    if (typeof h[kind] !== 'function') {
      throw new TypeError(h.name + '() can\'t run in ' + (kind === 'request' ? 'viewer-request' : 'viewer-response') + ': it has no ' + kind + ' step')
    }
  }
}

function isPromise(v: unknown): v is Promise<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function'
}

async function runRequest(hooks: readonly FunctionHook[], event: CffEvent): Promise<CffRequest | CffResponse> {
  const request = event.request
  let response: CffResponse | undefined
  let i = 0
  for (; i < hooks.length; i++) {
    let r = hooks[i]!.request!(request, event)
    if (isPromise(r)) r = await r
    if (r !== undefined) {
      response = r
      break
    }
  }
  if (response === undefined) return request
  for (let j = i - 1; j >= 0; j--) {
    const after = hooks[j]!.generated
    if (after !== undefined) after(response, request, event)
  }
  return response
}

async function runResponse(hooks: readonly FunctionHook[], event: CffEvent): Promise<CffResponse> {
  const response = event.response!
  for (let i = 0; i < hooks.length; i++) {
    const r = hooks[i]!.response!(response, event.request, event)
    if (isPromise(r)) await r
  }
  return response
}

/**
 * A viewer-request CloudFront Function running `hooks` in order: the first that answers (a redirect, a 401, a
 * preflight…) ends the run and the earlier hooks see that response (`generated`); otherwise the request, as the
 * hooks left it, goes on. A hook that can't run in viewer-request throws when the function is built.
 *
 * @example
 * ```ts
 * // edge-functions/cff/viewer-request.ts — compiled by edgeware build into one CloudFront Function
 * import { viewerRequestFunction, cors, redirects, normalize } from 'edgeware/functions'
 * export const handler = viewerRequestFunction(cors({ origin: ['https://app.example.com'] }), redirects({ '/old': '/new' }), normalize())
 * ```
 */
export function viewerRequestFunction(...hooks: FunctionHook[]): (event: CffEvent) => Promise<CffRequest | CffResponse> {
  check(hooks, 'request', 'viewerRequestFunction')
  return function viewerRequestHandler(event) {
    return runRequest(hooks, event)
  }
}

/**
 * A viewer-response CloudFront Function running `hooks` in order on the response.
 *
 * @example
 * ```ts
 * import { viewerResponseFunction, securityHeaders, cors } from 'edgeware/functions'
 * export const handler = viewerResponseFunction(securityHeaders(), cors({ origin: ['https://app.example.com'] }))
 * ```
 */
export function viewerResponseFunction(...hooks: FunctionHook[]): (event: CffEvent) => Promise<CffResponse> {
  check(hooks, 'response', 'viewerResponseFunction')
  return function viewerResponseHandler(event) {
    return runResponse(hooks, event)
  }
}
