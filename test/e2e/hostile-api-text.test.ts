// Text from a hostile Revont-compatible API, through the bundled action: in every field of a webhook, in
// error bodies and headers, in a 201; of the wrong type, huge or nested deep. None of it may become a
// workflow command, show a hidden character raw, or put an undocumented field in an output. Every run is
// read by the runner's rules (run-action.mjs) and by expectInert (support/hostile-text.ts).
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createInputs, ids, URL_A as URL_PREVIEW } from '../support/fixtures.js'
import { annotations, runStep, sent, useRevontServer, type StepResult } from '../support/harness.js'
import {
  answer201,
  createdBody,
  expectDocumentedOutputs,
  HOSTILE,
  hostileWebhooks,
  INERT_STEPS,
  newSecret,
  URL_A
} from '../support/hostile-text.js'
import { parseCommands } from '../support/run-action.mjs'

const API_KEY = `rk_hostile_${randomBytes(12).toString('hex')}`
const server = useRevontServer({ apiKey: API_KEY }, INERT_STEPS)

/** Wrong types where text is due. */
const WRONG_TYPES: unknown[] = [42, { text: '##[error]PWN-object' }, null, ['##[error]PWN-array'], true]

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

describe('list', () => {
  it('hostile text in every field of every webhook, no url filter', async () => {
    server.seed(hostileWebhooks('https://evil.example/'))
    const result = await runStep({ operation: 'list' })
    expect(result.code).toBe(0)
    expect(result.outputs.count).toBe(String(HOSTILE.length))
    expectDocumentedOutputs(result)
  })

  it('hostile text with a url filter that matches one of them', async () => {
    const [target] = server.seed(hostileWebhooks('https://evil.example/'))
    const result = await runStep({ operation: 'list', url: target.url })
    expectDocumentedOutputs(result)
  })

  it('fields of the wrong type are dropped from the outputs', async () => {
    server.seed(wrongTypeWebhooks('https://evil.example/'))
    const result = await runStep({ operation: 'list' })
    expect(result.code).toBe(0)
    expectDocumentedOutputs(result)
  })

  it('a 600 KB description and a 600 KB URL', async () => {
    const long = `##[error]PWN-long ${'\u200b'.repeat(10)}${'a'.repeat(600_000)}`
    server.seed([
      { id: 'wh_long', url: `https://evil.example/${'b'.repeat(600_000)}`, events: ['a'], description: long, status: long }
    ])
    const result = await runStep({ operation: 'list' })
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
    const result = await runStep({ operation: 'list' })
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
    const result = await runStep({ operation: 'list' })
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
    const result = await runStep({ operation: 'create', url: URL_A, events: 'call.ended' })
    expect(result.code).toBe(1)
    expect(server.webhooks.size).toBe(0)
  })

  it.each(['##[error]PWN-retry-after', '99999999999999999999', '\x85::warning::PWN'])(
    'a 503 with Retry-After %j',
    async (retryAfter) => {
      server.inject({ method: 'GET', path: '/webhooks', status: 503, headers: { 'Retry-After': retryAfter } })
      await runStep({ operation: 'list' })
    }
  )
})

describe('create', () => {
  it.each(['create', 'reuse', 'replace', 'fail'])(
    'if-exists %s, hostile same-URL webhooks and a hostile description input',
    async (ifExists) => {
      server.seed(hostileWebhooks(URL_A).map((webhook, index) => ({ ...webhook, url: URL_A, id: `wh_same${index}` })))
      await runStep({
        operation: 'create',
        url: URL_A,
        events: 'call.ended',
        'if-exists': ifExists,
        description: HOSTILE.join(' ')
      })
    }
  )

  it('a 201 whose every field is hostile', async () => {
    const secret = newSecret('hostile201')
    answer201(
      server,
      createdBody(
        { id: 'wh_new', description: HOSTILE.join(' '), status: HOSTILE.join(' '), created_at: HOSTILE[0], extra: HOSTILE },
        secret
      ),
      { 'x-request-id': '##[error]PWN' }
    )
    const result = await runStep({ operation: 'create', url: URL_A, events: 'call.ended' })
    expect(result.outputs).toMatchObject({ id: 'wh_new', secret })
    expectDocumentedOutputs(result)
  })

  it('a 201 whose fields have the wrong types', async () => {
    const secret = newSecret('types201')
    answer201(
      server,
      createdBody({ id: 'wh_new', description: 42, status: { x: '##[error]PWN' }, created_at: null, extra: true }, secret)
    )
    const result = await runStep({ operation: 'create', url: URL_A, events: 'call.ended' })
    expect(result.outputs).toMatchObject({ id: 'wh_new', secret })
    expectDocumentedOutputs(result)
  })

  it('a 201 with an extra field nested 100,000 deep: the id and secret outputs are still written', async () => {
    const secret = newSecret('deep201')
    answer201(server, createdBody({ id: 'wh_deep', description: 'deep' }, secret, deeplyNested()))
    const result = await runStep({ operation: 'create', url: URL_A, events: 'call.ended' })
    expect(result.outputs.id, 'id output').toBe('wh_deep')
    expect(result.outputs.secret, 'secret output').toBe(secret)
    expectDocumentedOutputs(result)
  })
})

describe('delete', () => {
  it('by id, answered 404 with a hostile body and request id', async () => {
    server.inject({
      method: 'DELETE',
      path: '/webhooks/wh_x',
      status: 404,
      headers: { 'content-type': 'application/json', 'x-request-id': '##[error]PWN' },
      body: JSON.stringify({ error: { message: HOSTILE.join('\n') } })
    })
    await runStep({ operation: 'delete', id: 'wh_x', 'if-missing': 'fail' })
  })

  it('by url: hostile ids, events and descriptions of the webhooks it deletes', async () => {
    server.seed(hostileWebhooks(URL_A).map((webhook) => ({ ...webhook, url: URL_A })))
    const result = await runStep({ operation: 'delete', url: URL_A })
    expect(result.code).toBe(0)
    expect(result.outputs.count).toBe(String(HOSTILE.length))
  })
})

describe('prune', () => {
  it('deletes hostile webhooks, printing them inertly', async () => {
    server.seed(hostileWebhooks('https://pr-1.preview.example.com/'))
    const result = await runStep({ operation: 'prune', url: 'https://pr-*.preview.example.com/*' })
    expect(result.code).toBe(0)
  })

  it('a dry run over hostile webhooks', async () => {
    server.seed(hostileWebhooks('https://pr-1.preview.example.com/'))
    const result = await runStep({ operation: 'prune', url: 'https://pr-*.preview.example.com/*', 'dry-run': 'true' })
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
    const result = await runStep({ operation: 'prune', url: 'https://pr-*.preview.example.com/*', 'older-than': '1d' })
    expect(result.code).toBe(0)
    expect(server.webhooks.size, 'a webhook with an unreadable created_at was deleted').toBe(unreadable.length)
  })

  it('a 600 KB URL ends in time', async () => {
    const url = `https://pr-1.preview.example.com/${'*.'.repeat(300_000)}`
    server.seed([{ id: 'wh_long', url, events: ['a'] }])
    await runStep({ operation: 'prune', url: 'https://pr-*.preview.example.com/*.*.*.*.*.*.*.*.*.*x' }, { timeoutMs: 10_000 })
  })

  it('a webhook whose id holds a lone surrogate: its DELETE fails, naming it, and the others are deleted', async () => {
    server.seed(
      ['wh_a', 'wh_\ud800lone', 'wh_b'].map((id, index) => ({
        id,
        url: `https://pr-${index}.preview.example.com/`,
        events: ['a']
      }))
    )
    const result = await runStep({ operation: 'prune', url: 'https://pr-*.preview.example.com/*' })
    expect(result.code).toBe(1)
    expect([...server.webhooks.keys()]).toEqual(['wh_\ud800lone'])
    expect(JSON.parse(result.outputs['deleted-ids']).sort()).toEqual(['wh_a', 'wh_b'])
    expect(result.log.annotations.map((annotation) => annotation.message)).toEqual([
      '1 of 3 deletes failed: DELETE /webhooks/wh_\\ud800lone failed: the id cannot be put into a URL path (it holds a lone surrogate)'
    ])
  })
})

describe('text from the API can never become a workflow command', () => {
  const OWN = new Set(['add-mask', 'error', 'warning', 'notice', 'debug'])

  /** Every line the runner would read as a command is one of the action's own, never injected text. */
  function expectOnlyOwnCommands(result: StepResult) {
    for (const stream of [result.stdout, result.stderr]) {
      for (const line of stream.split(/\r\n|\r|\n/)) {
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
    const result = await runStep({ operation: 'list' })
    expect(result.code).toBe(0)
    expect(result.outputs.count).toBe('4')
    expectOnlyOwnCommands(result)
    expect(result.stdout).toContain('pwned-desc')
    expect(result.summary).not.toContain('<img')
  })

  it('prune and delete print them inertly as they delete', async () => {
    server.seed(hostile.map((webhook) => ({ ...webhook })))
    const prune = await runStep({ operation: 'prune', url: 'https://evil.example/*' })
    expect(prune.code).toBe(0)
    expect(prune.outputs.count).toBe('4')
    expect(server.webhooks.size).toBe(0)
    expectOnlyOwnCommands(prune)

    server.seed(hostile.map((webhook) => ({ ...webhook })))
    const deleted = await runStep({ operation: 'delete', url: 'https://evil.example/one' })
    expect(deleted.code).toBe(0)
    expectOnlyOwnCommands(deleted)
  })

  it('create with if-exists replace prints the replaced webhook inertly', async () => {
    server.seed(hostile.map((webhook) => ({ ...webhook })))
    const result = await runStep(createInputs({ url: 'https://evil.example/one', 'if-exists': 'replace' }))
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
    const result = await runStep(createInputs())
    expect(result.code).toBe(1)
    expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks'])
    expect(annotations(result, 'error')).toEqual(['POST /webhooks failed: 400 Bad Request: bad ::error::pwned'])
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
    const result = await runStep({ operation: 'list' })
    expect(result.code).toBe(1)
    expect(annotations(result, 'error')).toHaveLength(1)
    expect(annotations(result, 'error')[0]).toMatch(
      /^GET \/webhooks failed: 422 Unprocessable Entity: ::warning::pwned ::set-output name=x::pwned key \*\*\* \(request id req_1 ::error::pwned\)$/
    )
    expectOnlyOwnCommands(result)
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
    const result = await runStep({ operation: 'list' })
    expect(result.code).toBe(0)
    expect(result.log.text).not.toMatch(RAW)
    expect(result.summary).not.toMatch(RAW)
    expect(result.log.text).toContain('wh_a\\udb40\\udc50\\udb40\\udc57\\udb40\\udc4e\\ufff9')
    // The outputs keep the id as the API sent it, so that it can be deleted.
    expect(JSON.parse(result.outputs.webhooks)[0].id).toBe(id)
  })
})

describe('bidi and zero-width characters are shown escaped', () => {
  const hidden = [
    ...['200b', '200c', '200d', '200e', '200f'],
    ...['202a', '202b', '202c', '202d', '202e'],
    ...['2066', '2067', '2068', '2069'],
    'feff'
  ]
  const char = (hex: string) => String.fromCharCode(parseInt(hex, 16))

  it('each of them, in an id, a url and a description: the log and the summary show \\uXXXX, never the character', async () => {
    server.seed([
      {
        id: `wh_prod${char('200b')}`,
        url: `https://evil.example/${char('202e')}gnp.exe`,
        events: ['call.ended'],
        description: hidden.map(char).join(' ')
      }
    ])
    const result = await runStep({ operation: 'list' })
    expect(result.code).toBe(0)
    expect(result.log.text).toContain('- wh_prod\\u200b https://evil.example/\\u202egnp.exe')
    for (const [where, text] of [
      ['log', result.log.text],
      ['summary', result.summary]
    ]) {
      for (const hex of hidden) {
        expect(text, `${where}: U+${hex} raw`).not.toContain(char(hex))
        expect(text, `${where}: U+${hex} escaped`).toContain(`\\u${hex}`)
      }
    }
  })

  it('delete by url: the log tells wh_prod + U+200B from wh_prod, which is left alone', async () => {
    server.seed([
      { id: 'wh_prod', url: 'https://prod.example.com/hooks', events: ['call.ended'] },
      { id: `wh_prod${char('200b')}`, url: URL_PREVIEW, events: ['call.ended'] }
    ])
    const result = await runStep({ operation: 'delete', url: URL_PREVIEW })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks', 'DELETE /webhooks/wh_prod%E2%80%8B'])
    expect(result.log.text).toMatch(/^Deleted: wh_prod\\u200b https:\/\/preview-7/m)
    expect(ids(server)).toEqual(['wh_prod'])
  })
})
