import * as core from '@actions/core'
import { parseInputs, readApiKey, type Inputs } from './inputs.js'
import { mask } from './mask.js'
import { create } from './operations/create.js'
import { deleteOperation } from './operations/delete.js'
import { list } from './operations/list.js'
import { prune } from './operations/prune.js'
import { writeOutputs, writeSummary } from './outputs.js'
import { Report } from './report.js'
import { retryPolicy } from './retry.js'
import { RevontClient } from './revont-client.js'

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    const apiKey = readApiKey(env)
    if (apiKey) mask(apiKey)
    const inputs = parseInputs(env)
    const client = new RevontClient(inputs, retryPolicy(inputs.maxRetries, waitScale(env)))
    const report = new Report(inputs.operation, 'dryRun' in inputs && inputs.dryRun)
    try {
      await perform(client, inputs, report)
    } finally {
      // Also after a failure half-way: what was created or deleted is still reported.
      writeOutputs(report, inputs)
      await writeSummary(report)
    }
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
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
function waitScale(env: NodeJS.ProcessEnv): number {
  const scale = Number(env.REVONT_ACTION_WAIT_SCALE ?? 1)
  return Number.isFinite(scale) && scale >= 0 ? scale : 1
}
