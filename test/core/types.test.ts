import { describe, expect, expectTypeOf, it } from 'vitest'
import { path, viewerRequest, when, type EdgeHandler, type ViewerRequestContext } from 'edgeware'
import { createEvent, invoke } from 'edgeware/testing'

declare module 'edgeware' {
  interface ContextVariableMap {
    edgewareTypeTestUser: { id: string }
  }
}

describe('public types', () => {
  it('c.set / c.get are typed through ContextVariableMap', async () => {
    const h = viewerRequest(
      async (c, next) => {
        c.set('edgewareTypeTestUser', { id: '42' })
        await next()
      },
      async (c) => {
        const user = c.get('edgewareTypeTestUser')
        expectTypeOf(user).toEqualTypeOf<{ id: string } | undefined>()
        c.text(user?.id ?? 'none')
      },
    )
    expectTypeOf(h).toEqualTypeOf<EdgeHandler<'viewer-request'>>()
    expect(await invoke(h, createEvent('viewer-request'))).toMatchObject({ body: '42' })
  })

  it('combinators infer the stage context from their position', () => {
    viewerRequest(
      path('/a', async (c) => {
        expectTypeOf(c).toEqualTypeOf<ViewerRequestContext>()
      }),
      when(
        (c) => c.request.method === 'POST',
        async (c) => void c.redirect('/'),
      ),
    )
  })
})
