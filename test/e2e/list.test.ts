// list through the bundled action: the outputs, the webhooks-file, a url filter, and a summary that stays
// bounded however many webhooks there are and however much of their text needs escaping.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { preview, seedPreviewAndProduction } from '../support/fixtures.js'
import { annotations, runStep, useRevontServer } from '../support/harness.js'
import { widestWebhooks } from '../support/widest-webhooks.js'

const server = useRevontServer()

const endpoint = 'https://preview-7.example.com/hooks/revont'

describe('list', () => {
  it('outputs the webhooks as JSON, in a file under RUNNER_TEMP, and counts them', async () => {
    server.seed([
      { id: 'wh_a', url: endpoint, events: ['call.ended'] },
      { id: 'wh_b', url: 'https://other.example.com/x', events: ['call.ended'] }
    ])
    const result = await runStep({ operation: 'list' })
    expect(result.code).toBe(0)
    expect(JSON.parse(result.outputs.webhooks).map((webhook: { id: string }) => webhook.id)).toEqual(['wh_a', 'wh_b'])
    expect(result.outputs.count).toBe('2')
    expect(result.outputs['webhooks-file'].startsWith(result.dir)).toBe(true)
    expect(readFileSync(result.outputs['webhooks-file'], 'utf8')).toBe(result.outputs.webhooks)
    expect(server.requests).toHaveLength(1)
  })
})

describe('list by url', () => {
  it('outputs only the webhooks with that URL', async () => {
    seedPreviewAndProduction(server)
    const result = await runStep({ operation: 'list', url: preview })
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
    const result = await runStep({ operation: 'list' })
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
    const result = await runStep({ operation: 'list' })
    expect(result.code).toBe(0)
    expect(Buffer.byteLength(result.summary)).toBeGreaterThan(700_000)
    expect(Buffer.byteLength(result.summary)).toBeLessThan(1024 * 1024)
    expect(result.summary).toContain('… and 1900 more, not shown here')
  })

  it('drops fields the API sent with the wrong type, and fields it does not document, instead of failing', async () => {
    server.seed([
      { id: 'wh_odd', url: preview, events: ['call.ended', 7], description: 42, status: { state: 'active' }, created_at: 0, x: 1 }
    ])
    const result = await runStep({ operation: 'list' })
    expect(result.code).toBe(0)
    expect(JSON.parse(result.outputs.webhooks)).toEqual([{ id: 'wh_odd', url: preview, events: ['call.ended'] }])
    expect(result.summary).not.toContain('42')
  })
})
