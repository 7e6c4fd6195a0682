import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { JsonObject } from '../../src/lambda-origin/index.js'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** AWS's sample events for Lambda origins (the shared reference beside this checkout), if present. */
export const SAMPLES_DIR = [join(repo, '..', 'shared', 'reference', 'events', 'lambda'), '/work/shared/reference/events/lambda'].find((d) => existsSync(d))

/** One sample event, parsed. */
export const sample = (file: string): JsonObject => JSON.parse(readFileSync(join(SAMPLES_DIR!, file), 'utf8')) as JsonObject

/** Maps whose keys are the request's data (header names, parameters), not the event's shape. */
const DATA = new Set(['headers', 'multiValueHeaders', 'queryStringParameters', 'multiValueQueryStringParameters', 'pathParameters', 'stageVariables'])

/**
 * Key paths of an event, nested (`requestContext.http.method`). Arrays, the data maps (`headers`, …) and `null`
 * are leaves: objects the integration leaves `null` when the feature is not in use are compared by name only.
 */
export function keyPaths(v: unknown, prefix = ''): string[] {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return []
  const out: string[] = []
  for (const [k, x] of Object.entries(v)) {
    const p = prefix ? `${prefix}.${k}` : k
    out.push(p)
    if (!(prefix === '' && DATA.has(k))) out.push(...keyPaths(x, p))
  }
  return out.sort()
}

/** Body text of a response. */
export const text = (body: Uint8Array): string => Buffer.from(body).toString('utf8')

/** The values of header `name` (any case) in order. */
export const headerValues = (headers: readonly (readonly [string, string])[], name: string): string[] => headers.filter(([k]) => k.toLowerCase() === name).map(([, v]) => v)
