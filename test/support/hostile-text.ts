// Hostile text for the end-to-end tests of what the action prints (hostile-api-text, hostile-inputs,
// redaction), and the checks each of their runs passes on top of the runner's rules: no command made of
// the attacker's text (`PWN` right after a command), no invisible, bidi or line-separator character shown
// raw, and outputs with documented fields of the documented types only.
import { randomBytes } from 'node:crypto'
import { expect } from 'vitest'
import type { RevontServer, StepDefaults, StepResult } from './harness.js'
import { readRunnerLog } from './runner-log.mjs'

export const URL_A = 'https://pr-1.preview.example.com/hooks'

/** The steps of these tests: bounded, on the fast clock, each ending by itself and inert. */
export const INERT_STEPS: StepDefaults = {
  inputs: { 'timeout-seconds': '5', 'max-retries': '1' },
  clock: 100,
  timeoutMs: 20_000,
  check: (result) => {
    expect(result.code, 'the step was killed: it did not end within its timeouts').not.toBeNull()
    expect(result.stderr).toBe('')
    expectInert(result)
  }
}

/** Text an attacker puts in any field; each would become a command, a new line or a hidden character. */
export const HOSTILE = [
  '##[error]PWN-legacy',
  'x ##[stop-commands]tok',
  'x\n::warning::PWN-lf',
  'x\r::add-mask::https',
  'x\r\n::error::PWN-crlf',
  'x\u2028::warning::PWN-ls \u2029 \u0085',
  '%0A::warning::PWN-pct',
  'wh_prod\u200b \u202egnp.exe \u2066x\u2069 \ufeff \u200f \u001b[31m',
  '::notice title=PWN-prop::PWN-v2'
]

/**
 * Characters that must never reach the log or the summary raw: controls, line separators, invisible and
 * bidi characters. \n and \r end the log's lines; inside an annotation message they are no command.
 */
const RAW_FORBIDDEN = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ufeff]/u
const DOCUMENTED = new Set(['id', 'url', 'events', 'description', 'created_at', 'status'])

/** No command carries the attacker's text at its start or in its properties, and nothing hidden is shown. */
export function expectInert(result: StepResult) {
  const streams = [result.log, readRunnerLog(result.stderr)]
  for (const { commands } of streams) {
    for (const command of commands) {
      const what = `${command.name} command made of printed text: ${JSON.stringify(command.text.slice(0, 200))}`
      expect(command.data, what).not.toMatch(/^\s*(PWN|https$)/)
      expect(JSON.stringify(command.properties), what).not.toContain('PWN')
    }
  }
  for (const [where, text] of [
    ['log', result.log.text],
    ['stderr', result.stderr],
    ['step summary', result.summary]
  ]) {
    const raw = RAW_FORBIDDEN.exec(text)
    if (raw) {
      const around = text.slice(Math.max(0, raw.index - 40), raw.index + 40)
      expect.fail(`${where} shows U+${raw[0].codePointAt(0)!.toString(16).padStart(4, '0')} raw: ${JSON.stringify(around)}`)
    }
  }
}

/** A webhook in an output: documented fields only, each of its type. */
function expectDocumented(webhook: Record<string, unknown>, where: string) {
  for (const [field, value] of Object.entries(webhook)) {
    expect(DOCUMENTED.has(field), `${where} has the undocumented field ${field}`).toBe(true)
    if (field === 'events') {
      expect(
        Array.isArray(value) && value.every((event) => typeof event === 'string'),
        `${where}.events: ${JSON.stringify(value)}`
      ).toBe(true)
    } else {
      expect(typeof value, `${where}.${field}: ${JSON.stringify(value)?.slice(0, 100)}`).toBe('string')
    }
  }
  expect(typeof webhook.id, `${where} has no id`).toBe('string')
}

export function expectDocumentedOutputs(result: StepResult) {
  if (result.outputs.webhook) expectDocumented(JSON.parse(result.outputs.webhook), 'webhook output')
  if (result.outputs.webhooks) {
    const list = JSON.parse(result.outputs.webhooks) as Array<Record<string, unknown>>
    list.forEach((webhook, index) => expectDocumented(webhook, `webhooks output [${index}]`))
  }
}

/** One webhook per hostile text, that text in every field; the URL keeps `base` as its prefix. */
export function hostileWebhooks(base: string, extra: Record<string, unknown> = {}) {
  return HOSTILE.map((text, index) => ({
    id: `wh_h${index}${text}`,
    url: `${base}${index}/${text}`,
    events: ['call.ended', text],
    description: text,
    status: text,
    created_at: text,
    ...extra
  }))
}

export function createdBody(fields: Record<string, unknown>, secret: string, extraText = ''): string {
  const body = JSON.stringify({
    url: URL_A,
    events: ['call.ended'],
    status: 'active',
    created_at: new Date().toISOString(),
    ...fields,
    secret
  })
  return extraText ? `${body.slice(0, -1)},"extra":${extraText}}` : body
}

export const newSecret = (tag: string) => `whsec_${tag}_${randomBytes(12).toString('hex')}`

/** The next POST gets a 201 with this body (see createdBody). */
export function answer201(server: RevontServer, body: string, headers: Record<string, string> = {}): void {
  server.inject({
    method: 'POST',
    path: '/webhooks',
    status: 201,
    headers: { 'content-type': 'application/json', ...headers },
    body
  })
}
