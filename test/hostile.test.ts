// A hostile Revont-compatible API and hostile inputs, through the bundled action (issue 10, issue 14
// item 4, contract behaviours 2, 5 and 10). Every run is read as the runner reads it (runAction fails a
// run that shows a fragment of the key or of a secret, or prints a legacy command, stop-commands, a
// command the action never issues, or a mask for other text). On top of that, each run here is checked
// for text that became one of the action's own commands (`PWN` right after a command), for invisible,
// bidi and line-separator characters shown raw, and for outputs with undocumented fields or wrong types.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { readRunnerLog } from './runner/runner-log.mjs'
import { runAction } from './runner/run-action.mjs'
import { startRevontServer } from './server/revont-server.mjs'

type RevontServer = Awaited<ReturnType<typeof startRevontServer>>
type Result = Awaited<ReturnType<typeof runAction>>

const API_KEY = `rk_hostile_${randomBytes(12).toString('hex')}`
const URL_A = 'https://pr-1.preview.example.com/hooks'

/** Text an attacker puts in any field; each would become a command, a new line or a hidden character. */
const HOSTILE = [
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
/** Wrong types where text is due. */
const WRONG_TYPES: unknown[] = [42, { text: '##[error]PWN-object' }, null, ['##[error]PWN-array'], true]

/**
 * Characters that must never reach the log or the summary raw: controls, line separators, invisible and
 * bidi characters (issue 14). \n and \r end the log's lines; inside an annotation message they are no command.
 */
const RAW_FORBIDDEN = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ufeff]/u
const DOCUMENTED = new Set(['id', 'url', 'events', 'description', 'created_at', 'status'])

let server: RevontServer

beforeAll(async () => {
  server = await startRevontServer({ apiKey: API_KEY })
})
afterAll(() => server.close())
beforeEach(() => server.reset())

async function run(inputs: Record<string, string>, timeoutMs = 20_000): Promise<Result> {
  const result = await runAction({
    inputs: { 'api-url': server.url, 'api-key': API_KEY, 'timeout-seconds': '5', 'max-retries': '1', ...inputs },
    env: { REVONT_ACTION_WAIT_SCALE: '0.01', GITHUB_REPOSITORY: 'octo/app', GITHUB_WORKFLOW: 'w', GITHUB_REF: 'refs/heads/m' },
    timeoutMs
  })
  expect(result.code, `the step was killed after ${timeoutMs} ms: it did not end within its timeouts`).not.toBeNull()
  expectInert(result)
  return result
}

/** No command carries the attacker's text at its start or in its properties, and nothing hidden is shown. */
function expectInert(result: Result) {
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

function expectDocumentedOutputs(result: Result) {
  if (result.outputs.webhook) expectDocumented(JSON.parse(result.outputs.webhook), 'webhook output')
  if (result.outputs.webhooks) {
    const list = JSON.parse(result.outputs.webhooks) as Array<Record<string, unknown>>
    list.forEach((webhook, index) => expectDocumented(webhook, `webhooks output [${index}]`))
  }
}

/** One webhook per hostile text, that text in every field; the URL keeps `base` as its prefix. */
function hostileWebhooks(base: string, extra: Record<string, unknown> = {}) {
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

/** Webhooks whose optional fields have the wrong type. */
function wrongTypeWebhooks(base: string) {
  return WRONG_TYPES.map((value, index) => ({
    id: `wh_t${index}`,
    url: `${base}t${index}`,
    events: ['call.ended', value],
    description: value,
    status: value,
    created_at: value,
    extra: value
  }))
}

/** JSON text with a member nested `depth` deep: JSON.stringify of its parse overflows the stack. */
function deeplyNested(depth = 100_000): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`
}

function createdBody(fields: Record<string, unknown>, secret: string, extraText = ''): string {
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

const newSecret = (tag: string) => `whsec_${tag}_${randomBytes(12).toString('hex')}`

/** The next POST gets a 201 with this body (see createdBody). */
function answer201(body: string, headers: Record<string, string> = {}): void {
  server.inject({
    method: 'POST',
    path: '/webhooks',
    status: 201,
    headers: { 'content-type': 'application/json', ...headers },
    body
  })
}

/**
 * A replace whose POST answers with `secret` and whose DELETE of the old webhook then fails with an error
 * that echoes `echo` (in its message and request id; `requestIdHeader` as the x-request-id header).
 */
function replaceThenEcho(secret: string, echo: string, requestIdHeader?: string): Promise<Result> {
  server.seed([{ id: 'wh_old', url: URL_A, events: ['call.ended'] }])
  answer201(createdBody({ id: 'wh_new' }, secret))
  server.inject({
    method: 'DELETE',
    path: '/webhooks/wh_old',
    status: 409,
    headers: { 'content-type': 'application/json', ...(requestIdHeader ? { 'x-request-id': requestIdHeader } : {}) },
    body: JSON.stringify({ error: { message: `conflict ${echo}`, request_id: echo } })
  })
  return run({ operation: 'create', url: URL_A, events: 'call.ended', 'if-exists': 'replace' })
}

describe('list', () => {
  it('hostile text in every field of every webhook, no url filter', async () => {
    server.seed(hostileWebhooks('https://evil.example/'))
    const result = await run({ operation: 'list' })
    expect(result.code).toBe(0)
    expect(result.outputs.count).toBe(String(HOSTILE.length))
    expectDocumentedOutputs(result)
  })

  it('hostile text with a url filter that matches one of them', async () => {
    const [target] = server.seed(hostileWebhooks('https://evil.example/'))
    const result = await run({ operation: 'list', url: target.url })
    expectDocumentedOutputs(result)
  })

  it.each(HOSTILE)('a hostile url filter input %j', async (url) => {
    server.seed(hostileWebhooks('https://evil.example/'))
    await run({ operation: 'list', url: `https://evil.example/${url}` })
  })

  it('fields of the wrong type are dropped from the outputs', async () => {
    server.seed(wrongTypeWebhooks('https://evil.example/'))
    const result = await run({ operation: 'list' })
    expect(result.code).toBe(0)
    expectDocumentedOutputs(result)
  })

  it('a 600 KB description and a 600 KB URL', async () => {
    const long = `##[error]PWN-long ${'\u200b'.repeat(10)}${'a'.repeat(600_000)}`
    server.seed([
      { id: 'wh_long', url: `https://evil.example/${'b'.repeat(600_000)}`, events: ['a'], description: long, status: long }
    ])
    const result = await run({ operation: 'list' })
    expect(result.code).toBe(0)
    expectDocumentedOutputs(result)
  })

  it('a list item with an extra field nested 100,000 deep', async () => {
    const item = JSON.stringify({ id: 'wh_deep', url: URL_A, events: ['call.ended'], description: 'deep', status: 'active' })
    server.inject({
      method: 'GET',
      path: '/webhooks',
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: `{"data":[${item.slice(0, -1)},"extra":${deeplyNested()}}]}`
    })
    const result = await run({ operation: 'list' })
    expect(result.code).toBe(0)
    expect(result.outputs.count).toBe('1')
    expectDocumentedOutputs(result)
  })
})

describe('errors and headers from the API', () => {
  const requestIds = [
    '##[error]PWN-rid',
    '##[stop-commands]tok',
    '%0A::warning::PWN-rid',
    '\x85::warning::PWN-nel',
    `key ${API_KEY}`
  ]
  const keyWithTab = `${API_KEY.slice(0, 12)}\t${API_KEY.slice(12)}`

  it.each(requestIds)('x-request-id header %j', async (requestId) => {
    server.inject({
      method: 'GET',
      path: '/webhooks',
      status: 422,
      headers: { 'content-type': 'application/json', 'x-request-id': requestId },
      body: JSON.stringify({ error: { message: 'bad', request_id: 'x\n::warning::PWN-body-rid' } })
    })
    const result = await run({ operation: 'list' })
    expect(result.code).toBe(1)
  })

  it.each([
    ['error as text', { error: `##[error]PWN x\n::warning::PWN key ${keyWithTab}` }],
    ['error.message', { error: { message: HOSTILE.join('\n') } }],
    ['message', { message: `x\r::add-mask::https ##[stop-commands]tok` }],
    ['request_id', { error: { message: 'bad' }, request_id: '##[error]PWN-request-id' }],
    ['error.request_id', { error: { message: 'bad', request_id: `x\u2028::warning::PWN ${API_KEY}` } }],
    ['wrong types', { error: { message: 42, request_id: { x: '##[error]PWN' } }, message: ['##[error]PWN'] }],
    [
      'the key with two spaces and U+2028 inserted',
      { error: `${API_KEY.slice(0, 10)}  ${API_KEY.slice(10, 20)}\u2028${API_KEY.slice(20)}` }
    ],
    ['a 600 KB message', { error: { message: `${'##[error]PWN '.repeat(3)}${'x'.repeat(600_000)}` } }]
  ])('a 400 whose body has %s', async (_, body) => {
    server.inject({
      method: 'POST',
      path: '/webhooks',
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body)
    })
    const result = await run({ operation: 'create', url: URL_A, events: 'call.ended' })
    expect(result.code).toBe(1)
    expect(server.webhooks.size).toBe(0)
  })

  it.each(['##[error]PWN-retry-after', '99999999999999999999', '\x85::warning::PWN'])(
    'a 503 with Retry-After %j',
    async (retryAfter) => {
      server.inject({ method: 'GET', path: '/webhooks', status: 503, headers: { 'Retry-After': retryAfter } })
      await run({ operation: 'list' })
    }
  )
})

describe('create', () => {
  it.each(['create', 'reuse', 'replace', 'fail'])(
    'if-exists %s, hostile same-URL webhooks and a hostile description input',
    async (ifExists) => {
      server.seed(hostileWebhooks(URL_A).map((webhook, index) => ({ ...webhook, url: URL_A, id: `wh_same${index}` })))
      await run({ operation: 'create', url: URL_A, events: 'call.ended', 'if-exists': ifExists, description: HOSTILE.join(' ') })
    }
  )

  it.each(HOSTILE)('a lost POST answer: the orphan clean-up prints a description of %j inertly', async (description) => {
    server.inject({ method: 'POST', path: '/webhooks', reset: 'after' })
    const result = await run({ operation: 'create', url: URL_A, events: 'call.ended', description })
    expect(result.code).toBe(0)
    expect(result.outputs.secret).toBe(server.secrets.at(-1))
  })

  it('a 201 whose every field is hostile', async () => {
    const secret = newSecret('hostile201')
    answer201(
      createdBody(
        { id: 'wh_new', description: HOSTILE.join(' '), status: HOSTILE.join(' '), created_at: HOSTILE[0], extra: HOSTILE },
        secret
      ),
      { 'x-request-id': '##[error]PWN' }
    )
    const result = await run({ operation: 'create', url: URL_A, events: 'call.ended' })
    expect(result.outputs).toMatchObject({ id: 'wh_new', secret })
    expectDocumentedOutputs(result)
  })

  it('a 201 whose fields have the wrong types', async () => {
    const secret = newSecret('types201')
    answer201(
      createdBody({ id: 'wh_new', description: 42, status: { x: '##[error]PWN' }, created_at: null, extra: true }, secret)
    )
    const result = await run({ operation: 'create', url: URL_A, events: 'call.ended' })
    expect(result.outputs).toMatchObject({ id: 'wh_new', secret })
    expectDocumentedOutputs(result)
  })

  it('a 201 with an extra field nested 100,000 deep: the id and secret outputs are still written', async () => {
    const secret = newSecret('deep201')
    answer201(createdBody({ id: 'wh_deep', description: 'deep' }, secret, deeplyNested()))
    const result = await run({ operation: 'create', url: URL_A, events: 'call.ended' })
    expect(result.outputs.id, 'id output').toBe('wh_deep')
    expect(result.outputs.secret, 'secret output').toBe(secret)
    expectDocumentedOutputs(result)
  })

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

  it.each([
    ['description', { description: HOSTILE.join('\n') }],
    ['events', { events: JSON.stringify(HOSTILE) }],
    ['url', { url: `${URL_A}/x\n::warning::PWN ##[error]PWN` }],
    ['if-exists', { 'if-exists': '##[error]PWN\n::warning::PWN' }],
    ['timeout-seconds', { 'timeout-seconds': 'x\r::warning::PWN' }],
    ['max-retries', { 'max-retries': '##[stop-commands]tok' }],
    ['dry-run', { 'dry-run': '%0A::warning::PWN' }]
  ])('a hostile %s input', async (_, inputs) => {
    await run({ operation: 'create', url: URL_A, events: 'call.ended', ...inputs })
  })
})

describe('delete', () => {
  it.each(HOSTILE)('by a hostile id %j', async (id) => {
    await run({ operation: 'delete', id })
  })

  it('by id, answered 404 with a hostile body and request id', async () => {
    server.inject({
      method: 'DELETE',
      path: '/webhooks/wh_x',
      status: 404,
      headers: { 'content-type': 'application/json', 'x-request-id': '##[error]PWN' },
      body: JSON.stringify({ error: { message: HOSTILE.join('\n') } })
    })
    await run({ operation: 'delete', id: 'wh_x', 'if-missing': 'fail' })
  })

  it('by url: hostile ids, events and descriptions of the webhooks it deletes', async () => {
    server.seed(hostileWebhooks(URL_A).map((webhook) => ({ ...webhook, url: URL_A })))
    const result = await run({ operation: 'delete', url: URL_A })
    expect(result.code).toBe(0)
    expect(result.outputs.count).toBe(String(HOSTILE.length))
  })

  it.each(HOSTILE)('by a hostile url input %j', async (text) => {
    server.seed(hostileWebhooks('https://evil.example/'))
    await run({ operation: 'delete', url: `https://evil.example/0/${text}`, 'if-missing': 'warn' })
  })
})

describe('prune', () => {
  it('deletes hostile webhooks, printing them inertly', async () => {
    server.seed(hostileWebhooks('https://pr-1.preview.example.com/'))
    const result = await run({ operation: 'prune', url: 'https://pr-*.preview.example.com/*' })
    expect(result.code).toBe(0)
  })

  it('a dry run over hostile webhooks', async () => {
    server.seed(hostileWebhooks('https://pr-1.preview.example.com/'))
    const result = await run({ operation: 'prune', url: 'https://pr-*.preview.example.com/*', 'dry-run': 'true' })
    expect(result.code).toBe(0)
    expect(server.webhooks.size).toBe(HOSTILE.length)
  })

  it('with older-than: unreadable created_at values are kept with a warning', async () => {
    const unreadable = ['2', 'build 12', '##[error]PWN-date', 'x\n::warning::PWN-date', 42, null, { at: 1 }]
    server.seed(
      unreadable.map((created_at, index) => ({
        id: `wh_u${index}`,
        url: `https://pr-${index}.preview.example.com/`,
        events: ['a'],
        created_at
      }))
    )
    const result = await run({ operation: 'prune', url: 'https://pr-*.preview.example.com/*', 'older-than': '1d' })
    expect(result.code).toBe(0)
    expect(server.webhooks.size, 'a webhook with an unreadable created_at was deleted').toBe(unreadable.length)
  })

  it.each([
    ['url', { url: `https://pr-*.preview.example.com/*\n::warning::PWN ##[error]PWN` }],
    ['older-than', { url: 'https://pr-*.preview.example.com/*', 'older-than': '##[error]PWN\r::warning::PWN' }],
    ['dry-run', { url: 'https://pr-*.preview.example.com/*', 'dry-run': 'x\n::warning::PWN' }]
  ])('a hostile %s input', async (_, inputs) => {
    server.seed(hostileWebhooks('https://pr-1.preview.example.com/'))
    await run({ operation: 'prune', ...inputs })
  })

  it('a webhook whose id holds a lone surrogate: its DELETE fails, naming it, and the others are deleted', async () => {
    server.seed(
      ['wh_a', 'wh_\ud800lone', 'wh_b'].map((id, index) => ({
        id,
        url: `https://pr-${index}.preview.example.com/`,
        events: ['a']
      }))
    )
    const result = await run({ operation: 'prune', url: 'https://pr-*.preview.example.com/*' })
    expect(result.code).toBe(1)
    expect([...server.webhooks.keys()]).toEqual(['wh_\ud800lone'])
    expect(JSON.parse(result.outputs['deleted-ids']).sort()).toEqual(['wh_a', 'wh_b'])
    expect(result.log.annotations.map((annotation) => annotation.message)).toEqual([
      '1 of 3 deletes failed: DELETE /webhooks/wh_\\ud800lone failed: the id cannot be put into a URL path (it holds a lone surrogate)'
    ])
  })

  it('a 600 KB URL ends in time', async () => {
    const url = `https://pr-1.preview.example.com/${'*.'.repeat(300_000)}`
    server.seed([{ id: 'wh_long', url, events: ['a'] }])
    await run({ operation: 'prune', url: 'https://pr-*.preview.example.com/*.*.*.*.*.*.*.*.*.*x' }, 10_000)
  })
})
