import type { RevontClient } from '../api/client.js'
import type { ListInputs } from '../inputs.js'
import type { Report } from '../results/report.js'
import { findKey } from '../webhooks/urls.js'

export async function list(client: RevontClient, inputs: ListInputs, report: Report): Promise<void> {
  const webhooks = await client.listWebhooks()
  const key = inputs.url && findKey(inputs.url)
  report.list(key ? webhooks.filter((webhook) => findKey(webhook.url) === key) : webhooks)
}
