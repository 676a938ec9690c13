// The part of GitHub's REST API that prune reads, for loopback: one pull request by number, and the list of
// a repository's open pull requests, paginated with Link headers as GitHub does; token auth; faults that
// tests inject. Every request is recorded with its headers. Point the action at it with GITHUB_API_URL.
import { createServer } from 'node:http'

/**
 * @typedef {object} GithubFault  What to do instead of the normal answer, for matching requests.
 * @property {RegExp} [path]        only requests whose path and query match (default: any)
 * @property {number} [times]       how many matching requests it applies to (default: all of them)
 * @property {number} [status]      answer this status with GitHub's error body
 * @property {boolean} [reset]      destroy the connection without an answer
 * @property {string} [link]        answer a list as usual, but with this Link header
 */

/**
 * @param {{ repository?: string, token?: string, basePath?: string, pulls?: Record<number, 'open' | 'closed'> }} [options]
 *   basePath: '/api/v3' as on GitHub Enterprise Server; pulls: the repository's pull requests and their states
 */
export async function startGithubServer(options = {}) {
  const repository = options.repository ?? 'octo-org/preview-app'
  const token = options.token ?? 'ghs_loopback-test-token'
  const basePath = options.basePath ?? ''
  /** @type {Map<number, 'open' | 'closed'>} */
  const pulls = new Map(Object.entries(options.pulls ?? {}).map(([number, state]) => [Number(number), state]))
  /** @type {Array<{ method: string, path: string, query: URLSearchParams, headers: import('node:http').IncomingHttpHeaders }>} */
  const requests = []
  /** @type {GithubFault[]} */
  const faults = []
  const sockets = new Set()

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://loopback')
    requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers })
    const fault = takeFault(req.url ?? '')
    if (fault?.reset) return req.socket.destroy()
    if (fault?.status) return send(res, fault.status, { message: `injected ${fault.status}` })
    if (req.headers.authorization !== `token ${token}`) return send(res, 401, { message: 'Bad credentials' })
    const route = url.pathname.startsWith(`${basePath}/repos/${repository}/pulls`) ? url.pathname.slice(basePath.length) : ''
    const one = /^\/repos\/[^/]+\/[^/]+\/pulls\/(\d+)$/.exec(route)
    if (req.method === 'GET' && one && pulls.has(Number(one[1]))) {
      return send(res, 200, { number: Number(one[1]), state: pulls.get(Number(one[1])), title: `PR ${one[1]}` })
    }
    if (req.method === 'GET' && route === `/repos/${repository}/pulls`) return list(req, res, url, fault?.link)
    send(res, 404, { message: 'Not Found' })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  /** The pull requests with the state asked for, newest first, a page at a time, with GitHub's Link header. */
  function list(req, res, url, link = undefined) {
    const state = url.searchParams.get('state') ?? 'open'
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30))
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1))
    const numbers = [...pulls].filter(([, s]) => state === 'all' || s === state).map(([number]) => number)
    numbers.sort((a, b) => b - a)
    const last = Math.max(1, Math.ceil(numbers.length / perPage))
    const pageUrl = (n) => {
      const next = new URL(url.pathname, `http://${req.headers.host}`)
      next.search = new URLSearchParams({ state, per_page: String(perPage), page: String(n) }).toString()
      return next.href
    }
    const links = []
    if (page < last) links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(last)}>; rel="last"`)
    if (page > 1) links.push(`<${pageUrl(1)}>; rel="first"`, `<${pageUrl(page - 1)}>; rel="prev"`)
    if (link !== undefined) links.splice(0, links.length, link)
    const data = numbers.slice((page - 1) * perPage, page * perPage).map((number) => ({ number, state: pulls.get(number) }))
    send(res, 200, data, links.length > 0 ? { link: links.join(', ') } : {})
  }

  function takeFault(target) {
    const index = faults.findIndex((fault) => !fault.path || fault.path.test(target))
    if (index < 0) return undefined
    const fault = faults[index]
    if (fault.times !== undefined && --fault.times <= 0) faults.splice(index, 1)
    return fault
  }

  function send(res, status, payload, headers = {}) {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
    res.end(JSON.stringify(payload))
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(undefined))
  })
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())

  return {
    url: `http://127.0.0.1:${address.port}${basePath}`,
    repository,
    token,
    pulls,
    requests,
    /** @param {GithubFault} fault */
    inject(fault) {
      faults.push({ ...fault })
    },
    reset() {
      pulls.clear()
      requests.length = 0
      faults.length = 0
    },
    close() {
      for (const socket of sockets) socket.destroy()
      return new Promise((resolve) => server.close(() => resolve(undefined)))
    }
  }
}
