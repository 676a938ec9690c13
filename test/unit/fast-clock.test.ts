// The fast clock the end-to-end tests preload into the action's process (test/support/fast-clock.mjs):
// shown to work, since the fault tests' waits rely on it. Each probe runs in a node of its own, bounded
// well below the waits it makes, so a clock that did not skip would fail it.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { repoRoot } from '../support/run-action.mjs'

const preload = pathToFileURL(join(repoRoot, 'test', 'support', 'fast-clock.mjs')).href

/** Runs `script` as an ES module with the clock preloaded at `speed`; its last line of output, as JSON. */
function probe(script: string, speed = 1000) {
  const child = spawnSync(process.execPath, ['--import', `${preload}?speed=${speed}`, '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 20_000
  })
  expect(child.stderr).toBe('')
  expect(child.status).toBe(0)
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? 'null')
}

describe('the fast clock', () => {
  it('makes a wait short: Date.now has moved on by all of it, for a named import and for require alike', () => {
    const result = probe(`
      import { createRequire } from 'node:module'
      import { setTimeout as wait } from 'node:timers/promises'
      const start = Date.now()
      await wait(60_000)
      const named = Date.now() - start
      await createRequire(import.meta.url)('node:timers/promises').setTimeout(60_000)
      console.log(JSON.stringify({ named, both: Date.now() - start }))
    `)
    expect(result.named).toBeGreaterThanOrEqual(60_000)
    expect(result.both).toBeGreaterThanOrEqual(120_000)
  })

  it('keeps a loop that sleeps, then reads Date.now again, as short as in real time', () => {
    const result = probe(`
      import { setTimeout as wait } from 'node:timers/promises'
      const due = Date.now() + 30_000
      let waits = 0
      for (let left = due - Date.now(); left > 0; left = due - Date.now()) { await wait(left); waits++ }
      console.log(JSON.stringify({ waits }))
    `)
    expect(result.waits).toBe(1)
  })

  it('runs at real speed until the first wait, then as fast as asked: an aborted wait rejects at once', () => {
    const result = probe(
      `
      import { setTimeout as wait } from 'node:timers/promises'
      const before = Date.now() - (performance.timeOrigin + performance.now())
      const controller = new AbortController()
      const start = Date.now()
      const waiting = wait(60_000, undefined, { signal: controller.signal }).catch((error) => error.name)
      controller.abort()
      const error = await waiting
      const moved = Date.now() - start
      await new Promise((resolve) => setTimeout(resolve, 50))
      console.log(JSON.stringify({ before, error, moved, fast: Date.now() - start }))
    `,
      100
    )
    expect(Math.abs(result.before)).toBeLessThan(1000)
    expect(result.error).toBe('AbortError')
    expect(result.moved).toBeLessThan(60_000)
    // 50 ms of real time after the first wait began: 5 s on a clock 100 times as fast.
    expect(result.fast).toBeGreaterThanOrEqual(5000)
  })

  it('refuses a speed below 1', () => {
    const child = spawnSync(process.execPath, ['--import', `${preload}?speed=0`, '-e', ''], { encoding: 'utf8', timeout: 20_000 })
    expect(child.status).not.toBe(0)
    expect(child.stderr).toContain('?speed= must be a number of at least 1')
  })
})
