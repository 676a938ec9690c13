// prune with keep-open-pull-requests through the bundle, against the loopback Revont server and a loopback
// GitHub API (as on GitHub Enterprise Server, below /api/v3): which webhooks are kept, what GitHub is asked,
// what happens when it cannot answer, and that neither credential goes to the other's server.
import { createServer, type IncomingMessage } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { RUNNER_GITHUB_TOKEN, runAction } from '../support/run-action.mjs'
import { startGithubServer } from '../support/github-server.mjs'
import { startRevontServer } from '../support/revont-server.mjs'

let revont: Awaited<ReturnType<typeof startRevontServer>>
let github: Awaited<ReturnType<typeof startGithubServer>>

beforeAll(async () => {
  revont = await startRevontServer()
  github = await startGithubServer({ basePath: '/api/v3', token: RUNNER_GITHUB_TOKEN })
})
afterAll(async () => {
  await revont.close()
  await github.close()
})
beforeEach(() => {
  revont.reset()
  github.reset()
})

const repository = 'octo-org/preview-app'
const pattern = 'https://pr-*.preview.example.com/*'
const longAgo = new Date(Date.now() - 30 * 86_400_000).toISOString()

/** A webhook as a preview run of pull request `number` left it, long ago: the default description. */
function preview(number: number, description = `${repository} PR #${number}, run 1234 attempt 1`) {
  const [webhook] = revont.seed([
    {
      id: `wh_${revont.webhooks.size + 1}`,
      url: `https://pr-${number}.preview.example.com/hooks/revont`,
      events: ['call.ended'],
      description,
      created_at: longAgo
    }
  ])
  return webhook.id as string
}

/** The github-token input is left to its default, which the runner sets to the job's token. */
function prune(inputs: Record<string, string> = {}) {
  return runAction({
    inputs: { 'api-url': revont.url, 'api-key': revont.apiKey, operation: 'prune', url: pattern, 'older-than': '7d', ...inputs },
    env: { GITHUB_REPOSITORY: repository, GITHUB_API_URL: github.url },
    clock: 100
  })
}

function githubRequests() {
  return github.requests.map((request) => `${request.method} ${request.path}${request.query.size ? `?${request.query}` : ''}`)
}

function warnings(result: Awaited<ReturnType<typeof prune>>) {
  return result.log.annotations.filter((annotation) => annotation.type === 'warning').map((annotation) => annotation.message)
}

describe('prune keeps the webhooks of open pull requests', () => {
  it('keeps an open pull request’s webhook whatever its age, prunes a closed one’s, and says why in the summary', async () => {
    github.pulls.set(1, 'open').set(2, 'closed')
    const open = preview(1)
    const openAgain = preview(1, `${repository} PR #1`)
    const closed = preview(2)
    const result = await prune()
    expect(result.code).toBe(0)
    expect([...revont.webhooks.keys()].sort()).toEqual([open, openAgain].sort())
    expect(result.outputs['deleted-ids']).toBe(JSON.stringify([closed]))
    expect(result.summary).toContain('kept: pull request #1 is open')
    expect(result.log.text).toContain(`Kept: ${open}`)
    // Two pull requests: one list of the open ones, a page of 100.
    expect(githubRequests()).toEqual([`GET /api/v3/repos/${repository}/pulls?state=open&per_page=100`])
    expect(warnings(result)).toEqual([])
  })

  it('asks about one pull request with one request, however many webhooks name it', async () => {
    github.pulls.set(3, 'open')
    preview(3)
    preview(3, `${repository} PR #3`)
    const result = await prune()
    expect(result.code).toBe(0)
    expect(revont.webhooks.size).toBe(2)
    expect(githubRequests()).toEqual([`GET /api/v3/repos/${repository}/pulls/3`])
  })

  it('reads every page of more than 100 open pull requests', async () => {
    for (let number = 1; number <= 150; number++) github.pulls.set(number, 'open')
    github.pulls.set(200, 'closed')
    // Newest first: 150 to 51 on the first page, 5 on the second.
    const onSecondPage = preview(5)
    const onFirstPage = preview(120)
    const closed = preview(200)
    const result = await prune()
    expect(result.code).toBe(0)
    expect([...revont.webhooks.keys()].sort()).toEqual([onSecondPage, onFirstPage].sort())
    expect(result.outputs['deleted-ids']).toBe(JSON.stringify([closed]))
    expect(githubRequests()).toEqual([
      `GET /api/v3/repos/${repository}/pulls?state=open&per_page=100`,
      `GET /api/v3/repos/${repository}/pulls?state=open&per_page=100&page=2`
    ])
  })

  it('does not keep, nor ask about, another repository’s pull request, nor a number that only starts the same', async () => {
    github.pulls.set(1, 'open').set(12, 'closed')
    const other = preview(1, 'octo-org/other-app PR #1, run 1 attempt 1')
    const prefix = preview(4, 'octo-org/preview-app-2 PR #1')
    const twelve = preview(12)
    const result = await prune()
    expect(result.code).toBe(0)
    expect(revont.webhooks.size).toBe(0)
    expect(JSON.parse(result.outputs['deleted-ids']).sort()).toEqual([other, prefix, twelve].sort())
    expect(githubRequests()).toEqual([`GET /api/v3/repos/${repository}/pulls/12`])
  })

  it('asks GitHub nothing with keep-open-pull-requests: false', async () => {
    github.pulls.set(1, 'open')
    preview(1)
    const result = await prune({ 'keep-open-pull-requests': 'false', 'github-token': '' })
    expect(result.code).toBe(0)
    expect(revont.webhooks.size).toBe(0)
    expect(github.requests).toEqual([])
  })

  it('keeps what it would delete in a dry run, reading the states all the same', async () => {
    github.pulls.set(1, 'open').set(2, 'closed')
    preview(1)
    const closed = preview(2)
    const result = await prune({ 'dry-run': 'true' })
    expect(revont.webhooks.size).toBe(2)
    expect(result.outputs['deleted-ids']).toBe(JSON.stringify([closed]))
    expect(result.summary).toContain('kept: pull request #1 is open')
  })
})

describe('a state that cannot be read', () => {
  it.each([
    { fault: { status: 401 }, what: '401 Unauthorized' },
    { fault: { status: 403 }, what: '403 Forbidden' },
    { fault: { status: 404 }, what: '404 Not Found' },
    { fault: { reset: true }, what: 'socket hang up' }
  ])(
    '($what) keeps the webhooks that depend on it with one warning naming pull-requests: read; the prune goes on',
    async ({ fault, what }) => {
      github.pulls.set(1, 'open').set(2, 'closed')
      github.inject(fault)
      const kept = [preview(1), preview(2)]
      const unrelated = preview(9, 'Nightly smoke test')
      const result = await prune()
      expect(result.code).toBe(0)
      expect([...revont.webhooks.keys()].sort()).toEqual(kept.sort())
      expect(result.outputs['deleted-ids']).toBe(JSON.stringify([unrelated]))
      const [warning, ...more] = warnings(result)
      expect(more).toEqual([])
      expect(warning).toContain("Kept 2 webhook(s) whose pull request's state could not be read from the GitHub API")
      expect(warning).toContain(what)
      expect(warning).toContain('pull-requests: read')
      expect(result.summary).toContain('kept: the state of pull request #1 could not be read')
      expect(github.requests).toHaveLength(1)
    }
  )

  it('of one pull request (a 404 for it) keeps its webhook, with the warning', async () => {
    preview(6)
    const result = await prune()
    expect(revont.webhooks.size).toBe(1)
    expect(warnings(result)).toEqual([expect.stringContaining('404 Not Found')])
    expect(githubRequests()).toEqual([`GET /api/v3/repos/${repository}/pulls/6`])
  })

  it('part-way through the pages keeps every webhook that depends on the list', async () => {
    for (let number = 1; number <= 120; number++) github.pulls.set(number, 'open')
    github.pulls.set(300, 'closed')
    github.inject({ path: /page=2/, status: 403 })
    const kept = [preview(3), preview(300)]
    const result = await prune()
    expect([...revont.webhooks.keys()].sort()).toEqual(kept.sort())
    expect(warnings(result)).toEqual([expect.stringContaining('403 Forbidden')])
    expect(github.requests).toHaveLength(2)
  })
})

describe('credentials', () => {
  it('sends the GitHub token only to GitHub, and the Revont key only to Revont; masks the token', async () => {
    preview(1)
    preview(2)
    const token = 'ghp_a-personal-access-token'
    const own = await startGithubServer({ basePath: '/api/v3', token })
    try {
      own.pulls.set(1, 'open').set(2, 'closed')
      const result = await runAction({
        inputs: { 'api-url': revont.url, 'api-key': revont.apiKey, operation: 'prune', url: pattern, 'github-token': token },
        env: { GITHUB_REPOSITORY: repository, GITHUB_API_URL: own.url }
      })
      expect(result.code).toBe(0)
      expect(revont.webhooks.size).toBe(1)
      expect(result.commands.filter((command) => command.name === 'add-mask').map((command) => command.data)).toContain(token)
      const headersOf = (requests: Array<{ headers: Record<string, unknown> }>) =>
        requests.map((request) => JSON.stringify(request.headers)).join('\n')
      expect(own.requests.length).toBeGreaterThan(0)
      expect(headersOf(own.requests)).toContain(`"authorization":"token ${token}"`)
      expect(headersOf(own.requests)).not.toContain(revont.apiKey)
      expect(headersOf(revont.requests)).not.toContain(token)
      expect(headersOf(own.requests)).toMatch(/"user-agent":"revont-webhooks-action\/\d/)
    } finally {
      await own.close()
    }
  })

  it('follows no Link to another origin: the token goes to GITHUB_API_URL only', async () => {
    const elsewhere = await startGithubServer({ token: RUNNER_GITHUB_TOKEN })
    try {
      github.pulls.set(1, 'open').set(2, 'closed')
      github.inject({ link: `<${elsewhere.url}/repos/${repository}/pulls?page=2>; rel="next"` })
      const kept = [preview(1), preview(2)]
      const result = await prune()
      expect(elsewhere.requests).toEqual([])
      expect([...revont.webhooks.keys()].sort()).toEqual(kept.sort())
      expect(warnings(result)).toEqual([expect.stringContaining(`refused to send GET ${elsewhere.url}`)])
    } finally {
      await elsewhere.close()
    }
  })

  it('reads the states through the runner’s proxy (HTTP_PROXY), as the toolkit reads it', async () => {
    const connects: string[] = []
    const githubPort = new URL(github.url).port
    const proxy = createServer()
    proxy.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => {
      connects.push(request.url ?? '')
      // Whatever host was asked for, the tunnel ends at the loopback GitHub API: nothing resolves api.github.test.
      const upstream = connect(Number(githubPort), '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.write(head)
        upstream.pipe(client).on('error', () => client.destroy())
        client.pipe(upstream).on('error', () => upstream.destroy())
      })
      upstream.on('error', () => client.destroy())
    })
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
    try {
      for (let number = 1; number <= 101; number++) github.pulls.set(number, 'open')
      github.pulls.set(102, 'closed')
      const kept = preview(1)
      preview(102)
      const result = await runAction({
        inputs: { 'api-url': revont.url, 'api-key': revont.apiKey, operation: 'prune', url: pattern },
        env: {
          GITHUB_REPOSITORY: repository,
          GITHUB_API_URL: `http://api.github.test:${githubPort}/api/v3`,
          HTTP_PROXY: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
        }
      })
      expect(result.code).toBe(0)
      expect([...revont.webhooks.keys()]).toEqual([kept])
      // Both pages through the tunnel (kept alive, so one CONNECT may carry both); Revont on loopback, direct.
      expect(connects.length).toBeGreaterThan(0)
      expect(new Set(connects)).toEqual(new Set([`api.github.test:${githubPort}`]))
      expect(github.requests).toHaveLength(2)
    } finally {
      proxy.closeAllConnections()
      await new Promise((resolve) => proxy.close(resolve))
    }
  })

  it('with an empty github-token keeps the webhooks of pull requests, with the warning, and asks GitHub nothing', async () => {
    github.pulls.set(1, 'closed')
    const kept = preview(1)
    const other = preview(2, 'Nightly smoke test')
    const result = await prune({ 'github-token': '' })
    expect(result.code).toBe(0)
    expect([...revont.webhooks.keys()]).toEqual([kept])
    expect(result.outputs['deleted-ids']).toBe(JSON.stringify([other]))
    expect(warnings(result)).toEqual([expect.stringContaining('(github-token is empty)')])
    expect(github.requests).toEqual([])
  })

  it('refuses a github-token that cannot go into a header, before any request', async () => {
    const result = await prune({ 'github-token': 'ghs_a b' })
    expect(result.code).toBe(1)
    expect(result.log.annotations.at(-1)?.message).toBe(
      "Input 'github-token' must be printable ASCII without spaces or control characters"
    )
    expect(revont.requests).toEqual([])
  })
})
