/**
 * The onion runner (koa/Hono order).
 */
import { kind } from './errors.js'
import type { BaseContext, Middleware, Next } from './types.js'

/** Contexts mark themselves once a responder ran; the rest of the chain is then skipped. */
interface Responded {
  _responded?: boolean
}

/** @internal the promise every synchronous step returns: `run(c) === RESOLVED` means the chain already finished. */
export const RESOLVED: Promise<void> = Promise.resolve()

/**
 * Composes middleware into one, in onion order: code before `await next()` runs outside-in, code after it
 * inside-out. Calling `next()` twice from one middleware throws. Once a responder (`c.respond`, `c.redirect`, …)
 * ran, `next()` resolves at once and the rest of the chain is skipped. The composed middleware calls its own
 * `next` after the last one, so composed chains nest.
 *
 * @example
 * ```ts
 * const both = compose<ViewerRequestContext>([auth, rewrite])
 * export const handler = viewerRequest(both, logger)
 * ```
 */
export function compose<C extends BaseContext>(middleware: readonly Middleware<C>[]): (c: C, next?: Next) => Promise<void> {
  for (const fn of middleware) {
    if (typeof fn !== 'function') {
      throw new TypeError(`edgeware: middleware must be functions, got ${kind(fn)}`)
    }
  }
  const chain = middleware.slice()
  const n = chain.length
  if (n === 0) return (c: C, outerNext?: Next) => (outerNext === undefined ? RESOLVED : outerNext())
  if (n === 1) {
    // nested single middleware (path/when): the caller's next() already guards double calls and responders
    const only = chain[0]!
    return function composedOne(c: C, outerNext?: Next): Promise<void> {
      if (outerNext === undefined) return dispatchAll(c)
      if ((c as unknown as Responded)._responded === true) return RESOLVED
      try {
        const r = only(c, outerNext)
        return r instanceof Promise ? (r as Promise<void>) : RESOLVED
      } catch (err) {
        return Promise.reject(err)
      }
    }
  }
  return dispatchAll
  function dispatchAll(c: C, outerNext?: Next): Promise<void> {
    let index = -1
    function dispatch(i: number): Promise<void> {
      if (i <= index) return Promise.reject(new Error('edgeware: next() called multiple times in one middleware'))
      index = i
      if ((c as unknown as Responded)._responded === true) return RESOLVED
      if (i === n) return outerNext === undefined ? RESOLVED : outerNext()
      const fn = chain[i]!
      try {
        const r = fn(c, () => dispatch(i + 1))
        return r instanceof Promise ? (r as Promise<void>) : RESOLVED
      } catch (err) {
        return Promise.reject(err)
      }
    }
    return dispatch(0)
  }
}
