// The step summary: what was listed or changed, never a secret, and under GitHub's 1 MiB however many
// webhooks there are.
import { appendFileSync } from 'node:fs'
import { EOL } from 'node:os'
import type { Action, Plan } from '../operations/plan.js'
import { safeHtml } from '../text/safe-text.js'
import { shownUrl } from '../webhooks/urls.js'
import type { Webhook } from '../webhooks/webhook.js'
import { planCounts, SHOWN_ROWS, type ChangeRow, type Report } from './report.js'

/** Cells are cut to this before they are escaped, so that a table's worst case is known (docs/design.md#summary-size). */
const SUMMARY_MAX_CELL = 200
/** Failures are listed apart, each with its reason, up to this many bytes; with the table's worst case, under 1 MiB. */
const SUMMARY_FAILURES_BYTES = 150_000
const SUMMARY_COLUMNS = ['', 'id', 'url', 'events', 'status', 'created', 'description']

/** `title` names what ran: the operation, or the post step's cleanup. */
export function writeSummary(report: Report, title: string = report.operation): void {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const dryRun = report.dryRun ? ' (dry run: nothing was changed)' : ''
  const parts = [`<h3>Revont webhooks: ${title}${dryRun}</h3>`]
  if (report.listed) {
    parts.push(`<p>${report.listed.length} webhook${report.listed.length === 1 ? '' : 's'} listed.</p>`)
    const shown = report.listed.slice(0, SHOWN_ROWS).map((webhook) => ({ change: 'listed' as const, webhook }))
    parts.push(...table(shown, report.listed.length))
  }
  const changes = report.changes.filter((row) => row.change !== 'failed')
  const failures = report.changes.filter((row) => row.change === 'failed')
  // The plan's table says what apply changed: a table of the changes as well could pass the size limit.
  if (report.plan) parts.push(...planTable(report))
  else if (changes.length > 0) parts.push(...table(changes))
  else if (report.operation !== 'list' && failures.length === 0) parts.push('<p>Nothing to change.</p>')
  if (failures.length > 0) parts.push(failureList(failures))
  // Written at once: an async write would start libuv's thread pool for this one file.
  appendFileSync(process.env.GITHUB_STEP_SUMMARY, parts.join(EOL) + EOL)
}

const PLAN_COLUMNS = ['key', 'action', 'id', 'url', 'events', '']
/** The plan's rows in this order: what changes first. */
const ACTION_ORDER: Action[] = ['create', 'replace', 'delete', 'unlisted', 'unchanged']

/**
 * The plan as a table that reads the same pasted into a pull request comment: the changes first, then
 * the unlisted and the unchanged, with a count of the unmanaged webhooks left alone.
 */
function planTable(report: Report): string[] {
  const plan = report.plan as Plan
  const done = report.operation === 'apply' && !report.dryRun ? ` Carried out: ${report.carriedOut}.` : ''
  const parts = [
    `<p>Owner <code>${safeHtml(plan.owner, SUMMARY_MAX_CELL)}</code>: ${planCounts(plan)}.${done} ` +
      `${plan.unmanaged} unmanaged webhook${plan.unmanaged === 1 ? ' is' : 's are'} not touched.</p>`
  ]
  const entries = [...plan.entries].sort((a, b) => ACTION_ORDER.indexOf(a.action) - ACTION_ORDER.indexOf(b.action))
  if (entries.length === 0) return [...parts, '<p>The manifest lists no endpoints, and this owner manages no webhooks.</p>']
  let html = `<table><tr><th>${PLAN_COLUMNS.join('</th><th>')}</th></tr>`
  for (const { key, action, id, url, events } of entries.slice(0, SHOWN_ROWS)) {
    const note =
      action === 'create' || action === 'replace' ? 'new secret' : action === 'unlisted' ? 'kept: not in the manifest' : ''
    html += `<tr><td>${[key, action, id, url, events.join(', '), note].map((value) => safeHtml(value, SUMMARY_MAX_CELL)).join('</td><td>')}</td></tr>`
  }
  parts.push(html + '</table>')
  if (entries.length > SHOWN_ROWS) parts.push(`<p>… and ${entries.length - SHOWN_ROWS} more: see the plan output.</p>`)
  return parts
}

/** Each failure with its reason, as far as SUMMARY_FAILURES_BYTES allows. */
function failureList(rows: ChangeRow[]): string {
  let items = ''
  let bytes = 0
  let listed = 0
  for (const { webhook, reason } of rows) {
    const item = `<li><code>${safeHtml(webhook.id, SUMMARY_MAX_CELL)}</code> ${safeHtml(shownUrl(webhook.url ?? ''), SUMMARY_MAX_CELL)}: ${safeHtml(reason, SUMMARY_MAX_CELL)}</li>`
    bytes += Buffer.byteLength(item)
    if (bytes > SUMMARY_FAILURES_BYTES) break
    items += item
    listed++
  }
  const more = rows.length > listed ? `<p>… and ${rows.length - listed} more, not shown here.</p>` : ''
  return `<p>${rows.length} failed:</p><ul>${items}</ul>${more}`
}

/** The table, and a line that says how many of the `total` rows it leaves out. */
function table(rows: Array<ChangeRow | { change: 'listed'; webhook: Webhook }>, total = rows.length): string[] {
  let html = `<table><tr><th>${SUMMARY_COLUMNS.join('</th><th>')}</th></tr>`
  for (const row of rows.slice(0, SHOWN_ROWS)) {
    const { id, url, events, status, created_at, description } = row.webhook
    // A kept row says why it was kept.
    const change = 'reason' in row && row.reason !== undefined ? `${row.change}: ${row.reason}` : row.change
    const cells = [change, id, shownUrl(url ?? ''), events?.join(', '), status, created_at, description]
    html += `<tr><td>${cells.map((value) => safeHtml(value, SUMMARY_MAX_CELL)).join('</td><td>')}</td></tr>`
  }
  html += '</table>'
  return total > SHOWN_ROWS ? [html, `<p>… and ${total - SHOWN_ROWS} more, not shown here.</p>`] : [html]
}
