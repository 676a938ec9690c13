// operation: auto: one workflow for a preview's whole life. The event and its action say what to do:
// create while the pull request is open and changing, delete by url when it closes, else nothing.
import * as log from '../text/log.js'
import type { WorkflowEvent } from '../workflow-context.js'

const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target']
const CREATE_ACTIONS = ['opened', 'reopened', 'synchronize', 'ready_for_review']

export interface AutoResolution {
  operation: 'create' | 'delete' | 'none'
  event: string
  action?: string
}

export function resolveAuto(event: WorkflowEvent): AutoResolution {
  const { name, action } = event
  const pullRequest = PULL_REQUEST_EVENTS.includes(name)
  const operation =
    pullRequest && action !== undefined && CREATE_ACTIONS.includes(action)
      ? 'create'
      : pullRequest && action === 'closed'
        ? 'delete'
        : 'none'
  return { operation, event: name, action }
}

/** The step's first line: what auto resolved to, and from what; for none a notice, as nothing else follows. */
export function announce({ operation, event, action }: AutoResolution): void {
  const from = `the ${event || 'unnamed'} event${action === undefined ? ' (no action)' : ` with action ${action}`}`
  if (operation !== 'none') return log.info(`operation auto: ${operation}, from ${from}`)
  log.notice(
    `operation auto: nothing to do for ${from}. It creates on pull_request or pull_request_target with action ` +
      `${CREATE_ACTIONS.join(', ')}, and deletes by url on closed`
  )
}
