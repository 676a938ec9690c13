// Attacks that got through once (a hostile API, hostile inputs), through the bundled action. Every run
// is read as the runner reads it: runAction fails a run that shows 8 or more characters of the key or of
// a secret, or whose printed text became a command.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runAction } from './runner/run-action.mjs'
import { startRevontServer } from './server/revont-server.mjs'

type RevontServer = Awaited<ReturnType<typeof startRevontServer>>

const API_KEY = `rk_attack_${randomBytes(12).toString('hex')}`
const URL_A = 'https://pr-1.preview.example.com/hooks'

let server: RevontServer

beforeAll(async () => {
  server = await startRevontServer({ apiKey: API_KEY })
})
afterAll(() => server.close())
beforeEach(() => server.reset())

async function run(inputs: Record<string, string>, { apiKey = API_KEY, timeoutMs = 20_000 } = {}) {
  const result = await runAction({
    inputs: { 'api-url': server.url, 'api-key': apiKey, 'timeout-seconds': '5', 'max-retries': '1', ...inputs },
    env: { REVONT_ACTION_WAIT_SCALE: '0.01', GITHUB_REPOSITORY: 'octo/app', GITHUB_WORKFLOW: 'w', GITHUB_REF: 'refs/heads/m' },
    timeoutMs
  })
  expect(result.code, `the step was killed after ${timeoutMs} ms`).not.toBeNull()
  return result
}

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
    const result = await run({ operation: 'create', url: URL_A, events: 'call.ended', 'if-exists': 'replace' })
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
      const result = await runAction({
        inputs: { 'api-url': keyed.url, 'api-key': key, operation: 'list' },
        env: { GITHUB_REPOSITORY: 'octo/app' }
      })
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
    const result = await run({ operation: 'create', url: URL_A, events: 'call.ended' })
    expect(result.outputs).toMatchObject({ id: 'wh_new', secret })
    expect(JSON.parse(result.outputs.webhook)).toMatchObject({ id: 'wh_new', description: 'made with ***' })
  })
})

describe('invisible characters', () => {
  // Tag characters spell text nobody sees; the others are format or default-ignorable characters too.
  const tags = [...'PWN'].map((char) => String.fromCodePoint(0xe0000 + char.charCodeAt(0))).join('')
  const hidden = `${tags}\ufff9\u206a\u034f\ufe0f\u3164\u115f\u{e0100}\ud800`
  const RAW = /[\p{Cf}\p{Cs}\p{Default_Ignorable_Code_Point}]/u

  it('are escaped in the log and the summary, not shown raw', async () => {
    const id = `wh_a${hidden}`
    server.seed([{ id, url: `https://evil.example/${hidden}`, events: ['call.ended', hidden], description: hidden }])
    const result = await run({ operation: 'list' })
    expect(result.code).toBe(0)
    expect(result.log.text).not.toMatch(RAW)
    expect(result.summary).not.toMatch(RAW)
    expect(result.log.text).toContain('wh_a\\udb40\\udc50\\udb40\\udc57\\udb40\\udc4e\\ufff9')
    // The outputs keep the id as the API sent it, so that it can be deleted.
    expect(JSON.parse(result.outputs.webhooks)[0].id).toBe(id)
  })
})

describe('bounded work', () => {
  it('a 201 whose secret has 200,000 lines: each is masked, and the outputs are written in time', async () => {
    // Masking each line used to compare it with every line before it: hours, and no id or secret output.
    const secret = Array.from({ length: 200_000 }, (_, line) => `l${line.toString(36).padStart(7, '0')}`).join('\n')
    answerCreate(secret)
    const result = await run({ operation: 'create', url: URL_A, events: 'call.ended' }, { timeoutMs: 30_000 })
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({ id: 'wh_new', secret, created: 'true' })
    expect(result.commands.filter((command) => command.name === 'add-mask')).toHaveLength(200_002)
  }, 60_000)

  // Last in this file: every later run here would check its output against this secret too.
  it('a 201 whose secret has 17 million characters: it is masked, a piece of it echoed is redacted, and the outputs are written', async () => {
    // More 8-character runs than a Set holds: masking used to throw, leaving no id or secret output and the webhook in place.
    const secret = `whsec_${randomBytes(8_500_000).toString('hex')}`
    const piece = secret.slice(9_000_000, 9_000_040)
    answerCreate(secret, { description: `made with ${piece}` })
    const result = await run({ operation: 'create', url: URL_A, events: 'call.ended' }, { timeoutMs: 90_000 })
    expect(result.code).toBe(0)
    expect(result.outputs.id).toBe('wh_new')
    expect(result.outputs.secret === secret, 'the secret output is the secret').toBe(true)
    expect(JSON.parse(result.outputs.webhook)).toMatchObject({ id: 'wh_new', description: 'made with ***' })
  }, 120_000)
})
