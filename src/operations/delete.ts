import { errorMessage } from '../error-message.js'
import type { DeleteInputs } from '../inputs.js'
import * as log from '../log.js'
import type { Report } from '../report.js'
import type { RevontClient } from '../revont-client.js'
import { hasUrl, type Webhook } from '../webhook.js'

/** Enough to tear down hundreds of endpoints quickly without hammering the API. */
const DELETES_IN_FLIGHT = 8

export async function deleteOperation(client: RevontClient, inputs: DeleteInputs, report: Report): Promise<void> {
  const { target } = inputs
  if ('id' in target && !inputs.dryRun) {
    // One request: the API itself says whether the id exists.
    if ((await client.deleteWebhook(target.id)) === 'deleted') report.record('deleted', { id: target.id })
    else whenMissing(inputs, `id ${target.id}`)
    return
  }
  const webhooks = await client.listWebhooks()
  const matches = webhooks.filter((webhook) => ('id' in target ? webhook.id === target.id : hasUrl(webhook, target.url)))
  if (matches.length === 0) return whenMissing(inputs, 'id' in target ? `id ${target.id}` : `url ${target.url}`)
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
 * does not stop the others; the step fails afterwards naming every one that failed.
 */
export async function deleteWebhooks(client: RevontClient, webhooks: Webhook[], report: Report): Promise<void> {
  if (report.dryRun) {
    for (const webhook of webhooks) report.record('would delete', webhook)
    return
  }
  const failures: string[] = []
  const queue = [...webhooks]
  const worker = async (): Promise<void> => {
    for (let webhook = queue.shift(); webhook; webhook = queue.shift()) {
      try {
        report.record((await client.deleteWebhook(webhook.id)) === 'deleted' ? 'deleted' : 'already gone', webhook)
      } catch (error) {
        failures.push(errorMessage(error))
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(DELETES_IN_FLIGHT, webhooks.length) }, worker))
  if (failures.length > 0) {
    throw new Error(`${failures.length} of ${webhooks.length} deletes failed: ${failures.join('; ')}`)
  }
}
