// The states of this repository's pull requests, from the GitHub API with github-token, for prune
// (docs/design.md#open-pull-requests). @actions/github is imported here only, when prune first needs it,
// so that no other operation's start-up loads it (docs/design.md#the-build-time-stand-in).
import { STATUS_CODES } from 'node:http'
import { send } from '../api/http.js'
import { errorMessage } from '../errors.js'
import * as log from '../text/log.js'
import { safeInline } from '../text/safe-text.js'
import { ACTION_NAME, ACTION_VERSION } from '../version.js'

/** GitHub lists at most this many a page. */
const PER_PAGE = 100
/** A bound on the list of open pull requests: those beyond it count as unread. */
const MAX_PAGES = 50

export interface PullRequestStates {
  open: Set<number>
  /** Whose state could not be read: their webhooks are kept. */
  unread: Set<number>
  /** Why, for the one warning. */
  failure?: string
}

/**
 * Which of `numbers` are open pull requests of `repository` (owner/name). One number costs one request;
 * more cost one paginated list of the open ones, a request per hundred open pull requests.
 */
export async function readPullRequestStates(
  repository: string,
  numbers: number[],
  token: string,
  timeoutMs: number
): Promise<PullRequestStates> {
  const [owner, repo] = repository.split('/')
  let octokit: ReturnType<Awaited<typeof import('@actions/github')>['getOctokit']>
  try {
    const { getOctokit } = await import('@actions/github')
    // Octokit's own messages (a deprecation, say) go to the log as every line does, not to the console.
    const logger = { debug: log.debug, info: log.debug, warn: log.warning, error: log.warning }
    const origin = new URL(process.env.GITHUB_API_URL || 'https://api.github.com').origin
    // GITHUB_API_URL (GitHub Enterprise Server) is the toolkit's default base URL; the fetch is this action's.
    octokit = getOctokit(token, {
      userAgent: `${ACTION_NAME}/${ACTION_VERSION}`,
      log: logger,
      request: { fetch: githubFetch(origin, timeoutMs), log: logger }
    })
  } catch (error) {
    // A GITHUB_API_URL that cannot be read, say: no state is known, so every webhook that needs one is kept.
    return { open: new Set(), unread: new Set(numbers), failure: describeFailure(error) }
  }
  const states: PullRequestStates = { open: new Set(), unread: new Set() }
  const cannotRead = (error: unknown, unread: number[]): void => {
    for (const number of unread) states.unread.add(number)
    states.failure ??= describeFailure(error)
  }
  if (numbers.length === 1) {
    const [number] = numbers
    try {
      const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: number })
      if (data.state === 'open') states.open.add(number)
      else if (data.state !== 'closed') cannotRead(`an answer without a state for pull request #${number}`, [number])
    } catch (error) {
      cannotRead(error, [number])
    }
    return states
  }
  try {
    let pages = 0
    for await (const { data } of octokit.paginate.iterator(octokit.rest.pulls.list, {
      owner,
      repo,
      state: 'open',
      per_page: PER_PAGE
    })) {
      for (const pull of Array.isArray(data) ? data : []) if (typeof pull?.number === 'number') states.open.add(pull.number)
      if (++pages === MAX_PAGES) {
        cannotRead(
          `more than ${MAX_PAGES * PER_PAGE} open pull requests`,
          numbers.filter((number) => !states.open.has(number))
        )
        break
      }
    }
  } catch (error) {
    cannotRead(error, numbers)
  }
  return states
}

/**
 * Octokit's fetch, through this action's own HTTP (api/http.ts): the runner's proxy rules as the
 * toolkit reads them, one deadline per attempt, no redirects. Only GETs, and only to the API's origin,
 * so that a Link header cannot send the token elsewhere.
 */
function githubFetch(origin: string, timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const url = String(input instanceof Request ? input.url : input)
    const method = init?.method ?? 'GET'
    if (method !== 'GET' || new URL(url).origin !== origin) throw new Error(`refused to send ${method} ${safeInline(url, 200)}`)
    const answer = await send({ method, url, headers: (init?.headers ?? {}) as Record<string, string> }, timeoutMs)
    const headers = new Headers()
    for (const [name, value] of Object.entries(answer.headers)) for (const one of [value ?? []].flat()) headers.append(name, one)
    // A Response for these statuses must have no body.
    const empty = [204, 205, 304].includes(answer.status)
    return new Response(empty ? null : answer.body, { status: answer.status, headers })
  }
}

/** The status GitHub answered, if it did, and its message, which is not trusted text. */
function describeFailure(error: unknown): string {
  const status = (error as { response?: { status?: unknown } }).response?.status
  const answered = typeof status === 'number' ? `${`${status} ${STATUS_CODES[status] ?? ''}`.trim()}: ` : ''
  return `${answered}${safeInline(errorMessage(error), 300)}`
}
