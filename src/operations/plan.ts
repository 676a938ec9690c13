// plan: what apply would change, from one GET (docs/design.md#webhooks-as-code). Read-only by
// construction: this module is handed a function that lists webhooks, never the client, so nothing on the
// plan path can send a POST or a DELETE.
import type { ApplyInputs, PlanInputs } from '../inputs.js'
import { readManifest, type Endpoint, type Manifest } from '../manifest.js'
import type { Report } from '../results/report.js'
import * as log from '../text/log.js'
import { parseMarker } from '../webhooks/ownership.js'
import { findKey, hasUrl, shownUrl } from '../webhooks/urls.js'
import { sameEventSet, type Webhook } from '../webhooks/webhook.js'

export type Action = 'create' | 'replace' | 'delete' | 'unchanged' | 'unlisted'

/** One entry of the `plan` output. */
export interface PlanEntry {
  key: string
  action: Action
  id?: string
  url: string
  events: string[]
}

export interface Plan {
  owner: string
  entries: PlanEntry[]
  /** The create and replace entries' endpoints, with the webhook a replace replaces. */
  creates: Array<{ endpoint: Endpoint; replaces?: Webhook }>
  /** The delete entries' webhooks, with the key they had. */
  deletes: Array<{ key: string; webhook: Webhook }>
  /** How many webhooks carry no marker of this owner: never changed. */
  unmanaged: number
  /** Unmanaged webhooks with a manifest endpoint's URL: that URL would get every event twice. */
  doubled: Array<{ key: string; webhook: Webhook }>
}

/** What the API lists; all that the plan path is given of the client. */
export type ListWebhooks = () => Promise<Webhook[]>

/** The operation: the manifest checked before the one GET, then the plan reported. */
export async function plan(listWebhooks: ListWebhooks, inputs: PlanInputs | ApplyInputs, report: Report): Promise<void> {
  await planFromApi(listWebhooks, inputs, report)
}

/** Reads the manifest (before any request), lists the webhooks and reports the plan; apply's first step too. */
export async function planFromApi(
  listWebhooks: ListWebhooks,
  inputs: PlanInputs | ApplyInputs,
  report: Report
): Promise<{ manifest: Manifest; plan: Plan; listed: Webhook[] }> {
  const manifest = await readManifest(inputs.manifest, inputs.defaultOwner)
  const listed = await listWebhooks()
  const plan = makePlan(manifest, listed)
  report.showPlan(plan, inputs.manifest.name)
  warnDoubled(plan)
  return { manifest, plan, listed }
}

/**
 * The plan, a pure function of the manifest and the webhooks listed. For each endpoint, among the managed
 * webhooks with its key, the first that is as the manifest says and active is unchanged and the others
 * are deleted; without one, the first is replaced (a new one is made, then the old ones deleted), or, with
 * none, the endpoint is created. A managed webhook whose key is not in the manifest is deleted only with
 * delete-unlisted.
 */
export function makePlan(manifest: Manifest, webhooks: Webhook[]): Plan {
  const managed = new Map<string, Webhook[]>()
  const unmanagedByUrl = new Map<string, Webhook[]>()
  let unmanaged = 0
  for (const webhook of webhooks) {
    const marker = parseMarker(webhook.description)
    if (marker?.owner === manifest.owner) {
      const list = managed.get(marker.key)
      if (list) list.push(webhook)
      else managed.set(marker.key, [webhook])
    } else {
      unmanaged++
      // Found as an endpoint is: with its credentials left out, it still gets the same events.
      const url = findKey(webhook.url)
      const list = unmanagedByUrl.get(url)
      if (list) list.push(webhook)
      else unmanagedByUrl.set(url, [webhook])
    }
  }
  const result: Plan = { owner: manifest.owner, entries: [], creates: [], deletes: [], unmanaged, doubled: [] }
  const entry = (key: string, action: Action, webhook: Pick<Webhook, 'url' | 'events'> & { id?: string }): void => {
    const { id, url, events } = webhook
    result.entries.push({ key, action, ...(id === undefined ? {} : { id }), url: shownUrl(url), events })
  }
  const remove = (key: string, webhook: Webhook): void => {
    result.deletes.push({ key, webhook })
    entry(key, 'delete', webhook)
  }
  for (const endpoint of manifest.endpoints) {
    const { key, webhook: asked } = endpoint
    const mine = managed.get(key) ?? []
    managed.delete(key)
    // Being the same configuration compares the full URL, credentials included.
    const kept = mine.find(
      (webhook) =>
        webhook.status === 'active' &&
        hasUrl(webhook, asked.url) &&
        sameEventSet(webhook.events, asked.events) &&
        webhook.description === asked.description
    )
    const replaced = kept ? undefined : mine[0]
    if (kept) entry(key, 'unchanged', kept)
    else if (replaced) entry(key, 'replace', { id: replaced.id, url: asked.url, events: asked.events })
    else entry(key, 'create', asked)
    if (!kept) result.creates.push(replaced ? { endpoint, replaces: replaced } : { endpoint })
    for (const webhook of mine) if (webhook !== kept && webhook !== replaced) remove(key, webhook)
    for (const webhook of unmanagedByUrl.get(findKey(asked.url)) ?? []) result.doubled.push({ key, webhook })
  }
  for (const [key, webhooks] of managed) {
    for (const webhook of webhooks) {
      if (manifest.deleteUnlisted) remove(key, webhook)
      else entry(key, 'unlisted', webhook)
    }
  }
  return result
}

/** How many create, replace and delete entries the plan holds. */
export function plannedChanges(plan: Plan): number {
  return plan.creates.length + plan.deletes.length
}

/** Warnings are annotations, and a step shows only a few: the rest are counted in one. */
const SHOWN_WARNINGS = 5
const SHOWN_IDS = 20

function warnDoubled({ doubled }: Plan): void {
  for (const { key, webhook } of doubled.slice(0, SHOWN_WARNINGS)) {
    log.warning(
      `Webhook ${webhook.id} has the url of endpoint ${key} (${shownUrl(webhook.url)}) but is not managed by this manifest: ` +
        'that url gets every event twice; delete it, or give the endpoint another url'
    )
  }
  const more = doubled.slice(SHOWN_WARNINGS)
  if (more.length > 0) {
    const named = more.slice(0, SHOWN_IDS).map(({ webhook }) => webhook.id)
    const rest = more.length > named.length ? ` and ${more.length - named.length} more` : ''
    log.warning(`${more.length} more unmanaged webhooks have the url of a manifest endpoint: ${named.join(', ')}${rest}`)
  }
}
