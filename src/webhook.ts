// The webhook as this action sees it, and how webhooks are matched against the inputs.

/** A webhook as the API lists it. It never holds a secret: the client strips it on arrival. */
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

/** `*` matches any run of characters; everything else matches itself, against the normalised URL. */
export function urlPatternMatcher(pattern: string): (webhook: Webhook) => boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*')
  const regex = new RegExp(`^${source}$`)
  return (webhook) => regex.test(normalizeUrl(webhook.url))
}

/** Age in ms, or undefined when the API gave no readable created_at. */
export function ageMs(webhook: Webhook, now: number): number | undefined {
  const created = Date.parse(webhook.created_at ?? '')
  return Number.isNaN(created) ? undefined : now - created
}
