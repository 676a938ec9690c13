// delete through the bundled action: by id (if-missing), by url (compared after normalisation, every
// match, 8 at a time).
import { describe, expect, it } from 'vitest'
import { preview, seedPreviewAndProduction } from '../support/fixtures.js'
import { annotations, runStep, useRevontServer } from '../support/harness.js'
import { startRevontServer } from '../support/revont-server.mjs'

const server = useRevontServer()

const endpoint = 'https://preview-7.example.com/hooks/revont'

describe('delete by id', () => {
  it('deletes the webhook with one request and outputs its id', async () => {
    server.seed([
      { id: 'wh_gone', url: endpoint, events: ['call.ended'] },
      { id: 'wh_kept', url: endpoint, events: ['a'] }
    ])
    const result = await runStep({ operation: 'delete', id: 'wh_gone' })
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({ id: 'wh_gone', count: '1', 'deleted-ids': '["wh_gone"]' })
    expect([...server.webhooks.keys()]).toEqual(['wh_kept'])
    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['DELETE /v1/webhooks/wh_gone'])
  })

  it.each([
    ['warn', 0, 'warning'],
    ['ignore', 0, undefined],
    ['fail', 1, 'error']
  ])('with if-missing %s, a missing id exits %i', async (ifMissing, code, annotation) => {
    const result = await runStep({ operation: 'delete', id: 'wh_nope', 'if-missing': ifMissing })
    expect(result.code).toBe(code)
    expect(result.outputs).toMatchObject({ count: '0', 'deleted-ids': '[]', id: '' })
    const annotations = result.commands.filter((command) => ['warning', 'error'].includes(command.name))
    expect(annotations.map((command) => command.name)).toEqual(annotation ? [annotation] : [])
    if (annotation) expect(annotations[0].data).toContain('No webhook has id wh_nope')
  })
})

describe('delete by url', () => {
  it('deletes every webhook with that URL, compared after normalisation, and no other', async () => {
    seedPreviewAndProduction(server)
    server.seed([
      { id: 'wh_dup', url: preview, events: ['call.ended'] },
      { id: 'wh_near', url: `${preview}/v2`, events: ['call.ended'] }
    ])
    const result = await runStep({ operation: 'delete', url: 'https://PR-7.preview.example.com/hooks/./revont' })
    expect(result.code).toBe(0)
    expect(JSON.parse(result.outputs['deleted-ids']).sort()).toEqual(['wh_dup', 'wh_old'])
    expect(result.outputs.count).toBe('2')
    expect(result.outputs.id).toBeUndefined()
    expect([...server.webhooks.keys()].sort()).toEqual(['wh_near', 'wh_prod'])
  })

  it('passes with a warning when re-run after the teardown succeeded', async () => {
    seedPreviewAndProduction(server)
    expect((await runStep({ operation: 'delete', url: preview })).code).toBe(0)
    const again = await runStep({ operation: 'delete', url: preview })
    expect(again.code).toBe(0)
    expect(annotations(again, 'warning')).toEqual([`No webhook has url ${preview}: nothing to delete`])
    expect(again.outputs).toMatchObject({ count: '0', 'deleted-ids': '[]' })
    expect(server.webhooks.has('wh_prod')).toBe(true)
  })

  it('deletes 8 at a time: never more in flight, and not one by one', async () => {
    const slow = await startRevontServer({ delayMs: { DELETE: 20 } })
    try {
      slow.seed(Array.from({ length: 40 }, (_, i) => ({ id: `wh_${i}`, url: preview, events: ['call.ended'] })))
      const result = await runStep({ operation: 'delete', url: preview }, { server: slow })
      expect(result.code).toBe(0)
      expect(result.outputs.count).toBe('40')
      expect(slow.webhooks.size).toBe(0)
      expect(slow.maxInFlight).toBe(8)
    } finally {
      await slow.close()
    }
  })
})
