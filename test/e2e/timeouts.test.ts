// timeout-seconds through the bundled action: it bounds each attempt as a whole, the answer's body
// included, whatever the server does. The deadline is real time (the fast clock leaves it alone: see
// test/support/fast-clock.mjs); the bounds on a run's length are loose on purpose (shared, noisy
// machines): they tell a deadline that works from a step that hangs.
import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { FAULT_STEPS, seedBoth } from '../support/fixtures.js'
import { annotations, runStep, sent, useRevontServer } from '../support/harness.js'

const API_KEY = `rk_test_${randomBytes(16).toString('hex')}`
const server = useRevontServer({ apiKey: API_KEY }, FAULT_STEPS)

async function listen(target: Server): Promise<string> {
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(target.address() as AddressInfo).port}`
}

describe('timeout-seconds bounds each attempt as a whole', () => {
  it.each([
    ['a server that never answers', { hang: true }],
    ['a body that stalls after its headers', { stallBody: true }]
  ])('%s: the attempt times out, the retry succeeds', async (_, fault) => {
    seedBoth(server)
    server.inject({ method: 'GET', path: '/webhooks', ...fault })
    const started = Date.now()
    const result = await runStep({ operation: 'list', 'timeout-seconds': '1' })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks', 'GET /webhooks'])
    expect(result.outputs.count).toBe('2')
    expect(server.requests[1].arrivedAt - server.requests[0].arrivedAt).toBeGreaterThanOrEqual(990)
    expect(Date.now() - started).toBeLessThan(15_000)
  })

  it.each([
    ['a server that never answers', { hang: true }],
    ['a body that stalls after its headers', { stallBody: true }]
  ])('%s, every time: fails after the retries, saying why', async (_, fault) => {
    server.inject({ method: 'GET', path: '/webhooks', ...fault, times: 2 })
    const started = Date.now()
    const result = await runStep({ operation: 'list', 'timeout-seconds': '1', 'max-retries': '1' })
    expect(result.code).toBe(1)
    expect(sent()).toEqual(['GET /webhooks', 'GET /webhooks'])
    expect(annotations(result, 'error')).toEqual([
      'GET /webhooks failed: no complete answer from 127.0.0.1 within 1 s (timeout-seconds) (gave up after 2 attempts)'
    ])
    expect(Date.now() - started).toBeLessThan(15_000)
  })

  it('a body that trickles a byte at a time never completes: the deadline covers the whole body', async () => {
    const trickle = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      const timer = setInterval(() => res.write(' '), 50)
      res.on('close', () => clearInterval(timer))
    })
    const base = await listen(trickle)
    try {
      const started = Date.now()
      const result = await runStep({ operation: 'list', 'timeout-seconds': '1', 'max-retries': '0', 'api-url': `${base}/v1` })
      expect(result.code).toBe(1)
      expect(annotations(result, 'error')).toEqual([
        'GET /webhooks failed: no complete answer from 127.0.0.1 within 1 s (timeout-seconds)'
      ])
      expect(Date.now() - started).toBeLessThan(15_000)
    } finally {
      trickle.closeAllConnections()
      await new Promise((resolve) => trickle.close(resolve))
    }
  })
})
