// apply: makes the manifest so, from a plan of its own (docs/design.md#webhooks-as-code). The max-deletes
// guard comes before any change; then every create and replace POST, each under the lost-answer protocol,
// its secret handed on the moment it is read; then the deletes, so that an old webhook goes only once its
// replacement exists. A failing endpoint does not stop the others.
import type { RevontClient } from '../api/client.js'
import { CancelledError, errorMessage } from '../errors.js'
import type { ApplyInputs } from '../inputs.js'
import { checkWritable, writeSecretsOutput } from '../results/outputs.js'
import type { Report } from '../results/report.js'
import type { Webhook } from '../webhooks/webhook.js'
import { checkCreatedAsAsked, createWithoutOrphans, secretsNotHandedOver } from './create.js'
import { deleteWebhooks } from './delete.js'
import { eachInParallel, failuresMessage } from './parallel.js'
import { planFromApi, plannedChanges, type Plan } from './plan.js'

/** The client's throttle paces the requests; this bounds how many POSTs wait on it at once. */
const POSTS_IN_FLIGHT = 8

export async function apply(client: RevontClient, inputs: ApplyInputs, report: Report): Promise<void> {
  const { manifest, plan, listed } = await planFromApi(() => client.listWebhooks(), inputs, report)
  if (plan.deletes.length > manifest.maxDeletes) {
    throw new Error(
      `The plan deletes ${plan.deletes.length} webhooks, more than max-deletes (${manifest.maxDeletes}) allows: nothing was changed. ` +
        `Check the plan; if they are to go, raise max-deletes in ${inputs.manifest.name}`
    )
  }
  if (plan.creates.length > 0) checkWritable()
  const posted: Posted = { done: new Set(), failed: new Set(), reasons: [] }
  const failures: string[] = []
  try {
    await postAll(client, plan, new Set(listed.map((webhook) => webhook.id)), posted, report)
    if (posted.reasons.length > 0) {
      failures.push(failuresMessage(posted.reasons.length, plan.creates.length, 'creates and replaces', posted.reasons))
    }
    // The webhooks a replace replaces, once its new one exists; and the delete entries, but those of an
    // endpoint whose new webhook could not be made.
    const deletes: Webhook[] = [
      ...plan.creates.flatMap(({ endpoint, replaces }) => (replaces && posted.done.has(endpoint.key) ? [replaces] : [])),
      ...plan.deletes.filter(({ key }) => !posted.failed.has(key)).map(({ webhook }) => webhook)
    ]
    await deleteWebhooks(client, deletes, report).catch((error: unknown) => {
      if (error instanceof CancelledError) throw error
      failures.push(errorMessage(error))
    })
  } finally {
    report.carriedOut = carriedOut(plan, posted.done, report)
  }
  if (failures.length > 0) {
    throw new Error(`Carried out ${report.carriedOut} of the plan's ${plannedChanges(plan)} changes: ${failures.join('; ')}`)
  }
}

interface Posted {
  /** The keys whose new webhook exists as asked, its secret handed on. */
  done: Set<string>
  /** The keys whose POST failed, or made a webhook other than asked. */
  failed: Set<string>
  reasons: string[]
}

/**
 * POSTs every create and replace, a few at a time. Each secret goes into `secrets` the moment it is
 * read; should that output fail, no more are sent, and every webhook made is deleted again.
 */
async function postAll(
  client: RevontClient,
  plan: Plan,
  knownIds: ReadonlySet<string>,
  posted: Posted,
  report: Report
): Promise<void> {
  const secrets: Record<string, string> = {}
  const createdIds: string[] = []
  let unwritable: { error: unknown } | undefined
  let cancelled: CancelledError | undefined
  await eachInParallel(
    plan.creates,
    POSTS_IN_FLIGHT,
    async ({ endpoint: { key, webhook } }) => {
      try {
        const created = await createWithoutOrphans(client, webhook, knownIds, report)
        createdIds.push(created.webhook.id)
        // Masked and handed over before it is recorded: recording prints the webhook, which may echo the secret.
        try {
          writeSecretsOutput(secrets, key, created.secret)
        } catch (error) {
          unwritable ??= { error }
          return
        }
        report.record('created', created.webhook)
        checkCreatedAsAsked(created.webhook, webhook)
        posted.done.add(key)
      } catch (error) {
        if (error instanceof CancelledError) {
          cancelled ??= error
          return
        }
        const reason = `${key}: ${errorMessage(error)}`
        posted.failed.add(key)
        posted.reasons.push(reason)
        report.record('failed', { url: webhook.url, events: webhook.events, description: webhook.description }, reason)
      }
    },
    () => unwritable !== undefined || cancelled !== undefined
  )
  if (unwritable) {
    posted.done.clear()
    throw await secretsNotHandedOver(client, "the new webhooks' secrets", unwritable.error, createdIds, report)
  }
  if (cancelled) throw cancelled
}

/** The create, replace and delete entries done: a replace once its old webhook is gone too. */
function carriedOut(plan: Plan, done: ReadonlySet<string>, report: Report): number {
  const gone = new Set([...report.idsOf('deleted'), ...report.idsOf('already gone')])
  const creates = plan.creates.filter(({ endpoint, replaces }) => done.has(endpoint.key) && (!replaces || gone.has(replaces.id)))
  return creates.length + plan.deletes.filter(({ webhook }) => gone.has(webhook.id)).length
}
