import type { ListInputs } from '../inputs.js'
import type { Report } from '../report.js'
import type { RevontClient } from '../revont-client.js'
import { hasUrl } from '../webhook.js'

export async function list(client: RevontClient, inputs: ListInputs, report: Report): Promise<void> {
  const { webhooks, json } = await client.listWebhooks()
  if (inputs.url) report.list(webhooks.filter((webhook) => hasUrl(webhook, inputs.url as string)))
  else report.list(webhooks, json)
}
