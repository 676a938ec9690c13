// Throttling through the bundled action: bulk deletes against a server that limits each API key with a
// token bucket. The action's clock runs 5 times as fast as real time (test/support/fast-clock.mjs):
// Retry-After: 1 becomes a pause of 200 ms. The assertions are about outcome and order, not time.
import { describe, expect, it } from 'vitest'
import { seedPreviews } from '../support/fixtures.js'
import { annotations, runStep, useRevontServer } from '../support/harness.js'

const SPEED = 5
const server = useRevontServer({}, { clock: SPEED, timeoutMs: 60_000 })

const PATTERN = 'https://pr-*.preview.example.com/*'

/**
 * Requests that reached the server during a Retry-After pause of the rate limit. A request already on
 * its way when the 429 left the server arrives just after it: the first 50 ms of each pause are not counted.
 */
function sentDuringPauses(): string[] {
  return server.requests
    .filter(({ arrivedAt }) =>
      server.throttles.some(({ at, retryAfter }) => arrivedAt > at + 50 && arrivedAt < at + ((retryAfter ?? 0) * 1000) / SPEED)
    )
    .map(({ method, path, arrivedAt }) => `${method} ${path} at ${arrivedAt}`)
}

describe('a prune under a rate limit slows down instead of failing', () => {
  it('40 endpoints at 20 requests/s with Retry-After: all deleted', async () => {
    seedPreviews(server, 40)
    server.setRateLimit({ rate: 20, burst: 4 })
    const result = await runStep({ operation: 'prune', url: PATTERN })
    expect(annotations(result, 'error')).toEqual([])
    expect(result.code).toBe(0)
    expect(result.outputs.count).toBe('40')
    expect(server.webhooks.size).toBe(0)
    expect(server.throttles.length).toBeGreaterThan(0)
    expect(server.maxInFlight).toBeLessThanOrEqual(8)
  })

  it("the pause is shared: no request is sent during another one's Retry-After", async () => {
    seedPreviews(server, 40)
    server.setRateLimit({ rate: 20, burst: 4 })
    // Retries enough that requests retrying each on its own would finish too: the order is what counts.
    const result = await runStep({ operation: 'prune', url: PATTERN, 'max-retries': '10' })
    expect(result.code).toBe(0)
    expect(server.webhooks.size).toBe(0)
    expect(server.throttles.length).toBeGreaterThan(0)
    expect(sentDuringPauses()).toEqual([])
  })

  it('without Retry-After on the 429s: all deleted', async () => {
    seedPreviews(server, 40)
    server.setRateLimit({ rate: 20, burst: 4, retryAfter: false })
    const result = await runStep({ operation: 'prune', url: PATTERN })
    expect(annotations(result, 'error')).toEqual([])
    expect(result.code).toBe(0)
    expect(result.outputs.count).toBe('40')
    expect(server.webhooks.size).toBe(0)
    expect(server.throttles.length).toBeGreaterThan(0)
  })

  it('fails with a clear message when max-retries rounds in a row get no answer through', async () => {
    seedPreviews(server, 5)
    server.inject({ method: 'DELETE', status: 429, headers: { 'Retry-After': '1' }, times: 1000 })
    const result = await runStep({ operation: 'prune', url: PATTERN, 'max-retries': '2' })
    expect(result.code).toBe(1)
    expect(annotations(result, 'error')).toHaveLength(1)
    expect(annotations(result, 'error')[0]).toMatch(
      /^5 of 5 deletes failed: DELETE \/webhooks\/wh_\d failed: 429 Too Many Requests/
    )
    expect(annotations(result, 'error')[0]).toContain(
      '(gave up: throttled 3 times in a row with no request of this run answered; max-retries is 2)'
    )
    expect(server.webhooks.size).toBe(5)
    // Three rounds of at most two requests (one answer so far: two in flight), then one last try each.
    expect(server.requests.filter((request) => request.method === 'DELETE').length).toBeLessThanOrEqual(11)
  })

  it("429s whose Retry-After is a date already past (the runner's clock ahead): pauses for the backoff, all deleted", async () => {
    seedPreviews(server, 5)
    server.setRateLimit({ rate: 5, burst: 1, tokens: 0, retryAfter: 'past-date' })
    const result = await runStep({ operation: 'prune', url: PATTERN })
    expect(annotations(result, 'error')).toEqual([])
    expect(result.code).toBe(0)
    expect(server.webhooks.size).toBe(0)
    // The list was the first answered 429; the first backoff is 0.5-1 s, on the clock 5 times as fast: it came again 100 ms later at least.
    expect(server.requests[1].arrivedAt - server.throttles[0].at).toBeGreaterThanOrEqual(95)
  })

  it('a Retry-After above 60 s still fails that delete, and the others go ahead', async () => {
    seedPreviews(server, 3)
    server.inject({ method: 'DELETE', path: '/webhooks/wh_1', status: 429, headers: { 'Retry-After': '120' } })
    const result = await runStep({ operation: 'prune', url: PATTERN })
    expect(result.code).toBe(1)
    expect(annotations(result, 'error')).toHaveLength(1)
    expect(annotations(result, 'error')[0]).toMatch(
      /^1 of 3 deletes failed: DELETE \/webhooks\/wh_1 failed: 429 Too Many Requests: injected 429 \(request id req_\w+\); the API asked to retry after 120 s, longer than the 60 s this action waits$/
    )
    expect([...server.webhooks.keys()]).toEqual(['wh_1'])
  })

  it('a lone list answered 429 is tried once more, as before', async () => {
    server.inject({ method: 'GET', status: 429, headers: { 'Retry-After': '0' } })
    const result = await runStep({ operation: 'list' })
    expect(result.code).toBe(0)
    expect(server.requests.map((request) => request.method)).toEqual(['GET', 'GET'])
  })
})
