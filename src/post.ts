// The post step (action.yml runs.post, whatever the job's result): with cleanup: true, deletes the webhook
// its main step created, and what its POSTs may have left (docs/design.md#cleanup). It never deletes a webhook
// that existed before the step, and never fails the job: what it cannot delete, or is cancelled before
// deleting, is a warning that says what to delete by hand.
import { newClient, type RevontClient } from './api/client.js'
import { onCancelSignal } from './cancellation.js'
import { CancelledError, errorMessage } from './errors.js'
import { maskApiKey, parseConnection, parseSecretQueryParams, readApiKey } from './inputs.js'
import { deleteOrphans } from './operations/orphans.js'
import { Report } from './results/report.js'
import { writeSummary } from './results/summary.js'
import { readCleanup, type Cleanup, type CleanupPlan } from './state.js'
import * as log from './text/log.js'
import { mask } from './text/secrets.js'
import { credentialsIn, hasUrl, shownUrl, useSecretQueryParams } from './webhooks/urls.js'
import type { Webhook } from './webhooks/webhook.js'

const PRUNE_HINT = 'or let a scheduled prune (operation: prune) remove it'

export async function post(): Promise<void> {
  let cleanup: Cleanup | undefined
  try {
    maskApiKey(readApiKey(process.env))
    cleanup = readCleanup()
    useSecretQueryParams(parseSecretQueryParams(process.env))
  } catch (error) {
    return log.warning(`Nothing was cleaned up: ${errorMessage(error)}; check for a webhook this job created, ${PRUNE_HINT}`)
  }
  if (!cleanup) return log.debug('Nothing to clean up: this step sent no POST with cleanup: true')
  for (const credential of credentialsIn(cleanup.plan.url)) mask(credential)
  const report = new Report('delete', false)
  const { createdId, plan } = cleanup
  const left = { byHand: createdId && !plan.existingIds.includes(createdId) ? `Delete webhook ${createdId}` : lookFor(plan) }
  // A cancelled job's cleanup stops at the first signal and says what is left, rather than be killed.
  const stopped = new Promise<never>((_, reject) => {
    onCancelSignal((signal) => reject(new CancelledError(`cancelled by ${signal}`)))
  })
  try {
    await Promise.race([cleanUp(cleanup, report, left), stopped])
  } catch (error) {
    log.warning(`Cleanup failed: ${errorMessage(error)}. ${left.byHand} by hand, ${PRUNE_HINT}`)
  }
  try {
    writeSummary(report, 'cleanup')
  } catch (error) {
    log.warning(`Could not write the step summary: ${errorMessage(error)}`)
  }
}

/** `left.byHand` says, at each point, what a cleanup that stops there leaves to delete by hand. */
async function cleanUp({ plan, createdId, lostAnswer }: Cleanup, report: Report, left: { byHand: string }): Promise<void> {
  // The connection comes from the inputs (the runner gives the post step the main step's); what to
  // delete, from the saved state only.
  const client = newClient(parseConnection(process.env))
  const existing = new Set(plan.existingIds)
  // One list for both: what the API holds under the saved id, and the orphan rule once more when an answer
  // was lost, since that POST may be made after the main step's sweep listed, and a retry then succeed.
  // Without a lost answer the rule is not applied: another job of this run may have made the same webhook.
  const listed = await client.listWebhooks()
  if (createdId) await deleteCreated(client, createdId, listed, plan, existing, report)
  else log.info(`The main step saved no webhook id for ${shownUrl(plan.url)}: looking for a webhook its POST may have created`)
  if (createdId && !lostAnswer) return
  left.byHand = lookFor(plan)
  const others = listed.filter((webhook) => webhook.id !== createdId)
  await deleteOrphans(client, others, plan, existing, report)
}

/** Deleted by its id only when the API lists it with this url and it did not have the url before the step. */
async function deleteCreated(
  client: RevontClient,
  id: string,
  listed: Webhook[],
  plan: CleanupPlan,
  existing: Set<string>,
  report: Report
): Promise<void> {
  const created = listed.find((webhook) => webhook.id === id)
  if (existing.has(id)) {
    return log.warning(`Left webhook ${id} in place: it had this url before the step, so this step did not create it`)
  }
  if (!created) return report.record('already gone', { id, url: plan.url })
  if (!hasUrl(created, plan.url)) {
    return log.warning(`Left webhook ${id} in place: the API lists it with another url, so this step did not create it`)
  }
  report.record((await client.deleteWebhook(id)) === 'deleted' ? 'deleted' : 'already gone', created)
}

/** How to find by hand what the orphan rule would delete. */
function lookFor(plan: CleanupPlan): string {
  const ids = plan.existingIds
  const named = ids.length > 10 ? `${ids.slice(0, 10).join(', ')} and ${ids.length - 10} more` : ids.join(', ')
  const existing = ids.length > 0 ? ` and not one of ${named}` : ''
  return `Look for a webhook with url ${shownUrl(plan.url)}, description ${JSON.stringify(plan.description)}${existing}, and delete it`
}
