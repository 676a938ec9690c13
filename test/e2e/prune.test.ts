// prune through the bundled action: the URL pattern, older-than, ids that are path segments, and how
// many failed deletes are reported (a short error, every one in a bounded summary).
import { describe, expect, it } from 'vitest'
import { preview, production, seedPreviewAndProduction, seedPreviews } from '../support/fixtures.js'
import { annotations, runStep, sent, useRevontServer } from '../support/harness.js'
import { WIDEST, widestWebhooks } from '../support/widest-webhooks.js'

const server = useRevontServer({}, { inputs: { description: 'test' } })

const PATTERN = 'https://pr-*.preview.example.com/*'
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString()

describe('prune', () => {
  it('deletes the webhooks whose URL matches the pattern and that are old enough, and no other', async () => {
    server.seed([
      { id: 'wh_stale', url: 'https://pr-1.preview.example.com/hooks/revont', events: ['a'], created_at: hoursAgo(30) },
      { id: 'wh_stale2', url: 'https://pr-22.preview.example.com/hooks/x', events: ['a'], created_at: hoursAgo(25) },
      { id: 'wh_fresh', url: 'https://pr-3.preview.example.com/hooks/revont', events: ['a'], created_at: hoursAgo(1) },
      { id: 'wh_prod', url: production, events: ['a'], created_at: hoursAgo(1000) },
      { id: 'wh_lookalike', url: 'https://pr-4.preview.example.com.evil.test/hooks', events: ['a'], created_at: hoursAgo(1000) }
    ])
    const result = await runStep({ operation: 'prune', url: 'https://pr-*.preview.example.com/*', 'older-than': '24h' })
    expect(result.code).toBe(0)
    expect(JSON.parse(result.outputs['deleted-ids']).sort()).toEqual(['wh_stale', 'wh_stale2'])
    expect(result.outputs.count).toBe('2')
    expect([...server.webhooks.keys()].sort()).toEqual(['wh_fresh', 'wh_lookalike', 'wh_prod'])
  })

  it('normalises the pattern: capitals and a default port match, a pattern without a path matches only /', async () => {
    seedPreviewAndProduction(server)
    const result = await runStep({ operation: 'prune', url: 'HTTPS://PR-*.Preview.Example.com' })
    expect(result.code).toBe(0)
    expect(result.outputs['deleted-ids']).toBe('[]')
    const withPath = await runStep({ operation: 'prune', url: 'HTTPS://PR-*.Preview.Example.com:443/*' })
    expect(withPath.outputs['deleted-ids']).toBe('["wh_old"]')
  })

  it('deletes webhooks whose ids are . or .. at their own path, never at the collection', async () => {
    server.seed([
      { id: '.', url: preview, events: ['a'] },
      { id: '..', url: preview, events: ['a'] }
    ])
    const result = await runStep({ operation: 'prune', url: 'https://pr-*.preview.example.com/*' })
    expect(result.code).toBe(0)
    expect(sent().slice(1).sort()).toEqual(['DELETE /webhooks/%2E', 'DELETE /webhooks/%2E%2E'])
    expect(server.webhooks.size).toBe(0)
  })

  it('without older-than deletes every match', async () => {
    seedPreviewAndProduction(server)
    const result = await runStep({ operation: 'prune', url: 'https://pr-*.preview.example.com/*' })
    expect(result.outputs['deleted-ids']).toBe('["wh_old"]')
    expect([...server.webhooks.keys()]).toEqual(['wh_prod'])
  })

  it('is refused without a pattern, before any request', async () => {
    const result = await runStep({ operation: 'prune' })
    expect(result.code).toBe(1)
    expect(annotations(result, 'error')[0]).toContain("Input 'url' is required for prune")
    expect(server.requests).toEqual([])
  })
})

describe('many failed deletes', () => {
  it('200 deletes answered 403: a short error with the count and 10 of them, and every one in the summary', async () => {
    seedPreviews(server, 200)
    server.inject({ method: 'DELETE', status: 403, times: 200 })
    const result = await runStep({ operation: 'prune', url: PATTERN })
    expect(result.code).toBe(1)
    expect(annotations(result, 'error')).toHaveLength(1)
    const [error] = annotations(result, 'error')
    expect(error.length).toBeLessThan(2000)
    expect(error).toMatch(/^200 of 200 deletes failed: /)
    expect(error.match(/failed: 403 Forbidden/g)).toHaveLength(10)
    expect(error).toMatch(/; and 190 more: see the step summary$/)
    expect(result.summary).toContain('200 failed:')
    for (let i = 0; i < 200; i++) expect(result.summary).toContain(`<code>wh_${i}</code>`)
    expect(result.summary.match(/403 Forbidden: injected 403/g)).toHaveLength(200)
    expect(result.outputs.count).toBe('0')
  })

  it('keeps the summary under 1 MiB with a full table of deletes and 1,800 failures whose every character needs escaping', async () => {
    server.seed(widestWebhooks(2000))
    server.inject({ method: 'DELETE', status: 403, body: JSON.stringify({ error: WIDEST }), times: 1800 })
    const result = await runStep({ operation: 'prune', url: 'https://pr-*.preview.example.com/*' })
    expect(result.code).toBe(1)
    expect(result.outputs.count).toBe('200')
    expect(annotations(result, 'error')[0].length).toBeLessThan(2000)
    expect(Buffer.byteLength(result.summary)).toBeLessThan(1024 * 1024)
    expect(result.summary).toContain('… and 100 more, not shown here')
    const failures = result.summary.slice(result.summary.indexOf('<p>1800 failed:</p>'))
    expect(Buffer.byteLength(failures)).toBeGreaterThan(140_000)
    expect(result.summary).toMatch(/… and \d+ more, not shown here\.<\/p>\s*$/)
  })
})
