import { createHmac } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import type { CffEvent } from 'edgeware/cloudfront'

const repo = join(import.meta.dirname, '..', '..')
const candidates = [join(repo, '..', 'shared', 'reference', 'cloudfront-functions-events'), '/work/shared/reference/cloudfront-functions-events']

/** AWS's CloudFront Functions sample test events, read from the shared reference beside the checkout (never copied into the project). */
export const REFERENCE_EVENTS = candidates.find((d) => existsSync(d)) ?? candidates[0]!

/** A fresh copy of a reference test event, e.g. `referenceEvent('kvs-jwt-verify/test-objects/valid-jwt.json')`. */
export function referenceEvent(path: string): CffEvent {
  return JSON.parse(readFileSync(join(REFERENCE_EVENTS, path), 'utf8')) as CffEvent
}

/** The example functions in AWS's plain form (edge-functions/cff-examples). */
export const EXAMPLES = join(import.meta.dirname, '../../edge-functions/cff-examples')

/** The path of an example function. */
export function example(name: string): string {
  return join(EXAMPLES, name)
}

/** `header.payload` signed with HS256 and `secret`, as a compact JWT. */
export function signJwt(headerAndPayload: string, secret: string): string {
  return `${headerAndPayload}.${createHmac('sha256', secret).update(headerAndPayload).digest('base64url')}`
}

/**
 * A fresh directory inside the project's .edgeware/ for the tests of one file (made before them, removed after):
 * a function written there imports `edgeware/...` by name, as a user's would. Returns a getter for its path.
 */
export function useProjectDir(name: string): () => string {
  let dir = ''
  beforeAll(() => {
    const parent = join(repo, '.edgeware')
    mkdirSync(parent, { recursive: true })
    dir = mkdtempSync(join(parent, `test-${name}-`))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  return () => dir
}
