import type { RevontClient } from '../api/client.js'
import type { PruneInputs } from '../inputs.js'
import type { Report } from '../results/report.js'
import * as log from '../text/log.js'
import { parseUrlPattern, type UrlPattern } from '../webhooks/urls.js'
import { ageMs, type Webhook } from '../webhooks/webhook.js'
import { deleteWebhooks } from './delete.js'

export async function prune(client: RevontClient, inputs: PruneInputs, report: Report): Promise<void> {
  const now = Date.now()
  const webhooks = await client.listWebhooks()
  const candidates = webhooks.filter(inputs.pattern.matches)
  if (candidates.length === 0) hintPath(inputs.pattern, webhooks)
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

/**
 * A pattern without a path has the path /, which matches only endpoints at /: when that finds nothing
 * but /* would, the path was most likely forgotten.
 */
function hintPath(pattern: UrlPattern, webhooks: Webhook[]): void {
  if (!/^[a-z]+:\/\/[^/]*\/$/.test(pattern.text)) return
  const missed = webhooks.filter(parseUrlPattern(`${pattern.text}*`).matches).length
  if (missed === 0) return
  log.warning(
    `No webhook matches ${pattern.text}: a pattern without a path matches only the path /, and ${pattern.text}* ` +
      `would match ${missed}. Add /* to the pattern to prune every path.`
  )
}
