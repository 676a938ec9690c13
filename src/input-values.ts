// The values of single inputs, checked: URLs, header-safe text, event types, paths inside the workspace.
// Each error names its input. inputs.ts reads the inputs and puts them together.
import { isAbsolute, relative, sep } from 'node:path'
import { InputError } from './errors.js'
import { shownUrl } from './webhooks/urls.js'

/** Anything else cannot go into an Authorization header. */
export function headerSafe(name: string, value: string): string {
  if (!/^[\x21-\x7e]+$/.test(value)) throw new InputError(name, 'must be printable ASCII without spaces or control characters')
  return value
}

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/

/** Returns the base URL without a trailing slash, so paths can be appended. */
export function parseApiUrl(value: string, names: string[]): string {
  const url = parseUrl('api-url', value, names)
  const loopback = LOOPBACK_HOST.test(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new InputError(
      'api-url',
      `must be an https:// URL (plain http:// only to localhost, 127.0.0.0/8 or [::1]); got '${shownUrl(value, names)}'`
    )
  }
  if (url.username || url.password) throw new InputError('api-url', 'must not contain a user name or password')
  if (url.search || url.hash || value.includes('?') || value.includes('#')) {
    throw new InputError('api-url', 'must not contain a query (?) or fragment (#)')
  }
  return url.href.replace(/\/+$/, '')
}

function parseUrl(name: string, value: string, names: string[]): URL {
  try {
    return new URL(value)
  } catch {
    throw new InputError(name, `must be an absolute URL; got '${shownUrl(value, names)}'`)
  }
}

/** Webhook URLs are compared after WHATWG normalisation, so they are stored normalised. */
export function parseWebhookUrl(value: string, httpsOnly: boolean, names: string[]): string {
  const url = parseUrl('url', value, names)
  if (httpsOnly && url.protocol !== 'https:') {
    throw new InputError('url', `must be a valid https:// URL (Revont delivers only over HTTPS); got '${shownUrl(value, names)}'`)
  }
  return url.href
}

/** Whether `path` is `folder` or below it. */
export function isInside(folder: string, path: string): boolean {
  const rest = relative(folder, path)
  return !isAbsolute(rest) && rest.split(sep)[0] !== '..'
}

/** Comma- or newline-separated, or a JSON array; trimmed, blanks and duplicates dropped, order kept. */
export function parseEvents(value: string): string[] {
  let entries: unknown[]
  if (value.startsWith('[')) {
    try {
      entries = JSON.parse(value) as unknown[]
    } catch {
      throw new InputError('events', 'starts with [ but is not a valid JSON array')
    }
    if (!Array.isArray(entries) || entries.some((entry) => typeof entry !== 'string')) {
      throw new InputError('events', 'must be a JSON array of strings')
    }
  } else {
    entries = value.split(/[,\n]/)
  }
  const events = cleanEvents(entries as string[])
  if (events.length === 0) {
    throw new InputError('events', 'is required for create: at least one event type, e.g. call.ended, summary.ready')
  }
  const bad = badEvent(events)
  // `events: |` followed by `- call.ended` lines: the input is text, and the dashes come with it.
  if (bad !== undefined && /^-\s/.test(bad)) {
    throw new InputError(
      'events',
      `is written as a YAML list ('${bad}'), which reaches the action as text with the dashes: ` +
        'separate the event types with commas or newlines instead (call.ended, summary.ready), or write a JSON array'
    )
  }
  if (bad !== undefined) throw new InputError('events', `has an entry with spaces or control characters: '${bad}'`)
  return events
}

/** Event types as the events input takes them: trimmed, blanks and duplicates dropped, order kept. */
export function cleanEvents(entries: string[]): string[] {
  return [...new Set(entries.map((entry) => entry.trim()).filter(Boolean))]
}

/** The first entry that cannot be an event type: one with spaces or control characters. */
export function badEvent(events: string[]): string | undefined {
  return events.find((event) => /[\s\x00-\x1f\x7f]/.test(event))
}
