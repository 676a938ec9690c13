// The runner's files through the bundled action: an exit that waits for stdout, GITHUB_OUTPUT missing,
// unwritable or full (nothing created, or the webhook just created deleted again), a step summary that
// cannot be written, and the webhooks-file (under RUNNER_TEMP, or a private folder, readable by this user
// only).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ids, URL_A } from '../support/fixtures.js'
import { annotations, runStep, sent, useRevontServer } from '../support/harness.js'
import { newFolder } from '../support/run-action.mjs'

const server = useRevontServer(
  {},
  { inputs: { 'timeout-seconds': '5' }, clock: 100, check: (result) => expect(result.stderr).toBe('') }
)

const endpoint = 'https://preview-7.example.com/hooks/revont'

describe('the exit', () => {
  it('waits for stdout: a runner that reads the log late still gets all of it, the failure last', async () => {
    // 150 lines of 2 KB, one write each, are more than the pipe holds: the rest waits in the action.
    const description = 'd'.repeat(2000)
    server.seed(Array.from({ length: 150 }, (_, i) => ({ id: `wh_${i}`, url: endpoint, events: ['call.ended'], description })))
    const result = await runStep(
      { operation: 'delete', url: endpoint },
      { env: { GITHUB_OUTPUT: join(newFolder(), 'missing', 'output') }, readStdoutAfterMs: 300 }
    )
    expect(result.code).toBe(1)
    expect(server.webhooks.size).toBe(0)
    expect(result.stdout.match(/^Deleted: wh_\d+ /gm)).toHaveLength(150)
    expect(result.commands.at(-1)).toMatchObject({
      name: 'error',
      data: expect.stringMatching(/^Could not write the step outputs count, deleted-ids: Missing file/)
    })
  })
})

describe('a failure while writing results', () => {
  it('without GITHUB_OUTPUT (an old runner), sets the outputs with the command @actions/core falls back to', async () => {
    server.seed([{ id: 'wh_a', url: endpoint, events: ['call.ended'] }])
    const result = await runStep({ operation: 'list' }, { env: { GITHUB_OUTPUT: '' } })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('::set-output name=count::1')
    expect(readdirSync(result.dir).filter((name) => name.startsWith('revont-webhooks-'))).toHaveLength(1)
    expect(result.summary).toContain('wh_a')
  })

  it('does not hide the error that failed the step', async () => {
    server.inject({ method: 'GET', status: 403, body: JSON.stringify({ error: { message: 'forbidden here' } }) })
    const summaryDir = newFolder()
    const result = await runStep({ operation: 'list' }, { env: { GITHUB_STEP_SUMMARY: summaryDir } })
    expect(result.code).toBe(1)
    expect(result.commands.filter((command) => command.name === 'error').map((command) => command.data)).toEqual([
      'GET /webhooks failed: 403 Forbidden: forbidden here'
    ])
    expect(result.commands.find((command) => command.name === 'warning')?.data).toMatch(
      /^Could not write the step summary: EISDIR/
    )
  })

  it('only warns when the operation worked but its summary cannot be written', async () => {
    const summaryDir = newFolder()
    const result = await runStep({ operation: 'list' }, { env: { GITHUB_STEP_SUMMARY: summaryDir } })
    expect(result.code).toBe(0)
    expect(result.commands.filter((command) => command.name === 'warning').map((command) => command.data)).toEqual([
      expect.stringMatching(/^Could not write the step summary: EISDIR/)
    ])
    expect(result.outputs.count).toBe('0')
  })
})

describe('runner files that cannot be written', () => {
  it('GITHUB_OUTPUT a directory: create sends no POST and fails naming GITHUB_OUTPUT', async () => {
    const result = await runStep(
      { operation: 'create', url: URL_A, events: 'call.ended' },
      { env: { GITHUB_OUTPUT: newFolder() } }
    )
    expect(result.code).toBe(1)
    expect(sent()).toEqual(['GET /webhooks'])
    expect(server.webhooks.size).toBe(0)
    expect(annotations(result, 'error')).toEqual([
      expect.stringMatching(/^GITHUB_OUTPUT cannot be written, so nothing was created: EISDIR/)
    ])
  })

  it.skipIf(!existsSync('/dev/full'))(
    'GITHUB_OUTPUT /dev/full (opens, but every write fails): the webhook just created is deleted again, and the error says so',
    async () => {
      const result = await runStep(
        { operation: 'create', url: URL_A, events: 'call.ended' },
        { env: { GITHUB_OUTPUT: '/dev/full' } }
      )
      expect(result.code).toBe(1)
      expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks', expect.stringMatching(/^DELETE \/webhooks\/wh_[0-9a-f]+$/)])
      const id = sent()[2].replace('DELETE /webhooks/', '')
      expect(server.webhooks.size).toBe(0)
      expect(annotations(result, 'error')).toHaveLength(1)
      expect(annotations(result, 'error')[0]).toMatch(/^Could not write the new webhook's secret to the step outputs \(ENOSPC/)
      expect(annotations(result, 'error')[0]).toContain(
        `the webhook ${id} it created was deleted again, and nothing else was changed`
      )
    }
  )

  it.skipIf(!existsSync('/dev/full'))(
    'GITHUB_OUTPUT /dev/full with replace: the old webhook, whose secret the deploy still holds, is kept',
    async () => {
      server.seed([{ id: 'wh_old', url: URL_A, events: ['call.ended'] }])
      const result = await runStep(
        { operation: 'create', url: URL_A, events: 'call.ended', 'if-exists': 'replace' },
        { env: { GITHUB_OUTPUT: '/dev/full' } }
      )
      expect(result.code).toBe(1)
      expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks', expect.stringMatching(/^DELETE \/webhooks\/wh_[0-9a-f]+$/)])
      expect(ids(server)).toEqual(['wh_old'])
    }
  )

  it('a step summary that cannot be written during a create that worked: a warning, exit 0, outputs written', async () => {
    const result = await runStep(
      { operation: 'create', url: URL_A, events: 'call.ended' },
      { env: { GITHUB_STEP_SUMMARY: newFolder() } }
    )
    expect(result.code).toBe(0)
    expect(annotations(result, 'error')).toEqual([])
    expect(annotations(result, 'warning')).toEqual([expect.stringMatching(/^Could not write the step summary: EISDIR/)])
    expect(ids(server)).toEqual([result.outputs.id])
    expect(result.outputs).toMatchObject({ created: 'true', secret: server.secrets.at(-1) })
  })
})

describe('the webhooks-file', () => {
  const seedTwo = () =>
    server.seed([
      { id: 'wh_1', url: URL_A, events: ['call.ended'] },
      { id: 'wh_2', url: 'https://other.example.com/hooks', events: ['call.ended'] }
    ])

  it('cannot be written (RUNNER_TEMP a missing folder): the step fails naming it, webhooks and count are written', async () => {
    seedTwo()
    const result = await runStep({ operation: 'list' }, { env: { RUNNER_TEMP: join(newFolder(), 'missing') } })
    expect(result.outputs.count).toBe('2')
    expect(JSON.parse(result.outputs.webhooks).map((webhook: { id: string }) => webhook.id)).toEqual(['wh_1', 'wh_2'])
    expect(result.outputs['webhooks-file']).toBe('')
    expect(result.code).toBe(1)
    expect(annotations(result, 'error')).toEqual([expect.stringMatching(/^Could not write webhooks-file: ENOENT/)])
  })

  it('is created under RUNNER_TEMP, readable by this user only (0600)', async () => {
    seedTwo()
    const result = await runStep({ operation: 'list' })
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
    const result = await runStep({ operation: 'list' }, { env: { RUNNER_TEMP: '', TMPDIR: shared } })
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
