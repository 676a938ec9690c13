// Nothing lost, nothing wrongly deleted (issue 14), through the bundled action against the loopback
// server: racing runs after a lost POST answer, runner files that cannot be written, a 201 that does not
// match the request, invisible and bidi characters shown escaped, and a webhooks-file that cannot be
// written or would be readable by others. Item 5 (an unreadable proxy variable) is in proxy.test.ts.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runAction } from './runner/run-action.mjs'
import { startRevontServer } from './server/revont-server.mjs'

type RevontServer = Awaited<ReturnType<typeof startRevontServer>>
type Fault = Parameters<RevontServer['inject']>[0]

const API_KEY = `rk_itest_${randomBytes(12).toString('hex')}`
const URL_A = 'https://preview-7.example.com/hooks/revont'
/** The runner's variables for run A, and the default description they give. */
const RUN_A = { GITHUB_REPOSITORY: 'octo/app', GITHUB_WORKFLOW: 'w', GITHUB_REF: 'refs/heads/m', GITHUB_RUN_ID: '1001' }
const RUN_A_DESCRIPTION = 'octo/app w (m), run 1001 attempt 1'
/** Run B's default description: the same workflow and branch, another run. */
const RUN_B_DESCRIPTION = 'octo/app w (m), run 1002 attempt 1'

let server: RevontServer
/** Folders made here beside runAction's own: removed at the end. */
const folders: string[] = []

beforeAll(async () => {
  server = await startRevontServer({ apiKey: API_KEY })
})
afterAll(async () => {
  await server.close()
  for (const folder of folders) rmSync(folder, { recursive: true, force: true })
})
beforeEach(() => server.reset())

function newFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'revont-files-'))
  folders.push(folder)
  return folder
}

async function run(inputs: Record<string, string>, env: Record<string, string> = {}) {
  const result = await runAction({
    inputs: { 'api-url': server.url, 'api-key': API_KEY, 'timeout-seconds': '5', ...inputs },
    env: { REVONT_ACTION_WAIT_SCALE: '0.01', ...env },
    timeoutMs: 20_000
  })
  expect(result.stderr).toBe('')
  return { ...result, errors: annotations(result, 'error'), warnings: annotations(result, 'warning') }
}

function annotations(result: Awaited<ReturnType<typeof runAction>>, name: string): string[] {
  return result.commands.filter((command) => command.name === name).map((command) => command.data)
}

/** Method and path of each request the server received, without the /v1 base. */
function sent(): string[] {
  return server.requests.map((request) => `${request.method} ${request.path.replace(/^\/v1/, '')}`)
}

const ids = () => [...server.webhooks.keys()].sort()
const newSecret = () => `whsec_i14_${randomBytes(12).toString('hex')}`

/** A raw 201 for POST /webhooks, made of these fields and a fresh secret. */
function created201(fields: Record<string, unknown>): Fault {
  return {
    method: 'POST',
    path: '/webhooks',
    status: 201,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'active', created_at: new Date().toISOString(), ...fields, secret: newSecret() })
  }
}

describe('item 1: a lost POST answer while another run creates a webhook for the same URL', () => {
  it('the default description carries the run id and attempt, so two runs differ', async () => {
    await run({ operation: 'create', url: URL_A, events: 'call.ended' }, RUN_A)
    await run(
      { operation: 'create', url: URL_A, events: 'call.ended' },
      { ...RUN_A, GITHUB_RUN_ID: '1002', GITHUB_RUN_ATTEMPT: '2' }
    )
    expect([...server.webhooks.values()].map((webhook) => webhook.description)).toEqual([
      RUN_A_DESCRIPTION,
      'octo/app w (m), run 1002 attempt 2'
    ])
  })

  it.each<[string, string, Fault, Record<string, unknown>]>([
    ['a reset after the change', 'its default description', { reset: 'after' }, { description: RUN_B_DESCRIPTION }],
    ['a 502 after the change', 'its default description', { statusAfter: 502 }, { description: RUN_B_DESCRIPTION }],
    [
      'a reset after the change',
      "A's description but other events",
      { reset: 'after' },
      { description: RUN_A_DESCRIPTION, events: ['call.ended', 'summary.ready'] }
    ]
  ])("%s, run B's webhook has %s: A deletes only its own orphan and names B's", async (_, _runBHas, fault, runB) => {
    server.seed([{ id: 'wh_before', url: URL_A, events: ['call.ended'] }])
    // Run B creates its webhook while A's POST is on its way; A's clean-up lists after both exist.
    const seedRunB = () => server.seed([{ id: 'wh_run_b', url: URL_A, events: ['call.ended'], ...runB }])
    server.inject({ method: 'POST', path: '/webhooks', ...fault, meanwhile: seedRunB })
    const result = await run({ operation: 'create', url: URL_A, events: 'call.ended' }, RUN_A)

    expect(result.code).toBe(0)
    const deletes = sent().filter((request) => request.startsWith('DELETE'))
    expect(deletes).toHaveLength(1)
    expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks', 'GET /webhooks', deletes[0], 'POST /webhooks'])
    const orphan = deletes[0].replace('DELETE /webhooks/', '')
    expect(['wh_before', 'wh_run_b', result.outputs.id]).not.toContain(orphan)
    expect(ids()).toEqual(['wh_before', 'wh_run_b', result.outputs.id].sort())
    expect(server.webhooks.get(result.outputs.id)?.description).toBe(RUN_A_DESCRIPTION)
    expect(result.warnings.filter((warning) => warning.includes('wh_run_b'))).toEqual([
      expect.stringMatching(/^Left webhook wh_run_b in place/)
    ])
    expect(result.warnings.some((warning) => warning.includes(orphan) && warning.includes('never seen'))).toBe(true)
    expect(result.outputs).toMatchObject({ created: 'true', secret: server.secrets.at(-1) })
  })
})

describe('item 2: runner files that cannot be written', () => {
  it('GITHUB_OUTPUT a directory: create sends no POST and fails naming GITHUB_OUTPUT', async () => {
    const result = await run({ operation: 'create', url: URL_A, events: 'call.ended' }, { GITHUB_OUTPUT: newFolder() })
    expect(result.code).toBe(1)
    expect(sent()).toEqual(['GET /webhooks'])
    expect(server.webhooks.size).toBe(0)
    expect(result.errors).toEqual([expect.stringMatching(/^GITHUB_OUTPUT cannot be written, so nothing was created: EISDIR/)])
  })

  it.skipIf(!existsSync('/dev/full'))(
    'GITHUB_OUTPUT /dev/full (opens, but every write fails): the webhook just created is deleted again, and the error says so',
    async () => {
      const result = await run({ operation: 'create', url: URL_A, events: 'call.ended' }, { GITHUB_OUTPUT: '/dev/full' })
      expect(result.code).toBe(1)
      expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks', expect.stringMatching(/^DELETE \/webhooks\/wh_[0-9a-f]+$/)])
      const id = sent()[2].replace('DELETE /webhooks/', '')
      expect(server.webhooks.size).toBe(0)
      expect(result.errors).toHaveLength(1)
      expect(result.errors[0]).toMatch(/^Could not write the new webhook's secret to the step outputs \(ENOSPC/)
      expect(result.errors[0]).toContain(`the webhook ${id} it created was deleted again, and nothing else was changed`)
    }
  )

  it.skipIf(!existsSync('/dev/full'))(
    'GITHUB_OUTPUT /dev/full with replace: the old webhook, whose secret the deploy still holds, is kept',
    async () => {
      server.seed([{ id: 'wh_old', url: URL_A, events: ['call.ended'] }])
      const result = await run(
        { operation: 'create', url: URL_A, events: 'call.ended', 'if-exists': 'replace' },
        { GITHUB_OUTPUT: '/dev/full' }
      )
      expect(result.code).toBe(1)
      expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks', expect.stringMatching(/^DELETE \/webhooks\/wh_[0-9a-f]+$/)])
      expect(ids()).toEqual(['wh_old'])
    }
  )

  it('a step summary that cannot be written during a create that worked: a warning, exit 0, outputs written', async () => {
    const result = await run({ operation: 'create', url: URL_A, events: 'call.ended' }, { GITHUB_STEP_SUMMARY: newFolder() })
    expect(result.code).toBe(0)
    expect(result.errors).toEqual([])
    expect(result.warnings).toEqual([expect.stringMatching(/^Could not write the step summary: EISDIR/)])
    expect(ids()).toEqual([result.outputs.id])
    expect(result.outputs).toMatchObject({ created: 'true', secret: server.secrets.at(-1) })
  })
})

describe('item 3: a 201 that does not match the request', () => {
  it.each([
    ['another url', { url: 'https://elsewhere.example.com/x' }, 'url https://elsewhere.example.com/x (asked for'],
    ['other events', { events: ['call.ended', 'summary.ready'] }, 'events [call.ended, summary.ready] (asked for [call.ended])']
  ])('with %s fails naming the created id and what differed; with replace nothing is deleted', async (_, fields, differs) => {
    server.seed([{ id: 'wh_old', url: URL_A, events: ['call.ended'] }])
    server.inject(created201({ id: 'wh_wrong', url: URL_A, events: ['call.ended'], ...fields }))
    const result = await run({ operation: 'create', url: URL_A, events: 'call.ended', 'if-exists': 'replace' })
    expect(result.code).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(/^POST \/webhooks created webhook wh_wrong with /)
    expect(result.errors[0]).toContain(differs)
    expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks'])
    expect(ids()).toEqual(['wh_old'])
    expect(result.outputs['deleted-ids']).toBe('[]')
  })

  it('whose url differs only by normalisation, and events only by order, is accepted', async () => {
    server.seed([{ id: 'wh_old', url: URL_A, events: ['call.ended'] }])
    server.inject(
      created201({ id: 'wh_new', url: 'https://PREVIEW-7.Example.COM:443/hooks/revont', events: ['summary.ready', 'call.ended'] })
    )
    const result = await run({ operation: 'create', url: URL_A, events: 'call.ended,summary.ready', 'if-exists': 'replace' })
    expect(result.code).toBe(0)
    expect(result.errors).toEqual([])
    expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks', 'DELETE /webhooks/wh_old'])
    expect(result.outputs).toMatchObject({ id: 'wh_new', created: 'true', 'deleted-ids': '["wh_old"]' })
  })
})

describe('item 4: invisible and bidi characters are shown escaped', () => {
  const hidden = [
    ...['200b', '200c', '200d', '200e', '200f'],
    ...['202a', '202b', '202c', '202d', '202e'],
    ...['2066', '2067', '2068', '2069'],
    'feff'
  ]
  const char = (hex: string) => String.fromCharCode(parseInt(hex, 16))

  it('each of them, in an id, a url and a description: the log and the summary show \\uXXXX, never the character', async () => {
    server.seed([
      {
        id: `wh_prod${char('200b')}`,
        url: `https://evil.example/${char('202e')}gnp.exe`,
        events: ['call.ended'],
        description: hidden.map(char).join(' ')
      }
    ])
    const result = await run({ operation: 'list' })
    expect(result.code).toBe(0)
    expect(result.log.text).toContain('- wh_prod\\u200b https://evil.example/\\u202egnp.exe')
    for (const [where, text] of [
      ['log', result.log.text],
      ['summary', result.summary]
    ]) {
      for (const hex of hidden) {
        expect(text, `${where}: U+${hex} raw`).not.toContain(char(hex))
        expect(text, `${where}: U+${hex} escaped`).toContain(`\\u${hex}`)
      }
    }
  })

  it('delete by url: the log tells wh_prod + U+200B from wh_prod, which is left alone', async () => {
    server.seed([
      { id: 'wh_prod', url: 'https://prod.example.com/hooks', events: ['call.ended'] },
      { id: `wh_prod${char('200b')}`, url: URL_A, events: ['call.ended'] }
    ])
    const result = await run({ operation: 'delete', url: URL_A })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks', 'DELETE /webhooks/wh_prod%E2%80%8B'])
    expect(result.log.text).toMatch(/^Deleted: wh_prod\\u200b https:\/\/preview-7/m)
    expect(ids()).toEqual(['wh_prod'])
  })
})

describe('item 6: the webhooks-file', () => {
  const seedTwo = () =>
    server.seed([
      { id: 'wh_1', url: URL_A, events: ['call.ended'] },
      { id: 'wh_2', url: 'https://other.example.com/hooks', events: ['call.ended'] }
    ])

  it('cannot be written (RUNNER_TEMP a missing folder): the step fails naming it, webhooks and count are written', async () => {
    seedTwo()
    const result = await run({ operation: 'list' }, { RUNNER_TEMP: join(newFolder(), 'missing') })
    expect(result.outputs.count).toBe('2')
    expect(JSON.parse(result.outputs.webhooks).map((webhook: { id: string }) => webhook.id)).toEqual(['wh_1', 'wh_2'])
    expect(result.outputs['webhooks-file']).toBe('')
    expect(result.code).toBe(1)
    expect(result.errors).toEqual([expect.stringMatching(/^Could not write webhooks-file: ENOENT/)])
  })

  it('is created under RUNNER_TEMP, readable by this user only (0600)', async () => {
    seedTwo()
    const result = await run({ operation: 'list' })
    expect(result.code).toBe(0)
    const file = result.outputs['webhooks-file']
    expect(dirname(file)).toBe(result.dir)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(file, 'utf8')).toBe(result.outputs.webhooks)
  })

  it('without RUNNER_TEMP: in a private folder of its own (0700) inside the temp folder, not in it directly', async () => {
    seedTwo()
    // The action's temp folder (os.tmpdir() reads TMPDIR), so the test can see what is made in it.
    const shared = newFolder()
    const result = await run({ operation: 'list' }, { RUNNER_TEMP: '', TMPDIR: shared })
    expect(result.code).toBe(0)
    const file = result.outputs['webhooks-file']
    const folder = dirname(file)
    expect(folder).not.toBe(shared)
    expect(dirname(folder)).toBe(shared)
    expect(statSync(folder).mode & 0o777).toBe(0o700)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(file, 'utf8')).toBe(result.outputs.webhooks)
  })
})
