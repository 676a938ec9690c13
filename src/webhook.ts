// The webhook as this action sees it: reduced on arrival to its documented fields, and matched against
// the inputs.

/** A webhook with the API's documented fields only, each of its documented type. Never a secret. */
export interface Webhook {
  id: string
  url: string
  events: string[]
  description?: string
  created_at?: string
  status?: string
}

export interface NewWebhook {
  url: string
  events: string[]
  description: string
}

/**
 * The documented fields of what the API sent, each kept only when of the right type; undefined without a
 * usable id and url. Nothing else the API sends (a secret, an extra field nested too deep to serialise)
 * goes further.
 */
export function toWebhook(item: unknown): Webhook | undefined {
  if (!item || typeof item !== 'object') return undefined
  const { id, url, events, description, created_at, status } = item as Record<string, unknown>
  if (typeof id !== 'string' || !id || typeof url !== 'string') return undefined
  const webhook: Webhook = { id, url, events: Array.isArray(events) ? events.filter((event) => typeof event === 'string') : [] }
  if (typeof description === 'string') webhook.description = description
  if (typeof created_at === 'string') webhook.created_at = created_at
  if (typeof status === 'string') webhook.status = status
  return webhook
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

export function sameEventSet(a: string[], b: string[]): boolean {
  const setA = new Set(a)
  const setB = new Set(b)
  return setA.size === setB.size && [...setA].every((event) => setB.has(event))
}

/**
 * A prune pattern (checked and normalised by inputs.ts) as a test of a webhook's normalised URL. In the
 * host, `*` matches within one DNS label (never `.`, `:` or `/`); after the host, any run of characters.
 * No regular expression: the time taken is linear in the URL's length, whatever the API sends.
 */
export function urlPatternMatcher(pattern: string): (webhook: Webhook) => boolean {
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

/** RFC 3339 with a time zone: `2024-02-01T10:00:00Z`, `2024-02-01T10:00:00.5+02:00`. */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/

/** Age in ms, or undefined when created_at is not an RFC 3339 timestamp with a time zone. */
export function ageMs(webhook: Webhook, now: number): number | undefined {
  const match = RFC3339.exec(webhook.created_at ?? '')
  if (!match) return undefined
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number)
  const created = Date.parse(webhook.created_at as string)
  // Date.parse rolls 2024-02-30 over to March; a date that does not exist is unreadable.
  const calendar = new Date(Date.UTC(year, month - 1, day))
  if (Number.isNaN(created) || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return undefined
  if (hour > 23 || minute > 59 || second > 59) return undefined
  return now - created
}
