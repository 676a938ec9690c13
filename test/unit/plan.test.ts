// The plan, a pure function of the manifest and the webhooks listed; the ownership marker; and the plan
// path's imports, which must hold nothing that can POST or DELETE.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Manifest } from '../../src/manifest.js'
import { makePlan } from '../../src/operations/plan.js'
import { markedDescription, parseMarker } from '../../src/webhooks/ownership.js'
import type { Webhook } from '../../src/webhooks/webhook.js'
import { repoRoot } from '../support/run-action.mjs'

const OWNER = 'octo-org/billing'
const URL_A = 'https://a.example.com/hook'
const mark = (key: string, description?: string) => markedDescription(OWNER, key, description)

function manifest(fields: Partial<Manifest> = {}): Manifest {
  return {
    owner: OWNER,
    deleteUnlisted: false,
    maxDeletes: 3,
    endpoints: [{ key: 'a', webhook: { url: URL_A, events: ['call.ended', 'summary.ready'], description: mark('a', 'A') } }],
    ...fields
  }
}

const webhook = (id: string, fields: Partial<Webhook> = {}): Webhook => ({
  id,
  url: URL_A,
  events: ['call.ended', 'summary.ready'],
  description: mark('a', 'A'),
  status: 'active',
  ...fields
})

const actions = (webhooks: Webhook[], fields?: Partial<Manifest>) =>
  makePlan(manifest(fields), webhooks).entries.map(({ key, action, id }) => [key, action, id].filter(Boolean).join(' '))

describe('the plan', () => {
  it('creates an endpoint no managed webhook has', () => {
    expect(actions([])).toEqual(['a create'])
  })

  it('keeps the first matching active webhook, its url compared after normalisation and its events as a set; deletes the other copies', () => {
    const same = webhook('wh_1', { url: 'HTTPS://A.example.com:443/hook', events: ['summary.ready', 'call.ended'] })
    expect(actions([webhook('wh_0', { status: 'disabled' }), same, webhook('wh_2')])).toEqual([
      'a unchanged wh_1',
      'a delete wh_0',
      'a delete wh_2'
    ])
  })

  it.each<[string, Partial<Webhook>]>([
    ['another url', { url: 'https://a.example.com/other' }],
    ['another query (full URLs are compared)', { url: `${URL_A}?token=old` }],
    ['other events', { events: ['call.ended'] }],
    ['another description', { description: mark('a', 'B') }],
    ['a status other than active', { status: 'disabled' }]
  ])('replaces the first managed webhook when none matches: %s', (_, fields) => {
    const plan = makePlan(manifest(), [webhook('wh_1', fields), webhook('wh_2', fields)])
    expect(plan.entries.map(({ action, id }) => `${action} ${id}`)).toEqual(['replace wh_1', 'delete wh_2'])
    expect(plan.creates).toEqual([{ endpoint: manifest().endpoints[0], replaces: webhook('wh_1', fields) }])
    expect(plan.entries[0]).toEqual({
      key: 'a',
      action: 'replace',
      id: 'wh_1',
      url: URL_A,
      events: ['call.ended', 'summary.ready']
    })
  })

  it('shows a managed webhook whose key is not in the manifest as unlisted, and deletes it only with delete-unlisted', () => {
    const old = webhook('wh_old', { description: mark('old') })
    expect(actions([old])).toEqual(['a create', 'old unlisted wh_old'])
    expect(actions([old], { deleteUnlisted: true })).toEqual(['a create', 'old delete wh_old'])
  })

  it('leaves every unmanaged webhook alone, counts them, and names those with an endpoint url', () => {
    const unmanaged = [
      webhook('wh_hand', { description: 'made by hand' }),
      webhook('wh_other', { description: markedDescription('octo-org/other', 'a', 'A') }),
      webhook('wh_glued', { description: `A[revont-sync ${OWNER} a]` }),
      webhook('wh_more', { description: `A [revont-sync ${OWNER} a] x` }),
      webhook('wh_none', { description: undefined })
    ]
    const plan = makePlan(manifest({ deleteUnlisted: true }), unmanaged)
    expect(plan.entries.map(({ action }) => action)).toEqual(['create'])
    expect(plan.unmanaged).toBe(5)
    expect(plan.doubled.map(({ webhook }) => webhook.id)).toEqual(unmanaged.map(({ id }) => id))
  })

  it('holds no secret and no description', () => {
    const plan = makePlan(manifest(), [webhook('wh_1', { events: ['x'] })])
    expect(Object.keys(plan.entries[0]).sort()).toEqual(['action', 'events', 'id', 'key', 'url'])
  })
})

describe('the ownership marker', () => {
  it.each<[string | undefined, ReturnType<typeof parseMarker>]>([
    [`[revont-sync ${OWNER} crm-sync]`, { owner: OWNER, key: 'crm-sync' }],
    [`CRM sync [revont-sync ${OWNER} crm-sync]`, { owner: OWNER, key: 'crm-sync' }],
    [`[revont-sync a/b x] [revont-sync ${OWNER} k]`, { owner: OWNER, key: 'k' }],
    [`CRM sync[revont-sync ${OWNER} crm-sync]`, undefined],
    [`[revont-sync ${OWNER} Crm]`, undefined],
    [`[revont-sync ${OWNER}]`, undefined],
    [`[revont-sync ${OWNER} a b]`, undefined],
    [`[revont-sync octo crm]`, undefined],
    ['', undefined],
    [undefined, undefined]
  ])('%j', (description, marker) => {
    expect(parseMarker(description)).toEqual(marker)
  })

  it('is written exactly as specified, and read back', () => {
    expect(markedDescription(OWNER, 'crm-sync', 'CRM sync')).toBe(`CRM sync [revont-sync ${OWNER} crm-sync]`)
    expect(markedDescription(OWNER, 'crm-sync', undefined)).toBe(`[revont-sync ${OWNER} crm-sync]`)
    expect(parseMarker(markedDescription(OWNER, 'crm-sync', 'a [b] c'))).toEqual({ owner: OWNER, key: 'crm-sync' })
  })
})

describe('the plan path is read-only by construction', () => {
  /** The relative imports of a source file, values and types alike. */
  const imports = (file: string) =>
    [...readFileSync(join(repoRoot, 'src', file), 'utf8').matchAll(/from '(\.[^']+)'/g)].map((match) => match[1])

  it('plan.ts, manifest.ts and ownership.ts import nothing that sends a request', () => {
    const forbidden = /\/api\/|operations\/(create|delete|orphans|apply)|\/(create|delete|orphans|apply)\.js$/
    for (const file of ['operations/plan.ts', 'manifest.ts', 'webhooks/ownership.ts']) {
      expect(
        imports(file).filter((path) => forbidden.test(path)),
        file
      ).toEqual([])
    }
  })
})
