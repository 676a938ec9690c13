// The default description, from the workflow context. Only @actions/github's Context is imported
// (tsconfig.json "paths" names its file, which the package's exports do not): the rest of the package
// is an Octokit client this action has no use for.
import { Context } from '@actions/github/lib/context'

export function describeWorkflowRun(): string {
  const context = new Context()
  const repo = process.env.GITHUB_REPOSITORY ? `${context.repo.owner}/${context.repo.repo}` : 'local run'
  const pullRequest = context.payload.pull_request?.number
  if (pullRequest !== undefined) return `${repo} PR #${pullRequest}`
  const refName = (context.ref ?? '').replace(/^refs\/(heads|tags)\//, '')
  return `${repo} ${context.workflow ?? 'workflow'} (${refName || 'no ref'})`
}
