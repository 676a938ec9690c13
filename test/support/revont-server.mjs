// A Revont-compatible Webhooks API for loopback: list, create with a one-time secret, delete, Bearer
// auth and the API's validation, plus faults that tests inject. Plain JavaScript so that the local run
// and the benchmark can start it with node alone.
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'

/**
 * @typedef {object} Fault  What to do instead of (or after) the normal answer, for one request.
 * @property {string} [method]          only requests with this method (default: any)
 * @property {string|RegExp} [path]     only this path below the base, e.g. '/webhooks' (default: any)
 * @property {number} [times]           how many matching requests it applies to (default 1)
 * @property {number} [status]          answer this status without doing anything
 * @property {Record<string,string>} [headers]  headers for that answer (Retry-After, Location, ...)
 * @property {string} [body]            raw body for that answer (default: a JSON error)
 * @property {'before'|'after'} [reset] destroy the connection before or after the change is made
 * @property {boolean} [hang]           accept the request and never answer
 * @property {boolean} [hold]           hold the request until the test calls release(), then handle it as usual
 * @property {boolean} [stallBody]      do the change, send the headers and half the body, then stall
 * @property {boolean} [malformed]      do the change, answer its status with a body that is not JSON
 * @property {number} [statusAfter]     do the change, then answer this status (a 5xx that lies)
 * @property {number} [commitAfterMs]   answer `status` (default 504) at once, and do the change this much later
 * @property {() => void} [meanwhile]   called first: what another client does while this request is on its way
 */

/** Every secret any server of this process has handed out, so that each run can be checked for leaks. */
export const handedOutSecrets = new Set()

/** Records the `secret` a raw answer carries (a test's injected 201), when it is text. */
function recordSecret(body) {
  try {
    const secret = JSON.parse(body)?.secret
    if (typeof secret === 'string') handedOutSecrets.add(secret)
  } catch {
    // not JSON: no secret handed out
  }
}

/**
 * @typedef {object} RateLimit  A token bucket per API key, as APIs limit each key's requests.
 * @property {number} rate              tokens added per second
 * @property {number} burst             the bucket's size
 * @property {number} [tokens]          how many tokens it holds at the key's first request, as when another job
 *                                      has just used the key (default: full)
 * @property {boolean | 'past-date'} [retryAfter]  send Retry-After (whole seconds until the next token) with the
 *                                      429 (default true); 'past-date': an HTTP date a minute ago, as a server whose
 *                                      clock is behind the runner's sends
 */

/**
 * @param {{ apiKey?: string, basePath?: string, host?: string, port?: number, delayMs?: Partial<Record<'GET'|'POST'|'DELETE', number>>, rateLimit?: RateLimit }} [options]
 */
export async function startRevontServer(options = {}) {
  const server = createRevontServer(options)
  await server.listen()
  return server
}

/**
 * The server, not listening yet (tests start it in beforeAll: see test/support/steps.ts); `url` is known
 * once `listen()` has resolved.
 * @param {Parameters<typeof startRevontServer>[0]} [options]
 */
export function createRevontServer(options = {}) {
  const apiKey = options.apiKey ?? 'test-key'
  const basePath = options.basePath ?? '/v1'
  const delayMs = options.delayMs ?? {}
  /** @type {Map<string, any>} */
  const webhooks = new Map()
  /** @type {Array<{method: string, path: string, headers: import('node:http').IncomingHttpHeaders, body: string, arrivedAt: number}>} */
  const requests = []
  /** @type {RateLimit | undefined} */
  let rateLimit = options.rateLimit
  /** @type {Map<string, {tokens: number, at: number}>} */
  const buckets = new Map()
  /** Each 429 of the rate limit: when it was sent (Date.now()) and the Retry-After it carried, in seconds. */
  /** @type {Array<{at: number, retryAfter: number | undefined}>} */
  const throttles = []
  /** @type {Fault[]} */
  const faults = []
  /** @type {Array<() => void>} requests held by a `hold` fault, each to be handled when released */
  const held = []
  /** every secret handed out, so tests can check none leaked */
  const secrets = []
  const sockets = new Set()
  let inFlight = 0
  let maxInFlight = 0

  const server = createServer((req, res) => {
    const arrivedAt = Date.now()
    const chunks = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const path = (req.url ?? '').split('?')[0]
      requests.push({ method: req.method ?? '', path, headers: req.headers, body, arrivedAt })
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      res.on('close', () => inFlight--)
      const delay = delayMs[/** @type {'GET'} */ (req.method)] ?? 0
      setTimeout(() => handle(req, res, path, body), delay)
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  function takeFault(method, path) {
    const index = faults.findIndex(
      (fault) =>
        (!fault.method || fault.method === method) &&
        (!fault.path || (typeof fault.path === 'string' ? fault.path === path : fault.path.test(path)))
    )
    if (index < 0) return undefined
    const fault = faults[index]
    fault.times = (fault.times ?? 1) - 1
    if (fault.times <= 0) faults.splice(index, 1)
    return fault
  }

  function send(res, status, payload, headers = {}) {
    const text = payload === undefined ? '' : JSON.stringify(payload)
    res.writeHead(status, {
      'x-request-id': `req_${randomBytes(6).toString('hex')}`,
      ...(text ? { 'content-type': 'application/json' } : {}),
      ...headers
    })
    res.end(text)
  }

  function error(res, status, message, headers) {
    send(res, status, { error: { message, type: status === 401 ? 'authentication_error' : 'invalid_request_error' } }, headers)
  }

  /** Does the change the request asks for; returns the answer it would get. */
  function apply(method, path, body) {
    const route = path.slice(basePath.length)
    if (route === '/webhooks' && method === 'GET') return { status: 200, payload: { data: [...webhooks.values()] } }
    if (route === '/webhooks' && method === 'POST') {
      let input
      try {
        input = JSON.parse(body)
      } catch {
        return { status: 400, message: 'request body must be JSON' }
      }
      let url
      try {
        url = new URL(input.url)
      } catch {
        url = undefined
      }
      if (!url || url.protocol !== 'https:') return { status: 400, message: 'url must be a valid https:// URL' }
      if (!Array.isArray(input.events) || input.events.length === 0 || input.events.some((e) => typeof e !== 'string' || !e)) {
        return { status: 400, message: 'events must be a non-empty array of event types' }
      }
      if (input.description !== undefined && typeof input.description !== 'string') {
        return { status: 400, message: 'description must be a string' }
      }
      const webhook = {
        id: `wh_${randomBytes(8).toString('hex')}`,
        url: input.url,
        events: input.events,
        description: input.description ?? '',
        created_at: new Date().toISOString(),
        status: 'active'
      }
      const secret = `whsec_${randomBytes(16).toString('hex')}`
      secrets.push(secret)
      handedOutSecrets.add(secret)
      webhooks.set(webhook.id, webhook)
      return { status: 201, payload: { ...webhook, secret } }
    }
    const match = /^\/webhooks\/([^/]+)$/.exec(route)
    if (match && method === 'DELETE') {
      const id = decodeURIComponent(match[1])
      if (!webhooks.delete(id)) return { status: 404, message: `no webhook with id ${id}` }
      return { status: 204 }
    }
    return { status: 404, message: `no route for ${method} ${path}` }
  }

  /** Takes a token from the key's bucket; false when it is empty and a 429 was sent. */
  function withinLimit(key, res) {
    if (!rateLimit) return true
    const now = Date.now()
    const bucket = buckets.get(key) ?? { tokens: rateLimit.tokens ?? rateLimit.burst, at: now }
    bucket.tokens = Math.min(rateLimit.burst, bucket.tokens + ((now - bucket.at) / 1000) * rateLimit.rate)
    bucket.at = now
    buckets.set(key, bucket)
    if (bucket.tokens >= 1) {
      bucket.tokens--
      return true
    }
    const retryAfter =
      (rateLimit.retryAfter ?? true) === true ? Math.max(1, Math.ceil((1 - bucket.tokens) / rateLimit.rate)) : undefined
    throttles.push({ at: now, retryAfter })
    const header = rateLimit.retryAfter === 'past-date' ? new Date(now - 60_000).toUTCString() : retryAfter
    error(res, 429, 'rate limit exceeded', header === undefined ? {} : { 'Retry-After': String(header) })
    return false
  }

  /** @param {boolean} [released] the request was held by a `hold` fault, which was its fault */
  function handle(req, res, path, body, released = false) {
    const method = req.method ?? ''
    if (req.headers.authorization !== `Bearer ${apiKey}`) return error(res, 401, 'invalid API key')
    if (!released && !withinLimit(req.headers.authorization, res)) return
    const fault = released ? undefined : takeFault(method, path.slice(basePath.length))
    fault?.meanwhile?.()
    if (fault?.hold) return held.push(() => handle(req, res, path, body, true))
    if (fault?.hang) return
    if (fault?.reset === 'before') return req.socket.destroy()
    if (fault?.commitAfterMs !== undefined) {
      setTimeout(() => apply(method, path, body), fault.commitAfterMs)
      return error(res, fault.status ?? 504, 'injected: answered before the change was made')
    }
    if (fault?.status !== undefined) {
      if (fault.body !== undefined) {
        recordSecret(fault.body)
        res.writeHead(fault.status, fault.headers ?? {})
        return res.end(fault.body)
      }
      return error(res, fault.status, `injected ${fault.status}`, fault.headers)
    }
    const answer = apply(method, path, body)
    if (fault?.reset === 'after') return req.socket.destroy()
    if (fault?.statusAfter !== undefined) return error(res, fault.statusAfter, `injected ${fault.statusAfter} after the change`)
    if (fault?.malformed) {
      res.writeHead(answer.status, { 'content-type': 'application/json' })
      return res.end('{"id": "wh_')
    }
    if (fault?.stallBody) {
      const text = JSON.stringify(answer.payload ?? {})
      res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
      return res.write(text.slice(0, Math.floor(text.length / 2)))
    }
    if (answer.message) return error(res, answer.status, answer.message)
    send(res, answer.status, answer.payload)
  }

  /** @type {string | undefined} */
  let url

  return {
    get url() {
      if (url === undefined) throw new Error('the loopback Revont server is not listening yet')
      return url
    },
    async listen() {
      await new Promise((resolve, reject) => {
        server.once('error', reject)
        server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve(undefined))
      })
      const address = /** @type {import('node:net').AddressInfo} */ (server.address())
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
      url = `http://${host}:${address.port}${basePath}`
    },
    apiKey,
    webhooks,
    requests,
    secrets,
    /** @param {Fault} fault */
    inject(fault) {
      faults.push({ ...fault })
    },
    /** Handles the requests a `hold` fault holds, as if their answers had taken this long; even when the client is gone. */
    release() {
      for (const handleHeld of held.splice(0)) handleHeld()
    },
    /** How many requests a `hold` fault holds. */
    get held() {
      return held.length
    },
    get pendingFaults() {
      return faults.length
    },
    get maxInFlight() {
      return maxInFlight
    },
    throttles,
    /** @param {RateLimit | undefined} limit  from now on, for every key (each starts with a full bucket) */
    setRateLimit(limit) {
      rateLimit = limit
      buckets.clear()
    },
    /** Adds webhooks as if created earlier; returns them. */
    seed(list) {
      for (const webhook of list) {
        webhooks.set(webhook.id, { description: '', status: 'active', created_at: new Date().toISOString(), ...webhook })
      }
      return list
    },
    reset() {
      webhooks.clear()
      requests.length = 0
      faults.length = 0
      held.length = 0
      maxInFlight = 0
      throttles.length = 0
      rateLimit = options.rateLimit
      buckets.clear()
    },
    close() {
      for (const socket of sockets) socket.destroy()
      return new Promise((resolve) => server.close(() => resolve(undefined)))
    }
  }
}
