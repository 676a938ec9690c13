// Cancellation. The runner sends SIGINT, then SIGTERM about 7.5 s later (on Windows CTRL_BREAK), then kills
// the process. After the first signal no new request starts (RevontClient's gate), and retry and throttle
// waits end early. The main step lets a request in flight finish until the second signal, then writes what
// it has; the post step stops waiting at the first.
import { setMaxListeners } from 'node:events'
import { CancelledError } from './errors.js'
import * as log from './text/log.js'

const controller = new AbortController()
// Each retry wait listens while it lasts: as many as requests run at once, which may pass Node's warning at 10.
setMaxListeners(0, controller.signal)
/** Aborted on the first signal, with the signal's name as its reason. */
export const cancellation: AbortSignal = controller.signal

/** The gate every request passes: once the step is cancelled, `what` is not sent. */
export function throwIfCancelled(what: string): void {
  if (cancellation.aborted) throw new CancelledError(`Cancelled (${String(cancellation.reason)}): ${what} was not sent`, true)
}

/**
 * Calls `onSignal` on each of the runner's cancel signals from now on: SIGINT, SIGTERM, and SIGBREAK (what
 * Node reports for Windows' CTRL_BREAK). The first closes the gate.
 */
export function onCancelSignal(onSignal: (signal: NodeJS.Signals, first: boolean) => void): void {
  const listener = (signal: NodeJS.Signals): void => {
    const first = !cancellation.aborted
    if (first) controller.abort(signal)
    onSignal(signal, first)
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGBREAK'] as const) process.on(signal, listener)
}

/**
 * The main step's: after the first signal the step goes on without starting a request; the promise
 * returned rejects on the second, when the runner's kill is near, so that the step writes its outputs
 * before it comes.
 */
export function handleCancellation(): Promise<never> {
  return new Promise((_, reject) => {
    onCancelSignal((signal, first) => {
      if (first) return log.info(`${signal}: the step is cancelled; no new request starts, and one in flight may finish`)
      reject(
        new CancelledError(
          `Cancelled (${String(cancellation.reason)}, then ${signal}): stopped waiting for a request in flight, whose outcome is unknown`
        )
      )
    })
  })
}
