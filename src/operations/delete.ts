import type { RevontClient } from '../api/client.js'
import { CancelledError } from '../errors.js'
import { errorMessage } from '../errors.js'
import type { DeleteInputs } from '../inputs.js'
import type { Report } from '../results/report.js'
import * as log from '../text/log.js'
import { safeInline } from '../text/safe-text.js'
import { findKey, shownUrl } from '../webhooks/urls.js'
import type { Webhook } from '../webhooks/webhook.js'

/** Enough to tear down hundreds of endpoints quickly without hammering the API. */
const DELETES_IN_FLIGHT = 8
/** The error shows the first few failures in FAILURES_LENGTH characters together: under 2,000 in all. */
const SHOWN_FAILURES = 10
const FAILURES_LENGTH = 1800

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
  let failures = 0
  let cancelled: CancelledError | undefined
  const reasons: string[] = []
  const queue = [...webhooks]
  const worker = async (): Promise<void> => {
    for (let webhook = queue.shift(); webhook && !cancelled; webhook = queue.shift()) {
      try {
        report.record((await client.deleteWebhook(webhook.id)) === 'deleted' ? 'deleted' : 'already gone', webhook)
      } catch (error) {
        // A cancelled step sends no more: what is left was not tried, so it did not fail.
        if (error instanceof CancelledError) {
          cancelled = error
          return
        }
        failures++
        const reason = errorMessage(error)
        report.record('failed', webhook, reason)
        if (reasons.length < SHOWN_FAILURES) reasons.push(reason)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(DELETES_IN_FLIGHT, webhooks.length) }, worker))
  if (cancelled) throw cancelled
  if (failures > 0) {
    // Each reason gets its share of the length, less the room for '; ' and '…'.
    const each = Math.floor(FAILURES_LENGTH / reasons.length) - 3
    const more = failures > reasons.length ? `; and ${failures - reasons.length} more: see the step summary` : ''
    throw new Error(
      `${failures} of ${webhooks.length} deletes failed: ${reasons.map((reason) => safeInline(reason, each)).join('; ')}${more}`
    )
  }
}
