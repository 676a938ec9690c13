import type { RevontClient } from '../api/client.js'
import { CancelledError, errorMessage } from '../errors.js'
import type { DeleteInputs } from '../inputs.js'
import type { Report } from '../results/report.js'
import * as log from '../text/log.js'
import { findKey, shownUrl } from '../webhooks/urls.js'
import type { Webhook } from '../webhooks/webhook.js'
import { eachInParallel, failuresMessage } from './parallel.js'

/** Enough to tear down hundreds of endpoints quickly without hammering the API. */
const DELETES_IN_FLIGHT = 8

export async function deleteTarget(client: RevontClient, inputs: DeleteInputs, report: Report): Promise<void> {
  const { target } = inputs
  if ('id' in target && !inputs.dryRun) {
    // One request: the API itself says whether the id exists.
    if ((await client.deleteWebhook(target.id)) === 'deleted') report.record('deleted', { id: target.id })
    else whenMissing(inputs, `id ${target.id}`)
    return
  }
  const webhooks = await client.listWebhooks()
  // By url, found with the credentials left out: a teardown after a rotation still finds the old endpoint.
  const key = 'url' in target ? findKey(target.url) : undefined
  const matches = webhooks.filter((webhook) => ('id' in target ? webhook.id === target.id : findKey(webhook.url) === key))
  if (matches.length === 0) return whenMissing(inputs, 'id' in target ? `id ${target.id}` : `url ${shownUrl(target.url)}`)
  await deleteWebhooks(client, matches, report)
}

function whenMissing(inputs: DeleteInputs, what: string): void {
  const message = `No webhook has ${what}: nothing to delete`
  if (inputs.ifMissing === 'fail') throw new Error(`${message} (if-missing is fail)`)
  if (inputs.ifMissing === 'warn') log.warning(message)
  else log.info(message)
}

/**
 * Deletes each webhook, a few at a time, or records what would be deleted in a dry run. One failure
 * does not stop the others; the step fails afterwards with the count and the first few, and the
 * report (so the step summary) has every one.
 */
export async function deleteWebhooks(client: RevontClient, webhooks: Webhook[], report: Report): Promise<void> {
  if (report.dryRun) {
    for (const webhook of webhooks) report.record('would delete', webhook)
    return
  }
  let cancelled: CancelledError | undefined
  const reasons: string[] = []
  const deleteOne = async (webhook: Webhook): Promise<void> => {
    try {
      report.record((await client.deleteWebhook(webhook.id)) === 'deleted' ? 'deleted' : 'already gone', webhook)
    } catch (error) {
      // A cancelled step sends no more: what is left was not tried, so it did not fail.
      if (error instanceof CancelledError) {
        cancelled = error
        return
      }
      const reason = errorMessage(error)
      report.record('failed', webhook, reason)
      reasons.push(reason)
    }
  }
  await eachInParallel(webhooks, DELETES_IN_FLIGHT, deleteOne, () => cancelled !== undefined)
  if (cancelled) throw cancelled
  if (reasons.length > 0) throw new Error(failuresMessage(reasons.length, webhooks.length, 'deletes', reasons))
}
