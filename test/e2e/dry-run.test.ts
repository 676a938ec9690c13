// dry-run through the bundled action: every operation reads, decides and reports, and changes nothing.
import { describe, expect, it } from 'vitest'
import { preview, seedPreviewAndProduction } from '../support/fixtures.js'
import { runStep, sent, useRevontServer } from '../support/harness.js'

const server = useRevontServer({}, { inputs: { description: 'test' } })

describe('dry-run', () => {
  it.each([
    [{ operation: 'create', url: preview, events: 'call.ended', 'if-exists': 'replace' }, ['would create', 'would delete']],
    [{ operation: 'delete', url: preview }, ['would delete']],
    [{ operation: 'delete', id: 'wh_old' }, ['would delete']],
    [{ operation: 'prune', url: 'https://pr-*.preview.example.com/*' }, ['would delete']]
  ])('%j reads, decides and reports, and sends no POST or DELETE', async (inputs, changes) => {
    seedPreviewAndProduction(server)
    const result = await runStep({ ...inputs, 'dry-run': 'true' })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks'])
    expect(server.webhooks.size).toBe(2)
    expect(result.summary).toContain('dry run: nothing was changed')
    for (const change of changes) expect(result.summary).toContain(change)
    expect(result.outputs['deleted-ids']).toBe('["wh_old"]')
    if (inputs.operation === 'create') expect(result.outputs).toMatchObject({ created: 'false', secret: '', id: '' })
  })
})
