// Hostile inputs through the bundled action: text that would become a workflow command, a new line or a
// hidden character, in every input of every operation. Each is refused or used, and printed inertly.
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { annotations, runStep, useRevontServer } from '../support/harness.js'
import { HOSTILE, hostileWebhooks, INERT_STEPS, URL_A } from '../support/hostile-text.js'

const API_KEY = `rk_hostile_${randomBytes(12).toString('hex')}`
const server = useRevontServer({ apiKey: API_KEY }, INERT_STEPS)

describe('list', () => {
  it.each(HOSTILE)('a hostile url filter input %j', async (url) => {
    server.seed(hostileWebhooks('https://evil.example/'))
    await runStep({ operation: 'list', url: `https://evil.example/${url}` })
  })
})

describe('create', () => {
  it.each([
    ['description', { description: HOSTILE.join('\n') }],
    ['events', { events: JSON.stringify(HOSTILE) }],
    ['url', { url: `${URL_A}/x\n::warning::PWN ##[error]PWN` }],
    ['if-exists', { 'if-exists': '##[error]PWN\n::warning::PWN' }],
    ['timeout-seconds', { 'timeout-seconds': 'x\r::warning::PWN' }],
    ['max-retries', { 'max-retries': '##[stop-commands]tok' }],
    ['dry-run', { 'dry-run': '%0A::warning::PWN' }]
  ])('a hostile %s input', async (_, inputs) => {
    await runStep({ operation: 'create', url: URL_A, events: 'call.ended', ...inputs })
  })

  it.each(HOSTILE)('a lost POST answer: the orphan clean-up prints a description of %j inertly', async (description) => {
    server.inject({ method: 'POST', path: '/webhooks', reset: 'after' })
    const result = await runStep({ operation: 'create', url: URL_A, events: 'call.ended', description })
    expect(result.code).toBe(0)
    expect(result.outputs.secret).toBe(server.secrets.at(-1))
  })
})

describe('delete', () => {
  it.each(HOSTILE)('by a hostile id %j', async (id) => {
    await runStep({ operation: 'delete', id })
  })

  it.each(HOSTILE)('by a hostile url input %j', async (text) => {
    server.seed(hostileWebhooks('https://evil.example/'))
    await runStep({ operation: 'delete', url: `https://evil.example/0/${text}`, 'if-missing': 'warn' })
  })
})

describe('prune', () => {
  it.each([
    ['url', { url: `https://pr-*.preview.example.com/*\n::warning::PWN ##[error]PWN` }],
    ['older-than', { url: 'https://pr-*.preview.example.com/*', 'older-than': '##[error]PWN\r::warning::PWN' }],
    ['dry-run', { url: 'https://pr-*.preview.example.com/*', 'dry-run': 'x\n::warning::PWN' }]
  ])('a hostile %s input', async (_, inputs) => {
    server.seed(hostileWebhooks('https://pr-1.preview.example.com/'))
    await runStep({ operation: 'prune', ...inputs })
  })
})

describe('api-key', () => {
  it('of more lines than can be masked: one error naming the input, no request, and a post step that does not fail', async () => {
    const key = Array.from({ length: 1001 }, (_, line) => `key-line-${line}`).join('\n')
    const from = server.requests.length
    const main = await runStep({ operation: 'create', url: URL_A, events: 'call.ended', cleanup: 'true', 'api-key': key })
    expect(main.code).toBe(1)
    expect(annotations(main, 'error')).toEqual(["Input 'api-key' must be printable ASCII without spaces or control characters"])
    const post = await main.post()
    expect(post.code).toBe(0)
    expect(post.stderr).toBe('')
    expect(annotations(post, 'warning')).toEqual([
      expect.stringContaining("Nothing was cleaned up: Input 'api-key' must be printable ASCII")
    ])
    expect(server.requests.length).toBe(from)
  })
})
