// Webhook URLs: compared after WHATWG normalisation, matched by prune's patterns, and shown in messages
// without a password or a credential. A query parameter named in secret-query-params carries a credential
// (docs/design.md#credentials-in-urls): finding an endpoint leaves it out, being the same configuration
// keeps it, and a URL is never shown with its value.
import { InputError } from '../errors.js'
import type { Webhook } from './webhook.js'

export const DEFAULT_SECRET_QUERY_PARAMS = ['x-vercel-protection-bypass']

/** Lower-case names of the query parameters whose values are credentials. */
type SecretNames = readonly string[]

/** The run's names, from secret-query-params; main and post set them before they print any URL. */
let secretNames: SecretNames = DEFAULT_SECRET_QUERY_PARAMS

export function useSecretQueryParams(names: SecretNames): void {
  secretNames = names
}

/** A prune pattern, checked and normalised, with its test. */
export interface UrlPattern {
  /** Normalised, without credential parameters, as messages show it. */
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

/** Being the same configuration: the whole normalised URL, credentials included. */
export function hasUrl(webhook: Webhook, normalizedUrl: string): boolean {
  return normalizeUrl(webhook.url) === normalizedUrl
}

/**
 * Finding an endpoint: the normalised URL without its credential parameters, so that an endpoint is
 * still found after its credential was rotated. Every other parameter keeps its text and its place.
 */
export function findKey(url: string, names: SecretNames = secretNames): string {
  return withoutCredentials(normalizeUrl(url), names)
}

/** The text without its credential parameters, and without a `?` that would be left with nothing after it. */
function withoutCredentials(url: string, names: SecretNames): string {
  const { head, pieces, tail } = splitQuery(url)
  const kept = pieces.filter((piece) => !isCredential(piece, names))
  if (kept.length === pieces.length) return url
  const query = kept.join('&')
  return `${query ? head : head.slice(0, -1)}${query}${tail}`
}

/**
 * A URL as the action prints it: each credential parameter's value as ***, and a user name and password
 * as ***@. The rest is left as it is, to be made safe where it is printed.
 */
export function shownUrl(url: string, names: SecretNames = secretNames): string {
  const { head, pieces, tail } = splitQuery(url)
  const shown = pieces.map((piece) => (isCredential(piece, names) && valueOf(piece) ? `${nameOf(piece)}=***` : piece))
  return withoutUserinfo(`${head}${shown.join('&')}${tail}`)
}

/**
 * The values of the credential parameters in a URL, in each form the action or a later step may print:
 * as written, and percent-decoded. A blank value is no credential.
 */
export function credentialsIn(url: string, names: SecretNames = secretNames): string[] {
  const values = splitQuery(url)
    .pieces.filter((piece) => isCredential(piece, names) && decoded(piece)[1].trim())
    .flatMap((piece) => [valueOf(piece), decoded(piece)[1]])
  return [...new Set(values)]
}

/** `head` ends with the query's `?` (when there is one), `tail` is the fragment: the URL is all three. */
function splitQuery(url: string): { head: string; pieces: string[]; tail: string } {
  const hash = url.indexOf('#')
  const question = url.indexOf('?')
  if (question === -1 || (hash !== -1 && hash < question)) return { head: url, pieces: [], tail: '' }
  const end = hash === -1 ? url.length : hash
  return { head: url.slice(0, question + 1), pieces: url.slice(question + 1, end).split('&'), tail: url.slice(end) }
}

function nameOf(piece: string): string {
  const equals = piece.indexOf('=')
  return equals === -1 ? piece : piece.slice(0, equals)
}

function valueOf(piece: string): string {
  const equals = piece.indexOf('=')
  return equals === -1 ? '' : piece.slice(equals + 1)
}

/**
 * Name and value as a server reads them (application/x-www-form-urlencoded: `+` is a space, % escapes
 * decoded). The URL parser drops tabs and line ends before that, so they are dropped here too.
 */
function decoded(piece: string): [string, string] {
  // After '&', a leading '?' is part of the name, as it is within a query.
  const [entry] = new URLSearchParams(`&${piece.replace(/[\t\n\r]/g, '')}`)
  return entry ?? ['', '']
}

function isCredential(piece: string, names: SecretNames): boolean {
  return names.includes(decoded(piece)[0].toLowerCase())
}

/**
 * Where a URL parses, its user name and password (all of the authority before its last @); where it does
 * not, or the parser reads a user where this pattern finds none, all before its last @.
 */
function withoutUserinfo(url: string): string {
  let parsed: URL | undefined
  try {
    parsed = new URL(url)
  } catch {
    // Checked below, without the parser.
  }
  if (parsed && !parsed.username && !parsed.password) return url
  const exact = parsed ? url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#\\]*@/i, '$1***@') : url
  return exact !== url ? exact : url.replace(/^([a-z][a-z0-9+.-]*:(?:\/\/)?)?.*@/is, '$1***@')
}

/**
 * A prune pattern, as the contract defines it: in the host, `*` matches within one DNS label, and a host
 * with a `*` must end in at least two whole literal labels after its last `*`, so that a pattern can never
 * reach past one domain into production endpoints (`https://*.com/*` would). Scheme and host are
 * normalised as webhook URLs are (lower case, no default port, a path of at least `/`). Credential
 * parameters are left out of the pattern and of the URLs it is matched against, as in findKey.
 */
export function parseUrlPattern(pattern: string, names: SecretNames = secretNames): UrlPattern {
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
        `after its last * (e.g. https://pr-*.preview.example.com/*); got '${shownUrl(pattern, names)}'`
    )
  }
  const text = `${scheme}://${host}${withoutCredentials(match[3], names) || '/'}`
  return { text, matches: urlMatcher(text, names) }
}

/**
 * The pattern as a test of a webhook's URL. In the host, `*` matches within one DNS label (never `.`, `:`
 * or `/`); after the host, any run of characters. No regular expression: the time taken is linear in the
 * URL's length, whatever the API sends.
 */
function urlMatcher(pattern: string, names: SecretNames): (webhook: Webhook) => boolean {
  const hostStart = pattern.indexOf('://') + 3
  const pathStart = pattern.indexOf('/', hostStart)
  const scheme = pattern.slice(0, hostStart - 2)
  const hostLabels = pattern.slice(hostStart, pathStart === -1 ? undefined : pathStart).split('.')
  const path = pathStart === -1 ? '' : pattern.slice(pathStart)
  return (webhook) => {
    let url: URL
    try {
      url = new URL(findKey(webhook.url, names))
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
