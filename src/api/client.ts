// The Revont Webhooks API: list, create (one POST) and delete, each under the retry policy and the run's
// throttle, and every failure turned into a message that names the request and what the API said. What
// to do when a POST's answer is lost is the create operation's business (operations/create.ts).
import { STATUS_CODES } from 'node:http'
import { throwIfCancelled } from '../cancellation.js'
import { ApiError, errorMessage, ProxyConfigError, TimeoutError, TransientError } from '../errors.js'
import type { Connection } from '../inputs.js'
import * as log from '../text/log.js'
import { safeInline, safeLine } from '../text/safe-text.js'
import { mask } from '../text/secrets.js'
import { ACTION_NAME, ACTION_VERSION } from '../version.js'
import { toWebhook, type NewWebhook, type Webhook } from '../webhooks/webhook.js'
import { send, type HttpResponse } from './http.js'
import { parseRetryAfter, retryPolicy, TRANSIENT_STATUSES, withRetries, type RetryPolicy } from './retry.js'
import { Throttle } from './throttle.js'

export interface CreatedWebhook {
  webhook: Webhook
  secret: string
}

type Method = 'GET' | 'POST' | 'DELETE'

/** The client of a run, main step or post step: one retry policy, one deadline, one throttle. */
export function newClient(connection: Connection): RevontClient {
  return new RevontClient(connection, retryPolicy(connection.maxRetries))
}

export class RevontClient {
  private readonly throttle: Throttle

  constructor(
    private readonly connection: Connection,
    readonly policy: RetryPolicy
  ) {
    this.throttle = new Throttle(policy)
  }

  async listWebhooks(): Promise<Webhook[]> {
    const answer = await withRetries(this.policy, () => this.request('GET', '/webhooks'))
    const data = (answer as { data?: unknown } | undefined)?.data
    if (!Array.isArray(data)) throw new Error('GET /webhooks failed: the answer has no "data" array')
    return data.map((item) => {
      const webhook = toWebhook(item)
      if (!webhook) throw new Error('GET /webhooks failed: the answer holds a webhook without a valid id and url')
      return webhook
    })
  }

  /**
   * One POST, never repeated here: an answer that is lost may mean a webhook exists whose secret nobody
   * saw (see docs/design.md#lost-answers). Only a 429, which the API did not act on, is sent again.
   */
  async createWebhook(webhook: NewWebhook): Promise<CreatedWebhook> {
    const answer = (await this.request('POST', '/webhooks', webhook)) as Record<string, unknown> | undefined
    const secret = answer?.secret
    const created = toWebhook(answer)
    // A blank secret is no secret. A good one is masked as it is handed over, where a secret that cannot
    // be masked deletes its webhook.
    if (created && typeof secret === 'string' && secret.trim()) return { webhook: created, secret }
    // Masked all the same, as the API may show it again.
    if (typeof secret === 'string' && secret.trim()) mask(secret)
    // Without an id and a secret the answer is as good as lost: the webhook may exist all the same.
    throw new TransientError('POST /webhooks failed: the answer has no valid id, url and secret')
  }

  /** 'missing' when the API has no such webhook. A 404 after a lost answer means an earlier try worked. */
  async deleteWebhook(id: string): Promise<'deleted' | 'missing'> {
    // encodeURIComponent throws on a lone surrogate, with a message that names neither request nor id.
    if (/\p{Cs}/u.test(id)) {
      throw new Error(`DELETE /webhooks/${safeLine(id)} failed: the id cannot be put into a URL path (it holds a lone surrogate)`)
    }
    // encodeURIComponent keeps '.', and a server or proxy may resolve an id of . or .. as a path segment.
    const path = `/webhooks/${encodeURIComponent(id).replace(/\./g, '%2E')}`
    let lost = false
    return withRetries(this.policy, async () => {
      try {
        await this.request('DELETE', path)
        return 'deleted'
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return lost ? 'deleted' : 'missing'
        lost ||= answerLost(error)
        throw error
      }
    })
  }

  /**
   * One attempt, repeated after each 429 as long as the run's Throttle allows; resolves with the body
   * parsed (undefined when empty).
   */
  private async request(method: Method, path: string, body?: unknown): Promise<unknown> {
    const where = `${method} ${path}`
    for (;;) {
      // Every request of the run starts here, and only here.
      const ticket = await this.throttle.acquire()
      let response: HttpResponse | undefined
      try {
        // A cancelled step starts no request, not even one that was waiting for the throttle.
        throwIfCancelled(where)
        response = await this.sendOnce(where, method, path, body)
        return this.read(where, response)
      } catch (error) {
        if (response?.status !== 429) throw error
        this.throttle.throttled(ticket, error as TransientError)
      } finally {
        this.throttle.release(response?.status)
      }
    }
  }

  private async sendOnce(where: string, method: Method, path: string, body: unknown): Promise<HttpResponse> {
    let response: HttpResponse
    const started = Date.now()
    try {
      response = await send(
        {
          method,
          url: this.connection.apiUrl + path,
          headers: {
            Authorization: `Bearer ${this.connection.apiKey}`,
            Accept: 'application/json',
            'User-Agent': `${ACTION_NAME}/${ACTION_VERSION}`,
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' })
          },
          body: body === undefined ? undefined : JSON.stringify(body)
        },
        this.connection.timeoutMs
      )
    } catch (error) {
      if (error instanceof ProxyConfigError) throw error
      const message = `${where} failed: ${describeNetworkError(error)}`
      log.debug(`${message} after ${Date.now() - started} ms`)
      throw new TransientError(message)
    }
    log.debug(`${where}: ${statusLine(response.status)}, ${response.bytes} bytes in ${Date.now() - started} ms`)
    return response
  }

  /** The answer's body, or the error it means. */
  private read(where: string, response: HttpResponse): unknown {
    const { status } = response
    const parsed = parseJson(response.body)
    if (status >= 200 && status < 300) {
      // A success whose body cannot be read is a lost answer, as if the connection had dropped.
      if (parsed === NOT_JSON) throw new TransientError(`${where} failed: ${statusLine(status)} with a body that is not JSON`)
      return parsed
    }
    const message = `${where} failed: ${statusLine(status)}${apiSays(response, parsed)}`
    if (TRANSIENT_STATUSES.has(status)) {
      throw new TransientError(message, parseRetryAfter(headerValue(response, 'retry-after')), status)
    }
    throw new ApiError(message, status)
  }
}

/** The status with its standard reason phrase: the server's own phrase is not trusted text. */
function statusLine(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? ''}`.trim()
}

function headerValue(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name]
  return Array.isArray(value) ? value[0] : value
}

function pickString(value: unknown, key: string): string | undefined {
  const field = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined
  return typeof field === 'string' && field ? field : undefined
}

function describeNetworkError(error: unknown): string {
  if (error instanceof TimeoutError) return error.message
  const code = (error as NodeJS.ErrnoException).code
  const message = errorMessage(error)
  return code && !message.includes(code) ? `${message} (${code})` : message
}

/** `: <the API's message> (request id …)`, with hints for the answers users meet most. */
function apiSays(response: HttpResponse, parsed: unknown): string {
  const json = parsed === NOT_JSON ? undefined : (parsed as Record<string, unknown> | undefined)
  const error = json?.error
  const said = typeof error === 'string' ? error : (pickString(error, 'message') ?? pickString(json, 'message') ?? undefined)
  const requestId = headerValue(response, 'x-request-id') ?? pickString(json, 'request_id') ?? pickString(error, 'request_id')
  let text = ''
  if (said) text += `: ${safeInline(said, 300)}`
  else if (parsed === NOT_JSON && response.body.trim()) text += ' (the body was not JSON)'
  if (response.status === 401) text += ' (the API key was rejected: check api-key or REVONT_API_KEY)'
  if (response.status >= 300 && response.status < 400) {
    text += ` (redirects are not followed, so the API key goes to no other host: check api-url)`
  }
  if (requestId) text += ` (request id ${safeInline(requestId, 100)})`
  return text
}

/**
 * The request may have been carried out without our reading the answer: a network error, a timeout, any
 * 5xx, or an unreadable success. A 408 or 429 says the API did not handle it.
 */
export function answerLost(error: unknown): boolean {
  if (error instanceof ApiError) return error.status >= 500
  return error instanceof TransientError && error.status !== 408 && error.status !== 429
}

const NOT_JSON = Symbol('not JSON')

function parseJson(body: string): unknown {
  if (!body.trim()) return undefined
  try {
    return JSON.parse(body) as unknown
  } catch {
    return NOT_JSON
  }
}
