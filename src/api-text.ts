// Text that comes from the API (descriptions, URLs, ids, error messages), made inert for where it goes.
// The runner reads a line that starts with `::` as a workflow command, and ends a line at \n or \r; the
// action only ever prints API text after words of its own, on one line.

const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/g

/** For a log line: control characters escaped, so the text cannot start a line of its own. */
export function forLog(text: string): string {
  return text.replace(CONTROL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** For an error message: one line, at most `maxLength` characters. */
export function forMessage(text: string, maxLength: number): string {
  return truncate(text.replace(CONTROL, ' ').replace(/ {2,}/g, ' '), maxLength)
}

/** For the step summary: one line, bounded, HTML-escaped; a value that is not text (the API may send a number) as JSON. */
export function forHtml(value: unknown, maxLength: number): string {
  const text = value == null ? '' : typeof value === 'string' ? value : JSON.stringify(value)
  return truncate(text.replace(/\s+/g, ' '), maxLength).replace(/[&<>"'|`]/g, (char) => `&#${char.charCodeAt(0)};`)
}

function truncate(text: string, maxLength: number): string {
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text
}
