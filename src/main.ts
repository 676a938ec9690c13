import { newClient, type RevontClient } from './api/client.js'
import { cancellation, handleCancellation } from './cancellation.js'
import { errorMessage } from './errors.js'
import { maskApiKey, parseInputs, readApiKey, resolveOperation, type Inputs } from './inputs.js'
import { apply } from './operations/apply.js'
import { announce } from './operations/auto.js'
import { create } from './operations/create.js'
import { deleteTarget } from './operations/delete.js'
import { list } from './operations/list.js'
import { plan } from './operations/plan.js'
import { prune } from './operations/prune.js'
import { writeOutputs } from './results/outputs.js'
import { Report } from './results/report.js'
import { writeSummary } from './results/summary.js'
import * as log from './text/log.js'
import { mask } from './text/secrets.js'
import { useSecretQueryParams } from './webhooks/urls.js'

export async function run(): Promise<void> {
  try {
    maskApiKey(readApiKey(process.env))
    const abandoned = handleCancellation()
    const resolution = resolveOperation(process.env)
    if (resolution.auto) announce(resolution.auto)
    const inputs = parseInputs(process.env, resolution)
    useSecretQueryParams(inputs.secretQueryParams)
    for (const credential of inputs.urlCredentials) mask(credential)
    if ('githubToken' in inputs && inputs.githubToken) mask(inputs.githubToken)
    const client = newClient(inputs)
    const report = new Report(inputs.operation, 'dryRun' in inputs && inputs.dryRun)
    const failure = await Promise.race([perform(client, inputs, report), abandoned]).then(
      () => (cancellation.aborted ? `Cancelled (${String(cancellation.reason)}): no request was started after it` : undefined),
      (error: unknown) => errorMessage(error)
    )
    // Also after a failure half-way: what was created or deleted is still reported.
    const problems = writeOutputs(report, inputs)
    try {
      writeSummary(report, inputs.auto && `auto: ${report.operation}`)
    } catch (error) {
      log.warning(`Could not write the step summary: ${errorMessage(error)}`)
    }
    const messages = [failure, ...problems].filter((message) => message !== undefined)
    if (messages.length > 0) log.fail(messages.join('; '))
  } catch (error) {
    log.fail(errorMessage(error))
  }
}

function perform(client: RevontClient, inputs: Inputs, report: Report): Promise<void> {
  switch (inputs.operation) {
    case 'list':
      return list(client, inputs, report)
    case 'create':
      return create(client, inputs, report)
    case 'delete':
      return deleteTarget(client, inputs, report)
    case 'prune':
      return prune(client, inputs, report)
    case 'plan':
      // Only the list reaches the plan: nothing on its path can change a webhook.
      return plan(() => client.listWebhooks(), inputs, report)
    case 'apply':
      return inputs.dryRun ? plan(() => client.listWebhooks(), inputs, report) : apply(client, inputs, report)
    case 'none':
      return Promise.resolve()
  }
}
