// The retry policy: which failures are transient, how long to wait, and the loop that waits.
import { setTimeout as wait } from 'node:timers/promises'
import { cancellation } from '../cancellation.js'
import { TransientError } from '../errors.js'

export const TRANSIENT_STATUSES = new Set([408, 429, 500, 502, 503, 504])
const MAX_RETRY_AFTER_MS = 60_000
const BASE_DELAY_MS = 1000
const MAX_DELAY_MS = 30_000

export interface RetryPolicy {
  maxRetries: number
  random: () => number
  sleep: (ms: number) => Promise<void>
}

export function retryPolicy(maxRetries: number): RetryPolicy {
  return {
    maxRetries,
    random: Math.random,
    // A cancelled step waits no longer: the request that follows stops at RevontClient's gate.
    sleep: (ms) => wait(ms, undefined, { signal: cancellation }).catch(() => undefined)
  }
}

/** Retry-After as seconds or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  // Date.parse reads '1.5' or '-1' as dates in 2001; an HTTP date always names its month.
  if (!/[a-z]/i.test(value)) return undefined
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** Exponential backoff with jitter over the upper half of each step: 0.5-1 s, 1-2 s, 2-4 s, ... capped. */
export function backoffMs(policy: RetryPolicy, retry: number): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** retry)
  return ceiling / 2 + (ceiling / 2) * policy.random()
}

type NextAttempt = { waitMs: number } | { error: unknown }

/** The error to fail with when the API asks to wait longer than this action does; else undefined. */
export function retryAfterTooLong(error: TransientError): Error | undefined {
  if (error.retryAfterMs === undefined || error.retryAfterMs <= MAX_RETRY_AFTER_MS) return undefined
  const asked = Math.ceil(error.retryAfterMs / 1000)
  return new Error(
    `${error.message}; the API asked to retry after ${asked} s, longer than the ${MAX_RETRY_AFTER_MS / 1000} s this action waits`
  )
}

/**
 * After a failed attempt: how long to wait before the next one, or the error to fail with. A 429 comes
 * here only as a final error: the client's Throttle handles 429s for the whole run, without using up a
 * request's retries.
 */
export function nextAttempt(policy: RetryPolicy, error: unknown, retry: number): NextAttempt {
  if (!(error instanceof TransientError)) return { error }
  const tooLong = retryAfterTooLong(error)
  if (tooLong) return { error: tooLong }
  if (retry >= policy.maxRetries) {
    return { error: policy.maxRetries > 0 ? new Error(`${error.message} (gave up after ${retry + 1} attempts)`) : error }
  }
  // A Retry-After may lengthen the backoff, never shorten it: a date already past (a runner's clock ahead
  // of the API's) or 0 asks for no wait, and retries at once would end within milliseconds.
  return { waitMs: Math.max(error.retryAfterMs ?? 0, backoffMs(policy, retry)) }
}

/** Runs `attempt` until it succeeds, fails for good, or the retries run out. */
export async function withRetries<T>(policy: RetryPolicy, attempt: () => Promise<T>): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt()
    } catch (error) {
      const next = nextAttempt(policy, error, retry)
      if ('error' in next) throw next.error
      await policy.sleep(next.waitMs)
    }
  }
}
