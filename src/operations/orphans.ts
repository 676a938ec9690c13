// The orphan rule (docs/design.md#the-orphan-rule): after a POST whose answer was lost, or that was cut
// short, the webhooks this run may have created, whose secret nobody saw. Create, the post step and apply
// all decide by it.
import type { RevontClient } from '../api/client.js'
import type { Report } from '../results/report.js'
import * as log from '../text/log.js'
import { hasUrl } from '../webhooks/urls.js'
import { sameEventSet, type NewWebhook, type Webhook } from '../webhooks/webhook.js'

/**
 * Deletes each of `listed` with the URL asked for that was not there before the step (`knownIds`) and has
 * the description and event set asked for. A same-URL webhook that differs may be another run's, so it is
 * left in place and named.
 */
export async function deleteOrphans(
  client: RevontClient,
  listed: Webhook[],
  asked: NewWebhook,
  knownIds: ReadonlySet<string>,
  report: Report
): Promise<void> {
  const candidates = listed.filter((webhook) => hasUrl(webhook, asked.url) && !knownIds.has(webhook.id))
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
