// cleanup: true through the bundle, main step then post step as the runner runs them (run-action.mjs:
// the state file read as the runner reads it, each entry handed to the post step as STATE_<name>), and
// the main step's handling of the runner's cancel signals.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startRevontServer } from './server/revont-server.mjs'
import { runAction, type RunningStep } from './runner/run-action.mjs'

let server: Awaited<ReturnType<typeof startRevontServer>>

beforeAll(async () => {
  server = await startRevontServer()
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const endpoint = 'https://e2e-42.test.example.com/hooks/revont'
/** The default description carries the run id and attempt, which is what tells this run's webhooks apart. */
const workflow = { GITHUB_REPOSITORY: 'octo/app', GITHUB_WORKFLOW: 'E2E', GITHUB_REF: 'refs/heads/main', GITHUB_RUN_ID: '77' }
const thisRun = 'octo/app E2E (main), run 77 attempt 1'

type Options = Omit<NonNullable<Parameters<typeof runAction>[0]>, 'inputs'>

function runMain(inputs: Record<string, string> = {}, options: Options = {}, target = server) {
  return runAction({
    inputs: {
      'api-url': target.url,
      'api-key': target.apiKey,
      operation: 'create',
      url: endpoint,
      events: 'call.ended',
      cleanup: 'true',
      ...inputs
    },
    env: { REVONT_ACTION_WAIT_SCALE: '0.01', ...workflow },
    ...options
  })
}

/** Method and path of each request the server received from `from` on, without the /v1 base. */
function sent(from = 0): string[] {
  return server.requests.slice(from).map((request) => `${request.method} ${request.path.replace('/v1', '')}`)
}

function annotations(result: Awaited<ReturnType<typeof runAction>>, type: string): string[] {
  return result.log.annotations.filter((annotation) => annotation.type === type).map((annotation) => annotation.message)
}

/** Waits, bounded, for what the test needs to see before it acts. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 20_000) throw new Error(`no ${what} after 20 s`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** As a cancelled job's runner does: SIGINT while the server holds a request, then `next` once it is handled. */
function cancelDuringHeldRequest(next: (step: RunningStep) => void | Promise<void>) {
  return async (step: RunningStep) => {
    await until(() => server.held === 1, 'request held by the server')
    step.child.kill('SIGINT')
    await until(() => step.stdout().includes('SIGINT: the step is cancelled'), 'word that the SIGINT was handled')
    await next(step)
  }
}

/** A post step that did nothing: no request, nothing shown but at most one debug line. */
function expectIdlePost(post: Awaited<ReturnType<typeof runAction>>, requestsBefore: number) {
  expect(post.code).toBe(0)
  expect(sent(requestsBefore)).toEqual([])
  expect(post.log.debug.length).toBeLessThanOrEqual(1)
  expect(post.log.text).toBe('')
  expect(post.summary).toBe('')
}

describe('cleanup: true', () => {
  it('saves what the post step needs before the POST; the post step deletes the webhook created, and only it', async () => {
    const [other] = server.seed([{ id: 'wh_other', url: endpoint, events: ['call.ended'] }])
    const main = await runMain()
    expect(main.code).toBe(0)
    const created = main.outputs.id
    expect(main.state).toEqual({
      cleanup: JSON.stringify({ url: endpoint, events: ['call.ended'], description: thisRun, existingIds: [other.id] }),
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
    const main = await runMain()
    server.webhooks.delete(main.outputs.id)
    const post = await main.post()
    expect(post.code).toBe(0)
    expect(post.log.annotations).toEqual([])
    expect(post.summary).toContain('already gone')
  })

  it('deletes what the step created when the step then failed (replace, whose DELETE of the old one got 403)', async () => {
    server.seed([{ id: 'wh_old', url: endpoint, events: ['call.ended'] }])
    server.inject({ method: 'DELETE', status: 403 })
    const main = await runMain({ 'if-exists': 'replace' })
    expect(main.code).toBe(1)
    const created = main.outputs.id
    expect(server.webhooks.has(created)).toBe(true)
    const post = await main.post()
    expect(post.code).toBe(0)
    expect(server.webhooks.has(created)).toBe(false)
    // The old one was there before the step: never the post step's to delete.
    expect([...server.webhooks.keys()]).toEqual(['wh_old'])
  })

  it('after a kill while the POST was in flight, deletes the webhook it made by the orphan rule, and no other', async () => {
    server.inject({ method: 'POST', path: '/webhooks', hold: true })
    const main = await runMain({}, { during: cancelDuringHeldRequest((step) => void step.child.kill('SIGKILL')) })
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

  it('post with the API down: a warning naming the id to delete by hand and prune; the job does not fail', async () => {
    const down = await startRevontServer()
    const main = await runMain({}, {}, down)
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
    const main = await runMain()
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
    const main = await runMain(inputs)
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
    const main = await runMain(inputs)
    const before = server.requests.length
    expectIdlePost(await main.post(), before)
  })
})

describe('cancelled', () => {
  it('SIGINT: the POST in flight finishes, no new request starts, the outputs are written, and the step fails', async () => {
    server.seed([{ id: 'wh_old', url: endpoint, events: ['call.ended'] }])
    server.inject({ method: 'POST', path: '/webhooks', hold: true })
    const main = await runMain({ 'if-exists': 'replace' }, { during: cancelDuringHeldRequest(() => server.release()) })
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
    const main = await runMain({}, { during: cancelDuringHeldRequest(() => server.release()) })
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
    const main = await runMain(
      {},
      {
        env: { ...workflow, REVONT_ACTION_WAIT_SCALE: '1' },
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
    const main = await runMain()
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
    const main = await runMain({}, { during: cancelDuringHeldRequest((step) => void step.child.kill('SIGTERM')) })
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
    const main = await runMain({ cleanup: 'false' }, { during: cancelDuringHeldRequest(() => server.release()) })
    expect(main.code).toBe(1)
    expect(annotations(main, 'error')).toEqual(['Cancelled (SIGINT): no request was started after it'])
    expect(main.outputs).toMatchObject({ created: 'true', secret: server.secrets.at(-1) })
  })
})
