// The main step cancelled as the runner cancels it (SIGINT, then SIGTERM, then a kill), through the
// bundles: what it still sends, what it writes, and what the post step then cleans up.
import { describe, expect, it } from 'vitest'
import { annotations, runStep, sent, until, useRevontServer } from '../support/harness.js'
import { cancelDuringHeldRequest, endpoint, expectIdlePost, MAIN_STEP, WORKFLOW_RUN } from '../support/post-step.js'

const server = useRevontServer({}, { inputs: MAIN_STEP, env: WORKFLOW_RUN, clock: 100 })

describe('cancelled', () => {
  it('after a kill while the POST was in flight, deletes the webhook it made by the orphan rule, and no other', async () => {
    server.inject({ method: 'POST', path: '/webhooks', hold: true })
    const main = await runStep({}, { during: cancelDuringHeldRequest(server, (step) => void step.child.kill('SIGKILL')) })
    expect(main.code).toBeNull()
    expect(main.state.createdId).toBeUndefined()
    // The API made it all the same; then another run made one for the same url.
    server.release()
    expect(server.webhooks.size).toBe(1)
    server.seed([
      { id: 'wh_other_run', url: endpoint, events: ['call.ended'], description: 'octo/app E2E (main), run 78 attempt 1' }
    ])
    const before = server.requests.length
    const post = await main.post()
    expect(post.code).toBe(0)
    const [orphan] = sent(before).slice(1)
    expect(sent(before)).toEqual(['GET /webhooks', expect.stringMatching(/^DELETE \/webhooks\/wh_/)])
    expect(orphan).not.toContain('wh_other_run')
    expect([...server.webhooks.keys()]).toEqual(['wh_other_run'])
    expect(annotations(post, 'warning')).toEqual([
      expect.stringMatching(/^Deleted webhook wh_\w+: a POST whose answer was lost had created it/),
      expect.stringMatching(/^Left webhook wh_other_run in place: .*another run may own it/)
    ])
  })

  it('SIGINT: the POST in flight finishes, no new request starts, the outputs are written, and the step fails', async () => {
    server.seed([{ id: 'wh_old', url: endpoint, events: ['call.ended'] }])
    server.inject({ method: 'POST', path: '/webhooks', hold: true })
    const main = await runStep({ 'if-exists': 'replace' }, { during: cancelDuringHeldRequest(server, () => server.release()) })
    expect(main.code).toBe(1)
    // replace would delete the old one next: that request is not sent.
    expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks'])
    expect(main.outputs).toMatchObject({ created: 'true', secret: server.secrets.at(-1), 'deleted-ids': '[]' })
    expect(annotations(main, 'error')).toEqual(['Cancelled (SIGINT): DELETE /webhooks/wh_old was not sent'])
    // And the post step still cleans up.
    const post = await main.post()
    expect(post.code).toBe(0)
    expect([...server.webhooks.keys()]).toEqual(['wh_old'])
  })

  it('SIGINT before the POST: no POST, and nothing for the post step to do', async () => {
    server.inject({ method: 'GET', path: '/webhooks', hold: true })
    const main = await runStep({}, { during: cancelDuringHeldRequest(server, () => server.release()) })
    expect(main.code).toBe(1)
    expect(annotations(main, 'error')).toEqual(['Cancelled (SIGINT): POST /webhooks was not sent'])
    // The plan saved for the POST is withdrawn: the POST never went out.
    expect(main.state).toEqual({ cleanup: '' })
    const before = server.requests.length
    expectIdlePost(await main.post(), before)
  })

  it.each([
    ['a retry wait (503, Retry-After: 60)', 503, '60'],
    ['a throttle pause (429, Retry-After: 30)', 429, '30']
  ])('SIGINT during %s: the wait ends, and no request follows', async (_, status, retryAfter) => {
    server.inject({ method: 'GET', path: '/webhooks', status, headers: { 'Retry-After': retryAfter } })
    const main = await runStep(
      {},
      {
        // Real waits: the step must be inside the wait when it is cancelled.
        clock: undefined,
        // Killed, with no exit code, if it sat out the wait.
        timeoutMs: 20_000,
        during: async (step) => {
          await until(() => server.requests.length === 1, 'first GET')
          step.child.kill('SIGINT')
        }
      }
    )
    expect(main.code).toBe(1)
    expect(sent()).toEqual(['GET /webhooks'])
    expect(annotations(main, 'error')).toEqual(['Cancelled (SIGINT): GET /webhooks was not sent'])
  })

  it('a 201 that gives the new webhook an id that already had the url: the post step leaves it', async () => {
    server.seed([{ id: 'wh_old', url: endpoint, events: ['call.ended'] }])
    server.inject({
      method: 'POST',
      path: '/webhooks',
      status: 201,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'wh_old', url: endpoint, events: ['call.ended'], secret: 'whsec_reissued_0123456789' })
    })
    const main = await runStep()
    expect(main.code).toBe(0)
    const post = await main.post()
    expect(post.code).toBe(0)
    expect(annotations(post, 'warning')).toEqual([
      'Left webhook wh_old in place: it had this url before the step, so this step did not create it'
    ])
    expect([...server.webhooks.keys()]).toEqual(['wh_old'])
  })

  it('SIGINT then SIGTERM while the POST is held: stops waiting, writes the outputs it has, fails', async () => {
    server.inject({ method: 'POST', path: '/webhooks', hold: true })
    const main = await runStep({}, { during: cancelDuringHeldRequest(server, (step) => void step.child.kill('SIGTERM')) })
    expect(main.code).toBe(1)
    expect(annotations(main, 'error')).toEqual([
      'Cancelled (SIGINT, then SIGTERM): stopped waiting for a request in flight, whose outcome is unknown'
    ])
    expect(main.outputs).toMatchObject({ id: '', secret: '', created: 'false' })
    server.release()
    const post = await main.post()
    expect(post.code).toBe(0)
    expect(server.webhooks.size).toBe(0)
  })

  it('SIGINT after the last request: the step still fails as cancelled', async () => {
    server.inject({ method: 'POST', path: '/webhooks', hold: true })
    const main = await runStep({ cleanup: 'false' }, { during: cancelDuringHeldRequest(server, () => server.release()) })
    expect(main.code).toBe(1)
    expect(annotations(main, 'error')).toEqual(['Cancelled (SIGINT): no request was started after it'])
    expect(main.outputs).toMatchObject({ created: 'true', secret: server.secrets.at(-1) })
  })
})

describe('the post step cancelled', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s while the server holds its DELETE: one warning naming the id, and exit 0',
    async (signal) => {
      const main = await runStep()
      server.inject({ method: 'DELETE', hold: true })
      const post = await main.post({
        during: async (step) => {
          await until(() => server.held === 1, 'DELETE held by the server')
          step.child.kill(signal)
        }
      })
      expect(post.code).toBe(0)
      const warning = `Cleanup failed: cancelled by ${signal}. Delete webhook ${main.outputs.id} by hand, or let a scheduled prune (operation: prune) remove it`
      expect(annotations(post, 'warning')).toEqual([warning])
      // Nothing else: no other annotation, and no other line.
      expect(post.log.annotations).toHaveLength(1)
      expect(post.log.text).toBe(`Warning: ${warning}`)
      expect(server.webhooks.has(main.outputs.id)).toBe(true)
    }
  )
})
