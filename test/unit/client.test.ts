// The API client on its own (sources, not the bundle) against the loopback server.
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { RevontClient } from '../../src/api/client.js'
import { retryPolicy } from '../../src/api/retry.js'
import { ApiError } from '../../src/errors.js'
import { writeSecretOutputs } from '../../src/results/outputs.js'
import { useRevontServer } from '../support/harness.js'

const server = useRevontServer()
let client: RevontClient

beforeAll(() => {
  // Retries without waiting between them: the waits are retry.test.ts's.
  const policy = { ...retryPolicy(2), sleep: () => Promise.resolve() }
  client = new RevontClient({ apiUrl: server.url, apiKey: server.apiKey, timeoutMs: 5000, maxRetries: 2 }, policy)
})

const url = 'https://pr-1.preview.example.com/hooks'

describe('RevontClient', () => {
  it('lists webhooks with their documented fields only, each of the right type', async () => {
    server.seed([{ id: 'wh_1', url, events: ['a', 1], secret: 'whsec_should_not_be_here', status: 7, extra: { deep: [1] } }])
    const webhooks = await client.listWebhooks()
    expect(webhooks).toEqual([{ id: 'wh_1', url, events: ['a'], description: '', created_at: expect.any(String) }])
  })

  it('creates a webhook, whose secret is masked as it is handed over, before it is written', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    try {
      const created = await client.createWebhook({ url, events: ['a'], description: 'd' })
      expect(created.secret).toBe(server.secrets.at(-1))
      expect(created.webhook).not.toHaveProperty('secret')
      expect(server.webhooks.has(created.webhook.id)).toBe(true)
      writeSecretOutputs(created.webhook, created.secret)
      const written = write.mock.calls.map(([chunk]) => String(chunk))
      expect(written.findIndex((chunk) => chunk.includes(created.secret))).toBe(
        written.indexOf(`::add-mask::${created.secret}\n`)
      )
    } finally {
      write.mockRestore()
    }
  })

  it('deletes, and tells a missing webhook from a deleted one', async () => {
    server.seed([{ id: 'wh_1', url, events: ['a'] }])
    expect(await client.deleteWebhook('wh_1')).toBe('deleted')
    expect(await client.deleteWebhook('wh_1')).toBe('missing')
  })

  it('turns a refusal into an ApiError naming the request, the status, the message and the request id', async () => {
    const error = await client
      .createWebhook({ url: 'http://plain.example.com', events: ['a'], description: '' })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).status).toBe(400)
    expect((error as Error).message).toMatch(
      /^POST \/webhooks failed: 400 Bad Request: url must be a valid https:\/\/ URL \(request id req_\w+\)$/
    )
  })

  it('retries a lost list and says how many attempts it made when it gives up', async () => {
    server.inject({ method: 'GET', status: 503, times: 3 })
    await expect(client.listWebhooks()).rejects.toThrow(/injected 503 \(request id req_\w+\) \(gave up after 3 attempts\)$/)
    server.inject({ method: 'GET', status: 503 })
    await expect(client.listWebhooks()).resolves.toEqual([])
  })
})
