import type { CreateInputs } from '../inputs.js'
import type { Report } from '../report.js'
import type { RevontClient } from '../revont-client.js'
import * as runner from '../runner.js'
import { hasUrl, sameEventSet, type Webhook } from '../webhook.js'
import { describeWorkflowRun } from '../workflow-context.js'
import { deleteWebhooks } from './delete.js'

export async function create(client: RevontClient, inputs: CreateInputs, report: Report): Promise<void> {
  const description = inputs.description ?? describeWorkflowRun()
  const before = (await client.listWebhooks()).webhooks
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
      runner.notice(
        `Reused webhook ${match.id}: its signing secret was shown only when it was created and cannot be read again, so the secret output is empty`
      )
      return
    }
  }
  // reuse without a match replaces, like replace; create leaves what exists alone.
  const replaced = inputs.ifExists === 'create' ? [] : existing
  const webhook = { url: inputs.url, events: inputs.events, description }
  if (report.dryRun) {
    report.record('would create', webhook)
  } else {
    const knownIds = new Set(before.map((known) => known.id))
    const created = await client.createWebhook(webhook, () => deleteOrphans(client, inputs.url, knownIds, report))
    report.secret = created.secret
    report.record('created', created.webhook)
  }
  // The new endpoint exists before the old ones go, so no event is missed in between.
  await deleteWebhooks(client, replaced, report)
}

/**
 * After a POST whose answer was lost: deletes webhooks with this URL that were not there before the
 * step. Their secret was never seen, so they could only deliver events nobody can verify.
 */
async function deleteOrphans(client: RevontClient, url: string, knownIds: Set<string>, report: Report): Promise<void> {
  const orphans: Webhook[] = (await client.listWebhooks()).webhooks.filter(
    (webhook) => hasUrl(webhook, url) && !knownIds.has(webhook.id)
  )
  for (const orphan of orphans) {
    if ((await client.deleteWebhook(orphan.id)) === 'deleted') {
      report.record('deleted', orphan)
      runner.warning(`Deleted webhook ${orphan.id}: a POST whose answer was lost had created it, and its secret was never seen`)
    }
  }
}
