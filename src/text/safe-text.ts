// Text the action did not write itself (API fields, headers, error bodies, inputs), made safe for where
// it goes (docs/design.md#redaction). Every known secret is redacted first, before anything is escaped, collapsed or safeInline,
// since the runner's masks match only the exact text; and again after, since a collapsed run of
// whitespace or an escape can join two pieces of a secret, each too short to redact, into one that is not.
import { redact, redactAndCut } from './secrets.js'

/**
 * Characters the runner or a reader could be fooled by: controls (C0 and C1, line ends among them: the
 * runner ends a line at \n or \r), U+2028/U+2029, lone surrogates, and format and default-ignorable
 * characters (invisible, bidi, tags, variation selectors), which make an id or URL read as another.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Default_Ignorable_Code_Point}]/gu
/** A log line longer than this is cut: a hostile URL need not fill the log. */
const MAX_LINE = 4000

/** `\uXXXX` for each UTF-16 unit, as JSON writes it. */
function escapeChar(char: string): string {
  return char
    .split('')
    .map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .join('')
}

/**
 * For one line of the log or an annotation: secrets redacted, unsafe characters escaped, and neither
 * command syntax left for the runner to read: `::` at the start of a line, `##[` anywhere in it.
 */
export function safeLine(text: string): string {
  const redacted = redactAndCut(text, MAX_LINE)
  return redactIfChanged(
    redacted,
    redacted
      .replace(UNSAFE, escapeChar)
      .replace(/##\[/g, '##\\u005b')
      .replace(/^(\s*):/, '$1\\u003a')
  )
}

/** API text inside a longer message: secrets redacted, then one line with single spaces, bounded. */
export function safeInline(text: string, maxLength: number): string {
  const redacted = redactAndCut(text, maxLength)
  return redactIfChanged(redacted, redacted.replace(UNSAFE, ' ').replace(/\s{2,}/g, ' '))
}

/** For a cell of the step summary: one line, bounded, HTML-escaped. */
export function safeHtml(text: string | undefined, maxLength: number): string {
  const redacted = redactAndCut(text ?? '', maxLength)
  // \s also matches U+FEFF, which is invisible: escaped like the others, not made a space.
  const escaped = redacted
    .replace(/[^\S\ufeff]+/g, ' ')
    .replace(UNSAFE, escapeChar)
    .replace(/[&<>"'|`]/g, (char) => `&#${char.charCodeAt(0)};`)
  return redactIfChanged(redacted, escaped)
}

/**
 * Redacts `changed` again when it differs from `redacted`, the text it was made from: collapsing or
 * escaping can join two pieces of a secret, each too short to redact alone, into one that is not.
 */
function redactIfChanged(redacted: string, changed: string): string {
  return changed === redacted ? changed : redact(changed)
}
