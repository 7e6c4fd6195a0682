import { afterEach, describe, expect, it, vi } from 'vitest'
import { compose, EdgeValidationError, originRequest, originResponse, viewerRequest, viewerResponse, type ViewerRequestContext } from 'edgeware'
import { createEvent, invoke } from 'edgeware/testing'
import { asCfResponse, asRequest, asResponse } from './helpers.js'

afterEach(() => vi.restoreAllMocks())

describe('stage factories', () => {
  it('carry their stage and return the mutated request object itself', async () => {
    const h = viewerRequest(async (c, next) => {
      c.request.headers.set('x-a', '1')
      await next()
    })
    expect(h.stage).toBe('viewer-request')
    const event = createEvent('viewer-request')
    const out = await h(event)
    expect(out).toBe(event.Records[0]!.cf.request)
    expect(asRequest(out).headers['x-a']).toEqual([{ key: 'x-a', value: '1' }])
  })

  it('response stages return the response object itself', async () => {
    const h = viewerResponse(async (c) => {
      c.response.headers.set('X-Frame-Options', 'SAMEORIGIN')
    })
    const event = createEvent('viewer-response')
    const out = await h(event)
    expect(out).toBe(event.Records[0]!.cf.response)
    // an existing header keeps its original key casing
    expect(asCfResponse(out).headers['x-frame-options']).toEqual([{ key: 'X-Frame-Options', value: 'SAMEORIGIN' }])
  })

  it('an empty pipeline passes everything through', async () => {
    for (const [factory, stage] of [
      [viewerRequest, 'viewer-request'],
      [originRequest, 'origin-request'],
      [originResponse, 'origin-response'],
      [viewerResponse, 'viewer-response'],
    ] as const) {
      const event = createEvent(stage)
      const copy = structuredClone(event)
      const out = await (factory as () => (e: typeof event) => Promise<unknown>)()(event)
      const cf = copy.Records[0]!.cf
      expect(out).toEqual(stage.endsWith('request') ? cf.request : cf.response)
    }
  })

  it('accept an options object first and reject anything else', () => {
    expect(viewerRequest({ limits: 'current' }).stage).toBe('viewer-request')
    expect(() => viewerRequest('nope' as never)).toThrow(/options object/)
    expect(() => viewerRequest(async () => {}, 5 as never)).toThrow(/middleware #2 must be a function/)
    expect(() => viewerRequest({ onError: 'ignore' as never })).toThrow(/onError must be/)
    expect(() => viewerRequest({ deadlineMarginMs: -1 })).toThrow(/deadlineMarginMs/)
    expect(() => viewerRequest({ limits: 'strict' as never })).toThrow(/limits must be 'classic', 'current' or a limits profile/)
    expect(viewerRequest({ limits: 'current' }).stage).toBe('viewer-request')
  })
})

describe('onion order', () => {
  it('runs code before next() outside-in and after it inside-out', async () => {
    const log: string[] = []
    const mw = (name: string) => async (_c: ViewerRequestContext, next: () => Promise<void>) => {
      log.push(`${name}>`)
      await next()
      log.push(`<${name}`)
    }
    await viewerRequest(mw('a'), mw('b'), mw('c'))(createEvent('viewer-request'))
    expect(log).toEqual(['a>', 'b>', 'c>', '<c', '<b', '<a'])
  })

  it('code after next() sees the final request', async () => {
    let seen: string | undefined
    const h = viewerRequest(
      async (c, next) => {
        await next()
        seen = c.request.uri
      },
      async (c) => {
        c.request.uri = '/rewritten'
      },
    )
    await h(createEvent('viewer-request'))
    expect(seen).toBe('/rewritten')
  })

  it('next() twice throws', async () => {
    const h = viewerRequest(async (_c, next) => {
      await next()
      await next()
    })
    vi.spyOn(console, 'error').mockImplementation(() => {})
    await expect(h(createEvent('viewer-request'))).rejects.toThrow(/next\(\) called multiple times/)
  })

  it('a responder stops the chain; outer middleware see c.response after next()', async () => {
    const ran: string[] = []
    let status: number | undefined
    const h = viewerRequest(
      async (c, next) => {
        await next()
        status = c.response?.status
        c.response?.headers.set('x-outer', 'yes')
      },
      async (c, next) => {
        c.redirect('/new', 301)
        await next() // a no-op now
        ran.push('after responder')
      },
      async () => {
        ran.push('skipped middleware')
      },
    )
    const out = asResponse(await h(createEvent('viewer-request')))
    expect(ran).toEqual(['after responder'])
    expect(status).toBe(301)
    expect(out.status).toBe('301')
    expect(out.headers?.['x-outer']).toEqual([{ key: 'x-outer', value: 'yes' }])
  })

  it('sync middleware work too', async () => {
    const h = viewerRequest((c) => {
      c.request.headers.set('x-sync', '1')
    })
    expect(asRequest(await h(createEvent('viewer-request'))).headers['x-sync']?.[0]?.value).toBe('1')
  })

  it('compose() nests chains and calls its own next at the end', async () => {
    const log: string[] = []
    const inner = compose<ViewerRequestContext>([
      async (_c, next) => {
        log.push('i1')
        await next()
      },
      async (_c, next) => {
        log.push('i2')
        await next()
      },
    ])
    await viewerRequest(inner, async () => void log.push('after'))(createEvent('viewer-request'))
    expect(log).toEqual(['i1', 'i2', 'after'])
    expect(() => compose([null as never])).toThrow(/must be functions/)
  })
})

describe('c.set / c.get', () => {
  it('carries values between middleware', async () => {
    let got: unknown
    await viewerRequest(
      async (c, next) => {
        c.set('user', { id: '7' })
        await next()
      },
      async (c) => {
        got = c.get<{ id: string }>('user')?.id
      },
    )(createEvent('viewer-request'))
    expect(got).toBe('7')
  })

  it('get of an unset key is undefined; the context exposes stage, config and requestId', async () => {
    await viewerRequest(async (c) => {
      expect(c.get('nothing')).toBeUndefined()
      expect(c.stage).toBe('viewer-request')
      expect(c.requestId).toBe(c.config.requestId)
      expect(c.limits.name).toBe('classic')
      expect(c.remainingMs()).toBe(Infinity)
    })(createEvent('viewer-request'))
  })
})

describe('malformed events', () => {
  it('throw EdgeValidationError InvalidEvent naming the field', async () => {
    const h = viewerRequest()
    for (const bad of [null, 5, 'x', {}, { Records: [] }, { Records: [{}] }, { Records: [{ cf: { config: {} } }] }]) {
      const err = await h(bad as never).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(EdgeValidationError)
      expect((err as EdgeValidationError).code).toBe('InvalidEvent')
    }
    const event = createEvent('viewer-request')
    ;(event.Records[0]!.cf.request.headers as Record<string, unknown>)['x-bad'] = [{ key: 'X-Bad', value: 5 }]
    const err = (await h(event).catch((e: unknown) => e)) as EdgeValidationError
    expect(err.code).toBe('InvalidEvent')
    expect(err.violations[0]!.path).toBe('Records[0].cf.request.headers.x-bad[0]')
  })

  it('WrongStage when the event is another stage', async () => {
    const err = (await viewerRequest()(createEvent('origin-request')).catch((e: unknown) => e)) as EdgeValidationError
    expect(err).toBeInstanceOf(EdgeValidationError)
    expect(err.code).toBe('WrongStage')
    expect(err.message).toMatch(/eventType is origin-request, but this handler serves viewer-request/)
  })

  it('origin-request without an origin, response stage without a response', async () => {
    const e1 = createEvent('origin-request')
    delete e1.Records[0]!.cf.request.origin
    await expect(originRequest()(e1)).rejects.toMatchObject({ code: 'InvalidEvent' })
    const e2 = createEvent('origin-response')
    delete e2.Records[0]!.cf.response
    await expect(originResponse()(e2)).rejects.toMatchObject({ code: 'InvalidEvent' })
  })
})

describe('onError', () => {
  it('default: logs one JSON line with the request id and rethrows', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
    const h = viewerRequest(async () => {
      throw new Error('boom')
    })
    const event = createEvent('viewer-request', { config: { requestId: 'req-123' } })
    await expect(h(event)).rejects.toThrow('boom')
    expect(spy).toHaveBeenCalledTimes(1)
    const line = JSON.parse(spy.mock.calls[0]![0] as string)
    expect(line).toMatchObject({ level: 'error', stage: 'viewer-request', requestId: 'req-123', error: 'Error: boom' })
    expect(line.stack).toContain('boom')
  })

  it('invoke reports a rethrown error as EdgeExecutionError (503)', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const h = viewerRequest(async () => {
      throw new Error('boom')
    })
    await expect(invoke(h, createEvent('viewer-request'))).rejects.toMatchObject({ name: 'EdgeExecutionError', status: 503 })
  })

  it("'pass-through' returns the original request, rolling back partial mutations", async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const h = viewerRequest({ onError: 'pass-through' }, async (c) => {
      c.request.uri = '/half-done'
      c.request.headers.set('x-partial', '1')
      c.request.headers.delete('accept')
      throw new Error('fail open')
    })
    const event = createEvent('viewer-request', { uri: '/start' })
    const original = structuredClone(event.Records[0]!.cf.request)
    const out = await invoke(h, event)
    expect(out).toEqual(original)
  })

  it("'pass-through' in a response stage returns the original response", async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const h = originResponse({ onError: 'pass-through' }, async (c) => {
      c.response.status = 500
      c.response.headers.set('x-half', '1')
      throw new Error('x')
    })
    const event = createEvent('origin-response')
    const original = structuredClone(event.Records[0]!.cf.response)
    expect(await invoke(h, event)).toEqual(original)
  })

  it('a function can answer with a response and sees the error and context', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const h = viewerRequest(
      {
        onError: (err, c) => ({ status: 503, headers: { 'retry-after': '5' }, body: `${(err as Error).message} @ ${c.request.uri}` }),
      },
      async () => {
        throw new Error('down')
      },
    )
    const out = asResponse(await invoke(h, createEvent('viewer-request', { uri: '/x' })))
    expect(out).toMatchObject({ status: '503', statusDescription: 'Service Unavailable', body: 'down @ /x' })
    expect(out.headers?.['retry-after']).toEqual([{ key: 'retry-after', value: '5' }])
  })

  it('a function returning a response init in origin-response replaces status, headers and body', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const h = originResponse({ onError: () => ({ status: 502, headers: { 'x-error': '1' }, body: 'origin broke' }) }, async (c) => {
      c.response.headers.set('x-partial', '1')
      throw new Error('x')
    })
    const out = await invoke(h, createEvent('origin-response'))
    expect(out).toMatchObject({ status: '502', body: 'origin broke', bodyEncoding: 'text' })
    expect(out.headers['x-error']).toEqual([{ key: 'x-error', value: '1' }])
    expect(out.headers['x-partial']).toBeUndefined()
  })

  it("a function in viewer-response keeps the status (CloudFront forbids changing it) and applies headers", async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const h = viewerResponse({ onError: () => ({ status: 500, headers: { 'x-error': '1' } }) }, async () => {
      throw new Error('x')
    })
    const out = await invoke(h, createEvent('viewer-response'))
    expect(out.status).toBe('200')
    expect(out.headers['x-error']).toEqual([{ key: 'x-error', value: '1' }])
  })

  it("a function may decide 'throw' or 'pass-through' per error", async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const h = viewerRequest({ onError: (err) => ((err as Error).message === 'soft' ? 'pass-through' : 'throw') }, async (c) => {
      throw new Error(c.request.uri === '/soft' ? 'soft' : 'hard')
    })
    await expect(h(createEvent('viewer-request', { uri: '/soft' }))).resolves.toMatchObject({ uri: '/soft' })
    await expect(h(createEvent('viewer-request', { uri: '/hard' }))).rejects.toThrow('hard')
  })

  it('an onError function that throws is logged and its error propagates', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
    const h = viewerRequest(
      {
        onError: () => {
          throw new Error('handler broke')
        },
      },
      async () => {
        throw new Error('first')
      },
    )
    await expect(h(createEvent('viewer-request'))).rejects.toThrow('handler broke')
    expect(spy).toHaveBeenCalledTimes(1)
  })
})

describe('c.signal', () => {
  it('aborts deadlineMarginMs before the Lambda deadline', async () => {
    const deadline = Date.now() + 60
    const context = { getRemainingTimeInMillis: () => deadline - Date.now() }
    let reason: unknown
    const h = viewerRequest({ deadlineMarginMs: 30 }, async (c) => {
      expect(c.signal.aborted).toBe(false)
      await new Promise<void>((resolve) => c.signal.addEventListener('abort', () => resolve()))
      reason = c.signal.reason
    })
    await h(createEvent('viewer-request'), context)
    expect((reason as DOMException).name).toBe('TimeoutError')
  })

  it('is already aborted when the deadline is within the margin', async () => {
    const h = viewerRequest(async (c) => {
      expect(c.signal.aborted).toBe(true)
    })
    await h(createEvent('viewer-request'), { getRemainingTimeInMillis: () => 50 })
  })

  it('never aborts without a deadline, and the timer is cleared after the invocation', async () => {
    let signal: AbortSignal | undefined
    await viewerRequest(async (c) => {
      signal = c.signal
      expect(c.signal).toBe(signal) // same object on every read
    })(createEvent('viewer-request'))
    expect(signal!.aborted).toBe(false)

    let later: AbortSignal | undefined
    await viewerRequest({ deadlineMarginMs: 0 }, async (c) => {
      later = c.signal
    })(createEvent('viewer-request'), { getRemainingTimeInMillis: () => 40 })
    await new Promise((r) => setTimeout(r, 80))
    expect(later!.aborted).toBe(false) // cleared at the end of the invocation
  })
})
