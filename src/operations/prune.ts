import type { RevontClient } from '../api/client.js'
import type { PruneInputs } from '../inputs.js'
import type { Report } from '../results/report.js'
import * as log from '../text/log.js'
import { ageMs } from '../webhooks/webhook.js'
import { deleteWebhooks } from './delete.js'

export async function prune(client: RevontClient, inputs: PruneInputs, report: Report): Promise<void> {
  const now = Date.now()
  const candidates = (await client.listWebhooks()).filter(inputs.pattern.matches)
  const { olderThanMs } = inputs
  const stale =
    olderThanMs === undefined
      ? candidates
      : candidates.filter((webhook) => {
          const age = ageMs(webhook, now)
          if (age === undefined)
            log.warning(`Kept ${webhook.id}: its created_at is not an RFC 3339 timestamp with a time zone, so its age is unknown`)
          return age !== undefined && age > olderThanMs
        })
  log.info(`${stale.length} of ${candidates.length} webhooks matching ${inputs.pattern.text} are to be pruned`)
  await deleteWebhooks(client, stale, report)
}
