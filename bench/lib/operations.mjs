// One run of each operation on its happy path, against the shared server seeded with 20 endpoints: what
// the request counts and the module-loading record run.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { seedList } from './action.mjs'

export const WORKFLOW = { GITHUB_REPOSITORY: 'octo-org/preview-app', GITHUB_WORKFLOW: 'Preview', GITHUB_REF: 'refs/heads/main' }

/** Each { name, setup(), inputs, env? }; plan and apply read a manifest of one new endpoint at the default path. */
export function happyPathOperations(server, work) {
  const workspace = join(work, 'happy-path-workspace')
  mkdirSync(join(workspace, '.github'), { recursive: true })
  writeFileSync(
    join(workspace, '.github', 'revont-webhooks.yml'),
    'version: 1\nowner: octo-org/billing\nendpoints:\n  - key: crm\n    url: https://crm.example.com/hooks/revont\n    events: [call.ended]\n'
  )
  const setup = () => seedList(server, 20)
  return [
    { name: 'list', setup, inputs: { operation: 'list' } },
    {
      name: 'create',
      setup,
      inputs: {
        operation: 'create',
        url: 'https://preview-pr-new.example.com/hooks/revont',
        events: 'call.ended, summary.ready'
      },
      env: WORKFLOW
    },
    { name: 'delete by id', setup, inputs: { operation: 'delete', id: 'wh_0000000000000003' } },
    {
      name: 'delete by url (1 match)',
      setup,
      inputs: { operation: 'delete', url: 'https://preview-pr-3.example.com/hooks/revont' }
    },
    { name: 'plan (1 new endpoint)', setup, inputs: { operation: 'plan' }, env: { GITHUB_WORKSPACE: workspace } },
    { name: 'apply (1 new endpoint)', setup, inputs: { operation: 'apply' }, env: { GITHUB_WORKSPACE: workspace } }
  ]
}

/** create with cleanup: true, whose post step (dist/post.js) then deletes what it made. */
export function createWithCleanup(server) {
  return {
    name: 'create with cleanup: true',
    setup: () => seedList(server, 20),
    inputs: {
      operation: 'create',
      url: 'https://preview-pr-new.example.com/hooks/revont',
      events: 'call.ended',
      cleanup: 'true'
    },
    env: WORKFLOW
  }
}
