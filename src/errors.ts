// Every error class the action throws on purpose, and the one way to read a message out of anything thrown.

/** The message of anything thrown, for an annotation or a longer message. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** An input is missing or not allowed: the message names the input and what it allows. */
export class InputError extends Error {
  constructor(input: string, problem: string) {
    super(`Input '${input}' ${problem}`)
    this.name = 'InputError'
  }
}

/** The API answered, and the answer is final: retrying would not change it. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** A failure worth another attempt: the answer was lost, or the API asked us to come back. */
export class TransientError extends Error {
  constructor(
    message: string,
    /** What the API asked for in Retry-After, if it did. */
    readonly retryAfterMs?: number,
    /** The HTTP status, when the API answered at all. */
    readonly status?: number
  ) {
    super(message)
    this.name = 'TransientError'
  }
}

/** No complete answer within the deadline: proxy CONNECT, TLS, headers and the whole body together. */
export class TimeoutError extends Error {
  constructor(host: string, timeoutMs: number) {
    super(`no complete answer from ${host} within ${timeoutMs / 1000} s (timeout-seconds)`)
    this.name = 'TimeoutError'
  }
}

/** A proxy variable applies but cannot be read. Final: going direct instead would bypass the proxy. */
export class ProxyConfigError extends Error {
  constructor(variable: string) {
    super(`${variable} is set but cannot be read as a proxy URL (check the % escapes in its user name and password)`)
    this.name = 'ProxyConfigError'
  }
}

/**
 * The step was cancelled. `notSent` is true when the request named was stopped at the gate, so the API
 * never saw it.
 */
export class CancelledError extends Error {
  constructor(
    message: string,
    readonly notSent = false
  ) {
    super(message)
    this.name = 'CancelledError'
  }
}
