// The default description, from the variables the runner sets for every step. (@actions/github's
// `context` reads the same variables, but loading that package also loads @actions/http-client's root
// module, which the bundle leaves out: see src/build/http-client-unused.ts.)
import { readFileSync } from 'node:fs'

/**
 * `<owner>/<repo> PR #<n>` on pull request events, else `<owner>/<repo> <workflow> (<ref name>)`; then
 * the run id and attempt, so that two runs' webhooks can be told apart (docs/design.md#the-orphan-rule).
 */
export function describeWorkflowRun(env: NodeJS.ProcessEnv = process.env): string {
  const repo = env.GITHUB_REPOSITORY || 'local run'
  const pullRequest = pullRequestNumber(env.GITHUB_EVENT_PATH)
  const refName = (env.GITHUB_REF ?? '').replace(/^refs\/(heads|tags)\//, '')
  const what = pullRequest !== undefined ? `PR #${pullRequest}` : `${env.GITHUB_WORKFLOW || 'workflow'} (${refName || 'no ref'})`
  const run = env.GITHUB_RUN_ID ? `, run ${env.GITHUB_RUN_ID} attempt ${env.GITHUB_RUN_ATTEMPT || 1}` : ''
  return `${repo} ${what}${run}`
}

/** The pull request's number from the event payload, when the event has one. */
function pullRequestNumber(eventPath: string | undefined): number | undefined {
  if (!eventPath) return undefined
  try {
    const number = (JSON.parse(readFileSync(eventPath, 'utf8')) as { pull_request?: { number?: unknown } }).pull_request?.number
    return Number.isSafeInteger(number) ? (number as number) : undefined
  } catch {
    return undefined
  }
}
