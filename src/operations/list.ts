import type { ListInputs } from '../inputs.js'
import type { Report } from '../report.js'
import type { RevontClient } from '../revont-client.js'
import { hasUrl } from '../webhook.js'

export async function list(client: RevontClient, inputs: ListInputs, report: Report): Promise<void> {
  const webhooks = await client.listWebhooks()
  const { url } = inputs
  report.list(url ? webhooks.filter((webhook) => hasUrl(webhook, url)) : webhooks)
}
