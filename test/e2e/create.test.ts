// create through the bundled action: what it sends, masks and outputs, the default description, each
// if-exists mode, and a 201 that does not match what was asked for.
import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ids, preview, seedPreviewAndProduction, URL_A } from '../support/fixtures.js'
import { annotations, runStep, sent, useRevontServer, type Fault } from '../support/harness.js'
import { newFolder } from '../support/run-action.mjs'

const server = useRevontServer({}, { inputs: { description: 'test', 'timeout-seconds': '5' }, clock: 100 })

const endpoint = 'https://preview-7.example.com/hooks/revont'
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

describe('create', () => {
  it('registers the webhook, masks the secret before anything prints it, and outputs it', async () => {
    const result = await runStep({
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
    await runStep({ operation: 'create', url: endpoint, events: '["call.ended"]', description: 'd' })
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
    const eventPath = join(newFolder(), 'event.json')
    writeFileSync(eventPath, JSON.stringify({ pull_request: { number: 31 } }))
    await runStep(
      { operation: 'create', url: endpoint, events: 'call.ended', description: '' },
      {
        env: {
          GITHUB_REPOSITORY: 'octo/app',
          GITHUB_EVENT_NAME: 'pull_request',
          GITHUB_EVENT_PATH: eventPath,
          GITHUB_WORKFLOW: 'Preview'
        }
      }
    )
    await runStep(
      { operation: 'create', url: `${endpoint}/2`, events: 'call.ended', description: '' },
      {
        env: {
          GITHUB_REPOSITORY: 'octo/app',
          GITHUB_EVENT_NAME: 'push',
          GITHUB_WORKFLOW: 'Deploy',
          GITHUB_REF: 'refs/heads/main'
        }
      }
    )
    expect([...server.webhooks.values()].map((webhook) => webhook.description)).toEqual([
      'octo/app PR #31',
      'octo/app Deploy (main)'
    ])
  })

  it('takes the key from REVONT_API_KEY when api-key is empty', async () => {
    const result = await runStep({ 'api-key': '', operation: 'list' }, { env: { REVONT_API_KEY: server.apiKey } })
    expect(result.code).toBe(0)
    expect(result.commands[0]).toMatchObject({ name: 'add-mask', data: server.apiKey })
  })
})

describe('create with if-exists', () => {
  it('create registers another webhook beside the existing one', async () => {
    seedPreviewAndProduction(server)
    const result = await runStep({ operation: 'create', url: preview, events: 'call.ended' })
    expect(result.code).toBe(0)
    expect([...server.webhooks.values()].filter((webhook) => webhook.url === preview)).toHaveLength(2)
    expect(result.outputs['deleted-ids']).toBe('[]')
  })

  it('reuse keeps an active webhook with the same set of events: no change, no secret, a notice', async () => {
    seedPreviewAndProduction(server)
    const result = await runStep({ operation: 'create', url: preview, events: 'call.ended, summary.ready', 'if-exists': 'reuse' })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks'])
    expect(result.outputs).toMatchObject({ id: 'wh_old', created: 'false', secret: '', 'deleted-ids': '[]' })
    expect(JSON.parse(result.outputs.webhook).id).toBe('wh_old')
    expect(annotations(result, 'notice')[0]).toContain('cannot be read again')
    expect(result.summary).toContain('reused')
  })

  it.each([
    ['different events', { events: ['call.ended'] }],
    ['a disabled webhook', { events: ['call.ended', 'summary.ready'], status: 'disabled' }]
  ])('reuse replaces %s', async (_, existing) => {
    server.seed([{ id: 'wh_old', url: preview, ...existing }])
    const result = await runStep({ operation: 'create', url: preview, events: 'call.ended,summary.ready', 'if-exists': 'reuse' })
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks', 'DELETE /webhooks/wh_old'])
    expect(result.outputs).toMatchObject({ created: 'true', 'deleted-ids': '["wh_old"]' })
    expect(result.outputs.secret).toBe(server.secrets.at(-1))
  })

  it('replace creates the new webhook first, then deletes every old one with that URL and no other', async () => {
    seedPreviewAndProduction(server)
    server.seed([{ id: 'wh_older', url: 'HTTPS://PR-7.preview.example.com:443/hooks/revont', events: ['x'] }])
    const result = await runStep({ operation: 'create', url: preview, events: 'call.ended', 'if-exists': 'replace' })
    expect(result.code).toBe(0)
    expect(sent().slice(0, 2)).toEqual(['GET /webhooks', 'POST /webhooks'])
    expect(sent().slice(2).sort()).toEqual(['DELETE /webhooks/wh_old', 'DELETE /webhooks/wh_older'])
    expect(JSON.parse(result.outputs['deleted-ids']).sort()).toEqual(['wh_old', 'wh_older'])
    expect([...server.webhooks.keys()].sort()).toEqual(['wh_prod', result.outputs.id].sort())
    expect(result.summary).toMatch(/created[\s\S]*deleted/)
  })

  it('fail changes nothing when the URL is taken', async () => {
    seedPreviewAndProduction(server)
    const result = await runStep({ operation: 'create', url: preview, events: 'call.ended', 'if-exists': 'fail' })
    expect(result.code).toBe(1)
    expect(annotations(result, 'error')).toEqual([
      `1 webhook(s) with url ${preview} exist already (wh_old); if-exists is fail, so nothing was changed`
    ])
    expect(sent()).toEqual(['GET /webhooks'])
  })

  it('keeps the new secret in the outputs when deleting an old webhook then fails', async () => {
    seedPreviewAndProduction(server)
    server.inject({ method: 'DELETE', status: 403 })
    const result = await runStep({ operation: 'create', url: preview, events: 'call.ended', 'if-exists': 'replace' })
    expect(result.code).toBe(1)
    expect(annotations(result, 'error')[0]).toMatch(/^1 of 1 deletes failed: DELETE \/webhooks\/wh_old failed: 403 Forbidden/)
    expect(result.outputs).toMatchObject({ created: 'true', secret: server.secrets.at(-1), 'deleted-ids': '[]' })
    expect(server.webhooks.has(result.outputs.id)).toBe(true)
  })
})

describe('a 201 that does not match the request', () => {
  it.each([
    ['another url', { url: 'https://elsewhere.example.com/x' }, 'url https://elsewhere.example.com/x (asked for'],
    ['other events', { events: ['call.ended', 'summary.ready'] }, 'events [call.ended, summary.ready] (asked for [call.ended])']
  ])('with %s fails naming the created id and what differed; with replace nothing is deleted', async (_, fields, differs) => {
    server.seed([{ id: 'wh_old', url: URL_A, events: ['call.ended'] }])
    server.inject(created201({ id: 'wh_wrong', url: URL_A, events: ['call.ended'], ...fields }))
    const result = await runStep({ operation: 'create', url: URL_A, events: 'call.ended', 'if-exists': 'replace' })
    expect(result.code).toBe(1)
    expect(annotations(result, 'error')).toHaveLength(1)
    expect(annotations(result, 'error')[0]).toMatch(/^POST \/webhooks created webhook wh_wrong with /)
    expect(annotations(result, 'error')[0]).toContain(differs)
    expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks'])
    expect(ids(server)).toEqual(['wh_old'])
    expect(result.outputs['deleted-ids']).toBe('[]')
  })

  it('whose url differs only by normalisation, and events only by order, is accepted', async () => {
    server.seed([{ id: 'wh_old', url: URL_A, events: ['call.ended'] }])
    server.inject(
      created201({ id: 'wh_new', url: 'https://PREVIEW-7.Example.COM:443/hooks/revont', events: ['summary.ready', 'call.ended'] })
    )
    const result = await runStep({ operation: 'create', url: URL_A, events: 'call.ended,summary.ready', 'if-exists': 'replace' })
    expect(result.code).toBe(0)
    expect(annotations(result, 'error')).toEqual([])
    expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks', 'DELETE /webhooks/wh_old'])
    expect(result.outputs).toMatchObject({ id: 'wh_new', created: 'true', 'deleted-ids': '["wh_old"]' })
  })
})
