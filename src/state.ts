// What the main step hands on to its post step: core.saveState writes it to GITHUB_STATE, and the runner
// gives the post step each entry as STATE_<name>. Read back as hostile as any input.
import * as core from '@actions/core'
import { errorMessage } from './errors.js'
import * as log from './text/log.js'
import type { NewWebhook } from './webhooks/webhook.js'

/** What cleanup: true needs to find what the POST made: the webhook asked for and the ids that had its url. */
export interface CleanupPlan extends NewWebhook {
  existingIds: string[]
}

export interface Cleanup {
  plan: CleanupPlan
  /** Saved once the POST was answered; without it the POST was cut short. */
  createdId?: string
  /** An earlier answer to the POST was lost: a webhook it made may have appeared after the sweep. */
  lostAnswer: boolean
}

export function saveCleanupPlan(plan: CleanupPlan): void {
  core.saveState('cleanup', JSON.stringify(plan))
}

/** The POST was never sent after all. Should this fail, the post step only looks, and finds nothing. */
export function withdrawCleanupPlan(): void {
  try {
    core.saveState('cleanup', '')
  } catch {
    // As said.
  }
}

/** After the 201. Without it the post step still finds the webhook by the orphan rule: a warning will do. */
export function saveCreatedId(id: string, lostAnswer: boolean): void {
  try {
    if (lostAnswer) core.saveState('lostAnswer', 'true')
    core.saveState('createdId', id)
  } catch (error) {
    log.warning(
      `Could not save webhook ${id}'s id for the post step (${errorMessage(error)}): it will look for the webhook by its url, description and events`
    )
  }
}

/** What the post step is to clean up; undefined when the main step sent no POST with cleanup: true. */
export function readCleanup(): Cleanup | undefined {
  const saved = core.getState('cleanup')
  if (!saved) return undefined
  let plan: Partial<Record<keyof CleanupPlan, unknown>> | undefined
  try {
    plan = JSON.parse(saved) as typeof plan
  } catch {
    // Reported below.
  }
  const { url, events, description, existingIds } = plan ?? {}
  if (!isText(url) || !isText(description) || !isTextArray(events) || !isTextArray(existingIds)) {
    throw new Error('the state the main step saved for the post step cannot be read')
  }
  const createdId = core.getState('createdId')
  const lostAnswer = core.getState('lostAnswer') === 'true'
  return { plan: { url, events, description, existingIds }, createdId: createdId || undefined, lostAnswer }
}

function isText(value: unknown): value is string {
  return typeof value === 'string'
}

function isTextArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(isText)
}
