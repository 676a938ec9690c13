// The bundled action, run as the runner runs it, against the loopback server: the core operations,
// masking, API errors, and bad inputs refused before any request.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startRevontServer } from './server/revont-server.mjs'
import { repoRoot, runAction } from './runner/run-action.mjs'

let server: Awaited<ReturnType<typeof startRevontServer>>

beforeAll(async () => {
  server = await startRevontServer()
})
afterAll(() => server.close())
beforeEach(() => server.reset())

function run(inputs: Record<string, string>, env: Record<string, string> = {}) {
  return runAction({ inputs: { 'api-url': server.url, 'api-key': server.apiKey, ...inputs }, env })
}

const endpoint = 'https://preview-7.example.com/hooks/revont'

describe('create', () => {
  it('registers the webhook, masks the secret before anything prints it, and outputs it', async () => {
    const result = await run({
      operation: 'create',
      url: endpoint,
      events: 'call.ended,\nsummary.ready',
      description: 'Preview 7'
    })
    expect(result.code).toBe(0)
    const secret = server.secrets.at(-1)
    const webhook = [...server.webhooks.values()][0]
    expect(server.webhooks.size).toBe(1)
    expect(webhook).toMatchObject({ url: endpoint, events: ['call.ended', 'summary.ready'], description: 'Preview 7' })
    expect(result.outputs).toMatchObject({ id: webhook.id, secret, created: 'true', 'deleted-ids': '[]' })
    expect(JSON.parse(result.outputs.webhook)).toEqual(webhook)

    // The key is masked first of all; the secret before it is printed or written anywhere.
    const masks = result.commands.filter((command) => command.name === 'add-mask').map((command) => command.data)
    expect(masks[0]).toBe(server.apiKey)
    expect(masks).toContain(secret)
    const maskLine = result.stdout.split('\n').findIndex((line) => line === `::add-mask::${secret}`)
    expect(result.stdout.split('\n').slice(0, maskLine).join('\n')).not.toContain(secret)
    const elsewhere = result.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n')
    for (const text of [elsewhere, result.stderr, result.summary, result.outputs.webhook]) {
      expect(text).not.toContain(secret)
      expect(text).not.toContain(server.apiKey)
    }
    expect(result.summary).toContain(webhook.id)
  })

  it('sends exactly a list and the POST, with the key, a User-Agent and the JSON body', async () => {
    await run({ operation: 'create', url: endpoint, events: '["call.ended"]', description: 'd' })
    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /v1/webhooks',
      'POST /v1/webhooks'
    ])
    const post = server.requests[1]
    const version = JSON.parse(readFileSync('package.json', 'utf8')).version
    expect(post.headers).toMatchObject({
      authorization: `Bearer ${server.apiKey}`,
      'user-agent': `revont-webhooks-action/${version}`,
      'content-type': 'application/json'
    })
    expect(JSON.parse(post.body)).toEqual({ url: endpoint, events: ['call.ended'], description: 'd' })
  })

  it('names the endpoint after the pull request, or the workflow and ref, when description is empty', async () => {
    const eventPath = join(mkdtempSync(join(tmpdir(), 'revont-event-')), 'event.json')
    writeFileSync(eventPath, JSON.stringify({ pull_request: { number: 31 } }))
    await run(
      { operation: 'create', url: endpoint, events: 'call.ended' },
      {
        GITHUB_REPOSITORY: 'octo/app',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_WORKFLOW: 'Preview'
      }
    )
    await run(
      { operation: 'create', url: `${endpoint}/2`, events: 'call.ended' },
      { GITHUB_REPOSITORY: 'octo/app', GITHUB_EVENT_NAME: 'push', GITHUB_WORKFLOW: 'Deploy', GITHUB_REF: 'refs/heads/main' }
    )
    expect([...server.webhooks.values()].map((webhook) => webhook.description)).toEqual([
      'octo/app PR #31',
      'octo/app Deploy (main)'
    ])
  })

  it('takes the key from REVONT_API_KEY when api-key is empty', async () => {
    const result = await runAction({
      inputs: { 'api-url': server.url, operation: 'list' },
      env: { REVONT_API_KEY: server.apiKey }
    })
    expect(result.code).toBe(0)
    expect(result.commands[0]).toMatchObject({ name: 'add-mask', data: server.apiKey })
  })
})

describe('list', () => {
  it('outputs the webhooks as JSON, in a file under RUNNER_TEMP, and counts them', async () => {
    server.seed([
      { id: 'wh_a', url: endpoint, events: ['call.ended'] },
      { id: 'wh_b', url: 'https://other.example.com/x', events: ['call.ended'] }
    ])
    const result = await run({ operation: 'list' })
    expect(result.code).toBe(0)
    expect(JSON.parse(result.outputs.webhooks).map((webhook: { id: string }) => webhook.id)).toEqual(['wh_a', 'wh_b'])
    expect(result.outputs.count).toBe('2')
    expect(result.outputs['webhooks-file'].startsWith(result.dir)).toBe(true)
    expect(readFileSync(result.outputs['webhooks-file'], 'utf8')).toBe(result.outputs.webhooks)
    expect(server.requests).toHaveLength(1)
  })
})

describe('delete by id', () => {
  it('deletes the webhook with one request and outputs its id', async () => {
    server.seed([
      { id: 'wh_gone', url: endpoint, events: ['call.ended'] },
      { id: 'wh_kept', url: endpoint, events: ['a'] }
    ])
    const result = await run({ operation: 'delete', id: 'wh_gone' })
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
    const result = await run({ operation: 'delete', id: 'wh_nope', 'if-missing': ifMissing })
    expect(result.code).toBe(code)
    expect(result.outputs).toMatchObject({ count: '0', 'deleted-ids': '[]', id: '' })
    const annotations = result.commands.filter((command) => ['warning', 'error'].includes(command.name))
    expect(annotations.map((command) => command.name)).toEqual(annotation ? [annotation] : [])
    if (annotation) expect(annotations[0].data).toContain('No webhook has id wh_nope')
  })
})

describe('the exit', () => {
  it('waits for stdout: a runner that reads the log late still gets all of it, the failure last', async () => {
    // 150 lines of 2 KB, one write each, are more than the pipe holds: the rest waits in the action.
    const description = 'd'.repeat(2000)
    server.seed(Array.from({ length: 150 }, (_, i) => ({ id: `wh_${i}`, url: endpoint, events: ['call.ended'], description })))
    const result = await runAction({
      inputs: { operation: 'delete', url: endpoint, 'api-url': server.url, 'api-key': server.apiKey },
      env: { GITHUB_OUTPUT: join(mkdtempSync(join(tmpdir(), 'revont-output-')), 'missing', 'output') },
      readStdoutAfterMs: 300
    })
    expect(result.code).toBe(1)
    expect(server.webhooks.size).toBe(0)
    expect(result.stdout.match(/^Deleted: wh_\d+ /gm)).toHaveLength(150)
    expect(result.commands.at(-1)).toMatchObject({
      name: 'error',
      data: expect.stringMatching(/^Could not write the step outputs count, deleted-ids: Missing file/)
    })
  })
})

describe('API errors', () => {
  it('name the request, the status, what the API said and its request id', async () => {
    server.inject({
      method: 'POST',
      status: 400,
      body: JSON.stringify({ error: { message: 'url is not reachable' } }),
      headers: { 'content-type': 'application/json', 'x-request-id': 'req_abc123' }
    })
    const result = await run({ operation: 'create', url: endpoint, events: 'call.ended', description: 'x' })
    expect(result.code).toBe(1)
    expect(result.commands.filter((command) => command.name === 'error').map((command) => command.data)).toEqual([
      'POST /webhooks failed: 400 Bad Request: url is not reachable (request id req_abc123)'
    ])
    expect(result.stdout + result.stderr).not.toMatch(/\bat .*\.js:\d+/)
  })

  it('say when the key was rejected', async () => {
    const result = await runAction({ inputs: { 'api-url': server.url, 'api-key': 'wrong-key', operation: 'list' } })
    expect(result.code).toBe(1)
    const [error] = result.commands.filter((command) => command.name === 'error')
    expect(error.data).toMatch(
      /^GET \/webhooks failed: 401 Unauthorized: invalid API key \(the API key was rejected: check api-key or REVONT_API_KEY\) \(request id req_\w+\)$/
    )
  })
})

describe('a failure while writing results', () => {
  it('without GITHUB_OUTPUT (an old runner), sets the outputs with the command @actions/core falls back to', async () => {
    server.seed([{ id: 'wh_a', url: endpoint, events: ['call.ended'] }])
    const result = await run({ operation: 'list' }, { GITHUB_OUTPUT: '' })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('::set-output name=count::1')
    expect(readdirSync(result.dir).filter((name) => name.startsWith('revont-webhooks-'))).toHaveLength(1)
    expect(result.summary).toContain('wh_a')
  })

  it('does not hide the error that failed the step', async () => {
    server.inject({ method: 'GET', status: 403, body: JSON.stringify({ error: { message: 'forbidden here' } }) })
    const summaryDir = mkdtempSync(join(tmpdir(), 'revont-summary-'))
    const result = await run({ operation: 'list' }, { GITHUB_STEP_SUMMARY: summaryDir })
    expect(result.code).toBe(1)
    expect(result.commands.filter((command) => command.name === 'error').map((command) => command.data)).toEqual([
      'GET /webhooks failed: 403 Forbidden: forbidden here'
    ])
    expect(result.commands.find((command) => command.name === 'warning')?.data).toMatch(
      /^Could not write the step summary: EISDIR/
    )
  })

  it('only warns when the operation worked but its summary cannot be written', async () => {
    const summaryDir = mkdtempSync(join(tmpdir(), 'revont-summary-'))
    const result = await run({ operation: 'list' }, { GITHUB_STEP_SUMMARY: summaryDir })
    expect(result.code).toBe(0)
    expect(result.commands.filter((command) => command.name === 'warning').map((command) => command.data)).toEqual([
      expect.stringMatching(/^Could not write the step summary: EISDIR/)
    ])
    expect(result.outputs.count).toBe('0')
  })
})

describe('bad inputs', () => {
  const create = { operation: 'create', url: endpoint, events: 'call.ended' }
  it.each([
    [{ operation: 'purge' }, "Input 'operation' must be one of: list, create, delete, prune, plan, apply, auto (got 'purge')"],
    [{ ...create, url: '' }, "Input 'url' is required for create"],
    [{ ...create, url: 'http://preview.example.com/x' }, "Input 'url' must be a valid https:// URL"],
    [{ ...create, events: ' , ' }, "Input 'events' is required for create"],
    [{ operation: 'delete' }, "Input 'id' is required for delete"],
    [{ operation: 'delete', id: 'wh_1;rm' }, "Input 'id' may contain only A-Z a-z 0-9 _ -"],
    [{ operation: 'list', 'api-key': '' }, "Input 'api-key' is required"],
    [{ operation: 'list', 'api-url': 'http://api.revont.ai/v1' }, "Input 'api-url' must be an https:// URL"],
    [{ operation: 'list', 'timeout-seconds': 'soon' }, "Input 'timeout-seconds' must be a number from 1 to 600"],
    [{ operation: 'list', 'max-retries': '99' }, "Input 'max-retries' must be a whole number from 0 to 10"],
    [{ ...create, 'dry-run': 'maybe' }, "Input 'dry-run' must be true or false"]
  ])('%j fails with one error naming the input and sends no request', async (inputs, message) => {
    const result = await run(inputs)
    expect(result.code).toBe(1)
    const errors = result.commands.filter((command) => command.name === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0].data).toContain(message)
    expect(server.requests).toEqual([])
    expect(result.stderr).toBe('')
    expect(result.stdout).not.toMatch(/\bat .*:\d+:\d+/)
  })
})

describe('the bundle', () => {
  // tsconfig.json's "paths" put src/build/http-client-unused.ts in place of @actions/http-client's root
  // module, which only @actions/core's OIDC client uses (and undici through it): neither is bundled, and
  // no operation, main or post, reaches the code that would have used them.
  it('leaves out the OIDC client, and every operation works without it', async () => {
    for (const name of ['index.js', 'post.js']) {
      const bundle = readFileSync(join(repoRoot, 'dist', name), 'utf8')
      expect(bundle, name).not.toContain('undici')
      expect(bundle, name).not.toContain('class HttpClientResponse')
    }
    const url = 'https://preview-9.example.com/hooks/revont'
    const runs = [
      await run({ operation: 'create', url, events: 'call.ended', cleanup: 'true' }),
      await run({ operation: 'list' }),
      await run({ operation: 'prune', url: 'https://preview-*.example.com/*', 'dry-run': 'true' }),
      await run({ operation: 'delete', url })
    ]
    runs.push(await runs[0].post())
    for (const result of runs) {
      expect(result.code).toBe(0)
      expect(result.stdout + result.stderr).not.toMatch(/HttpClient|left out/)
    }
    expect(server.webhooks.size).toBe(0)
  })
})
