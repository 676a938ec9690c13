import type { PruneInputs } from '../inputs.js'
import * as log from '../log.js'
import type { Report } from '../report.js'
import type { RevontClient } from '../revont-client.js'
import { ageMs, urlPatternMatcher } from '../webhook.js'
import { deleteWebhooks } from './delete.js'

export async function prune(client: RevontClient, inputs: PruneInputs, report: Report): Promise<void> {
  const matchesPattern = urlPatternMatcher(inputs.pattern)
  const now = Date.now()
  const candidates = (await client.listWebhooks()).filter(matchesPattern)
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
  log.info(`${stale.length} of ${candidates.length} webhooks matching ${inputs.pattern} are to be pruned`)
  await deleteWebhooks(client, stale, report)
}
