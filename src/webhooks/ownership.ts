// The ownership marker (docs/design.md#webhooks-as-code): what plan and apply write at the end of the
// description they send, and the one parser that reads it back. A webhook whose description does not end
// in a marker for this owner is not the manifest's to change.

/** `<name>/<name>`, as GitHub names a repository. */
export const OWNER_PATTERN = /^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/
/** a-z 0-9 and -, starting with a letter or digit, at most 63 characters. */
export const KEY_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/

const OPENING = '[revont-sync '

export interface Marker {
  owner: string
  key: string
}

/** `<description> [revont-sync <owner> <key>]`, or just the marker when there is no description. */
export function markedDescription(owner: string, key: string, description: string | undefined): string {
  const marker = `${OPENING}${owner} ${key}]`
  return description ? `${description} ${marker}` : marker
}

/**
 * The marker a description ends with (after a space), or is alone; undefined when it has none. No
 * regular expression over the whole text: the time taken is linear in its length, whatever the API sends.
 */
export function parseMarker(description: string | undefined): Marker | undefined {
  if (!description?.endsWith(']')) return undefined
  const at = description.lastIndexOf(OPENING)
  if (at === -1 || (at > 0 && description[at - 1] !== ' ')) return undefined
  const [owner, key, ...rest] = description.slice(at + OPENING.length, -1).split(' ')
  if (rest.length > 0 || !OWNER_PATTERN.test(owner) || !KEY_PATTERN.test(key ?? '')) return undefined
  return { owner, key }
}
