import { cancellation, handleCancellation } from './cancellation.js'
import { errorMessage } from './error-message.js'
import { parseInputs, readApiKey, type Connection, type Inputs } from './inputs.js'
import * as log from './log.js'
import { mask } from './mask.js'
import { create } from './operations/create.js'
import { deleteOperation } from './operations/delete.js'
import { list } from './operations/list.js'
import { prune } from './operations/prune.js'
import { writeOutputs, writeSummary } from './outputs.js'
import { Report } from './report.js'
import { retryPolicy } from './retry.js'
import { RevontClient } from './revont-client.js'
import { markMainStep } from './state.js'

export async function run(): Promise<void> {
  try {
    const apiKey = readApiKey(process.env)
    if (apiKey) mask(apiKey)
    markMainStep()
    const abandoned = handleCancellation()
    const inputs = parseInputs(process.env)
    const client = newClient(inputs)
    const report = new Report(inputs.operation, 'dryRun' in inputs && inputs.dryRun)
    const failure = await Promise.race([perform(client, inputs, report), abandoned]).then(
      () => (cancellation.aborted ? `Cancelled (${String(cancellation.reason)}): no request was started after it` : undefined),
      (error: unknown) => errorMessage(error)
    )
    // Also after a failure half-way: what was created or deleted is still reported.
    const problems = writeOutputs(report, inputs)
    try {
      writeSummary(report)
    } catch (error) {
      log.warning(`Could not write the step summary: ${errorMessage(error)}`)
    }
    const messages = [failure, ...problems].filter((message) => message !== undefined)
    if (messages.length > 0) log.fail(messages.join('; '))
  } catch (error) {
    log.fail(errorMessage(error))
  }
}

/** The API client, with the same retry policy and deadline for the main step and the post step. */
export function newClient(connection: Connection): RevontClient {
  return new RevontClient(connection, retryPolicy(connection.maxRetries, waitScale()))
}

function perform(client: RevontClient, inputs: Inputs, report: Report): Promise<void> {
  switch (inputs.operation) {
    case 'list':
      return list(client, inputs, report)
    case 'create':
      return create(client, inputs, report)
    case 'delete':
      return deleteOperation(client, inputs, report)
    case 'prune':
      return prune(client, inputs, report)
  }
}

/** REVONT_ACTION_WAIT_SCALE shrinks retry waits for the test suite; it is not an input. */
function waitScale(): number {
  const scale = Number(process.env.REVONT_ACTION_WAIT_SCALE ?? 1)
  return Number.isFinite(scale) && scale >= 0 ? scale : 1
}
