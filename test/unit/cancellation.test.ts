// The cancel signals in-process, as the runner sends them: SIGBREAK (Windows' CTRL_BREAK) cannot be sent
// to a process on Linux, so it is emitted here the way Node emits a signal it received (with its name).
import { beforeEach, describe, expect, it, vi } from 'vitest'

type Cancellation = typeof import('../../src/cancellation.js')
let cancellation: Cancellation

beforeEach(async () => {
  // Each test its own module: a fresh gate.
  vi.resetModules()
  cancellation = await import('../../src/cancellation.js')
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
  return () => {
    vi.restoreAllMocks()
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGBREAK'] as const) process.removeAllListeners(signal)
  }
})

/** The promise's outcome now (its error's message when it rejected), or 'pending'. */
async function settled(promise: Promise<unknown>): Promise<unknown> {
  try {
    return await Promise.race([promise, Promise.resolve('pending')])
  } catch (error) {
    return error instanceof Error ? error.message : error
  }
}

describe('cancel signals', () => {
  it('SIGBREAK as the second signal stops the main step waiting, as SIGTERM does', async () => {
    const abandoned = cancellation.handleCancellation()
    process.emit('SIGINT', 'SIGINT')
    expect(await settled(abandoned)).toBe('pending')
    expect(() => cancellation.throwIfCancelled('GET /webhooks')).toThrow('Cancelled (SIGINT): GET /webhooks was not sent')
    process.emit('SIGBREAK', 'SIGBREAK')
    expect(await settled(abandoned)).toBe(
      'Cancelled (SIGINT, then SIGBREAK): stopped waiting for a request in flight, whose outcome is unknown'
    )
  })

  it('SIGBREAK first closes the gate, and reaches the post step', () => {
    const heard: Array<[string, boolean]> = []
    cancellation.onCancelSignal((signal, first) => heard.push([signal, first]))
    process.emit('SIGBREAK', 'SIGBREAK')
    process.emit('SIGTERM', 'SIGTERM')
    expect(heard).toEqual([
      ['SIGBREAK', true],
      ['SIGTERM', false]
    ])
    expect(() => cancellation.throwIfCancelled('DELETE /webhooks/wh_1')).toThrow(
      'Cancelled (SIGBREAK): DELETE /webhooks/wh_1 was not sent'
    )
  })
})
