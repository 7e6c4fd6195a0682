import { describe, expect, it, vi } from 'vitest'
import { viewerRequest, type CfEvent, type CfRequest, type LambdaCallback, type LambdaContext } from 'edgeware'
import { createEvent, EdgeExecutionError, EdgeTimeoutError, EdgeValidationError, invoke, runHandler } from 'edgeware/testing'

const req = (e: CfEvent): CfRequest => e.Records[0]!.cf.request

describe('invoke: handler styles', () => {
  it('async handlers: the resolved value is the result', async () => {
    const out = await invoke(async (e: CfEvent) => ({ ...req(e), uri: '/async' }), createEvent('viewer-request'))
    expect(out).toMatchObject({ uri: '/async' })
  })

  it('callback handlers: callback(null, result), also from a later tick', async () => {
    const cb = (e: CfEvent, _ctx: LambdaContext, callback: LambdaCallback) => {
      setTimeout(() => callback(null, { status: '200', body: 'cb' }), 5)
    }
    expect(await invoke(cb, createEvent('viewer-request'))).toMatchObject({ status: '200', body: 'cb' })
  })

  it('whichever settles first wins (callback before the promise resolves)', async () => {
    const both = async (e: CfEvent, _ctx: LambdaContext, callback: LambdaCallback) => {
      callback(null, { status: '201' })
      await new Promise((r) => setTimeout(r, 5))
      return { status: '202' }
    }
    expect(await invoke(both, createEvent('viewer-request'))).toMatchObject({ status: '201' })
  })

  it('a plain return value without a callback is ignored like the Lambda runtime does (null → invalid)', async () => {
    const syncReturn = (e: CfEvent) => req(e)
    const err = (await invoke(syncReturn as never, createEvent('viewer-request')).catch((e: unknown) => e)) as EdgeValidationError
    expect(err).toBeInstanceOf(EdgeValidationError)
    expect(err.message).toContain('The JSON output must be an object type')
    expect(err.violations.map((v) => v.code)).toContain('SyncReturn')
  })

  it('the handler gets a deep copy: the caller’s event is never mutated', async () => {
    const event = createEvent('viewer-request')
    const before = structuredClone(event)
    await invoke(
      viewerRequest(async (c) => void c.request.headers.set('x-a', '1')),
      event,
    )
    expect(event).toEqual(before)
  })

  it('the result is what CloudFront reads after JSON (undefined fields dropped)', async () => {
    const out = await invoke(async () => ({ status: '200', statusDescription: undefined, headers: {} }), createEvent('viewer-request'))
    expect(out).toEqual({ status: '200', headers: {} })
  })
})

describe('invoke: CloudFront verdicts', () => {
  it('an invalid result throws EdgeValidationError with the code and CloudFront’s message (read-only diff against the input)', async () => {
    const h = async (e: CfEvent) => {
      const r = req(e)
      r.headers['host'] = [{ key: 'Host', value: 'evil.example' }]
      return r
    }
    const err = (await invoke(h, createEvent('viewer-request')).catch((e: unknown) => e)) as EdgeValidationError
    expect(err).toBeInstanceOf(EdgeValidationError)
    expect(err.name).toBe('EdgeValidationError')
    expect(err.code).toBe('ReadOnlyHeader')
    expect(err.message).toContain('The Lambda function result failed validation')
  })

  it('a response from a response stage must not be a request', async () => {
    const err = (await invoke(async (e: CfEvent) => req(e), createEvent('origin-response')).catch((e: unknown) => e)) as EdgeValidationError
    expect(err).toBeInstanceOf(EdgeValidationError)
  })

  it('limits option: a 45 KB generated response is too large for viewer-request in both profiles, fine for origin-request', async () => {
    const big = async () => ({ status: '200', body: 'x'.repeat(45 * 1024) })
    await expect(invoke(big, createEvent('viewer-request'), { limits: 'current' })).rejects.toMatchObject({ code: 'ResponseTooLarge' })
    await expect(invoke(big, createEvent('origin-request'))).resolves.toMatchObject({ status: '200' })
  })

  it('unparsable output (a BigInt) is reported as invalid JSON', async () => {
    await expect(invoke(async () => ({ status: '200', x: 1n }), createEvent('viewer-request'))).rejects.toBeInstanceOf(EdgeValidationError)
  })

  it('an event without a stage is refused clearly', async () => {
    await expect(invoke(async () => ({}), {} as CfEvent)).rejects.toMatchObject({ code: 'InvalidEvent' })
  })
})

describe('invoke: failures are the 503 CloudFront gives', () => {
  it('a throw is EdgeExecutionError with the cause', async () => {
    const boom = new Error('boom')
    const err = (await invoke(async () => {
      throw boom
    }, createEvent('viewer-request')).catch((e: unknown) => e)) as EdgeExecutionError
    expect(err).toBeInstanceOf(EdgeExecutionError)
    expect(err).toMatchObject({ name: 'EdgeExecutionError', status: 503, code: 'LambdaExecutionError' })
    expect(err.cause).toBe(boom)
    expect(err.message).toContain('boom')
  })

  it('a synchronous throw and callback(error) too', async () => {
    await expect(invoke(() => { throw new Error('sync') }, createEvent('viewer-request'))).rejects.toBeInstanceOf(EdgeExecutionError)
    await expect(invoke((_e: CfEvent, _c: LambdaContext, cb: LambdaCallback) => cb(new Error('cb')), createEvent('viewer-request'))).rejects.toThrow(/cb/)
  })

  it('a handler that never answers times out with EdgeTimeoutError', async () => {
    const never = (_e: CfEvent, _c: LambdaContext, _cb: LambdaCallback) => {}
    const err = (await invoke(never, createEvent('viewer-request'), { timeoutMs: 30 }).catch((e: unknown) => e)) as EdgeTimeoutError
    expect(err).toBeInstanceOf(EdgeTimeoutError)
    expect(err).toBeInstanceOf(EdgeExecutionError)
    expect(err).toMatchObject({ name: 'EdgeTimeoutError', status: 503, timeoutMs: 30 })
  })

  it('the Lambda context counts down to the timeout, and c.signal follows it', async () => {
    let remaining = -1
    let aborted: boolean | undefined
    const h = viewerRequest({ deadlineMarginMs: 150 }, async (c) => {
      remaining = c.remainingMs()
      await new Promise<void>((r) => c.signal.addEventListener('abort', () => r()))
      aborted = c.signal.aborted
    })
    await invoke(h, createEvent('viewer-request'), { timeoutMs: 200 })
    expect(remaining).toBeLessThanOrEqual(200)
    expect(aborted).toBe(true)
  })

  it('context overrides reach the handler', async () => {
    let name: string | undefined
    await invoke(
      async (e: CfEvent, ctx: LambdaContext) => {
        name = ctx.functionName
        return req(e)
      },
      createEvent('viewer-request'),
      { context: { functionName: 'mine' } },
    )
    expect(name).toBe('mine')
  })
})

describe('runHandler', () => {
  it('reports violations and warnings without throwing', async () => {
    const event = createEvent('origin-response')
    const outcome = await runHandler(async (e: CfEvent) => ({ ...e.Records[0]!.cf.response!, status: 200 }), event)
    expect(outcome.violations).toEqual([])
    expect(outcome.warnings.map((w) => w.code)).toContain('NumericStatus')
    const bad = await runHandler(async () => null, event)
    expect(bad.violations[0]!.message).toContain('must be an object type')
    vi.restoreAllMocks()
  })
})
