// The key and the secrets never show, through the bundled action: not when text around them is changed
// after redaction (whitespace collapsed, escapes), not in the webhook output, not when an API error
// echoes a secret with a gap in it, not line by line for a secret of several lines, not with
// RUNNER_DEBUG. Every run is read by the runner's rules (run-action.mjs: 8 characters of a key or secret
// anywhere shown is a leak) and by expectInert (support/hostile-text.ts).
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createInputs, seedBoth, URL_A as URL_PREVIEW, webhooksWith } from '../support/fixtures.js'
import { annotations, runStep, sent, useRevontServer, type StepResult } from '../support/harness.js'
import { answer201, createdBody, INERT_STEPS, newSecret, URL_A } from '../support/hostile-text.js'
import { startRevontServer } from '../support/revont-server.mjs'

const API_KEY = `rk_redaction_${randomBytes(12).toString('hex')}`
const server = useRevontServer({ apiKey: API_KEY }, INERT_STEPS)

const hex = (length: number) => randomBytes(length).toString('hex').slice(0, length)

/** POST /webhooks answers 201 with this secret and these fields. */
function answerCreate(secret: string, fields: Record<string, unknown> = {}) {
  server.inject({
    method: 'POST',
    path: '/webhooks',
    status: 201,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'wh_new', url: URL_A, events: ['call.ended'], status: 'active', ...fields, secret })
  })
}

/**
 * A replace whose POST answers with `secret` and whose DELETE of the old webhook then fails with an error
 * that echoes `echo` (in its message and request id; `requestIdHeader` as the x-request-id header).
 */
function replaceThenEcho(secret: string, echo: string, requestIdHeader?: string): Promise<StepResult> {
  server.seed([{ id: 'wh_old', url: URL_A, events: ['call.ended'] }])
  answer201(server, createdBody({ id: 'wh_new' }, secret))
  server.inject({
    method: 'DELETE',
    path: '/webhooks/wh_old',
    status: 409,
    headers: { 'content-type': 'application/json', ...(requestIdHeader ? { 'x-request-id': requestIdHeader } : {}) },
    body: JSON.stringify({ error: { message: `conflict ${echo}`, request_id: echo } })
  })
  return runStep({ operation: 'create', url: URL_A, events: 'call.ended', 'if-exists': 'replace' })
}

describe('redaction survives the changes made to text after it', () => {
  it('a secret with a space, echoed with a tab: collapsing whitespace must not join its pieces', async () => {
    // Each piece is shorter than the 8 characters redaction looks for; joined by a space they are not.
    const [before, after] = [hex(7), hex(7)]
    const secret = `whsec_${hex(20)}${before} ${after}${hex(6)}`
    const echo = `${before}\t${after} / ${before}\u00a0${after}`
    server.seed([{ id: 'wh_old', url: URL_A, events: ['call.ended'] }])
    answerCreate(secret, { description: echo })
    server.inject({
      method: 'DELETE',
      path: '/webhooks/wh_old',
      status: 409,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: { message: `conflict ${echo}`, request_id: echo } })
    })
    const result = await runStep({ operation: 'create', url: URL_A, events: 'call.ended', 'if-exists': 'replace' })
    expect(result.outputs.secret).toBe(secret)
    expect(result.summary).not.toContain(`${before} ${after}`)
    expect(result.log.text).not.toContain(`${before} ${after}`)
  })

  it('a key with a literal \\u0009 in it, echoed with a tab there: escaping must not rebuild it', async () => {
    const key = `rk_${hex(7)}\\u0009${hex(7)}`
    const at = key.indexOf('\\u0009')
    const echo = `${key.slice(at - 7, at)}\t${key.slice(at + 6, at + 13)}`
    const keyed = await startRevontServer({ apiKey: key })
    try {
      keyed.seed([{ id: 'wh_echo', url: URL_A, events: ['call.ended'], status: echo }])
      const result = await runStep({ operation: 'list' }, { server: keyed, env: { GITHUB_REPOSITORY: 'octo/app' } })
      expect(result.code).toBe(0)
      expect(result.log.text).not.toContain(key.slice(at - 7, at + 13))
    } finally {
      await keyed.close()
    }
  })
})

describe('the webhook output', () => {
  it('a 201 that echoes its secret in the description: the webhook output does not carry it', async () => {
    const secret = `whsec_${hex(32)}`
    answerCreate(secret, { description: `made with ${secret}` })
    const result = await runStep({ operation: 'create', url: URL_A, events: 'call.ended' })
    expect(result.outputs).toMatchObject({ id: 'wh_new', secret })
    expect(JSON.parse(result.outputs.webhook)).toMatchObject({ id: 'wh_new', description: 'made with ***' })
  })
})

describe('a later error that echoes the secret', () => {
  it.each([
    ['a tab', '\t'],
    ['two spaces', '  '],
    ['U+2028', '\u2028'],
    ['a line feed', '\n']
  ])('a later error echoes the secret with %s inserted', async (_, gap) => {
    const secret = newSecret('echoed')
    const broken = `${secret.slice(0, 14)}${gap}${secret.slice(14)}`
    const result = await replaceThenEcho(secret, broken, `${secret.slice(0, 20)}\t${secret.slice(20)}`)
    expect(result.outputs.secret).toBe(secret)
  })

  it.each([
    ['a tab', '\t'],
    ['two spaces', '  '],
    ['U+2028', '\u2028'],
    ['leading and trailing spaces', ' ']
  ])('a secret with %s in it, echoed exactly by a later error', async (_, gap) => {
    const plain = newSecret('spaced')
    const secret = gap === ' ' ? ` ${plain} ` : `${plain.slice(0, 14)}${gap}${plain.slice(14)}`
    await replaceThenEcho(secret, secret)
  })

  it('a later error echoes a long secret, cut where the action shortens API text', async () => {
    const secret = `whsec_long_${randomBytes(200).toString('hex')}`
    const result = await replaceThenEcho(secret, secret)
    expect(result.outputs.secret).toBe(secret)
  })
})

describe('a secret with several lines is masked line by line', () => {
  /** The runner reads a line up to \n, \r or \r\n. */
  const LINE_BREAK = /\r\n|\r|\n/
  const isMaskLine = (line: string) => line.trimStart().startsWith('::add-mask::')

  it('end to end: each line gets its own add-mask before anything else is printed', async () => {
    const lines = [
      `whsec_first_${randomBytes(6).toString('hex')}`,
      `whsec_second_${randomBytes(6).toString('hex')}`,
      `whsec_third_${randomBytes(6).toString('hex')}`,
      `whsec_fourth_${randomBytes(6).toString('hex')}`
    ]
    const secret = `${lines[0]}\n${lines[1]}\r\n${lines[2]}\r${lines[3]}`
    const created = {
      id: 'wh_multiline',
      url: URL_PREVIEW,
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
    const result = await runStep(createInputs())
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks'])
    const masks = result.commands.filter((command) => command.name === 'add-mask').map((command) => command.data)
    expect(masks).toEqual(expect.arrayContaining([secret, ...lines]))
    const shown = result.stdout.split(LINE_BREAK).filter((text) => !isMaskLine(text) && lines.some((line) => text.includes(line)))
    expect(shown).toEqual([])
    expect(result.outputs).toMatchObject({ id: 'wh_multiline', secret })
  })
})

describe('leak check', () => {
  it('with RUNNER_DEBUG=1: a lost create, a failed create and a delete leak nothing', async () => {
    const env = { RUNNER_DEBUG: '1' }
    seedBoth(server)
    server.inject({ method: 'POST', path: '/webhooks', reset: 'after' })
    const created = await runStep(createInputs(), { env })
    expect(created.code).toBe(0)
    expect(created.outputs.secret).toBe(server.secrets.at(-1))
    server.inject({ method: 'POST', path: '/webhooks', statusAfter: 500, times: 5 })
    const failed = await runStep(createInputs({ 'max-retries': '1' }), { env })
    expect(failed.code).toBe(1)
    const deleted = await runStep({ operation: 'delete', url: URL_PREVIEW }, { env })
    expect(deleted.code).toBe(0)
    expect(webhooksWith(server, URL_PREVIEW)).toEqual([])
  })
})

describe('bounded work', () => {
  it('a 201 whose secret has 1,000 lines: each is masked, and the outputs are written', async () => {
    const secret = Array.from({ length: 1000 }, (_, line) => `l${line.toString(36).padStart(7, '0')}`).join('\r\n')
    answerCreate(secret)
    const result = await runStep({ operation: 'create', url: URL_A, events: 'call.ended' })
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({ id: 'wh_new', secret, created: 'true' })
    expect(result.commands.filter((command) => command.name === 'add-mask')).toHaveLength(1002)
  })

  it('a 201 whose secret has 200,000 lines: nothing of it is written, and the webhook is deleted, in time', async () => {
    // Masking each line took minutes for millions of them, and the runner checks every later log line against each mask.
    const secret = Array.from({ length: 200_000 }, (_, line) => `l${line.toString(36).padStart(7, '0')}`).join('\n')
    answerCreate(secret)
    const from = server.requests.length
    const result = await runStep({ operation: 'create', url: URL_A, events: 'call.ended' }, { timeoutMs: 30_000 })
    expect(result.code).toBe(1)
    expect(result.outputs.id).toBe('')
    expect(result.outputs.secret).toBe('')
    expect(sent(from)).toEqual(['GET /webhooks', 'POST /webhooks', 'DELETE /webhooks/wh_new'])
    expect(annotations(result, 'error')).toEqual([
      expect.stringContaining('a secret of more than 1000 lines is more than the action can mask')
    ])
    expect(result.commands.filter((command) => command.name === 'add-mask')).toHaveLength(1)
  }, 60_000)

  // Last in this file: every later run here would check its output against this secret too.
  it('a 201 whose secret has 17 million characters: it is masked, a piece of it echoed is redacted, and the outputs are written', async () => {
    // More 8-character runs than a Set holds: masking used to throw, leaving no id or secret output and the webhook in place.
    const secret = `whsec_${randomBytes(8_500_000).toString('hex')}`
    const piece = secret.slice(9_000_000, 9_000_040)
    answerCreate(secret, { description: `made with ${piece}` })
    const result = await runStep({ operation: 'create', url: URL_A, events: 'call.ended' }, { timeoutMs: 90_000 })
    expect(result.code).toBe(0)
    expect(result.outputs.id).toBe('wh_new')
    expect(result.outputs.secret === secret, 'the secret output is the secret').toBe(true)
    expect(JSON.parse(result.outputs.webhook)).toMatchObject({ id: 'wh_new', description: 'made with ***' })
  }, 120_000)
})
