// The default description, from the workflow run. @actions/github is loaded only here, when it is
// needed, so that its client code stays out of every other run's start-up.

export async function describeWorkflowRun(): Promise<string> {
  const { context } = await import('@actions/github')
  const repo = process.env.GITHUB_REPOSITORY ? `${context.repo.owner}/${context.repo.repo}` : 'local run'
  const pullRequest = context.payload.pull_request?.number
  if (pullRequest !== undefined) return `${repo} PR #${pullRequest}`
  const refName = (context.ref ?? '').replace(/^refs\/(heads|tags)\//, '')
  return `${repo} ${context.workflow ?? 'workflow'} (${refName || 'no ref'})`
}
