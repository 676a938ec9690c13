// Webhooks as code through the bundled action against the loopback server: plan (read-only, one GET),
// apply (creates and replaces first, then deletes; max-deletes; a lost POST; secrets that cannot be
// written), what is never touched, and hostile API text in the plan, each run read by the runner's rules.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FAULT_STEPS } from '../support/fixtures.js'
import { annotations, runStep, sent, until, useRevontServer, type StepOptions } from '../support/harness.js'
import { newFolder } from '../support/run-action.mjs'
import { startRevontServer } from '../support/revont-server.mjs'

const API_KEY = `rk_wac_${randomBytes(12).toString('hex')}`
const OWNER = 'octo-org/billing'
const CRM = 'https://hooks.example.com/revont'
const ANALYTICS = 'https://analytics.example.com/in'
const MANIFEST = `version: 1
owner: ${OWNER}
endpoints:
  - key: crm-sync
    url: ${CRM}
    events: [call.ended, summary.ready]
    description: CRM sync
  - key: analytics
    url: ${ANALYTICS}
    events: [call.ended]
`
const marker = (key: string, description?: string) => `${description ? `${description} ` : ''}[revont-sync ${OWNER} ${key}]`

const server = useRevontServer({ apiKey: API_KEY }, { ...FAULT_STEPS, timeoutMs: 30_000 })

/** A workspace holding the manifest at the default path. */
function workspace(manifest: string): string {
  const folder = newFolder()
  mkdirSync(join(folder, '.github'))
  writeFileSync(join(folder, '.github', 'revont-webhooks.yml'), manifest)
  return folder
}

async function run(
  operation: string,
  manifest: string,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {},
  during?: StepOptions['during']
) {
  const result = await runStep({ operation, ...inputs }, { env: { GITHUB_WORKSPACE: workspace(manifest), ...env }, during })
  return { ...result, errors: annotations(result, 'error'), warnings: annotations(result, 'warning') }
}
const descriptions = () => [...server.webhooks.values()].map((webhook) => webhook.description as string).sort()
const planOf = (result: { outputs: Record<string, string> }) =>
  JSON.parse(result.outputs.plan) as Array<{ key: string; action: string; id?: string; url: string; events: string[] }>

describe('plan', () => {
  it.each([
    ['plan', {}],
    ['apply with dry-run: true', { 'dry-run': 'true' }]
  ])(
    '%s: one GET, the plan and changes outputs, a summary table, and a warning for an unmanaged webhook on an endpoint url',
    async (_, extra) => {
      server.seed([
        { id: 'wh_hand', url: CRM, events: ['call.ended'], description: 'set up by hand' },
        { id: 'wh_old', url: ANALYTICS, events: ['call.ended', 'summary.ready'], description: marker('analytics') },
        { id: 'wh_gone', url: 'https://old.example.com/x', events: ['call.ended'], description: marker('legacy') }
      ])
      const operation = 'dry-run' in extra ? 'apply' : 'plan'
      const result = await run(operation, MANIFEST, extra)
      expect(result.code).toBe(0)
      expect(sent()).toEqual(['GET /webhooks'])
      expect(planOf(result)).toEqual([
        { key: 'crm-sync', action: 'create', url: CRM, events: ['call.ended', 'summary.ready'] },
        { key: 'analytics', action: 'replace', id: 'wh_old', url: ANALYTICS, events: ['call.ended'] },
        { key: 'legacy', action: 'unlisted', id: 'wh_gone', url: 'https://old.example.com/x', events: ['call.ended'] }
      ])
      expect(result.outputs.changes).toBe('2')
      expect(result.warnings).toEqual([
        expect.stringMatching(/^Webhook wh_hand has the url of endpoint crm-sync .* is not managed by this manifest/)
      ])
      expect(result.summary).toContain('1 to create, 1 to replace, 0 to delete, 0 unchanged, 1 unlisted (kept)')
      expect(result.summary).toContain('1 unmanaged webhook is not touched')
      expect(result.summary).toContain(
        '<tr><td>crm-sync</td><td>create</td><td></td><td>https://hooks.example.com/revont</td><td>call.ended, summary.ready</td><td>new secret</td></tr>'
      )
      expect(result.summary).toContain('<td>analytics</td><td>replace</td><td>wh_old</td>')
      expect(result.summary).toContain('<td>legacy</td><td>unlisted</td><td>wh_gone</td>')
      expect(result.outputs.secrets ?? '{}').toBe('{}')
      expect(server.webhooks.size).toBe(3)
    }
  )

  it('a bad manifest fails before any request, naming the file, the field, its line and what is allowed', async () => {
    const result = await run('plan', MANIFEST.replace(`url: ${ANALYTICS}`, 'url: http://analytics.example.com/in'))
    expect(result.code).toBe(1)
    expect(sent()).toEqual([])
    expect(result.errors).toEqual([
      "Input 'manifest' file .github/revont-webhooks.yml, line 9: endpoints[1].url must be: a valid https:// URL; got 'http://analytics.example.com/in'"
    ])
  })

  it('a typo in a field name is an error, not ignored', async () => {
    const result = await run('apply', MANIFEST.replace('    events: [call.ended]\n', '    event: [call.ended]\n'))
    expect(result.code).toBe(1)
    expect(sent()).toEqual([])
    expect(result.errors[0]).toMatch(
      /line 10: endpoints\[1\]\.event is not a field of the manifest's endpoints: allowed are key, url, events, description$/
    )
  })

  it('hostile API text in a managed webhook is shown escaped: no workflow command, in the log or the summary', async () => {
    server.seed([
      {
        id: 'wh_x\n::error::pwned',
        url: 'https://hooks.example.com/x\r::set-output name=a::b##[stop-commands]',
        events: ['call.ended\n::warning::fake', '<img src=x onerror=alert(1)>|'],
        description: marker('legacy')
      }
    ])
    const result = await run('plan', MANIFEST)
    expect(result.code).toBe(0)
    expect(result.log.text).toContain('- unlisted legacy wh_x\\u000a::error::pwned')
    expect(result.summary).not.toContain('<img')
    expect(result.summary).toContain('&#60;img src=x onerror=alert(1)&#62;&#124;')
    expect(result.errors).toEqual([])
    expect(planOf(result)[2]).toMatchObject({ key: 'legacy', action: 'unlisted', id: 'wh_x\n::error::pwned' })
  })

  it('500 endpoints against 10,000 webhooks: one GET, every kept endpoint unchanged', async () => {
    const endpoints = Array.from({ length: 500 }, (_, i) => ({
      key: `ep-${i}`,
      url: `https://hooks-${i}.example.com/revont`,
      events: ['call.ended']
    }))
    server.seed(
      Array.from({ length: 10_000 }, (_, i) =>
        i < 250
          ? { id: `wh_${i}`, url: endpoints[i].url, events: ['call.ended'], description: marker(`ep-${i}`) }
          : { id: `wh_${i}`, url: `https://preview-${i}.example.com/h`, events: ['call.ended'], description: `octo/app PR #${i}` }
      )
    )
    const result = await run('plan', JSON.stringify({ version: 1, owner: OWNER, endpoints }))
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks'])
    const actions = planOf(result).map((entry) => entry.action)
    expect(actions.filter((action) => action === 'unchanged')).toHaveLength(250)
    expect(actions.filter((action) => action === 'create')).toHaveLength(250)
    expect(result.outputs.changes).toBe('250')
    expect(result.summary).toContain('9750 unmanaged webhooks are not touched')
  })
})

describe('apply', () => {
  it('creates each endpoint with the marker, hands over every secret, and a second apply changes nothing', async () => {
    const first = await run('apply', MANIFEST)
    expect(first.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks', 'POST /webhooks'])
    expect(descriptions()).toEqual([marker('analytics'), marker('crm-sync', 'CRM sync')].sort())
    const secrets = JSON.parse(first.outputs.secrets) as Record<string, string>
    expect(Object.keys(secrets).sort()).toEqual(['analytics', 'crm-sync'])
    expect(Object.values(secrets).sort()).toEqual(server.secrets.slice(-2).sort())
    for (const secret of server.secrets.slice(-2)) expect(first.log.masks).toContain(secret)
    expect(first.outputs.changes).toBe('2')

    server.requests.length = 0
    const second = await run('apply', MANIFEST)
    expect(second.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks'])
    expect(planOf(second).map((entry) => entry.action)).toEqual(['unchanged', 'unchanged'])
    expect(second.outputs).toMatchObject({ changes: '0', secrets: '{}', 'deleted-ids': '[]' })
  })

  it('a replace makes the new webhook before it deletes the old one; its new secret is in secrets', async () => {
    server.seed([
      { id: 'wh_crm', url: CRM, events: ['call.ended', 'summary.ready'], description: marker('crm-sync', 'CRM sync') },
      { id: 'wh_an', url: ANALYTICS, events: ['call.ended', 'summary.ready'], description: marker('analytics') }
    ])
    const result = await run('apply', MANIFEST)
    expect(result.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks', 'DELETE /webhooks/wh_an'])
    const created = [...server.webhooks.values()].find((webhook) => webhook.id !== 'wh_crm')
    expect(created).toMatchObject({ url: ANALYTICS, events: ['call.ended'], description: marker('analytics') })
    expect(JSON.parse(result.outputs.secrets)).toEqual({ analytics: server.secrets.at(-1) })
    expect(result.outputs).toMatchObject({ changes: '1', 'deleted-ids': '["wh_an"]' })
  })

  it('max-deletes: more deletes than allowed fails before any change, naming both numbers', async () => {
    const unlisted = ['a', 'b', 'c', 'd'].map((key) => ({
      id: `wh_${key}`,
      url: `https://${key}.example.com/h`,
      events: ['call.ended'],
      description: marker(key)
    }))
    server.seed(unlisted)
    const result = await run('apply', MANIFEST.replace('endpoints:', 'delete-unlisted: true\nendpoints:'))
    expect(result.code).toBe(1)
    expect(sent()).toEqual(['GET /webhooks'])
    expect(result.errors).toEqual([
      expect.stringMatching(/^The plan deletes 4 webhooks, more than max-deletes \(3\) allows: nothing was changed/)
    ])
    expect(server.webhooks.size).toBe(4)
  })

  it("delete-unlisted deletes only managed webhooks of this owner: unmanaged and another owner's are never touched", async () => {
    server.seed([
      { id: 'wh_unlisted', url: 'https://old.example.com/h', events: ['call.ended'], description: marker('legacy') },
      { id: 'wh_hand', url: 'https://hand.example.com/h', events: ['call.ended'], description: 'made by hand' },
      {
        id: 'wh_other',
        url: CRM,
        events: ['call.ended', 'summary.ready'],
        description: 'CRM sync [revont-sync octo-org/other crm-sync]'
      },
      {
        id: 'wh_lookalike',
        url: 'https://x.example.com/h',
        events: ['call.ended'],
        description: `x[revont-sync ${OWNER} legacy]`
      }
    ])
    const kept = await run('apply', MANIFEST)
    expect(kept.code).toBe(0)
    expect(planOf(kept).find((entry) => entry.key === 'legacy')?.action).toBe('unlisted')
    expect(sent().filter((request) => request.startsWith('DELETE'))).toEqual([])

    server.requests.length = 0
    const deleted = await run('apply', MANIFEST.replace('endpoints:', 'delete-unlisted: true\nendpoints:'))
    expect(deleted.code).toBe(0)
    expect(sent()).toEqual(['GET /webhooks', 'DELETE /webhooks/wh_unlisted'])
    expect([...server.webhooks.keys()]).toEqual(expect.arrayContaining(['wh_hand', 'wh_other', 'wh_lookalike']))
    expect(server.webhooks.has('wh_unlisted')).toBe(false)
  })

  it('a failing endpoint does not stop the others: the step fails at the end naming it, secrets holds the rest', async () => {
    server.inject({ method: 'POST', path: '/webhooks', status: 400 })
    const result = await run('apply', MANIFEST)
    expect(result.code).toBe(1)
    expect(sent().filter((request) => request === 'POST /webhooks')).toHaveLength(2)
    expect(server.webhooks.size).toBe(1)
    const [made] = [...server.webhooks.values()]
    const failedKey = made.description === marker('analytics') ? 'crm-sync' : 'analytics'
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(/^Carried out 1 of the plan's 2 changes: 1 of 2 creates and replaces failed: /)
    expect(result.errors[0]).toContain(`${failedKey}: POST /webhooks failed: 400 Bad Request: injected 400`)
    expect(Object.keys(JSON.parse(result.outputs.secrets))).toEqual([failedKey === 'crm-sync' ? 'analytics' : 'crm-sync'])
  })

  it('a replace whose POST fails keeps the old webhook, and the other copies with its key', async () => {
    server.seed([
      { id: 'wh_an1', url: ANALYTICS, events: ['summary.ready'], description: marker('analytics') },
      { id: 'wh_an2', url: ANALYTICS, events: ['summary.ready'], description: marker('analytics') },
      { id: 'wh_crm', url: CRM, events: ['call.ended', 'summary.ready'], description: marker('crm-sync', 'CRM sync') }
    ])
    server.inject({ method: 'POST', path: '/webhooks', status: 422 })
    const result = await run('apply', MANIFEST)
    expect(result.code).toBe(1)
    expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks'])
    expect([...server.webhooks.keys()].sort()).toEqual(['wh_an1', 'wh_an2', 'wh_crm'])
  })

  it('a lost POST answer: the orphan it made is deleted by the orphan rule, then the POST is sent again', async () => {
    server.seed([
      { id: 'wh_before', url: CRM, events: ['call.ended', 'summary.ready'], description: marker('crm-sync', 'CRM sync') }
    ])
    server.inject({ method: 'POST', path: '/webhooks', reset: 'after' })
    const result = await run('apply', MANIFEST)
    expect(result.code).toBe(0)
    const deletes = sent().filter((request) => request.startsWith('DELETE'))
    expect(sent()).toEqual(['GET /webhooks', 'POST /webhooks', 'GET /webhooks', deletes[0], 'POST /webhooks'])
    expect(deletes).toHaveLength(1)
    expect(deletes[0]).not.toBe('DELETE /webhooks/wh_before')
    expect(result.warnings.some((warning) => warning.includes('its secret was never seen'))).toBe(true)
    expect(descriptions()).toEqual([marker('analytics'), marker('crm-sync', 'CRM sync')].sort())
    expect(JSON.parse(result.outputs.secrets)).toEqual({ analytics: server.secrets.at(-1) })
  })

  it.skipIf(!existsSync('/dev/full'))(
    'secrets cannot be written (GITHUB_OUTPUT /dev/full): the webhooks just created are deleted again, the old ones kept',
    async () => {
      server.seed([{ id: 'wh_old', url: ANALYTICS, events: ['summary.ready'], description: marker('analytics') }])
      const result = await run('apply', MANIFEST, {}, { GITHUB_OUTPUT: '/dev/full' })
      expect(result.code).toBe(1)
      expect([...server.webhooks.keys()]).toEqual(['wh_old'])
      expect(sent().filter((request) => request === 'POST /webhooks').length).toBeGreaterThan(0)
      expect(sent().filter((request) => request === 'DELETE /webhooks/wh_old')).toEqual([])
      expect(result.errors).toHaveLength(1)
      expect(result.errors[0]).toMatch(
        /^Could not write the new webhooks' secrets to the step outputs \(ENOSPC.*, so the webhooks? wh_\w+(, wh_\w+)? it created (was|were) deleted again, and nothing else was changed/
      )
    }
  )

  it('a secret that cannot be masked is never written, though a POST still in flight hands over its own', async () => {
    const refused = Array.from({ length: 1001 }, (_, line) => `line-${line}`).join('\n')
    const body = JSON.stringify({ id: 'wh_refused', url: ANALYTICS, events: ['call.ended'], status: 'active', secret: refused })
    const threeEndpoints = `${MANIFEST}  - key: billing\n    url: https://billing.example.com/in\n    events: [call.ended]\n`
    // The first POST is answered as usual, and opens the throttle to two at a time: one of the next two
    // is held, the other answered with the secret that cannot be masked.
    server.inject({
      method: 'POST',
      path: '/webhooks',
      meanwhile: () => {
        server.inject({ method: 'POST', path: '/webhooks', hold: true })
        server.inject({
          method: 'POST',
          path: '/webhooks',
          status: 201,
          headers: { 'content-type': 'application/json' },
          body
        })
      }
    })
    const result = await run('apply', threeEndpoints, {}, {}, async (step) => {
      // The held POST is answered only once the refused secret has been read.
      await until(
        () => step.stdout().includes(`201 Created, ${Buffer.byteLength(body)} bytes`),
        'the answer with the refused secret'
      )
      server.release()
    })
    expect(result.code).toBe(1)
    expect(result.errors).toEqual([expect.stringContaining('a secret of more than 1000 lines is more than the action can mask')])
    expect(Object.keys(JSON.parse(result.outputs.secrets))).toHaveLength(2)
    expect(result.outputs.secrets).not.toContain('line-1')
    expect(sent().filter((request) => request.startsWith('DELETE'))).toHaveLength(3)
    expect([...server.webhooks.keys()]).toEqual([])
  })

  it('runs its POSTs at most 8 at a time', async () => {
    const slow = await startRevontServer({ apiKey: API_KEY, delayMs: { POST: 50 } })
    try {
      const endpoints = Array.from({ length: 30 }, (_, i) => ({
        key: `ep-${i}`,
        url: `https://h${i}.example.com/x`,
        events: ['call.ended']
      }))
      const result = await run('apply', JSON.stringify({ version: 1, owner: OWNER, endpoints }), { 'api-url': slow.url })
      expect(result.code).toBe(0)
      expect(slow.webhooks.size).toBe(30)
      expect(slow.maxInFlight).toBeGreaterThan(1)
      expect(slow.maxInFlight).toBeLessThanOrEqual(8)
    } finally {
      await slow.close()
    }
  })
})
