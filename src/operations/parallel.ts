// Bounded concurrency for the operations that send many requests (delete by url, prune, apply), and the
// error that counts their failures.
import { safeInline } from '../text/safe-text.js'

/** Runs `task` for each item in order, at most `limit` at once; once `stop()` says so, none is started. */
export async function eachInParallel<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
  stop: () => boolean = () => false
): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length && !stop()) await task(items[next++])
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

/** The error shows the first few failures in FAILURES_LENGTH characters together: under 2,000 in all. */
const SHOWN_FAILURES = 10
const FAILURES_LENGTH = 1800

/** `3 of 40 deletes failed: <the first few reasons>; and 1 more: see the step summary`, bounded. */
export function failuresMessage(failures: number, total: number, what: string, reasons: string[]): string {
  const shown = reasons.slice(0, SHOWN_FAILURES)
  // Each reason gets its share of the length, less the room for '; ' and '…'.
  const each = Math.floor(FAILURES_LENGTH / shown.length) - 3
  const more = failures > shown.length ? `; and ${failures - shown.length} more: see the step summary` : ''
  return `${failures} of ${total} ${what} failed: ${shown.map((reason) => safeInline(reason, each)).join('; ')}${more}`
}
