import type { PruneInputs } from '../inputs.js'
import type { Report } from '../report.js'
import type { RevontClient } from '../revont-client.js'
import * as runner from '../runner.js'
import { ageMs, urlPatternMatcher } from '../webhook.js'
import { deleteWebhooks } from './delete.js'

export async function prune(client: RevontClient, inputs: PruneInputs, report: Report): Promise<void> {
  const matchesPattern = urlPatternMatcher(inputs.pattern)
  const now = Date.now()
  const candidates = (await client.listWebhooks()).webhooks.filter(matchesPattern)
  const { olderThanMs } = inputs
  const stale =
    olderThanMs === undefined
      ? candidates
      : candidates.filter((webhook) => {
          const age = ageMs(webhook, now)
          if (age === undefined) runner.warning(`Kept ${webhook.id}: its created_at cannot be read, so its age is unknown`)
          return age !== undefined && age > olderThanMs
        })
  runner.info(`${stale.length} of ${candidates.length} webhooks matching ${inputs.pattern} are to be pruned`)
  await deleteWebhooks(client, stale, report)
}
