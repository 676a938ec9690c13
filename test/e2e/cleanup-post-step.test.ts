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
    expect(sent(before)).toEqual(['GET /webhooks', `DELETE /webhooks/${created}`])
    expect([...server.webhooks.keys()]).toEqual([other.id])
    expect(post.log.annotations).toEqual([])
    expect(post.summary).toContain('Revont webhooks: cleanup')
    expect(post.summary).toMatch(new RegExp(`<td>deleted</td><td>${created}</td>`))
  })

  it('a webhook like it that another job of this run made after the step is not for the post step to delete', async () => {
    const main = await runStep()
    expect(main.code).toBe(0)
    expect(main.state).not.toHaveProperty('lostAnswer')
    // Same url, description (the run id and attempt) and events: what a sibling job's create makes.
    const [sibling] = server.seed([{ id: 'wh_sibling_job', url: endpoint, events: ['call.ended'], description: THIS_RUN }])
    const before = server.requests.length
    const post = await main.post()
    expect(post.code).toBe(0)
    expect(sent(before)).toEqual(['GET /webhooks', `DELETE /webhooks/${main.outputs.id}`])
    expect([...server.webhooks.keys()]).toEqual([sibling.id])
    expect(post.log.annotations).toEqual([])
  })

  it('counts a webhook already gone as cleaned up', async () => {
    const main = await runStep()
    server.webhooks.delete(main.outputs.id)
    const before = server.requests.length
    const post = await main.post()
    expect(post.code).toBe(0)
    expect(sent(before)).toEqual(['GET /webhooks'])
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
          `^Cleanup failed: GET /webhooks failed: .*\\. Delete webhook ${main.outputs.id} by hand, or let a scheduled prune`
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

describe('the post step, whatever the API answered', () => {
  const elsewhere = 'https://prod.example.com/hooks/revont'

  it.each([
    ['with that other url: the step fails the 201 check', elsewhere, 1, undefined, []],
    [
      'with this url: the API lists it at the other',
      endpoint,
      0,
      'wh_prod',
      ['Left webhook wh_prod in place: the API lists it with another url, so this step did not create it']
    ]
  ])(
    'a 201 whose id is an existing webhook at another url, %s; the post step leaves it',
    async (_, answeredUrl, mainCode, savedId, postWarnings) => {
      server.seed([{ id: 'wh_prod', url: elsewhere, events: ['call.ended'] }])
      server.inject({
        method: 'POST',
        path: '/webhooks',
        status: 201,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'wh_prod', url: answeredUrl, events: ['call.ended'], secret: 'whsec_other_url_0123456789' })
      })
      const main = await runStep()
      expect(main.code).toBe(mainCode)
      // Only a 201 that passed its check leaves its id to the post step.
      expect(main.state.createdId).toBe(savedId)
      const before = server.requests.length
      const post = await main.post()
      expect(post.code).toBe(0)
      expect(sent(before)).toEqual(['GET /webhooks'])
      expect(annotations(post, 'warning')).toEqual(postWarnings)
      expect([...server.webhooks.keys()]).toEqual(['wh_prod'])
    }
  )

  it('a lost POST that the API makes after the sweep listed, then a retry: the post step deletes both, and only them', async () => {
    const late = { url: endpoint, events: ['call.ended'], description: THIS_RUN }
    server.seed([
      { id: 'wh_before', ...late },
      { id: 'wh_before_elsewhere', ...late, url: 'https://e2e-41.test.example.com/hooks/revont' }
    ])
    // The first POST's answer is lost; the API makes that webhook, and another run its own, only as the
    // retry arrives, after the main step's sweep listed.
    server.inject({ method: 'POST', path: '/webhooks', status: 504 })
    server.inject({
      method: 'POST',
      path: '/webhooks',
      meanwhile: () =>
        server.seed([
          { id: 'wh_late', ...late },
          { id: 'wh_other_run', ...late, description: 'octo/app E2E (main), run 78 attempt 1' }
        ])
    })
    const main = await runStep()
    expect(main.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks', 'GET /webhooks', 'POST /webhooks'])
    const created = main.outputs.id
    const before = server.requests.length
    const post = await main.post()
    expect(post.code).toBe(0)
    expect(sent(before)).toEqual(['GET /webhooks', `DELETE /webhooks/${created}`, 'DELETE /webhooks/wh_late'])
    expect([...server.webhooks.keys()].sort()).toEqual(['wh_before', 'wh_before_elsewhere', 'wh_other_run'])
    expect(annotations(post, 'warning')).toEqual([
      expect.stringMatching(/^Deleted webhook wh_late: a POST whose answer was lost had created it/),
      expect.stringMatching(/^Left webhook wh_other_run in place: .*another run may own it/)
    ])
    // Each deleted once, in the summary too.
    expect(post.summary.match(/<td>deleted<\/td>/g)).toHaveLength(2)
  })
})
