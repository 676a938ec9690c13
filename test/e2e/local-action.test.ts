// @github/local-action, which the README recommends for running the TypeScript sources locally, runs each
// operation against the loopback server with an env file made from .env.example. It stands in for
// @actions/core, so it masks only what core.setSecret was given and shows only what core.setOutput set.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useRevontServer } from '../support/harness.js'
import { hostEnv, repoRoot } from '../support/run-action.mjs'

const RUN_TIMEOUT_MS = 50_000

const server = useRevontServer({ apiKey: `local-action-key-${Math.random().toString(36).slice(2)}` })
let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'revont-local-action-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** .env.example with these variables replaced (or added), pointed at the loopback server and at `dir`. */
function envFile(variables: Record<string, string>): string {
  const values = new Map<string, string>()
  for (const line of readFileSync(join(repoRoot, '.env.example'), 'utf8').split(/\r?\n/)) {
    const match = /^([A-Z][A-Z0-9_-]*)=(.*)$/.exec(line)
    if (match) values.set(match[1], match[2])
  }
  const overrides = {
    'INPUT_API-URL': server.url,
    'INPUT_API-KEY': server.apiKey,
    GITHUB_OUTPUT: join(dir, 'output'),
    RUNNER_TEMP: dir,
    ...variables
  }
  for (const [name, value] of Object.entries(overrides)) values.set(name, value)
  const file = join(dir, '.env')
  writeFileSync(file, [...values].map(([name, value]) => `${name}=${value}\n`).join(''))
  return file
}

/** `npx local-action run . src/main.ts <env file>` from the repository, with no variables of this process. */
async function localAction(variables: Record<string, string>) {
  const child = spawn(
    process.execPath,
    [
      join(repoRoot, 'node_modules', '@github', 'local-action', 'bin', 'local-action.js'),
      'run',
      '.',
      'src/main.ts',
      envFile(variables)
    ],
    { cwd: repoRoot, env: { HOME: dir, ...hostEnv(process.platform, process.env) }, stdio: ['ignore', 'pipe', 'pipe'] }
  )
  let printed = ''
  child.stdout.on('data', (chunk) => (printed += chunk))
  child.stderr.on('data', (chunk) => (printed += chunk))
  const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS)
  const code = await new Promise((resolve) => child.on('close', resolve))
  clearTimeout(timer)
  return { code, printed, outputs: shownOutputs(printed) }
}

/** The rows of the "Action Outputs" table local-action prints at the end (console.table quotes values). */
function shownOutputs(printed: string): Record<string, string> {
  const section = printed.split('Action Outputs')[1] ?? ''
  const outputs: Record<string, string> = {}
  for (const line of section.split('\n')) {
    const row = /^│\s*\d+\s*│\s*'([^']+)'\s*│\s*(.*?)\s*│$/.exec(line)
    if (row) outputs[row[1]] = row[2].slice(1, -1)
  }
  return outputs
}

/**
 * What every run must show: success (local-action exits 0 even after core.setFailed, so no ::error::
 * either), no line with the key or a signing secret in clear, and outputs. Soft: a failure names each.
 */
function expectCleanRun(result: Awaited<ReturnType<typeof localAction>>) {
  expect.soft(result.code).toBe(0)
  expect.soft(result.printed).not.toMatch(/^::error::/m)
  const secrets = [server.apiKey, ...server.secrets]
  expect.soft(result.printed.split('\n').filter((line) => secrets.some((secret) => line.includes(secret)))).toEqual([])
  expect.soft(result.printed).not.toContain('No outputs were set!')
}

const RUN_TEST_TIMEOUT_MS = 60_000

describe('@github/local-action', () => {
  it(
    'create: the webhook is made, and its id and JSON shown, never the secret',
    async () => {
      const result = await localAction({ INPUT_OPERATION: 'create' })
      expectCleanRun(result)
      const [webhook] = [...server.webhooks.values()]
      expect(server.webhooks.size).toBe(1)
      expect(server.secrets).toHaveLength(1)
      expect(result.outputs).toMatchObject({ id: webhook.id, created: 'true', 'deleted-ids': '[]' })
      expect(JSON.parse(result.outputs.webhook)).toEqual(webhook)
    },
    RUN_TEST_TIMEOUT_MS
  )

  it(
    'list: the webhooks with the url are shown',
    async () => {
      const [match] = server.seed([
        { id: 'wh_listed', url: 'https://pr-42.preview.example.com/hooks/revont', events: ['call.ended'] },
        { id: 'wh_other', url: 'https://other.example.com/hooks', events: ['call.ended'] }
      ])
      const result = await localAction({ INPUT_OPERATION: 'list' })
      expectCleanRun(result)
      expect(result.outputs.count).toBe('1')
      expect(JSON.parse(result.outputs.webhooks)).toEqual([server.webhooks.get(match.id)])
    },
    RUN_TEST_TIMEOUT_MS
  )

  it(
    'delete: the webhook with the id is deleted and its id shown',
    async () => {
      server.seed([{ id: 'wh_gone', url: 'https://pr-42.preview.example.com/hooks/revont', events: ['call.ended'] }])
      const result = await localAction({ INPUT_OPERATION: 'delete', INPUT_ID: 'wh_gone', INPUT_URL: '' })
      expectCleanRun(result)
      expect(server.webhooks.size).toBe(0)
      expect(result.outputs).toMatchObject({ id: 'wh_gone', count: '1', 'deleted-ids': '["wh_gone"]' })
    },
    RUN_TEST_TIMEOUT_MS
  )

  it(
    'prune: the webhooks matching the pattern are deleted and their ids shown',
    async () => {
      server.seed([
        { id: 'wh_pr1', url: 'https://pr-1.preview.example.com/hooks/revont', events: ['call.ended'] },
        { id: 'wh_pr2', url: 'https://pr-2.preview.example.com/hooks/revont', events: ['call.ended'] },
        { id: 'wh_prod', url: 'https://app.example.com/hooks/revont', events: ['call.ended'] }
      ])
      const result = await localAction({ INPUT_OPERATION: 'prune', INPUT_URL: 'https://pr-*.preview.example.com/*' })
      expectCleanRun(result)
      expect([...server.webhooks.keys()]).toEqual(['wh_prod'])
      expect(result.outputs.count).toBe('2')
      expect(JSON.parse(result.outputs['deleted-ids'])).toEqual(expect.arrayContaining(['wh_pr1', 'wh_pr2']))
    },
    RUN_TEST_TIMEOUT_MS
  )
})
