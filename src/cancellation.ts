// Cancellation of the main step. The runner sends SIGINT, then SIGTERM about 7.5 s later, then kills the
// process. After the first signal no new request starts (RevontClient's gate), and retry and throttle
// waits end early; a request in flight may finish. After the second the step stops waiting for it and writes what it has.
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
 * Handles SIGINT and SIGTERM from now on. The first closes the gate; the promise returned rejects on the
 * second, when the runner's kill is near, so that the step writes its outputs before it comes.
 */
export function handleCancellation(): Promise<never> {
  return new Promise((_, reject) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      if (!cancellation.aborted) {
        controller.abort(signal)
        log.info(`${signal}: the step is cancelled; no new request starts, and one in flight may finish`)
        return
      }
      const first = String(cancellation.reason)
      reject(
        new CancelledError(
          `Cancelled (${first}, then ${signal}): stopped waiting for a request in flight, whose outcome is unknown`
        )
      )
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  })
}
