// Webhooks and inputs the end-to-end tests start from.
import { expect } from 'vitest'
import type { RevontServer, StepDefaults } from './harness.js'

/** The steps of the fault tests: bounded attempts, waits on the fast clock, nothing on stderr. */
export const FAULT_STEPS: StepDefaults = {
  inputs: { 'timeout-seconds': '5' },
  clock: 100,
  timeoutMs: 20_000,
  check: (result) => expect(result.stderr).toBe('')
}

export const URL_A = 'https://preview-7.example.com/hooks/revont'
export const URL_OTHER = 'https://hooks.example.com/revont'

/** One webhook with URL_A and one with another URL, both there before the step. */
export function seedBoth(server: RevontServer) {
  return server.seed([
    { id: 'wh_before_same_url', url: URL_A, events: ['call.ended'] },
    { id: 'wh_before_other', url: URL_OTHER, events: ['call.ended'] }
  ])
}

export function createInputs(extra: Record<string, string> = {}) {
  return { operation: 'create', url: URL_A, events: 'call.ended', description: 'fault test', ...extra }
}

export function webhooksWith(server: RevontServer, url: string) {
  return [...server.webhooks.values()].filter((webhook) => webhook.url === url)
}

/** The ids of the server's webhooks, sorted. */
export function ids(server: RevontServer): string[] {
  return [...server.webhooks.keys()].sort()
}

/** A preview deploy's endpoint and a production one, for the lifecycle tests (create, list, delete, prune). */
export const preview = 'https://pr-7.preview.example.com/hooks/revont'
export const production = 'https://hooks.example.com/revont'

export function seedPreviewAndProduction(server: RevontServer) {
  return server.seed([
    { id: 'wh_prod', url: production, events: ['call.ended'] },
    { id: 'wh_old', url: preview, events: ['summary.ready', 'call.ended'] }
  ])
}

/** `count` webhooks of pull-request previews, wh_0 ... at https://pr-0.preview.example.com/hooks ... */
export function seedPreviews(server: RevontServer, count: number) {
  server.seed(
    Array.from({ length: count }, (_, i) => ({
      id: `wh_${i}`,
      url: `https://pr-${i}.preview.example.com/hooks`,
      events: ['call.ended']
    }))
  )
}
