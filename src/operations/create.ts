import { errorMessage } from '../error-message.js'
import type { CreateInputs } from '../inputs.js'
import * as log from '../log.js'
import { checkWritable, handOver } from '../outputs.js'
import type { Report } from '../report.js'
import type { RevontClient } from '../revont-client.js'
import { saveCleanupPlan, saveCreatedId } from '../state.js'
import { hasUrl, normalizeUrl, sameEventSet, type NewWebhook, type Webhook } from '../webhook.js'
import { describeWorkflowRun } from '../workflow-context.js'
import { deleteWebhooks } from './delete.js'

export async function create(client: RevontClient, inputs: CreateInputs, report: Report): Promise<void> {
  const description = inputs.description ?? describeWorkflowRun()
  const before = await client.listWebhooks()
  const existing = before.filter((webhook) => hasUrl(webhook, inputs.url))
  if (existing.length > 0 && inputs.ifExists === 'fail') {
    throw new Error(
      `${existing.length} webhook(s) with url ${inputs.url} exist already (${existing.map((webhook) => webhook.id).join(', ')}); ` +
        'if-exists is fail, so nothing was changed'
    )
  }
  if (inputs.ifExists === 'reuse') {
    const match = existing.find((webhook) => webhook.status === 'active' && sameEventSet(webhook.events, inputs.events))
    if (match) {
      report.record('reused', match)
      log.notice(
        `Reused webhook ${match.id}: its signing secret was shown only when it was created and cannot be read again, so the secret output is empty`
      )
      return
    }
  }
  // reuse without a match replaces, like replace; create leaves what exists alone.
  let replaced = inputs.ifExists === 'create' ? [] : existing
  const webhook: NewWebhook = { url: inputs.url, events: inputs.events, description }
  if (report.dryRun) {
    report.record('would create', webhook)
  } else {
    checkWritable()
    const knownIds = new Set(before.map((known) => known.id))
    // What the post step needs if this step is cancelled or killed while the POST is in flight, saved as
    // the POST passes the gate: a POST that was never sent leaves the post step nothing to look for.
    const savePlan = (): void => {
      if (inputs.cleanup) saveCleanupPlan({ ...webhook, existingIds: existing.map((old) => old.id) })
    }
    const created = await client.createWebhook(webhook, () => deleteOrphans(client, webhook, knownIds, report), savePlan)
    // Handed over (and masked) before it is recorded: recording prints the webhook, which may echo the secret.
    try {
      handOver(created.webhook, created.secret)
    } catch (error) {
      const undone = await deleteUnshared(client, created.webhook.id, report)
      throw new Error(`Could not write the new webhook's secret to the step outputs (${errorMessage(error)}), ${undone}`)
    }
    report.record('created', created.webhook)
    if (inputs.cleanup) saveCreatedId(created.webhook.id)
    checkCreatedAsAsked(created.webhook, webhook)
    // Whatever id the API gave it, the webhook just made is never one of those it replaces.
    replaced = replaced.filter((old) => old.id !== created.webhook.id)
  }
  // The new endpoint exists before the old ones go, so no event is missed in between.
  await deleteWebhooks(client, replaced, report)
}

/** A 201 for another URL or other events is not what was asked for: fail before anything is deleted. */
function checkCreatedAsAsked(created: Webhook, asked: NewWebhook): void {
  const differences = [
    normalizeUrl(created.url) === asked.url ? '' : `url ${created.url} (asked for ${asked.url})`,
    sameEventSet(created.events, asked.events)
      ? ''
      : `events [${created.events.join(', ')}] (asked for [${asked.events.join(', ')}])`
  ].filter(Boolean)
  if (differences.length > 0) {
    throw new Error(
      `POST /webhooks created webhook ${created.id} with ${differences.join(' and ')}; nothing was deleted: check the webhook in Revont`
    )
  }
}

/**
 * After a POST whose answer was lost, or (in the post step) that was cut short: deletes the webhooks this
 * run could have created and whose secret was never seen: this URL, not there before the step, and this
 * POST's description and event set. A same-URL webhook that differs may be another run's, so it is left
 * in place and named.
 */
export async function deleteOrphans(
  client: RevontClient,
  asked: NewWebhook,
  knownIds: Set<string>,
  report: Report
): Promise<void> {
  const candidates = (await client.listWebhooks()).filter((webhook) => hasUrl(webhook, asked.url) && !knownIds.has(webhook.id))
  for (const candidate of candidates) {
    if (candidate.description !== asked.description || !sameEventSet(candidate.events, asked.events)) {
      log.warning(
        `Left webhook ${candidate.id} in place: it has this url but another description or other events, so another run may own it`
      )
    } else if ((await client.deleteWebhook(candidate.id)) === 'deleted') {
      report.record('deleted', candidate)
      log.warning(`Deleted webhook ${candidate.id}: a POST whose answer was lost had created it, and its secret was never seen`)
    }
  }
}

/** After the new webhook's secret could not be handed on: nobody could verify its events, so it goes. */
async function deleteUnshared(client: RevontClient, id: string, report: Report): Promise<string> {
  try {
    if ((await client.deleteWebhook(id)) === 'missing') return `the webhook ${id} it created is gone already`
    report.record('deleted', { id })
    return `so the webhook ${id} it created was deleted again, and nothing else was changed`
  } catch (error) {
    return `and deleting the webhook ${id} it created failed too (${errorMessage(error)}): delete it by hand`
  }
}
