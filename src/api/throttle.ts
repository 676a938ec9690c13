// One limiter for every request of a run, so that when the API throttles (429) the whole run slows
// down, rather than each request spending its own retries while the others keep the API's bucket empty.
// Until the first 429 it never waits and starts no timer. After one: every request waits out the pause
// (Retry-After, or a backoff with jitter), and requests are then spaced at a rate a little below what
// the API let through, raised slowly while requests succeed and cut again at the next 429 (like the
// AWS SDKs' adaptive retry mode).
import { cancellation } from '../cancellation.js'
import type { TransientError } from '../errors.js'
import { backoffMs, retryAfterTooLong, type RetryPolicy } from './retry.js'

/** Each throttled round cuts the rate to this share. */
const CUT = 0.8
/** Requests per second added per answer: 1 % a second at any rate, so that 429s stay rare. */
const GROWTH = 0.01
const MIN_RATE = 0.2

/** Which pause a request was sent after: a 429 to a request sent before the latest pause is part of it. */
export interface Ticket {
  round: number
}

export class Throttle {
  private inFlight = 0
  private wakeUps: Array<() => void> = []
  /** Answers other than 429. */
  private answers = 0
  private firstSentAt: number | undefined
  /** No request starts before this time. */
  private pausedUntil = 0
  /** Requests per second; undefined while the API has not throttled: no pacing at all. */
  private rate: number | undefined
  private lastSentAt = 0
  private round = 0
  /** Throttled rounds since the last answer: the run gives up when they exceed max-retries. */
  private fruitlessRounds = 0

  constructor(
    private readonly policy: RetryPolicy,
    private readonly now: () => number = Date.now
  ) {}

  /** Waits until this request may be sent. */
  async acquire(): Promise<Ticket> {
    // Slow start: as many requests in flight as answers so far (one at first), so that a bulk delete
    // does not meet a small limit 8 requests at a time. It costs a few round trips, a lone request nothing.
    while (this.inFlight >= Math.max(1, this.answers)) await new Promise<void>((resolve) => this.wakeUps.push(resolve))
    this.inFlight++
    // Checked again after each sleep: a 429 may have started a pause meanwhile. A cancelled step waits no
    // longer (its sleeps end at once): the request's gate then stops it.
    for (let wait = this.waitMs(); wait > 0 && !cancellation.aborted; wait = this.waitMs()) await this.policy.sleep(wait)
    this.lastSentAt = this.now()
    this.firstSentAt ??= this.lastSentAt
    return { round: this.round }
  }

  /** After the attempt, whatever its end; `status` is the answer's, if there was one. */
  release(status?: number): void {
    this.inFlight--
    if (status !== undefined && status !== 429) {
      this.answers++
      this.fruitlessRounds = 0
      if (this.rate !== undefined) this.rate += GROWTH
    }
    const waiting = this.wakeUps
    this.wakeUps = []
    for (const wake of waiting) wake()
  }

  /**
   * A 429: pauses every request, and after the first 429 of a round lowers the rate. Throws the error
   * to fail with when Retry-After is too long, or when max-retries rounds in a row got no answer through.
   * Called before `release`, so no waiting request starts before the pause is set.
   */
  throttled(ticket: Ticket, error: TransientError): void {
    const tooLong = retryAfterTooLong(error)
    if (tooLong) throw tooLong
    // max-retries 0 turns retries off, after a 429 too.
    if (this.policy.maxRetries === 0) throw error
    const now = this.now()
    if (ticket.round < this.round) {
      // Sent before the current pause began: part of that round, which it may lengthen.
      if (error.retryAfterMs !== undefined) this.pausedUntil = Math.max(this.pausedUntil, now + error.retryAfterMs)
      return
    }
    this.round++
    this.fruitlessRounds++
    const { maxRetries } = this.policy
    if (this.fruitlessRounds > maxRetries) {
      throw new Error(
        `${error.message} (gave up: throttled ${this.fruitlessRounds} times in a row with no request of this run answered; max-retries is ${maxRetries})`
      )
    }
    const pauseMs = error.retryAfterMs ?? backoffMs(this.policy, this.fruitlessRounds - 1)
    if (this.rate !== undefined) this.rate = Math.max(MIN_RATE, CUT * this.rate)
    else if (this.answers > 0) {
      // The first rate: what the API let through before it throttled, over that time or, when longer,
      // the pause it asks for: after a burst at start-up, that is what it lets through a second.
      const windowMs = Math.max(now - (this.firstSentAt ?? now), pauseMs, 1)
      this.rate = Math.max(MIN_RATE, (CUT * this.answers * 1000) / windowMs)
    }
    this.pausedUntil = now + pauseMs
  }

  private waitMs(): number {
    const paced = this.rate === undefined ? 0 : this.lastSentAt + 1000 / this.rate
    return Math.max(this.pausedUntil, paced) - this.now()
  }
}
