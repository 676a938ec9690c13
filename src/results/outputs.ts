// The step outputs, derived from the Report, and the webhooks file a long list goes to.
import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '@actions/core'
import { errorMessage } from '../errors.js'
import type { Inputs } from '../inputs.js'
import { plannedChanges, type Plan } from '../operations/plan.js'
import * as log from '../text/log.js'
import { mask, redact } from '../text/secrets.js'
import { normalizeUrl } from '../webhooks/urls.js'
import type { Webhook } from '../webhooks/webhook.js'
import type { Report } from './report.js'

/** GitHub refuses step outputs past 1 MB; a larger list goes to webhooks-file only. */
const MAX_OUTPUT_BYTES = 1_000_000

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
export function writeSecretOutputs(webhook: Webhook, secret: string): void {
  mask(secret)
  core.setOutput('secret', secret)
  core.setOutput('id', webhook.id)
}

/**
 * apply's `secrets`: every secret issued so far, by key, written again the moment another is read. The new
 * one is masked first, also as the JSON text holds it, which differs when it has a quote or backslash, and
 * joins the others only then: a secret that cannot be masked is never written, not even with the next one.
 */
export function writeSecretsOutput(secrets: Record<string, string>, key: string, newSecret: string): void {
  mask(newSecret)
  const escaped = JSON.stringify(newSecret).slice(1, -1)
  if (escaped !== newSecret) mask(escaped)
  secrets[key] = newSecret
  core.setOutput('secrets', JSON.stringify(secrets))
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
  const resolved: Array<[string, string]> = inputs.auto ? [['resolved-operation', report.operation]] : []
  return [...resolved, ...operationOutputs(report, inputs, problems)]
}

function operationOutputs(report: Report, inputs: Inputs, problems: string[]): Array<[string, string]> {
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
        ['webhook', row ? webhookJson(row.webhook, inputs.operation === 'create' ? inputs.url : '') : ''],
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
    case 'plan':
    case 'apply':
      return planOutputs(report)
    case 'none':
      return []
  }
}

/**
 * An answer may echo the secret in a field: the output shows no more of it than the log does. But the url
 * asked for is the user's own, credentials included, and given back whole.
 */
function webhookJson(webhook: Partial<Webhook>, askedUrl: string): string {
  return JSON.stringify(webhook, (key, value: unknown) =>
    typeof value !== 'string' || (key === 'url' && normalizeUrl(value) === askedUrl) ? value : redact(value)
  )
}

function redactStrings(_: string, value: unknown): unknown {
  return typeof value === 'string' ? redact(value) : value
}

/** plan and apply: the plan and how many changes it holds (apply: carried out); apply's deleted ids and secrets. */
function planOutputs(report: Report): Array<[string, string]> {
  const { plan } = report
  const outputs: Array<[string, string]> = []
  if (plan) {
    const json = JSON.stringify(plan.entries, redactStrings)
    const carriedOut = report.operation === 'apply' && !report.dryRun
    outputs.push(
      ['plan', withinOutputLimit('plan', json, Buffer.byteLength(json), 'see the log')],
      ['changes', String(carriedOut ? report.carriedOut : plannedChanges(plan))]
    )
  }
  if (report.operation !== 'apply') return outputs
  outputs.push(['deleted-ids', JSON.stringify(report.dryRun ? plannedDeletes(plan) : deletedIds(report))])
  // Each secret was handed over as it was read (apply.ts); with none, the output still says so.
  if (report.idsOf('created').length === 0) outputs.push(['secrets', '{}'])
  return outputs
}

/** The JSON, or empty with a warning when it is more than a step output may hold. */
function withinOutputLimit(name: string, json: string, bytes: number, instead: string): string {
  if (bytes <= MAX_OUTPUT_BYTES) return json
  log.warning(`'${name}' would be ${bytes} bytes, more than a step output may hold (1 MB): it is empty; ${instead}`)
  return ''
}

/** What an apply would delete: the webhooks replaced and the delete entries. */
function plannedDeletes(plan: Plan | undefined): string[] {
  return [
    ...(plan?.creates ?? []).flatMap(({ replaces }) => replaces?.id ?? []),
    ...(plan?.deletes ?? []).map(({ webhook }) => webhook.id)
  ]
}

/** In a dry run, what would have been deleted: that is what a dry run is asked to show. */
function deletedIds(report: Report): string[] {
  return report.idsOf(report.dryRun ? 'would delete' : 'deleted')
}

function listOutputs(webhooks: Webhook[], problems: string[]): Array<[string, string]> {
  const json = JSON.stringify(webhooks)
  // Encoded once, for the file and for its size.
  const encoded = Buffer.from(json)
  const bytes = encoded.length
  let file = ''
  try {
    file = writeWebhooksFile(encoded)
  } catch (error) {
    problems.push(`Could not write webhooks-file: ${errorMessage(error)}`)
  }
  return [
    ['count', String(webhooks.length)],
    ['webhooks', withinOutputLimit('webhooks', json, bytes, "read 'webhooks-file' instead")],
    ['webhooks-file', file]
  ]
}

/**
 * A new file readable by this user only, under RUNNER_TEMP (which the runner empties after the job), or
 * without it in a private folder of its own rather than the shared temp folder. 'wx' never overwrites.
 */
function writeWebhooksFile(json: Buffer): string {
  const folder = process.env.RUNNER_TEMP || mkdtempSync(join(tmpdir(), 'revont-webhooks-'))
  const file = join(folder, `revont-webhooks-${process.pid}-${Date.now().toString(36)}.json`)
  writeFileSync(file, json, { flag: 'wx', mode: 0o600 })
  return file
}
