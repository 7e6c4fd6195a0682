/**
 * `edgeware invalidate` at the edge: the paths of an invalidation request (marked as such by the front) checked by
 * CloudFront's rules and removed from the cache, every variant of each (reference §10.1 [INV]).
 */
import { invalidationPathProblem } from '../../cloudfront/invalidation.js'
import { invalidate } from './cache.js'
import type { Ctx } from './context.js'
import { finish } from './deliver.js'

const json = (status: number, body: unknown): Response => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

/**
 * Answers `POST /__edgeware/invalidate` with `{"paths": [...]}`: `{ "invalidated": <objects removed> }`, or a 400
 * naming every path that breaks a rule.
 *
 * @example
 * ```ts
 * if (wire?.invalidation) return answerInvalidation(ctx, request)
 * ```
 */
export async function answerInvalidation(ctx: Ctx, request: Request): Promise<Response> {
  let paths: unknown
  try {
    paths = ((await request.json()) as { paths?: unknown }).paths
  } catch {
    /* answered below */
  }
  const refuse = (message: string): Response => finish(ctx, json(400, { error: message }), 'Error', { code: 'InvalidInvalidation', message })
  if (!Array.isArray(paths) || paths.length === 0 || !paths.every((p): p is string => typeof p === 'string')) return refuse('expected a JSON body {"paths": ["/path", "/prefix*", …]}')
  const problems = paths.map(invalidationPathProblem).filter((p): p is string => p !== undefined)
  if (problems.length) return refuse(problems.join('; '))
  const count = invalidate(paths)
  ctx.log.invalidation = { paths, count }
  return finish(ctx, json(200, { invalidated: count, paths }), 'Miss')
}
