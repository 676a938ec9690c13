import type { RevontClient } from '../api/client.js'
import type { ListInputs } from '../inputs.js'
import type { Report } from '../results/report.js'
import { hasUrl } from '../webhooks/urls.js'

export async function list(client: RevontClient, inputs: ListInputs, report: Report): Promise<void> {
  const webhooks = await client.listWebhooks()
  const { url } = inputs
  report.list(url ? webhooks.filter((webhook) => hasUrl(webhook, url)) : webhooks)
}
