// What an operation listed and changed, logged as it happens. outputs.ts turns it into step outputs
// and the step summary, also when the operation fails half-way, so nothing done is lost.
import type { ResolvedOperation } from '../inputs.js'
import type { Plan } from '../operations/plan.js'
import * as log from '../text/log.js'
import { shownUrl } from '../webhooks/urls.js'
import type { Webhook } from '../webhooks/webhook.js'

type Change = 'created' | 'reused' | 'deleted' | 'already gone' | 'would create' | 'would delete' | 'kept' | 'failed'

export interface ChangeRow {
  change: Change
  /** A webhook deleted by id alone is known only by its id. */
  webhook: Partial<Webhook>
  /** Why it failed, for a 'failed' row; why it was kept, for a 'kept' one. */
  reason?: string
}

/** How many webhooks the log lists, and the summary's tables show: the rest are counted. */
export const SHOWN_ROWS = 100

export class Report {
  listed: Webhook[] | undefined
  readonly changes: ChangeRow[] = []
  /** plan and apply: what the manifest asks for. */
  plan: Plan | undefined
  /** apply: how many of the plan's create, replace and delete entries were carried out. */
  carriedOut = 0

  constructor(
    readonly operation: ResolvedOperation,
    readonly dryRun: boolean
  ) {}

  list(webhooks: Webhook[]): void {
    this.listed = webhooks
    const lines = [`Listed ${webhooks.length} webhook${webhooks.length === 1 ? '' : 's'}`]
    for (const webhook of webhooks.slice(0, SHOWN_ROWS)) lines.push(`- ${describe(webhook)}`)
    if (webhooks.length > SHOWN_ROWS) lines.push(`… and ${webhooks.length - SHOWN_ROWS} more: see the webhooks-file output`)
    log.info(...lines)
  }

  showPlan(plan: Plan, file: string): void {
    this.plan = plan
    const counts = planCounts(plan)
    const lines = [
      `Plan for ${plan.owner} from ${file}: ${counts}; ${plan.unmanaged} unmanaged webhook${plan.unmanaged === 1 ? ' is' : 's are'} not touched`
    ]
    for (const { key, action, id, url, events } of plan.entries.slice(0, SHOWN_ROWS)) {
      const secret = action === 'create' || action === 'replace' ? ' (new secret)' : ''
      lines.push(`- ${action} ${key}${id === undefined ? '' : ` ${id}`} ${url} [${events.join(', ')}]${secret}`)
    }
    if (plan.entries.length > SHOWN_ROWS) lines.push(`… and ${plan.entries.length - SHOWN_ROWS} more: see the plan output`)
    log.info(...lines)
  }

  record(change: Change, webhook: ChangeRow['webhook'], reason?: string): void {
    this.changes.push(reason === undefined ? { change, webhook } : { change, webhook, reason })
    const verb = change.charAt(0).toUpperCase() + change.slice(1)
    const why = reason === undefined ? '' : `: ${reason}`
    log.info(`${verb}: ${describe(webhook)}${why}${this.dryRun && change.startsWith('would') ? ' (dry run)' : ''}`)
  }

  idsOf(change: Change): string[] {
    return this.changes.filter((row) => row.change === change).flatMap((row) => row.webhook.id ?? [])
  }
}

function describe(webhook: ChangeRow['webhook']): string {
  const parts = [webhook.id ?? '(no id)', shownUrl(webhook.url ?? '')]
  if (webhook.events?.length) parts.push(`[${webhook.events.join(', ')}]`)
  if (webhook.status) parts.push(webhook.status)
  if (webhook.description) parts.push(JSON.stringify(webhook.description))
  return parts.filter(Boolean).join(' ')
}

/** `1 to create, 0 to replace, …`: how many entries of each action the plan holds. */
export function planCounts(plan: Plan): string {
  const count = (action: string) => plan.entries.filter((entry) => entry.action === action).length
  return `${count('create')} to create, ${count('replace')} to replace, ${count('delete')} to delete, ${count('unchanged')} unchanged, ${count('unlisted')} unlisted (kept)`
}
