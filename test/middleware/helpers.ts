import { expect } from 'vitest'
import type { CfEvent, CfHeaders, CfRequest, CfResponse, CfResultResponse } from 'edgeware'
import { EdgeRuleError } from 'edgeware'
import { invoke, type AnyHandler } from 'edgeware/testing'

/** Runs a handler through `invoke` (CloudFront's validation on) and expects a thrown EdgeRuleError UnsupportedStage naming the middleware. */
export async function expectRefused(handler: unknown, event: CfEvent, middleware: string, stage: string): Promise<EdgeRuleError> {
  const err = await invoke(handler as AnyHandler, event).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err, `${middleware} should refuse ${stage}`).toBeInstanceOf(Error)
  const cause = (err as { cause?: unknown }).cause
  expect(cause).toBeInstanceOf(EdgeRuleError)
  const rule = cause as EdgeRuleError
  expect(rule.rule).toBe('UnsupportedStage')
  expect(rule.message).toContain(`${middleware}()`)
  expect(rule.message).toContain(stage)
  return rule
}

/** First value of a header in a CloudFront header map. */
export function header(headers: CfHeaders | undefined, name: string): string | undefined {
  return headers?.[name.toLowerCase()]?.[0]?.value
}

/** Every value of a header in a CloudFront header map. */
export function headerAll(headers: CfHeaders | undefined, name: string): string[] {
  return (headers?.[name.toLowerCase()] ?? []).map((h) => h.value)
}

export function isResponse(r: CfRequest | CfResultResponse | CfResponse): r is CfResultResponse {
  return 'status' in r && typeof (r as { status?: unknown }).status === 'string'
}

export function asRequest(r: CfRequest | CfResultResponse): CfRequest {
  expect(isResponse(r), `expected the request to pass on, got a ${JSON.stringify(r)}`).toBe(false)
  return r as CfRequest
}

export function asResponse(r: CfRequest | CfResultResponse): CfResultResponse {
  expect(isResponse(r), `expected a generated response, got ${JSON.stringify(r)}`).toBe(true)
  return r as CfResultResponse
}

/** Silences the one JSON error line the stage factories log on a throw. */
export function quietErrors(): () => void {
  const orig = console.error
  console.error = () => {}
  return () => {
    console.error = orig
  }
}
