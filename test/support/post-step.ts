// What the tests of the post step and of cancellation share: a main step that creates with cleanup: true
// in a workflow run, the runner's cancel signal sent while the server holds a request, and a post step
// that had nothing to do.
import { expect } from 'vitest'
import { sent, until, type RevontServer, type RunningStep, type StepResult } from './harness.js'

export const endpoint = 'https://e2e-42.test.example.com/hooks/revont'
/** The default description carries the run id and attempt, which is what tells this run's webhooks apart. */
export const WORKFLOW_RUN = {
  GITHUB_REPOSITORY: 'octo/app',
  GITHUB_WORKFLOW: 'E2E',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_RUN_ID: '77'
}
export const THIS_RUN = 'octo/app E2E (main), run 77 attempt 1'
export const MAIN_STEP = { operation: 'create', url: endpoint, events: 'call.ended', cleanup: 'true' }

/** As a cancelled job's runner does: SIGINT while the server holds a request, then `next` once it is handled. */
export function cancelDuringHeldRequest(server: RevontServer, next: (step: RunningStep) => void | Promise<void>) {
  return async (step: RunningStep) => {
    await until(() => server.held === 1, 'request held by the server')
    step.child.kill('SIGINT')
    await until(() => step.stdout().includes('SIGINT: the step is cancelled'), 'word that the SIGINT was handled')
    await next(step)
  }
}

/** A post step that did nothing: no request, nothing shown but at most one debug line. */
export function expectIdlePost(post: StepResult, requestsBefore: number) {
  expect(post.code).toBe(0)
  expect(sent(requestsBefore)).toEqual([])
  expect(post.log.debug.length).toBeLessThanOrEqual(1)
  expect(post.log.text).toBe('')
  expect(post.summary).toBe('')
}
