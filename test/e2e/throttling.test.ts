// Throttling through the bundled action (behaviour 15): bulk deletes against a server that limits each
// API key with a token bucket, and the step's error and summary when many deletes fail. Waits are scaled
// by REVONT_ACTION_WAIT_SCALE; the assertions are about outcome and order, not time.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runAction } from './runner/run-action.mjs'
import { startRevontServer } from './server/revont-server.mjs'
import { WIDEST, widestWebhooks } from './widest-webhooks.js'

let server: Awaited<ReturnType<typeof startRevontServer>>

beforeAll(async () => {
  server = await startRevontServer()
})
afterAll(() => server.close())
beforeEach(() => {
  server.reset()
  server.setRateLimit(undefined)
})

/** Retry-After: 1 becomes a pause of 200 ms. */
const WAIT_SCALE = 0.2
const PATTERN = 'https://pr-*.preview.example.com/*'

function seed(count: number, id = (i: number) => `wh_${i}`) {
  server.seed(
    Array.from({ length: count }, (_, i) => ({
      id: id(i),
      url: `https://pr-${i}.preview.example.com/hooks`,
      events: ['call.ended']
    }))
  )
}

async function run(inputs: Record<string, string>) {
  const result = await runAction({
    inputs: { 'api-url': server.url, 'api-key': server.apiKey, ...inputs },
    env: { REVONT_ACTION_WAIT_SCALE: String(WAIT_SCALE) },
    timeoutMs: 60_000
  })
  const errors = result.commands.filter((command) => command.name === 'error').map((command) => command.data)
  return { ...result, errors }
}

/**
 * Requests that reached the server during a Retry-After pause of the rate limit. A request already on
 * its way when the 429 left the server arrives just after it: the first 50 ms of each pause are not counted.
 */
function sentDuringPauses(): string[] {
  return server.requests
    .filter(({ arrivedAt }) =>
      server.throttles.some(({ at, retryAfter }) => arrivedAt > at + 50 && arrivedAt < at + (retryAfter ?? 0) * 1000 * WAIT_SCALE)
    )
    .map(({ method, path, arrivedAt }) => `${method} ${path} at ${arrivedAt}`)
}

describe('a prune under a rate limit slows down instead of failing', () => {
  it('40 endpoints at 20 requests/s with Retry-After: all deleted', async () => {
    seed(40)
    server.setRateLimit({ rate: 20, burst: 4 })
    const result = await run({ operation: 'prune', url: PATTERN })
    expect(result.errors).toEqual([])
    expect(result.code).toBe(0)
    expect(result.outputs.count).toBe('40')
    expect(server.webhooks.size).toBe(0)
    expect(server.throttles.length).toBeGreaterThan(0)
    expect(server.maxInFlight).toBeLessThanOrEqual(8)
  })

  it("the pause is shared: no request is sent during another one's Retry-After", async () => {
    seed(40)
    server.setRateLimit({ rate: 20, burst: 4 })
    // Retries enough that requests retrying each on its own would finish too: the order is what counts.
    const result = await run({ operation: 'prune', url: PATTERN, 'max-retries': '10' })
    expect(result.code).toBe(0)
    expect(server.webhooks.size).toBe(0)
    expect(server.throttles.length).toBeGreaterThan(0)
    expect(sentDuringPauses()).toEqual([])
  })

  it('without Retry-After on the 429s: all deleted', async () => {
    seed(40)
    server.setRateLimit({ rate: 20, burst: 4, retryAfter: false })
    const result = await run({ operation: 'prune', url: PATTERN })
    expect(result.errors).toEqual([])
    expect(result.code).toBe(0)
    expect(result.outputs.count).toBe('40')
    expect(server.webhooks.size).toBe(0)
    expect(server.throttles.length).toBeGreaterThan(0)
  })

  it('fails with a clear message when max-retries rounds in a row get no answer through', async () => {
    seed(5)
    server.inject({ method: 'DELETE', status: 429, headers: { 'Retry-After': '1' }, times: 1000 })
    const result = await run({ operation: 'prune', url: PATTERN, 'max-retries': '2' })
    expect(result.code).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(/^5 of 5 deletes failed: DELETE \/webhooks\/wh_\d failed: 429 Too Many Requests/)
    expect(result.errors[0]).toContain(
      '(gave up: throttled 3 times in a row with no request of this run answered; max-retries is 2)'
    )
    expect(server.webhooks.size).toBe(5)
    // Three rounds of at most two requests (one answer so far: two in flight), then one last try each.
    expect(server.requests.filter((request) => request.method === 'DELETE').length).toBeLessThanOrEqual(11)
  })

  it('a Retry-After above 60 s still fails that delete, and the others go ahead', async () => {
    seed(3)
    server.inject({ method: 'DELETE', path: '/webhooks/wh_1', status: 429, headers: { 'Retry-After': '120' } })
    const result = await run({ operation: 'prune', url: PATTERN })
    expect(result.code).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(
      /^1 of 3 deletes failed: DELETE \/webhooks\/wh_1 failed: 429 Too Many Requests: injected 429 \(request id req_\w+\); the API asked to retry after 120 s, longer than the 60 s this action waits$/
    )
    expect([...server.webhooks.keys()]).toEqual(['wh_1'])
  })

  it('a lone list answered 429 is tried once more, as before', async () => {
    server.inject({ method: 'GET', status: 429, headers: { 'Retry-After': '0' } })
    const result = await run({ operation: 'list' })
    expect(result.code).toBe(0)
    expect(server.requests.map((request) => request.method)).toEqual(['GET', 'GET'])
  })
})

describe('many failed deletes', () => {
  it('200 deletes answered 403: a short error with the count and 10 of them, and every one in the summary', async () => {
    seed(200)
    server.inject({ method: 'DELETE', status: 403, times: 200 })
    const result = await run({ operation: 'prune', url: PATTERN })
    expect(result.code).toBe(1)
    expect(result.errors).toHaveLength(1)
    const [error] = result.errors
    expect(error.length).toBeLessThan(2000)
    expect(error).toMatch(/^200 of 200 deletes failed: /)
    expect(error.match(/failed: 403 Forbidden/g)).toHaveLength(10)
    expect(error).toMatch(/; and 190 more: see the step summary$/)
    expect(result.summary).toContain('200 failed:')
    for (let i = 0; i < 200; i++) expect(result.summary).toContain(`<code>wh_${i}</code>`)
    expect(result.summary.match(/403 Forbidden: injected 403/g)).toHaveLength(200)
    expect(result.outputs.count).toBe('0')
  })

  it('keeps the summary under 1 MiB with a full table of deletes and 1,800 failures whose every character needs escaping', async () => {
    server.seed(widestWebhooks(2000))
    server.inject({ method: 'DELETE', status: 403, body: JSON.stringify({ error: WIDEST }), times: 1800 })
    const result = await run({ operation: 'prune', url: 'https://pr-*.preview.example.com/*' })
    expect(result.code).toBe(1)
    expect(result.outputs.count).toBe('200')
    expect(result.errors[0].length).toBeLessThan(2000)
    expect(Buffer.byteLength(result.summary)).toBeLessThan(1024 * 1024)
    expect(result.summary).toContain('… and 100 more, not shown here')
    const failures = result.summary.slice(result.summary.indexOf('<p>1800 failed:</p>'))
    expect(Buffer.byteLength(failures)).toBeGreaterThan(140_000)
    expect(result.summary).toMatch(/… and \d+ more, not shown here\.<\/p>\s*$/)
  })
})
