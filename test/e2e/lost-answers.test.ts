// Lost answers through the bundled action: a POST whose answer was lost is never blindly repeated (the
// action lists, deletes the orphan it made, then tries again: docs/design.md#lost-answers), and a DELETE
// whose answer was lost counts as done when the retry finds the webhook gone. Retry waits run on the
// fast clock (test/support/fast-clock.mjs) unless a test needs them real.
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createInputs, FAULT_STEPS, ids, seedBoth, URL_A, webhooksWith } from '../support/fixtures.js'
import { annotations, runStep, sent, useRevontServer, type Fault } from '../support/harness.js'

const API_KEY = `rk_test_${randomBytes(16).toString('hex')}`
const server = useRevontServer({ apiKey: API_KEY }, FAULT_STEPS)

/** The runner's variables for run A, and the default description they give. */
const RUN_A = { GITHUB_REPOSITORY: 'octo/app', GITHUB_WORKFLOW: 'w', GITHUB_REF: 'refs/heads/m', GITHUB_RUN_ID: '1001' }
const RUN_A_DESCRIPTION = 'octo/app w (m), run 1001 attempt 1'
/** Run B's default description: the same workflow and branch, another run. */
const RUN_B_DESCRIPTION = 'octo/app w (m), run 1002 attempt 1'

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
    seedBoth(server)
    const secretsBefore = server.secrets.length
    server.inject({ method: 'POST', path: '/webhooks', ...fault })
    const result = await runStep(createInputs(timeout ? { 'timeout-seconds': timeout } : {}))
    expect(result.code).toBe(0)

    const deletes = sent().filter((request) => request.startsWith('DELETE'))
    if (committed) {
      expect(deletes).toHaveLength(1)
      expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks', 'GET /webhooks', deletes[0], 'POST /webhooks'])
      const orphan = deletes[0].replace('DELETE /webhooks/', '')
      expect(orphan).not.toBe(result.outputs.id)
      expect(server.webhooks.has(orphan)).toBe(false)
      expect(annotations(result, 'warning').some((warning) => warning.includes(orphan) && warning.includes('never seen'))).toBe(
        true
      )
      expect(server.secrets.length - secretsBefore).toBe(2)
    } else {
      expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks', 'GET /webhooks', 'POST /webhooks'])
      expect(server.secrets.length - secretsBefore).toBe(1)
    }
    // The webhooks from before are untouched; exactly one new one, the one the outputs name.
    expect(
      webhooksWith(server, URL_A)
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
      seedBoth(server)
      // Real waits here: the first backoff (0.5-1 s) is what gives the server's late change time to land.
      server.inject({ method: 'POST', path: '/webhooks', commitAfterMs: 300, times: 2 })
      const result = await runStep(createInputs({ 'max-retries': maxRetries }), { clock: undefined })
      expect(result.code).toBe(1)
      expect(annotations(result, 'error')[0]).toMatch(/^POST \/webhooks failed: 504 Gateway Timeout/)
      expect([...server.webhooks.keys()].sort()).toEqual(['wh_before_other', 'wh_before_same_url'])
      expect(sent().filter((request) => request.startsWith('DELETE'))).toHaveLength(Number(maxRetries) + 1)
    }
  )

  it('loses two answers in a row: cleans up after each, one webhook remains', async () => {
    const secretsBefore = server.secrets.length
    server.inject({ method: 'POST', path: '/webhooks', reset: 'after', times: 2 })
    const result = await runStep(createInputs())
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
    seedBoth(server)
    server.inject({ method: 'POST', path: '/webhooks', statusAfter: 500 })
    const result = await runStep(createInputs({ 'if-exists': 'replace' }))
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
    seedBoth(server)
    server.inject({ method: 'POST', path: '/webhooks', reset: 'after', times: 2 })
    const result = await runStep(createInputs({ 'max-retries': '1' }))
    expect(result.code).toBe(1)
    expect(annotations(result, 'error')).toHaveLength(1)
    expect(annotations(result, 'error')[0]).toMatch(/^POST \/webhooks failed: .*\(gave up after 2 attempts\)/)
    expect(sent().filter((request) => request === 'POST /webhooks')).toHaveLength(2)
    expect(sent().filter((request) => request.startsWith('DELETE'))).toHaveLength(2)
    // Nobody saw either secret: neither webhook may stay.
    expect([...server.webhooks.keys()].sort()).toEqual(['wh_before_other', 'wh_before_same_url'])
    expect(result.outputs).toMatchObject({ created: 'false', secret: '', id: '' })
  })

  it('with max-retries 0 the POST is not repeated, and its orphan is removed', async () => {
    seedBoth(server)
    server.inject({ method: 'POST', path: '/webhooks', statusAfter: 503 })
    const result = await runStep(createInputs({ 'max-retries': '0' }))
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
    seedBoth(server)
    server.inject({ method: 'DELETE', path: '/webhooks/wh_before_same_url', ...fault })
    const result = await runStep({ operation: 'delete', id: 'wh_before_same_url', 'if-missing': 'fail' })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['DELETE /webhooks/wh_before_same_url', 'DELETE /webhooks/wh_before_same_url'])
    expect(result.outputs).toMatchObject({ id: 'wh_before_same_url', count: '1', 'deleted-ids': '["wh_before_same_url"]' })
    expect(annotations(result, 'warning')).toEqual([])
    expect([...server.webhooks.keys()]).toEqual(['wh_before_other'])
  })

  it.each<[string, Fault, string]>([
    ['reset before the server deleted it', { reset: 'before' }, '5'],
    ['no answer at all', { hang: true }, '1']
  ])('%s: retried, deleted once', async (_, fault, timeout) => {
    seedBoth(server)
    server.inject({ method: 'DELETE', path: '/webhooks/wh_before_same_url', ...fault })
    const result = await runStep({ operation: 'delete', id: 'wh_before_same_url', 'timeout-seconds': timeout })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['DELETE /webhooks/wh_before_same_url', 'DELETE /webhooks/wh_before_same_url'])
    expect(result.outputs).toMatchObject({ count: '1', 'deleted-ids': '["wh_before_same_url"]' })
    expect([...server.webhooks.keys()]).toEqual(['wh_before_other'])
  })

  it('by url: every webhook with the URL deleted once, the others untouched', async () => {
    seedBoth(server)
    server.seed([{ id: 'wh_same_2', url: URL_A, events: ['x'] }])
    server.inject({ method: 'DELETE', path: '/webhooks/wh_same_2', reset: 'after' })
    const result = await runStep({ operation: 'delete', url: URL_A })
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
    seedBoth(server)
    server.inject({ method: 'DELETE', path: '/webhooks/wh_missing', status, headers: { 'Retry-After': '0' } })
    const result = await runStep({ operation: 'delete', id: 'wh_missing', 'if-missing': 'fail' })
    expect(result.code).toBe(1)
    expect(sent()).toEqual(['DELETE /webhooks/wh_missing', 'DELETE /webhooks/wh_missing'])
    expect(annotations(result, 'error')).toEqual(['No webhook has id wh_missing: nothing to delete (if-missing is fail)'])
    expect(result.outputs.count).toBe('0')
    expect(server.webhooks.size).toBe(2)
  })
})

describe('a lost POST answer while another run creates a webhook for the same URL', () => {
  it('the default description carries the run id and attempt, so two runs differ', async () => {
    await runStep({ operation: 'create', url: URL_A, events: 'call.ended' }, { env: RUN_A })
    await runStep(
      { operation: 'create', url: URL_A, events: 'call.ended' },
      { env: { ...RUN_A, GITHUB_RUN_ID: '1002', GITHUB_RUN_ATTEMPT: '2' } }
    )
    expect([...server.webhooks.values()].map((webhook) => webhook.description)).toEqual([
      RUN_A_DESCRIPTION,
      'octo/app w (m), run 1002 attempt 2'
    ])
  })

  it.each<[string, string, Fault, Record<string, unknown>]>([
    ['a reset after the change', 'its default description', { reset: 'after' }, { description: RUN_B_DESCRIPTION }],
    ['a 502 after the change', 'its default description', { statusAfter: 502 }, { description: RUN_B_DESCRIPTION }],
    [
      'a reset after the change',
      "A's description but other events",
      { reset: 'after' },
      { description: RUN_A_DESCRIPTION, events: ['call.ended', 'summary.ready'] }
    ]
  ])("%s, run B's webhook has %s: A deletes only its own orphan and names B's", async (_, _runBHas, fault, runB) => {
    server.seed([{ id: 'wh_before', url: URL_A, events: ['call.ended'] }])
    // Run B creates its webhook while A's POST is on its way; A's clean-up lists after both exist.
    const seedRunB = () => server.seed([{ id: 'wh_run_b', url: URL_A, events: ['call.ended'], ...runB }])
    server.inject({ method: 'POST', path: '/webhooks', ...fault, meanwhile: seedRunB })
    const result = await runStep({ operation: 'create', url: URL_A, events: 'call.ended' }, { env: RUN_A })

    expect(result.code).toBe(0)
    const deletes = sent().filter((request) => request.startsWith('DELETE'))
    expect(deletes).toHaveLength(1)
    expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks', 'GET /webhooks', deletes[0], 'POST /webhooks'])
    const orphan = deletes[0].replace('DELETE /webhooks/', '')
    expect(['wh_before', 'wh_run_b', result.outputs.id]).not.toContain(orphan)
    expect(ids(server)).toEqual(['wh_before', 'wh_run_b', result.outputs.id].sort())
    expect(server.webhooks.get(result.outputs.id)?.description).toBe(RUN_A_DESCRIPTION)
    expect(annotations(result, 'warning').filter((warning) => warning.includes('wh_run_b'))).toEqual([
      expect.stringMatching(/^Left webhook wh_run_b in place/)
    ])
    expect(annotations(result, 'warning').some((warning) => warning.includes(orphan) && warning.includes('never seen'))).toBe(
      true
    )
    expect(result.outputs).toMatchObject({ created: 'true', secret: server.secrets.at(-1) })
  })
})
