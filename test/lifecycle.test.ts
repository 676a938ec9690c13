// The preview-deploy lifecycle through the bundled action: if-exists modes, teardown by URL, prune,
// dry runs and step summaries, against the loopback server.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startRevontServer } from './server/revont-server.mjs'
import { runAction } from './runner/run-action.mjs'
import { widestWebhooks } from './widest-webhooks.js'

let server: Awaited<ReturnType<typeof startRevontServer>>

beforeAll(async () => {
  server = await startRevontServer()
})
afterAll(() => server.close())
beforeEach(() => server.reset())

function run(inputs: Record<string, string>) {
  return runAction({ inputs: { 'api-url': server.url, 'api-key': server.apiKey, description: 'test', ...inputs } })
}

/** Method and path of each request the server received, without the /v1 base. */
function sent(): string[] {
  return server.requests.map((request) => `${request.method} ${request.path.replace('/v1', '')}`)
}

function annotations(result: { commands: Array<{ name: string; data: string }> }, name: string): string[] {
  return result.commands.filter((command) => command.name === name).map((command) => command.data)
}

const preview = 'https://pr-7.preview.example.com/hooks/revont'
const production = 'https://hooks.example.com/revont'
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString()

function seedPreviewAndProduction() {
  return server.seed([
    { id: 'wh_prod', url: production, events: ['call.ended'] },
    { id: 'wh_old', url: preview, events: ['summary.ready', 'call.ended'] }
  ])
}

describe('create with if-exists', () => {
  it('create registers another webhook beside the existing one', async () => {
    seedPreviewAndProduction()
    const result = await run({ operation: 'create', url: preview, events: 'call.ended' })
    expect(result.code).toBe(0)
    expect([...server.webhooks.values()].filter((webhook) => webhook.url === preview)).toHaveLength(2)
    expect(result.outputs['deleted-ids']).toBe('[]')
  })

  it('reuse keeps an active webhook with the same set of events: no change, no secret, a notice', async () => {
    seedPreviewAndProduction()
    const result = await run({ operation: 'create', url: preview, events: 'call.ended, summary.ready', 'if-exists': 'reuse' })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks'])
    expect(result.outputs).toMatchObject({ id: 'wh_old', created: 'false', secret: '', 'deleted-ids': '[]' })
    expect(JSON.parse(result.outputs.webhook).id).toBe('wh_old')
    expect(annotations(result, 'notice')[0]).toContain('cannot be read again')
    expect(result.summary).toContain('reused')
  })

  it.each([
    ['different events', { events: ['call.ended'] }],
    ['a disabled webhook', { events: ['call.ended', 'summary.ready'], status: 'disabled' }]
  ])('reuse replaces %s', async (_, existing) => {
    server.seed([{ id: 'wh_old', url: preview, ...existing }])
    const result = await run({ operation: 'create', url: preview, events: 'call.ended,summary.ready', 'if-exists': 'reuse' })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks', 'DELETE /webhooks/wh_old'])
    expect(result.outputs).toMatchObject({ created: 'true', 'deleted-ids': '["wh_old"]' })
    expect(result.outputs.secret).toBe(server.secrets.at(-1))
  })

  it('replace creates the new webhook first, then deletes every old one with that URL and no other', async () => {
    seedPreviewAndProduction()
    server.seed([{ id: 'wh_older', url: 'HTTPS://PR-7.preview.example.com:443/hooks/revont', events: ['x'] }])
    const result = await run({ operation: 'create', url: preview, events: 'call.ended', 'if-exists': 'replace' })
    expect(result.code).toBe(0)
    expect(sent().slice(0, 2)).toEqual(['GET /webhooks', 'POST /webhooks'])
    expect(sent().slice(2).sort()).toEqual(['DELETE /webhooks/wh_old', 'DELETE /webhooks/wh_older'])
    expect(JSON.parse(result.outputs['deleted-ids']).sort()).toEqual(['wh_old', 'wh_older'])
    expect([...server.webhooks.keys()].sort()).toEqual(['wh_prod', result.outputs.id].sort())
    expect(result.summary).toMatch(/created[\s\S]*deleted/)
  })

  it('fail changes nothing when the URL is taken', async () => {
    seedPreviewAndProduction()
    const result = await run({ operation: 'create', url: preview, events: 'call.ended', 'if-exists': 'fail' })
    expect(result.code).toBe(1)
    expect(annotations(result, 'error')).toEqual([
      `1 webhook(s) with url ${preview} exist already (wh_old); if-exists is fail, so nothing was changed`
    ])
    expect(sent()).toEqual(['GET /webhooks'])
  })

  it('keeps the new secret in the outputs when deleting an old webhook then fails', async () => {
    seedPreviewAndProduction()
    server.inject({ method: 'DELETE', status: 403 })
    const result = await run({ operation: 'create', url: preview, events: 'call.ended', 'if-exists': 'replace' })
    expect(result.code).toBe(1)
    expect(annotations(result, 'error')[0]).toMatch(/^1 of 1 deletes failed: DELETE \/webhooks\/wh_old failed: 403 Forbidden/)
    expect(result.outputs).toMatchObject({ created: 'true', secret: server.secrets.at(-1), 'deleted-ids': '[]' })
    expect(server.webhooks.has(result.outputs.id)).toBe(true)
  })
})

describe('delete by url', () => {
  it('deletes every webhook with that URL, compared after normalisation, and no other', async () => {
    seedPreviewAndProduction()
    server.seed([
      { id: 'wh_dup', url: preview, events: ['call.ended'] },
      { id: 'wh_near', url: `${preview}/v2`, events: ['call.ended'] }
    ])
    const result = await run({ operation: 'delete', url: 'https://PR-7.preview.example.com/hooks/./revont' })
    expect(result.code).toBe(0)
    expect(JSON.parse(result.outputs['deleted-ids']).sort()).toEqual(['wh_dup', 'wh_old'])
    expect(result.outputs.count).toBe('2')
    expect(result.outputs.id).toBeUndefined()
    expect([...server.webhooks.keys()].sort()).toEqual(['wh_near', 'wh_prod'])
  })

  it('passes with a warning when re-run after the teardown succeeded', async () => {
    seedPreviewAndProduction()
    expect((await run({ operation: 'delete', url: preview })).code).toBe(0)
    const again = await run({ operation: 'delete', url: preview })
    expect(again.code).toBe(0)
    expect(annotations(again, 'warning')).toEqual([`No webhook has url ${preview}: nothing to delete`])
    expect(again.outputs).toMatchObject({ count: '0', 'deleted-ids': '[]' })
    expect(server.webhooks.has('wh_prod')).toBe(true)
  })

  it('deletes 8 at a time: never more in flight, and not one by one', async () => {
    const slow = await startRevontServer({ delayMs: { DELETE: 20 } })
    try {
      slow.seed(Array.from({ length: 40 }, (_, i) => ({ id: `wh_${i}`, url: preview, events: ['call.ended'] })))
      const result = await runAction({
        inputs: { 'api-url': slow.url, 'api-key': slow.apiKey, operation: 'delete', url: preview }
      })
      expect(result.code).toBe(0)
      expect(result.outputs.count).toBe('40')
      expect(slow.webhooks.size).toBe(0)
      expect(slow.maxInFlight).toBe(8)
    } finally {
      await slow.close()
    }
  })
})

describe('list by url', () => {
  it('outputs only the webhooks with that URL', async () => {
    seedPreviewAndProduction()
    const result = await run({ operation: 'list', url: preview })
    expect(JSON.parse(result.outputs.webhooks).map((webhook: { id: string }) => webhook.id)).toEqual(['wh_old'])
    expect(result.outputs.count).toBe('1')
  })

  it('with 5,000 webhooks past 1 MB: empty webhooks and a warning, the whole list in the file, a bounded summary', async () => {
    server.seed(
      Array.from({ length: 5000 }, (_, i) => ({
        id: `wh_${i}`,
        url: `https://pr-${i}.preview.example.com/hooks/revont`,
        events: ['call.ended', 'summary.ready'],
        description: `Preview ${i} <b>|</b> ${'x'.repeat(200)}`
      }))
    )
    const result = await run({ operation: 'list' })
    expect(result.code).toBe(0)
    expect(result.outputs.webhooks).toBe('')
    expect(result.outputs.count).toBe('5000')
    expect(annotations(result, 'warning')[0]).toContain("read 'webhooks-file' instead")
    expect(JSON.parse(readFileSync(result.outputs['webhooks-file'], 'utf8'))).toHaveLength(5000)
    expect(Buffer.byteLength(result.summary)).toBeLessThan(1024 * 1024)
    expect(result.summary).toContain('5000 webhooks listed')
    expect(result.summary).toContain('… and 4900 more')
    expect(result.summary).not.toContain('<b>')
  })

  it('keeps the summary under 1 MiB when every character of every field needs escaping', async () => {
    server.seed(widestWebhooks(2000))
    const result = await run({ operation: 'list' })
    expect(result.code).toBe(0)
    expect(Buffer.byteLength(result.summary)).toBeGreaterThan(700_000)
    expect(Buffer.byteLength(result.summary)).toBeLessThan(1024 * 1024)
    expect(result.summary).toContain('… and 1900 more, not shown here')
  })

  it('drops fields the API sent with the wrong type, and fields it does not document, instead of failing', async () => {
    server.seed([
      { id: 'wh_odd', url: preview, events: ['call.ended', 7], description: 42, status: { state: 'active' }, created_at: 0, x: 1 }
    ])
    const result = await run({ operation: 'list' })
    expect(result.code).toBe(0)
    expect(JSON.parse(result.outputs.webhooks)).toEqual([{ id: 'wh_odd', url: preview, events: ['call.ended'] }])
    expect(result.summary).not.toContain('42')
  })
})

describe('prune', () => {
  it('deletes the webhooks whose URL matches the pattern and that are old enough, and no other', async () => {
    server.seed([
      { id: 'wh_stale', url: 'https://pr-1.preview.example.com/hooks/revont', events: ['a'], created_at: hoursAgo(30) },
      { id: 'wh_stale2', url: 'https://pr-22.preview.example.com/hooks/x', events: ['a'], created_at: hoursAgo(25) },
      { id: 'wh_fresh', url: 'https://pr-3.preview.example.com/hooks/revont', events: ['a'], created_at: hoursAgo(1) },
      { id: 'wh_prod', url: production, events: ['a'], created_at: hoursAgo(1000) },
      { id: 'wh_lookalike', url: 'https://pr-4.preview.example.com.evil.test/hooks', events: ['a'], created_at: hoursAgo(1000) }
    ])
    const result = await run({ operation: 'prune', url: 'https://pr-*.preview.example.com/*', 'older-than': '24h' })
    expect(result.code).toBe(0)
    expect(JSON.parse(result.outputs['deleted-ids']).sort()).toEqual(['wh_stale', 'wh_stale2'])
    expect(result.outputs.count).toBe('2')
    expect([...server.webhooks.keys()].sort()).toEqual(['wh_fresh', 'wh_lookalike', 'wh_prod'])
  })

  it('normalises the pattern: capitals and a default port match, a pattern without a path matches only /', async () => {
    seedPreviewAndProduction()
    const result = await run({ operation: 'prune', url: 'HTTPS://PR-*.Preview.Example.com' })
    expect(result.code).toBe(0)
    expect(result.outputs['deleted-ids']).toBe('[]')
    const withPath = await run({ operation: 'prune', url: 'HTTPS://PR-*.Preview.Example.com:443/*' })
    expect(withPath.outputs['deleted-ids']).toBe('["wh_old"]')
  })

  it('deletes webhooks whose ids are . or .. at their own path, never at the collection', async () => {
    server.seed([
      { id: '.', url: preview, events: ['a'] },
      { id: '..', url: preview, events: ['a'] }
    ])
    const result = await run({ operation: 'prune', url: 'https://pr-*.preview.example.com/*' })
    expect(result.code).toBe(0)
    expect(sent().slice(1).sort()).toEqual(['DELETE /webhooks/%2E', 'DELETE /webhooks/%2E%2E'])
    expect(server.webhooks.size).toBe(0)
  })

  it('without older-than deletes every match', async () => {
    seedPreviewAndProduction()
    const result = await run({ operation: 'prune', url: 'https://pr-*.preview.example.com/*' })
    expect(result.outputs['deleted-ids']).toBe('["wh_old"]')
    expect([...server.webhooks.keys()]).toEqual(['wh_prod'])
  })

  it('is refused without a pattern, before any request', async () => {
    const result = await run({ operation: 'prune' })
    expect(result.code).toBe(1)
    expect(annotations(result, 'error')[0]).toContain("Input 'url' is required for prune")
    expect(server.requests).toEqual([])
  })
})

describe('dry-run', () => {
  it.each([
    [{ operation: 'create', url: preview, events: 'call.ended', 'if-exists': 'replace' }, ['would create', 'would delete']],
    [{ operation: 'delete', url: preview }, ['would delete']],
    [{ operation: 'delete', id: 'wh_old' }, ['would delete']],
    [{ operation: 'prune', url: 'https://pr-*.preview.example.com/*' }, ['would delete']]
  ])('%j reads, decides and reports, and sends no POST or DELETE', async (inputs, changes) => {
    seedPreviewAndProduction()
    const result = await run({ ...inputs, 'dry-run': 'true' })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks'])
    expect(server.webhooks.size).toBe(2)
    expect(result.summary).toContain('dry run: nothing was changed')
    for (const change of changes) expect(result.summary).toContain(change)
    expect(result.outputs['deleted-ids']).toBe('["wh_old"]')
    if (inputs.operation === 'create') expect(result.outputs).toMatchObject({ created: 'false', secret: '', id: '' })
  })
})
