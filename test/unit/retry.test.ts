import { describe, expect, it } from 'vitest'
import { nextAttempt, parseRetryAfter, withRetries, type RetryPolicy } from '../../src/api/retry.js'
import { TransientError } from '../../src/errors.js'

function policy(maxRetries: number, random = 0.5): RetryPolicy & { waits: number[] } {
  const waits: number[] = []
  return {
    maxRetries,
    random: () => random,
    sleep: (ms) => {
      waits.push(ms)
      return Promise.resolve()
    },
    waits
  }
}

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-28T12:00:00Z')
  it('reads seconds and HTTP dates, and nothing else', () => {
    expect(parseRetryAfter('7', now)).toBe(7000)
    expect(parseRetryAfter('Sat, 28 Nov 2026 12:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('Sat, 28 Nov 2026 11:00:00 GMT', now)).toBe(0)
    for (const value of [undefined, '', '1.5', '-1', 'soon']) expect(parseRetryAfter(value, now)).toBeUndefined()
  })
})

describe('nextAttempt', () => {
  it('backs off exponentially, with jitter over the upper half of each step', () => {
    const error = new TransientError('GET /webhooks failed: 503 Service Unavailable')
    expect([0, 1, 2, 3].map((retry) => nextAttempt(policy(10, 0), error, retry))).toEqual([
      { waitMs: 500 },
      { waitMs: 1000 },
      { waitMs: 2000 },
      { waitMs: 4000 }
    ])
    expect(nextAttempt(policy(10, 1), error, 1)).toEqual({ waitMs: 2000 })
    expect(nextAttempt(policy(10, 1), error, 9)).toEqual({ waitMs: 30_000 })
  })

  it('honours Retry-After up to 60 s and refuses a longer one, retries or not', () => {
    expect(nextAttempt(policy(3), new TransientError('x', 60_000), 0)).toEqual({ waitMs: 60_000 })
    for (const maxRetries of [0, 3]) {
      const next = nextAttempt(policy(maxRetries), new TransientError('POST /webhooks failed: 429', 120_000), 0)
      expect('error' in next && (next.error as Error).message).toBe(
        'POST /webhooks failed: 429; the API asked to retry after 120 s, longer than the 60 s this action waits'
      )
    }
  })

  it('a Retry-After that asks for no wait, a date already past or 0, still waits the backoff; a longer one wins', () => {
    const now = Date.parse('2026-11-28T12:00:00Z')
    const past = parseRetryAfter('Sat, 28 Nov 2026 11:59:00 GMT', now)
    for (const retryAfterMs of [past, 0]) {
      const error = new TransientError('GET /webhooks failed: 503 Service Unavailable', retryAfterMs)
      expect([0, 2].map((retry) => nextAttempt(policy(3), error, retry))).toEqual([{ waitMs: 750 }, { waitMs: 3000 }])
    }
    expect(nextAttempt(policy(3), new TransientError('x', 2000), 0)).toEqual({ waitMs: 2000 })
  })

  it('gives up after max-retries, and never retries what is not transient', () => {
    const final = nextAttempt(policy(2), new TransientError('GET /webhooks failed: timeout'), 2)
    expect('error' in final && (final.error as Error).message).toBe('GET /webhooks failed: timeout (gave up after 3 attempts)')
    const error = new Error('400')
    expect(nextAttempt(policy(5), error, 0)).toEqual({ error })
  })
})

describe('withRetries', () => {
  it('retries transient failures and waits between attempts', async () => {
    const retries = policy(3)
    let calls = 0
    const result = await withRetries(retries, () => {
      calls++
      return calls < 3 ? Promise.reject(new TransientError('lost')) : Promise.resolve('ok')
    })
    expect(result).toBe('ok')
    expect(calls).toBe(3)
    expect(retries.waits).toEqual([750, 1500])
  })
})
