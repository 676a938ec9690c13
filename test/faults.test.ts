// Fault injection through the bundled action (dist/index.js) against the loopback Revont server:
// retries, Retry-After, lost answers, timeouts, bodies that are not JSON, redirects, answers that are
// final, hostile text from the API, and a leak scan of every run. Behaviours 7-10 of the contract.
// Retry waits are scaled by REVONT_ACTION_WAIT_SCALE so the whole file takes seconds. Time bounds here are
// loose on purpose (shared, noisy machines): they tell a deadline that works from a step that hangs.
import { randomBytes } from 'node:crypto'
import { createServer, STATUS_CODES, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { mask } from '../src/text/secrets.js'
import { parseCommands, runAction } from './runner/run-action.mjs'
import { startRevontServer } from './server/revont-server.mjs'

type RevontServer = Awaited<ReturnType<typeof startRevontServer>>
type Result = Awaited<ReturnType<typeof runAction>>
type Fault = Parameters<RevontServer['inject']>[0]

const API_KEY = `rk_test_${randomBytes(16).toString('hex')}`
const WAIT_SCALE = 0.01
const URL_A = 'https://preview-7.example.com/hooks/revont'
const URL_OTHER = 'https://hooks.example.com/revont'

let server: RevontServer
/** When each request reached the server (Date.now()), index for index with server.requests. */
const arrivals: number[] = []
/** A second loopback host that a redirect points at; it records whatever reaches it. */
let elsewhere: { server: Server; url: string; requests: Array<{ method: string; url: string; headers: IncomingHttpHeaders }> }

interface RecordedRun {
  name: string
  result: Result
  keys: string[]
}
/** Every end-to-end run in this file, scanned for leaks as it ends and once more at the end. */
const runs: RecordedRun[] = []
/** Secrets the tests made the "API" hand out through an injected answer, beside server.secrets. */
const injectedSecrets: string[] = []

beforeAll(async () => {
  server = await startRevontServer({ apiKey: API_KEY })
  const push = server.requests.push.bind(server.requests)
  server.requests.push = (...items: RevontServer['requests']) => {
    arrivals.push(...items.map(() => Date.now()))
    return push(...items)
  }
  const requests: typeof elsewhere.requests = []
  const other = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers })
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{"data":[]}')
  })
  elsewhere = { server: other, url: await listen(other), requests }
})

afterAll(async () => {
  await server.close()
  elsewhere.server.closeAllConnections()
  await new Promise((resolve) => elsewhere.server.close(resolve))
})

beforeEach(() => {
  server.reset()
  arrivals.length = 0
  elsewhere.requests.length = 0
})

async function listen(target: Server): Promise<string> {
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(target.address() as AddressInfo).port}`
}

interface RunOptions {
  env?: Record<string, string>
  apiKey?: string
  apiUrl?: string
}

/** Runs the bundled action against the loopback server and checks the run leaked nothing. */
async function run(inputs: Record<string, string>, options: RunOptions = {}) {
  const apiKey = options.apiKey ?? API_KEY
  const started = Date.now()
  const result = await runAction({
    inputs: { 'api-url': options.apiUrl ?? server.url, 'api-key': apiKey, 'timeout-seconds': '5', ...inputs },
    env: { REVONT_ACTION_WAIT_SCALE: String(WAIT_SCALE), ...options.env },
    timeoutMs: 20_000
  })
  const elapsed = Date.now() - started
  const recorded = { name: expect.getState().currentTestName ?? '?', result, keys: [API_KEY, apiKey] }
  runs.push(recorded)
  expect(leaks(recorded)).toEqual([])
  expect(result.stderr).toBe('')
  return { ...result, elapsed, errors: annotations(result, 'error'), warnings: annotations(result, 'warning') }
}

function annotations(result: Result, name: string): string[] {
  return result.commands.filter((command) => command.name === name).map((command) => command.data)
}

/** Method and path of each request the server received, without the /v1 base. */
function sent(): string[] {
  return server.requests.map((request) => `${request.method} ${request.path.replace(/^\/v1/, '')}`)
}

function webhooksWith(url: string) {
  return [...server.webhooks.values()].filter((webhook) => webhook.url === url)
}

/** One webhook with URL_A and one with another URL, both there before the step. */
function seedBoth() {
  return server.seed([
    { id: 'wh_before_same_url', url: URL_A, events: ['call.ended'] },
    { id: 'wh_before_other', url: URL_OTHER, events: ['call.ended'] }
  ])
}

function createInputs(extra: Record<string, string> = {}) {
  return { operation: 'create', url: URL_A, events: 'call.ended', description: 'fault test', ...extra }
}

// ---------------------------------------------------------------------------------------------------
// Leak scan

/** The runner reads a line up to \n, \r or \r\n. */
const LINE_BREAK = /\r\n|\r|\n/

function isMaskLine(line: string): boolean {
  return line.trimStart().startsWith('::add-mask::')
}

/** What must never be shown: the keys, every secret issued, and each line of a secret with several. */
function sensitiveValues(keys: string[]): string[] {
  const whole: string[] = [...keys, ...server.secrets, ...injectedSecrets]
  const lines = whole.flatMap((value) =>
    value
      .split(LINE_BREAK)
      .map((line) => line.trim())
      .filter((line) => line.length >= 8)
  )
  return [...new Set([...whole, ...lines])]
}

/** Every place a key or secret shows outside the add-mask command that hides it. */
function leaks({ name, result, keys }: RecordedRun): string[] {
  const found: string[] = []
  const values = sensitiveValues(keys)
  const stdoutLines = result.stdout.split(LINE_BREAK)
  // The secret output is where the secret belongs; every other output is shown in logs and UIs.
  const outputs = Object.entries(result.outputs).filter(([output]) => output !== 'secret')
  const shown: Record<string, string> = {
    stdout: stdoutLines.filter((line) => !isMaskLine(line)).join('\n'),
    stderr: result.stderr,
    summary: result.summary,
    ...Object.fromEntries(outputs.map(([output, value]) => [`output ${output}`, value]))
  }
  for (const [where, text] of Object.entries(shown)) {
    for (const value of values) if (text.includes(value)) found.push(`${name}: ${where} shows ${value}`)
  }
  // A value the log holds at all is first seen in its own add-mask line: masked before anything else.
  for (const value of [...keys, ...server.secrets, ...injectedSecrets]) {
    const first = stdoutLines.findIndex((line) => line.includes(value) || line.includes(escapeData(value)))
    if (first < 0) continue
    const own = parseCommands(stdoutLines[first])[0]
    if (own?.name !== 'add-mask' || own.data !== value) found.push(`${name}: ${value} is shown before its add-mask line`)
  }
  return found
}

function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

// ---------------------------------------------------------------------------------------------------

describe('transient failures are retried', () => {
  it.each([408, 429, 500, 502, 503, 504])('GET answered %i once, then the list', async (status) => {
    seedBoth()
    server.inject({ method: 'GET', path: '/webhooks', status })
    const result = await run({ operation: 'list' })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks', 'GET /webhooks'])
    expect(result.outputs.count).toBe('2')
    expect(server.webhooks.size).toBe(2)
  })

  it.each([500, 503])('DELETE answered %i once (nothing deleted), then deleted', async (status) => {
    seedBoth()
    server.inject({ method: 'DELETE', path: '/webhooks/wh_before_same_url', status })
    const result = await run({ operation: 'delete', id: 'wh_before_same_url', 'if-missing': 'fail' })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['DELETE /webhooks/wh_before_same_url', 'DELETE /webhooks/wh_before_same_url'])
    expect(result.outputs).toMatchObject({ id: 'wh_before_same_url', count: '1', 'deleted-ids': '["wh_before_same_url"]' })
    expect([...server.webhooks.keys()]).toEqual(['wh_before_other'])
  })

  it('gives up after max-retries, naming the request, the status and the attempts', async () => {
    server.inject({ method: 'GET', path: '/webhooks', status: 503, times: 10 })
    const result = await run({ operation: 'list', 'max-retries': '2' })
    expect(result.code).toBe(1)
    expect(sent()).toEqual(['GET /webhooks', 'GET /webhooks', 'GET /webhooks'])
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(
      /^GET \/webhooks failed: 503 Service Unavailable: injected 503 \(request id req_\w+\) \(gave up after 3 attempts\)$/
    )
  })

  it('max-retries 0 turns retries off', async () => {
    server.inject({ method: 'GET', path: '/webhooks', status: 500 })
    const result = await run({ operation: 'list', 'max-retries': '0' })
    expect(result.code).toBe(1)
    expect(sent()).toEqual(['GET /webhooks'])
    expect(result.errors[0]).toMatch(/^GET \/webhooks failed: 500 Internal Server Error: injected 500/)
  })
})

describe('Retry-After', () => {
  // 40 s scaled by 0.02 is 800 ms, far from the scaled backoff of the first retry (10-20 ms).
  const scale = 0.02
  const env = { REVONT_ACTION_WAIT_SCALE: String(scale) }

  it('429 with Retry-After in seconds: waits that long (scaled) before the one retry', async () => {
    server.inject({ method: 'GET', path: '/webhooks', status: 429, headers: { 'Retry-After': '40' } })
    const result = await run({ operation: 'list' }, { env })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks', 'GET /webhooks'])
    const gap = arrivals[1] - arrivals[0]
    expect(gap).toBeGreaterThanOrEqual(40_000 * scale - 10)
    expect(gap).toBeLessThan(40_000 * scale + 5000)
  })

  it('429 with Retry-After as an HTTP date: waits until then (scaled)', async () => {
    const date = new Date(Date.now() + 40_000).toUTCString()
    server.inject({ method: 'DELETE', path: '/webhooks/wh_before_other', status: 429, headers: { 'Retry-After': date } })
    seedBoth()
    const result = await run({ operation: 'delete', id: 'wh_before_other' }, { env })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['DELETE /webhooks/wh_before_other', 'DELETE /webhooks/wh_before_other'])
    expect([...server.webhooks.keys()]).toEqual(['wh_before_same_url'])
    const expected = (Date.parse(date) - arrivals[0]) * scale
    const gap = arrivals[1] - arrivals[0]
    expect(gap).toBeGreaterThanOrEqual(expected - 30)
    expect(gap).toBeLessThan(expected + 5000)
  })

  it.each(['1.5', '-1'])(
    'an unreadable Retry-After (%s) falls back to the backoff, not to no wait at all',
    async (retryAfter) => {
      // The first retry's backoff is 0.5-1 s, scaled by 0.2: 100-200 ms.
      server.inject({ method: 'GET', path: '/webhooks', status: 503, headers: { 'Retry-After': retryAfter } })
      const result = await run({ operation: 'list' }, { env: { REVONT_ACTION_WAIT_SCALE: '0.2' } })
      expect(result.code).toBe(0)
      expect(sent()).toEqual(['GET /webhooks', 'GET /webhooks'])
      expect(arrivals[1] - arrivals[0]).toBeGreaterThanOrEqual(95)
    }
  )

  it.each([
    ['0', () => '0'],
    ["a date already past (the runner's clock ahead of the API's)", () => new Date(Date.now() - 60_000).toUTCString()]
  ])('a Retry-After that asks for no wait, %s, still waits the backoff', async (_, retryAfter) => {
    server.inject({ method: 'GET', path: '/webhooks', status: 503, headers: { 'Retry-After': retryAfter() } })
    const result = await run({ operation: 'list' }, { env: { REVONT_ACTION_WAIT_SCALE: '0.2' } })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks', 'GET /webhooks'])
    expect(arrivals[1] - arrivals[0]).toBeGreaterThanOrEqual(95)
  })

  it('a Retry-After of 60 s is still honoured', async () => {
    server.inject({ method: 'GET', path: '/webhooks', status: 503, headers: { 'Retry-After': '60' } })
    const result = await run({ operation: 'list' })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks', 'GET /webhooks'])
    expect(arrivals[1] - arrivals[0]).toBeGreaterThanOrEqual(60_000 * WAIT_SCALE - 10)
  })

  it.each([
    ['in seconds', () => '120'],
    ['as an HTTP date', () => new Date(Date.now() + 121_000).toUTCString()]
  ])('a Retry-After of 120 s %s fails with a clear message and no further attempt', async (_, retryAfter) => {
    server.inject({ method: 'GET', path: '/webhooks', status: 429, headers: { 'Retry-After': retryAfter() } })
    const result = await run({ operation: 'list' })
    expect(result.code).toBe(1)
    expect(sent()).toEqual(['GET /webhooks'])
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(
      /^GET \/webhooks failed: 429 Too Many Requests: injected 429 \(request id req_\w+\); the API asked to retry after 12\d s, longer than the 60 s this action waits$/
    )
  })

  it('a create answered 429 is tried again without a duplicate', async () => {
    seedBoth()
    server.inject({ method: 'POST', path: '/webhooks', status: 429, headers: { 'Retry-After': '1' } })
    const result = await run(createInputs())
    expect(result.code).toBe(0)
    // A 429 says the API did not handle the POST: no orphan search before trying again.
    expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks', 'POST /webhooks'])
    expect(
      webhooksWith(URL_A)
        .map((webhook) => webhook.id)
        .sort()
    ).toEqual(['wh_before_same_url', result.outputs.id].sort())
    expect(result.outputs.secret).toBe(server.secrets.at(-1))
  })
})

describe('a POST whose answer was lost is never blindly repeated', () => {
  const cases: Array<[string, Fault, { committed: boolean; timeout?: string }]> = [
    ['reset before the server committed', { reset: 'before' }, { committed: false }],
    ['reset after the server committed', { reset: 'after' }, { committed: true }],
    ['a 502 after the server committed', { statusAfter: 502 }, { committed: true }],
    ['a 201 whose body is not JSON', { malformed: true }, { committed: true }],
    ['a 201 whose body stalls after its headers', { stallBody: true }, { committed: true, timeout: '1' }],
    ['no answer at all', { hang: true }, { committed: false, timeout: '1' }]
  ]

  it.each(cases)('%s: lists, removes the orphan, then creates exactly one', async (_, fault, { committed, timeout }) => {
    seedBoth()
    const secretsBefore = server.secrets.length
    server.inject({ method: 'POST', path: '/webhooks', ...fault })
    const result = await run(createInputs(timeout ? { 'timeout-seconds': timeout } : {}))
    expect(result.code).toBe(0)

    const deletes = sent().filter((request) => request.startsWith('DELETE'))
    if (committed) {
      expect(deletes).toHaveLength(1)
      expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks', 'GET /webhooks', deletes[0], 'POST /webhooks'])
      const orphan = deletes[0].replace('DELETE /webhooks/', '')
      expect(orphan).not.toBe(result.outputs.id)
      expect(server.webhooks.has(orphan)).toBe(false)
      expect(result.warnings.some((warning) => warning.includes(orphan) && warning.includes('never seen'))).toBe(true)
      expect(server.secrets.length - secretsBefore).toBe(2)
    } else {
      expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks', 'GET /webhooks', 'POST /webhooks'])
      expect(server.secrets.length - secretsBefore).toBe(1)
    }
    // The webhooks from before are untouched; exactly one new one, the one the outputs name.
    expect(
      webhooksWith(URL_A)
        .map((webhook) => webhook.id)
        .sort()
    ).toEqual(['wh_before_same_url', result.outputs.id].sort())
    expect(server.webhooks.has('wh_before_other')).toBe(true)
    expect(server.webhooks.size).toBe(3)
    expect(result.outputs).toMatchObject({ created: 'true', secret: server.secrets.at(-1) })
    expect(JSON.parse(result.outputs.webhook)).toMatchObject({ id: result.outputs.id, url: URL_A })
  })

  it.each(['0', '1'])(
    'max-retries %s, a 504 answered before the server made the webhook: the clean-up waits for it, no orphan remains',
    async (maxRetries) => {
      seedBoth()
      // Real waits here: the first backoff (0.5-1 s) is what gives the server's late change time to land.
      server.inject({ method: 'POST', path: '/webhooks', commitAfterMs: 300, times: 2 })
      const result = await run(createInputs({ 'max-retries': maxRetries }), { env: { REVONT_ACTION_WAIT_SCALE: '1' } })
      expect(result.code).toBe(1)
      expect(result.errors[0]).toMatch(/^POST \/webhooks failed: 504 Gateway Timeout/)
      expect([...server.webhooks.keys()].sort()).toEqual(['wh_before_other', 'wh_before_same_url'])
      expect(sent().filter((request) => request.startsWith('DELETE'))).toHaveLength(Number(maxRetries) + 1)
    }
  )

  it('loses two answers in a row: cleans up after each, one webhook remains', async () => {
    const secretsBefore = server.secrets.length
    server.inject({ method: 'POST', path: '/webhooks', reset: 'after', times: 2 })
    const result = await run(createInputs())
    expect(result.code).toBe(0)
    const requests = sent()
    expect(requests.map((request) => request.replace(/\/wh_\w+$/, '/{id}'))).toEqual([
      'GET /webhooks',
      'POST /webhooks',
      'GET /webhooks',
      'DELETE /webhooks/{id}',
      'POST /webhooks',
      'GET /webhooks',
      'DELETE /webhooks/{id}',
      'POST /webhooks'
    ])
    expect([...server.webhooks.keys()]).toEqual([result.outputs.id])
    expect(server.secrets.length - secretsBefore).toBe(3)
    expect(result.outputs.secret).toBe(server.secrets.at(-1))
  })

  it('with if-exists replace: the orphan goes before the retry, the old webhook only after the new one exists', async () => {
    seedBoth()
    server.inject({ method: 'POST', path: '/webhooks', statusAfter: 500 })
    const result = await run(createInputs({ 'if-exists': 'replace' }))
    expect(result.code).toBe(0)
    const requests = sent()
    expect(requests).toHaveLength(6)
    expect(requests.slice(0, 3)).toEqual(['GET /webhooks', 'POST /webhooks', 'GET /webhooks'])
    expect(requests[3]).toMatch(/^DELETE \/webhooks\/wh_[0-9a-f]+$/)
    expect(requests[3]).not.toBe('DELETE /webhooks/wh_before_same_url')
    expect(requests.slice(4)).toEqual(['POST /webhooks', 'DELETE /webhooks/wh_before_same_url'])
    expect([...server.webhooks.keys()].sort()).toEqual(['wh_before_other', result.outputs.id].sort())
    expect(JSON.parse(result.outputs['deleted-ids'])).toContain('wh_before_same_url')
  })

  it('when the retries run out, the last orphan is still removed before the step fails', async () => {
    seedBoth()
    server.inject({ method: 'POST', path: '/webhooks', reset: 'after', times: 2 })
    const result = await run(createInputs({ 'max-retries': '1' }))
    expect(result.code).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(/^POST \/webhooks failed: .*\(gave up after 2 attempts\)/)
    expect(sent().filter((request) => request === 'POST /webhooks')).toHaveLength(2)
    expect(sent().filter((request) => request.startsWith('DELETE'))).toHaveLength(2)
    // Nobody saw either secret: neither webhook may stay.
    expect([...server.webhooks.keys()].sort()).toEqual(['wh_before_other', 'wh_before_same_url'])
    expect(result.outputs).toMatchObject({ created: 'false', secret: '', id: '' })
  })

  it('with max-retries 0 the POST is not repeated, and its orphan is removed', async () => {
    seedBoth()
    server.inject({ method: 'POST', path: '/webhooks', statusAfter: 503 })
    const result = await run(createInputs({ 'max-retries': '0' }))
    expect(result.code).toBe(1)
    expect(sent().filter((request) => request === 'POST /webhooks')).toHaveLength(1)
    expect([...server.webhooks.keys()].sort()).toEqual(['wh_before_other', 'wh_before_same_url'])
  })
})

describe('a DELETE whose answer was lost', () => {
  it.each<[string, Fault]>([
    ['reset after the server deleted it', { reset: 'after' }],
    ['a 500 after the server deleted it', { statusAfter: 500 }]
  ])('%s, retried, gets 404: counts as deleted', async (_, fault) => {
    seedBoth()
    server.inject({ method: 'DELETE', path: '/webhooks/wh_before_same_url', ...fault })
    const result = await run({ operation: 'delete', id: 'wh_before_same_url', 'if-missing': 'fail' })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['DELETE /webhooks/wh_before_same_url', 'DELETE /webhooks/wh_before_same_url'])
    expect(result.outputs).toMatchObject({ id: 'wh_before_same_url', count: '1', 'deleted-ids': '["wh_before_same_url"]' })
    expect(result.warnings).toEqual([])
    expect([...server.webhooks.keys()]).toEqual(['wh_before_other'])
  })

  it.each<[string, Fault, string]>([
    ['reset before the server deleted it', { reset: 'before' }, '5'],
    ['no answer at all', { hang: true }, '1']
  ])('%s: retried, deleted once', async (_, fault, timeout) => {
    seedBoth()
    server.inject({ method: 'DELETE', path: '/webhooks/wh_before_same_url', ...fault })
    const result = await run({ operation: 'delete', id: 'wh_before_same_url', 'timeout-seconds': timeout })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['DELETE /webhooks/wh_before_same_url', 'DELETE /webhooks/wh_before_same_url'])
    expect(result.outputs).toMatchObject({ count: '1', 'deleted-ids': '["wh_before_same_url"]' })
    expect([...server.webhooks.keys()]).toEqual(['wh_before_other'])
  })

  it('by url: every webhook with the URL deleted once, the others untouched', async () => {
    seedBoth()
    server.seed([{ id: 'wh_same_2', url: URL_A, events: ['x'] }])
    server.inject({ method: 'DELETE', path: '/webhooks/wh_same_2', reset: 'after' })
    const result = await run({ operation: 'delete', url: URL_A })
    expect(result.code).toBe(0)
    expect(sent()[0]).toBe('GET /webhooks')
    expect(sent().slice(1).sort()).toEqual([
      'DELETE /webhooks/wh_before_same_url',
      'DELETE /webhooks/wh_same_2',
      'DELETE /webhooks/wh_same_2'
    ])
    expect(result.outputs.count).toBe('2')
    expect(JSON.parse(result.outputs['deleted-ids']).sort()).toEqual(['wh_before_same_url', 'wh_same_2'])
    expect([...server.webhooks.keys()]).toEqual(['wh_before_other'])
  })

  it.each([408, 429])('a 404 after a %i (the API did not handle the DELETE) is still missing', async (status) => {
    seedBoth()
    server.inject({ method: 'DELETE', path: '/webhooks/wh_missing', status, headers: { 'Retry-After': '0' } })
    const result = await run({ operation: 'delete', id: 'wh_missing', 'if-missing': 'fail' })
    expect(result.code).toBe(1)
    expect(sent()).toEqual(['DELETE /webhooks/wh_missing', 'DELETE /webhooks/wh_missing'])
    expect(result.errors).toEqual(['No webhook has id wh_missing: nothing to delete (if-missing is fail)'])
    expect(result.outputs.count).toBe('0')
    expect(server.webhooks.size).toBe(2)
  })
})

describe('timeout-seconds bounds each attempt as a whole', () => {
  it('a server that never answers: the attempt times out, the retry succeeds', async () => {
    seedBoth()
    server.inject({ method: 'GET', path: '/webhooks', hang: true })
    const result = await run({ operation: 'list', 'timeout-seconds': '1' })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks', 'GET /webhooks'])
    expect(result.outputs.count).toBe('2')
    expect(arrivals[1] - arrivals[0]).toBeGreaterThanOrEqual(990)
    expect(result.elapsed).toBeLessThan(15_000)
  })

  it('a server that never answers, every time: fails after the retries, saying why', async () => {
    server.inject({ method: 'GET', path: '/webhooks', hang: true, times: 2 })
    const result = await run({ operation: 'list', 'timeout-seconds': '1', 'max-retries': '1' })
    expect(result.code).toBe(1)
    expect(sent()).toEqual(['GET /webhooks', 'GET /webhooks'])
    expect(result.errors).toEqual([
      'GET /webhooks failed: no complete answer from 127.0.0.1 within 1 s (timeout-seconds) (gave up after 2 attempts)'
    ])
    expect(result.elapsed).toBeLessThan(15_000)
  })

  it('a body that stalls after its headers does not hang the step', async () => {
    seedBoth()
    server.inject({ method: 'GET', path: '/webhooks', stallBody: true })
    const result = await run({ operation: 'list', 'timeout-seconds': '1' })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks', 'GET /webhooks'])
    expect(result.outputs.count).toBe('2')
    expect(result.elapsed).toBeLessThan(15_000)
  })

  it('a body that stalls every time fails after the retries', async () => {
    server.inject({ method: 'GET', path: '/webhooks', stallBody: true, times: 2 })
    const result = await run({ operation: 'list', 'timeout-seconds': '1', 'max-retries': '1' })
    expect(result.code).toBe(1)
    expect(sent()).toEqual(['GET /webhooks', 'GET /webhooks'])
    expect(result.errors).toEqual([
      'GET /webhooks failed: no complete answer from 127.0.0.1 within 1 s (timeout-seconds) (gave up after 2 attempts)'
    ])
    expect(result.elapsed).toBeLessThan(15_000)
  })

  it('a body that trickles a byte at a time never completes: the deadline covers the whole body', async () => {
    const trickle = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      const timer = setInterval(() => res.write(' '), 50)
      res.on('close', () => clearInterval(timer))
    })
    const base = await listen(trickle)
    try {
      const result = await run({ operation: 'list', 'timeout-seconds': '1', 'max-retries': '0' }, { apiUrl: `${base}/v1` })
      expect(result.code).toBe(1)
      expect(result.errors).toEqual(['GET /webhooks failed: no complete answer from 127.0.0.1 within 1 s (timeout-seconds)'])
      expect(result.elapsed).toBeLessThan(15_000)
    } finally {
      trickle.closeAllConnections()
      await new Promise((resolve) => trickle.close(resolve))
    }
  })
})

describe('answers that are not JSON', () => {
  const html =
    '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>'

  it('a list whose body is malformed JSON is retried', async () => {
    seedBoth()
    server.inject({ method: 'GET', path: '/webhooks', malformed: true })
    const result = await run({ operation: 'list' })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks', 'GET /webhooks'])
    expect(result.outputs.count).toBe('2')
  })

  it('malformed JSON every time: summarised by its status, the body not dumped', async () => {
    server.inject({ method: 'GET', path: '/webhooks', malformed: true, times: 2 })
    const result = await run({ operation: 'list', 'max-retries': '1' })
    expect(result.code).toBe(1)
    expect(result.errors).toEqual(['GET /webhooks failed: 200 OK with a body that is not JSON (gave up after 2 attempts)'])
    expect(result.stdout).not.toContain('"wh_')
  })

  it('an HTML 502 page once, then the list', async () => {
    server.inject({ method: 'GET', path: '/webhooks', status: 502, headers: { 'content-type': 'text/html' }, body: html })
    const result = await run({ operation: 'list' })
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
    const result = await run({ operation: 'list', 'max-retries': '2' })
    expect(result.code).toBe(1)
    expect(sent()).toHaveLength(3)
    expect(result.errors).toEqual(['GET /webhooks failed: 502 Bad Gateway (the body was not JSON) (gave up after 3 attempts)'])
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
      seedBoth()
      server.inject({ method, status, headers: { Location: `${elsewhere.url}/v1/webhooks` } })
      const result = await run(inputs)
      expect(result.code).toBe(1)
      expect(sent()).toEqual(expected)
      expect(elsewhere.requests).toEqual([])
      expect(elsewhere.requests.some((request) => request.headers.authorization)).toBe(false)
      expect(result.errors).toHaveLength(1)
      expect(result.errors[0]).toContain(`failed: ${status} ${STATUS_CODES[status]}`)
      expect(result.errors[0]).toContain('redirects are not followed')
      expect(result.errors[0]).not.toContain(elsewhere.url)
      expect([...server.webhooks.keys()].sort()).toEqual(['wh_before_other', 'wh_before_same_url'])
    }
  )
})

describe('answers that are final are never retried', () => {
  it.each([400, 401, 403, 404, 422])('GET answered %i: exactly one attempt', async (status) => {
    server.inject({ method: 'GET', path: '/webhooks', status, times: 5 })
    const result = await run({ operation: 'list' })
    expect(result.code).toBe(1)
    expect(sent()).toEqual(['GET /webhooks'])
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(new RegExp(`^GET /webhooks failed: ${status} ${STATUS_CODES[status]}: injected ${status}`))
    expect(result.errors[0]).not.toContain('gave up')
    if (status === 401) expect(result.errors[0]).toContain('the API key was rejected')
    else expect(result.errors[0]).not.toContain('API key')
  })

  it.each([400, 401, 403, 422])('POST answered %i: exactly one POST, nothing created, nothing deleted', async (status) => {
    seedBoth()
    server.inject({ method: 'POST', path: '/webhooks', status, times: 5 })
    const result = await run(createInputs({ 'if-exists': 'replace' }))
    expect(result.code).toBe(1)
    expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks'])
    expect(result.errors[0]).toMatch(new RegExp(`^POST /webhooks failed: ${status} ${STATUS_CODES[status]}: injected ${status}`))
    expect([...server.webhooks.keys()].sort()).toEqual(['wh_before_other', 'wh_before_same_url'])
  })

  it.each([400, 401, 403, 422])('DELETE answered %i: exactly one attempt, the webhook stays', async (status) => {
    seedBoth()
    server.inject({ method: 'DELETE', status, times: 5 })
    const result = await run({ operation: 'delete', id: 'wh_before_other' })
    expect(result.code).toBe(1)
    expect(sent()).toEqual(['DELETE /webhooks/wh_before_other'])
    expect(result.outputs.count).toBe('0')
    expect(server.webhooks.size).toBe(2)
  })

  it.each([501, 507])('POST answered %i after the server committed: not retried, the orphan removed', async (status) => {
    seedBoth()
    server.inject({ method: 'POST', path: '/webhooks', statusAfter: status })
    const result = await run(createInputs())
    expect(result.code).toBe(1)
    expect(sent().slice(0, 3)).toEqual(['GET /webhooks', 'POST /webhooks', 'GET /webhooks'])
    expect(sent().filter((request) => request === 'POST /webhooks')).toHaveLength(1)
    expect(result.errors[0]).toMatch(new RegExp(`^POST /webhooks failed: ${status} `))
    expect([...server.webhooks.keys()].sort()).toEqual(['wh_before_other', 'wh_before_same_url'])
  })

  it('DELETE answered 404 at once: missing, not deleted', async () => {
    seedBoth()
    const result = await run({ operation: 'delete', id: 'wh_missing' })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['DELETE /webhooks/wh_missing'])
    expect(result.warnings).toEqual(['No webhook has id wh_missing: nothing to delete'])
    expect(result.outputs.count).toBe('0')
    expect(server.webhooks.size).toBe(2)
  })

  it('a wrong API key: one attempt, the message says the key was rejected', async () => {
    const wrongKey = `rk_wrong_${randomBytes(12).toString('hex')}`
    const result = await run({ operation: 'list' }, { apiKey: wrongKey })
    expect(result.code).toBe(1)
    expect(sent()).toEqual(['GET /webhooks'])
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(
      /^GET \/webhooks failed: 401 Unauthorized: invalid API key \(the API key was rejected: check api-key or REVONT_API_KEY\) \(request id req_\w+\)$/
    )
    expect(result.commands.filter((command) => command.name === 'add-mask').map((command) => command.data)).toContain(wrongKey)
  })
})

describe('text from the API can never become a workflow command', () => {
  const OWN = new Set(['add-mask', 'error', 'warning', 'notice', 'debug'])

  /** Every line the runner would read as a command is one of the action's own, never injected text. */
  function expectOnlyOwnCommands(result: Result) {
    for (const stream of [result.stdout, result.stderr]) {
      for (const line of stream.split(LINE_BREAK)) {
        if (!line.trimStart().startsWith('::')) continue
        const [command] = parseCommands(line)
        expect(command, line).toBeDefined()
        expect(OWN.has(command.name), line).toBe(true)
        // Injected text may only sit inside the data of the action's own message, after its words.
        expect(command.data, line).not.toMatch(/^\s*pwned/)
        if (command.name === 'add-mask') expect(command.data, line).not.toContain('pwned')
      }
    }
    for (const command of result.commands) expect(OWN.has(command.name), command.name).toBe(true)
    expect(Object.keys(result.outputs)).not.toContain('x')
  }

  const hostile = [
    { id: 'wh_h1', url: 'https://evil.example/one', events: ['a'], description: 'x\n::set-output name=x::pwned-output' },
    { id: 'wh_h2', url: 'https://evil.example/two\n::error::pwned-url', events: ['a'], description: '::warning::pwned-desc' },
    {
      id: 'wh_h3',
      url: 'https://evil.example/three',
      events: ['a\n::notice::pwned-event'],
      description: 'x\r::warning::pwned-cr\u2028::warning::pwned-ls\r\n  ::add-mask::pwned-mask'
    },
    {
      id: '::warning::pwned-id',
      url: 'https://evil.example/four',
      events: ['a'],
      description: '%0A::warning::pwned-pct <img src=x onerror=alert(1)>'
    }
  ]

  it('list prints hostile descriptions, URLs, events and ids inertly', async () => {
    server.seed(hostile.map((webhook) => ({ ...webhook })))
    const result = await run({ operation: 'list' })
    expect(result.code).toBe(0)
    expect(result.outputs.count).toBe('4')
    expectOnlyOwnCommands(result)
    expect(result.stdout).toContain('pwned-desc')
    expect(result.summary).not.toContain('<img')
  })

  it('prune and delete print them inertly as they delete', async () => {
    server.seed(hostile.map((webhook) => ({ ...webhook })))
    const prune = await run({ operation: 'prune', url: 'https://evil.example/*' })
    expect(prune.code).toBe(0)
    expect(prune.outputs.count).toBe('4')
    expect(server.webhooks.size).toBe(0)
    expectOnlyOwnCommands(prune)

    server.seed(hostile.map((webhook) => ({ ...webhook })))
    const deleted = await run({ operation: 'delete', url: 'https://evil.example/one' })
    expect(deleted.code).toBe(0)
    expectOnlyOwnCommands(deleted)
  })

  it('create with if-exists replace prints the replaced webhook inertly', async () => {
    server.seed(hostile.map((webhook) => ({ ...webhook })))
    const result = await run(createInputs({ url: 'https://evil.example/one', 'if-exists': 'replace' }))
    expect(result.code).toBe(0)
    expect(result.outputs['deleted-ids']).toBe('["wh_h1"]')
    expectOnlyOwnCommands(result)
  })

  it('an error message from the API is one line inside the action error', async () => {
    server.inject({
      method: 'POST',
      path: '/webhooks',
      status: 400,
      body: JSON.stringify({ error: { message: 'bad\n::error::pwned' } })
    })
    const result = await run(createInputs())
    expect(result.code).toBe(1)
    expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks'])
    expect(result.errors).toEqual(['POST /webhooks failed: 400 Bad Request: bad ::error::pwned'])
    expectOnlyOwnCommands(result)
    expect(server.webhooks.size).toBe(0)
  })

  it('an error message that starts with a command, or echoes the API key, is defused', async () => {
    server.inject({
      method: 'GET',
      path: '/webhooks',
      status: 422,
      body: JSON.stringify({
        error: { message: `::warning::pwned\r\n::set-output name=x::pwned key ${API_KEY}` },
        request_id: 'req_1\n::error::pwned'
      })
    })
    const result = await run({ operation: 'list' })
    expect(result.code).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(
      /^GET \/webhooks failed: 422 Unprocessable Entity: ::warning::pwned ::set-output name=x::pwned key \*\*\* \(request id req_1 ::error::pwned\)$/
    )
    expectOnlyOwnCommands(result)
  })
})

describe('a secret with several lines is masked line by line', () => {
  it('end to end: each line gets its own add-mask before anything else is printed', async () => {
    const lines = [
      `whsec_first_${randomBytes(6).toString('hex')}`,
      `whsec_second_${randomBytes(6).toString('hex')}`,
      `whsec_third_${randomBytes(6).toString('hex')}`,
      `whsec_fourth_${randomBytes(6).toString('hex')}`
    ]
    const secret = `${lines[0]}\n${lines[1]}\r\n${lines[2]}\r${lines[3]}`
    injectedSecrets.push(secret)
    const created = {
      id: 'wh_multiline',
      url: URL_A,
      events: ['call.ended'],
      description: 'fault test',
      status: 'active',
      created_at: new Date().toISOString()
    }
    server.inject({
      method: 'POST',
      path: '/webhooks',
      status: 201,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...created, secret })
    })
    const result = await run(createInputs())
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks'])
    const masks = result.commands.filter((command) => command.name === 'add-mask').map((command) => command.data)
    expect(masks).toEqual(expect.arrayContaining([secret, ...lines]))
    const shown = result.stdout.split(LINE_BREAK).filter((text) => !isMaskLine(text) && lines.some((line) => text.includes(line)))
    expect(shown).toEqual([])
    expect(result.outputs).toMatchObject({ id: 'wh_multiline', secret })
  })

  it('mask() issues the whole value, trimmed, then each line on its own, for \\n, \\r\\n and \\r', () => {
    const written: string[] = []
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk))
      return true
    })
    try {
      mask('line-one\r\n  line-two \nline-three\rline-four\n')
      mask('single-line')
    } finally {
      write.mockRestore()
    }
    const commands = parseCommands(written.join(''))
    expect(commands.every((command) => command.name === 'add-mask')).toBe(true)
    expect(commands.map((command) => command.data)).toEqual([
      'line-one\r\n  line-two \nline-three\rline-four\n',
      'line-one\r\n  line-two \nline-three\rline-four',
      'line-one',
      'line-two',
      'line-three',
      'line-four',
      'single-line'
    ])
  })
})

describe('leak check', () => {
  it('with RUNNER_DEBUG=1: a lost create, a failed create and a delete leak nothing', async () => {
    const env = { RUNNER_DEBUG: '1' }
    seedBoth()
    server.inject({ method: 'POST', path: '/webhooks', reset: 'after' })
    const created = await run(createInputs(), { env })
    expect(created.code).toBe(0)
    expect(created.outputs.secret).toBe(server.secrets.at(-1))
    server.inject({ method: 'POST', path: '/webhooks', statusAfter: 500, times: 5 })
    const failed = await run(createInputs({ 'max-retries': '1' }), { env })
    expect(failed.code).toBe(1)
    const deleted = await run({ operation: 'delete', url: URL_A }, { env })
    expect(deleted.code).toBe(0)
    expect(webhooksWith(URL_A)).toEqual([])
  })

  it('no run in this file showed the API key or any secret the server issued', () => {
    // Also when -t picks a few tests: every run that happened, with every secret issued since.
    expect(runs.length).toBeGreaterThan(0)
    expect(runs.some((recorded) => recorded.name.includes('RUNNER_DEBUG'))).toBe(true)
    expect(runs.flatMap(leaks)).toEqual([])
  })
})
