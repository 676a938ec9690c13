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

export function sameEventSet(a: string[], b: string[]): boolean {
  const setA = new Set(a)
  const setB = new Set(b)
  return setA.size === setB.size && [...setA].every((event) => setB.has(event))
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
