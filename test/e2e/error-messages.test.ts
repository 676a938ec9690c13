// The step's error messages, through the bundled action: an API error names the request, the status,
// what the API said and its request id; a bad input is refused naming it, before any request.
import { describe, expect, it } from 'vitest'
import { runStep, useRevontServer } from '../support/harness.js'

const server = useRevontServer()

const endpoint = 'https://preview-7.example.com/hooks/revont'

describe('API errors', () => {
  it('name the request, the status, what the API said and its request id', async () => {
    server.inject({
      method: 'POST',
      status: 400,
      body: JSON.stringify({ error: { message: 'url is not reachable' } }),
      headers: { 'content-type': 'application/json', 'x-request-id': 'req_abc123' }
    })
    const result = await runStep({ operation: 'create', url: endpoint, events: 'call.ended', description: 'x' })
    expect(result.code).toBe(1)
    expect(result.commands.filter((command) => command.name === 'error').map((command) => command.data)).toEqual([
      'POST /webhooks failed: 400 Bad Request: url is not reachable (request id req_abc123)'
    ])
    expect(result.stdout + result.stderr).not.toMatch(/\bat .*\.js:\d+/)
  })

  it('say when the key was rejected', async () => {
    const result = await runStep({ 'api-key': 'wrong-key', operation: 'list' })
    expect(result.code).toBe(1)
    const [error] = result.commands.filter((command) => command.name === 'error')
    expect(error.data).toMatch(
      /^GET \/webhooks failed: 401 Unauthorized: invalid API key \(the API key was rejected: check api-key or REVONT_API_KEY\) \(request id req_\w+\)$/
    )
  })
})

describe('bad inputs', () => {
  const create = { operation: 'create', url: endpoint, events: 'call.ended' }
  it.each([
    [{ operation: 'purge' }, "Input 'operation' must be one of: list, create, delete, prune, plan, apply, auto (got 'purge')"],
    [{ ...create, url: '' }, "Input 'url' is required for create"],
    [{ ...create, url: 'http://preview.example.com/x' }, "Input 'url' must be a valid https:// URL"],
    [{ ...create, events: ' , ' }, "Input 'events' is required for create"],
    [{ operation: 'delete' }, "Input 'id' is required for delete"],
    [{ operation: 'delete', id: 'wh_1;rm' }, "Input 'id' may contain only A-Z a-z 0-9 _ -"],
    [{ operation: 'list', 'api-key': '' }, "Input 'api-key' is required"],
    [{ operation: 'list', 'api-url': 'http://api.revont.ai/v1' }, "Input 'api-url' must be an https:// URL"],
    [{ operation: 'list', 'timeout-seconds': 'soon' }, "Input 'timeout-seconds' must be a number from 1 to 600"],
    [{ operation: 'list', 'max-retries': '99' }, "Input 'max-retries' must be a whole number from 0 to 10"],
    [{ ...create, 'dry-run': 'maybe' }, "Input 'dry-run' must be true or false"]
  ])('%j fails with one error naming the input and sends no request', async (inputs, message) => {
    const result = await runStep(inputs)
    expect(result.code).toBe(1)
    const errors = result.commands.filter((command) => command.name === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0].data).toContain(message)
    expect(server.requests).toEqual([])
    expect(result.stderr).toBe('')
    expect(result.stdout).not.toMatch(/\bat .*:\d+:\d+/)
  })
})
