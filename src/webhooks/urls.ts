// Webhook URLs: compared after WHATWG normalisation, matched by prune's patterns, and shown in messages
// without a password.
import { InputError } from '../errors.js'
import type { Webhook } from './webhook.js'

/** A prune pattern, checked and normalised, with its test. */
export interface UrlPattern {
  /** Normalised, as messages show it. */
  text: string
  matches: (webhook: Webhook) => boolean
}

/** WHATWG normalisation; a URL that does not parse is compared as it is. */
export function normalizeUrl(url: string): string {
  try {
    return new URL(url).href
  } catch {
    return url
  }
}

export function hasUrl(webhook: Webhook, normalizedUrl: string): boolean {
  return normalizeUrl(webhook.url) === normalizedUrl
}

/**
 * A webhook URL as the plan and its messages show it. Credentials in its query string are to show as ***
 * (docs/design.md#redaction); every URL plan and apply print passes through here.
 */
export function shownUrl(url: string): string {
  return url
}

/** A URL as an error message may repeat it: all before its last @ hidden, where a password may be. */
export function withoutPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:(?:\/\/)?)?.*@/is, '$1***@')
}

/**
 * A prune pattern, as the contract defines it: in the host, `*` matches within one DNS label, and a host
 * with a `*` must end in at least two whole literal labels after its last `*`, so that a pattern can never
 * reach past one domain into production endpoints (`https://*.com/*` would). Scheme and host are
 * normalised as webhook URLs are (lower case, no default port, a path of at least `/`).
 */
export function parseUrlPattern(pattern: string): UrlPattern {
  const match = /^(https?):\/\/([^/?#]*)(.*)$/is.exec(pattern)
  const scheme = match?.[1].toLowerCase()
  const host = match?.[2].toLowerCase().replace(scheme === 'https' ? /:443$/ : /:80$/, '')
  const name = host?.replace(/:\d{1,5}$/, '') ?? ''
  const lastStar = name.lastIndexOf('*')
  const labelsAfterLastStar = lastStar === -1 ? Infinity : name.slice(lastStar + 1).split('.').length - 1
  if (!match || /[\s\x00-\x1f\x7f]/.test(pattern) || !/^[a-z0-9*_-]+(\.[a-z0-9*_-]+)*$/.test(name) || labelsAfterLastStar < 2) {
    throw new InputError(
      'url',
      'for prune must be an http(s) URL pattern without spaces whose host, if it has a *, ends in at least two whole labels ' +
        `after its last * (e.g. https://pr-*.preview.example.com/*); got '${withoutPassword(pattern)}'`
    )
  }
  const text = `${scheme}://${host}${match[3] || '/'}`
  return { text, matches: urlMatcher(text) }
}

/**
 * The pattern as a test of a webhook's URL. In the host, `*` matches within one DNS label (never `.`, `:`
 * or `/`); after the host, any run of characters. No regular expression: the time taken is linear in the
 * URL's length, whatever the API sends.
 */
function urlMatcher(pattern: string): (webhook: Webhook) => boolean {
  const hostStart = pattern.indexOf('://') + 3
  const pathStart = pattern.indexOf('/', hostStart)
  const scheme = pattern.slice(0, hostStart - 2)
  const hostLabels = pattern.slice(hostStart, pathStart === -1 ? undefined : pathStart).split('.')
  const path = pathStart === -1 ? '' : pattern.slice(pathStart)
  return (webhook) => {
    let url: URL
    try {
      url = new URL(webhook.url)
    } catch {
      return false
    }
    const labels = url.host.split('.')
    return (
      url.protocol === scheme &&
      labels.length === hostLabels.length &&
      hostLabels.every((label, i) => globMatches(label, labels[i], ':')) &&
      globMatches(path, url.pathname + url.search + url.hash)
    )
  }
}

/**
 * Whether `text` matches `glob`, whose `*` stands for any run of characters other than `forbidden`.
 * Each literal piece is matched at its earliest place, which is right for `*`-only globs: one pass.
 */
function globMatches(glob: string, text: string, forbidden?: string): boolean {
  const pieces = glob.split('*')
  const first = pieces[0]
  const last = pieces[pieces.length - 1]
  if (pieces.length === 1) return glob === text
  if (!text.startsWith(first) || !text.endsWith(last) || text.length < first.length + last.length) return false
  let at = first.length
  const end = text.length - last.length
  for (const piece of pieces.slice(1, -1)) {
    const found = text.indexOf(piece, at)
    if (found === -1 || found + piece.length > end || (forbidden && text.slice(at, found).includes(forbidden))) return false
    at = found + piece.length
  }
  return !forbidden || !text.slice(at, end).includes(forbidden)
}
