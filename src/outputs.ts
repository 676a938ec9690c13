// Step outputs and the step summary, both derived from the Report.
import { appendFileSync, writeFileSync } from 'node:fs'
import { EOL, tmpdir } from 'node:os'
import { join } from 'node:path'
import { forHtml } from './api-text.js'
import type { Inputs } from './inputs.js'
import { SHOWN_ROWS, type ChangeRow, type Report } from './report.js'
import * as runner from './runner.js'
import type { Webhook } from './webhook.js'

/** GitHub refuses step outputs past 1 MB; a larger list goes to webhooks-file only. */
const MAX_OUTPUT_BYTES = 1_000_000
/**
 * Keeps the summary below GitHub's 1 MiB whatever the API sends: a table has at most SHOWN_ROWS rows of
 * 7 cells, and escaping makes a cell of 200 characters at most 1,203 bytes: about 850 KB at the very most.
 */
const SUMMARY_MAX_CELL = 200
/**
 * Failures are listed apart, each with its reason, up to this many bytes: hundreds fit, and with the
 * table's 850 KB the summary stays below 1 MiB.
 */
const SUMMARY_FAILURES_BYTES = 150_000
const SUMMARY_COLUMNS = ['', 'id', 'url', 'events', 'status', 'created', 'description']

export function writeOutputs(report: Report, inputs: Inputs): void {
  const file = process.env.GITHUB_OUTPUT
  // Only a local run has no GITHUB_OUTPUT; then no webhooks-file either, and the step does not fail for it.
  if (!file) return runner.warning('GITHUB_OUTPUT is not set, so the step outputs are not written')
  runner.setOutputs(file, stepOutputs(report, inputs))
}

/** The step outputs, by name; for list, also writes the webhooks-file they point to. */
export function stepOutputs(report: Report, inputs: Inputs): Record<string, string> {
  switch (report.operation) {
    case 'list':
      return report.listed ? listOutputs(report.listed, report.listedJson) : {}
    case 'create': {
      const row = report.changes.find((change) => change.change === 'created' || change.change === 'reused')
      return {
        id: row?.webhook.id ?? '',
        webhook: row ? JSON.stringify(row.webhook) : '',
        created: String(row?.change === 'created'),
        secret: report.secret,
        'deleted-ids': JSON.stringify(deletedIds(report))
      }
    }
    case 'delete':
    case 'prune': {
      const ids = deletedIds(report)
      return {
        ...(inputs.operation === 'delete' && 'id' in inputs.target ? { id: ids[0] ?? '' } : {}),
        count: String(ids.length),
        'deleted-ids': JSON.stringify(ids)
      }
    }
  }
}

/** In a dry run, what would have been deleted: that is what a dry run is asked to show. */
function deletedIds(report: Report): string[] {
  return report.idsOf(report.dryRun ? 'would delete' : 'deleted')
}

function listOutputs(webhooks: Webhook[], json = JSON.stringify(webhooks)): Record<string, string> {
  const data = Buffer.from(json)
  // A name no other step uses; 'wx' never overwrites a file that has it anyway.
  const name = `revont-webhooks-${process.pid}-${Date.now().toString(36)}${runner.randomName()}.json`
  const file = join(process.env.RUNNER_TEMP || tmpdir(), name)
  writeFileSync(file, data, { flag: 'wx' })
  const bytes = data.length
  if (bytes > MAX_OUTPUT_BYTES) {
    runner.warning(
      `The list is ${bytes} bytes, more than a step output may hold (1 MB): 'webhooks' is empty; read 'webhooks-file' instead`
    )
  }
  return { webhooks: bytes > MAX_OUTPUT_BYTES ? '' : json, 'webhooks-file': file, count: String(webhooks.length) }
}

export function writeSummary(report: Report): void {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const dryRun = report.dryRun ? ' (dry run: nothing was changed)' : ''
  const parts = [`<h3>Revont webhooks: ${report.operation}${dryRun}</h3>`]
  if (report.listed) {
    parts.push(`<p>${report.listed.length} webhook${report.listed.length === 1 ? '' : 's'} listed.</p>`)
    parts.push(...table(report.listed.map((webhook) => ({ change: 'listed', webhook }))))
  }
  const changes = report.changes.filter((row) => row.change !== 'failed')
  const failures = report.changes.filter((row) => row.change === 'failed')
  if (changes.length > 0) parts.push(...table(changes))
  else if (report.operation !== 'list' && failures.length === 0) parts.push('<p>Nothing to change.</p>')
  if (failures.length > 0) parts.push(failureList(failures))
  // Written at once: an async write would start libuv's thread pool for this one file.
  appendFileSync(process.env.GITHUB_STEP_SUMMARY, parts.join(EOL) + EOL)
}

/** Each failure with its reason, as far as SUMMARY_FAILURES_BYTES allows. */
function failureList(rows: ChangeRow[]): string {
  let items = ''
  let bytes = 0
  let shown = 0
  for (const { webhook, reason } of rows) {
    const item = `<li><code>${forHtml(webhook.id, SUMMARY_MAX_CELL)}</code> ${forHtml(webhook.url, SUMMARY_MAX_CELL)}: ${forHtml(reason, SUMMARY_MAX_CELL)}</li>`
    bytes += Buffer.byteLength(item)
    if (bytes > SUMMARY_FAILURES_BYTES) break
    items += item
    shown++
  }
  const more = rows.length > shown ? `<p>… and ${rows.length - shown} more, not shown here.</p>` : ''
  return `<p>${rows.length} failed:</p><ul>${items}</ul>${more}`
}

/** The table, and a line that says how many rows it leaves out. */
function table(rows: Array<ChangeRow | { change: 'listed'; webhook: Webhook }>): string[] {
  let html = `<table><tr><th>${SUMMARY_COLUMNS.join('</th><th>')}</th></tr>`
  for (const { change, webhook } of rows.slice(0, SHOWN_ROWS)) {
    const { id, url, events, status, created_at, description } = webhook
    const cells = [change, id, url, events?.join(', '), status, created_at, description]
    html += `<tr><td>${cells.map((value) => forHtml(value, SUMMARY_MAX_CELL)).join('</td><td>')}</td></tr>`
  }
  html += '</table>'
  return rows.length > SHOWN_ROWS ? [html, `<p>… and ${rows.length - SHOWN_ROWS} more, not shown here.</p>`] : [html]
}
