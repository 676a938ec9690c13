// Step outputs and the step summary, both derived from the Report.
import { randomUUID } from 'node:crypto'
import { appendFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '@actions/core'
import { forHtml } from './api-text.js'
import type { Inputs } from './inputs.js'
import type { ChangeRow, Report } from './report.js'
import type { Webhook } from './webhook.js'

/** GitHub refuses step outputs past 1 MB; a larger list goes to webhooks-file only. */
const MAX_OUTPUT_BYTES = 1_000_000
/** Keep the summary far below GitHub's 1 MiB limit whatever the workspace holds. */
const SUMMARY_MAX_ROWS = 500
const SUMMARY_MAX_TABLE_BYTES = 512 * 1024
const SUMMARY_MAX_CELL = 200

export function writeOutputs(report: Report, inputs: Inputs): void {
  switch (report.operation) {
    case 'list':
      if (report.listed) writeList(report.listed)
      return
    case 'create': {
      const row = report.changes.find((change) => change.change === 'created' || change.change === 'reused')
      core.setOutput('id', row?.webhook.id ?? '')
      core.setOutput('webhook', row ? JSON.stringify(row.webhook) : '')
      core.setOutput('created', String(row?.change === 'created'))
      core.setOutput('secret', report.secret)
      core.setOutput('deleted-ids', JSON.stringify(deletedIds(report)))
      return
    }
    case 'delete':
    case 'prune': {
      const ids = deletedIds(report)
      if (inputs.operation === 'delete' && 'id' in inputs.target) core.setOutput('id', ids[0] ?? '')
      core.setOutput('count', String(ids.length))
      core.setOutput('deleted-ids', JSON.stringify(ids))
    }
  }
}

/** In a dry run, what would have been deleted: that is what a dry run is asked to show. */
function deletedIds(report: Report): string[] {
  return report.idsOf(report.dryRun ? 'would delete' : 'deleted')
}

function writeList(webhooks: Webhook[]): void {
  const json = JSON.stringify(webhooks)
  const file = join(process.env.RUNNER_TEMP || tmpdir(), `revont-webhooks-${randomUUID()}.json`)
  writeFileSync(file, json)
  const bytes = Buffer.byteLength(json)
  if (bytes > MAX_OUTPUT_BYTES) {
    core.warning(
      `The list is ${bytes} bytes, more than a step output may hold (1 MB): 'webhooks' is empty; read 'webhooks-file' instead`
    )
    core.setOutput('webhooks', '')
  } else {
    core.setOutput('webhooks', json)
  }
  core.setOutput('webhooks-file', file)
  core.setOutput('count', String(webhooks.length))
}

export function writeSummary(report: Report): void {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const dryRun = report.dryRun ? ' (dry run: nothing was changed)' : ''
  const summary = core.summary.addHeading(`Revont webhooks: ${report.operation}${dryRun}`, 3)
  if (report.listed) {
    summary.addRaw(`<p>${report.listed.length} webhook${report.listed.length === 1 ? '' : 's'} listed.</p>`, true)
    addTable(report.listed.map((webhook) => ({ change: 'listed', webhook })))
  }
  if (report.changes.length > 0) addTable(report.changes)
  else if (report.operation !== 'list') summary.addRaw('<p>Nothing to change.</p>', true)
  // Written at once: an async write would start libuv's thread pool for this one file.
  appendFileSync(process.env.GITHUB_STEP_SUMMARY, summary.stringify())
  summary.emptyBuffer()
}

function addTable(rows: Array<ChangeRow | { change: 'listed'; webhook: Webhook }>): void {
  const body: string[][] = []
  let bytes = 0
  for (const { change, webhook } of rows) {
    const { id, url, events, status, created_at, description } = webhook
    const cells = [change, id, url, events?.join(', '), status, created_at, description].map((value) =>
      forHtml(value, SUMMARY_MAX_CELL)
    )
    // Escaping can make a cell five times longer, so the bound is on what is written.
    bytes += cells.reduce((sum, text) => sum + Buffer.byteLength(text) + '<td></td>'.length, 0)
    if (body.length === SUMMARY_MAX_ROWS || bytes > SUMMARY_MAX_TABLE_BYTES) break
    body.push(cells)
  }
  const header = ['', 'id', 'url', 'events', 'status', 'created', 'description'].map((data) => ({ data, header: true }))
  core.summary.addTable([header, ...body])
  if (rows.length > body.length) {
    core.summary.addRaw(`<p>… and ${rows.length - body.length} more, not shown here.</p>`, true)
  }
}
