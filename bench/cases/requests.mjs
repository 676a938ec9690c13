// How many requests each operation sends on its happy path.
import { rmSync } from 'node:fs'
import { runAction } from '../../test/support/run-action.mjs'
import { API_KEY } from '../lib/action.mjs'
import { happyPathOperations } from '../lib/operations.mjs'
import { targetRow } from '../lib/report.mjs'

export async function measure({ server, work, failures }) {
  const rows = []
  for (const operation of happyPathOperations(server, work)) {
    operation.setup()
    const result = await runAction({
      inputs: { 'api-url': server.url, 'api-key': API_KEY, ...operation.inputs },
      env: operation.env
    })
    rmSync(result.dir, { recursive: true, force: true })
    if (result.code !== 0)
      failures.push(`${operation.name} (request count): exit code ${result.code}: ${result.stdout.slice(-300)}`)
    const sent = server.requests.map((request) => `${request.method} ${request.path.replace(/^\/v1/, '')}`)
    rows.push([operation.name, String(sent.length), sent.join(', ')])
  }
  const countOf = (name) => rows.find((row) => row[0] === name)?.[1]
  return {
    title: 'requests per operation on the happy path (server.requests; 20 webhooks seeded)',
    head: ['operation', 'requests', 'sent'],
    rows,
    targets: [
      targetRow('list: requests on the happy path', '1', String(countOf('list')), countOf('list') === '1'),
      targetRow('create: requests on the happy path', '≤ 2', String(countOf('create')), Number(countOf('create')) <= 2)
    ],
    notes: [
      'create: new url, if-exists=create, no description (so the default from the workflow context is used).',
      'plan and apply: a manifest at the default path listing one endpoint that is not there yet.'
    ]
  }
}
