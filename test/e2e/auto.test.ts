// operation: auto through the bundle, with the event payload file the runner writes (GITHUB_EVENT_NAME,
// GITHUB_EVENT_PATH); runs that GitHub gives no secrets (forks, Dependabot); duplicates named under
// if-exists: create.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runAction } from '../support/run-action.mjs'
import { startRevontServer } from '../support/revont-server.mjs'

let server: Awaited<ReturnType<typeof startRevontServer>>
let payloads: string

beforeAll(async () => {
  server = await startRevontServer()
  payloads = mkdtempSync(join(tmpdir(), 'revont-events-'))
})
afterAll(async () => {
  await server.close()
  rmSync(payloads, { recursive: true, force: true })
})
beforeEach(() => server.reset())

const repository = 'octo-org/preview-app'
const endpoint = 'https://pr-7.preview.example.com/hooks/revont'
const preview = { url: endpoint, events: 'call.ended, summary.ready' }

interface Event {
  name: string
  action?: string
  /** The pull request's head repository; the base is `repository`. */
  head?: string | null
  actor?: string
}

let written = 0
/** The environment of a run for this event, with its payload written as the runner writes it. */
function eventEnv({ name, action, head = repository, actor = 'octocat' }: Event): Record<string, string> {
  const pullRequest = name.startsWith('pull_request')
    ? {
        pull_request: {
          number: 7,
          head: { repo: head === null ? null : { full_name: head } },
          base: { repo: { full_name: repository } }
        }
      }
    : {}
  const path = join(payloads, `event-${written++}.json`)
  writeFileSync(path, JSON.stringify({ ...(action === undefined ? {} : { action }), ...pullRequest }))
  return { GITHUB_EVENT_NAME: name, GITHUB_EVENT_PATH: path, GITHUB_REPOSITORY: repository, GITHUB_ACTOR: actor }
}

function run(
  event: Event,
  inputs: Record<string, string> = {},
  connection = { 'api-url': server.url, 'api-key': server.apiKey }
) {
  return runAction({ inputs: { ...connection, operation: 'auto', ...preview, ...inputs }, env: eventEnv(event) })
}

function seed(url = endpoint) {
  return server.seed([{ id: `wh_${server.webhooks.size + 1}`, url, events: ['call.ended', 'summary.ready'] }])[0]
}

const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target']
const CREATE_ACTIONS = ['opened', 'reopened', 'synchronize', 'ready_for_review']

describe('operation: auto', () => {
  it.each(PULL_REQUEST_EVENTS.flatMap((name) => CREATE_ACTIONS.map((action) => ({ name, action }))))(
    '$name with action $action creates, and says so first',
    async (event) => {
      const result = await run(event)
      expect(result.code).toBe(0)
      expect(result.log.lines[0]).toBe(`operation auto: create, from the ${event.name} event with action ${event.action}`)
      const [webhook] = [...server.webhooks.values()]
      expect(server.webhooks.size).toBe(1)
      expect(webhook).toMatchObject({
        url: endpoint,
        events: ['call.ended', 'summary.ready'],
        description: `${repository} PR #7`
      })
      expect(result.outputs).toMatchObject({ 'resolved-operation': 'create', created: 'true', id: webhook.id })
      expect(result.summary).toContain('auto: create')
    }
  )

  it.each(PULL_REQUEST_EVENTS)('%s with action closed deletes by url, and only that url', async (name) => {
    const mine = seed()
    const other = seed('https://pr-8.preview.example.com/hooks/revont')
    const result = await run({ name, action: 'closed' })
    expect(result.code).toBe(0)
    expect(result.log.lines[0]).toBe(`operation auto: delete, from the ${name} event with action closed`)
    expect([...server.webhooks.keys()]).toEqual([other.id])
    expect(result.outputs).toMatchObject({ 'resolved-operation': 'delete', count: '1', 'deleted-ids': JSON.stringify([mine.id]) })
  })

  it.each([
    { name: 'pull_request', action: 'labeled' },
    { name: 'pull_request_target', action: 'edited' },
    { name: 'push' },
    { name: 'workflow_dispatch' }
  ])('$name $action does nothing: a notice naming the event and action, no request, success', async (event) => {
    seed()
    // Neither a key nor a url is needed for nothing: a fork's labeled event, or a skipped deploy step, succeeds.
    const result = await run(event, { url: '', events: '' }, { 'api-url': server.url, 'api-key': '' })
    expect(result.code).toBe(0)
    expect(server.requests).toEqual([])
    expect(server.webhooks.size).toBe(1)
    expect(result.outputs).toEqual({ 'resolved-operation': 'none' })
    const notices = result.log.annotations.filter((annotation) => annotation.type === 'notice')
    expect(notices).toHaveLength(1)
    expect(result.log.lines[0]).toBe(`Notice: ${notices[0].message}`)
    expect(notices[0].message).toContain(
      `the ${event.name} event${event.action ? ` with action ${event.action}` : ' (no action)'}`
    )
    expect(result.log.annotations.filter((annotation) => annotation.type !== 'notice')).toEqual([])
  })

  it('fails a bad input of the resolved operation before any request, after saying what it resolved to', async () => {
    const result = await run({ name: 'pull_request', action: 'opened' }, { events: '' })
    expect(result.code).toBe(1)
    expect(result.log.lines[0]).toBe('operation auto: create, from the pull_request event with action opened')
    expect(result.log.annotations.map((annotation) => annotation.message)).toEqual([
      expect.stringContaining("Input 'events' is required for create")
    ])
    expect(server.requests).toEqual([])
  })

  it('fails a typo in a choice even when it resolves to none', async () => {
    const result = await run({ name: 'push' }, { 'if-exists': 'reuse-it' })
    expect(result.code).toBe(1)
    expect(result.log.annotations.at(-1)?.message).toContain("Input 'if-exists' must be one of")
    expect(server.requests).toEqual([])
  })

  it('needs url on closed, and takes no id', async () => {
    const noUrl = await run({ name: 'pull_request', action: 'closed' }, { url: '' })
    expect(noUrl.code).toBe(1)
    expect(noUrl.log.annotations.at(-1)?.message).toContain("Input 'url' is required for auto")
    const withId = await run({ name: 'pull_request', action: 'closed' }, { id: 'wh_1' })
    expect(withId.code).toBe(1)
    expect(withId.log.annotations.at(-1)?.message).toContain("Input 'id' is not used by operation auto")
    expect(server.requests).toEqual([])
  })

  it('honours the resolved operation’s inputs: if-exists on synchronize, dry-run and if-missing on closed', async () => {
    const existing = seed()
    const reused = await run({ name: 'pull_request', action: 'synchronize' }, { 'if-exists': 'reuse' })
    expect(reused.outputs).toMatchObject({ 'resolved-operation': 'create', created: 'false', id: existing.id })
    expect(server.webhooks.size).toBe(1)

    const dryRun = await run({ name: 'pull_request', action: 'closed' }, { 'dry-run': 'true' })
    expect(dryRun.code).toBe(0)
    expect(server.webhooks.size).toBe(1)
    expect(server.requests.filter((request) => request.method === 'DELETE')).toEqual([])
    expect(dryRun.outputs['deleted-ids']).toBe(JSON.stringify([existing.id]))

    server.reset()
    const missing = await run({ name: 'pull_request_target', action: 'closed' }, { 'if-missing': 'fail' })
    expect(missing.code).toBe(1)
    expect(missing.log.annotations.at(-1)?.message).toContain('if-missing is fail')
    expect(missing.outputs['resolved-operation']).toBe('delete')
  })
})

describe('runs without secrets', () => {
  const noKey = () => ({ 'api-url': server.url, 'api-key': '' })
  const operations: Array<Record<string, string>> = [
    { operation: 'auto' },
    { operation: 'create' },
    { operation: 'delete' },
    { operation: 'list', url: '' },
    { operation: 'prune', url: 'https://pr-*.preview.example.com/*' }
  ]

  it.each(operations)('a fork’s pull_request run ($operation) is told why, and what to do', async (inputs) => {
    const result = await run({ name: 'pull_request', action: 'opened', head: 'forker/preview-app' }, inputs, noKey())
    expect(result.code).toBe(1)
    const [error] = result.log.annotations.filter((annotation) => annotation.type === 'error')
    expect(error.message).toContain("Input 'api-key' and REVONT_API_KEY are empty because this pull_request run is for a pull")
    expect(error.message).toContain('from a fork (forker/preview-app into octo-org/preview-app)')
    expect(error.message).toContain('GitHub gives such runs no secrets')
    expect(error.message).toContain('pull_request_target')
    expect(error.message).toContain("must never check out the pull request's code")
    expect(error.message).toContain('if: github.event.pull_request.head.repo.full_name == github.repository')
    expect(server.requests).toEqual([])
  })

  it('a pull request from a deleted fork counts as a fork', async () => {
    const result = await run({ name: 'pull_request', action: 'synchronize', head: null }, {}, noKey())
    expect(result.log.annotations.at(-1)?.message).toContain('from a fork (a deleted repository into octo-org/preview-app)')
  })

  it.each(operations)('a Dependabot run ($operation) is told why, and what to do', async (inputs) => {
    const result = await run({ name: 'pull_request', action: 'opened', actor: 'dependabot[bot]' }, inputs, noKey())
    expect(result.code).toBe(1)
    const message = result.log.annotations.at(-1)?.message
    expect(message).toContain('because this run was started by dependabot[bot]')
    expect(message).toContain('pull_request_target')
    expect(message).toContain("github.actor != 'dependabot[bot]'")
    expect(message).toContain('Dependabot secret')
    expect(server.requests).toEqual([])
  })

  it.each([
    { name: 'pull_request', head: repository },
    // pull_request_target runs get secrets, even for a fork's pull request: a missing key is just missing.
    { name: 'pull_request_target', head: 'forker/preview-app' },
    { name: 'push' }
  ])('a $name run from $head without a key gets the plain error', async (event) => {
    const result = await run({ ...event, action: 'opened' }, { operation: 'create' }, noKey())
    expect(result.code).toBe(1)
    expect(result.log.annotations.map((annotation) => annotation.message)).toEqual([
      "Input 'api-key' is required: set it, or the REVONT_API_KEY environment variable"
    ])
  })
})

describe('duplicates under if-exists: create', () => {
  it('creates one more all the same, and a warning says how many exist and what keeps one', async () => {
    seed()
    seed()
    const result = await runAction({
      inputs: { 'api-url': server.url, 'api-key': server.apiKey, operation: 'create', ...preview },
      env: { GITHUB_REPOSITORY: repository }
    })
    expect(result.code).toBe(0)
    expect(server.webhooks.size).toBe(3)
    const warnings = result.log.annotations.filter((annotation) => annotation.type === 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0].message).toContain('2 webhook(s) with this url exist already')
    expect(warnings[0].message).toContain('if-exists: replace or reuse keeps one')
  })

  it('warns nothing on a first create, nor under replace or reuse', async () => {
    const first = await runAction({
      inputs: { 'api-url': server.url, 'api-key': server.apiKey, operation: 'create', ...preview }
    })
    const replaced = await runAction({
      inputs: { 'api-url': server.url, 'api-key': server.apiKey, operation: 'create', ...preview, 'if-exists': 'replace' }
    })
    for (const result of [first, replaced]) {
      expect(result.code).toBe(0)
      expect(result.log.annotations).toEqual([])
    }
    expect(server.webhooks.size).toBe(1)
  })
})
