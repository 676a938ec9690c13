import type { RevontClient } from '../api/client.js'
import { readPullRequestStates } from '../github/pull-requests.js'
import type { Connection, PruneInputs } from '../inputs.js'
import type { Report } from '../results/report.js'
import * as log from '../text/log.js'
import { ageMs, type Webhook } from '../webhooks/webhook.js'
import { pullRequestNamed } from '../workflow-context.js'
import { deleteWebhooks } from './delete.js'

export async function prune(client: RevontClient, inputs: PruneInputs & Connection, report: Report): Promise<void> {
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
  const kept = inputs.keepOpenPullRequests ? await keepOpenPullRequests(stale, inputs, report) : new Set<Webhook>()
  const pruned = stale.filter((webhook) => !kept.has(webhook))
  log.info(`${pruned.length} of ${candidates.length} webhooks matching ${inputs.pattern.text} are to be pruned`)
  await deleteWebhooks(client, pruned, report)
}

/**
 * Keeps each webhook whose description names an open pull request of this repository, in the default
 * description's form, and each whose pull request's state could not be read (docs/design.md#open-pull-requests).
 */
async function keepOpenPullRequests(
  webhooks: Webhook[],
  inputs: PruneInputs & Connection,
  report: Report
): Promise<Set<Webhook>> {
  const repository = process.env.GITHUB_REPOSITORY ?? ''
  const numbers = new Map<Webhook, number>()
  for (const webhook of webhooks) {
    const number = pullRequestNamed(webhook.description, repository)
    if (number !== undefined) numbers.set(webhook, number)
  }
  const kept = new Set<Webhook>()
  if (numbers.size === 0) return kept
  const distinct = [...new Set(numbers.values())]
  const states = inputs.githubToken
    ? await readPullRequestStates(repository, distinct, inputs.githubToken, inputs.timeoutMs)
    : { open: new Set<number>(), unread: new Set(distinct), failure: 'github-token is empty' }
  for (const [webhook, number] of numbers) {
    const why = states.open.has(number)
      ? `pull request #${number} is open`
      : states.unread.has(number)
        ? `the state of pull request #${number} could not be read`
        : undefined
    if (why === undefined) continue
    kept.add(webhook)
    report.record('kept', webhook, why)
  }
  if (states.failure) {
    const unread = [...numbers.values()].filter((number) => states.unread.has(number)).length
    log.warning(
      `Kept ${unread} webhook(s) whose pull request's state could not be read from the GitHub API (${states.failure}): ` +
        'github-token needs the pull-requests: read permission (in the workflow, permissions: pull-requests: read)'
    )
  }
  return kept
}
