// Credentials in endpoint URLs, through the bundle against the loopback server: a query parameter named in
// secret-query-params (default x-vercel-protection-bypass) is masked before the first request, shown as
// ***, left out when finding an endpoint, and kept when deciding whether one is the same configuration.
// run-action.mjs fails any run that shows the url input's credential anywhere but the outputs and state.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { runStep, useRevontServer, type StepResult } from '../support/harness.js'

const server = useRevontServer({}, { inputs: { 'max-retries': '0' } })

const base = 'https://pr-7.preview.example.app/api/revont'
const OLD = 'oldBypassSecret0123456789abcdef'
const NEW = 'newBypassSecret0123456789abcdef'
/** Someone else's endpoint, listed by the API: its credential is no known secret of this run. */
const THEIRS = 'theirBypassSecret0123456789abcd'
const withCredential = (secret: string, url = base) =>
  `${url}${url.includes('?') ? '&' : '?'}x-vercel-protection-bypass=${secret}`

/** What the run printed, as the action wrote it (before the runner's masks), but the masks themselves. */
function printed(result: StepResult): string {
  const stdout = result.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
  return [stdout, result.stderr, result.summary].join('\n')
}

function masks(result: StepResult): string[] {
  return result.commands.filter((command) => command.name === 'add-mask').map((command) => command.data)
}

describe('create with a credential in the url', () => {
  it('masks the credential before the first request, never shows it, and keeps it in the webhook and the outputs', async () => {
    const url = withCredential(NEW)
    server.inject({ method: 'GET', path: '/webhooks', hold: true })
    const result = await runStep(
      { operation: 'create', url, events: 'call.ended', description: 'Preview 7' },
      {
        // The first request is held: by then the credential must be masked, and nothing sent yet.
        during: async ({ stdout }) => {
          for (let waited = 0; server.held === 0 && waited < 10_000; waited += 10) await new Promise((r) => setTimeout(r, 10))
          expect(server.held).toBe(1)
          expect(stdout()).toContain(`::add-mask::${NEW}\n`)
          server.release()
        }
      }
    )
    expect(result.code).toBe(0)
    const lines = result.stdout.split('\n')
    const maskLine = lines.indexOf(`::add-mask::${NEW}`)
    const firstRequestLine = lines.findIndex((line) => line.startsWith('::debug::GET /webhooks'))
    expect(maskLine).toBeGreaterThan(-1)
    expect(maskLine).toBeLessThan(firstRequestLine)

    const [webhook] = [...server.webhooks.values()]
    expect(webhook.url).toBe(url)
    expect(JSON.parse(result.outputs.webhook).url).toBe(url)
    expect(printed(result)).not.toContain(NEW)
    expect(printed(result)).toContain(`${base}?x-vercel-protection-bypass=***`)
    expect(result.summary).toContain(`${base}?x-vercel-protection-bypass=***`)
  })

  it('masks each form of a percent-encoded, repeated, differently cased credential, and shows none of them', async () => {
    const url = `${base}?X-Vercel-Protection-Bypass=Upper%2FCase%20Secret1&x%2Dvercel-protection-bypass=encodedName0123&x-vercel-protection-bypass=`
    const result = await runStep({ operation: 'create', url, events: 'call.ended' })
    expect(result.code).toBe(0)
    expect(masks(result)).toEqual(expect.arrayContaining(['Upper%2FCase%20Secret1', 'Upper/Case Secret1', 'encodedName0123']))
    for (const form of ['Upper%2FCase%20Secret1', 'Upper/Case Secret1', 'Upper%2FCase', 'encodedName0123']) {
      expect(printed(result)).not.toContain(form)
    }
    // An empty value is no credential: nothing to mask, and it shows as empty.
    expect(masks(result)).not.toContain('')
    expect(result.stdout).toContain(
      `${base}?X-Vercel-Protection-Bypass=***&x%2Dvercel-protection-bypass=***&x-vercel-protection-bypass= [call.ended]`
    )
    expect(JSON.parse(result.outputs.webhook).url).toBe(url)
  })

  it('masks a credential that carries command syntax and encoded line ends, and no command gets through', async () => {
    const hostile = 'hostile0123%0A::warning::PWN%0D%23%23[error]PWN%0D%0A::stop-commands::x'
    const result = await runStep({ operation: 'create', url: withCredential(hostile), events: 'call.ended' })
    expect(result.code).toBe(0)
    expect(masks(result)).toContain(hostile)
    expect(result.log.annotations).toEqual([])
    expect(printed(result)).not.toContain('PWN')
    expect(printed(result)).not.toContain('hostile0123')
  })

  it('never shows the credential of a url it refuses', async () => {
    const result = await runStep({
      operation: 'create',
      url: withCredential(NEW, 'http://pr-7.preview.example.app/h'),
      events: 'call.ended'
    })
    expect(result.code).toBe(1)
    expect(server.requests).toEqual([])
    expect(result.log.annotations[0].message).toContain("got 'http://pr-7.preview.example.app/h?x-vercel-protection-bypass=***'")
    expect(printed(result)).not.toContain(NEW)
  })

  it('fails a 201 for another credential, and shows neither', async () => {
    server.inject({
      method: 'POST',
      path: '/webhooks',
      status: 201,
      body: JSON.stringify({
        id: 'wh_other',
        url: withCredential(THEIRS),
        events: ['call.ended'],
        secret: 'whsec_injected_zyxwvutsrqp'
      })
    })
    const result = await runStep({ operation: 'create', url: withCredential(NEW), events: 'call.ended' })
    expect(result.code).toBe(1)
    const message = result.log.annotations.at(-1)?.message ?? ''
    expect(message).toContain(
      `created webhook wh_other with url ${base}?x-vercel-protection-bypass=*** (asked for ${base}?x-vercel-protection-bypass=***)`
    )
    expect(printed(result)).not.toContain(THEIRS)
    expect(printed(result)).not.toContain(NEW)
  })
})

describe('after the credential was rotated', () => {
  it('reuse replaces the endpoint with the old credential, which would fail every delivery', async () => {
    server.seed([{ id: 'wh_old', url: withCredential(OLD), events: ['call.ended'] }])
    const result = await runStep({ operation: 'create', url: withCredential(NEW), events: 'call.ended', 'if-exists': 'reuse' })
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({ created: 'true', 'deleted-ids': '["wh_old"]' })
    expect([...server.webhooks.values()].map((webhook) => webhook.url)).toEqual([withCredential(NEW)])
    expect(printed(result)).not.toContain(OLD)
    expect(printed(result)).not.toContain(NEW)
  })

  it('reuse still reuses the endpoint whose whole url is the one asked for', async () => {
    server.seed([
      { id: 'wh_old', url: withCredential(OLD), events: ['call.ended'] },
      { id: 'wh_same', url: withCredential(NEW), events: ['call.ended'] }
    ])
    const result = await runStep({ operation: 'create', url: withCredential(NEW), events: 'call.ended', 'if-exists': 'reuse' })
    expect(result.outputs).toMatchObject({ id: 'wh_same', created: 'false', 'deleted-ids': '[]' })
    expect(server.webhooks.size).toBe(2)
  })

  it('replace finds and deletes the old endpoint; fail refuses, naming it without its credential', async () => {
    server.seed([{ id: 'wh_old', url: withCredential(OLD), events: ['call.ended'] }])
    const refused = await runStep({ operation: 'create', url: withCredential(NEW), events: 'call.ended', 'if-exists': 'fail' })
    expect(refused.code).toBe(1)
    expect(refused.log.annotations[0].message).toContain(
      `1 webhook(s) with url ${base}?x-vercel-protection-bypass=*** exist already (wh_old)`
    )
    const replaced = await runStep({
      operation: 'create',
      url: withCredential(NEW),
      events: 'call.ended',
      'if-exists': 'replace'
    })
    expect(replaced.outputs['deleted-ids']).toBe('["wh_old"]')
    expect(server.webhooks.has('wh_old')).toBe(false)
  })

  it('teardown (delete by url) finds the endpoint with the old credential, and only that one', async () => {
    server.seed([
      { id: 'wh_old', url: withCredential(OLD), events: ['call.ended'] },
      { id: 'wh_plain', url: base, events: ['call.ended'] },
      { id: 'wh_pr8', url: withCredential(OLD, 'https://pr-8.preview.example.app/api/revont'), events: ['call.ended'] }
    ])
    const result = await runStep({ operation: 'delete', url: withCredential(NEW) })
    expect(result.code).toBe(0)
    expect(JSON.parse(result.outputs['deleted-ids']).sort()).toEqual(['wh_old', 'wh_plain'])
    expect([...server.webhooks.keys()]).toEqual(['wh_pr8'])
    expect(result.stdout).toContain(`Deleted: wh_old ${base}?x-vercel-protection-bypass=***`)
    expect(printed(result)).not.toContain(OLD)
  })

  it('a warning that nothing has the url shows it without its credential', async () => {
    const result = await runStep({ operation: 'delete', url: withCredential(NEW) })
    expect(result.log.annotations[0].message).toBe(`No webhook has url ${base}?x-vercel-protection-bypass=***: nothing to delete`)
  })
})

describe('another query parameter keeps its identity', () => {
  it('is part of the url when finding, wherever the credential stands', async () => {
    server.seed([
      { id: 'wh_pr7', url: `${base}?pr=7&x-vercel-protection-bypass=${OLD}`, events: ['call.ended'] },
      { id: 'wh_pr8', url: `${base}?pr=8&x-vercel-protection-bypass=${OLD}`, events: ['call.ended'] },
      { id: 'wh_pr7_env', url: `${base}?pr=7&env=staging&x-vercel-protection-bypass=${OLD}`, events: ['call.ended'] }
    ])
    const listed = await runStep({ operation: 'list', url: `${base}?x-vercel-protection-bypass=${NEW}&pr=7` })
    expect(JSON.parse(listed.outputs.webhooks).map((webhook: { id: string }) => webhook.id)).toEqual(['wh_pr7'])
    const deleted = await runStep({ operation: 'delete', url: `${base}?x-vercel-protection-bypass=${NEW}&pr=7` })
    expect(deleted.outputs['deleted-ids']).toBe('["wh_pr7"]')
    expect([...server.webhooks.keys()]).toEqual(['wh_pr8', 'wh_pr7_env'])
  })
})

describe("a list whose URLs carry someone else's credential", () => {
  const listedUrls = [
    withCredential(THEIRS),
    `https://pr-9.preview.example.app/h?X-VERCEL-PROTECTION-BYPASS=${THEIRS}&x%2Dvercel-protection-bypass=${THEIRS}x`,
    // Hostile text in the value, and a URL that does not parse.
    `https://pr-10.preview.example.app/h?x-vercel-protection-bypass=${THEIRS}%0A::warning::PWN%0D%23%23[error]PWN`,
    `https://pr 11.preview.example.app/h?x-vercel-protection-bypass=${THEIRS}\n::error::PWN`
  ]

  it('shows each as *** in the log and the summary, and keeps whole URLs in webhooks and webhooks-file', async () => {
    server.seed(listedUrls.map((url, index) => ({ id: `wh_${index}`, url, events: ['call.ended'] })))
    const result = await runStep({ operation: 'list' })
    expect(result.code).toBe(0)
    expect(printed(result)).not.toContain(THEIRS)
    expect(printed(result)).not.toContain('PWN')
    expect(result.log.annotations).toEqual([])
    expect(result.stdout).toContain(`- wh_0 ${base}?x-vercel-protection-bypass=*** [call.ended]`)
    expect(result.stdout).toContain(
      '- wh_1 https://pr-9.preview.example.app/h?X-VERCEL-PROTECTION-BYPASS=***&x%2Dvercel-protection-bypass=*** [call.ended]'
    )
    expect(result.summary).toContain(`<td>${base}?x-vercel-protection-bypass=***</td>`)
    const urls = (json: string) => (JSON.parse(json) as Array<{ url: string }>).map((webhook) => webhook.url)
    expect(urls(result.outputs.webhooks)).toEqual(listedUrls)
    expect(urls(readFileSync(result.outputs['webhooks-file'], 'utf8'))).toEqual(listedUrls)
  })

  it('a list filter finds them whatever their credential, and shows none', async () => {
    server.seed(listedUrls.map((url, index) => ({ id: `wh_${index}`, url, events: ['call.ended'] })))
    const result = await runStep({ operation: 'list', url: withCredential(NEW) })
    expect(JSON.parse(result.outputs.webhooks)).toMatchObject([{ id: 'wh_0', url: withCredential(THEIRS) }])
    expect(printed(result)).not.toContain(THEIRS)
  })

  it("prune's pattern matches them with the credentials left out, and shows none", async () => {
    server.seed([
      ...listedUrls.map((url, index) => ({ id: `wh_${index}`, url, events: ['call.ended'] })),
      { id: 'wh_other', url: `https://pr-12.preview.example.app/h?pr=12&x-vercel-protection-bypass=${THEIRS}`, events: ['a'] }
    ])
    const result = await runStep({ operation: 'prune', url: 'https://pr-*.preview.example.app/h' })
    expect(result.code).toBe(0)
    expect(JSON.parse(result.outputs['deleted-ids']).sort()).toEqual(['wh_1', 'wh_2'])
    expect(printed(result)).not.toContain(THEIRS)
    expect(printed(result)).not.toContain('PWN')
  })
})

describe('secret-query-params', () => {
  it('names other parameters, compared case-insensitively, and refuses a bad name before any request', async () => {
    server.seed([{ id: 'wh_old', url: `${base}?Token=${OLD}`, events: ['call.ended'] }])
    const result = await runStep({ operation: 'delete', url: `${base}?TOKEN=${NEW}`, 'secret-query-params': 'sig\ntoken' })
    expect(result.outputs['deleted-ids']).toBe('["wh_old"]')
    expect(masks(result)).toContain(NEW)
    expect(printed(result)).not.toContain(OLD)

    const refused = await runStep({ operation: 'list', 'secret-query-params': 'token=1' })
    expect(refused.code).toBe(1)
    expect(refused.log.annotations[0].message).toMatch(/^Input 'secret-query-params' has a name with spaces/)
    expect(server.requests.filter((request) => request.method === 'GET')).toHaveLength(1)
  })
})

describe('cleanup: true', () => {
  it('the post step deletes the webhook with the credential, and shows it without', async () => {
    const result = await runStep({ operation: 'create', url: withCredential(NEW), events: 'call.ended', cleanup: 'true' })
    expect(result.code).toBe(0)
    const post = await result.post()
    expect(server.webhooks.size).toBe(0)
    expect(masks(post)).toContain(NEW)
    expect(printed(post)).not.toContain(NEW)
    expect(post.stdout).toContain(`${base}?x-vercel-protection-bypass=***`)
  })
})
