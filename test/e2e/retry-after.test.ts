// Retry-After through the bundled action: in seconds or as an HTTP date, honoured up to 60 s, refused
// beyond. The action's waits run on the fast clock (test/support/fast-clock.mjs), so a 40 s Retry-After
// takes 40 s of the action's time and a fiftieth of it in real time.
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createInputs, FAULT_STEPS, seedBoth, URL_A, webhooksWith } from '../support/fixtures.js'
import { annotations, runStep, sent, useRevontServer } from '../support/harness.js'

const API_KEY = `rk_test_${randomBytes(16).toString('hex')}`
/** How much faster than real time the action's clock runs, unless a test says otherwise. */
const SPEED = 100
const server = useRevontServer({ apiKey: API_KEY }, { ...FAULT_STEPS, clock: SPEED })

/** When request `index` reached the server (Date.now()). */
const arrivedAt = (index: number) => server.requests[index].arrivedAt

describe('Retry-After', () => {
  // 40 s on a clock 50 times as fast is 800 ms, far from the first retry's backoff there (10-20 ms).
  const speed = 50

  it('429 with Retry-After in seconds: waits that long (on the fast clock) before the one retry', async () => {
    server.inject({ method: 'GET', path: '/webhooks', status: 429, headers: { 'Retry-After': '40' } })
    const result = await runStep({ operation: 'list' }, { clock: speed })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks', 'GET /webhooks'])
    const gap = arrivedAt(1) - arrivedAt(0)
    expect(gap).toBeGreaterThanOrEqual(40_000 / speed - 10)
    expect(gap).toBeLessThan(40_000 / speed + 5000)
  })

  it('429 with Retry-After as an HTTP date: waits until then (on the fast clock)', async () => {
    const date = new Date(Date.now() + 40_000).toUTCString()
    server.inject({ method: 'DELETE', path: '/webhooks/wh_before_other', status: 429, headers: { 'Retry-After': date } })
    seedBoth(server)
    const result = await runStep({ operation: 'delete', id: 'wh_before_other' }, { clock: speed })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['DELETE /webhooks/wh_before_other', 'DELETE /webhooks/wh_before_other'])
    expect([...server.webhooks.keys()]).toEqual(['wh_before_same_url'])
    const expected = (Date.parse(date) - arrivedAt(0)) / speed
    const gap = arrivedAt(1) - arrivedAt(0)
    expect(gap).toBeGreaterThanOrEqual(expected - 30)
    expect(gap).toBeLessThan(expected + 5000)
  })

  it.each(['1.5', '-1'])(
    'an unreadable Retry-After (%s) falls back to the backoff, not to no wait at all',
    async (retryAfter) => {
      // The first retry's backoff is 0.5-1 s, on a clock 5 times as fast: 100-200 ms.
      server.inject({ method: 'GET', path: '/webhooks', status: 503, headers: { 'Retry-After': retryAfter } })
      const result = await runStep({ operation: 'list' }, { clock: 5 })
      expect(result.code).toBe(0)
      expect(sent()).toEqual(['GET /webhooks', 'GET /webhooks'])
      expect(arrivedAt(1) - arrivedAt(0)).toBeGreaterThanOrEqual(95)
    }
  )

  it.each([
    ['0', () => '0'],
    ["a date already past (the runner's clock ahead of the API's)", () => new Date(Date.now() - 60_000).toUTCString()]
  ])('a Retry-After that asks for no wait, %s, still waits the backoff', async (_, retryAfter) => {
    // The first retry's backoff is 0.5-1 s, on a clock 5 times as fast: 100-200 ms.
    server.inject({ method: 'GET', path: '/webhooks', status: 503, headers: { 'Retry-After': retryAfter() } })
    const result = await runStep({ operation: 'list' }, { clock: 5 })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks', 'GET /webhooks'])
    expect(arrivedAt(1) - arrivedAt(0)).toBeGreaterThanOrEqual(95)
  })

  it('a Retry-After of 60 s is still honoured', async () => {
    server.inject({ method: 'GET', path: '/webhooks', status: 503, headers: { 'Retry-After': '60' } })
    const result = await runStep({ operation: 'list' })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks', 'GET /webhooks'])
    expect(arrivedAt(1) - arrivedAt(0)).toBeGreaterThanOrEqual(60_000 / SPEED - 10)
  })

  it.each([
    ['in seconds', () => '120'],
    ['as an HTTP date', () => new Date(Date.now() + 121_000).toUTCString()]
  ])('a Retry-After of 120 s %s fails with a clear message and no further attempt', async (_, retryAfter) => {
    server.inject({ method: 'GET', path: '/webhooks', status: 429, headers: { 'Retry-After': retryAfter() } })
    const result = await runStep({ operation: 'list' })
    expect(result.code).toBe(1)
    expect(sent()).toEqual(['GET /webhooks'])
    expect(annotations(result, 'error')).toHaveLength(1)
    expect(annotations(result, 'error')[0]).toMatch(
      /^GET \/webhooks failed: 429 Too Many Requests: injected 429 \(request id req_\w+\); the API asked to retry after 12\d s, longer than the 60 s this action waits$/
    )
  })

  it('a create answered 429 is tried again without a duplicate', async () => {
    seedBoth(server)
    server.inject({ method: 'POST', path: '/webhooks', status: 429, headers: { 'Retry-After': '1' } })
    const result = await runStep(createInputs())
    expect(result.code).toBe(0)
    // A 429 says the API did not handle the POST: no orphan search before trying again.
    expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks', 'POST /webhooks'])
    expect(
      webhooksWith(server, URL_A)
        .map((webhook) => webhook.id)
        .sort()
    ).toEqual(['wh_before_same_url', result.outputs.id].sort())
    expect(result.outputs.secret).toBe(server.secrets.at(-1))
  })

  it('waits in real time whatever the environment says: REVONT_ACTION_WAIT_SCALE is not read', async () => {
    server.inject({ method: 'GET', path: '/webhooks', status: 503, headers: { 'Retry-After': '1' } })
    const result = await runStep({ operation: 'list' }, { clock: undefined, env: { REVONT_ACTION_WAIT_SCALE: '0' } })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks', 'GET /webhooks'])
    expect(arrivedAt(1) - arrivedAt(0)).toBeGreaterThanOrEqual(990)
  })
})
