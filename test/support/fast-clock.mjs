// Preloaded into the action's process (`node --import .../fast-clock.mjs?speed=N dist/index.js`) when a
// test asks for fast waits (runStep's `clock` option), so that a retry's backoff or a 60 s Retry-After
// takes milliseconds while the action's logic sees the waits it asked for. Nothing in the bundle reads
// it: a real run has no way to shorten a wait.
//
// One clock for the action, N times as fast as real time from its first wait on: Date.now, and every
// wait made with node:timers/promises' setTimeout (the retry policy's sleep, which the throttle uses
// too), which takes ms / N of real time. Everything the action does after its first wait, in flight or
// asleep, is on that clock alike, so what it sees stays consistent: after a wait Date.now has passed the
// wait's end (the throttle's loop, sleep then check Date.now again, ends as in a real run), and a pause
// ends, for requests of a bulk delete sleeping side by side, at the same moment in real time. Before the
// first wait the clock is real time, so a Retry-After date in the first answers is read as the server
// meant it. Global setTimeout is left alone: the HTTP deadline (timeout-seconds) stays real, and so do
// the tests of timeouts.
import { createRequire, syncBuiltinESMExports } from 'node:module'

const speed = Number(new URL(import.meta.url).searchParams.get('speed'))
if (!Number.isFinite(speed) || speed < 1) throw new Error(`fast-clock.mjs: ?speed= must be a number of at least 1`)

const realNow = Date.now
/** When the first wait began (real time, which the clock showed then too); until then the clock is real. */
let fastSince
/** A real timer may fire a millisecond early: the clock is moved on to a wait's end when it has not got there. */
let ahead = 0
Date.now = () => (fastSince === undefined ? realNow() : fastSince + (realNow() - fastSince) * speed + ahead)

const timers = createRequire(import.meta.url)('node:timers/promises')
const realWait = timers.setTimeout
timers.setTimeout = (ms, value, options) => {
  fastSince ??= realNow()
  const wait = Math.max(0, Number(ms) || 0)
  const end = Date.now() + wait
  return realWait(wait / speed, value, options).then((result) => {
    ahead += Math.max(0, end - Date.now())
    return result
  })
}
// An ES module's `import { setTimeout } from 'node:timers/promises'` sees the patched export too.
syncBuiltinESMExports()
