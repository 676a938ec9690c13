// The limiter on its own, with a clock that only moves when it sleeps.
import { describe, expect, it } from 'vitest'
import type { RetryPolicy } from '../../src/api/retry.js'
import { TransientError } from '../../src/errors.js'
import { Throttle } from '../../src/api/throttle.js'

function setup(maxRetries = 3) {
  const clock = { now: 1_000_000 }
  const sleeps: number[] = []
  const policy: RetryPolicy = {
    maxRetries,
    random: () => 0.5,
    sleep: (ms) => {
      sleeps.push(ms)
      clock.now += ms
      return Promise.resolve()
    }
  }
  const throttle = new Throttle(policy, () => clock.now)
  /** One request: acquire, then an answer of `status` `ms` later; the time it was sent. */
  async function request(status: number, { ms = 10, retryAfterMs }: { ms?: number; retryAfterMs?: number } = {}) {
    const ticket = await throttle.acquire()
    const sentAt = clock.now
    clock.now += ms
    try {
      if (status === 429) throttle.throttled(ticket, new TransientError('DELETE /webhooks/wh_1 failed: 429', retryAfterMs, 429))
    } finally {
      throttle.release(status)
    }
    return sentAt
  }
  return { clock, sleeps, throttle, request }
}

describe('Throttle', () => {
  it('never waits while the API does not throttle', async () => {
    const { sleeps, request } = setup()
    for (let i = 0; i < 20; i++) await request(i % 2 ? 200 : 404)
    expect(sleeps).toEqual([])
  })

  it('after a 429, no request starts before its Retry-After', async () => {
    const { clock, request } = setup()
    await request(204)
    await request(429, { retryAfterMs: 2000 })
    const throttledAt = clock.now
    expect(await request(204)).toBeGreaterThanOrEqual(throttledAt + 2000)
  })

  it('a 429 to a request sent before the pause began joins that pause, and may lengthen it', async () => {
    const { clock, throttle, request } = setup(1)
    await request(204)
    await request(204)
    const [first, second] = [await throttle.acquire(), await throttle.acquire()]
    throttle.throttled(first, new TransientError('429', 1000, 429))
    throttle.release(429)
    // With max-retries 1 a second round would give up: this one is part of the first.
    throttle.throttled(second, new TransientError('429', 3000, 429))
    throttle.release(429)
    const throttledAt = clock.now
    expect(await request(204)).toBe(throttledAt + 3000)
  })

  it('without Retry-After, backs off exponentially while no request gets an answer', async () => {
    const { sleeps, request } = setup(5)
    for (let i = 0; i < 4; i++) await request(429)
    await request(204)
    // random() is 0.5: three quarters of 1, 2, 4 and 8 s.
    expect(sleeps).toEqual([750, 1500, 3000, 6000])
  })

  it('gives up after max-retries throttled rounds in a row without an answer, and an answer resets the count', async () => {
    const { request } = setup(2)
    await request(429)
    await request(429)
    await request(204)
    await request(429)
    await request(429)
    await expect(request(429)).rejects.toThrow(
      'DELETE /webhooks/wh_1 failed: 429 (gave up: throttled 3 times in a row with no request of this run answered; max-retries is 2)'
    )
  })

  it('with max-retries 0, the first 429 is final', async () => {
    const { request } = setup(0)
    await expect(request(429)).rejects.toThrow(/^DELETE \/webhooks\/wh_1 failed: 429$/)
  })

  it('refuses a Retry-After longer than 60 s', async () => {
    const { request } = setup()
    await expect(request(429, { retryAfterMs: 61_000 })).rejects.toThrow(/longer than the 60 s this action waits$/)
  })

  it('a Retry-After that asks for no wait (a date already past, or 0) still pauses for the backoff', async () => {
    const { sleeps, request } = setup(2)
    await request(204)
    await request(429, { retryAfterMs: 0 })
    await request(429, { retryAfterMs: 0 })
    // The rounds without an answer end the run only after their backoffs, not within milliseconds.
    await expect(request(429, { retryAfterMs: 0 })).rejects.toThrow(/gave up: throttled 3 times in a row/)
    expect(sleeps).toEqual([750, 1500])
  })

  it('after a second 429, spaces requests at the rate the API let through since the first, rising the longer none comes', async () => {
    const { request } = setup()
    const gaps = async (count: number) => {
      const sent: number[] = []
      for (let i = 0; i < count; i++) sent.push(await request(204, { ms: 1 }))
      return sent.slice(1).map((at, i) => at - sent[i])
    }
    await request(204, { ms: 100 })
    await request(429, { ms: 0, retryAfterMs: 1000 })
    // 10 answers in the 2 s since the first 429: 5 a second, whatever came before it.
    for (let i = 0; i < 10; i++) await request(204, { ms: 100 })
    await request(429, { ms: 0, retryAfterMs: 1000 })
    const next = await gaps(30)
    expect(next[0]).toBeCloseTo(1000 / (5 + 0.002), 6)
    // Each answer adds more than the one before.
    const added = next.map((gap) => 1000 / gap).map((rate, i, rates) => rate - (rates[i - 1] ?? 5))
    for (let i = 1; i < added.length; i++) expect(added[i]).toBeGreaterThan(added[i - 1])
  })

  it.each([
    ['60 deletes at 2 a second, the bucket full at first', { deletes: 60, rate: 2, tokens: 2 }],
    ['300 deletes at 20 a second, the bucket full at first', { deletes: 300, rate: 20, tokens: 20 }],
    ['60 deletes at 20 a second, the bucket nearly emptied by another job', { deletes: 60, rate: 20, tokens: 1 }]
  ])('%s: within 1.5 times the time the bucket allows, and few 429s', async (_, { deletes, rate, tokens }) => {
    const { clock, throttle } = setup()
    // The loopback server's token bucket, one second of requests deep.
    let left = tokens
    let filledAt = clock.now
    const answer = () => {
      left = Math.min(rate, left + ((clock.now - filledAt) / 1000) * rate)
      filledAt = clock.now
      if (left < 1) return 429
      left--
      return 204
    }
    const startedAt = clock.now
    let throttled = 0
    for (let answered = 0; answered < deletes + 1;) {
      const ticket = await throttle.acquire()
      const status = answer()
      clock.now += 5
      if (status === 429) {
        throttled++
        const retryAfterMs = Math.max(1, Math.ceil((1 - left) / rate)) * 1000
        throttle.throttled(ticket, new TransientError('429', retryAfterMs, 429))
      } else answered++
      throttle.release(status)
    }
    const idealMs = ((deletes + 1 - tokens) / rate) * 1000
    expect(clock.now - startedAt).toBeLessThanOrEqual(1.5 * idealMs)
    expect(throttled / (deletes + 1 + throttled)).toBeLessThanOrEqual(0.1)
  })

  it('lets as many requests be in flight as have been answered, one at first', async () => {
    const { throttle } = setup()
    const started: number[] = []
    const all = Array.from({ length: 5 }, (_, i) => throttle.acquire().then(() => started.push(i)))
    const settle = () => new Promise((resolve) => setTimeout(resolve, 0))
    await settle()
    expect(started).toEqual([0])
    throttle.release(204)
    await settle()
    expect(started).toEqual([0, 1])
    throttle.release(204)
    await settle()
    // Two answers, none in flight: two more.
    expect(started).toEqual([0, 1, 2, 3])
    throttle.release(204)
    await Promise.all(all)
    expect(started).toEqual([0, 1, 2, 3, 4])
  })
})
