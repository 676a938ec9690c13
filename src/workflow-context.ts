// The workflow run, from the variables the runner sets for every step and the event payload file
// (GITHUB_EVENT_PATH): the default description, what operation: auto resolves to, and whether the run
// gets secrets. (@actions/github's `context` reads the same, but loading that package costs start-up:
// docs/design.md#the-build-time-stand-in.) The payload is read as hostile: only these fields, typed.
import { readFileSync } from 'node:fs'

type Env = Record<string, string | undefined>

export interface WorkflowEvent {
  /** GITHUB_EVENT_NAME: pull_request, push, ... */
  name: string
  /** The payload's `action`: opened, closed, ...; undefined for events without one. */
  action?: string
  /** The payload's pull request, when the event has one. */
  pullRequest?: { number?: number; headRepo?: string; baseRepo?: string }
  /** GITHUB_ACTOR: who started the run. */
  actor: string
}

export function readWorkflowEvent(env: Env = process.env): WorkflowEvent {
  const payload = readPayload(env.GITHUB_EVENT_PATH)
  const pr = field(payload, 'pull_request')
  const number = field(pr, 'number')
  return {
    name: env.GITHUB_EVENT_NAME ?? '',
    action: text(field(payload, 'action')),
    pullRequest:
      pr === undefined
        ? undefined
        : {
            number: Number.isSafeInteger(number) ? (number as number) : undefined,
            headRepo: text(field(field(field(pr, 'head'), 'repo'), 'full_name')),
            baseRepo: text(field(field(field(pr, 'base'), 'repo'), 'full_name'))
          },
    actor: env.GITHUB_ACTOR ?? ''
  }
}

/**
 * Why GitHub gave this run no secrets, when that is so: a pull_request run from a fork (head repository
 * not the base one; pull_request_target runs do get secrets), or one that Dependabot started.
 */
export function withoutSecrets(event: WorkflowEvent): string | undefined {
  const pr = event.pullRequest
  if (pr && event.name !== 'pull_request_target' && pr.headRepo !== pr.baseRepo) {
    return `this ${event.name} run is for a pull request from a fork (${pr.headRepo ?? 'a deleted repository'} into ${pr.baseRepo ?? 'this repository'}), and GitHub gives such runs no secrets`
  }
  if (event.actor === 'dependabot[bot]') {
    return 'this run was started by dependabot[bot], and GitHub gives such runs only Dependabot secrets'
  }
  return undefined
}

/**
 * `<owner>/<repo> PR #<n>` on pull request events, else `<owner>/<repo> <workflow> (<ref name>)`; then
 * the run id and attempt, so that two runs' webhooks can be told apart (docs/design.md#the-orphan-rule).
 * Prune reads the `PR #<n>` form back: docs/design.md#open-pull-requests.
 */
export function describeWorkflowRun(env: Env = process.env): string {
  const repo = env.GITHUB_REPOSITORY || 'local run'
  const pullRequest = readWorkflowEvent(env).pullRequest?.number
  const refName = (env.GITHUB_REF ?? '').replace(/^refs\/(heads|tags)\//, '')
  const what = pullRequest !== undefined ? `PR #${pullRequest}` : `${env.GITHUB_WORKFLOW || 'workflow'} (${refName || 'no ref'})`
  const run = env.GITHUB_RUN_ID ? `, run ${env.GITHUB_RUN_ID} attempt ${env.GITHUB_RUN_ATTEMPT || 1}` : ''
  return `${repo} ${what}${run}`
}

/** n when the description starts as the default does on pull request events: `<repository> PR #<n>`, no digit after. */
export function pullRequestNamed(description: string | undefined, repository: string): number | undefined {
  if (!description || !/^[\w.-]+\/[\w.-]+$/.test(repository)) return undefined
  const prefix = `${repository} PR #`
  if (!description.startsWith(prefix)) return undefined
  const number = Number(/^[1-9]\d{0,9}(?!\d)/.exec(description.slice(prefix.length))?.[0])
  return Number.isSafeInteger(number) ? number : undefined
}

function readPayload(eventPath: string | undefined): unknown {
  if (!eventPath) return undefined
  try {
    return JSON.parse(readFileSync(eventPath, 'utf8')) as unknown
  } catch {
    return undefined
  }
}

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}
