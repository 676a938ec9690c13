// Preloaded into the action's process (`node --import .../fast-clock.mjs?speed=N dist/index.js`) when a
// test asks for fast waits (runStep's `clock` option), so that a retry's backoff or a 60 s Retry-After
// takes milliseconds while the action's logic sees the waits it asked for. Nothing in the bundle reads
// it: a real run has no way to shorten a wait.
//
// A skipping clock, consistent for the action: every wait of `ms` made with node:timers/promises'
// setTimeout (the retry policy's sleep, which the throttle uses too) takes ms / N real time, and when it
// ends Date.now jumps forward to where the wait was due, if it is not there yet. Between waits the clock
// runs at real speed, so a Retry-After date read at the start is as far ahead as the server meant it, and
// after every wait Date.now has reached its end: the throttle's loop (sleep, then check Date.now again)
// ends as it does in a real run. Global setTimeout is left alone: the HTTP deadline (timeout-seconds)
// stays real, and so do the tests of timeouts.
import { createRequire, syncBuiltinESMExports } from 'node:module'

const speed = Number(new URL(import.meta.url).searchParams.get('speed'))
if (!Number.isFinite(speed) || speed < 1) throw new Error(`fast-clock.mjs: ?speed= must be a number of at least 1`)

const realNow = Date.now
/** How far the clock has jumped ahead of real time. */
let skipped = 0
Date.now = () => realNow() + skipped

const timers = createRequire(import.meta.url)('node:timers/promises')
const realWait = timers.setTimeout
timers.setTimeout = (ms = 1, value, options) => {
  const wait = Math.max(0, Number(ms) || 0)
  const due = Date.now() + wait
  return realWait(wait / speed, value, options).then((result) => {
    skipped += Math.max(0, due - Date.now())
    return result
  })
}
// An ES module's `import { setTimeout } from 'node:timers/promises'` sees the patched export too.
syncBuiltinESMExports()
