// `npm run local`: starts the loopback Revont server and runs the bundled action against it as the
// runner would: create, list, then delete. Prints each step's log and outputs with masks applied.
import { startRevontServer } from '../test/support/revont-server.mjs'
import { removeRunDirs, runAction } from '../test/support/run-action.mjs'
import { readRunnerLog } from '../test/support/runner-log.mjs'

const server = await startRevontServer({ apiKey: 'local-demo-key' })
const connection = { 'api-url': server.url, 'api-key': server.apiKey }
// What a pull_request run of a workflow named Preview would set.
const workflow = { GITHUB_REPOSITORY: 'octo-org/preview-app', GITHUB_WORKFLOW: 'Preview', GITHUB_REF: 'refs/heads/main' }
const endpoint = 'https://preview-pr-42.example.com/hooks/revont'

async function step(title, inputs) {
  console.log(`\n=== ${title} ===`)
  const result = await runAction({ inputs: { ...connection, ...inputs }, env: workflow })
  const log = readRunnerLog(result.stdout)
  console.log(log.text.trimEnd())
  if (result.stderr.trim()) console.log(log.hide(result.stderr.trimEnd()))
  console.log('Outputs:')
  for (const [name, value] of Object.entries(result.outputs)) {
    const shown = log.hide(value)
    console.log(`  ${name} = ${shown.length > 300 ? `${shown.slice(0, 300)}…` : shown}`)
  }
  console.log(`Exit code: ${result.code}`)
  if (result.code !== 0) process.exitCode = 1
  return result
}

try {
  console.log(`Loopback Revont server at ${server.url}`)
  const created = await step('create', {
    operation: 'create',
    url: endpoint,
    events: 'call.ended, summary.ready',
    'if-exists': 'replace'
  })
  await step('list', { operation: 'list', url: endpoint })
  await step('delete', { operation: 'delete', id: created.outputs.id })
  console.log(`\nThe server now holds ${server.webhooks.size} webhooks.`)
} finally {
  await server.close()
  removeRunDirs()
}
