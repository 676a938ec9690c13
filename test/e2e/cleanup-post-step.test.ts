// cleanup: true through the bundles, main step then post step as the runner runs them (run-action.mjs:
// the state file read as the runner reads it, each entry handed to the post step as STATE_<name>): the
// post step deletes what the main step created, and only that.
import { describe, expect, it } from 'vitest'
import { annotations, runStep, sent, useRevontServer } from '../support/harness.js'
import { endpoint, expectIdlePost, MAIN_STEP, THIS_RUN, WORKFLOW_RUN } from '../support/post-step.js'
import { startRevontServer } from '../support/revont-server.mjs'

const server = useRevontServer({}, { inputs: MAIN_STEP, env: WORKFLOW_RUN, clock: 100 })

describe('cleanup: true', () => {
  it('saves what the post step needs before the POST; the post step deletes the webhook created, and only it', async () => {
    const [other] = server.seed([{ id: 'wh_other', url: endpoint, events: ['call.ended'] }])
    const main = await runStep()
    expect(main.code).toBe(0)
    const created = main.outputs.id
    expect(main.state).toEqual({
      cleanup: JSON.stringify({ url: endpoint, events: ['call.ended'], description: THIS_RUN, existingIds: [other.id] }),
      createdId: created
    })
    const before = server.requests.length
    const post = await main.post()
    expect(post.code).toBe(0)
    expect(sent(before)).toEqual([`DELETE /webhooks/${created}`])
    expect([...server.webhooks.keys()]).toEqual([other.id])
    expect(post.log.annotations).toEqual([])
    expect(post.summary).toContain('Revont webhooks: cleanup')
    expect(post.summary).toMatch(new RegExp(`<td>deleted</td><td>${created}</td>`))
  })

  it('counts a webhook already gone (404) as cleaned up', async () => {
    const main = await runStep()
    server.webhooks.delete(main.outputs.id)
    const post = await main.post()
    expect(post.code).toBe(0)
    expect(post.log.annotations).toEqual([])
    expect(post.summary).toContain('already gone')
  })

  it('deletes what the step created when the step then failed (replace, whose DELETE of the old one got 403)', async () => {
    server.seed([{ id: 'wh_old', url: endpoint, events: ['call.ended'] }])
    server.inject({ method: 'DELETE', status: 403 })
    const main = await runStep({ 'if-exists': 'replace' })
    expect(main.code).toBe(1)
    const created = main.outputs.id
    expect(server.webhooks.has(created)).toBe(true)
    const post = await main.post()
    expect(post.code).toBe(0)
    expect(server.webhooks.has(created)).toBe(false)
    // The old one was there before the step: never the post step's to delete.
    expect([...server.webhooks.keys()]).toEqual(['wh_old'])
  })

  it('post with the API down: a warning naming the id to delete by hand and prune; the job does not fail', async () => {
    const down = await startRevontServer()
    const main = await runStep({}, { server: down })
    await down.close()
    const post = await main.post()
    expect(post.code).toBe(0)
    expect(annotations(post, 'error')).toEqual([])
    expect(annotations(post, 'warning')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Cleanup failed: DELETE /webhooks/${main.outputs.id} failed: .*\\. Delete webhook ${main.outputs.id} by hand, or let a scheduled prune`
        )
      )
    ])
  })

  it('post refused (403): the same warning, and the webhook stays', async () => {
    const main = await runStep()
    server.inject({ method: 'DELETE', status: 403 })
    const post = await main.post()
    expect(post.code).toBe(0)
    expect(annotations(post, 'warning')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Cleanup failed: DELETE /webhooks/${main.outputs.id} failed: 403 Forbidden: .*\\. Delete webhook ${main.outputs.id} by hand`
        )
      )
    ])
    expect(server.webhooks.has(main.outputs.id)).toBe(true)
  })

  it.each([
    ['a reused webhook', { 'if-exists': 'reuse' }],
    ['a dry run', { 'dry-run': 'true' }]
  ])('leaves nothing to clean after %s', async (_, inputs) => {
    server.seed([{ id: 'wh_old', url: endpoint, events: ['call.ended'] }])
    const main = await runStep(inputs)
    expect(main.code).toBe(0)
    expect(main.state).toEqual({})
    const before = server.requests.length
    expectIdlePost(await main.post(), before)
    expect(server.webhooks.has('wh_old')).toBe(true)
  })
})

describe('without cleanup', () => {
  it.each([
    ['create without cleanup', { cleanup: 'false' }],
    ['create with the default', { cleanup: '' }],
    ['list', { operation: 'list' }],
    ['a bad input', { cleanup: 'yes' }]
  ])('%s: the post step sends no request', async (_, inputs) => {
    const main = await runStep(inputs)
    const before = server.requests.length
    expectIdlePost(await main.post(), before)
  })
})
