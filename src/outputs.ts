// Step outputs and the step summary, both derived from the Report.
import { appendFileSync, closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs'
import { EOL, tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '@actions/core'
import { errorMessage } from './error-message.js'
import { forHtml } from './inert-text.js'
import type { Inputs } from './inputs.js'
import * as log from './log.js'
import { mask, redact } from './mask.js'
import { SHOWN_ROWS, type ChangeRow, type Report } from './report.js'
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

/**
 * Throws unless the step outputs' file can be written, so that create finds out before its POST, not
 * after, that a secret could not be handed on. (GITHUB_STATE was written when the step began.)
 */
export function checkWritable(): void {
  const file = process.env.GITHUB_OUTPUT
  if (!file) return
  try {
    closeSync(openSync(file, 'a'))
  } catch (error) {
    throw new Error(`GITHUB_OUTPUT cannot be written, so nothing was created: ${errorMessage(error)}`)
  }
}

/**
 * A new webhook's secret and id, written the moment they are known, before anything else can fail: a
 * webhook whose secret never reaches the next steps is one nobody can verify. Masked first, before
 * anything else is done with it: a secret that cannot be masked is not written.
 */
export function handOver(webhook: Webhook, secret: string): void {
  mask(secret)
  core.setOutput('secret', secret)
  core.setOutput('id', webhook.id)
}

/** Writes each output on its own, so that one that fails loses no other. Returns what went wrong. */
export function writeOutputs(report: Report, inputs: Inputs): string[] {
  const problems: string[] = []
  const failed: string[] = []
  let firstError: unknown
  for (const [name, value] of stepOutputs(report, inputs, problems)) {
    try {
      core.setOutput(name, value)
    } catch (error) {
      failed.push(name)
      firstError ??= error
    }
  }
  if (failed.length > 0) problems.push(`Could not write the step outputs ${failed.join(', ')}: ${errorMessage(firstError)}`)
  return problems
}

/** The step outputs, but a created webhook's id and secret, which create hands over itself. */
export function stepOutputs(report: Report, inputs: Inputs, problems: string[] = []): Array<[string, string]> {
  switch (report.operation) {
    case 'list':
      return report.listed ? listOutputs(report.listed, problems) : []
    case 'create': {
      const row = report.changes.find((change) => change.change === 'created' || change.change === 'reused')
      return [
        ...(row?.change === 'created'
          ? []
          : ([
              ['id', row?.webhook.id ?? ''],
              ['secret', '']
            ] as Array<[string, string]>)),
        ['created', String(row?.change === 'created')],
        // An answer may echo the secret in a field: the output shows no more of it than the log does.
        [
          'webhook',
          row ? JSON.stringify(row.webhook, (_, value: unknown) => (typeof value === 'string' ? redact(value) : value)) : ''
        ],
        ['deleted-ids', JSON.stringify(deletedIds(report))]
      ]
    }
    case 'delete':
    case 'prune': {
      const ids = deletedIds(report)
      return [
        ...(inputs.operation === 'delete' && 'id' in inputs.target ? [['id', ids[0] ?? ''] as [string, string]] : []),
        ['count', String(ids.length)],
        ['deleted-ids', JSON.stringify(ids)]
      ]
    }
  }
}

/** In a dry run, what would have been deleted: that is what a dry run is asked to show. */
function deletedIds(report: Report): string[] {
  return report.idsOf(report.dryRun ? 'would delete' : 'deleted')
}

function listOutputs(webhooks: Webhook[], problems: string[]): Array<[string, string]> {
  const json = JSON.stringify(webhooks)
  const bytes = Buffer.byteLength(json)
  let file = ''
  try {
    file = writeWebhooksFile(json)
  } catch (error) {
    problems.push(`Could not write webhooks-file: ${errorMessage(error)}`)
  }
  if (bytes > MAX_OUTPUT_BYTES) {
    log.warning(
      `The list is ${bytes} bytes, more than a step output may hold (1 MB): 'webhooks' is empty; read 'webhooks-file' instead`
    )
  }
  return [
    ['count', String(webhooks.length)],
    ['webhooks', bytes > MAX_OUTPUT_BYTES ? '' : json],
    ['webhooks-file', file]
  ]
}

/**
 * A new file readable by this user only, under RUNNER_TEMP (which the runner empties after the job), or
 * without it in a private folder of its own rather than the shared temp folder. 'wx' never overwrites.
 */
function writeWebhooksFile(json: string): string {
  const folder = process.env.RUNNER_TEMP || mkdtempSync(join(tmpdir(), 'revont-webhooks-'))
  const file = join(folder, `revont-webhooks-${process.pid}-${Date.now().toString(36)}.json`)
  writeFileSync(file, json, { flag: 'wx', mode: 0o600 })
  return file
}

/** `title` names what ran: the operation, or the post step's cleanup. */
export function writeSummary(report: Report, title: string = report.operation): void {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const dryRun = report.dryRun ? ' (dry run: nothing was changed)' : ''
  const parts = [`<h3>Revont webhooks: ${title}${dryRun}</h3>`]
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
