// The post step (action.yml runs.post, whatever the job's result): with cleanup: true, deletes the webhook
// its main step created. It never fails the job: what it cannot delete is a warning that says what to
// delete by hand.
import { newClient, type RevontClient } from './api/client.js'
import { errorMessage } from './errors.js'
import { parseConnection, parseSecretQueryParams, readApiKey } from './inputs.js'
import { deleteOrphans } from './operations/orphans.js'
import { Report } from './results/report.js'
import { writeSummary } from './results/summary.js'
import { readCleanup, type Cleanup } from './state.js'
import * as log from './text/log.js'
import { mask } from './text/secrets.js'
import { credentialsIn, shownUrl, useSecretQueryParams } from './webhooks/urls.js'

const PRUNE_HINT = 'or let a scheduled prune (operation: prune) remove it'

export async function post(): Promise<void> {
  const apiKey = readApiKey(process.env)
  if (apiKey) mask(apiKey)
  let cleanup: Cleanup | undefined
  try {
    cleanup = readCleanup()
  } catch (error) {
    return log.warning(`Nothing was cleaned up: ${errorMessage(error)}; check for a webhook this job created, ${PRUNE_HINT}`)
  }
  if (!cleanup) return log.debug('Nothing to clean up: this step sent no POST with cleanup: true')
  const report = new Report('delete', false)
  try {
    // The connection comes from the inputs (the runner gives the post step the main step's); what to
    // delete, from the saved state only.
    useSecretQueryParams(parseSecretQueryParams(process.env))
    for (const credential of credentialsIn(cleanup.plan.url)) mask(credential)
    await cleanUp(newClient(parseConnection(process.env)), cleanup, report)
  } catch (error) {
    log.warning(`Cleanup failed: ${errorMessage(error)}. ${whatToDelete(cleanup)} by hand, ${PRUNE_HINT}`)
  }
  try {
    writeSummary(report, 'cleanup')
  } catch (error) {
    log.warning(`Could not write the step summary: ${errorMessage(error)}`)
  }
}

async function cleanUp(client: RevontClient, { plan, createdId }: Cleanup, report: Report): Promise<void> {
  // An id the API gave the new webhook that had this url before the step is not this step's to delete.
  if (createdId && plan.existingIds.includes(createdId)) {
    return log.warning(`Left webhook ${createdId} in place: it had this url before the step, so this step did not create it`)
  }
  if (createdId) {
    const result = await client.deleteWebhook(createdId)
    report.record(result === 'deleted' ? 'deleted' : 'already gone', { id: createdId, url: plan.url })
    return
  }
  // The POST was cut short (cancelled, killed, or its answer lost for good): the orphan rule decides
  // what it may have made.
  const { url, events, description } = plan
  log.info(`The POST for ${shownUrl(url)} was cut short: looking for a webhook it may have created`)
  await deleteOrphans(client, { url, events, description }, new Set(plan.existingIds), report)
}

function whatToDelete({ plan, createdId }: Cleanup): string {
  if (createdId) return `Delete webhook ${createdId}`
  const ids = plan.existingIds
  const named = ids.length > 10 ? `${ids.slice(0, 10).join(', ')} and ${ids.length - 10} more` : ids.join(', ')
  const existing = ids.length > 0 ? ` and not one of ${named}` : ''
  return `Look for a webhook with url ${shownUrl(plan.url)}, description ${JSON.stringify(plan.description)}${existing}, and delete it`
}
