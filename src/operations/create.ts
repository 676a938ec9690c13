// create: registers the webhook, hands its secret to the next steps before anything else can fail, and
// (with if-exists) reuses or replaces those with the same URL. A POST is never blindly repeated.
import { answerLost, type CreatedWebhook, type RevontClient } from '../api/client.js'
import { backoffMs, nextAttempt } from '../api/retry.js'
import { CancelledError, errorMessage } from '../errors.js'
import type { CreateInputs } from '../inputs.js'
import { checkWritable, writeSecretOutputs } from '../results/outputs.js'
import type { Report } from '../results/report.js'
import { saveCleanupPlan, saveCreatedId, withdrawCleanupPlan } from '../state.js'
import * as log from '../text/log.js'
import { findKey, hasUrl, shownUrl } from '../webhooks/urls.js'
import { sameEventSet, type NewWebhook, type Webhook } from '../webhooks/webhook.js'
import { describeWorkflowRun } from '../workflow-context.js'
import { deleteWebhooks } from './delete.js'
import { deleteOrphans } from './orphans.js'

export async function create(client: RevontClient, inputs: CreateInputs, report: Report): Promise<void> {
  const description = inputs.description ?? describeWorkflowRun()
  const before = await client.listWebhooks()
  // Found with the credentials left out, so an endpoint whose credential was rotated is among them.
  const key = findKey(inputs.url)
  const existing = before.filter((webhook) => findKey(webhook.url) === key)
  if (existing.length > 0 && inputs.ifExists === 'fail') {
    throw new Error(
      `${existing.length} webhook(s) with url ${shownUrl(inputs.url)} exist already (${existing.map((webhook) => webhook.id).join(', ')}); ` +
        'if-exists is fail, so nothing was changed'
    )
  }
  if (inputs.ifExists === 'reuse') {
    // Reused only with the very URL asked for: one with an old credential would fail every delivery.
    const match = existing.find(
      (webhook) => hasUrl(webhook, inputs.url) && webhook.status === 'active' && sameEventSet(webhook.events, inputs.events)
    )
    if (match) {
      report.record('reused', match)
      log.notice(
        `Reused webhook ${match.id}: its signing secret was shown only when it was created and cannot be read again, so the secret output is empty`
      )
      return
    }
  }
  if (existing.length > 0 && inputs.ifExists === 'create') {
    // Each endpoint with the url gets every event, so the receiver sees each one more than once.
    log.warning(
      `${existing.length} webhook(s) with this url exist already, and ` +
        'if-exists is create, so another is created: each event will be delivered to this url more than once. ' +
        'if-exists: replace or reuse keeps one'
    )
  }
  // reuse without a match replaces, like replace; create leaves what exists alone.
  let replaced = inputs.ifExists === 'create' ? [] : existing
  const webhook: NewWebhook = { url: inputs.url, events: inputs.events, description }
  if (report.dryRun) {
    report.record('would create', webhook)
  } else {
    checkWritable()
    // What the post step needs if this step is cancelled or killed while the POST is in flight.
    if (inputs.cleanup) saveCleanupPlan({ ...webhook, existingIds: existing.map((old) => old.id) })
    let created: Awaited<ReturnType<typeof createWithoutOrphans>>
    try {
      created = await createWithoutOrphans(client, webhook, new Set(before.map((known) => known.id)), report)
    } catch (error) {
      // Stopped before any POST went out: the post step has nothing to look for.
      if (inputs.cleanup && error instanceof CancelledError && error.notSent) withdrawCleanupPlan()
      throw error
    }
    // Handed over (and masked) before it is recorded: recording prints the webhook, which may echo the secret.
    try {
      writeSecretOutputs(created.webhook, created.secret)
    } catch (error) {
      throw await secretsNotHandedOver(client, "the new webhook's secret", error, [created.webhook.id], report)
    }
    report.record('created', created.webhook)
    checkCreatedAsAsked(created.webhook, webhook)
    // Only a webhook as asked for is the post step's to delete by its id.
    if (inputs.cleanup) saveCreatedId(created.webhook.id, created.afterLostAnswer)
    // Whatever id the API gave it, the webhook just made is never one of those it replaces.
    replaced = replaced.filter((old) => old.id !== created.webhook.id)
  }
  // The new endpoint exists before the old ones go, so no event is missed in between.
  await deleteWebhooks(client, replaced, report)
}

/** A 201 for another URL or other events is not what was asked for: fail before anything is deleted. */
export function checkCreatedAsAsked(created: Webhook, asked: NewWebhook): void {
  const differences = [
    hasUrl(created, asked.url) ? '' : `url ${shownUrl(created.url)} (asked for ${shownUrl(asked.url)})`,
    sameEventSet(created.events, asked.events)
      ? ''
      : `events [${created.events.join(', ')}] (asked for [${asked.events.join(', ')}])`
  ].filter(Boolean)
  if (differences.length > 0) {
    throw new Error(
      `POST /webhooks created webhook ${created.id} with ${differences.join(' and ')}; nothing was deleted: check the webhook in Revont`
    )
  }
}

/**
 * POSTs the webhook, never twice blindly (docs/design.md#lost-answers): after an answer that may have been
 * lost, it waits (the API may still be making the webhook), deletes by the orphan rule what the POST may
 * have made, and only then tries again, or fails. A CancelledError that says `notSent` means that no POST
 * of this call went out.
 */
export async function createWithoutOrphans(
  client: RevontClient,
  webhook: NewWebhook,
  knownIds: ReadonlySet<string>,
  report: Report
): Promise<CreatedWebhook & { afterLostAnswer: boolean }> {
  const { policy } = client
  let afterLostAnswer = false
  for (let retry = 0; ; retry++) {
    try {
      return { ...(await client.createWebhook(webhook)), afterLostAnswer }
    } catch (error) {
      if (retry > 0 && error instanceof CancelledError) throw new CancelledError(error.message)
      const next = nextAttempt(policy, error, retry)
      const lost = answerLost(error)
      afterLostAnswer ||= lost
      // After a lost answer the wait comes even when no attempt follows.
      if ('waitMs' in next) await policy.sleep(next.waitMs)
      else if (lost) await policy.sleep(backoffMs(policy, retry))
      if (lost) {
        await deleteOrphans(client, await client.listWebhooks(), webhook, knownIds, report).catch((cleanup: unknown) => {
          const failure = 'error' in next ? next.error : error
          throw new Error(
            `${errorMessage(failure)}; removing the webhook it may have created failed too: ${errorMessage(cleanup)}`
          )
        })
      }
      if ('error' in next) throw next.error
    }
  }
}

/**
 * After new webhooks' secrets could not be handed on (`error`): nobody could verify their events, so they
 * go again. Returns the error to fail with, which says what was undone.
 */
export async function secretsNotHandedOver(
  client: RevontClient,
  what: string,
  error: unknown,
  ids: string[],
  report: Report
): Promise<Error> {
  const gone: string[] = []
  const failed: string[] = []
  const reasons: string[] = []
  for (const id of ids) {
    try {
      if ((await client.deleteWebhook(id)) === 'missing') gone.push(id)
      else report.record('deleted', { id })
    } catch (deleting) {
      failed.push(id)
      reasons.push(errorMessage(deleting))
    }
  }
  const webhooks = (list: string[]) => `the webhook${list.length === 1 ? '' : 's'} ${list.join(', ')} it created`
  const undone =
    failed.length > 0
      ? `and deleting ${webhooks(failed)} failed too (${reasons.join('; ')}): delete ${failed.length === 1 ? 'it' : 'them'} by hand`
      : gone.length === ids.length
        ? `${webhooks(gone)} ${gone.length === 1 ? 'is' : 'are'} gone already`
        : `so ${webhooks(ids)} ${ids.length === 1 ? 'was' : 'were'} deleted again, and nothing else was changed`
  return new Error(`Could not write ${what} to the step outputs (${errorMessage(error)}), ${undone}`)
}
