// Which failures the bundled action retries and which it takes as final, against the loopback server:
// transient statuses, answers that are not JSON, redirects (never followed), refusals. The action's
// waits run on the fast clock (test/support/fast-clock.mjs): the retries take milliseconds.
import { randomBytes } from 'node:crypto'
import { createServer, STATUS_CODES, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createInputs, FAULT_STEPS, seedBoth } from '../support/fixtures.js'
import { annotations, runStep, sent, useRevontServer } from '../support/harness.js'

const API_KEY = `rk_test_${randomBytes(16).toString('hex')}`
const server = useRevontServer({ apiKey: API_KEY }, FAULT_STEPS)

/** A second loopback host that a redirect points at; it records whatever reaches it. */
const elsewhere = {
  url: '',
  requests: [] as Array<{ method: string; url: string; headers: IncomingHttpHeaders }>,
  server: createServer((req, res) => {
    elsewhere.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers })
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{"data":[]}')
  })
}

beforeAll(async () => {
  await new Promise<void>((resolve) => elsewhere.server.listen(0, '127.0.0.1', resolve))
  elsewhere.url = `http://127.0.0.1:${(elsewhere.server.address() as AddressInfo).port}`
})
afterAll(async () => {
  elsewhere.server.closeAllConnections()
  await new Promise((resolve) => elsewhere.server.close(resolve))
})
beforeEach(() => {
  elsewhere.requests.length = 0
})

describe('transient failures are retried', () => {
  it.each([408, 429, 500, 502, 503, 504])('GET answered %i once, then the list', async (status) => {
    seedBoth(server)
    server.inject({ method: 'GET', path: '/webhooks', status })
    const result = await runStep({ operation: 'list' })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks', 'GET /webhooks'])
    expect(result.outputs.count).toBe('2')
    expect(server.webhooks.size).toBe(2)
  })

  it.each([500, 503])('DELETE answered %i once (nothing deleted), then deleted', async (status) => {
    seedBoth(server)
    server.inject({ method: 'DELETE', path: '/webhooks/wh_before_same_url', status })
    const result = await runStep({ operation: 'delete', id: 'wh_before_same_url', 'if-missing': 'fail' })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['DELETE /webhooks/wh_before_same_url', 'DELETE /webhooks/wh_before_same_url'])
    expect(result.outputs).toMatchObject({ id: 'wh_before_same_url', count: '1', 'deleted-ids': '["wh_before_same_url"]' })
    expect([...server.webhooks.keys()]).toEqual(['wh_before_other'])
  })

  it('gives up after max-retries, naming the request, the status and the attempts', async () => {
    server.inject({ method: 'GET', path: '/webhooks', status: 503, times: 10 })
    const result = await runStep({ operation: 'list', 'max-retries': '2' })
    expect(result.code).toBe(1)
    expect(sent()).toEqual(['GET /webhooks', 'GET /webhooks', 'GET /webhooks'])
    expect(annotations(result, 'error')).toHaveLength(1)
    expect(annotations(result, 'error')[0]).toMatch(
      /^GET \/webhooks failed: 503 Service Unavailable: injected 503 \(request id req_\w+\) \(gave up after 3 attempts\)$/
    )
  })

  it('max-retries 0 turns retries off', async () => {
    server.inject({ method: 'GET', path: '/webhooks', status: 500 })
    const result = await runStep({ operation: 'list', 'max-retries': '0' })
    expect(result.code).toBe(1)
    expect(sent()).toEqual(['GET /webhooks'])
    expect(annotations(result, 'error')[0]).toMatch(/^GET \/webhooks failed: 500 Internal Server Error: injected 500/)
  })
})

describe('answers that are final are never retried', () => {
  it.each([400, 401, 403, 404, 422])('GET answered %i: exactly one attempt', async (status) => {
    server.inject({ method: 'GET', path: '/webhooks', status, times: 5 })
    const result = await runStep({ operation: 'list' })
    expect(result.code).toBe(1)
    expect(sent()).toEqual(['GET /webhooks'])
    expect(annotations(result, 'error')).toHaveLength(1)
    expect(annotations(result, 'error')[0]).toMatch(
      new RegExp(`^GET /webhooks failed: ${status} ${STATUS_CODES[status]}: injected ${status}`)
    )
    expect(annotations(result, 'error')[0]).not.toContain('gave up')
    if (status === 401) expect(annotations(result, 'error')[0]).toContain('the API key was rejected')
    else expect(annotations(result, 'error')[0]).not.toContain('API key')
  })

  it.each([400, 401, 403, 422])('POST answered %i: exactly one POST, nothing created, nothing deleted', async (status) => {
    seedBoth(server)
    server.inject({ method: 'POST', path: '/webhooks', status, times: 5 })
    const result = await runStep(createInputs({ 'if-exists': 'replace' }))
    expect(result.code).toBe(1)
    expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks'])
    expect(annotations(result, 'error')[0]).toMatch(
      new RegExp(`^POST /webhooks failed: ${status} ${STATUS_CODES[status]}: injected ${status}`)
    )
    expect([...server.webhooks.keys()].sort()).toEqual(['wh_before_other', 'wh_before_same_url'])
  })

  it.each([400, 401, 403, 422])('DELETE answered %i: exactly one attempt, the webhook stays', async (status) => {
    seedBoth(server)
    server.inject({ method: 'DELETE', status, times: 5 })
    const result = await runStep({ operation: 'delete', id: 'wh_before_other' })
    expect(result.code).toBe(1)
    expect(sent()).toEqual(['DELETE /webhooks/wh_before_other'])
    expect(result.outputs.count).toBe('0')
    expect(server.webhooks.size).toBe(2)
  })

  it.each([501, 507])('POST answered %i after the server committed: not retried, the orphan removed', async (status) => {
    seedBoth(server)
    server.inject({ method: 'POST', path: '/webhooks', statusAfter: status })
    const result = await runStep(createInputs())
    expect(result.code).toBe(1)
    expect(sent().slice(0, 3)).toEqual(['GET /webhooks', 'POST /webhooks', 'GET /webhooks'])
    expect(sent().filter((request) => request === 'POST /webhooks')).toHaveLength(1)
    expect(annotations(result, 'error')[0]).toMatch(new RegExp(`^POST /webhooks failed: ${status} `))
    expect([...server.webhooks.keys()].sort()).toEqual(['wh_before_other', 'wh_before_same_url'])
  })

  it('DELETE answered 404 at once: missing, not deleted', async () => {
    seedBoth(server)
    const result = await runStep({ operation: 'delete', id: 'wh_missing' })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['DELETE /webhooks/wh_missing'])
    expect(annotations(result, 'warning')).toEqual(['No webhook has id wh_missing: nothing to delete'])
    expect(result.outputs.count).toBe('0')
    expect(server.webhooks.size).toBe(2)
  })

  it('a wrong API key: one attempt, the message says the key was rejected', async () => {
    const wrongKey = `rk_wrong_${randomBytes(12).toString('hex')}`
    const result = await runStep({ operation: 'list', 'api-key': wrongKey })
    expect(result.code).toBe(1)
    expect(sent()).toEqual(['GET /webhooks'])
    expect(annotations(result, 'error')).toHaveLength(1)
    expect(annotations(result, 'error')[0]).toMatch(
      /^GET \/webhooks failed: 401 Unauthorized: invalid API key \(the API key was rejected: check api-key or REVONT_API_KEY\) \(request id req_\w+\)$/
    )
    expect(result.commands.filter((command) => command.name === 'add-mask').map((command) => command.data)).toContain(wrongKey)
  })
})

describe('answers that are not JSON', () => {
  const html =
    '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>'

  it('a list whose body is malformed JSON is retried', async () => {
    seedBoth(server)
    server.inject({ method: 'GET', path: '/webhooks', malformed: true })
    const result = await runStep({ operation: 'list' })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks', 'GET /webhooks'])
    expect(result.outputs.count).toBe('2')
  })

  it('malformed JSON every time: summarised by its status, the body not dumped', async () => {
    server.inject({ method: 'GET', path: '/webhooks', malformed: true, times: 2 })
    const result = await runStep({ operation: 'list', 'max-retries': '1' })
    expect(result.code).toBe(1)
    expect(annotations(result, 'error')).toEqual([
      'GET /webhooks failed: 200 OK with a body that is not JSON (gave up after 2 attempts)'
    ])
    expect(result.stdout).not.toContain('"wh_')
  })

  it('an HTML 502 page once, then the list', async () => {
    server.inject({ method: 'GET', path: '/webhooks', status: 502, headers: { 'content-type': 'text/html' }, body: html })
    const result = await runStep({ operation: 'list' })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks', 'GET /webhooks'])
  })

  it('an HTML 502 page every time: the message gives the status, not the HTML', async () => {
    server.inject({
      method: 'GET',
      path: '/webhooks',
      status: 502,
      headers: { 'content-type': 'text/html', 'x-upstream-secret': 'header-must-not-show' },
      body: html,
      times: 3
    })
    const result = await runStep({ operation: 'list', 'max-retries': '2' })
    expect(result.code).toBe(1)
    expect(sent()).toHaveLength(3)
    expect(annotations(result, 'error')).toEqual([
      'GET /webhooks failed: 502 Bad Gateway (the body was not JSON) (gave up after 3 attempts)'
    ])
    for (const text of [result.stdout, result.summary]) {
      expect(text).not.toMatch(/<html|<h1|nginx|header-must-not-show/i)
    }
  })
})

describe('redirects are not followed', () => {
  it.each<[string, 'GET' | 'POST' | 'DELETE', number, Record<string, string>, string[]]>([
    ['list', 'GET', 302, { operation: 'list' }, ['GET /webhooks']],
    ['create', 'POST', 307, createInputs(), ['GET /webhooks', 'POST /webhooks']],
    ['delete', 'DELETE', 301, { operation: 'delete', id: 'wh_before_other' }, ['DELETE /webhooks/wh_before_other']]
  ])(
    '%s answered %s %i to another host: fails, and the other host receives nothing',
    async (_, method, status, inputs, expected) => {
      seedBoth(server)
      server.inject({ method, status, headers: { Location: `${elsewhere.url}/v1/webhooks` } })
      const result = await runStep(inputs)
      expect(result.code).toBe(1)
      expect(sent()).toEqual(expected)
      expect(elsewhere.requests).toEqual([])
      expect(elsewhere.requests.some((request) => request.headers.authorization)).toBe(false)
      expect(annotations(result, 'error')).toHaveLength(1)
      expect(annotations(result, 'error')[0]).toContain(`failed: ${status} ${STATUS_CODES[status]}`)
      expect(annotations(result, 'error')[0]).toContain('redirects are not followed')
      expect(annotations(result, 'error')[0]).not.toContain(elsewhere.url)
      expect([...server.webhooks.keys()].sort()).toEqual(['wh_before_other', 'wh_before_same_url'])
    }
  )
})
