// One limiter for every request of a run, so that when the API throttles (429) the whole run slows
// down, rather than each request spending its own retries while the others keep the API's bucket empty.
// Until the first 429 it never waits and starts no timer. After one, every request waits out the pause
// (the backoff with jitter, or Retry-After when longer), and requests are then spaced at the rate the
// API let through between its latest two 429s: its bucket was empty at both, so that is its rate, however
// full the bucket was when the run began. Until a second 429 they go at the rate seen before the first,
// which meets the second soon. While requests succeed the rate rises, slowly at first and faster the
// longer no 429 comes (as CUBIC does in the AWS SDKs' adaptive retry mode), so that a rate measured while
// another client shared the bucket does not hold the run down.
import { cancellation } from '../cancellation.js'
import type { TransientError } from '../errors.js'
import { backoffMs, retryAfterTooLong, type RetryPolicy } from './retry.js'

/** Requests per second added per answer, for each answer since the latest 429. */
const GROWTH = 0.002
/** Until the API's rate is measured, the share of the rate added per answer. */
const PROBE = 0.1
/** The fewest answers between two 429s that measure the API's rate: a 429 may come up to a token early. */
const MEASURED_ANSWERS = 2
const MIN_RATE = 0.2

/** Which pause a request was sent after: a 429 to a request sent before the latest pause is part of it. */
export interface Ticket {
  round: number
}

export class Throttle {
  private inFlight = 0
  private wakeUps: Array<() => void> = []
  /** Answers other than 429: in all, and since the latest throttled round began. */
  private answers = 0
  private roundAnswers = 0
  /** Since when the API's rate is being measured, and the answers since. */
  private windowAt: number | undefined
  private windowAnswers = 0
  private firstSentAt: number | undefined
  /** No request starts before this time. */
  private pausedUntil = 0
  /** Requests per second; undefined while the API has not throttled: no pacing at all. */
  private rate: number | undefined
  /** Whether `rate` is the API's, measured between two 429s. */
  private measured = false
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
      this.roundAnswers++
      this.windowAnswers++
      this.fruitlessRounds = 0
      if (this.rate !== undefined) this.rate += this.measured ? GROWTH * this.roundAnswers : PROBE * this.rate
    }
    const waiting = this.wakeUps
    this.wakeUps = []
    for (const wake of waiting) wake()
  }

  /**
   * A 429: pauses every request, and after the first 429 of a round sets the rate. Throws the error
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
    // A Retry-After may lengthen the backoff, never shorten it: a date already past asks for no wait.
    const pauseMs = Math.max(error.retryAfterMs ?? 0, backoffMs(this.policy, this.fruitlessRounds - 1))
    this.pausedUntil = now + pauseMs
    this.roundAnswers = 0
    if (this.windowAt === undefined) {
      // The first 429: the rate seen before it, from a bucket that may have been full or nearly empty.
      if (this.answers > 0) this.rate = this.perSecond(this.answers, now - (this.firstSentAt ?? now))
    } else if (this.windowAnswers >= MEASURED_ANSWERS) {
      this.rate = this.perSecond(this.windowAnswers, now - this.windowAt)
      this.measured = true
    } else return // too few answers to measure: the window goes on
    this.windowAt = now
    this.windowAnswers = 0
  }

  private perSecond(answers: number, ms: number): number {
    return Math.max(MIN_RATE, (answers * 1000) / Math.max(ms, 1))
  }

  private waitMs(): number {
    const paced = this.rate === undefined ? 0 : this.lastSentAt + 1000 / this.rate
    return Math.max(this.pausedUntil, paced) - this.now()
  }
}
