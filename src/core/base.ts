/**
 * What every stage's context shares: event, config, limits, `c.set/c.get`, the deadline and `c.signal`.
 */
import type { LimitsProfile } from '../cloudfront/limits.js'
import type { CfConfig, CfEvent, LambdaContext, Stage } from '../cloudfront/types.js'

/** What every context shares. */
export class BaseCtx<S extends Stage> {
  readonly stage: S
  readonly event: CfEvent
  readonly config: CfConfig
  readonly lambdaContext: LambdaContext
  readonly limits: LimitsProfile
  /** @internal set by responders: the rest of the chain is skipped. */
  _responded = false
  #vars: Map<string, unknown> | undefined
  #ac: AbortController | undefined
  #timer: ReturnType<typeof setTimeout> | undefined
  readonly #marginMs: number

  constructor(stage: S, event: CfEvent, lambdaContext: LambdaContext, limits: LimitsProfile, marginMs: number) {
    this.stage = stage
    this.event = event
    this.config = event.Records[0]!.cf.config
    this.lambdaContext = lambdaContext
    this.limits = limits
    this.#marginMs = marginMs
  }

  get requestId(): string {
    return this.config.requestId ?? ''
  }

  remainingMs(): number {
    const f = this.lambdaContext.getRemainingTimeInMillis
    if (typeof f !== 'function') return Infinity
    const ms = f.call(this.lambdaContext)
    return typeof ms === 'number' && !Number.isNaN(ms) ? ms : Infinity
  }

  /** Created on first read: no controller or timer exists unless a middleware asks for the signal. */
  get signal(): AbortSignal {
    if (this.#ac !== undefined) return this.#ac.signal
    const ac = new AbortController()
    this.#ac = ac
    const remaining = this.remainingMs()
    if (remaining !== Infinity) {
      const delay = remaining - this.#marginMs
      const reason = (): DOMException =>
        new DOMException(`the Lambda deadline is ${this.#marginMs} ms away (${this.stage}, request ${this.requestId})`, 'TimeoutError')
      if (delay <= 0) ac.abort(reason())
      else {
        this.#timer = setTimeout(() => ac.abort(reason()), delay)
        this.#timer.unref?.()
      }
    }
    return ac.signal
  }

  set(key: string, value: unknown): void {
    ;(this.#vars ??= new Map()).set(key, value)
  }

  get<T = unknown>(key: string): T | undefined {
    return this.#vars?.get(key) as T | undefined
  }

  /** @internal clears the deadline timer once the invocation is over. */
  _dispose(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer)
      this.#timer = undefined
    }
  }
}


